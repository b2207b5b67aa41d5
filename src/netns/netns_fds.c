/* SPDX-License-Identifier: MIT */
/*
 * Namespaces held by open fds: a process that opened /proc/X/ns/net (or got
 * one from SIOCGSKNS, NS_GET_NETNS, a pidfd) keeps that namespace alive
 * after X exits.  nsfs names such an fd "net:[INODE]" (ns_dname()).
 *
 * netns_add_fd_holder() takes what the owner walk met in its own fd loop
 * (owner_map.nsfds): lsock walks the fds once, for owners and namespaces
 * alike.  netns_scan_fds() is a standalone walk of the leaders' fd tables,
 * for callers without an owner walk (tests, netns_probe).
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

/* "net:[18446744073709551615]" is 26 bytes; anything that fills this is not ours. */
#define LINK_BUF_SIZE 40

int netns_add_fd_link(struct netns_set *s, const char *proc_root, int32_t pid, int32_t fd,
		      uint64_t ino)
{
	return netns_add_fd_holder(s, proc_root, pid, 0, fd, ino);
}

int netns_add_fd_holder(struct netns_set *s, const char *proc_root, int32_t pid, int32_t tid,
			int32_t fd, uint64_t ino)
{
	struct netns_path p = { .kind = NETNS_PATH_FD, .pid = pid, .fd = fd };
	char path[PATH_MAX];
	struct netns *ns;
	int n;

	if (tid)
		n = snprintf(path, sizeof(path), "%s/%d/task/%d/fd/%d", proc_root, (int)pid,
			     (int)tid, (int)fd);
	else
		n = snprintf(path, sizeof(path), "%s/%d/fd/%d", proc_root, (int)pid, (int)fd);
	if (n <= 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	if (!s->have_nsfs_dev) {
		struct stat st;

		/* Every nsfs file has the nsfs superblock's device: learn it
		 * from this one (the magic link follows to the namespace). */
		if (stat(path, &st) < 0 || st.st_ino != ino)
			return -ENODEV;
		s->nsfs_dev = st.st_dev;
		s->have_nsfs_dev = true;
	}
	p.path = path;
	return netns_set_add(s, s->nsfs_dev, ino, NETNS_SRC_FD, &p, &ns);
}

struct fds_walk {
	const char *proc_root;
	int procfd;
	struct netns_set *s;
	char *dents;
};

static int scan_fd_dir(struct fds_walk *w, int fdfd, int32_t pid)
{
	for (;;) {
		ssize_t n = getdents64(fdfd, w->dents, NETNS_DENTS_BUF_SIZE);
		ssize_t off = 0;

		if (n < 0)
			return netns_errno_fatal(errno) ? -errno : 0;
		if (n == 0)
			return 0;
		while (off < n) {
			const struct dirent64 *d = (const struct dirent64 *)(w->dents + off);
			char link[LINK_BUF_SIZE];
			uint64_t fd, ino;
			ssize_t len;
			int r;

			off += d->d_reclen;
			if (strparse_dec(d->d_name, strlen(d->d_name), INT32_MAX, true, &fd) < 0)
				continue;
			len = readlinkat(fdfd, d->d_name, link, sizeof(link));
			if (len < 0) {
				if (netns_errno_fatal(errno))
					return -errno;
				continue; /* closed since getdents, or denied (counted below) */
			}
			if ((size_t)len >= sizeof(link) ||
			    !netns_parse_link(link, (size_t)len, &ino))
				continue;
			r = netns_add_fd_link(w->s, w->proc_root, pid, (int32_t)fd, ino);
			if (r == -ENOMEM)
				return r;
		}
	}
}

static int scan_pid(const char *name, int32_t pid, void *data)
{
	struct fds_walk *w = data;
	char rel[64];
	int fdfd, r;

	snprintf(rel, sizeof(rel), "%s/fd", name);
	fdfd = openat(w->procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0) {
		if (netns_errno_fatal(errno))
			return -errno;
		if (errno == EACCES || errno == EPERM)
			w->s->n_denied_fds++;
		return 0;
	}
	r = scan_fd_dir(w, fdfd, pid);
	close(fdfd);
	return r;
}

int netns_scan_fds(const char *proc_root, struct netns_set *s)
{
	struct fds_walk w = { .proc_root = proc_root, .s = s };
	int r;

	w.procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.procfd < 0)
		return -errno;
	if (!s->have_nsfs_dev) {
		struct stat st;

		/* Our own namespace file is on nsfs too, and always ours to stat. */
		if (fstatat(w.procfd, "self/ns/net", &st, 0) == 0) {
			s->nsfs_dev = st.st_dev;
			s->have_nsfs_dev = true;
		}
	}
	w.dents = malloc(NETNS_DENTS_BUF_SIZE);
	if (!w.dents) {
		close(w.procfd);
		return -ENOMEM;
	}
	r = netns_for_each_pid(w.procfd, scan_pid, &w);
	free(w.dents);
	close(w.procfd);
	return r;
}
