/* SPDX-License-Identifier: MIT */
/*
 * The JSON state files of Docker, Podman and containerd, parsed with
 * jansson (see README "Dependencies" for why that one).  The buffers are
 * untrusted: json_loadb() takes a length (no NUL needed, none trusted),
 * rejects invalid UTF-8 and duplicate keys (JSON_REJECT_DUPLICATES: two
 * "Name"s would make the label depend on which one wins), nests at most
 * JSON_PARSER_MAX_DEPTH (2048) deep, and with JSON_ALLOW_NUL keeps a
 * "\u0000" inside a string as a counted byte rather than refusing it.
 * Every value is type-checked before use; a wrong type is "no name".
 */
#include <stdlib.h>
#include <string.h>

#include "lsock/container.h"
#include "netns_internal.h"

#ifdef LSOCK_HAVE_JANSSON
#include <jansson.h>

/* The CRI plugin's annotations on every container's OCI spec. */
#define K8S_ANN "io.kubernetes.cri."

bool container_json_supported(void)
{
	return true;
}

static json_t *load(const char *buf, size_t len)
{
	json_error_t err;

	return json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
}

/* Sets *n from a JSON string of 1..CONTAINER_NAME_MAX bytes (after one
 * leading '/' when strip_slash). */
static bool take_name(struct container_name *n, const json_t *v, bool strip_slash)
{
	const char *p;
	size_t len;

	memset(n, 0, sizeof(*n));
	if (!json_is_string(v))
		return false;
	p = json_string_value(v);
	len = json_string_length(v);
	if (strip_slash && len && p[0] == '/') {
		p++;
		len--;
	}
	if (len == 0 || len > CONTAINER_NAME_MAX)
		return false;
	memcpy(n->bytes, p, len);
	n->bytes[len] = '\0';
	n->len = (uint16_t)len;
	n->set = true;
	return true;
}

/* Whether v is a JSON string holding exactly id (64 bytes, no NUL). */
static bool is_id_string(const json_t *v, const char *id)
{
	return json_is_string(v) && json_string_length(v) == CONTAINER_ID_LEN &&
	       memcmp(json_string_value(v), id, CONTAINER_ID_LEN) == 0;
}

static bool valid_id(const json_t *v)
{
	const char *p;
	size_t i;

	if (!json_is_string(v) || json_string_length(v) != CONTAINER_ID_LEN)
		return false;
	p = json_string_value(v);
	for (i = 0; i < CONTAINER_ID_LEN; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

int container_parse_docker_config(const char *buf, size_t len, const char *id,
				  struct container_name *ret)
{
	json_t *root, *v;
	int r = -ENOENT;

	memset(ret, 0, sizeof(*ret));
	root = load(buf, len);
	if (!root)
		return -EINVAL;
	if (json_is_object(root)) {
		v = json_object_get(root, "ID");
		if ((!id || !v || is_id_string(v, id)) &&
		    take_name(ret, json_object_get(root, "Name"), true))
			r = 0;
	}
	json_decref(root);
	return r;
}

static int entry_cmp(const void *a, const void *b)
{
	return memcmp(((const struct container_podman_entry *)a)->id,
		      ((const struct container_podman_entry *)b)->id, CONTAINER_ID_LEN);
}

/* Sorts v by id and drops every id that occurs more than once (which one
 * would be the truth?).  Returns the new length. */
static size_t sort_unique(struct container_podman_entry *v, size_t n)
{
	size_t i = 0, k = 0;

	qsort(v, n, sizeof(*v), entry_cmp);
	while (i < n) {
		size_t j = i + 1;

		while (j < n && entry_cmp(&v[i], &v[j]) == 0)
			j++;
		if (j == i + 1)
			v[k++] = v[i];
		i = j;
	}
	return k;
}

int container_parse_podman_containers(const char *buf, size_t len,
				      struct container_podman_entry **ret, size_t *ret_len)
{
	struct container_podman_entry *v = NULL;
	size_t i, n = 0;
	json_t *root;

	*ret = NULL;
	*ret_len = 0;
	root = load(buf, len);
	if (!root)
		return -EINVAL;
	if (!json_is_array(root) || json_array_size(root) == 0) {
		json_decref(root);
		return -ENOENT;
	}
	v = calloc(json_array_size(root), sizeof(*v));
	if (!v) {
		json_decref(root);
		return -ENOMEM;
	}
	for (i = 0; i < json_array_size(root); i++) {
		const json_t *e = json_array_get(root, i), *id, *names;

		if (!json_is_object(e))
			continue;
		id = json_object_get(e, "id");
		names = json_object_get(e, "names");
		if (!valid_id(id) || !json_is_array(names) ||
		    !take_name(&v[n].name, json_array_get(names, 0), false))
			continue;
		memcpy(v[n].id, json_string_value(id), CONTAINER_ID_LEN);
		v[n].id[CONTAINER_ID_LEN] = '\0';
		n++;
	}
	json_decref(root);
	n = sort_unique(v, n);
	if (n == 0) {
		free(v);
		return -ENOENT;
	}
	*ret = v;
	*ret_len = n;
	return 0;
}

int container_parse_oci_k8s(const char *buf, size_t len, struct container *c)
{
	json_t *root, *ann, *type;
	int r = -ENOENT;

	memset(&c->name, 0, sizeof(c->name));
	memset(&c->pod, 0, sizeof(c->pod));
	memset(&c->pod_ns, 0, sizeof(c->pod_ns));
	c->is_sandbox = false;
	root = load(buf, len);
	if (!root)
		return -EINVAL;
	ann = json_is_object(root) ? json_object_get(root, "annotations") : NULL;
	if (json_is_object(ann)) {
		take_name(&c->pod_ns, json_object_get(ann, K8S_ANN "sandbox-namespace"), false);
		take_name(&c->pod, json_object_get(ann, K8S_ANN "sandbox-name"), false);
		take_name(&c->name, json_object_get(ann, K8S_ANN "container-name"), false);
		type = json_object_get(ann, K8S_ANN "container-type");
		c->is_sandbox = json_is_string(type) && json_string_length(type) == 7 &&
				memcmp(json_string_value(type), "sandbox", 7) == 0;
		if (c->pod_ns.set || c->pod.set || c->name.set)
			r = 0;
	}
	json_decref(root);
	return r;
}

#else /* !LSOCK_HAVE_JANSSON */

bool container_json_supported(void)
{
	return false;
}

int container_parse_docker_config(const char *buf, size_t len, const char *id,
				  struct container_name *ret)
{
	memset(ret, 0, sizeof(*ret));
	return -EOPNOTSUPP;
}

int container_parse_podman_containers(const char *buf, size_t len,
				      struct container_podman_entry **ret, size_t *ret_len)
{
	*ret = NULL;
	*ret_len = 0;
	return -EOPNOTSUPP;
}

int container_parse_oci_k8s(const char *buf, size_t len, struct container *c)
{
	memset(&c->name, 0, sizeof(c->name));
	memset(&c->pod, 0, sizeof(c->pod));
	memset(&c->pod_ns, 0, sizeof(c->pod_ns));
	c->is_sandbox = false;
	return -EOPNOTSUPP;
}

#endif
