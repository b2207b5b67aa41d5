/* SPDX-License-Identifier: MIT */
/*
 * Namespaces that processes are in: stat <proc_root>/PID/ns/net, keyed by
 * (st_dev, st_ino) as nsfs gives them (every namespace file lives on the
 * one nsfs superblock, so st_dev is the same for all of them).
 *
 * setns(CLONE_NEWNET) moves one thread, so a thread may be in a namespace
 * that its leader is not; /proc/PID/ns/net shows the leader's only.  The
 * threads of a multithreaded process are stat'ed through PID/task/TID too.
 * The link count of PID/task is 2 + the number of threads
 * (proc_task_getattr()), so a single-threaded process costs nothing more.
 *
 * Reading ns/net takes ptrace read access to the process
 * (proc_ns_get_link() checks PTRACE_MODE_READ_FSCREDS): EACCES/EPERM is
 * counted, not fatal.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns_internal.h"

struct procs_walk {
	const char *proc_root;
	int procfd;
	struct netns_set *s;
	char *task_dents;
};

/* Adds the namespace file st (already stat'ed) at rel under proc_root, held
 * by pid. */
static int add_ns(struct procs_walk *w, const struct stat *st, const char *rel, int32_t pid)
{
	struct netns_path p = { .kind = NETNS_PATH_PROC, .pid = pid };
	char path[PATH_MAX];
	struct netns *ns;
	int n, r;

	if (!w->s->have_nsfs_dev) {
		w->s->nsfs_dev = st->st_dev;
		w->s->have_nsfs_dev = true;
	}
	n = snprintf(path, sizeof(path), "%s/%s", w->proc_root, rel);
	p.path = path;
	/* A proc_root too long for a path still gives the namespace. */
	r = netns_set_add(w->s, st->st_dev, st->st_ino, NETNS_SRC_PROC,
			  n > 0 && (size_t)n < sizeof(path) ? &p : NULL, &ns);
	if (r == 0)
		r = netns_set_add_pid(ns, pid);
	return r;
}

/* The threads of pid other than the leader, whose namespace differs from
 * leader's (dev, ino). */
static int scan_threads(struct procs_walk *w, const char *name, int32_t pid,
			const struct stat *leader)
{
	char rel[64 + sizeof(((struct dirent64 *)0)->d_name)];
	struct stat st;
	int taskfd, r = 0;

	snprintf(rel, sizeof(rel), "%s/task", name);
	if (fstatat(w->procfd, rel, &st, 0) < 0 || st.st_nlink <= 3)
		return netns_errno_fatal(errno) ? -errno : 0;
	taskfd = openat(w->procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0)
		return netns_errno_fatal(errno) ? -errno : 0;
	while (r == 0) {
		ssize_t n = getdents64(taskfd, w->task_dents, NETNS_DENTS_BUF_SIZE);
		ssize_t off = 0;

		if (n <= 0) {
			if (n < 0 && netns_errno_fatal(errno))
				r = -errno;
			break;
		}
		while (r == 0 && off < n) {
			const struct dirent64 *d = (const struct dirent64 *)(w->task_dents + off);
			uint64_t tid;

			off += d->d_reclen;
			if (!netns_parse_num(d->d_name, strlen(d->d_name), NETNS_PID_MAX, &tid) ||
			    (int32_t)tid == pid)
				continue;
			snprintf(rel, sizeof(rel), "%s/task/%s/ns/net", name, d->d_name);
			if (fstatat(w->procfd, rel, &st, 0) < 0) {
				if (netns_errno_fatal(errno))
					r = -errno;
				continue; /* gone, or denied like its leader */
			}
			if (leader && st.st_dev == leader->st_dev && st.st_ino == leader->st_ino)
				continue;
			r = add_ns(w, &st, rel, pid);
		}
	}
	close(taskfd);
	return r;
}

static int scan_pid(const char *name, int32_t pid, void *data)
{
	struct procs_walk *w = data;
	char rel[64];
	struct stat st;
	bool have = false;
	int r;

	snprintf(rel, sizeof(rel), "%s/ns/net", name);
	if (fstatat(w->procfd, rel, &st, 0) == 0) {
		have = true;
		r = add_ns(w, &st, rel, pid);
		if (r < 0)
			return r;
	} else if (netns_errno_fatal(errno)) {
		return -errno;
	} else if (errno == EACCES || errno == EPERM) {
		w->s->n_denied_procs++;
		return 0; /* its threads are just as denied */
	}
	/* Gone, not a process, or a leader that called pthread_exit(): a
	 * zombie has no ns links (ENOENT), but its threads may live on. */
	return scan_threads(w, name, pid, have ? &st : NULL);
}

int netns_scan_procs(const char *proc_root, struct netns_set *s)
{
	struct procs_walk w = { .proc_root = proc_root, .s = s };
	int r;

	w.procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.procfd < 0)
		return -errno;
	w.task_dents = malloc(NETNS_DENTS_BUF_SIZE);
	if (!w.task_dents) {
		close(w.procfd);
		return -ENOMEM;
	}
	r = netns_for_each_pid(w.procfd, scan_pid, &w);
	free(w.task_dents);
	close(w.procfd);
	netns_set_sort_pids(s);
	return r;
}
