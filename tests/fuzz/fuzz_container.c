/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for what names containers and units: the same bytes go
 * to the JSON state-file parsers (Docker's config.v2.json, Podman's
 * containers.json, an OCI bundle's annotations), to machined's env file,
 * and, as a cgroup file, to the path picker, the container layouts and the
 * systemd unit rule.  Built only with jansson (tests/CMakeLists.txt).
 * Checks the invariants consumers rely on: names bounded and terminated,
 * unset names empty, spans inside the input, Podman entries sorted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/cgroup.h"
#include "lsock/container.h"
#include "lsock/unit.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void check_name(const struct container_name *n)
{
	if (n->set ? (n->len == 0 || n->len > CONTAINER_NAME_MAX || n->bytes[n->len] != '\0') :
		     n->len != 0)
		abort();
}

static void check_container(const struct container *c)
{
	const char *rt = container_runtime_name(c->runtime);
	char *label;
	size_t len;

	check_name(&c->name);
	check_name(&c->pod);
	check_name(&c->pod_ns);
	if (strlen(c->id) != 0 && strlen(c->id) != CONTAINER_ID_LEN)
		abort();
	if (strlen(c->pod_uid) > CONTAINER_POD_UID_MAX)
		abort();
	if (container_label(c, &label, &len) == 0) {
		/* "<runtime>:<something>", terminated (it may hold NULs). */
		if (!rt || len <= strlen(rt) + 1 || memcmp(label, rt, strlen(rt)) != 0 ||
		    label[strlen(rt)] != ':' || label[len] != '\0')
			abort();
		free(label);
	} else if (label || len) {
		abort();
	}
}

static void inside(const uint8_t *data, size_t size, const char *p, size_t len)
{
	if (p && (p < (const char *)data || p + len > (const char *)data + size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *path;
	struct container_podman_entry *v;
	struct container_name n;
	struct container c = { .runtime = CONTAINER_K8S };
	struct unit_names u;
	size_t i, len, plen;

	container_parse_docker_config(buf, size, ID, &n);
	check_name(&n);
	container_parse_docker_config(buf, size, NULL, &n);
	check_name(&n);
	if (container_parse_podman_containers(buf, size, &v, &len) == 0) {
		for (i = 0; i < len; i++) {
			check_name(&v[i].name);
			if (!v[i].name.set || strlen(v[i].id) != CONTAINER_ID_LEN ||
			    (i && memcmp(v[i - 1].id, v[i].id, CONTAINER_ID_LEN) >= 0))
				abort();
		}
		free(v);
	} else if (v || len) {
		abort();
	}
	container_parse_oci_k8s(buf, size, &c);
	check_container(&c);
	container_parse_machine_file(buf, size, &n);
	check_name(&n);

	for (i = 0; i < 2; i++) {
		if (cgroup_pick_path(buf, size, i ? CGROUP_PICK_ANY : CGROUP_PICK_SYSTEMD, &path,
				     &plen) < 0) {
			path = buf;
			plen = size;
		}
		inside(data, size, path, plen);
		if (container_from_cgroup(path, plen, &c) == 0) {
			if (c.runtime == CONTAINER_NONE)
				abort();
			check_container(&c);
		}
		if (unit_from_cgroup_path(path, plen, &u) == 0) {
			if (!u.unit || u.unit_len == 0 || u.unit_len > UNIT_NAME_MAX ||
			    u.user_unit_len > UNIT_NAME_MAX)
				abort();
			inside(data, size, u.unit, u.unit_len);
			inside(data, size, u.user_unit, u.user_unit_len);
		}
	}
	return 0;
}
