/* SPDX-License-Identifier: MIT */
/* Opening a namespace for setns(), through any of the paths it was seen by. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns_internal.h"

/* Opens one path; 0 with *ret_fd, or -errno (-ESTALE: another namespace). */
static int open_path(const struct netns *ns, const struct netns_path *p, int *ret_fd)
{
	struct stat st;
	int fd, r;

	*ret_fd = -1;
	if (p->kind == NETNS_PATH_SOCKET) {
		r = netns_socket_open(p->pid, p->tid, p->fd, p->sock_inode, &fd);
		if (r < 0)
			return r;
	} else {
		if (!p->path)
			return -ENOENT;
		fd = open(p->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			return -errno;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if ((uint64_t)st.st_dev != ns->dev || (uint64_t)st.st_ino != ns->ino) {
		close(fd);
		return -ESTALE;
	}
	*ret_fd = fd;
	return 0;
}

int netns_open(const struct netns *ns, int *ret_fd)
{
	enum netns_path_kind kind;
	int r = -ESTALE;
	size_t i;

	*ret_fd = -1;
	for (kind = 0; kind < _NETNS_PATH_KIND_MAX; kind++) {
		for (i = 0; i < ns->npaths; i++) {
			int e;

			if (ns->paths[i].kind != kind)
				continue;
			e = open_path(ns, &ns->paths[i], ret_fd);
			if (e == 0)
				return 0;
			if (netns_errno_fatal(-e))
				return e;
			/* A denial says more than a path that went away. */
			if (e == -EACCES || e == -EPERM)
				r = e;
		}
	}
	return r;
}
