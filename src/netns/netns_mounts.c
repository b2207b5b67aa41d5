/* SPDX-License-Identifier: MIT */
/*
 * Namespaces held by nsfs bind mounts: `ip netns add` (/run/netns/NAME),
 * containerd/CNI (/run/netns/cni-<uuid>), Podman (/run/netns/netns-<uuid>),
 * Docker (/run/docker/netns/<id>), or anyone's `mount --bind
 * /proc/PID/ns/net FILE`.  Such a namespace may have no process in it.
 *
 * Our own mount namespace is read from <proc_root>/self/mountinfo; a mount
 * made in another mount namespace shows only in the mountinfo of the
 * processes there, and is reached through <proc_root>/PID/root, which
 * resolves in that process's root and mounts.  Each mount namespace is read
 * once, found by the (dev, ino) of <proc_root>/PID/ns/mnt.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/array.h"
#include "netns_internal.h"

/* mountinfo is a few KiB; a container host may have thousands of mounts. */
#define MOUNTINFO_MAX (16u << 20)

struct ns_key {
	uint64_t dev;
	uint64_t ino;
};

struct mounts_walk {
	const char *proc_root;
	int procfd;
	struct netns_set *s;
	const char *pid_name; /* NULL: our own mount namespace */
	int32_t pid;
	struct ns_key *seen;  /* mount namespaces read so far (ours first) */
	size_t nseen;
	size_t seen_cap;
};

/* Keeps an ip netns name for ns: the first one, unless a later one is not
 * a runtime's generated name and the kept one is. */
static int keep_ipnetns(struct netns *ns, const char *name, size_t len)
{
	char *copy;

	if (ns->ipnetns && (!netns_name_is_generated(ns->ipnetns, ns->ipnetns_len) ||
			    netns_name_is_generated(name, len)))
		return 0;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, len);
	copy[len] = '\0';
	free(ns->ipnetns);
	ns->ipnetns = copy;
	ns->ipnetns_len = len;
	return 0;
}

static int on_mount(const struct netns_mountinfo_entry *m, void *data)
{
	struct mounts_walk *w = data;
	struct netns_path p = { .kind = NETNS_PATH_MOUNT, .pid = w->pid };
	char path[PATH_MAX];
	const char *name;
	struct netns *ns;
	size_t name_len;
	int n, r;

	if (!w->s->have_nsfs_dev) {
		w->s->nsfs_dev = m->dev;
		w->s->have_nsfs_dev = true;
	}
	if (w->pid_name)
		n = snprintf(path, sizeof(path), "%s/%s/root%s", w->proc_root, w->pid_name,
			     m->mountpoint);
	else
		n = snprintf(path, sizeof(path), "%s", m->mountpoint);
	p.path = path;
	r = netns_set_add(w->s, m->dev, m->ino, NETNS_SRC_MOUNT,
			  n > 0 && (size_t)n < sizeof(path) ? &p : NULL, &ns);
	if (r < 0)
		return r;
	/* Only our own /run/netns is what `ip netns` and `lsock -N NAME`
	 * here can reach by that name. */
	name = w->pid_name ? NULL : netns_mountpoint_ipnetns(m->mountpoint, m->mountpoint_len,
							      &name_len);
	return name ? keep_ipnetns(ns, name, name_len) : 0;
}

/* Reads one mountinfo (rel under procfd) and adds its nsfs mounts.
 * Returns 0 (an unreadable file counted), or a fatal -errno. */
static int read_mountinfo(struct mounts_walk *w, const char *rel)
{
	size_t len;
	char *text;
	int r;

	r = file_read_at(w->procfd, rel, MOUNTINFO_MAX, false, &text, &len);
	if (r < 0) {
		if (netns_errno_fatal(-r))
			return r;
		if (r != -ENOENT && r != -ESRCH)
			w->s->n_denied_mounts++;
		return 0;
	}
	r = netns_mountinfo_parse(text, len, on_mount, w);
	free(text);
	return r;
}

/* Whether mount namespace k was read already; if not, records it.
 * Returns 1 (seen), 0 (new), or -ENOMEM. */
static int seen_before(struct mounts_walk *w, struct ns_key k)
{
	size_t i;
	int r;

	for (i = 0; i < w->nseen; i++)
		if (w->seen[i].dev == k.dev && w->seen[i].ino == k.ino)
			return 1;
	r = array_grow((void **)&w->seen, &w->seen_cap, w->nseen + 1, sizeof(*w->seen), 16);
	if (r < 0)
		return r;
	w->seen[w->nseen++] = k;
	return 0;
}

static int scan_pid(const char *name, int32_t pid, void *data)
{
	struct mounts_walk *w = data;
	char rel[64];
	struct stat st;
	int r;

	snprintf(rel, sizeof(rel), "%s/ns/mnt", name);
	if (fstatat(w->procfd, rel, &st, 0) < 0) {
		if (netns_errno_fatal(errno))
			return -errno;
		if (errno == EACCES || errno == EPERM)
			w->s->n_denied_mounts++;
		return 0;
	}
	r = seen_before(w, (struct ns_key){ st.st_dev, st.st_ino });
	if (r != 0)
		return r < 0 ? r : 0;
	w->pid_name = name;
	w->pid = pid;
	snprintf(rel, sizeof(rel), "%s/mountinfo", name);
	return read_mountinfo(w, rel);
}

int netns_scan_mounts(const char *proc_root, struct netns_set *s)
{
	struct mounts_walk w = { .proc_root = proc_root, .s = s };
	struct stat st;
	int r;

	w.procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.procfd < 0)
		return -errno;
	r = read_mountinfo(&w, "self/mountinfo");
	if (r == 0 && fstatat(w.procfd, "self/ns/mnt", &st, 0) == 0)
		r = seen_before(&w, (struct ns_key){ st.st_dev, st.st_ino });
	if (r == 0)
		r = netns_for_each_pid(w.procfd, scan_pid, &w);
	free(w.seen);
	close(w.procfd);
	return r;
}
