/* SPDX-License-Identifier: MIT */
/*
 * Namespaces held only by a socket.  A process that made a socket and then
 * setns()'d elsewhere (or whose namespace's last process passed the socket
 * out and exited) leaves a namespace that no /proc/PID/ns/net, mount or
 * nsfs fd names.  The socket knows it: ioctl(SIOCGSKNS) on it (Linux
 * 4.9, sock_ioctl()) opens its namespace, needing CAP_NET_ADMIN over that
 * namespace's user namespace.  To call it on another process's socket we
 * first copy the fd with pidfd_getfd() (Linux 5.6), which needs
 * ptrace-attach rights (PTRACE_MODE_ATTACH_REALCREDS) on the process.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netns_internal.h"

/* "socket:[4294967295]" is 19 bytes. */
#define LINK_BUF_SIZE 32

/* linux/pidfd.h (Linux 6.9): a pidfd of one thread, not of its process. */
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static int pidfd_open_pid(int32_t pid)
{
	long fd = syscall(SYS_pidfd_open, (pid_t)pid, 0U);

	return fd < 0 ? -errno : (int)fd;
}

/* A pidfd of thread tid of process pid: pidfd_getfd() then reads that
 * thread's fd table (pidfd_get_task() takes PIDTYPE_PID for it). */
static int pidfd_open_thread(int32_t pid, int32_t tid)
{
	char path[64];
	struct stat st;
	long fd;

	fd = syscall(SYS_pidfd_open, (pid_t)tid, (unsigned)PIDFD_THREAD);
	if (fd < 0)
		return -errno;
	/* A tid reused since the walk by a thread of another process. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)pid, (int)tid);
	if (stat(path, &st) < 0) {
		close((int)fd);
		return -ESRCH;
	}
	return (int)fd;
}

/* SIOCGSKNS on fd of the process behind pidfd. */
static int socket_ns_via(int pidfd, int32_t fd, uint32_t sock_inode, int *ret_fd)
{
	struct stat st;
	long sfd;
	int nsfd, r = 0;

	*ret_fd = -1;
	sfd = syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0U);
	if (sfd < 0)
		return -errno;
	if (sock_inode) {
		if (fstat((int)sfd, &st) < 0)
			r = -errno;
		else if (!S_ISSOCK(st.st_mode))
			r = -ENOTSOCK;
		else if (st.st_ino != sock_inode)
			r = -ESTALE;
	}
	if (r == 0) {
		nsfd = ioctl((int)sfd, SIOCGSKNS);
		if (nsfd < 0)
			r = errno == ENOTTY ? -ENOTSOCK : -errno;
		else
			*ret_fd = nsfd; /* open_related_ns() gives O_CLOEXEC */
	}
	close((int)sfd);
	return r;
}

int netns_socket_open(int32_t pid, int32_t tid, int32_t fd, uint32_t sock_inode, int *ret_fd)
{
	int pidfd, r;

	*ret_fd = -1;
	pidfd = tid ? pidfd_open_thread(pid, tid) : pidfd_open_pid(pid);
	if (pidfd < 0)
		return pidfd;
	r = socket_ns_via(pidfd, fd, sock_inode, ret_fd);
	close(pidfd);
	return r;
}

/* Socket inodes asked about already: open addressing, 0 is empty. */
struct inode_set {
	uint32_t *v;
	size_t cap; /* a power of two */
	size_t len;
};

/* Inserts ino; returns 1 if it was new, 0 if present, -ENOMEM. */
static int inode_set_insert(struct inode_set *s, uint32_t ino)
{
	size_t i;

	if ((s->len + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256, j;
		uint32_t *nv = calloc(ncap, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		for (j = 0; j < s->cap; j++) {
			if (!s->v[j])
				continue;
			i = (s->v[j] * 2654435761u) & (ncap - 1);
			while (nv[i])
				i = (i + 1) & (ncap - 1);
			nv[i] = s->v[j];
		}
		free(s->v);
		s->v = nv;
		s->cap = ncap;
	}
	for (i = (ino * 2654435761u) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == ino)
			return 0;
	s->v[i] = ino;
	s->len++;
	return 1;
}

struct sockets_walk {
	const char *proc_root;
	int procfd;
	struct netns_set *s;
	bool (*explained)(uint32_t inode, void *data);
	void *data;
	struct inode_set asked;
	char *dents;
	bool nosys;
};

static bool parse_socket_link(const char *s, size_t len, uint32_t *ret)
{
	uint64_t v;

	if (len < 10 || memcmp(s, "socket:[", 8) != 0 || s[len - 1] != ']')
		return false;
	if (strparse_dec(s + 8, len - 9, UINT32_MAX, true, &v) < 0 || v == 0)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* Asks about one socket; returns 0 or a fatal -errno. */
static int ask(struct sockets_walk *w, int *pidfd, int32_t pid, int32_t fd, uint32_t inode)
{
	struct netns_path p = {
		.kind = NETNS_PATH_SOCKET, .pid = pid, .fd = fd, .sock_inode = inode
	};
	struct netns *ns;
	struct stat st;
	int nsfd, r;

	if (*pidfd < 0) {
		*pidfd = pidfd_open_pid(pid);
		if (*pidfd < 0) {
			if (*pidfd == -ENOSYS)
				w->nosys = true;
			else if (netns_errno_fatal(-*pidfd))
				return *pidfd;
			return 0;
		}
	}
	r = socket_ns_via(*pidfd, fd, inode, &nsfd);
	if (r < 0) {
		if (r == -ENOSYS)
			w->nosys = true;
		else if (netns_errno_fatal(-r))
			return r;
		else if (r == -EPERM || r == -EACCES)
			w->s->n_denied_sockets++;
		return 0;
	}
	r = fstat(nsfd, &st) < 0 ? -errno : 0;
	close(nsfd);
	if (r < 0)
		return 0;
	if (!w->s->have_nsfs_dev) {
		w->s->nsfs_dev = st.st_dev;
		w->s->have_nsfs_dev = true;
	}
	return netns_set_add(w->s, st.st_dev, st.st_ino, NETNS_SRC_SOCKET, &p, &ns);
}

static int scan_pid(const char *name, int32_t pid, void *data)
{
	struct sockets_walk *w = data;
	char rel[64];
	int fdfd, pidfd = -1, r = 0;

	snprintf(rel, sizeof(rel), "%s/fd", name);
	fdfd = openat(w->procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0)
		return netns_errno_fatal(errno) ? -errno : 0;
	while (r == 0 && !w->nosys) {
		ssize_t n = getdents64(fdfd, w->dents, NETNS_DENTS_BUF_SIZE);
		ssize_t off = 0;

		if (n <= 0) {
			if (n < 0 && netns_errno_fatal(errno))
				r = -errno;
			break;
		}
		while (r == 0 && off < n && !w->nosys) {
			const struct dirent64 *d = (const struct dirent64 *)(w->dents + off);
			char link[LINK_BUF_SIZE];
			uint64_t fd, nsino;
			uint32_t inode;
			ssize_t len;

			off += d->d_reclen;
			if (strparse_dec(d->d_name, strlen(d->d_name), INT32_MAX, true, &fd) < 0)
				continue;
			len = readlinkat(fdfd, d->d_name, link, sizeof(link));
			if (len < 0 || (size_t)len >= sizeof(link))
				continue;
			/* An fd on nsfs ("net:[N]") holds a namespace too: this
			 * walk reads every link anyway, so it records those. */
			if (netns_parse_link(link, (size_t)len, &nsino)) {
				r = netns_add_fd_link(w->s, w->proc_root, pid, (int32_t)fd, nsino);
				if (r < 0 && !netns_errno_fatal(-r))
					r = 0;
				continue;
			}
			if (!parse_socket_link(link, (size_t)len, &inode))
				continue;
			if (w->explained && w->explained(inode, w->data))
				continue;
			r = inode_set_insert(&w->asked, inode);
			if (r == 1)
				r = ask(w, &pidfd, pid, (int32_t)fd, inode);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	close(fdfd);
	return r;
}

/* Whether <proc_root>/self is us: then its pids are the ones pidfd_open()
 * takes. */
static bool proc_root_is_ours(int procfd)
{
	char buf[32], want[32];
	ssize_t n = readlinkat(procfd, "self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	snprintf(want, sizeof(want), "%d", (int)getpid());
	return strcmp(buf, want) == 0;
}

bool netns_proc_root_is_ours(const char *proc_root)
{
	int procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ours;

	if (procfd < 0)
		return false;
	ours = proc_root_is_ours(procfd);
	close(procfd);
	return ours;
}

int netns_scan_sockets(const char *proc_root, struct netns_set *s,
		       bool (*explained)(uint32_t inode, void *data), void *data)
{
	struct sockets_walk w = { .proc_root = proc_root, .s = s, .explained = explained,
				  .data = data };
	int r;

	w.procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.procfd < 0)
		return -errno;
	if (!proc_root_is_ours(w.procfd)) {
		close(w.procfd);
		return -EXDEV;
	}
	w.dents = malloc(NETNS_DENTS_BUF_SIZE);
	r = w.dents ? netns_for_each_pid(w.procfd, scan_pid, &w) : -ENOMEM;
	free(w.dents);
	free(w.asked.v);
	close(w.procfd);
	if (r == 0 && w.nosys)
		r = -ENOSYS;
	return r;
}
