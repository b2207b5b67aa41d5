/* SPDX-License-Identifier: MIT */
/*
 * The BPF owner source, and the choice between it and the /proc walk.
 *
 * src/bpf/owner_iter.bpf.c, built into this binary (owner_bpf_obj.c),
 * visits every fd table of every process of our PID namespace inside the
 * kernel and writes (pid, tid, fd, inode, comm) for socket and nsfs fds: one
 * read(2) per ~2000 sockets instead of one readlinkat(2) per fd.  libbpf
 * opens it from memory (Debian 12's bpftool cannot make skeletons), fixes
 * up its CO-RE relocations against /sys/kernel/btf/vmlinux, loads it, and
 * attaches it as an iterator; reading the iterator's fd runs it.
 *
 * The map it builds is the one the /proc walk builds for the same
 * processes: the same pids (numbered in our PID namespace), the same comm
 * bytes (the group leader's, which /proc/PID/comm shows), one holder per
 * (inode, pid, fd).  It cannot be denied a process, so n_denied is 0, and
 * it vouches for every process of our PID namespace, as a privileged walk
 * of a /proc of that namespace does; foreign_pidns is decided as for the
 * walk.  It also gives each socket's network namespace (owner_map.socknss)
 * and the nsfs fds of network namespaces (owner_map.nsfds), for namespace
 * discovery.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lsock/array.h"
#include "lsock/i18n.h"
#include "owner_internal.h"

#ifdef LSOCK_HAVE_BPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "../bpf/owner_bpf_record.h"

/* The compiled BPF object, from owner_bpf_obj.c. */
extern const unsigned char owner_bpf_obj[];
extern const unsigned char owner_bpf_obj_end[];
#endif

#ifdef LSOCK_HAVE_BPF
struct bpf_iter_handle {
	struct bpf_object *obj;
	struct bpf_link *link;
};
#endif

/*
 * An owner source kept across walks (see owner_ctx_new()): the BPF
 * program, once loaded and attached, or why it could not be; so that a
 * --watch pays the open, the CO-RE relocation, the verifier and the
 * attach once, and each later walk is one read of the iterator.
 */
struct owner_ctx {
	enum owner_source source;
	bool loaded;   /* h holds the attached iterator */
	int bpf_error; /* <0: why BPF cannot serve here (not tried again); 0: not known yet */
#ifdef LSOCK_HAVE_BPF
	struct bpf_iter_handle h;
#endif
};

/* CAP_PERFMON and CAP_BPF (Linux 5.8); older uapi headers lack them. */
#define CAP_PERFMON_BIT 38
#define CAP_BPF_BIT 39

/* Records read per read(2): 64 KiB, as one getdents64 call of the walk. */
#define BPF_READ_RECORDS 2048

static bool cap_effective(const struct __user_cap_data_struct *d, unsigned cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

/*
 * Whether bpf(2) may load a tracing program for us: CAP_SYS_ADMIN, or
 * CAP_BPF with CAP_PERFMON (kernel/bpf/syscall.c: bpf_prog_load() asks
 * bpf_capable() and, for tracing programs, perfmon_capable()).  Checked
 * first so that an unprivileged run does not pay libbpf's probes.
 */
static bool bpf_privileged(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return false;
	return cap_effective(data, CAP_SYS_ADMIN) ||
	       (cap_effective(data, CAP_BPF_BIT) && cap_effective(data, CAP_PERFMON_BIT));
}

/* Whether /sys/kernel/security/lockdown says "[confidentiality]": then the
 * kernel withholds the helpers that read kernel memory from BPF programs
 * (security_locked_down(LOCKDOWN_BPF_READ_KERNEL) in
 * bpf_tracing_func_proto()), so the verifier rejects ours with EINVAL, and
 * the error alone would not say why.  Absent file: no LSM lockdown. */
static bool locked_down(void)
{
	char buf[128];
	ssize_t n;
	int fd = open("/sys/kernel/security/lockdown", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "[confidentiality]") != NULL;
}

/* Marked only: the CLI translates the reason where it prints it. */
const char *owner_bpf_strerror(int err)
{
	switch (err) {
	case 0:
		return N_("in use");
	case -EOPNOTSUPP:
		return N_("lsock was built without BPF support (LSOCK_BPF=off, or no libbpf)");
	case -EXDEV:
		return N_("the proc root is not a procfs of lsock's PID namespace");
	case -ENOENT:
		return N_("the kernel has no BTF (/sys/kernel/btf/vmlinux)");
	case -EPERM:
	case -EACCES:
		return N_("bpf(2) was refused (it needs root, or CAP_BPF and CAP_PERFMON; a "
		       "seccomp filter may also refuse it)");
	case -OWNER_BPF_LOCKED_DOWN:
		return N_("the kernel is locked down (lockdown=confidentiality)");
	case -ENOSYS:
		return N_("the kernel has no bpf(2)");
	case -ENOMEM:
		return N_("out of memory");
	default:
		return N_("the kernel refused the iter/task_file program (Linux 5.11 or later needed)");
	}
}

#ifdef LSOCK_HAVE_BPF

/* libbpf prints its own diagnostics unless told otherwise; a fallback is
 * silent, and -v says why in one line. */
static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static void iter_close(struct bpf_iter_handle *h)
{
	bpf_link__destroy(h->link);
	bpf_object__close(h->obj);
}

/* Opens, loads and attaches the program.  Returns 0 or -errno. */
static int iter_open(struct bpf_iter_handle *ret)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "lsock_owner");
	struct bpf_iter_handle h = { 0 };
	struct bpf_program *prog;
	int r;

	libbpf_set_print(libbpf_quiet);
	h.obj = bpf_object__open_mem(owner_bpf_obj, (size_t)(owner_bpf_obj_end - owner_bpf_obj),
				     &opts);
	if (!h.obj)
		return errno ? -errno : -EINVAL;
	r = bpf_object__load(h.obj);
	if (r == 0) {
		prog = bpf_object__find_program_by_name(h.obj, "lsock_task_file");
		h.link = prog ? bpf_program__attach_iter(prog, NULL) : NULL;
		if (!h.link)
			r = prog && errno ? -errno : -ENOENT;
	}
	if (r < 0) {
		iter_close(&h);
		return r;
	}
	*ret = h;
	return 0;
}

/* The pid's proc index, appending a proc when the pid is not the last one
 * seen; the iterator visits a process's fds together, and a thread with
 * a table of its own later (tid order): merge_procs() joins those. */
static int proc_index(struct owner_map *m, const struct owner_bpf_record *rec, uint32_t *ret)
{
	struct owner_proc *p;
	int r;

	if (m->nprocs && m->procs[m->nprocs - 1].pid == (int32_t)rec->pid) {
		*ret = (uint32_t)(m->nprocs - 1);
		return 0;
	}
	r = array_grow((void **)&m->procs, &m->procs_cap, m->nprocs + 1, sizeof(*m->procs), 64);
	if (r < 0)
		return r;
	p = &m->procs[m->nprocs];
	p->pid = (int32_t)rec->pid;
	p->comm_len = (uint8_t)strnlen(rec->comm, sizeof(rec->comm));
	memcpy(p->comm, rec->comm, p->comm_len);
	*ret = (uint32_t)m->nprocs++;
	return 0;
}

/* An nsfs fd of a network namespace (inode 0 in the record). */
static int add_nsfd(struct owner_map *m, const struct owner_bpf_record *rec)
{
	struct owner_nsfd *nf;
	int r = array_grow((void **)&m->nsfds, &m->nsfds_cap, m->nnsfds + 1, sizeof(*m->nsfds), 16);

	if (r < 0)
		return r;
	nf = &m->nsfds[m->nnsfds++];
	nf->ns_ino = rec->netns;
	nf->pid = (int32_t)rec->pid;
	/* A thread's own table: opened through /proc/PID/task/TID/fd, as the
	 * /proc walk records it. */
	nf->tid = (int32_t)rec->tid;
	nf->fd = (int32_t)rec->fd;
	return 0;
}

/*
 * Takes socket rec as a candidate of namespace k (see owner_sockns): while
 * there is room, any; then only one of a process not among them, in place
 * of the last candidate whose process an earlier one has.
 */
static void add_sockns_cand(struct owner_sockns *k, const struct owner_bpf_record *rec)
{
	struct owner_sockns_cand c = { .pid = (int32_t)rec->pid, .tid = (int32_t)rec->tid,
				       .fd = (int32_t)rec->fd, .sock_inode = rec->inode };
	size_t i, j;

	if (k->ncand < OWNER_SOCKNS_CANDS) {
		k->cand[k->ncand++] = c;
		return;
	}
	for (i = 0; i < k->ncand; i++)
		if (k->cand[i].pid == c.pid)
			return;
	for (i = k->ncand - 1; i > 0; i--)
		for (j = 0; j < i; j++)
			if (k->cand[j].pid == k->cand[i].pid) {
				k->cand[i] = c;
				return;
			}
}

/*
 * Notes the namespace of a socket record, with that socket as one to ask
 * it through.  Sockets come in runs of one namespace (a process's fds), so
 * the last one found answers most; the rest is a bisection of the few
 * namespaces.
 */
static int add_sockns(struct owner_map *m, const struct owner_bpf_record *rec, size_t *last)
{
	size_t lo = 0, hi = m->nsocknss;
	int r;

	if (*last < m->nsocknss && m->socknss[*last].ns_ino == rec->netns) {
		add_sockns_cand(&m->socknss[*last], rec);
		return 0;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->socknss[mid].ns_ino < rec->netns)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->nsocknss && m->socknss[lo].ns_ino == rec->netns) {
		add_sockns_cand(&m->socknss[lo], rec);
		*last = lo;
		return 0;
	}
	r = array_grow((void **)&m->socknss, &m->socknss_cap, m->nsocknss + 1,
		       sizeof(*m->socknss), 16);
	if (r < 0)
		return r;
	memmove(&m->socknss[lo + 1], &m->socknss[lo], (m->nsocknss - lo) * sizeof(*m->socknss));
	m->socknss[lo] = (struct owner_sockns){ .ns_ino = rec->netns };
	add_sockns_cand(&m->socknss[lo], rec);
	m->nsocknss++;
	*last = lo;
	return 0;
}

static int add_record(struct owner_map *m, const struct owner_bpf_record *rec,
		      bool (*want)(uint32_t inode, void *data), void *data, size_t *last_ns)
{
	struct owner *o;
	uint32_t proc;
	int r;

	if (rec->pid == 0 || rec->pid > INT32_MAX || rec->tid > INT32_MAX || rec->fd > INT32_MAX)
		return 0;
	if (rec->inode == 0)
		return rec->netns ? add_nsfd(m, rec) : 0;
	/* Whatever want() says: namespace discovery asks about every socket. */
	if (rec->netns) {
		r = add_sockns(m, rec, last_ns);
		if (r < 0)
			return r;
	}
	if (want && !want(rec->inode, data))
		return 0;
	r = proc_index(m, rec, &proc);
	if (r == 0)
		r = array_grow((void **)&m->owners, &m->cap, m->len + 1, sizeof(*m->owners), 1024);
	if (r < 0)
		return r;
	o = &m->owners[m->len++];
	o->inode = rec->inode;
	o->fd = (int32_t)rec->fd;
	o->proc = proc;
	return 0;
}

/* Runs the iterator once: every record, in the order the kernel writes them. */
static int iter_read(const struct bpf_iter_handle *h, bool (*want)(uint32_t inode, void *data),
		     void *data, struct owner_map *m)
{
	struct owner_bpf_record *buf;
	size_t have = 0, last_ns = 0;
	int fd, r = 0;

	fd = bpf_iter_create(bpf_link__fd(h->link));
	if (fd < 0)
		return -errno;
	buf = malloc(BPF_READ_RECORDS * sizeof(*buf));
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = read(fd, (char *)buf + have, BPF_READ_RECORDS * sizeof(*buf) - have);
		size_t i, whole;

		if (n < 0) {
			/* EAGAIN: a million fds visited without a record in one
			 * read (bpf_seq_read()'s MAX_ITER_OBJECTS); go on. */
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		/* seq_file may split a record between two reads. */
		have += (size_t)n;
		whole = have / sizeof(*buf);
		for (i = 0; i < whole && r == 0; i++)
			r = add_record(m, &buf[i], want, data, &last_ns);
		if (r < 0)
			break;
		have -= whole * sizeof(*buf);
		memmove(buf, &buf[whole], have);
	}
	free(buf);
	close(fd);
	return r;
}

static int cmp_proc_pid(const void *a, const void *b, void *arg)
{
	const struct owner_proc *procs = arg;
	int32_t pa = procs[*(const uint32_t *)a].pid, pb = procs[*(const uint32_t *)b].pid;

	if (pa != pb)
		return (pa > pb) - (pa < pb);
	/* The first seen (the leader's table, lower tid) keeps its comm. */
	return (*(const uint32_t *)a > *(const uint32_t *)b) -
	       (*(const uint32_t *)a < *(const uint32_t *)b);
}

/* Puts procs in pid order with one entry per pid, remapping the owners. */
static int merge_procs(struct owner_map *m)
{
	struct owner_proc *merged;
	uint32_t *order, *rank;
	size_t i, n = 0;

	for (i = 1; i < m->nprocs; i++)
		if (m->procs[i - 1].pid >= m->procs[i].pid)
			break;
	if (i >= m->nprocs)
		return 0;
	order = malloc(m->nprocs * 2 * sizeof(*order));
	merged = malloc(m->nprocs * sizeof(*merged));
	if (!order || !merged) {
		free(order);
		free(merged);
		return -ENOMEM;
	}
	rank = order + m->nprocs;
	for (i = 0; i < m->nprocs; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, m->nprocs, sizeof(*order), cmp_proc_pid, m->procs);
	for (i = 0; i < m->nprocs; i++) {
		const struct owner_proc *p = &m->procs[order[i]];

		if (n == 0 || merged[n - 1].pid != p->pid)
			merged[n++] = *p;
		rank[order[i]] = (uint32_t)(n - 1);
	}
	for (i = 0; i < m->len; i++)
		m->owners[i].proc = rank[m->owners[i].proc];
	free(m->procs);
	m->procs = merged;
	m->nprocs = m->procs_cap = n;
	free(order);
	return 0;
}

/* Checks that BPF can serve here, then opens, loads and attaches the
 * program.  Returns 0 or the reason (a -errno for owner_bpf_strerror()). */
static int bpf_load(struct bpf_iter_handle *ret)
{
	int r;

	if (!bpf_privileged())
		return -EPERM;
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return errno == ENOMEM ? -ENOMEM : -ENOENT;
	if (locked_down())
		return -OWNER_BPF_LOCKED_DOWN;
	r = iter_open(ret);
	if (r < 0)
		return r == -ENOMEM ? r : (r == -EPERM || r == -EACCES || r == -ENOSYS ? r : -EINVAL);
	return 0;
}

/* The attached iterator: ctx's when it has one (loaded on its first use,
 * or the reason it could not be, kept), else a fresh one in *tmp, which
 * the caller closes.  Returns 0 or the reason. */
static int bpf_handle(struct owner_ctx *ctx, struct bpf_iter_handle *tmp,
		      const struct bpf_iter_handle **ret)
{
	int r;

	*ret = NULL;
	if (!ctx) {
		r = bpf_load(tmp);
		if (r == 0)
			*ret = tmp;
		return r;
	}
	if (!ctx->loaded && ctx->bpf_error)
		return ctx->bpf_error;
	if (!ctx->loaded) {
		r = bpf_load(&ctx->h);
		if (r < 0) {
			/* ENOMEM may pass; every other reason stays. */
			if (r != -ENOMEM)
				ctx->bpf_error = r;
			return r;
		}
		ctx->loaded = true;
	}
	*ret = &ctx->h;
	return 0;
}

static int bpf_build(const char *proc_root, struct owner_ctx *ctx,
		     bool (*want)(uint32_t inode, void *data), void *data, struct owner_map *ret)
{
	struct owner_map m = { 0 };
	struct bpf_iter_handle tmp = { 0 };
	const struct bpf_iter_handle *h;
	struct owner_pidns ns;
	const char *assume;
	int procfd, r;

	/* The iterator shows the tasks of our PID namespace, numbered there:
	 * it can stand in for a walk of a procfs of that namespace only. */
	procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -EXDEV;
	r = owner_pidns_probe(procfd, &ns);
	close(procfd);
	if (r < 0)
		return r;
	if (!ns.ours || ns.n_irregular)
		return -EXDEV;
	r = bpf_handle(ctx, &tmp, &h);
	if (r < 0)
		return r;
	/* Each read of a new iterator fd runs the program again: a loaded
	 * one serves every walk. */
	r = iter_read(h, want, data, &m);
	if (h == &tmp)
		iter_close(&tmp);
	if (r == 0)
		r = merge_procs(&m);
	if (r == 0)
		r = owner_map_sort(&m);
	if (r < 0) {
		owner_map_free(&m);
		/* A failed read after a good load is not a reason to fall back
		 * quietly from an answer that would differ; but it is rare
		 * enough (ENOMEM) that the walk may as well try. */
		return r == -ENOMEM ? r : -EINVAL;
	}
	/* secure_getenv: as in the walk, a test seam must not work setuid. */
	assume = secure_getenv("LSOCK_TEST_ASSUME_INITIAL_PIDNS");
	m.foreign_pidns = ns.foreign && !(assume && strcmp(assume, "1") == 0);
	m.privileged = true;
	m.sockns_known = true;
	*ret = m;
	return 0;
}

#else

static int bpf_build(const char *proc_root, struct owner_ctx *ctx,
		     bool (*want)(uint32_t inode, void *data), void *data, struct owner_map *ret)
{
	return -EOPNOTSUPP;
}

#endif

int owner_ctx_new(enum owner_source source, struct owner_ctx **ret)
{
	*ret = calloc(1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	(*ret)->source = source;
	return 0;
}

void owner_ctx_free(struct owner_ctx *c)
{
	if (!c)
		return;
#ifdef LSOCK_HAVE_BPF
	if (c->loaded)
		iter_close(&c->h);
#endif
	free(c);
}

bool owner_source_walks_proc(enum owner_source source, const struct owner_ctx *ctx)
{
	if (ctx) {
		if (ctx->bpf_error)
			return ctx->source != OWNER_SOURCE_BPF;
		source = ctx->source;
	}
	if (source == OWNER_SOURCE_PROC)
		return true;
	if (source == OWNER_SOURCE_BPF)
		return false;
#ifdef LSOCK_HAVE_BPF
	return !bpf_privileged() || locked_down();
#else
	return true;
#endif
}

/* Errors that mean "BPF cannot be used here", as opposed to a failure
 * that the walk would meet as well. */
static bool bpf_unusable(int r)
{
	return r < 0 && r != -ENOMEM && r != -EMFILE && r != -ENFILE;
}

int owner_map_build_from(const char *proc_root, enum owner_source source,
			 bool (*want)(uint32_t inode, void *data), void *data,
			 struct owner_map *ret)
{
	return owner_map_build_from_cancel(proc_root, source, NULL, want, data, NULL, ret);
}

int owner_map_build_from_ctx(const char *proc_root, enum owner_source source,
			     struct owner_ctx *ctx, bool (*want)(uint32_t inode, void *data),
			     void *data, struct owner_map *ret)
{
	return owner_map_build_from_cancel(proc_root, source, ctx, want, data, NULL, ret);
}

int owner_map_build_from_cancel(const char *proc_root, enum owner_source source,
				struct owner_ctx *ctx, bool (*want)(uint32_t inode, void *data),
				void *data, const atomic_bool *cancel, struct owner_map *ret)
{
	int r, bpf_error = -EOPNOTSUPP;

	if (ctx)
		source = ctx->source;
	if (source != OWNER_SOURCE_PROC) {
		r = bpf_build(proc_root, ctx, want, data, ret);
		if (r == 0) {
			ret->source = OWNER_SOURCE_BPF;
			ret->bpf_error = 0;
			return 0;
		}
		if (source == OWNER_SOURCE_BPF || !bpf_unusable(r))
			return r;
		bpf_error = r;
	}
	r = owner_map_build_cancel(proc_root, owner_walk_threads_default(), want, data, cancel, ret);
	if (r == 0) {
		ret->source = OWNER_SOURCE_PROC;
		ret->bpf_error = source == OWNER_SOURCE_PROC ? 0 : bpf_error;
	}
	return r;
}
