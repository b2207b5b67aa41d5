/* SPDX-License-Identifier: MIT */
/*
 * Every network namespace on the host, keyed by the (st_dev, st_ino) of its
 * nsfs file, with a way to open it later and a name a person recognises.
 *
 * Where namespaces hide, and which scan finds them:
 *   netns_scan_procs()    <proc_root>/PID/ns/net, and PID/task/TID/ns/net of
 *                         threads that setns()'d elsewhere;
 *   netns_scan_mounts()   nsfs bind mounts in <proc_root>/self/mountinfo
 *                         (ip netns' /run/netns/NAME, containerd's and
 *                         Podman's /run/netns/cni-*, netns-*, Docker's
 *                         /run/docker/netns/ID), and in the mountinfo of
 *                         every other mount namespace, reached through
 *                         <proc_root>/PID/root;
 *   netns_scan_fds()      open fds on nsfs ("net:[N]" fd links); lsock
 *                         itself takes them from its owner walk instead
 *                         (netns_add_fd_holder()), which walks every fd
 *                         anyway;
 *   netns_scan_sockets()  a socket whose creator moved away keeps its
 *                         namespace alive with nothing else pointing at it:
 *                         pidfd_open + pidfd_getfd + ioctl(SIOCGSKNS).
 * netns_discover() runs the first three and marks the initial namespace;
 * netns_set_name() names them all.  Nothing here prints; what could not be
 * read is counted in the set.
 *
 * Entering a namespace is the caller's business (setns(fd, CLONE_NEWNET)
 * on the fd netns_open() gives; never the mount work of `ip netns exec`).
 */
#ifndef LSOCK_NETNS_H
#define LSOCK_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/container.h"

/* Where a namespace was seen (bits of netns.sources, and of the scans
 * netns_discover() runs). */
enum netns_source {
	NETNS_SRC_PROC = 1 << 0,   /* a process or thread is in it */
	NETNS_SRC_MOUNT = 1 << 1,  /* an nsfs mount (ours or another mount namespace's) */
	NETNS_SRC_FD = 1 << 2,     /* an open fd on nsfs */
	NETNS_SRC_SOCKET = 1 << 3, /* a socket's SIOCGSKNS (netns_scan_sockets()) */
};

/* How one path of a namespace opens it; netns_open() tries them in this
 * order (a mount cannot be a reused pid). */
enum netns_path_kind {
	NETNS_PATH_MOUNT = 0, /* path: a mount point, ours or <proc_root>/PID/root/... */
	NETNS_PATH_PROC,      /* path: <proc_root>/PID/ns/net or .../task/TID/ns/net */
	NETNS_PATH_FD,        /* path: <proc_root>/PID/fd/N */
	NETNS_PATH_SOCKET,    /* pid, fd, sock_inode: SIOCGSKNS on that socket again */
	_NETNS_PATH_KIND_MAX,
};

/* At most this many paths of each kind are kept per namespace. */
#define NETNS_PATHS_PER_KIND 2

struct netns_path {
	enum netns_path_kind kind;
	int32_t pid;         /* PROC, FD, SOCKET: the holder (0 for MOUNT in our mount ns) */
	int32_t fd;          /* FD, SOCKET */
	int32_t tid;         /* SOCKET: the thread whose own fd table holds fd; 0: the process's */
	uint32_t sock_inode; /* SOCKET */
	char *path;          /* NUL-terminated; NULL for SOCKET */
};

/* How netns.label was chosen (the naming order). */
enum netns_label_kind {
	NETNS_LABEL_NONE = 0,  /* not named yet */
	NETNS_LABEL_IPNETNS,   /* the ip netns name */
	NETNS_LABEL_HOST,      /* "host": the initial namespace */
	NETNS_LABEL_CONTAINER, /* container_label() */
	NETNS_LABEL_INODE,     /* "net:[4026532249]" */
};

struct netns {
	uint64_t dev;
	uint64_t ino;
	unsigned sources;  /* enum netns_source bits */
	bool is_initial;   /* the host's namespace (see netns_mark_initial()) */
	struct netns_path *paths;
	size_t npaths;
	int32_t *pids;     /* processes (tgids) in it, sorted once scanned */
	size_t npids;
	size_t pids_cap;
	char *ipnetns;     /* NAME of a /run/netns/NAME mount in our mount namespace,
			    * raw bytes; NULL if none */
	size_t ipnetns_len;
	struct container container; /* runtime CONTAINER_NONE if none recognised */
	char *label;       /* raw bytes, NUL-terminated; NULL until named */
	size_t label_len;
	enum netns_label_kind label_kind;
};

struct netns_set {
	struct netns *v;  /* sorted by (dev, ino); pointers move when one is added */
	size_t len;
	size_t cap;
	uint64_t nsfs_dev; /* the st_dev of nsfs, once a namespace file was stat'ed */
	bool have_nsfs_dev;
	unsigned n_denied_procs;   /* pids whose ns/net answered EACCES/EPERM */
	unsigned n_denied_mounts;  /* pids whose ns/mnt or mountinfo could not be read */
	unsigned n_denied_fds;     /* pids whose fd dir answered EACCES/EPERM */
	unsigned n_denied_sockets; /* sockets SIOCGSKNS could not be asked about */
};

/* The kernel's fixed inode of the initial network namespace where there
 * is one (NET_NS_INIT_INO, 0xEFFFFFF9, seen on 6.18); older kernels
 * allocate it like any other, from 0xF0000000 up. */
#define NETNS_INIT_INO 0xEFFFFFF9u

/*
 * Runs netns_scan_procs() (NETNS_SRC_PROC in scans), netns_scan_mounts()
 * (NETNS_SRC_MOUNT) and netns_scan_fds() (NETNS_SRC_FD) over proc_root
 * ("/proc", or a fake tree), then netns_mark_initial().  Returns 0, or the
 * first scan's fatal -errno (-ENOMEM, -EMFILE, -ENFILE, or proc_root
 * itself unreadable); *ret is written on every path (an empty set on
 * failure).
 */
int netns_discover(const char *proc_root, unsigned scans, struct netns_set *ret);

/* Frees everything in s and leaves it empty; NULL or an all-zero set is fine. */
void netns_set_free(struct netns_set *s);

/* The namespace (dev, ino), or NULL.  O(log n). */
struct netns *netns_set_find(const struct netns_set *s, uint64_t dev, uint64_t ino);

/*
 * Finds or adds (dev, ino), ORs src into its sources, and keeps a copy of
 * *p (p may be NULL) unless NETNS_PATHS_PER_KIND of its kind are kept.
 * Returns 0 and points *ret at the entry (valid until the next add), or
 * -ENOMEM (*ret NULL).
 */
int netns_set_add(struct netns_set *s, uint64_t dev, uint64_t ino, unsigned src,
		  const struct netns_path *p, struct netns **ret);

/* Records pid as being in ns (once, if added in a row); sorting happens in
 * netns_set_sort_pids().  Returns 0 or -ENOMEM. */
int netns_set_add_pid(struct netns *ns, int32_t pid);

/* Sorts and de-duplicates every namespace's pids. */
void netns_set_sort_pids(struct netns_set *s);

/* The scans.  Each adds what it finds to s; errors that concern one
 * process (it went, EACCES) are skipped or counted.  Returns 0, or
 * -ENOMEM, -EMFILE, -ENFILE, or -errno when proc_root cannot be opened. */
int netns_scan_procs(const char *proc_root, struct netns_set *s);
int netns_scan_mounts(const char *proc_root, struct netns_set *s);
int netns_scan_fds(const char *proc_root, struct netns_set *s);

/*
 * For a walk of fds done elsewhere (the owner walk): whether an fd link
 * target is "net:[INODE]" as nsfs prints it (ns_dname()); *ret_ino is
 * written on every path (0 when not).  Pure.
 */
bool netns_parse_link(const char *s, size_t len, uint64_t *ret_ino);

/* Adds the namespace of fd link "net:[ino]" of (pid, fd), with the path
 * <proc_root>/PID/fd/FD.  The device is s->nsfs_dev; without one (nothing
 * stat'ed yet) the link is stat'ed.  Returns 0, -ENOMEM, or -ENODEV when
 * the device cannot be learnt. */
int netns_add_fd_link(struct netns_set *s, const char *proc_root, int32_t pid, int32_t fd,
		      uint64_t ino);

/* netns_add_fd_link() for the fd table of thread tid of pid (tid 0: the
 * process's own), with the path <proc_root>/PID/task/TID/fd/FD. */
int netns_add_fd_holder(struct netns_set *s, const char *proc_root, int32_t pid, int32_t tid,
			int32_t fd, uint64_t ino);

/*
 * Opens the network namespace of socket fd of process pid: pidfd_open(pid),
 * pidfd_getfd(fd) (ptrace-attach rights on pid), then ioctl(SIOCGSKNS)
 * (CAP_NET_ADMIN over the socket's namespace).  tid, if not 0, is the
 * thread of pid whose own fd table (unshare(CLONE_FILES)) holds fd: its
 * pidfd is opened with PIDFD_THREAD (Linux 6.9; -EINVAL before), since a
 * process's pidfd reaches the leader's table only.  sock_inode, if not 0,
 * must be the socket's inode: a pid or fd number reused since it was read
 * answers -ESTALE rather than some other socket's namespace.  pid and tid
 * are in the caller's PID namespace.  Returns 0 and an O_CLOEXEC nsfs fd,
 * or -errno (-ESRCH gone, -EBADF no such fd, -EPERM, -ENOTSOCK, -ENOSYS
 * before Linux 5.6); *ret_fd is -1 on failure.
 */
int netns_socket_open(int32_t pid, int32_t tid, int32_t fd, uint32_t sock_inode, int *ret_fd);

/* Whether proc_root shows our own PID namespace (its "self" is us): then
 * its pids are the ones netns_socket_open() takes. */
bool netns_proc_root_is_ours(const char *proc_root);

/*
 * Walks every <proc_root>/PID/fd for sockets and adds the namespace of
 * each one that explained(inode, data) does not claim (explained NULL:
 * every socket; meant for the sockets that no namespace's dump listed).
 * Each inode is asked about once.  The fd links on nsfs ("net:[N]") it
 * meets are added too (NETNS_SRC_FD, as netns_scan_fds() would), so one
 * walk finds both kinds.  proc_root must show our own PID
 * namespace (its "self" is us), else -EXDEV: pidfd_open() takes our pids.
 * Denials (EPERM/EACCES) count in s->n_denied_sockets.  Returns 0,
 * -ENOMEM, -EMFILE, -ENFILE, -EXDEV, -ENOSYS (no pidfd_getfd(), before
 * Linux 5.6), or -errno for proc_root.
 */
int netns_scan_sockets(const char *proc_root, struct netns_set *s,
		       bool (*explained)(uint32_t inode, void *data), void *data);

/*
 * Marks the host's namespace (is_initial), by the first rule that answers:
 *  1. the namespace whose inode is NETNS_INIT_INO (a fixed number below
 *     every dynamic one, so never a false match);
 *  2. the namespace of <proc_root>/2 if it is a kernel thread (kthreadd):
 *     kernel threads all run in init_net (their nsproxy is init_nsproxy);
 *  3. the namespace of <proc_root>/1 if proc_root shows the initial PID
 *     namespace (its self/ns/pid is pid:[4026531836]);
 * else none is marked.  (pid 1's ns links may be unreadable even to root,
 * hence the kernel thread first.)  The initial namespace is added if the
 * set lacks it.  Returns 0 or -ENOMEM.
 */
int netns_mark_initial(const char *proc_root, struct netns_set *s);

/*
 * Names every namespace, in this order:
 *  1. the ip netns name, unless it is one a runtime generated
 *     (cni-<uuid>, netns-<uuid>) and 2. applies;
 *  2. "host" for the initial namespace: a container with host networking
 *     (docker --network=host, a hostNetwork pod) shares it and must not
 *     rename it;
 *  3. the container (container_label()) of its processes, read from
 *     <proc_root>/PID/cgroup (at most NETNS_NAME_PIDS_MAX of them, in pid
 *     order; a named k8s container beats its pod's sandbox, a name beats
 *     an id) and from state files under state_root (NULL: the default,
 *     see container_state_root());
 *  4. "net:[INODE]".
 * A pid whose namespace changed since the scan is skipped.  Returns 0 or
 * -ENOMEM.
 */
#define NETNS_NAME_PIDS_MAX 32
int netns_set_name(struct netns_set *s, const char *proc_root, const char *state_root);

/* Whether an ip netns name is one that containerd/CNI ("cni-") or Podman
 * ("netns-") generated: that prefix and a UUID.  Pure. */
bool netns_name_is_generated(const char *s, size_t len);

/*
 * Opens ns for setns(): tries its paths (mounts, then proc, fd, socket
 * paths) and keeps the first whose fstat() is (ns->dev, ns->ino), so a
 * reused pid cannot hand over another namespace.  Returns 0 and an
 * O_RDONLY|O_CLOEXEC fd, -EACCES/-EPERM if some path was denied (the
 * last denial), else -ESTALE if every path now leads elsewhere or nowhere,
 * or -EMFILE, -ENFILE, -ENOMEM; *ret_fd is -1 on failure.
 */
int netns_open(const struct netns *ns, int *ret_fd);

#endif
