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
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsock/array.h"
#include "owner_internal.h"

/* One getdents64 call fills this; at ~32 bytes per fd entry, ~2000 fds. */
#define DENTS_BUF_SIZE (64 * 1024)

/* A batch of a shared fd directory: ~700 fds, a few ms of readlinkat; a
 * 100k-fd process makes ~150 of them. */
#define SHARE_CHUNK_SIZE (16 * 1024)

/* A batch that came back with less room left than this was full: the
 * kernel stops filldir at the first entry that does not fit (an fd
 * entry's d_reclen is at most 32 bytes). */
#define SHARE_FULL_SLACK 256

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

/* The pids of proc_root, as listed, for the walkers to share. */
struct pid_list {
	int32_t *pids;
	uint32_t *name_off; /* of each pid's directory name in names */
	char *names;
	size_t len, cap, off_cap, names_len, names_cap;
};

/* Where walk_one_fd() appends: a map's owners and nsfs fds, or a chunk's. */
struct owner_vec {
	struct owner **v;
	size_t *len, *cap;
	struct owner_nsfd **nv;
	size_t *nlen, *ncap;
};

/* The fd directory being walked: its holders' proc index, and for the
 * nsfs fds met, whose table it is (tid 0: the process's own). */
struct fd_dir {
	uint32_t proc;
	int32_t pid;
	int32_t tid;
};

/*
 * One getdents64 batch of a large fd directory, walked by whichever walker
 * claims it.  Its holders go to its own array; the walker that listed the
 * directory appends the chunks in listing order once all are walked, so
 * the map is the serial walk's even before the sort.
 */
struct fd_chunk {
	char *dents;        /* freed once walked */
	ssize_t n;
	struct owner *owners;
	size_t len, cap;
	struct owner_nsfd *nsfds;
	size_t nnsfds, nsfds_cap;
	int r;              /* as walk_fds(): 0, a pid fate, or a fatal -errno */
};

/* A large fd directory being listed and walked by several walkers. */
struct fd_job {
	int fdfd;
	struct fd_dir dir;
	struct fd_chunk **chunks;
	size_t nchunks, chunks_cap;
	size_t next;        /* the next chunk to claim */
	size_t active;      /* chunks claimed and not yet walked */
};

/* What the walkers of one build share. */
struct walk_shared {
	int procfd;
	const struct pid_list *pl;
	atomic_size_t next;       /* the next pid index to take */
	atomic_int error;         /* the first fatal -errno; the others stop */
	pthread_mutex_t want_lock; /* want() keeps state (owner_table.c): one at a time */
	bool locked;              /* several walkers: take want_lock */
	/* Sharing fd directories: jobs_lock guards everything below. */
	bool sharing;
	pthread_mutex_t jobs_lock;
	pthread_cond_t jobs_cond; /* a chunk listed, a job ended, a walker idle */
	struct fd_job *jobs[OWNER_WALK_THREADS_MAX]; /* walker k's job, or NULL */
	size_t busy;              /* walkers inside a pid: they may still post a job */
	const atomic_bool *cancel; /* set: stop at the next pid (the map is thrown away) */
};

struct walk {
	struct owner_map *m;
	bool (*want)(uint32_t inode, void *data);
	void *data;
	struct walk_shared *sh;
	char *pid_dents;  /* getdents64 buffer for proc_root */
	char *task_dents; /* getdents64 buffer for one task directory */
	char *fd_dents;   /* getdents64 buffer for one fd directory */
	size_t slot;      /* this walker's index in sh->jobs */
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

/* Whether an fd link target of len bytes is PREFIX[INODE]], as the
 * kernel's d_dname() handlers spell an anonymous file's name (prefix
 * includes the '['), with a non-zero 32-bit INODE. */
static bool parse_inode_link(const char *s, size_t len, const char *prefix, uint32_t *ret_inode)
{
	const size_t plen = strlen(prefix);
	uint64_t v;

	if (len < plen + 2 || memcmp(s, prefix, plen) != 0 || s[len - 1] != ']')
		return false;
	if (!owner_parse_dec(s + plen, len - plen - 1, UINT32_MAX, &v) || v == 0)
		return false;
	*ret_inode = (uint32_t)v;
	return true;
}

bool owner_parse_socket_link(const char *s, size_t len, uint32_t *ret_inode)
{
	return parse_inode_link(s, len, "socket:[", ret_inode);
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

/* Whether an fd link target is "net:[INODE]", as nsfs names a network
 * namespace's file (ns_dname()); the inode is the namespace's inum. */
static bool parse_netns_link(const char *s, size_t len, uint32_t *ret_ino)
{
	return parse_inode_link(s, len, "net:[", ret_ino);
}

/* Records an nsfs fd of a network namespace: namespace discovery reads
 * them from the map instead of walking every fd again. */
static int add_nsfd(struct owner_vec *out, const struct fd_dir *dir, uint64_t fd, uint32_t ino)
{
	struct owner_nsfd *nf;
	int r = array_grow((void **)out->nv, out->ncap, *out->nlen + 1, sizeof(**out->nv), 16);

	if (r < 0)
		return r;
	nf = &(*out->nv)[(*out->nlen)++];
	nf->ns_ino = ino;
	nf->pid = dir->pid;
	nf->tid = dir->tid;
	nf->fd = (int32_t)fd;
	return 0;
}

/* Records one fd entry into out if it is a wanted socket (or an nsfs fd
 * of a network namespace).  Returns 0, a pid fate (positive), or a fatal
 * -errno. */
static int walk_one_fd(struct walk *w, struct owner_vec *out, int fdfd, const char *name,
		       const struct fd_dir *dir)
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
	if ((size_t)n >= sizeof(link))
		return 0;
	if (!owner_parse_socket_link(link, (size_t)n, &inode))
		return parse_netns_link(link, (size_t)n, &inode) ? add_nsfd(out, dir, fd, inode) : 0;
	if (w->want) {
		bool wanted;

		if (w->sh && w->sh->locked)
			pthread_mutex_lock(&w->sh->want_lock);
		wanted = w->want(inode, w->data);
		if (w->sh && w->sh->locked)
			pthread_mutex_unlock(&w->sh->want_lock);
		if (!wanted)
			return 0;
	}
	r = array_grow((void **)out->v, out->cap, *out->len + 1, sizeof(**out->v), 1024);
	if (r < 0)
		return r;
	o = &(*out->v)[(*out->len)++];
	o->inode = inode;
	o->fd = (int32_t)fd;
	o->proc = dir->proc;
	return 0;
}

/* Walks the entries of one getdents64 batch; the first nonzero result
 * (a pid fate or a fatal -errno) stops it. */
static int walk_dents(struct walk *w, struct owner_vec *out, int fdfd, const char *dents,
		      ssize_t n, const struct fd_dir *dir)
{
	ssize_t off = 0;

	while (off < n) {
		const struct dirent64 *d = (const struct dirent64 *)(dents + off);
		int r;

		off += d->d_reclen;
		r = walk_one_fd(w, out, fdfd, d->d_name, dir);
		if (r != 0)
			return r;
	}
	return 0;
}

static int getdents_result(ssize_t n)
{
	if (n >= 0)
		return 0;
	return errno_fatal(errno) ? -errno : (int)errno_fate(errno);
}

/* Claims the next unwalked chunk of any posted job, under jobs_lock. */
static bool claim_chunk(struct walk_shared *sh, struct fd_job **ret_job,
			struct fd_chunk **ret_chunk)
{
	size_t k;

	*ret_job = NULL;
	*ret_chunk = NULL;
	for (k = 0; k < OWNER_WALK_THREADS_MAX; k++) {
		struct fd_job *j = sh->jobs[k];

		if (j && j->next < j->nchunks) {
			*ret_job = j;
			*ret_chunk = j->chunks[j->next++];
			j->active++;
			return true;
		}
	}
	return false;
}

/* Walks a claimed chunk (jobs_lock not held), then tells its job. */
static void walk_chunk(struct walk *w, struct fd_job *j, struct fd_chunk *c)
{
	struct owner_vec out = { &c->owners, &c->len, &c->cap, &c->nsfds, &c->nnsfds,
				 &c->nsfds_cap };

	c->r = walk_dents(w, &out, j->fdfd, c->dents, c->n, &j->dir);
	free(c->dents);
	c->dents = NULL;
	pthread_mutex_lock(&w->sh->jobs_lock);
	j->active--;
	pthread_cond_broadcast(&w->sh->jobs_cond);
	pthread_mutex_unlock(&w->sh->jobs_lock);
}

/* Walks one chunk of any job if one is waiting; false if none was. */
static bool help_once(struct walk *w)
{
	struct fd_job *j;
	struct fd_chunk *c;
	bool got;

	pthread_mutex_lock(&w->sh->jobs_lock);
	got = claim_chunk(w->sh, &j, &c);
	pthread_mutex_unlock(&w->sh->jobs_lock);
	if (got)
		walk_chunk(w, j, c);
	return got;
}

/* Posts one more listed batch to job j; -ENOMEM if it cannot. */
static int job_add(struct walk_shared *sh, struct fd_job *j, char *dents, ssize_t n)
{
	struct fd_chunk *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->dents = dents;
	c->n = n;
	pthread_mutex_lock(&sh->jobs_lock);
	r = array_grow((void **)&j->chunks, &j->chunks_cap, j->nchunks + 1, sizeof(*j->chunks), 64);
	if (r == 0) {
		j->chunks[j->nchunks++] = c;
		pthread_cond_broadcast(&sh->jobs_cond);
	}
	pthread_mutex_unlock(&sh->jobs_lock);
	if (r < 0)
		free(c);
	return r;
}

/*
 * The rest of a large fd directory, shared with the other walkers: this
 * walker lists it in batches of SHARE_CHUNK_SIZE bytes (the first one, in
 * first, was listed already), posts each, and walks what the others have
 * not claimed; then waits for the claimed ones, and appends all holders in
 * listing order.  One process holding most of the fds (a server, or the
 * bench's load) is then walked by every core, not one.
 */
static int walk_fds_shared(struct walk *w, int fdfd, const struct fd_dir *dir, const char *first,
			   ssize_t nfirst)
{
	struct walk_shared *sh = w->sh;
	struct fd_job job = { .fdfd = fdfd, .dir = *dir };
	struct owner_vec out = { &w->m->owners, &w->m->len, &w->m->cap, &w->m->nsfds,
				 &w->m->nnsfds, &w->m->nsfds_cap };
	struct fd_chunk *c;
	char *buf = malloc(SHARE_CHUNK_SIZE);
	ssize_t n = nfirst;
	int r = 0, listed = 0;
	size_t i;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, first, (size_t)nfirst);
	pthread_mutex_lock(&sh->jobs_lock);
	sh->jobs[w->slot] = &job;
	pthread_mutex_unlock(&sh->jobs_lock);
	for (;;) {
		r = job_add(sh, &job, buf, n);
		if (r < 0) {
			free(buf);
			break;
		}
		/* Walk one batch ourselves for each one listed, but only while
		 * another one waits behind it: a walker woken by the post finds
		 * that one, rather than the batch we took first.  With no idle
		 * walker to help, that is the serial walk, one batch behind. */
		c = NULL;
		pthread_mutex_lock(&sh->jobs_lock);
		if (job.nchunks - job.next >= 2) {
			c = job.chunks[job.next++];
			job.active++;
		}
		pthread_mutex_unlock(&sh->jobs_lock);
		if (c)
			walk_chunk(w, &job, c);
		if (atomic_load(&sh->error))
			break;
		buf = malloc(SHARE_CHUNK_SIZE);
		if (!buf) {
			r = -ENOMEM;
			break;
		}
		n = getdents64(fdfd, buf, SHARE_CHUNK_SIZE);
		if (n <= 0) {
			listed = getdents_result(n);
			free(buf);
			break;
		}
	}
	/* The rest: ours until none is left, then the others' in flight. */
	pthread_mutex_lock(&sh->jobs_lock);
	for (;;) {
		if (job.next < job.nchunks) {
			c = job.chunks[job.next++];
			job.active++;
			pthread_mutex_unlock(&sh->jobs_lock);
			walk_chunk(w, &job, c);
			pthread_mutex_lock(&sh->jobs_lock);
			continue;
		}
		if (job.active == 0)
			break;
		pthread_cond_wait(&sh->jobs_cond, &sh->jobs_lock);
	}
	sh->jobs[w->slot] = NULL;
	pthread_cond_broadcast(&sh->jobs_cond);
	pthread_mutex_unlock(&sh->jobs_lock);
	/* As the serial walk: the first result in listing order counts, and
	 * the holders before it. */
	for (i = 0; i < job.nchunks; i++) {
		c = job.chunks[i];
		if (r == 0 && c->len) {
			r = array_grow((void **)out.v, out.cap, *out.len + c->len, sizeof(**out.v),
				       1024);
			if (r == 0) {
				memcpy(*out.v + *out.len, c->owners, c->len * sizeof(*c->owners));
				*out.len += c->len;
			}
		}
		if (r == 0 && c->nnsfds) {
			r = array_grow((void **)out.nv, out.ncap, *out.nlen + c->nnsfds,
				       sizeof(**out.nv), 16);
			if (r == 0) {
				memcpy(*out.nv + *out.nlen, c->nsfds, c->nnsfds * sizeof(*c->nsfds));
				*out.nlen += c->nnsfds;
			}
		}
		if (r == 0)
			r = c->r;
		free(c->dents);
		free(c->owners);
		free(c->nsfds);
		free(c);
	}
	free(job.chunks);
	return r ? r : listed;
}

/* Lists one fd directory; holders are recorded with proc index dir->proc. */
static int walk_fds(struct walk *w, int fdfd, const struct fd_dir *dir)
{
	struct owner_vec out = { &w->m->owners, &w->m->len, &w->m->cap, &w->m->nsfds,
				 &w->m->nnsfds, &w->m->nsfds_cap };
	/* Several walkers: list in small batches, and share the directory
	 * once a batch comes back full (there is likely more). */
	size_t size = w->sh && w->sh->sharing ? SHARE_CHUNK_SIZE : DENTS_BUF_SIZE;

	for (;;) {
		ssize_t n = getdents64(fdfd, w->fd_dents, size);
		int r;

		if (n <= 0)
			return getdents_result(n);
		if (size == SHARE_CHUNK_SIZE && (size_t)n > SHARE_CHUNK_SIZE - SHARE_FULL_SLACK)
			return walk_fds_shared(w, fdfd, dir, w->fd_dents, n);
		r = walk_dents(w, &out, fdfd, w->fd_dents, n, dir);
		if (r != 0)
			return r;
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
static int walk_thread_fds(struct walk *w, int taskfd, const char *tid, int32_t pid,
			   int32_t tidv, uint32_t proc)
{
	struct fd_dir dir = { .proc = proc, .pid = pid, .tid = tidv };
	char rel[32];
	int fdfd, r;

	snprintf(rel, sizeof(rel), "%s/fd", tid);
	fdfd = openat(taskfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0) {
		if (errno_fatal(errno))
			return -errno;
		return errno == EACCES || errno == EPERM ? PID_DENIED : 0;
	}
	r = walk_fds(w, fdfd, &dir);
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
			r = walk_thread_fds(w, taskfd, d->d_name, pid, (int32_t)tid, proc);
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
static bool denied_would_keep(const struct owner_map *m, int32_t pid)
{
	return m->n_denied < OWNER_DENIED_KEPT || pid < m->denied[OWNER_DENIED_KEPT - 1].pid;
}

/* Inserts d in pid order among the kept ones, before n_denied counts it. */
static void denied_insert(struct owner_map *m, const struct owner_denied *d)
{
	size_t i = m->n_denied < OWNER_DENIED_KEPT ? m->n_denied : OWNER_DENIED_KEPT - 1;

	if (!denied_would_keep(m, d->pid))
		return;
	/* Full: the highest pid kept (at i) goes. */
	for (; i > 0 && m->denied[i - 1].pid > d->pid; i--)
		m->denied[i] = m->denied[i - 1];
	m->denied[i] = *d;
}

static void keep_denied(struct owner_map *m, int dfd, int32_t pid)
{
	struct owner_denied d = { .pid = pid };
	struct owner_proc p;

	if (!denied_would_keep(m, pid))
		return;
	d.comm_known = read_comm(dfd, &p) == 0;
	d.comm_len = d.comm_known ? p.comm_len : 0;
	memcpy(d.comm, p.comm, d.comm_len);
	denied_insert(m, &d);
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
			r = walk_fds(w, fdfd,
				     &(struct fd_dir){ .proc = (uint32_t)m->nprocs, .pid = pid });
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

/* Lists the pid directories of proc_root into pl, in the order listed. */
static int list_pids(int procfd, char *dents, struct pid_list *pl)
{
	for (;;) {
		ssize_t n = getdents64(procfd, dents, DENTS_BUF_SIZE);
		ssize_t off = 0;

		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		while (off < n) {
			const struct dirent64 *d = (const struct dirent64 *)(dents + off);
			size_t nlen = strlen(d->d_name) + 1;
			uint64_t pid;
			int r;

			off += d->d_reclen;
			if (!owner_parse_dec(d->d_name, nlen - 1, PID_MAX_VALUE, &pid) || pid == 0)
				continue; /* "self", "sys", "net", ... */
			r = array_grow((void **)&pl->pids, &pl->cap, pl->len + 1, sizeof(*pl->pids),
				       256);
			if (r == 0)
				r = array_grow((void **)&pl->name_off, &pl->off_cap, pl->len + 1,
					       sizeof(*pl->name_off), 256);
			if (r == 0)
				r = array_grow((void **)&pl->names, &pl->names_cap,
					       pl->names_len + nlen, 1, 4096);
			if (r < 0)
				return r;
			if (pl->names_len > UINT32_MAX - nlen)
				return -ENOMEM;
			memcpy(pl->names + pl->names_len, d->d_name, nlen);
			pl->name_off[pl->len] = (uint32_t)pl->names_len;
			pl->pids[pl->len++] = (int32_t)pid;
			pl->names_len += nlen;
		}
	}
}

static void pid_list_free(struct pid_list *pl)
{
	free(pl->pids);
	free(pl->name_off);
	free(pl->names);
}

/* One walker: takes pids from the shared list until none is left, or until
 * some walker met a fatal error.  Returns 0 or that -errno. */
static int walk_pids(struct walk *w)
{
	struct walk_shared *sh = w->sh;

	for (;;) {
		size_t i;
		int r, expected = 0;

		if (sh->sharing && help_once(w))
			continue;
		if (sh->sharing) {
			pthread_mutex_lock(&sh->jobs_lock);
			sh->busy++;
			pthread_mutex_unlock(&sh->jobs_lock);
		}
		i = atomic_fetch_add(&sh->next, 1);
		if (sh->cancel && atomic_load(sh->cancel))
			atomic_compare_exchange_strong(&sh->error, &expected, -ECANCELED);
		if (i < sh->pl->len && !atomic_load(&sh->error))
			r = walk_pid(w, sh->procfd, sh->pl->names + sh->pl->name_off[i],
				     sh->pl->pids[i]);
		else
			r = 1; /* none left */
		if (r < 0) {
			atomic_compare_exchange_strong(&sh->error, &expected, r);
		}
		if (!sh->sharing) {
			if (r != 0)
				return r < 0 ? r : 0;
			continue;
		}
		pthread_mutex_lock(&sh->jobs_lock);
		sh->busy--;
		pthread_cond_broadcast(&sh->jobs_cond);
		if (r == 0) {
			pthread_mutex_unlock(&sh->jobs_lock);
			continue;
		}
		/* No pid left for us: help with the fd directories still being
		 * listed, until no walker can post one any more. */
		for (;;) {
			struct fd_job *j;
			struct fd_chunk *c;
			size_t k, njobs = 0;

			if (claim_chunk(sh, &j, &c)) {
				pthread_mutex_unlock(&sh->jobs_lock);
				walk_chunk(w, j, c);
				pthread_mutex_lock(&sh->jobs_lock);
				continue;
			}
			for (k = 0; k < OWNER_WALK_THREADS_MAX; k++)
				njobs += sh->jobs[k] != NULL;
			if (njobs == 0 && sh->busy == 0)
				break;
			pthread_cond_wait(&sh->jobs_cond, &sh->jobs_lock);
		}
		pthread_mutex_unlock(&sh->jobs_lock);
		return r < 0 ? r : 0;
	}
}

static void *walk_thread_main(void *arg)
{
	(void)walk_pids(arg);
	return NULL;
}

/* Appends src (a walker's part) to dst; src's arrays are freed.  Returns 0
 * or -ENOMEM. */
static int map_merge(struct owner_map *dst, struct owner_map *src)
{
	size_t i, kept = src->n_denied < OWNER_DENIED_KEPT ? src->n_denied : OWNER_DENIED_KEPT;
	int r;

	/* The first part's arrays become the map's: one copy less of the
	 * owners at the peak. */
	if (!dst->owners && !dst->procs) {
		dst->owners = src->owners;
		dst->len = src->len;
		dst->cap = src->cap;
		dst->procs = src->procs;
		dst->nprocs = src->nprocs;
		dst->procs_cap = src->procs_cap;
		src->owners = NULL;
		src->procs = NULL;
		src->len = src->nprocs = 0;
	}
	r = array_grow((void **)&dst->owners, &dst->cap, dst->len + src->len, sizeof(*dst->owners),
		       1024);
	if (r == 0)
		r = array_grow((void **)&dst->procs, &dst->procs_cap, dst->nprocs + src->nprocs,
			       sizeof(*dst->procs), 64);
	if (r < 0)
		return r;
	for (i = 0; i < src->len; i++) {
		dst->owners[dst->len + i] = src->owners[i];
		dst->owners[dst->len + i].proc += (uint32_t)dst->nprocs;
	}
	dst->len += src->len;
	if (src->nprocs)
		memcpy(dst->procs + dst->nprocs, src->procs, src->nprocs * sizeof(*src->procs));
	dst->nprocs += src->nprocs;
	if (src->nnsfds) {
		r = array_grow((void **)&dst->nsfds, &dst->nsfds_cap, dst->nnsfds + src->nnsfds,
			       sizeof(*dst->nsfds), 16);
		if (r < 0)
			return r;
		memcpy(dst->nsfds + dst->nnsfds, src->nsfds, src->nnsfds * sizeof(*src->nsfds));
		dst->nnsfds += src->nnsfds;
	}
	/* src kept its lowest denied pids; any it did not keep is above those,
	 * so not among the lowest of the union either. */
	for (i = 0; i < kept; i++) {
		denied_insert(dst, &src->denied[i]);
		dst->n_denied++;
	}
	dst->n_denied += src->n_denied - (unsigned)kept;
	dst->n_irregular += src->n_irregular;
	owner_map_free(src);
	return 0;
}

/*
 * Walks every pid of proc_root with up to nthreads walkers (the calling
 * thread is one), each with its own part of the map, merged in walker
 * order.  Which walker took which pid changes nothing once the map is
 * sorted: owners are sorted by (inode, pid, fd), procs by pid, the denied
 * pids kept are the lowest whoever met them, and the counts are sums.
 * A thread that cannot be started leaves its share to the others.
 */
static int walk_proc_root(struct walk *w, int procfd, size_t nthreads,
			  const atomic_bool *cancel)
{
	struct pid_list pl = { 0 };
	struct walk_shared sh = { .procfd = procfd, .pl = &pl, .cancel = cancel };
	struct walk ws[OWNER_WALK_THREADS_MAX];
	struct owner_map parts[OWNER_WALK_THREADS_MAX];
	pthread_t tids[OWNER_WALK_THREADS_MAX];
	bool started[OWNER_WALK_THREADS_MAX] = { false };
	size_t k, n;
	int r;

	r = list_pids(procfd, w->pid_dents, &pl);
	if (r < 0) {
		pid_list_free(&pl);
		return r;
	}
	/* A thread per few processes at most: each costs a stack and buffers. */
	n = nthreads < 1 ? 1 : nthreads > OWNER_WALK_THREADS_MAX ? OWNER_WALK_THREADS_MAX : nthreads;
	if (n > pl.len / OWNER_WALK_PIDS_PER_THREAD)
		n = pl.len / OWNER_WALK_PIDS_PER_THREAD ? pl.len / OWNER_WALK_PIDS_PER_THREAD : 1;
	atomic_init(&sh.next, 0);
	atomic_init(&sh.error, 0);
	w->sh = &sh;
	if (n == 1) {
		r = walk_pids(w);
		pid_list_free(&pl);
		w->sh = NULL;
		return r;
	}
	memset(parts, 0, sizeof(parts));
	memset(ws, 0, sizeof(ws));
	r = -pthread_mutex_init(&sh.want_lock, NULL);
	sh.locked = r == 0;
	if (r == 0) {
		r = -pthread_mutex_init(&sh.jobs_lock, NULL);
		if (r == 0 && (r = -pthread_cond_init(&sh.jobs_cond, NULL)) != 0)
			pthread_mutex_destroy(&sh.jobs_lock);
		sh.sharing = r == 0;
	}
	for (k = 0; r == 0 && k < n; k++) {
		ws[k] = *w;
		ws[k].m = &parts[k];
		ws[k].slot = k;
		ws[k].pid_dents = NULL;
		ws[k].task_dents = malloc(2 * DENTS_BUF_SIZE);
		if (!ws[k].task_dents)
			r = -ENOMEM;
		else
			ws[k].fd_dents = ws[k].task_dents + DENTS_BUF_SIZE;
	}
	for (k = 1; r == 0 && k < n; k++)
		started[k] = pthread_create(&tids[k], NULL, walk_thread_main, &ws[k]) == 0;
	if (r == 0)
		(void)walk_pids(&ws[0]);
	for (k = 1; k < n; k++)
		if (started[k])
			pthread_join(tids[k], NULL);
	if (r == 0)
		r = atomic_load(&sh.error);
	for (k = 0; k < n; k++) {
		if (r == 0)
			r = map_merge(w->m, &parts[k]);
		owner_map_free(&parts[k]);
		free(ws[k].task_dents);
		/* A walker that met ENOSYS tells the next build nothing: each
		 * build probes again. */
	}
	if (sh.locked)
		pthread_mutex_destroy(&sh.want_lock);
	if (sh.sharing) {
		pthread_cond_destroy(&sh.jobs_cond);
		pthread_mutex_destroy(&sh.jobs_lock);
	}
	pid_list_free(&pl);
	w->sh = NULL;
	return r;
}

size_t owner_walk_threads_default(void)
{
	/* secure_getenv: not settable across a setuid/setcap boundary. */
	const char *env = secure_getenv("LSOCK_WALK_THREADS");
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t v;

	if (env && owner_parse_dec(env, strlen(env), OWNER_WALK_THREADS_MAX, &v) && v > 0)
		return (size_t)v;
	if (n < 1)
		return 1;
	return (size_t)n > OWNER_WALK_THREADS_MAX ? OWNER_WALK_THREADS_MAX : (size_t)n;
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
	return owner_map_build_threads(proc_root, owner_walk_threads_default(), want, data, ret);
}

int owner_map_build_threads(const char *proc_root, size_t nthreads,
			    bool (*want)(uint32_t inode, void *data), void *data,
			    struct owner_map *ret)
{
	return owner_map_build_cancel(proc_root, nthreads, want, data, NULL, ret);
}

int owner_map_build_cancel(const char *proc_root, size_t nthreads,
			   bool (*want)(uint32_t inode, void *data), void *data,
			   const atomic_bool *cancel, struct owner_map *ret)
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
		r = walk_proc_root(&w, procfd, nthreads, cancel);
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
