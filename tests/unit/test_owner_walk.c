/* SPDX-License-Identifier: MIT */
/* The /proc walk over leader fd tables: fake trees, denial, hidepid, live /proc. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "test_owner_tree.h"

/* ---- fake-tree tests ----------------------------------------------------- */

static void test_std_tree(void **state)
{
	const struct tree *t = *state;
	static const struct holder h12345[] = { { 1, 3 }, { 42, 2 }, { 42, 7 }, { 1000, 3 } };
	static const struct holder h200[] = { { 1, 5 } }, h300[] = { { 42, 10 } };
	static const struct holder hmax[] = { { 1, 6 } };
	static const int32_t pids[] = { 1, 42, 88, 89, 1000 };
	const struct owner_proc *p;
	struct owner_map m;
	size_t i;

	build_std_tree(t);
	assert_int_equal(owner_map_build(t->root, NULL, NULL, &m), 0);
	assert_sorted(&m);
	assert_int_equal(m.len, 9);
	assert_int_equal(m.nprocs, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(m.procs[i].pid, pids[i]);
	assert_int_equal(m.n_denied, 0);
	assert_false(m.hidepid);

	assert_holders(&m, 12345, h12345, 4);
	assert_holders(&m, 200, h200, 1);
	assert_holders(&m, 300, h300, 1);
	assert_holders(&m, 4294967295u, hmax, 1);
	/* Absent: below, between and above the recorded inodes, and 0. */
	assert_holders(&m, 1, NULL, 0);
	assert_holders(&m, 250, NULL, 0);
	assert_holders(&m, 4294967294u, NULL, 0);
	assert_holders(&m, 0, NULL, 0);
	/* Malformed links, non-pid dirs and vanished pids left nothing. */
	for (i = 0; i < 9; i++)
		assert_true(m.owners[i].inode != 12 && m.owners[i].inode != 5 &&
			    m.owners[i].inode != 555 && m.owners[i].inode != 777 &&
			    m.owners[i].inode != 778 && m.owners[i].inode != 701 &&
			    m.owners[i].inode != 702 && m.owners[i].inode != 99999999999 % 4294967296u);

	p = proc_of(&m, 300);
	assert_int_equal(p->comm_len, strlen(HOSTILE_COMM));
	assert_memory_equal(p->comm, HOSTILE_COMM, strlen(HOSTILE_COMM));
	p = proc_of(&m, 200);
	assert_int_equal(p->comm_len, 4);
	assert_memory_equal(p->comm, "init", 4);
	p = proc_of(&m, 888);
	assert_int_equal(p->comm_len, OWNER_COMM_MAX);
	assert_memory_equal(p->comm, LONG_COMM, OWNER_COMM_MAX);
	p = proc_of(&m, 889);
	assert_int_equal(p->comm_len, 1);
	assert_int_equal(p->comm[0], '\n');

	owner_map_free(&m);
	assert_null(m.owners);
	assert_int_equal(m.len, 0);
}

static bool want_one(uint32_t inode, void *data)
{
	return inode == *(const uint32_t *)data;
}

static bool want_none(uint32_t inode, void *data)
{
	(*(unsigned *)data)++;
	return false;
}

static void test_want(void **state)
{
	const struct tree *t = *state;
	static const struct holder h12345[] = { { 1, 3 }, { 42, 2 }, { 42, 7 }, { 1000, 3 } };
	uint32_t wanted = 12345;
	unsigned calls = 0;
	struct owner_map m;

	build_std_tree(t);
	assert_int_equal(owner_map_build(t->root, want_one, &wanted, &m), 0);
	assert_sorted(&m);
	assert_int_equal(m.len, 4);
	assert_int_equal(m.nprocs, 3); /* 88 and 89 hold nothing wanted */
	assert_holders(&m, 12345, h12345, 4);
	assert_holders(&m, 200, NULL, 0);
	owner_map_free(&m);

	/* Asked once per well-formed socket link of a real pid, never kept. */
	assert_int_equal(owner_map_build(t->root, want_none, &calls, &m), 0);
	assert_int_equal(calls, 10);
	assert_int_equal(m.len, 0);
	assert_int_equal(m.nprocs, 0);
	assert_holders(&m, 12345, NULL, 0);
	owner_map_free(&m);
}

/* nsfs fds of network namespaces ("net:[N]") are recorded for namespace
 * discovery, whatever want() says; other namespace types and malformed
 * links are not, and a thread's own table names its tid. */
static void test_nsfds(void **state)
{
	const struct tree *t = *state;
	unsigned calls = 0;
	struct owner_map m;
	size_t i;
	bool leader = false, thread = false;

	mk_dir(t, "7");
	mk_dir(t, "7/fd");
	mk_comm(t, "7", "holder\n");
	mk_link(t, "7/fd/3", "net:[4026532000]");
	mk_link(t, "7/fd/4", "socket:[55]");
	mk_link(t, "7/fd/5", "mnt:[4026531840]");
	mk_link(t, "7/fd/6", "net:[0]");
	mk_link(t, "7/fd/10", "net:[4026532001");
	mk_link(t, "7/fd/11", "net:[99999999999]");
	mk_dir(t, "7/task");
	mk_dir(t, "7/task/7");
	mk_dir(t, "7/task/7/fd");
	mk_dir(t, "7/task/8");
	mk_dir(t, "7/task/8/fd");
	mk_link(t, "7/task/8/fd/9", "net:[4026532002]");
	assert_int_equal(owner_map_build(t->root, want_none, &calls, &m), 0);
	assert_int_equal(calls, 1); /* the socket */
	assert_int_equal(m.len, 0);
	assert_int_equal(m.nnsfds, 2);
	for (i = 0; i < m.nnsfds; i++) {
		const struct owner_nsfd *nf = &m.nsfds[i];

		assert_int_equal(nf->pid, 7);
		if (nf->tid == 0) {
			assert_int_equal(nf->ns_ino, 4026532000u);
			assert_int_equal(nf->fd, 3);
			leader = true;
		} else {
			assert_int_equal(nf->tid, 8);
			assert_int_equal(nf->ns_ino, 4026532002u);
			assert_int_equal(nf->fd, 9);
			thread = true;
		}
	}
	assert_true(leader && thread);
	/* The /proc walk cannot tell a socket's namespace. */
	assert_false(m.sockns_known);
	assert_int_equal(m.nsocknss, 0);
	owner_map_free(&m);
	assert_null(m.nsfds);
	assert_int_equal(m.nnsfds, 0);
}

static void test_missing_root(void **state)
{
	const struct tree *t = *state;
	char p[PATH_MAX];
	struct owner_map m;

	memset(&m, 0xa5, sizeof(m));
	tree_path(t, "nonexistent", p);
	assert_int_equal(owner_map_build(p, NULL, NULL, &m), -ENOENT);
	assert_int_equal(m.len, (size_t)0xa5a5a5a5a5a5a5a5ull); /* untouched */
	mk_file(t, "plain", "", 0);
	tree_path(t, "plain", p);
	assert_int_equal(owner_map_build(p, NULL, NULL, &m), -ENOTDIR);
}

static void test_empty_tree(void **state)
{
	const struct tree *t = *state;
	const struct owner *first = NULL;
	struct owner_map m;

	assert_int_equal(owner_map_build(t->root, NULL, NULL, &m), 0);
	assert_int_equal(m.len, 0);
	assert_int_equal(m.nprocs, 0);
	assert_int_equal(owner_map_find(&m, 1, &first), 0);
	assert_null(first);
	owner_map_free(&m);
	owner_map_free(NULL);
	memset(&m, 0, sizeof(m));
	owner_map_free(&m);
}

/*
 * EACCES on a pid's fd dir.  Root bypasses mode 000, so as root the walk
 * runs in a child that has become nobody; its verdict comes back as the
 * exit status (bit per failed check).
 */
static int denied_walk(const char *root)
{
	struct owner_map m;
	const struct owner *first;
	int bad = 0;

	if (owner_map_build(root, NULL, NULL, &m) != 0)
		return 1;
	if (m.n_denied != 1)
		bad |= 2;
	if (owner_map_find(&m, 666, &first) != 0)
		bad |= 4;
	if (owner_map_find(&m, 12345, &first) != 4)
		bad |= 8;
	if (owner_map_complete(&m))
		bad |= 16;
	/* kept by pid, with the comm it could still read */
	if (m.denied[0].pid != 66 || !m.denied[0].comm_known || m.denied[0].comm_len != 6 ||
	    memcmp(m.denied[0].comm, "locked", 6) != 0)
		bad |= 32;
	owner_map_free(&m);
	return bad;
}

static void test_denied(void **state)
{
	const struct tree *t = *state;
	char p[PATH_MAX];
	int status;
	pid_t pid;

	build_std_tree(t);
	mk_dir(t, "66");
	mk_comm(t, "66", "locked\n");
	mk_dir(t, "66/fd");
	mk_link(t, "66/fd/3", "socket:[666]");
	tree_path(t, "66/fd", p);
	assert_int_equal(chmod(p, 0), 0);

	if (geteuid() != 0) {
		assert_int_equal(denied_walk(t->root), 0);
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		_exit(denied_walk(t->root));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* More denied pids than are kept: the lowest, ascending, whatever order
 * the tree lists them in; all of them counted. */
static int denied_kept_walk(const char *root)
{
	static const int32_t want[OWNER_DENIED_KEPT] = { 60, 65, 70, 75, 80 };
	struct owner_map m;
	int bad = 0;
	size_t i;

	if (owner_map_build(root, NULL, NULL, &m) != 0)
		return 1;
	if (m.n_denied != 7)
		bad |= 2;
	for (i = 0; i < OWNER_DENIED_KEPT; i++) {
		char comm[8];

		snprintf(comm, sizeof(comm), "p%d", (int)want[i]);
		if (m.denied[i].pid != want[i] || !m.denied[i].comm_known ||
		    m.denied[i].comm_len != strlen(comm) ||
		    memcmp(m.denied[i].comm, comm, strlen(comm)) != 0)
			bad |= 4;
	}
	owner_map_free(&m);
	return bad;
}

static void test_denied_kept(void **state)
{
	static const char *const pids[] = { "90", "70", "80", "60", "95", "65", "75" };
	const struct tree *t = *state;
	char p[PATH_MAX], rel[32], comm[16];
	int status;
	size_t i;
	pid_t pid;

	for (i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		mk_dir(t, pids[i]);
		snprintf(comm, sizeof(comm), "p%s\n", pids[i]);
		mk_comm(t, pids[i], comm);
		snprintf(rel, sizeof(rel), "%s/fd", pids[i]);
		mk_dir(t, rel);
		tree_path(t, rel, p);
		assert_int_equal(chmod(p, 0), 0);
	}
	if (geteuid() != 0) {
		assert_int_equal(denied_kept_walk(t->root), 0);
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		_exit(denied_kept_walk(t->root));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_hidepid_tree(void **state)
{
	const struct tree *t = *state;
	char real[PATH_MAX], line[2 * PATH_MAX];
	struct owner_map m;

	assert_non_null(realpath(t->root, real));
	build_std_tree(t);
	snprintf(line, sizeof(line),
		 "22 1 0:5 / / rw shared:1 - ext4 /dev/vda rw\n"
		 "50 22 0:21 / %s rw,nosuid shared:12 - proc proc rw,hidepid=invisible\n", real);
	mk_file(t, "self/mountinfo", line, strlen(line));
	assert_int_equal(owner_map_build(t->root, NULL, NULL, &m), 0);
	assert_true(m.hidepid);
	/* hidepid hides nothing from a privileged walker (root + CAP_SYS_PTRACE) */
	assert_int_equal(owner_map_complete(&m), m.privileged);
	assert_int_equal(m.privileged, geteuid() == 0);
	assert_int_equal(m.len, 9);
	owner_map_free(&m);

	snprintf(line, sizeof(line), "50 22 0:21 / %s rw,nosuid - proc proc rw,hidepid=off\n",
		 real);
	mk_file(t, "self/mountinfo", line, strlen(line));
	assert_int_equal(owner_map_build(t->root, NULL, NULL, &m), 0);
	assert_false(m.hidepid);
	assert_int_equal(owner_map_complete(&m), m.privileged);
	owner_map_free(&m);
}

static void mk_fifo(const struct tree *t, const char *rel)
{
	char p[PATH_MAX];

	tree_path(t, rel, p);
	assert_int_equal(mkfifo(p, 0644), 0);
}

/*
 * Files that are FIFOs (no writer: a blocking open or read never returns)
 * or /dev/zero (a read never ends) where a real /proc has regular files:
 * each is refused at once and counted, a pid whose comm is one loses its
 * rows, and the walk no longer vouches for itself.  alarm() turns a hang
 * into a failure.
 */
static void test_not_regular(void **state)
{
	static const struct holder h44[] = { { 44, 3 } }, h45[] = { { 45, 3 } };
	const struct tree *t = *state;
	struct owner_map m;

	mk_dir(t, "42");
	mk_fifo(t, "42/comm");
	mk_dir(t, "42/fd");
	mk_link(t, "42/fd/3", "socket:[100]");
	mk_dir(t, "43");
	mk_link(t, "43/comm", "/dev/zero");
	mk_dir(t, "43/fd");
	mk_link(t, "43/fd/3", "socket:[101]");
	mk_dir(t, "44");
	mk_comm(t, "44", "fine\n");
	mk_dir(t, "44/fd");
	mk_link(t, "44/fd/3", "socket:[102]");
	/* A comm reached through a symlink to a regular file is still read. */
	mk_dir(t, "45");
	mk_file(t, "comm45", "linked\n", 7);
	mk_link(t, "45/comm", "../comm45");
	mk_dir(t, "45/fd");
	mk_link(t, "45/fd/3", "socket:[103]");
	/* The probes: no self/ns/pid, so 2/stat is read; mountinfo too. */
	mk_dir(t, "2");
	mk_fifo(t, "2/stat");
	mk_dir(t, "self");
	mk_fifo(t, "self/mountinfo");

	alarm(5);
	assert_int_equal(owner_map_build(t->root, NULL, NULL, &m), 0);
	alarm(0);
	assert_int_equal(m.n_irregular, 4);
	assert_int_equal(m.n_denied, 0);
	assert_holders(&m, 100, NULL, 0);
	assert_holders(&m, 101, NULL, 0);
	assert_holders(&m, 102, h44, 1);
	assert_holders(&m, 103, h45, 1);
	assert_int_equal(m.nprocs, 2);
	assert_false(m.hidepid);
	assert_true(m.foreign_pidns);
	assert_false(owner_map_complete(&m));
	owner_map_free(&m);

	/* In the initial PID namespace (2/stat is no longer read), the
	 * refused files alone keep the walk from vouching for itself. */
	mk_dir(t, "self/ns");
	mk_link(t, "self/ns/pid", "pid:[4026531836]");
	alarm(5);
	assert_int_equal(owner_map_build(t->root, NULL, NULL, &m), 0);
	alarm(0);
	assert_int_equal(m.n_irregular, 3);
	assert_false(m.foreign_pidns);
	assert_int_equal(m.nprocs, 2);
	assert_false(owner_map_complete(&m));
	owner_map_free(&m);
}

/* ---- live /proc --------------------------------------------------------------- */

static void test_live(void **state)
{
	char name[17] = { 0 };
	const struct owner *first = NULL;
	struct owner_map m;
	struct stat st;
	int sv[2], pipefd[2], status;
	uint32_t inode;
	pid_t child;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(fstat(sv[0], &st), 0);
	inode = (uint32_t)st.st_ino;
	assert_int_equal(prctl(PR_GET_NAME, name), 0);

	assert_int_equal(owner_map_build("/proc", want_one, &inode, &m), 0);
	assert_int_equal(owner_map_find(&m, inode, &first), 1);
	assert_int_equal(m.procs[first->proc].pid, getpid());
	assert_int_equal(first->fd, sv[0]);
	assert_int_equal(m.procs[first->proc].comm_len, strlen(name));
	assert_memory_equal(m.procs[first->proc].comm, name, strlen(name));
	assert_int_equal(m.len, 1);
	owner_map_free(&m);

	/* A forked child holding the same socket is a second owner. */
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char c;

		close(pipefd[1]);
		(void)!read(pipefd[0], &c, 1);
		_exit(0);
	}
	close(pipefd[0]);
	assert_int_equal(owner_map_build("/proc", want_one, &inode, &m), 0);
	assert_sorted(&m);
	assert_int_equal(owner_map_find(&m, inode, &first), 2);
	assert_int_equal(first[0].fd, sv[0]);
	assert_int_equal(first[1].fd, sv[0]);
	assert_true((m.procs[first[0].proc].pid == getpid() &&
		     m.procs[first[1].proc].pid == child) ||
		    (m.procs[first[0].proc].pid == child &&
		     m.procs[first[1].proc].pid == getpid()));
	owner_map_free(&m);

	close(pipefd[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	/* Once the child is gone, only we hold it again. */
	assert_int_equal(owner_map_build("/proc", want_one, &inode, &m), 0);
	assert_int_equal(owner_map_find(&m, inode, &first), 1);
	owner_map_free(&m);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_std_tree, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_want, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_nsfds, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_missing_root, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_empty_tree, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_denied, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_denied_kept, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_hidepid_tree, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, tree_setup, tree_teardown),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
