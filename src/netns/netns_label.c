/* SPDX-License-Identifier: MIT */
/* Naming every namespace (the order is in netns.h, with the reasons). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/cgroup.h"
#include "lsock/container.h"
#include "netns_internal.h"

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* A canonical lowercase UUID: 8-4-4-4-12 hex digits. */
static bool is_uuid(const char *s, size_t len)
{
	size_t i;

	if (len != 36)
		return false;
	for (i = 0; i < len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !is_hex(s[i]))
			return false;
	}
	return true;
}

bool netns_name_is_generated(const char *s, size_t len)
{
	if (len > 4 && memcmp(s, "cni-", 4) == 0)
		return is_uuid(s + 4, len - 4);
	if (len > 6 && memcmp(s, "netns-", 6) == 0)
		return is_uuid(s + 6, len - 6);
	return false;
}

static int set_label(struct netns *ns, const char *p, size_t len, enum netns_label_kind kind)
{
	char *s = malloc(len + 1);

	if (!s)
		return -ENOMEM;
	memcpy(s, p, len);
	s[len] = '\0';
	free(ns->label);
	ns->label = s;
	ns->label_len = len;
	ns->label_kind = kind;
	return 0;
}

/* How good a container is as the namespace's name. */
static int rank(const struct container *c)
{
	if (c->runtime == CONTAINER_K8S) {
		if (!c->pod_ns.set || !c->pod.set)
			return 1;
		return c->name.set && !c->is_sandbox ? 3 : 2;
	}
	return c->name.set ? 3 : 1;
}

/* Whether pid (name under procfd) is still in ns: a pid that exited and
 * was reused since the scan must not lend its cgroup. */
static bool still_in(int procfd, const char *pid_name, const struct netns *ns)
{
	char rel[64];
	struct stat st;

	snprintf(rel, sizeof(rel), "%s/ns/net", pid_name);
	return fstatat(procfd, rel, &st, 0) == 0 && (uint64_t)st.st_dev == ns->dev &&
	       (uint64_t)st.st_ino == ns->ino;
}

/* The best container among ns's first pids; *ret stays zero if none. */
static int find_container(int procfd, struct container_ctx *ctx, const struct netns *ns,
			  struct container *ret)
{
	struct container c;
	size_t i, tried = 0;
	int best = 0, r;

	memset(ret, 0, sizeof(*ret));
	for (i = 0; i < ns->npids && tried < NETNS_NAME_PIDS_MAX && best < 3; i++) {
		char name[16], rel[32];
		const char *path;
		size_t len, plen;
		char *text;

		snprintf(name, sizeof(name), "%d", (int)ns->pids[i]);
		snprintf(rel, sizeof(rel), "%s/cgroup", name);
		tried++;
		r = cgroup_read_at(procfd, rel, &text, &len);
		if (r < 0) {
			if (netns_errno_fatal(-r))
				return r;
			continue;
		}
		r = cgroup_pick_path(text, len, CGROUP_PICK_ANY, &path, &plen);
		if (r == 0)
			r = container_from_cgroup(path, plen, &c);
		free(text);
		if (r < 0 || !still_in(procfd, name, ns))
			continue;
		/* Threads and children of one container: look it up once. */
		if (best && c.runtime == ret->runtime && strcmp(c.id, ret->id) == 0 &&
		    (c.id[0] || (c.name.len == ret->name.len &&
				 memcmp(c.name.bytes, ret->name.bytes, c.name.len) == 0)))
			continue;
		r = container_lookup(ctx, &c);
		if (r < 0)
			return r;
		if (rank(&c) > best) {
			best = rank(&c);
			*ret = c;
		}
	}
	return 0;
}

static int name_one(int procfd, struct container_ctx *ctx, struct netns *ns)
{
	char buf[32];
	char *label;
	size_t len;
	int r;

	memset(&ns->container, 0, sizeof(ns->container));
	if (ns->ipnetns && !netns_name_is_generated(ns->ipnetns, ns->ipnetns_len))
		return set_label(ns, ns->ipnetns, ns->ipnetns_len, NETNS_LABEL_IPNETNS);
	if (ns->is_initial)
		return set_label(ns, "host", 4, NETNS_LABEL_HOST);
	if (procfd >= 0) {
		r = find_container(procfd, ctx, ns, &ns->container);
		if (r < 0)
			return r;
		r = container_label(&ns->container, &label, &len);
		if (r == -ENOMEM)
			return r;
		if (r == 0) {
			free(ns->label);
			ns->label = label;
			ns->label_len = len;
			ns->label_kind = NETNS_LABEL_CONTAINER;
			return 0;
		}
		memset(&ns->container, 0, sizeof(ns->container));
	}
	if (ns->ipnetns)
		return set_label(ns, ns->ipnetns, ns->ipnetns_len, NETNS_LABEL_IPNETNS);
	snprintf(buf, sizeof(buf), "net:[%llu]", (unsigned long long)ns->ino);
	return set_label(ns, buf, strlen(buf), NETNS_LABEL_INODE);
}

int netns_set_name(struct netns_set *s, const char *proc_root, const char *state_root)
{
	struct container_ctx ctx;
	int procfd, r = 0;
	size_t i;

	container_ctx_init(&ctx, state_root);
	procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0 && netns_errno_fatal(errno))
		r = -errno;
	for (i = 0; r == 0 && i < s->len; i++)
		r = name_one(procfd, &ctx, &s->v[i]);
	if (procfd >= 0)
		close(procfd);
	container_ctx_free(&ctx);
	return r;
}
