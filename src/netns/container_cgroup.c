/* SPDX-License-Identifier: MIT */
/*
 * Container layouts in cgroup paths (see container.h).  The conventions are
 * the engines' own, as the Falco container plugin matches them:
 *
 *   Docker      /system.slice/docker-<id>.scope     (systemd cgroup driver)
 *               /docker/<id>                        (cgroupfs driver)
 *   Podman      /machine.slice/libpod-<id>.scope, .../libpod-payload-<id>,
 *               /libpod_parent/libpod-<id>          (libpod-conmon-<id> is conmon,
 *                                                    which stays in the host's netns)
 *   Kubernetes  /kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid>.slice/
 *                   cri-containerd-<id>.scope | crio-<id>.scope
 *               /kubepods/<qos>/pod<uid>/<id>       (cgroupfs driver)
 *   LXC         /lxc.payload.<name>, /lxc/<name>    (lxc.monitor.<name> is the monitor)
 *   nspawn      /machine.slice/systemd-nspawn@<escaped name>.service
 *
 * A container's payload may make cgroups below its own (systemd inside it,
 * or Docker inside LXC), so the deepest component that matches wins.
 */
#include <string.h>

#include "lsock/container.h"
#include "netns_internal.h"

/* Components considered, counted from the deepest. */
#define DEPTH_MAX 64

struct span {
	const char *p;
	size_t len;
};

static bool span_eq(struct span s, const char *lit)
{
	return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

/* Removes prefix from *s if it starts with it. */
static bool eat_prefix(struct span *s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (s->len < n || memcmp(s->p, prefix, n) != 0)
		return false;
	s->p += n;
	s->len -= n;
	return true;
}

static bool eat_suffix(struct span *s, const char *suffix)
{
	size_t n = strlen(suffix);

	if (s->len < n || memcmp(s->p + s->len - n, suffix, n) != 0)
		return false;
	s->len -= n;
	return true;
}

/* Exactly 64 lowercase hex digits: a runc id. */
static bool is_id(struct span s)
{
	size_t i;

	if (s.len != CONTAINER_ID_LEN)
		return false;
	for (i = 0; i < s.len; i++)
		if (!((s.p[i] >= '0' && s.p[i] <= '9') || (s.p[i] >= 'a' && s.p[i] <= 'f')))
			return false;
	return true;
}

static void set_id(struct container *c, struct span id)
{
	memcpy(c->id, id.p, CONTAINER_ID_LEN);
	c->id[CONTAINER_ID_LEN] = '\0';
}

static bool set_name(struct container_name *n, const char *p, size_t len)
{
	if (len == 0 || len > CONTAINER_NAME_MAX)
		return false;
	memcpy(n->bytes, p, len);
	n->bytes[len] = '\0';
	n->len = (uint16_t)len;
	n->set = true;
	return true;
}

/* A pod uid as the kubelet writes it in a cgroup name: hex digits and '-'
 * (the systemd driver turns '-' into '_'). */
static bool parse_pod_uid(struct span s, struct container *c)
{
	size_t i;

	if (s.len < 8 || s.len > CONTAINER_POD_UID_MAX)
		return false;
	for (i = 0; i < s.len; i++) {
		char ch = s.p[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || ch == '-' ||
		      ch == '_'))
			return false;
	}
	for (i = 0; i < s.len; i++)
		c->pod_uid[i] = s.p[i] == '_' ? '-' : s.p[i];
	c->pod_uid[s.len] = '\0';
	return true;
}

/* "pod<uid>" (cgroupfs) or "kubepods[-<qos>]-pod<uid>.slice" (systemd). */
static bool pod_component(struct span s, struct container *c)
{
	if (eat_prefix(&s, "pod"))
		return parse_pod_uid(s, c);
	if (!eat_prefix(&s, "kubepods-") || !eat_suffix(&s, ".slice"))
		return false;
	/* The uid follows the first '-'-separated field that starts "pod"
	 * (the systemd driver's uid has '_' for '-', so it is one field). */
	for (;;) {
		struct span uid = s;
		const char *dash;

		if (eat_prefix(&uid, "pod") && parse_pod_uid(uid, c))
			return true;
		dash = memchr(s.p, '-', s.len);
		if (!dash)
			return false;
		s.len -= (size_t)(dash + 1 - s.p);
		s.p = dash + 1;
	}
}

static void find_pod_uid(const struct span *comps, size_t i, struct container *c)
{
	while (i-- > 0)
		if (pod_component(comps[i], c))
			return;
}

static bool set_k8s(const struct span *comps, size_t i, struct container *c,
		    enum container_engine engine, struct span id)
{
	c->runtime = CONTAINER_K8S;
	c->engine = engine;
	set_id(c, id);
	find_pod_uid(comps, i, c);
	return true;
}

/* Tries one component (with its parent, if any); fills *c on a match. */
static bool match(const struct span *comps, size_t i, struct container *c)
{
	struct span s = comps[i], id;
	const struct span *parent = i > 0 ? &comps[i - 1] : NULL;
	char name[CONTAINER_NAME_MAX + 1];
	int n;

	id = s;
	if (eat_prefix(&id, "docker-") && eat_suffix(&id, ".scope") && is_id(id)) {
		c->runtime = CONTAINER_DOCKER;
		set_id(c, id);
		return true;
	}
	id = s;
	if (eat_prefix(&id, "libpod-")) {
		eat_prefix(&id, "payload-");
		eat_suffix(&id, ".scope");
		if (is_id(id)) {
			c->runtime = CONTAINER_PODMAN;
			set_id(c, id);
			return true;
		}
	}
	id = s;
	if (eat_prefix(&id, "cri-containerd-") && eat_suffix(&id, ".scope") && is_id(id))
		return set_k8s(comps, i, c, CONTAINER_ENGINE_CONTAINERD, id);
	id = s;
	if (eat_prefix(&id, "crio-") && (eat_suffix(&id, ".scope"), is_id(id)))
		return set_k8s(comps, i, c, CONTAINER_ENGINE_CRIO, id);
	if (is_id(s) && parent) {
		if (span_eq(*parent, "docker")) {
			c->runtime = CONTAINER_DOCKER;
			set_id(c, s);
			return true;
		}
		if (pod_component(*parent, c))
			return set_k8s(comps, i, c, CONTAINER_ENGINE_UNKNOWN, s);
	}
	id = s;
	if (eat_prefix(&id, "lxc.payload.") && set_name(&c->name, id.p, id.len)) {
		c->runtime = CONTAINER_LXC;
		return true;
	}
	if (parent && span_eq(*parent, "lxc") && set_name(&c->name, s.p, s.len)) {
		c->runtime = CONTAINER_LXC;
		return true;
	}
	id = s;
	if (eat_prefix(&id, "systemd-nspawn@") && eat_suffix(&id, ".service")) {
		n = container_unescape_unit(id.p, id.len, name, sizeof(name));
		if (n > 0 && set_name(&c->name, name, (size_t)n)) {
			c->runtime = CONTAINER_NSPAWN;
			return true;
		}
	}
	return false;
}

int container_from_cgroup(const char *path, size_t len, struct container *ret)
{
	struct span comps[DEPTH_MAX];
	size_t n = 0, i;

	memset(ret, 0, sizeof(*ret));
	while (len) {
		const char *slash;
		struct span c;

		while (len && path[0] == '/') {
			path++;
			len--;
		}
		if (!len)
			break;
		slash = memchr(path, '/', len);
		c.p = path;
		c.len = slash ? (size_t)(slash - path) : len;
		path += c.len;
		len -= c.len;
		if (n == DEPTH_MAX) {
			memmove(comps, comps + 1, (DEPTH_MAX - 1) * sizeof(*comps));
			n--;
		}
		comps[n++] = c;
	}
	for (i = n; i-- > 0;) {
		if (match(comps, i, ret))
			return 0;
		memset(ret, 0, sizeof(*ret)); /* a half-filled pod uid or name */
	}
	return -ENOENT;
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int container_unescape_unit(const char *s, size_t len, char *buf, size_t size)
{
	size_t i = 0, j = 0;

	while (i < len) {
		char c = s[i];

		if (c == '\\') {
			int hi, lo;

			if (i + 3 >= len || s[i + 1] != 'x')
				return -EINVAL;
			hi = unhex(s[i + 2]);
			lo = unhex(s[i + 3]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = (char)(hi << 4 | lo);
			i += 4;
		} else {
			if (c == '-')
				c = '/';
			i++;
		}
		if (j >= size)
			return -ENAMETOOLONG;
		buf[j++] = c;
	}
	if (j >= size)
		return -ENAMETOOLONG;
	buf[j] = '\0';
	return (int)j;
}
