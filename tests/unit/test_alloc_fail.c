/* SPDX-License-Identifier: MIT */
/*
 * Allocation failure at every point of collect_run() and snapshot_take()
 * (issues 10 and 11): malloc, calloc, realloc and aligned_alloc are wrapped
 * (test_alloc_fail.wrap) by a counter that fails the Nth allocation, for
 * N = 1, 2, ... until a run needs no more than N - 1 allocations.  After
 * each failed run:
 *
 *  - the return is -ENOMEM (an allocation failure is never swallowed into
 *    a short listing or into another error);
 *  - the report is fully written: every slot up to nslots is a slot of the
 *    full run, the ones before the failing slot exactly as in the full run,
 *    the failing slot with no counts and no error of its own, the rest zero
 *    (the CLI prints the report before the error: garbage here was issue
 *    11's "skipped 268435456 malformed line(s)");
 *  - the table holds the rows it held before plus whole slots of the full
 *    run, in order: never a slot's first half;
 *  - the snapshot's owner map is empty and owners_error says -ENOMEM when
 *    the owner walk failed;
 *  - nothing leaks: the wrappers count live blocks, and the ASan build
 *    (-DLSOCK_SANITIZE=ON) checks the same with LeakSanitizer.
 *
 * The input is deterministic: a fake /proc tree (the owner tests' standard
 * tree, plus net/ from tests/fixtures/proc_net_*.txt, a /proc/net/unix large
 * enough to grow every array, 70 processes holding 1120 of its sockets,
 * and a mountinfo larger than the first read buffer) with --source=proc, and
 * for sock_diag the scripted kernel of nl_script.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/unix_diag.h>

#include "lsock/collect.h"
#include "lsock/nl_transport.h"
#include "lsock/proto.h"
#include "lsock/snapshot.h"

#include "nl_script.h"
#include "test_owner_tree.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the allocator ------------------------------------------------------ */

/* Test-only state shared with the --wrap functions. */
static struct {
	bool counting; /* track live blocks (malloc'd minus freed) */
	bool armed;    /* count allocation calls, fail number fail_at */
	long fail_at;  /* 1-based; 0: never */
	long calls;
	bool fired;
	long live;
} F;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
void __real_free(void *p);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t n);
void __wrap_free(void *p);

static bool alloc_fails(void)
{
	if (!F.armed)
		return false;
	F.calls++;
	if (F.calls != F.fail_at)
		return false;
	F.fired = true;
	errno = ENOMEM;
	return true;
}

static void *counted(void *p)
{
	if (p && F.counting)
		F.live++;
	return p;
}

void *__wrap_malloc(size_t n)
{
	return alloc_fails() ? NULL : counted(__real_malloc(n));
}

void *__wrap_calloc(size_t n, size_t size)
{
	return alloc_fails() ? NULL : counted(__real_calloc(n, size));
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
	return alloc_fails() ? NULL : counted(__real_aligned_alloc(align, n));
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (alloc_fails())
		return NULL;
	q = __real_realloc(p, n);
	/* a grown block is the same block; realloc(NULL) is a new one */
	return p ? q : counted(q);
}

void __wrap_free(void *p)
{
	if (p && F.counting)
		F.live--;
	__real_free(p);
}

static void alloc_reset(long fail_at)
{
	memset(&F, 0, sizeof(F));
	F.fail_at = fail_at;
	F.counting = true;
}

/* ---- the fake tree ------------------------------------------------------ */

#define OWNER_PROCS 70 /* > 64, the first procs capacity */
#define OWNER_FDS 16   /* 1120 owners > 1024, the first owners capacity */
#define OWNED_INODE(p, f) (100000u + (unsigned)(p) * OWNER_FDS + (unsigned)(f))
#define EXTRA_UNIX 40  /* unowned rows */

static char *read_fixture(const char *name, size_t *ret_len)
{
	char path[PATH_MAX];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", LSOCK_FIXTURES, name);
	f = fopen(path, "re");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = __real_malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

static void put_fixture(const struct tree *t, const char *fixture, const char *rel)
{
	size_t len;
	char *s = read_fixture(fixture, &len);

	mk_file(t, rel, s, len);
	__real_free(s);
}

static void add_unix_row(FILE *f, uint32_t inode)
{
	/* a listening stream socket: Flags __SO_ACCEPTCON, St SS_UNCONNECTED */
	fprintf(f, "0000000000000000: 00000002 00000000 00010000 0001 01 %5u /run/s%u\n", inode,
		inode);
}

/*
 * The owner tests' standard tree plus:
 *  - net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6} from the fixtures, no
 *    net/icmp{,6} (a kernel without ping sockets: an optional slot that is
 *    settled but not served);
 *  - net/unix: the fixture, rows for the standard tree's owned inodes, for
 *    the 1120 sockets of 70 processes and for 40 unowned sockets (more rows
 *    than the table's, the name arena's and the inode set's first sizes);
 *  - a non-initial self/ns/pid with a kernel thread at 2 (so 2/stat is read)
 *    and a self/mountinfo larger than the first 16 KiB read buffer.
 */
static void build_tree(const struct tree *t)
{
	static const char *const inet[][2] = {
		{ "proc_net_tcp.txt", "net/tcp" },       { "proc_net_tcp6.txt", "net/tcp6" },
		{ "proc_net_udp.txt", "net/udp" },       { "proc_net_udp6.txt", "net/udp6" },
		{ "proc_net_udplite.txt", "net/udplite" }, { "proc_net_udplite6.txt", "net/udplite6" },
		{ "proc_net_raw.txt", "net/raw" },       { "proc_net_raw6.txt", "net/raw6" },
	};
	static const uint32_t std_inodes[] = { 12345, 300, 200, 888, 889, 555 };
	char pid[16], rel[64], target[64], *text = NULL, p[PATH_MAX];
	size_t i, j, len = 0;
	FILE *f;

	build_std_tree(t);
	mk_dir(t, "net");
	for (i = 0; i < ARRAY_SIZE(inet); i++)
		put_fixture(t, inet[i][0], inet[i][1]);

	put_fixture(t, "proc_net_unix.txt", "net/unix");
	tree_path(t, "net/unix", p);
	f = fopen(p, "ae");
	assert_non_null(f);
	for (i = 0; i < ARRAY_SIZE(std_inodes); i++)
		add_unix_row(f, std_inodes[i]);
	for (i = 0; i < OWNER_PROCS; i++)
		for (j = 0; j < OWNER_FDS; j++)
			add_unix_row(f, OWNED_INODE(i, j));
	for (i = 0; i < EXTRA_UNIX; i++)
		add_unix_row(f, 900000u + (uint32_t)i);
	assert_int_equal(fclose(f), 0);

	/* Created in pid order, listed in whatever order the fs has. */
	for (i = 0; i < OWNER_PROCS; i++) {
		snprintf(pid, sizeof(pid), "%zu", 2000 + i);
		mk_dir(t, pid);
		snprintf(target, sizeof(target), "w%zu\n", i);
		mk_comm(t, pid, target);
		snprintf(rel, sizeof(rel), "%zu/fd", 2000 + i);
		mk_dir(t, rel);
		for (j = 0; j < OWNER_FDS; j++) {
			snprintf(rel, sizeof(rel), "%zu/fd/%zu", 2000 + i, 3 + j);
			snprintf(target, sizeof(target), "socket:[%u]", OWNED_INODE(i, j));
			mk_link(t, rel, target);
		}
	}

	tree_path(t, "self/ns/pid", p);
	assert_int_equal(unlink(p), 0);
	mk_link(t, "self/ns/pid", "pid:[4026532999]");
	mk_dir(t, "2");
	mk_file(t, "2/stat", "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0\n", 41);

	f = open_memstream(&text, &len);
	assert_non_null(f);
	for (i = 0; i < 400; i++)
		fprintf(f, "%zu 1 0:%zu / /mnt/m%zu rw,relatime - tmpfs tmpfs rw\n", 100 + i, 50 + i, i);
	assert_int_equal(fclose(f), 0);
	assert_true(len > 16384);
	mk_file(t, "self/mountinfo", text, len);
	free(text); /* open_memstream's buffer comes from libc's own malloc */
}

/* One tree for every test: they only read it.  On tmpfs if there is one:
 * 1200 symlinks on a journaled file system take most of a second. */
static int group_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->root, "/dev/shm/lsock-alloc-XXXXXX");
	if (!mkdtemp(t->root)) {
		strcpy(t->root, "/tmp/lsock-alloc-XXXXXX");
		if (!mkdtemp(t->root)) {
			free(t);
			return -1;
		}
	}
	if (chmod(t->root, 0755) < 0) {
		rmdir(t->root);
		free(t);
		return -1;
	}
	*state = t;
	build_tree(t);
	return 0;
}

static int group_teardown(void **state)
{
	return tree_teardown(state);
}

static int teardown(void **state)
{
	memset(&F, 0, sizeof(F));
	S.active = false;
	return 0;
}

/* ---- references and checks --------------------------------------------- */

/* A deep copy of a table, made with the real allocator. */
struct table_copy {
	struct sock_entry *entries;
	size_t len;
	uint8_t *strings;
	size_t strings_len;
};

static void table_copy(struct table_copy *c, const struct sock_table *t)
{
	c->len = t->len;
	c->strings_len = t->strings_len;
	c->entries = __real_malloc((t->len + 1) * sizeof(*t->entries));
	c->strings = __real_malloc(t->strings_len + 1);
	assert_non_null(c->entries);
	assert_non_null(c->strings);
	if (t->len)
		memcpy(c->entries, t->entries, t->len * sizeof(*t->entries));
	if (t->strings_len)
		memcpy(c->strings, t->strings, t->strings_len);
}

static void table_copy_free(struct table_copy *c)
{
	__real_free(c->entries);
	__real_free(c->strings);
}

/* t holds exactly the first n rows of ref, names included. */
static void assert_table_prefix(const struct sock_table *t, const struct table_copy *ref, size_t n)
{
	size_t i, strings_end = 0;

	assert_int_equal(t->len, n);
	assert_true(n <= ref->len);
	for (i = 0; i < n; i++) {
		const struct sock_entry *e = &t->entries[i];

		assert_memory_equal(e, &ref->entries[i], sizeof(*e));
		if (e->path_len) {
			assert_true((size_t)e->path_off + e->path_len <= t->strings_len);
			assert_memory_equal(t->strings + e->path_off, ref->strings + e->path_off,
					    e->path_len);
			strings_end = (size_t)e->path_off + e->path_len;
		}
	}
	/* nothing of a dropped row's name is left behind */
	assert_int_equal(t->strings_len, strings_end);
}

static bool is_errno(int e)
{
	return e <= 0 && e >= -4095;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* The slot each (proto, family) has in the full run. */
static size_t slot_index(const struct collect_report *ref, uint8_t proto, uint8_t family)
{
	size_t i;

	for (i = 0; i < ref->nslots; i++)
		if (ref->slots[i].proto == proto && ref->slots[i].family == family)
			return i;
	fail_msg("row of proto %u family %u has no slot in the full run", proto, family);
	return 0;
}

/*
 * The report of a run that failed with -ENOMEM, against the full run's.
 * Returns the number of rows of ref (after `base` rows that were there
 * before) that the failed run must have kept: those of the slots before
 * the failing one.
 */
static size_t assert_failed_report(const struct collect_report *r, const struct collect_report *ref,
				   const struct table_copy *ref_table, size_t base)
{
	const struct collect_slot *last;
	size_t i, keep = base;

	assert_true(r->nslots <= COLLECT_SLOTS_MAX);
	assert_true(r->nslots <= ref->nslots);
	assert_true(is_errno(r->transport_error));
	/* The transport opens before the first slot. */
	assert_true(r->transport_error == ref->transport_error ||
		    (r->transport_error == -ENOMEM && r->nslots == 0));
	for (i = 0; i < r->nslots; i++) {
		const struct collect_slot *s = &r->slots[i];
		uint8_t fams[2];
		size_t nf = proto_families((enum sock_proto)s->proto, fams);

		assert_true(s->proto < _SOCK_PROTO_MAX);
		assert_true(nf >= 1 && (s->family == fams[0] || (nf == 2 && s->family == fams[1])));
		assert_true(s->source < _SOCK_SOURCE_MAX);
		assert_true(is_errno(s->netlink_error));
		assert_true(is_errno(s->proc_error));
		assert_int_equal(s->proto, ref->slots[i].proto);
		assert_int_equal(s->family, ref->slots[i].family);
		if (i + 1 < r->nslots)
			assert_memory_equal(s, &ref->slots[i], sizeof(*s));
	}
	if (r->nslots) {
		/* The failing slot: not served, nothing counted, no error of
		 * its own; a sock_diag error that made it fall back may stay. */
		last = &r->slots[r->nslots - 1];
		assert_false(last->served);
		assert_int_equal(last->source, 0);
		assert_int_equal(last->proc_error, 0);
		assert_int_equal(last->proc_skipped, 0);
		assert_int_equal(last->proc_duplicates, 0);
		assert_int_equal(last->netlink_dropped, 0);
		if (last->netlink_error) {
			assert_int_equal(last->netlink_error, ref->slots[r->nslots - 1].netlink_error);
			assert_int_equal(last->noisy_fallback, ref->slots[r->nslots - 1].noisy_fallback);
		} else {
			assert_false(last->noisy_fallback);
		}
	}
	/* The slots never reached are as memset() left them, not as the
	 * caller's 0xAA. */
	assert_true(all_zero(&r->slots[r->nslots],
			     (COLLECT_SLOTS_MAX - r->nslots) * sizeof(r->slots[0])));
	for (i = base; i < ref_table->len; i++) {
		const struct sock_entry *e = &ref_table->entries[i];

		if (r->nslots && slot_index(ref, e->proto, e->family) < r->nslots - 1)
			keep++;
	}
	return keep;
}

/* ---- collect_run over /proc --------------------------------------------- */

static struct collect_spec proc_spec(const struct tree *t)
{
	return (struct collect_spec){ .protos = SOCK_PROTOS_ALL, .inet4 = true, .inet6 = true,
				      .states = SOCK_STATES_ALL, .source = SOURCE_PROC,
				      .proc_root = t->root };
}

/* Rows the caller had before collect_run, which it must keep. */
static void prefill(struct sock_table *t, size_t n)
{
	struct sock_entry e = { .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .type = SOCK_DGRAM,
				.flags = SOCK_F_HAS_PATH };
	char name[40];
	size_t i;

	for (i = 0; i < n; i++) {
		e.inode = 7000000u + (uint32_t)i;
		snprintf(name, sizeof(name), "/pre/%027zu", i); /* 32 bytes */
		assert_int_equal(sock_table_add(t, &e, name, strlen(name)), 0);
	}
}

/* One collect_run with the Nth allocation failing (0: none); returns
 * collect_run's result.  t and *rep are for the caller to check and free. */
typedef void (*script_fn)(void);

static int run_collect(const struct collect_spec *spec, long fail_at, size_t npre,
		       script_fn script, struct sock_table *t, struct collect_report *rep)
{
	int r;

	alloc_reset(fail_at);
	sock_table_init(t);
	prefill(t, npre);
	if (script)
		script();
	memset(rep, 0xAA, sizeof(*rep));
	F.armed = true;
	r = collect_run(spec, t, rep);
	F.armed = false;
	return r;
}

/* The whole loop: a full run for reference, then every allocation failed
 * in turn.  Returns the number of allocations the full run makes. */
static long collect_every_failure(const struct collect_spec *spec, size_t npre, script_fn script)
{
	struct collect_report ref, rep;
	struct table_copy ref_table;
	struct sock_table t;
	long n, total;
	int r;

	r = run_collect(spec, 0, npre, script, &t, &ref);
	assert_int_equal(r, 0);
	assert_false(F.fired);
	total = F.calls;
	table_copy(&ref_table, &t);
	sock_table_free(&t);
	assert_int_equal(F.live, 0);

	for (n = 1;; n++) {
		r = run_collect(spec, n, npre, script, &t, &rep);
		if (!F.fired) {
			/* needs fewer allocations than n: the full run again */
			assert_int_equal(n, total + 1);
			assert_int_equal(r, 0);
			assert_memory_equal(&rep, &ref, sizeof(rep));
			assert_table_prefix(&t, &ref_table, ref_table.len);
			sock_table_free(&t);
			assert_int_equal(F.live, 0);
			break;
		}
		if (r != -ENOMEM)
			fail_msg("allocation %ld of %ld failed, collect_run returned %d", n, total, r);
		assert_table_prefix(&t, &ref_table, assert_failed_report(&rep, &ref, &ref_table, npre));
		sock_table_free(&t);
		if (F.live != 0)
			fail_msg("allocation %ld failed: %ld block(s) leaked", n, F.live);
	}
	table_copy_free(&ref_table);
	return total;
}

static void test_collect_proc(void **state)
{
	const struct tree *t = *state;
	struct collect_spec spec = proc_spec(t);
	struct collect_report ref;
	struct sock_table tab;
	long total;

	/* The full run is what it should be, or the loop proves little. */
	assert_int_equal(run_collect(&spec, 0, 0, NULL, &tab, &ref), 0);
	assert_int_equal(ref.nslots, 11); /* 5 inet protocols x 2 families + unix */
	assert_false(collect_slot_of(&ref, SOCK_PROTO_ICMP, AF_INET)->served);
	assert_true(collect_slot_of(&ref, SOCK_PROTO_UNIX, AF_UNIX)->served);
	assert_true(collect_slot_of(&ref, SOCK_PROTO_TCP, AF_INET6)->served);
	assert_true(tab.len > 1100 + 6 + EXTRA_UNIX);
	sock_table_free(&tab);

	total = collect_every_failure(&spec, 0, NULL);
	/* an iobuf and an inode set per file, and growth of the table, the
	 * name arena and the inode set */
	assert_true(total >= 9 * 2 + 6);
	print_message("collect_run (proc): %ld allocations, each failed once\n", total);
	/* again after rows the caller had, which must stay as they were */
	total = collect_every_failure(&spec, 10, NULL);
	print_message("collect_run (proc, 10 rows before): %ld allocations, each failed once\n",
		      total);
}

/* ---- collect_run over sock_diag ----------------------------------------- */

static void put_inet(struct step *st, uint8_t family, uint32_t inode, uint16_t sport)
{
	struct inet_diag_msg m = { .idiag_family = family, .idiag_state = SOCK_STATE_ESTABLISHED,
				   .idiag_inode = inode, .idiag_uid = 1000 };

	m.id.idiag_sport = htons(sport);
	m.id.idiag_dport = htons(443);
	m.id.idiag_src[0] = htonl(0x7f000001);
	m.id.idiag_dst[0] = htonl(0x7f000001);
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, &m, sizeof(m));
}

static void put_unix(struct step *st, uint32_t ino, const char *name, uint16_t extra_flags)
{
	uint8_t p[256] __attribute__((aligned(4)));
	size_t name_len = strlen(name), plen;
	struct unix_diag_msg m = { .udiag_family = AF_UNIX, .udiag_type = SOCK_STREAM,
				   .udiag_state = SOCK_STATE_LISTEN, .udiag_ino = ino };
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + name_len),
			    .nla_type = UNIX_DIAG_NAME };

	memcpy(p, &m, sizeof(m));
	memcpy(p + sizeof(m), &a, sizeof(a));
	memcpy(p + sizeof(m) + sizeof(a), name, name_len);
	plen = sizeof(m) + NLA_ALIGN(sizeof(a) + name_len);
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI | extra_flags, 0, 0, p, plen);
}

/*
 * The kernel for tcp, udp and unix in both families, in collection order:
 *  tcp, both families at once (the tcp_diag request): refused (-EINVAL);
 *  tcp:  20 sockets;
 *  tcp6: the receive fails (ENOBUFS): a noisy fall back to /proc/net/tcp6;
 *  udp:  DONE(-ENOENT), no udp_diag: a quiet fall back to /proc/net/udp;
 *  udp6: 20 sockets;
 *  unix: an interrupted dump (NLM_F_DUMP_INTR), then 30 named sockets.
 */
static void diag_script(void)
{
	struct step *st;
	char name[32];
	uint32_t i;

	script_start();
	put_done(step_new(), -EINVAL, 0);
	st = step_new();
	for (i = 0; i < 20; i++)
		put_inet(st, AF_INET, 500 + i, (uint16_t)(30000 + i));
	put_done(st, 0, 0);
	step_errno(ENOBUFS);
	put_done(step_new(), -ENOENT, 0);
	st = step_new();
	for (i = 0; i < 20; i++)
		put_inet(st, AF_INET6, 600 + i, (uint16_t)(31000 + i));
	put_done(st, 0, 0);
	st = step_new();
	put_unix(st, 700, "/run/partial", NLM_F_DUMP_INTR);
	put_done(st, 0, 0);
	st = step_new();
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "/run/diag%04u.sock", i);
		put_unix(st, 700 + i, name, 0);
	}
	put_done(st, 0, 0);
	assert_true(st->len <= sizeof(st->data));
}

static void test_collect_diag(void **state)
{
	const struct tree *t = *state;
	struct collect_spec spec = proc_spec(t);
	struct collect_report ref;
	struct sock_table tab;
	long total;

	spec.source = SOURCE_AUTO;
	spec.protos = SOCK_PROTO_BIT(SOCK_PROTO_TCP) | SOCK_PROTO_BIT(SOCK_PROTO_UDP) |
		      SOCK_PROTO_BIT(SOCK_PROTO_UNIX);
	/* 250 rows and 8000 bytes of names before: the first dump grows the
	 * table (256 rows) and the unix dump the name arena (8192 bytes). */
	assert_int_equal(run_collect(&spec, 0, 250, diag_script, &tab, &ref), 0);
	assert_int_equal(ref.nslots, 5);
	assert_int_equal(ref.slots[0].source, SOCK_SOURCE_NETLINK);
	assert_int_equal(ref.slots[1].source, SOCK_SOURCE_PROC);
	assert_int_equal(ref.slots[1].netlink_error, -ENOBUFS);
	assert_true(ref.slots[1].noisy_fallback);
	assert_int_equal(ref.slots[2].source, SOCK_SOURCE_PROC);
	assert_int_equal(ref.slots[2].netlink_error, -ENOENT);
	assert_false(ref.slots[2].noisy_fallback);
	assert_int_equal(ref.slots[3].source, SOCK_SOURCE_NETLINK);
	assert_int_equal(ref.slots[4].source, SOCK_SOURCE_NETLINK);
	assert_true(S.pos == S.n); /* every scripted step was used */
	assert_int_equal(tab.len, 250 + 20 + 7 + 2 + 20 + 30);
	sock_table_free(&tab);

	total = collect_every_failure(&spec, 250, diag_script);
	/* the transport (2), growth of the table and the arena, two /proc files */
	assert_true(total >= 2 + 2 + 2 * 2);
	print_message("collect_run (sock_diag): %ld allocations, each failed once\n", total);
}

/* TCP of both families in one dump, the families mixed as the kernel walks
 * its hashes: the table holds tcp, then tcp6, whatever allocation fails. */
static void tcp_both_script(void)
{
	struct step *st;
	uint32_t i;

	script_start();
	st = step_new();
	for (i = 0; i < 12; i++)
		put_inet(st, i % 3 ? AF_INET : AF_INET6, 800 + i, (uint16_t)(32000 + i));
	put_done(st, 0, 0);
}

static void test_collect_tcp_both(void **state)
{
	const struct tree *t = *state;
	struct collect_spec spec = proc_spec(t);
	struct collect_report ref;
	struct sock_table tab;
	long total;
	size_t i;

	spec.source = SOURCE_AUTO;
	spec.protos = SOCK_PROTO_BIT(SOCK_PROTO_TCP);
	assert_int_equal(run_collect(&spec, 0, 250, tcp_both_script, &tab, &ref), 0);
	assert_int_equal(ref.nslots, 2);
	assert_int_equal(ref.slots[0].source, SOCK_SOURCE_NETLINK);
	assert_int_equal(ref.slots[1].source, SOCK_SOURCE_NETLINK);
	assert_int_equal(ref.slots[1].family, AF_INET6);
	assert_true(S.pos == S.n);
	assert_int_equal(tab.len, 250 + 12);
	for (i = 0; i < 12; i++)
		assert_int_equal(tab.entries[250 + i].family, i < 8 ? AF_INET : AF_INET6);
	assert_int_equal(tab.entries[250].inode, 801);
	assert_int_equal(tab.entries[258].inode, 800);
	sock_table_free(&tab);

	total = collect_every_failure(&spec, 250, tcp_both_script);
	/* the transport (2), growth of the table, the partition */
	assert_true(total >= 2 + 1 + 1);
	print_message("collect_run (tcp, both families): %ld allocations, each failed once\n",
		      total);
}

/* ---- snapshot_take ------------------------------------------------------ */

/* Drops every 50th inode, so the owner walk records only part of the tree
 * (yet more owners than the first 1024 of the array). */
static void prune_some(struct sock_table *t, void *data)
{
	size_t i, j = 0;

	(void)data;
	for (i = 0; i < t->len; i++)
		if (t->entries[i].inode % 50 != 0)
			t->entries[j++] = t->entries[i];
	t->len = j;
}

struct map_copy {
	struct owner *owners;
	size_t len;
	struct owner_proc *procs;
	size_t nprocs;
	unsigned n_denied;
	bool hidepid, privileged, foreign_pidns;
};

static void map_copy(struct map_copy *c, const struct owner_map *m)
{
	memset(c, 0, sizeof(*c));
	c->len = m->len;
	c->nprocs = m->nprocs;
	c->owners = __real_malloc((m->len + 1) * sizeof(*m->owners));
	c->procs = __real_malloc((m->nprocs + 1) * sizeof(*m->procs));
	assert_non_null(c->owners);
	assert_non_null(c->procs);
	if (m->len)
		memcpy(c->owners, m->owners, m->len * sizeof(*m->owners));
	if (m->nprocs)
		memcpy(c->procs, m->procs, m->nprocs * sizeof(*m->procs));
	c->n_denied = m->n_denied;
	c->hidepid = m->hidepid;
	c->privileged = m->privileged;
	c->foreign_pidns = m->foreign_pidns;
}

static void assert_map_equal(const struct owner_map *m, const struct map_copy *c)
{
	size_t i;

	assert_int_equal(m->len, c->len);
	assert_int_equal(m->nprocs, c->nprocs);
	if (m->len)
		assert_memory_equal(m->owners, c->owners, m->len * sizeof(*m->owners));
	for (i = 0; i < m->nprocs; i++) {
		assert_int_equal(m->procs[i].pid, c->procs[i].pid);
		assert_int_equal(m->procs[i].comm_len, c->procs[i].comm_len);
		assert_memory_equal(m->procs[i].comm, c->procs[i].comm, m->procs[i].comm_len);
	}
	assert_int_equal(m->n_denied, c->n_denied);
	assert_int_equal(m->hidepid, c->hidepid);
	assert_int_equal(m->privileged, c->privileged);
	assert_int_equal(m->foreign_pidns, c->foreign_pidns);
}

static int run_snapshot(const struct snapshot_request *req, long fail_at, struct snapshot *snap)
{
	int r;

	alloc_reset(fail_at);
	memset(snap, 0xAA, sizeof(*snap));
	F.armed = true;
	r = snapshot_take(req, snap);
	F.armed = false;
	return r;
}

static void test_snapshot(void **state)
{
	const struct tree *t = *state;
	struct snapshot_request req = { .collect = proc_spec(t), .owners = true,
					.prune = prune_some };
	struct collect_report unpruned_rep;
	struct table_copy unpruned, pruned;
	struct map_copy owners;
	struct collect_report ref_rep;
	struct sock_table tab;
	struct snapshot snap;
	long n, total;
	size_t owner_failures = 0, collect_failures = 0;
	int r;

	/* One walker: the wrapper counts allocations in call order, which
	 * several walker threads would make vary from run to run (the
	 * parallel walk's results are checked in test_owner_parallel.c). */
	assert_int_equal(setenv("LSOCK_WALK_THREADS", "1", 1), 0);
	/* What collection alone gives, before the prune. */
	assert_int_equal(run_collect(&req.collect, 0, 0, NULL, &tab, &unpruned_rep), 0);
	table_copy(&unpruned, &tab);
	sock_table_free(&tab);

	assert_int_equal(run_snapshot(&req, 0, &snap), 0);
	total = F.calls;
	assert_true(snap.owners_walked);
	assert_int_equal(snap.owners_error, 0);
	assert_memory_equal(&snap.report, &unpruned_rep, sizeof(unpruned_rep));
	/* the tree's processes are there, pruned rows' holders are not */
	assert_true(snap.owners.nprocs > OWNER_PROCS);
	assert_true(snap.owners.len > 1024);
	assert_true(snap.owners.len < OWNER_PROCS * OWNER_FDS);
	assert_false(snap.owners.foreign_pidns); /* 2 is a kernel thread */
	assert_sorted(&snap.owners);
	ref_rep = snap.report;
	table_copy(&pruned, &snap.table);
	map_copy(&owners, &snap.owners);
	snapshot_free(&snap);
	assert_int_equal(F.live, 0);

	for (n = 1;; n++) {
		r = run_snapshot(&req, n, &snap);
		if (!F.fired) {
			assert_int_equal(n, total + 1);
			assert_int_equal(r, 0);
			assert_memory_equal(&snap.report, &ref_rep, sizeof(ref_rep));
			assert_table_prefix(&snap.table, &pruned, pruned.len);
			assert_map_equal(&snap.owners, &owners);
			snapshot_free(&snap);
			assert_int_equal(F.live, 0);
			break;
		}
		if (r != -ENOMEM)
			fail_msg("allocation %ld of %ld failed, snapshot_take returned %d", n, total, r);
		assert_false(snap.owners_walked);
		/* the map is empty whichever part failed */
		assert_int_equal(snap.owners.len, 0);
		assert_int_equal(snap.owners.nprocs, 0);
		assert_null(snap.owners.owners);
		assert_null(snap.owners.procs);
		if (snap.owners_error) {
			/* collection and the prune are done: only the walk failed */
			assert_int_equal(snap.owners_error, -ENOMEM);
			assert_memory_equal(&snap.report, &ref_rep, sizeof(ref_rep));
			assert_table_prefix(&snap.table, &pruned, pruned.len);
			owner_failures++;
		} else {
			/* collection failed: no prune ran, whole slots kept */
			assert_table_prefix(&snap.table, &unpruned,
					    assert_failed_report(&snap.report, &unpruned_rep,
								 &unpruned, 0));
			collect_failures++;
		}
		snapshot_free(&snap);
		/* snapshot_free() leaves a snapshot that can be freed again */
		snapshot_free(&snap);
		if (F.live != 0)
			fail_msg("allocation %ld failed: %ld block(s) leaked", n, F.live);
	}
	/* want set, dents buffers, owners and procs growth, the pid sort,
	 * mountinfo and 2/stat reads */
	assert_true(owner_failures >= 8);
	assert_true(collect_failures >= 9 * 2);
	print_message("snapshot_take: %ld allocations (%zu in collection, %zu in the owner walk), "
		      "each failed once\n", total, collect_failures, owner_failures);
	table_copy_free(&unpruned);
	table_copy_free(&pruned);
	__real_free(owners.owners);
	__real_free(owners.procs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_collect_proc, teardown),
		cmocka_unit_test_teardown(test_collect_diag, teardown),
		cmocka_unit_test_teardown(test_collect_tcp_both, teardown),
		cmocka_unit_test_teardown(test_snapshot, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
