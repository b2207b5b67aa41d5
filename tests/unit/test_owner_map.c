/* SPDX-License-Identifier: MIT */
/* The map's verdicts: hidepid from mountinfo, completeness, PID namespaces. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "lsock/owner_spans.h"
#include "test_owner_tree.h"

/* ---- pure functions --------------------------------------------------------- */

#define MI_PROC(opts, super) "22 1 0:21 / /proc " opts " shared:12 - proc proc " super "\n"
#define MI_ROOT "1 0 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"

static void test_mountinfo(void **state)
{
	const char *p = "/proc";

	assert_false(owner_mountinfo_hides_pids("", p));
	assert_false(owner_mountinfo_hides_pids(MI_ROOT, p));
	assert_false(owner_mountinfo_hides_pids(MI_ROOT MI_PROC("rw,nosuid", "rw"), p));
	assert_true(owner_mountinfo_hides_pids(MI_ROOT MI_PROC("rw", "rw,hidepid=2"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=1"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=invisible"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=noaccess"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=ptraceable"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,gid=5,hidepid=4,x"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,subset=pid"), p));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=0"), p));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=off"), p));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid="), p));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,xhidepid=2"), p));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,subset=pidx"), p));
	/* Without a trailing newline, and with no optional fields at all. */
	assert_true(owner_mountinfo_hides_pids("22 1 0:21 / /proc rw - proc proc rw,hidepid=2", p));
	/* Several optional fields before the separator. */
	assert_true(owner_mountinfo_hides_pids(
		"22 1 0:21 / /proc rw shared:3 master:7 unbindable - proc none hidepid=2\n", p));
	/* Other mount points and other file systems do not count. */
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=2"), "/proc/sys"));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=2"), "/pro"));
	assert_false(owner_mountinfo_hides_pids(
		"30 1 0:40 / /mnt/proc rw - proc proc rw,hidepid=2\n", p));
	assert_false(owner_mountinfo_hides_pids(
		"30 1 0:40 / /proc rw - tmpfs tmpfs rw,hidepid=2\n", p));
	/* Malformed lines: no separator, or cut short. */
	assert_false(owner_mountinfo_hides_pids("22 1 0:21 / /proc rw proc proc hidepid=2\n", p));
	assert_false(owner_mountinfo_hides_pids("22 1 0:21 / /proc rw - proc\n", p));
	assert_false(owner_mountinfo_hides_pids("22 1 0:21 /\n", p));
	/* Stacked mounts: the later (upper) one decides, either way. */
	assert_false(owner_mountinfo_hides_pids(
		MI_PROC("rw", "rw,hidepid=2") MI_ROOT MI_PROC("rw", "rw"), p));
	assert_true(owner_mountinfo_hides_pids(
		MI_PROC("rw", "rw") MI_PROC("rw", "rw,hidepid=invisible"), p));
	/* Mount options are honoured too (a bind mount may show them there). */
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw,hidepid=2", "rw"), p));
	/* The kernel octal-escapes space, tab, newline and backslash. */
	assert_true(owner_mountinfo_hides_pids(
		"30 1 0:40 / /my\\040pr\\134oc\\012 rw - proc proc rw,hidepid=2\n",
		"/my pr\\oc\n"));
	assert_false(owner_mountinfo_hides_pids(
		"30 1 0:40 / /my\\040proc rw - proc proc rw,hidepid=2\n", "/my\\040proc"));
	assert_false(owner_mountinfo_hides_pids(
		"30 1 0:40 / /my\\04 rw - proc proc rw,hidepid=2\n", "/my "));
}

static void test_complete(void **state)
{
	struct owner_map m;

	memset(&m, 0, sizeof(m));
	/* unprivileged: never complete, hidepid or not (pids may vanish silently) */
	assert_false(owner_map_complete(&m));
	m.hidepid = true;
	assert_false(owner_map_complete(&m));
	/* privileged: complete unless something was denied */
	m.privileged = true;
	assert_true(owner_map_complete(&m));
	m.hidepid = false;
	assert_true(owner_map_complete(&m));
	m.n_denied = 1;
	assert_false(owner_map_complete(&m));
	/* a PID namespace other than the initial one hides the rest of the system */
	m.n_denied = 0;
	m.foreign_pidns = true;
	assert_false(owner_map_complete(&m));
}

/* ---- PID namespace probes: pure parsers ------------------------------------ */

#define S(lit) lit, sizeof(lit) - 1

static void test_pidns_link(void **state)
{
	assert_true(owner_pidns_link_is_initial(S("pid:[4026531836]")));
	assert_false(owner_pidns_link_is_initial(S("pid:[4026532179]")));
	assert_false(owner_pidns_link_is_initial(S("net:[4026531836]")));
	assert_false(owner_pidns_link_is_initial(S("pid:[04026531836]")));
	assert_false(owner_pidns_link_is_initial(S("pid:[4026531836")));
	assert_false(owner_pidns_link_is_initial(S("pid:4026531836]")));
	assert_false(owner_pidns_link_is_initial(S("pid:[4026531836] ")));
	assert_false(owner_pidns_link_is_initial(S("pid:[ 4026531836]")));
	assert_false(owner_pidns_link_is_initial(S("pid:[]")));
	assert_false(owner_pidns_link_is_initial(S("pid:[")));
	assert_false(owner_pidns_link_is_initial(S("")));
	/* 0xEFFFFFFC plus 2^32: the inode is compared whole, not truncated */
	assert_false(owner_pidns_link_is_initial(S("pid:[8321499132]")));
}

#define STATUS_HEAD "Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t7\nNgid:\t0\n" \
	"Pid:\t7\nPPid:\t1\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\n" \
	"Groups:\t4 24 27\nNStgid:\t7\n"

static void test_nspid(void **state)
{
	/* As 6.18 prints it: one entry per PID namespace from the procfs's down. */
	assert_int_equal(owner_status_nspid_count(S(STATUS_HEAD "NSpid:\t7\nNSpgid:\t7\n")), 1);
	assert_int_equal(owner_status_nspid_count(S(STATUS_HEAD "NSpid:\t19435\t2\n")), 2);
	assert_int_equal(owner_status_nspid_count(S("NSpid:\t4\t2\t1")), 3);
	assert_int_equal(owner_status_nspid_count(S("NSpid:\t4\t2\t\n")), 2);
	/* Missing (kernels before 4.1), empty or malformed: 0, "unknown". */
	assert_int_equal(owner_status_nspid_count(S(STATUS_HEAD)), 0);
	assert_int_equal(owner_status_nspid_count(S("")), 0);
	assert_int_equal(owner_status_nspid_count(S("NSpid:\n")), 0);
	assert_int_equal(owner_status_nspid_count(S("NSpid:7\n")), 0);
	assert_int_equal(owner_status_nspid_count(S("NSpid:\t7x\n")), 0);
	assert_int_equal(owner_status_nspid_count(S("NSpid:\t0\n")), 0);
	assert_int_equal(owner_status_nspid_count(S("NSpid:\t-7\n")), 0);
	assert_int_equal(owner_status_nspid_count(S("NSpid:\t99999999999\n")), 0);
	/* Only a line that starts with the key counts. */
	assert_int_equal(owner_status_nspid_count(S("XNSpid:\t7\t8\nNSpid:\t7\n")), 1);
	assert_int_equal(owner_status_nspid_count(S("Name:\tNSpid:\t1\t2\n")), 0);
	/* A NUL-free cut: the length is honoured, not the terminator. */
	assert_int_equal(owner_status_nspid_count("NSpid:\t7\t8\n", 8), 1);
}

static void test_kthread_stat(void **state)
{
	/* kthreadd on 6.18: flags 0x208040; a user process: 0x400000. */
	assert_true(owner_stat_is_kthread(S("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0\n")));
	assert_false(owner_stat_is_kthread(S("7 (bash) S 1 7 7 34816 7 4194560 900 0 0\n")));
	/* comm with ') ' and digits cannot shift the fields. */
	assert_false(owner_stat_is_kthread(S("7 (x) S 0 0 0 0 -1 2129984) S 1 7 7 0 7 0 1\n")));
	assert_true(owner_stat_is_kthread(S("2 (a) b) S 0 0 0 0 -1 2097152")));
	/* Truncated, malformed, or no ')' at all. */
	assert_false(owner_stat_is_kthread(S("2 (kthreadd) S 0 0 0 0 -1")));
	assert_false(owner_stat_is_kthread(S("2 (kthreadd) S 0 0 0 0 -1 ")));
	assert_false(owner_stat_is_kthread(S("2 (kthreadd) S 0 0 0 0 -1 0x200000")));
	assert_false(owner_stat_is_kthread(S("2 (kthreadd)  S 0 0 0 0 -1 2129984")));
	assert_false(owner_stat_is_kthread(S("2 kthreadd S 0 0 0 0 -1 2129984")));
	assert_false(owner_stat_is_kthread(S("")));
}

/* ---- PID namespace probes: fake trees and live ------------------------------ */

/* A tree with one owner, pid 5, and the given pidns clues (NULL: none). */
static void build_ns_tree(const struct tree *t, const char *self_ns, const char *kthreadd_stat)
{
	mk_dir(t, "5");
	mk_comm(t, "5", "five\n");
	mk_dir(t, "5/fd");
	mk_link(t, "5/fd/3", "socket:[500]");
	mk_dir(t, "self");
	if (self_ns) {
		mk_dir(t, "self/ns");
		mk_link(t, "self/ns/pid", self_ns);
	}
	if (kthreadd_stat) {
		mk_dir(t, "2");
		mk_file(t, "2/stat", kthreadd_stat, strlen(kthreadd_stat));
	}
}

static bool tree_foreign(const struct tree *t)
{
	struct owner_map m;
	bool foreign;

	assert_int_equal(owner_map_build(t->root, NULL, NULL, &m), 0);
	assert_int_equal(m.len, 1); /* the walk itself is the same either way */
	foreign = m.foreign_pidns;
	if (foreign)
		assert_false(owner_map_complete(&m));
	else
		assert_int_equal(owner_map_complete(&m), m.privileged);
	owner_map_free(&m);
	return foreign;
}

#define KTHREADD_STAT "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 4\n"
#define USER2_STAT "2 (sh) S 1 2 2 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 4\n"

static void test_pidns_initial(void **state)
{
	build_ns_tree(*state, "pid:[4026531836]", NULL);
	assert_false(tree_foreign(*state));
}

static void test_pidns_nested(void **state)
{
	/* `unshare -pf --mount-proc`: our own namespace, pid 2 a user process */
	build_ns_tree(*state, "pid:[4026532179]", USER2_STAT);
	assert_true(tree_foreign(*state));
}

static void test_pidns_nested_parent_proc(void **state)
{
	/* `unshare -pf` without --mount-proc: the initial namespace's procfs,
	 * which shows kthreadd, so nothing is hidden. */
	build_ns_tree(*state, "pid:[4026532179]", KTHREADD_STAT);
	assert_false(tree_foreign(*state));
}

static void test_pidns_unknown(void **state)
{
	/* No /proc/self/ns/pid (the procfs is not for our namespace) and no
	 * kthreadd: nothing vouches for it. */
	build_ns_tree(*state, NULL, NULL);
	assert_true(tree_foreign(*state));
}

static void test_pidns_override(void **state)
{
	build_ns_tree(*state, "pid:[4026532179]", NULL);
	assert_int_equal(setenv("LSOCK_TEST_ASSUME_INITIAL_PIDNS", "1", 1), 0);
	assert_false(tree_foreign(*state));
	/* Only "1" counts. */
	assert_int_equal(setenv("LSOCK_TEST_ASSUME_INITIAL_PIDNS", "yes", 1), 0);
	assert_true(tree_foreign(*state));
	assert_int_equal(setenv("LSOCK_TEST_ASSUME_INITIAL_PIDNS", "", 1), 0);
	assert_true(tree_foreign(*state));
	assert_int_equal(unsetenv("LSOCK_TEST_ASSUME_INITIAL_PIDNS"), 0);
	assert_true(tree_foreign(*state));
}

/* Even when an assertion above fails, the next tests see no override. */
static int override_teardown(void **state)
{
	unsetenv("LSOCK_TEST_ASSUME_INITIAL_PIDNS");
	return tree_teardown(state);
}

static bool want_nothing(uint32_t inode, void *data)
{
	return false;
}

/* Bits of the exit status: what the probe got wrong in the child namespace. */
static int nested_probe(const char *own_proc, bool parent_initial)
{
	struct owner_map m;
	int bad = 0;

	/* The parent's procfs instance, still mounted at /proc in our copy of
	 * the mount namespace: it shows the initial namespace (kthreadd). */
	if (owner_map_build("/proc", want_nothing, NULL, &m) != 0)
		return 1;
	if (m.foreign_pidns == parent_initial)
		bad |= 2;
	owner_map_free(&m);
	/* A procfs of our own, new namespace. */
	if (owner_map_build(own_proc, want_nothing, NULL, &m) != 0)
		return 4;
	if (!m.foreign_pidns || owner_map_complete(&m))
		bad |= 8;
	owner_map_free(&m);
	return bad;
}

static void test_pidns_live(void **state)
{
	char link[64], dir[] = "/tmp/lsock-pidns-XXXXXX";
	bool parent_initial;
	struct owner_map m;
	int status;
	ssize_t n;
	pid_t pid;

	n = readlink("/proc/self/ns/pid", link, sizeof(link) - 1);
	assert_true(n > 0);
	link[n] = '\0';
	parent_initial = strcmp(link, "pid:[4026531836]") == 0;
	assert_int_equal(owner_map_build("/proc", want_nothing, NULL, &m), 0);
	assert_int_equal(m.foreign_pidns, !parent_initial);
	owner_map_free(&m);

	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pid_t inner;

		if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(100);
		inner = fork();
		if (inner < 0)
			_exit(101);
		if (inner == 0) {
			if (mount("proc", dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
				_exit(102);
			_exit(nested_probe(dir, parent_initial));
		}
		if (waitpid(inner, &status, 0) != inner || !WIFEXITED(status))
			_exit(103);
		_exit(WEXITSTATUS(status));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rmdir(dir);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 100)
		skip(); /* no namespaces here (a container without CAP_SYS_ADMIN) */
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* owner_map_find() in a map of n owners against a linear scan. */
static void check_find(const struct owner_map *m, unsigned sp)
{
	uint32_t probe;

	for (probe = 0; probe < 12000; probe++) {
		uint32_t inode = probe < 11000 ? m->owners[0].inode - 3 + probe
			       : probe == 11000 ? UINT32_MAX
			       : probe == 11001 ? UINT32_MAX - 1
			       : m->owners[(probe * 7919u) % m->len].inode;
		const struct owner *first = NULL;
		size_t lo = 0, n = 0, got;

		if (sp == 1 && probe > 6000 && probe < 11000)
			inode = 3000000000u + probe - 2000;
		while (lo < m->len && m->owners[lo].inode < inode)
			lo++;
		while (lo + n < m->len && m->owners[lo + n].inode == inode)
			n++;
		got = owner_map_find(m, inode, &first);
		assert_int_equal(got, inode ? n : 0);
		if (got)
			assert_ptr_equal(first, &m->owners[lo]);
	}
}

/* owner_map_spans() answers for every row's inode and peer inode what
 * owner_map_find() does: rows in no order, inodes held, not held, 0,
 * repeated and past both ends. */
static void check_spans(const struct owner_map *m)
{
	struct sock_table t = { 0 };
	struct owner_span *spans;
	size_t i;

	t.len = 3000;
	t.entries = calloc(t.len, sizeof(*t.entries));
	assert_non_null(t.entries);
	for (i = 0; i < t.len; i++) {
		t.entries[i].inode = i % 97 == 0 ? 0 : i % 5 == 0 ? m->owners[(i * 7919u) % m->len].inode
				   : m->owners[0].inode - 5 + (uint32_t)((i * 2654435761u) % 20000);
		t.entries[i].peer_inode = i % 3 ? t.entries[(i * 31) % t.len].inode + 1
					: i % 2 ? UINT32_MAX : 0;
	}
	assert_int_equal(owner_map_spans(m, &t, &spans), 0);
	assert_non_null(spans);
	for (i = 0; i < 2 * t.len; i++) {
		const struct sock_entry *e = &t.entries[i / 2];
		const struct owner *first = NULL;
		size_t n = owner_map_find(m, i % 2 ? e->peer_inode : e->inode, &first);

		assert_int_equal(spans[i].n, n);
		if (n) {
			size_t k;
			bool one = true;

			assert_ptr_equal(&m->owners[spans[i].lo], first);
			for (k = 1; k < n; k++)
				one = one && first[k].proc == first[0].proc;
			assert_int_equal(spans[i].one_proc, one);
			assert_int_equal(spans[i].proc, first[0].proc);
		}
	}
	free(spans);
	free(t.entries);
}

/* owner_map_find() against a linear scan, bisecting a plain array and
 * through the bucket index of a sorted map, over inode spreads that the
 * index likes (even), does not (two clusters far apart, runs of repeats,
 * one huge outlier) and the edges (first, last, 0, UINT32_MAX). */
static void test_find_spreads(void **state)
{
	static const unsigned spreads = 4;
	struct owner_proc procs[3] = { { .pid = 1 }, { .pid = 2 }, { .pid = 3 } };
	struct owner_map m = { .procs = procs, .nprocs = 3 }, empty = { 0 }, sorted;
	unsigned sp;
	size_t i;

	(void)state;
	m.len = 5000;
	m.owners = calloc(m.len, sizeof(*m.owners));
	assert_non_null(m.owners);
	for (sp = 0; sp < spreads; sp++) {
		for (i = 0; i < m.len; i++) {
			uint32_t v = sp == 0   ? 1000 + 3 * (uint32_t)i
				     : sp == 1 ? (i < 4000 ? 10 + (uint32_t)i : 3000000000u + (uint32_t)i)
				     : sp == 2 ? 50 + (uint32_t)(i / 7) * 2
						: (i + 1 < m.len ? 5 + (uint32_t)i : UINT32_MAX - 1);
			/* Spread 2's runs of 7 holders: in one process, or in
			 * three, every other run (the spans' one_proc). */
			uint32_t proc = sp == 2 && (i / 7) % 2 ? (uint32_t)(i % 3) : 0;

			m.owners[i] = (struct owner){ .inode = v, .fd = (int32_t)i, .proc = proc };
		}
		check_find(&m, sp);
		assert_int_equal(owner_map_merge(&m, &empty, NULL, NULL, &sorted), 0);
		assert_int_equal(sorted.len, m.len);
		assert_non_null(sorted.index);
		check_find(&sorted, sp);
		check_spans(&sorted);
		owner_map_free(&sorted);
	}
	free(m.owners);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_spreads),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_pidns_link),
		cmocka_unit_test(test_nspid),
		cmocka_unit_test(test_kthread_stat),
		cmocka_unit_test_setup_teardown(test_pidns_initial, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_pidns_nested, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_pidns_nested_parent_proc, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_pidns_unknown, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_pidns_override, tree_setup, override_teardown),
		cmocka_unit_test(test_pidns_live),
	};

	/* The verdicts below must not depend on the caller's environment. */
	unsetenv("LSOCK_TEST_ASSUME_INITIAL_PIDNS");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
