/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lsock/owner.h"

/* ---- fake proc tree ---------------------------------------------------- */

struct tree {
	char root[PATH_MAX];
};

static void tree_path(const struct tree *t, const char *rel, char *buf)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", t->root, rel);

	assert_true(n > 0 && n < PATH_MAX);
}

static void mk_dir(const struct tree *t, const char *rel)
{
	char p[PATH_MAX];

	tree_path(t, rel, p);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void mk_file(const struct tree *t, const char *rel, const void *data, size_t len)
{
	char p[PATH_MAX];
	int fd;

	tree_path(t, rel, p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void mk_comm(const struct tree *t, const char *pid, const char *comm)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%s/comm", pid);
	mk_file(t, rel, comm, strlen(comm));
}

static void mk_link(const struct tree *t, const char *rel, const char *target)
{
	char p[PATH_MAX];

	tree_path(t, rel, p);
	assert_int_equal(symlink(target, p), 0);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	/* A mode-000 dir must be opened up again before its children can go. */
	if (flag == FTW_DNR || flag == FTW_DP)
		chmod(path, 0755);
	return remove(path);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->root, "/tmp/lsock-owner-XXXXXX");
	if (!mkdtemp(t->root) || chmod(t->root, 0755) < 0) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char p[PATH_MAX];

	/* nftw cannot descend into a mode-000 dir as non-root: open it first. */
	tree_path(t, "66/fd", p);
	chmod(p, 0755);
	nftw(t->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

#define HOSTILE_COMM "a\nb\x1b[31mx) R 1 2 (y"
#define LONG_COMM "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/*
 * The standard tree.  Created in an order that neither readdir order nor its
 * reverse is pid order, so sorting is exercised ("1000" < "42" as strings).
 */
static void build_std_tree(const struct tree *t)
{
	static const char *const bad_links[] = {
		"socket:[]", "socket:[12a]", "socket:[99999999999]", "socket:[0]",
		"socket:[012]", "socket:[12]x", "socket:12]", "socket:[-1]",
		"socket:[4294967296]", "Socket:[5]", "socket:[ 5]", "socket:[+5]",
		"socket:[5", "socket:", "",
	};
	char rel[64];
	size_t i;

	mk_dir(t, "42");
	mk_comm(t, "42", HOSTILE_COMM "\n");
	mk_dir(t, "42/fd");
	mk_link(t, "42/fd/7", "socket:[12345]");
	mk_link(t, "42/fd/2", "socket:[12345]");
	mk_link(t, "42/fd/10", "socket:[300]");
	mk_link(t, "42/fd/11", "pipe:[7]");

	mk_dir(t, "1000");
	mk_comm(t, "1000", "worker\n");
	mk_dir(t, "1000/fd");
	mk_link(t, "1000/fd/0", "/dev/null");
	mk_link(t, "1000/fd/3", "socket:[12345]");

	mk_dir(t, "1");
	mk_comm(t, "1", "init\n");
	mk_dir(t, "1/fd");
	mk_link(t, "1/fd/3", "socket:[12345]");
	mk_link(t, "1/fd/4", "pipe:[7]");
	mk_link(t, "1/fd/5", "socket:[200]");
	mk_link(t, "1/fd/6", "socket:[4294967295]");

	/* Only malformed socket links: no owner, no procs entry. */
	mk_dir(t, "7");
	mk_comm(t, "7", "bad\n");
	mk_dir(t, "7/fd");
	for (i = 0; i < sizeof(bad_links) / sizeof(bad_links[0]); i++) {
		snprintf(rel, sizeof(rel), "7/fd/%zu", i + 1);
		if (bad_links[i][0])
			mk_link(t, rel, bad_links[i]);
		else
			mk_file(t, rel, "", 0); /* not a link at all: EINVAL */
	}
	mk_link(t, "7/fd/0x3", "socket:[701]");  /* not an fd number */
	mk_link(t, "7/fd/03", "socket:[702]");   /* not canonical */

	/* Comm clamped to OWNER_COMM_MAX; comm of just "\n\n" keeps one '\n'. */
	mk_dir(t, "88");
	mk_comm(t, "88", LONG_COMM "\n");
	mk_dir(t, "88/fd");
	mk_link(t, "88/fd/3", "socket:[888]");
	mk_dir(t, "89");
	mk_comm(t, "89", "\n\n");
	mk_dir(t, "89/fd");
	mk_link(t, "89/fd/3", "socket:[889]");

	/* Not pids: must never be walked. */
	mk_dir(t, "self");
	mk_comm(t, "self", "self\n");
	mk_dir(t, "self/fd");
	mk_link(t, "self/fd/3", "socket:[12345]");
	mk_dir(t, "sys");
	mk_dir(t, "0042");
	mk_comm(t, "0042", "zero\n");
	mk_dir(t, "0042/fd");
	mk_link(t, "0042/fd/3", "socket:[777]");
	mk_dir(t, "0");
	mk_comm(t, "0", "zero\n");
	mk_dir(t, "0/fd");
	mk_link(t, "0/fd/3", "socket:[778]");
	mk_file(t, "123", "x", 1); /* a numeric non-directory */

	/* Vanished processes: fd is not a dir, fd missing, comm missing. */
	mk_dir(t, "99");
	mk_comm(t, "99", "file\n");
	mk_file(t, "99/fd", "", 0);
	mk_dir(t, "100");
	mk_comm(t, "100", "nofd\n");
	mk_dir(t, "55");
	mk_dir(t, "55/fd");
	mk_link(t, "55/fd/3", "socket:[555]");
}

/* ---- checks ------------------------------------------------------------- */

static void assert_sorted(const struct owner_map *m)
{
	size_t i;

	for (i = 0; i < m->len; i++)
		assert_true(m->owners[i].proc < m->nprocs);
	for (i = 1; i < m->nprocs; i++)
		assert_true(m->procs[i - 1].pid < m->procs[i].pid);
	for (i = 1; i < m->len; i++) {
		const struct owner *a = &m->owners[i - 1], *b = &m->owners[i];
		int32_t pa = m->procs[a->proc].pid, pb = m->procs[b->proc].pid;

		assert_true(a->inode < b->inode ||
			    (a->inode == b->inode && (pa < pb || (pa == pb && a->fd < b->fd))));
	}
}

struct holder {
	int32_t pid;
	int32_t fd;
};

static void assert_holders(const struct owner_map *m, uint32_t inode,
			   const struct holder *want, size_t n)
{
	const struct owner *first = NULL;
	size_t i;

	assert_int_equal(owner_map_find(m, inode, &first), n);
	if (!n)
		return;
	assert_non_null(first);
	for (i = 0; i < n; i++) {
		assert_int_equal(first[i].inode, inode);
		assert_int_equal(m->procs[first[i].proc].pid, want[i].pid);
		assert_int_equal(first[i].fd, want[i].fd);
	}
}

static const struct owner_proc *proc_of(const struct owner_map *m, uint32_t inode)
{
	const struct owner *first = NULL;

	assert_true(owner_map_find(m, inode, &first) >= 1);
	return &m->procs[first->proc];
}

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
		cmocka_unit_test_setup_teardown(test_missing_root, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_empty_tree, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_denied, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_hidepid_tree, tree_setup, tree_teardown),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
