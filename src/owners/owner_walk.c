/* SPDX-License-Identifier: MIT */
/*
 * The /proc walk: <proc_root>/<pid>/fd/<n> → (socket inode, pid, fd), plus
 * <proc_root>/<pid>/task/<tid>/fd/<n> for threads whose fd table is not the
 * leader's.
 *
 * Everything below a pid is reached through that pid's directory fd, never
 * by path: once the process dies, its pinned dirfd answers ENOENT/ESRCH,
 * whereas a path lookup after PID reuse would quietly read the impostor.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsock/array.h"
#include "owner_internal.h"

/* One getdents64 call fills this; at ~32 bytes per fd entry, ~2000 fds. */
#define DENTS_BUF_SIZE (64 * 1024)

/* "socket:[4294967295]" is 19 bytes; anything that fills this is not ours. */
#define LINK_BUF_SIZE 32

/* The kernel's PID_MAX_LIMIT is 4M; pids are positive ints in any case. */
#define PID_MAX_VALUE INT32_MAX

/* Distinct fd tables per process that kcmp(2) compares threads against;
 * a thread matching none of them is walked (duplicates are dropped later). */
#define FD_TABLES_MAX 8

/* What to do with a process after an error somewhere below its directory. */
enum pid_fate {
	PID_KEEP = 0,
	PID_SKIP,      /* vanished (ENOENT/ESRCH) or not a process at all */
	PID_DENIED,    /* EACCES/EPERM: counted in n_denied */
	PID_IRREGULAR, /* a file we read is a FIFO or a device: counted in n_irregular */
};

struct walk {
	struct owner_map *m;
	bool (*want)(uint32_t inode, void *data);
	void *data;
	char *pid_dents;  /* getdents64 buffer for proc_root */
	char *task_dents; /* getdents64 buffer for one task directory */
	char *fd_dents;   /* getdents64 buffer for one fd directory */
	bool use_kcmp;    /* proc_root's pids are ours, and kcmp(2) has not said ENOSYS */
};

/* Out of memory or out of fds is the caller's problem; anything else only
 * concerns the one process we were looking at. */
static bool errno_fatal(int e)
{
	return e == ENOMEM || e == EMFILE || e == ENFILE;
}

static enum pid_fate errno_fate(int e)
{
	if (e == OWNER_NOT_REGULAR)
		return PID_IRREGULAR;
	return (e == EACCES || e == EPERM) ? PID_DENIED : PID_SKIP;
}

bool owner_parse_socket_link(const char *s, size_t len, uint32_t *ret_inode)
{
	static const char prefix[] = "socket:[";
	const size_t plen = sizeof(prefix) - 1;
	uint64_t v;

	if (len < plen + 2 || memcmp(s, prefix, plen) != 0 || s[len - 1] != ']')
		return false;
	if (!owner_parse_dec(s + plen, len - plen - 1, UINT32_MAX, &v) || v == 0)
		return false;
	*ret_inode = (uint32_t)v;
	return true;
}

/*
 * Reads comm through the pid's dirfd: raw bytes, only the final '\n' (which
 * the kernel's comm_show() appends) removed.  A name set with
 * PR_SET_NAME may itself contain '\n', ESC or ") R 1 2 (": keep it exact.
 * A comm that is not a regular file (a FIFO or a device in a fake tree) is
 * not read: -OWNER_NOT_REGULAR.
 */
static int read_comm(int dfd, struct owner_proc *p)
{
	size_t len = 0;
	ssize_t n;
	/* One spare byte so that a full-length comm still has room for its '\n'. */
	uint8_t buf[OWNER_COMM_MAX + 1];
	int fd, r = 0;

	r = owner_open_regular(dfd, "comm", &fd);
	if (r < 0)
		return r;
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (r < 0)
		return r;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > OWNER_COMM_MAX)
		len = OWNER_COMM_MAX;
	memcpy(p->comm, buf, len);
	p->comm_len = (uint8_t)len;
	return 0;
}

/* Records one fd entry if it is a wanted socket.  Returns 0, a pid fate
 * (positive), or a fatal -errno. */
static int walk_one_fd(struct walk *w, int fdfd, const char *name, uint32_t proc)
{
	char link[LINK_BUF_SIZE];
	struct owner *o;
	uint32_t inode;
	uint64_t fd;
	ssize_t n;
	int r;

	if (!owner_parse_dec(name, strlen(name), INT32_MAX, &fd))
		return 0; /* "." and "..", or not an fd at all */
	n = readlinkat(fdfd, name, link, sizeof(link));
	if (n < 0) {
		if (errno_fatal(errno))
			return -errno;
		/* ENOENT: this fd was closed since getdents, the rest still counts.
		 * EINVAL: not a symlink (only in a fake tree). */
		if (errno == ENOENT || errno == EINVAL)
			return 0;
		return errno_fate(errno);
	}
	if ((size_t)n >= sizeof(link) || !owner_parse_socket_link(link, (size_t)n, &inode))
		return 0;
	if (w->want && !w->want(inode, w->data))
		return 0;
	r = array_grow((void **)&w->m->owners, &w->m->cap, w->m->len + 1, sizeof(*w->m->owners), 1024);
	if (r < 0)
		return r;
	o = &w->m->owners[w->m->len++];
	o->inode = inode;
	o->fd = (int32_t)fd;
	o->proc = proc;
	return 0;
}

/* Lists one fd directory; holders are recorded with proc index `proc`. */
static int walk_fds(struct walk *w, int fdfd, uint32_t proc)
{
	for (;;) {
		ssize_t n = getdents64(fdfd, w->fd_dents, DENTS_BUF_SIZE);
		ssize_t off = 0;

		if (n < 0)
			return errno_fatal(errno) ? -errno : (int)errno_fate(errno);
		if (n == 0)
			return 0;
		while (off < n) {
			const struct dirent64 *d = (const struct dirent64 *)(w->fd_dents + off);
			int r;

			off += d->d_reclen;
			r = walk_one_fd(w, fdfd, d->d_name, proc);
			if (r != 0)
				return r;
		}
	}
}

/*
 * Whether thread tid may hold fds that the tables already walked for this
 * process (tids in tables[0..n)) do not.  kcmp(KCMP_FILES) compares the
 * two tasks' files_struct pointers exactly: equal means the same table.  It
 * is only a shortcut: without it (a fake tree, a procfs of another PID
 * namespace, ENOSYS, EPERM from ptrace rules or a seccomp profile) every
 * thread is walked.  A zombie leader has no table (exit_files() set
 * task->files to NULL), which compares unequal to every live thread's.
 * kcmp takes numbers, not our pinned dirfds, so a tid reused meanwhile is
 * compared instead; that is harmless: "unequal" only costs a walk, which
 * goes through the pinned task dir and finds nothing, and "equal" means the
 * impostor shares a table that was walked already.
 */
static bool thread_needs_walk(struct walk *w, const int32_t *tables, size_t n, int32_t tid)
{
	size_t i;

	for (i = 0; w->use_kcmp && i < n; i++) {
		long r = syscall(SYS_kcmp, (pid_t)tables[i], (pid_t)tid, KCMP_FILES, 0UL, 0UL);

		if (r == 0)
			return false;
		if (r < 0 && errno == ENOSYS)
			w->use_kcmp = false;
		else if (r < 0)
			return true; /* ESRCH: a pid went meanwhile; the walk will tell */
	}
	return true;
}

/* Walks <task>/<tid>/fd into proc; a thread that went meanwhile is skipped. */
static int walk_thread_fds(struct walk *w, int taskfd, const char *tid, uint32_t proc)
{
	char rel[32];
	int fdfd, r;

	snprintf(rel, sizeof(rel), "%s/fd", tid);
	fdfd = openat(taskfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0) {
		if (errno_fatal(errno))
			return -errno;
		return errno == EACCES || errno == EPERM ? PID_DENIED : 0;
	}
	r = walk_fds(w, fdfd, proc);
	close(fdfd);
	return r == PID_SKIP ? 0 : r;
}

/*
 * The threads of one process whose fd tables are not the leader's.  Cheap
 * first: the link count of <pid>/task is 2 + the number of threads
 * (proc_task_getattr() adds get_nr_threads(); a zombie leader still counts
 * while its threads live), so a single-threaded process costs one fstatat
 * and nothing else.  A fake tree on tmpfs gives the same count for the same
 * layout (2 + subdirectories).  Returns 0, a pid fate, or a fatal -errno.
 */
static int walk_threads(struct walk *w, int dfd, int32_t pid, uint32_t proc)
{
	int32_t tables[FD_TABLES_MAX] = { pid };
	size_t ntables = 1;
	struct stat st;
	int taskfd, r = 0;

	if (fstatat(dfd, "task", &st, 0) < 0)
		return errno_fatal(errno) ? -errno : 0; /* gone: comm will tell */
	if (st.st_nlink <= 3)
		return 0;
	taskfd = openat(dfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0)
		return errno_fatal(errno) ? -errno : 0;
	while (r == 0) {
		ssize_t n = getdents64(taskfd, w->task_dents, DENTS_BUF_SIZE);
		ssize_t off = 0;

		if (n <= 0) {
			if (n < 0 && errno_fatal(errno))
				r = -errno;
			break;
		}
		while (r == 0 && off < n) {
			const struct dirent64 *d = (const struct dirent64 *)(w->task_dents + off);
			uint64_t tid;

			off += d->d_reclen;
			if (!owner_parse_dec(d->d_name, strlen(d->d_name), PID_MAX_VALUE, &tid) ||
			    tid == 0 || (int32_t)tid == pid)
				continue; /* ".", "..", and the leader, walked already */
			if (!thread_needs_walk(w, tables, ntables, (int32_t)tid))
				continue;
			r = walk_thread_fds(w, taskfd, d->d_name, proc);
			if (r == 0 && ntables < FD_TABLES_MAX)
				tables[ntables++] = (int32_t)tid;
		}
	}
	close(taskfd);
	return r;
}

/*
 * Keeps the OWNER_DENIED_KEPT lowest pids that could not be inspected, in
 * ascending order (the order /proc lists them in; a fake tree may list
 * them in any), so the caller can name them.  Their comm usually can be
 * read where their fds cannot: /proc/PID/comm is 0644 and asks no ptrace
 * access (proc_pid_comm()); it fails for a process that died meanwhile.
 * Called before n_denied counts pid.
 */
static void keep_denied(struct owner_map *m, int dfd, int32_t pid)
{
	size_t i = m->n_denied < OWNER_DENIED_KEPT ? m->n_denied : OWNER_DENIED_KEPT - 1;
	struct owner_denied *d;
	struct owner_proc p;

	if (m->n_denied >= OWNER_DENIED_KEPT && pid > m->denied[i].pid)
		return;
	/* Full: the highest pid kept (at i) goes. */
	for (; i > 0 && m->denied[i - 1].pid > pid; i--)
		m->denied[i] = m->denied[i - 1];
	d = &m->denied[i];
	d->pid = pid;
	d->comm_known = read_comm(dfd, &p) == 0;
	d->comm_len = d->comm_known ? p.comm_len : 0;
	memcpy(d->comm, p.comm, d->comm_len);
}

static int walk_pid(struct walk *w, int procfd, const char *name, int32_t pid)
{
	struct owner_map *m = w->m;
	size_t start = m->len;
	int dfd, fdfd, r;

	dfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno_fatal(errno) ? -errno : 0;
	fdfd = openat(dfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0) {
		r = errno_fatal(errno) ? -errno : (int)errno_fate(errno);
	} else {
		if (m->nprocs >= UINT32_MAX)
			r = -ENOMEM;
		else
			r = walk_fds(w, fdfd, (uint32_t)m->nprocs);
		close(fdfd);
		if (r == 0)
			r = walk_threads(w, dfd, pid, (uint32_t)m->nprocs);
	}
	/*
	 * comm is read after the fds, through the same dirfd: if the process
	 * died meanwhile this fails and its rows go.  It also means processes
	 * that hold no wanted socket cost no procs entry.
	 */
	if (r == 0 && m->len > start) {
		r = array_grow((void **)&m->procs, &m->procs_cap, m->nprocs + 1, sizeof(*m->procs), 64);
		if (r == 0) {
			struct owner_proc *p = &m->procs[m->nprocs];

			p->pid = pid;
			r = read_comm(dfd, p);
			if (r == 0)
				m->nprocs++;
			else
				r = errno_fatal(-r) ? r : (int)errno_fate(-r);
		}
	}
	if (r == PID_DENIED)
		keep_denied(m, dfd, pid);
	close(dfd);
	if (r > 0) {
		m->len = start;
		if (r == PID_DENIED)
			m->n_denied++;
		else if (r == PID_IRREGULAR)
			m->n_irregular++;
		r = 0;
	}
	return r;
}

static int walk_proc_root(struct walk *w, int procfd)
{
	for (;;) {
		ssize_t n = getdents64(procfd, w->pid_dents, DENTS_BUF_SIZE);
		ssize_t off = 0;

		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		while (off < n) {
			const struct dirent64 *d = (const struct dirent64 *)(w->pid_dents + off);
			uint64_t pid;
			int r;

			off += d->d_reclen;
			if (!owner_parse_dec(d->d_name, strlen(d->d_name), PID_MAX_VALUE, &pid) ||
			    pid == 0)
				continue; /* "self", "sys", "net", ... */
			r = walk_pid(w, procfd, d->d_name, (int32_t)pid);
			if (r < 0)
				return r;
		}
	}
}

/* euid 0 and CAP_SYS_PTRACE in the effective set: what proc(5) asks before
 * it shows another user's pid under hidepid=2 or lets us read its fds. */
static bool owner_is_privileged(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (geteuid() != 0)
		return false;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return false;
	return data[CAP_TO_INDEX(CAP_SYS_PTRACE)].effective & CAP_TO_MASK(CAP_SYS_PTRACE);
}

int owner_map_build(const char *proc_root, bool (*want)(uint32_t inode, void *data),
		    void *data, struct owner_map *ret)
{
	struct owner_map m = { 0 };
	struct walk w = { .m = &m, .want = want, .data = data };
	struct owner_pidns ns;
	const char *assume;
	int procfd, r;

	procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	w.pid_dents = malloc(3 * DENTS_BUF_SIZE);
	if (!w.pid_dents) {
		close(procfd);
		return -ENOMEM;
	}
	w.task_dents = w.pid_dents + DENTS_BUF_SIZE;
	w.fd_dents = w.task_dents + DENTS_BUF_SIZE;

	r = owner_pidns_probe(procfd, &ns);
	if (r == 0) {
		/* secure_getenv: a test seam must not work on a setuid/setcap run. */
		assume = secure_getenv("LSOCK_TEST_ASSUME_INITIAL_PIDNS");
		m.foreign_pidns = ns.foreign && !(assume && strcmp(assume, "1") == 0);
		w.use_kcmp = ns.ours;
		r = walk_proc_root(&w, procfd);
	}
	if (r == 0) {
		m.n_irregular += ns.n_irregular;
		m.privileged = owner_is_privileged();
		r = owner_hidepid_probe(procfd, proc_root, &m.hidepid);
		if (r == -OWNER_NOT_REGULAR) {
			m.n_irregular++;
			r = 0;
		}
	}
	if (r == 0)
		r = owner_map_sort(&m);
	free(w.pid_dents);
	close(procfd);
	if (r < 0) {
		owner_map_free(&m);
		return r;
	}
	*ret = m;
	return 0;
}
