/* SPDX-License-Identifier: MIT */
/* Labels of containers: "<runtime>:<name>", or "<runtime>:<short id>". */
#include <stdlib.h>
#include <string.h>

#include "lsock/container.h"
#include "netns_internal.h"

const char *container_runtime_name(enum container_runtime r)
{
	static const char *const names[_CONTAINER_RUNTIME_MAX] = {
		[CONTAINER_DOCKER] = "docker", [CONTAINER_PODMAN] = "podman",
		[CONTAINER_K8S] = "k8s",       [CONTAINER_LXC] = "lxc",
		[CONTAINER_NSPAWN] = "nspawn",
	};

	return (unsigned)r < _CONTAINER_RUNTIME_MAX ? names[r] : NULL;
}

struct parts {
	const char *p[3];
	size_t len[3];
	size_t n;
};

static void add(struct parts *pt, const char *p, size_t len)
{
	pt->p[pt->n] = p;
	pt->len[pt->n++] = len;
}

int container_label(const struct container *c, char **ret, size_t *ret_len)
{
	const char *rt = container_runtime_name(c->runtime);
	struct parts pt = { .n = 0 };
	size_t len, i, off;
	char *s;

	*ret = NULL;
	*ret_len = 0;
	if (!rt)
		return -ENOENT;
	if (c->runtime == CONTAINER_K8S && c->pod_ns.set && c->pod.set) {
		add(&pt, c->pod_ns.bytes, c->pod_ns.len);
		add(&pt, c->pod.bytes, c->pod.len);
		if (c->name.set && !c->is_sandbox)
			add(&pt, c->name.bytes, c->name.len);
	} else if (c->runtime != CONTAINER_K8S && c->name.set) {
		add(&pt, c->name.bytes, c->name.len);
	} else if (strlen(c->id) >= CONTAINER_SHORT_ID_LEN) {
		add(&pt, c->id, CONTAINER_SHORT_ID_LEN);
	} else {
		return -ENOENT;
	}
	len = strlen(rt) + 1;
	for (i = 0; i < pt.n; i++)
		len += pt.len[i] + (i ? 1 : 0);
	s = malloc(len + 1);
	if (!s)
		return -ENOMEM;
	off = strlen(rt);
	memcpy(s, rt, off);
	s[off++] = ':';
	for (i = 0; i < pt.n; i++) {
		if (i)
			s[off++] = '/';
		memcpy(s + off, pt.p[i], pt.len[i]);
		off += pt.len[i];
	}
	s[off] = '\0';
	*ret = s;
	*ret_len = off;
	return 0;
}
