/* SPDX-License-Identifier: MIT */
/*
 * Owner resolution: which processes hold which socket inodes.
 *
 * owner_map_build() walks <proc_root>/[pid]/fd through directory fds
 * (openat), so that a pid reused mid-walk answers ESRCH instead of leaking an
 * impostor's name.  Every (pid, fd) holder of a socket is kept: a socket
 * shared by a parent and its child has two owners.  Threads that do not
 * share the leader's fd table (the leader called pthread_exit(), or a thread
 * called unshare(CLONE_FILES)) are walked too, through
 * <proc_root>/[pid]/task/[tid]/fd; their holders count for the process
 * (pid is the tgid), once per (fd, inode).
 *
 * The map never prints.  It counts what it could not see, and the caller
 * decides what to say.
 */
#ifndef LSOCK_OWNER_H
#define LSOCK_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/sock_table.h"

/* Where owners come from (--owners). */
enum owner_source {
	OWNER_SOURCE_AUTO = 0, /* the BPF iterator when it can be used, else the /proc walk */
	OWNER_SOURCE_BPF,      /* the BPF iterator only (iter/task_file, owner_bpf.c) */
	OWNER_SOURCE_PROC,     /* the /proc walk only */
};

/* TASK_COMM_LEN is 16 today; keep room in case it grows. */
#define OWNER_COMM_MAX 64

struct owner_proc {
	int32_t pid;
	uint8_t comm_len;
	uint8_t comm[OWNER_COMM_MAX]; /* raw bytes of /proc/PID/comm, final '\n' removed */
};

/* How many of the processes that could not be inspected are kept by name. */
#define OWNER_DENIED_KEPT 5

/* A process whose fds could not be read (EACCES/EPERM), for the caller's note. */
struct owner_denied {
	int32_t pid;
	bool comm_known;              /* its comm could be read */
	uint8_t comm_len;
	uint8_t comm[OWNER_COMM_MAX]; /* raw bytes, as in struct owner_proc */
};

/* One (socket inode, process, fd) holder. */
struct owner {
	uint32_t inode;
	int32_t fd;
	uint32_t proc; /* index into owner_map.procs */
};

/*
 * An open fd on nsfs naming a network namespace, met by the walk (the
 * /proc walk's "net:[N]" links, the iterator's nsfs files of type
 * CLONE_NEWNET): namespace discovery's NETNS_SRC_FD, from the same walk.
 */
struct owner_nsfd {
	uint32_t ns_ino; /* the namespace's inode (ns_common.inum) */
	int32_t pid;     /* tgid, in proc_root's numbering */
	int32_t tid;     /* the thread whose own fd table holds it; 0: the process's */
	int32_t fd;
};

/* The sockets kept per namespace of owner_map.socknss (see there). */
#define OWNER_SOCKNS_CANDS 4

/* A socket to ask its namespace through: fd of process pid. */
struct owner_sockns_cand {
	int32_t pid;
	int32_t tid; /* the thread whose own fd table holds fd; 0: the process's */
	int32_t fd;
	uint32_t sock_inode;
};

/*
 * A network namespace that some socket belongs to, with a few sockets of
 * it (the BPF iterator reads sk->sk_net for each socket; the /proc walk
 * cannot tell, and records none): a namespace held only by sockets is
 * then entered with one SIOCGSKNS on one of them, not one per socket.
 * More than one, because the one asked may be gone by then (its process
 * exited, the fd was closed or reused): the next is tried.  They are the
 * first sockets met, of as many processes as there are, up to
 * OWNER_SOCKNS_CANDS: a socket of a process already among them gives way
 * to one of a new process once all are taken.
 */
struct owner_sockns {
	uint32_t ns_ino;
	uint32_t ncand; /* 1 to OWNER_SOCKNS_CANDS */
	struct owner_sockns_cand cand[OWNER_SOCKNS_CANDS]; /* in the order to try */
};

struct owner_map {
	struct owner *owners; /* sorted by (inode, pid, fd) once built */
	size_t len;
	size_t cap;
	struct owner_proc *procs;
	size_t nprocs;
	size_t procs_cap;
	unsigned n_denied;  /* pids whose fd dir or fd links answered EACCES/EPERM */
	unsigned n_irregular; /* files refused as not regular (a FIFO or a device, which only
			       * a fake tree has): a pid whose comm is one loses its rows */
	struct owner_denied denied[OWNER_DENIED_KEPT]; /* the min(n_denied,
			     * OWNER_DENIED_KEPT) lowest of those pids, ascending */
	bool hidepid;       /* proc_root is mounted with hidepid=(not off) or subset=pid */
	bool privileged;    /* euid 0 with CAP_SYS_PTRACE: may read every process's fds,
			     * and hidepid hides nothing from us */
	bool foreign_pidns; /* proc_root shows a PID namespace that is not the initial
			     * one: processes outside it are invisible */
	uint8_t source;     /* enum owner_source that served: _BPF or _PROC */
	uint32_t *index;    /* owner_map_sort(): index[b] is the first owner of bucket b,
			     * (inode - index_base) >> index_shift; NULL: bisect all */
	size_t index_len;   /* buckets + 1 */
	uint32_t index_base;
	uint8_t index_shift;
	int bpf_error;      /* why the BPF iterator did not serve (owner_bpf_strerror());
			     * 0 if it did, or if it was not asked for (--owners=proc) */
	/* What the walk met besides the owners, whatever want() said: */
	struct owner_nsfd *nsfds; /* in walk order */
	size_t nnsfds;
	size_t nsfds_cap;
	struct owner_sockns *socknss; /* sorted by ns_ino, one per namespace */
	size_t nsocknss;
	size_t socknss_cap;
	bool sockns_known;  /* socknss names the namespace of every socket seen (BPF) */
};

/*
 * Builds the map from proc_root (normally "/proc"; tests pass a fake tree).
 * If want is non-NULL, only holders of inodes for which want(inode, data)
 * returns true are recorded (saves memory when few sockets are shown).
 * Processes and fds that vanish during the walk are skipped quietly; a
 * process whose comm cannot be read after its fds (it died meanwhile) loses
 * all its rows.  A pid that answers EACCES/EPERM on its fd dir or on any fd
 * link loses its rows and counts in n_denied; the OWNER_DENIED_KEPT lowest
 * such pids are kept in denied[] with their comm when it can be read.
 * Files are opened with O_NONBLOCK and read only if they are regular files:
 * a pid whose comm is a FIFO or a device loses its rows, and every file so
 * refused (comm, self/mountinfo, 2/stat, self/status) counts in
 * n_irregular.  hidepid is read from <proc_root>/self/mountinfo for the
 * mount at realpath(proc_root); a tree without one counts as not hidden.
 * foreign_pidns is set unless
 * <proc_root>/self/ns/pid names the initial PID namespace or <proc_root>/2
 * is a kernel thread (a tree with neither counts as foreign).  The
 * environment variable LSOCK_TEST_ASSUME_INITIAL_PIDNS=1 (read with
 * secure_getenv) clears it: a test-only override for test harnesses that
 * run in a private PID namespace together with a private network namespace,
 * where nothing outside holds the sockets listed.
 * Returns 0, -ENOMEM, -EMFILE/-ENFILE, or -errno if proc_root itself cannot
 * be opened or listed.  *ret is written only on success.
 */
int owner_map_build(const char *proc_root, bool (*want)(uint32_t inode, void *data),
		    void *data, struct owner_map *ret);

/* Most threads one walk uses, and fewest pids each walker thread must have. */
#define OWNER_WALK_THREADS_MAX 8
#define OWNER_WALK_PIDS_PER_THREAD 4

/*
 * owner_map_build() with the pids of proc_root split over up to nthreads
 * walkers (the caller's thread is one; 0 counts as 1; at most
 * OWNER_WALK_THREADS_MAX, and one per OWNER_WALK_PIDS_PER_THREAD pids).
 * The map is the same whatever nthreads is.  want is then called from
 * several threads, one call at a time.  owner_map_build() uses
 * owner_walk_threads_default().
 */
int owner_map_build_threads(const char *proc_root, size_t nthreads,
			    bool (*want)(uint32_t inode, void *data), void *data,
			    struct owner_map *ret);

/* The online CPUs (sysconf), at most OWNER_WALK_THREADS_MAX; 1 if unknown.
 * LSOCK_WALK_THREADS=N (1..OWNER_WALK_THREADS_MAX, read with secure_getenv)
 * overrides it, for benchmarks and for tests that count allocations. */
size_t owner_walk_threads_default(void);

/*
 * owner_map_build() from the source asked for.  OWNER_SOURCE_AUTO tries
 * the BPF iterator and, if it cannot be used here (built without it, not
 * privileged, no BTF, locked down, bpf(2) refused, proc_root not a procfs
 * of our PID namespace), walks proc_root, with ret->bpf_error saying why.
 * OWNER_SOURCE_BPF fails with that reason instead.  The iterator's map is
 * the walk's for the same processes (see owner_bpf.c); it sees every
 * process of our PID namespace, so it counts as privileged and denies
 * nothing.  ret->source says which served.  Returns as owner_map_build(),
 * or the BPF reason (a -errno for owner_bpf_strerror()).
 */
int owner_map_build_from(const char *proc_root, enum owner_source source,
			 bool (*want)(uint32_t inode, void *data), void *data,
			 struct owner_map *ret);

/*
 * An owner source kept across walks, for the modes that walk many times
 * (--watch): with the BPF iterator, the program is opened, relocated,
 * verified and attached on the first walk and read again by each later
 * one (a read of a new iterator fd runs it again); when it cannot serve,
 * the reason is kept and not looked for again.  Made by the CLI mode and
 * passed down (snapshot_request.owner_ctx); NULL everywhere means "load
 * for this walk only".  owner_ctx_new() returns 0 or -ENOMEM.
 */
struct owner_ctx;
int owner_ctx_new(enum owner_source source, struct owner_ctx **ret);
void owner_ctx_free(struct owner_ctx *c); /* NULL is fine */

/* owner_map_build_from() with ctx (may be NULL); with one, its source
 * is used and source is ignored. */
int owner_map_build_from_ctx(const char *proc_root, enum owner_source source,
			     struct owner_ctx *ctx, bool (*want)(uint32_t inode, void *data),
			     void *data, struct owner_map *ret);

/* The BPF reason for a kernel in lockdown=confidentiality mode (negated). */
#define OWNER_BPF_LOCKED_DOWN EKEYREJECTED

/* Why the BPF iterator could not serve, for a bpf_error (a -errno): a
 * static string, one clause without a final period. */
const char *owner_bpf_strerror(int err);

/*
 * Whether a walk from source (through ctx, may be NULL) will be the /proc
 * walk, as far as can be told without trying: asked for, no BPF in this
 * build, not privileged for it, a kernel in lockdown, or ctx's iterator
 * refused already.  false: it may be the iterator (which may still fail
 * and fall back).  A hint for work that only the /proc walk needs.
 */
bool owner_source_walks_proc(enum owner_source source, const struct owner_ctx *ctx);

/*
 * owner_map_build() for the sockets of table t: only their inodes are
 * recorded, and when none can have an owner (no rows, or only inode-0
 * TIME_WAIT and request sockets) nothing is walked and *ret_walked is false.
 * *ret is written on every path (an empty map on failure).
 */
int owner_map_build_for(const char *proc_root, const struct sock_table *t, struct owner_map *ret,
			bool *ret_walked);

/*
 * owner_map_build_for(), also looking for held sockets that no dump
 * listed: every socket inode that some process holds and that known[0..
 * nknown) (sorted: every inode collected, before rows were pruned) lacks is
 * recorded in the map with its holders, and returned, sorted and unique,
 * in *ret_unknown (malloc'd, free() it; NULL when empty) and
 * *ret_nunknown.  The walk runs even when t has no row with an inode.
 * With known NULL this is owner_map_build_for() (ret_unknown may be NULL).
 * *ret, *ret_walked and the unknown list are written on every path.
 * Returns as owner_map_build().
 */
int owner_map_build_for_known(const char *proc_root, const struct sock_table *t,
			      const uint32_t *known, size_t nknown, struct owner_map *ret,
			      bool *ret_walked, uint32_t **ret_unknown, size_t *ret_nunknown);

/*
 * owner_map_build_for_known() (and, with known NULL, owner_map_build_for())
 * from the owner source asked for (owner_map_build_from()).  Those two use
 * the BPF iterator when they can and the walk otherwise, as
 * OWNER_SOURCE_AUTO does; this is the one that --owners reaches.
 */
int owner_map_build_for_source(const char *proc_root, enum owner_source source,
			       const struct sock_table *t, const uint32_t *known, size_t nknown,
			       struct owner_map *ret, bool *ret_walked, uint32_t **ret_unknown,
			       size_t *ret_nunknown);

/* owner_map_build_for_source() through ctx (may be NULL: see owner_ctx). */
int owner_map_build_for_ctx(const char *proc_root, enum owner_source source,
			    struct owner_ctx *ctx, const struct sock_table *t,
			    const uint32_t *known, size_t nknown, struct owner_map *ret,
			    bool *ret_walked, uint32_t **ret_unknown, size_t *ret_nunknown);

/*
 * Keeps, in order, the inodes of inodes[0..n) (each recorded in m, as
 * owner_map_build_for_known() records unknown ones) that one of their
 * holders still holds at the same fd now, whose socket is an AF_UNIX one
 * (sockfs' "system.sockprotoname" xattr of <proc_root>/PID/fd/FD starts
 * with "UNIX"; without the xattr this is not checked), and whose holder is
 * in lsock's network namespace (<proc_root>/PID/ns/net is
 * <proc_root>/self/ns/net; not checked if the latter cannot be read).  Two
 * system calls per inode held in our namespace, and one per holder process
 * for the namespace.  Returns how many were kept, at the
 * front of inodes.
 */
size_t owner_map_keep_unix_held(const char *proc_root, const struct owner_map *m,
				uint32_t *inodes, size_t n);

/*
 * A new map of the holders of newer and older whose inode want() keeps
 * (every holder if want is NULL): for modes that keep the owners of
 * earlier snapshots and walk /proc again only for new sockets.  A pid in
 * both keeps newer's record (comm); the counts and flags that say what
 * the walk could see (n_denied, hidepid, ...) are newer's.  *ret is
 * written on every path.  Returns 0 or -ENOMEM.
 */
int owner_map_merge(const struct owner_map *newer, const struct owner_map *older,
		    bool (*want)(uint32_t inode, void *data), void *data, struct owner_map *ret);

/*
 * The map of all's holders whose inode want() accepts (every one with want
 * NULL), with only the procs they name, sorted; what the walk could see
 * (n_denied, hidepid, source, ...) is all's.  *ret is written on every
 * path.  Returns 0 or -ENOMEM.
 */
int owner_map_filter(const struct owner_map *all, bool (*want)(uint32_t inode, void *data),
		     void *data, struct owner_map *ret);

/*
 * owner_map_build_for_source() for a map already built (every holder, by
 * owner_walk_join()): the same answer, matched against t instead of walked.
 * *ret_walked says whether a walk would have run.
 */
int owner_map_match_for(const struct owner_map *all, const struct sock_table *t,
			const uint32_t *known, size_t nknown, struct owner_map *ret,
			bool *ret_walked, uint32_t **ret_unknown, size_t *ret_nunknown);

/*
 * A walk of every held socket (owner_map_build_from() with want NULL) in a
 * thread of its own, so that it overlaps the sock_diag dump, which it does
 * not depend on.  owner_walk_begin() starts it (or, when no thread can be
 * started, walks at once); owner_walk_join() waits for it, hands its map
 * to *ret (zeroed on error) and frees the handle; a begun walk must be
 * joined exactly once.  A caller that prints in batches joins before its
 * first batch.  begin returns 0 or -ENOMEM (*ret NULL); join returns as
 * owner_map_build_from().
 */
struct owner_walk;
int owner_walk_begin(const char *proc_root, enum owner_source source, struct owner_walk **ret);
/* owner_walk_begin() through ctx (may be NULL; see owner_ctx), which the
 * walk uses until it is joined. */
int owner_walk_begin_ctx(const char *proc_root, enum owner_source source, struct owner_ctx *ctx,
			 struct owner_walk **ret);
int owner_walk_join(struct owner_walk *w, struct owner_map *ret);
/* Joins a begun walk whose map is not wanted, stopping a /proc walk at
 * its next pid; frees the handle.  NULL is fine. */
void owner_walk_cancel(struct owner_walk *w);

/* Frees the map; NULL or an all-zero map is fine. */
void owner_map_free(struct owner_map *m);

/*
 * Finds the holders of inode.  Returns their number (0 if none, or if inode
 * is 0, which the kernel uses for sockets that no fd can hold) and points
 * *ret_first at the first; they are contiguous and sorted by (pid, fd).
 * O(log n).
 */
size_t owner_map_find(const struct owner_map *m, uint32_t inode, const struct owner **ret_first);

/* The process that holds o (o from owner_map_find() on m). */
static inline const struct owner_proc *owner_map_proc(const struct owner_map *m, const struct owner *o)
{
	return &m->procs[o->proc];
}

/*
 * Whether the caller saw every process's fds: false when some fd table was
 * unreadable, when the caller is not privileged (not root, or root without
 * CAP_SYS_PTRACE): then hidepid=2 can hide pids with no EACCES to count, so
 * the walk cannot vouch for itself; when proc_root shows a PID namespace
 * other than the initial one (foreign_pidns): processes outside it may hold
 * sockets of the network namespace listed, and no error says so; and when
 * some file was refused as not regular (n_irregular).
 */
bool owner_map_complete(const struct owner_map *m);

/* Parses the hidepid/subset options out of one /proc/self/mountinfo text,
 * for the mount at proc_mountpoint.  Pure, for tests. */
bool owner_mountinfo_hides_pids(const char *mountinfo, const char *proc_mountpoint);

/* Whether a /proc/PID/ns/pid link target ("pid:[INODE]") names the initial
 * PID namespace (inode PROC_PID_INIT_INO, 0xEFFFFFFC).  Pure, for tests. */
bool owner_pidns_link_is_initial(const char *link, size_t len);

/* The number of entries of the NSpid: line of one /proc/PID/status text; 0
 * if there is none or it is malformed.  Pure, for tests. */
unsigned owner_status_nspid_count(const char *status, size_t len);

/* Whether one /proc/PID/stat text has PF_KTHREAD in its flags (field 9).
 * Pure, for tests. */
bool owner_stat_is_kthread(const char *stat, size_t len);

#endif
