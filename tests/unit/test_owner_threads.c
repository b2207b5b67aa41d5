/* SPDX-License-Identifier: MIT */
/*
 * Threads whose fd table is not the leader's: fake task/ trees (fallback
 * walk, dedupe) and live threads (the kcmp(2) path).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "test_owner_tree.h"

/* pid's task/ dir with one subdir per tid (tids[0] is normally pid). */
static void mk_tasks(const struct tree *t, const char *pid, const char *const *tids, size_t n)
{
	char rel[64];
	size_t i;

	snprintf(rel, sizeof(rel), "%s/task", pid);
	mk_dir(t, rel);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/task/%s", pid, tids[i]);
		mk_dir(t, rel);
		snprintf(rel, sizeof(rel), "%s/task/%s/fd", pid, tids[i]);
		mk_dir(t, rel);
	}
}

static void mk_proc(const struct tree *t, const char *pid, const char *comm)
{
	char rel[64];

	mk_dir(t, pid);
	mk_comm(t, pid, comm);
	snprintf(rel, sizeof(rel), "%s/fd", pid);
	mk_dir(t, rel);
}

/*
 * 50: the leader called pthread_exit(): its fd dir lists nothing, as the
 *     kernel shows a zombie leader's, and its worker 51 holds the table.
 * 52: thread 53 called unshare(CLONE_FILES): its copy still has fd 3, and
 *     fd 4 is its own.
 * 54: five threads sharing one table: the fallback walks all five.
 * 56: fd 7 names different sockets in the leader's and 57's tables.
 * 58: thread 59 is going (no fd dir), 5a is not a tid: nothing lost.
 */
static void build_thread_tree(const struct tree *t)
{
	static const char *const t50[] = { "50", "51" }, *const t52[] = { "52", "53" };
	static const char *const t54[] = { "54", "540", "541", "542", "543" };
	static const char *const t56[] = { "56", "57" }, *const t58[] = { "58" };
	char rel[64];
	size_t i;

	mk_dir(t, "self");
	mk_dir(t, "self/ns");
	mk_link(t, "self/ns/pid", "pid:[4026531836]");

	mk_proc(t, "50", "exited\n");
	mk_tasks(t, "50", t50, 2);
	mk_link(t, "50/task/51/fd/3", "socket:[5001]");
	mk_link(t, "50/task/51/fd/1", "pipe:[5]");

	mk_proc(t, "52", "unshared\n");
	mk_tasks(t, "52", t52, 2);
	mk_link(t, "52/fd/3", "socket:[5200]");
	mk_link(t, "52/task/52/fd/3", "socket:[5200]");
	mk_link(t, "52/task/53/fd/3", "socket:[5200]");
	mk_link(t, "52/task/53/fd/4", "socket:[5201]");

	mk_proc(t, "54", "pool\n");
	mk_tasks(t, "54", t54, 5);
	mk_link(t, "54/fd/3", "socket:[5400]");
	for (i = 0; i < 5; i++) {
		snprintf(rel, sizeof(rel), "54/task/%s/fd/3", t54[i]);
		mk_link(t, rel, "socket:[5400]");
	}

	mk_proc(t, "56", "split\n");
	mk_tasks(t, "56", t56, 2);
	mk_link(t, "56/fd/7", "socket:[5600]");
	mk_link(t, "56/task/57/fd/7", "socket:[5601]");

	mk_proc(t, "58", "going\n");
	mk_tasks(t, "58", t58, 1);
	mk_link(t, "58/fd/3", "socket:[5800]");
	mk_dir(t, "58/task/59");
	mk_dir(t, "58/task/5a");
	mk_dir(t, "58/task/5a/fd");
	mk_link(t, "58/task/5a/fd/3", "socket:[5899]");
}

static void test_thread_tables(void **state)
{
	const struct tree *t = *state;
	static const struct holder h5001[] = { { 50, 3 } }, h5200[] = { { 52, 3 } };
	static const struct holder h5201[] = { { 52, 4 } }, h5400[] = { { 54, 3 } };
	static const struct holder h5600[] = { { 56, 7 } }, h5601[] = { { 56, 7 } };
	static const struct holder h5800[] = { { 58, 3 } };
	static const int32_t pids[] = { 50, 52, 54, 56, 58 };
	const struct owner_proc *p;
	struct owner_map m;
	size_t i;

	build_thread_tree(t);
	assert_int_equal(owner_map_build(t->root, NULL, NULL, &m), 0);
	assert_sorted(&m);
	assert_int_equal(m.nprocs, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(m.procs[i].pid, pids[i]);
	assert_holders(&m, 5001, h5001, 1);
	assert_holders(&m, 5200, h5200, 1); /* in three tables, counted once */
	assert_holders(&m, 5201, h5201, 1);
	assert_holders(&m, 5400, h5400, 1); /* in six tables, counted once */
	assert_holders(&m, 5600, h5600, 1);
	assert_holders(&m, 5601, h5601, 1);
	assert_holders(&m, 5800, h5800, 1);
	assert_holders(&m, 5899, NULL, 0);
	assert_int_equal(m.len, 7);
	assert_int_equal(m.n_denied, 0);
	assert_false(m.foreign_pidns);
	p = proc_of(&m, 5001);
	assert_int_equal(p->comm_len, 6);
	assert_memory_equal(p->comm, "exited", 6);
	owner_map_free(&m);
}

/*
 * A single-threaded process (task/ nlink 3) costs one fstatat: its task dir
 * is not listed.  A symlink adds no link count, so a tid reached through one
 * is invisible to the walk exactly because the count is trusted.
 */
static void test_single_thread_not_listed(void **state)
{
	const struct tree *t = *state;
	static const char *const t70[] = { "70" };
	struct owner_map m;
	char target[PATH_MAX];

	build_thread_tree(t);
	mk_proc(t, "70", "single\n");
	mk_tasks(t, "70", t70, 1);
	mk_link(t, "70/fd/3", "socket:[7000]");
	mk_dir(t, "elsewhere");
	mk_dir(t, "elsewhere/fd");
	mk_link(t, "elsewhere/fd/9", "socket:[7009]");
	tree_path(t, "elsewhere", target);
	mk_link(t, "70/task/71", target);
	assert_int_equal(owner_map_build(t->root, NULL, NULL, &m), 0);
	assert_int_equal(owner_map_find(&m, 7000, &(const struct owner *){ NULL }), 1);
	assert_int_equal(owner_map_find(&m, 7009, &(const struct owner *){ NULL }), 0);
	owner_map_free(&m);

	/* The same tid as a real subdir raises the count and is walked. */
	tree_path(t, "70/task/71", target);
	assert_int_equal(unlink(target), 0);
	mk_dir(t, "70/task/71");
	mk_dir(t, "70/task/71/fd");
	mk_link(t, "70/task/71/fd/9", "socket:[7009]");
	assert_int_equal(owner_map_build(t->root, NULL, NULL, &m), 0);
	assert_int_equal(owner_map_find(&m, 7009, &(const struct owner *){ NULL }), 1);
	owner_map_free(&m);
}

/* Bits of the exit status: what denied_thread_walk() found wrong. */
static int denied_thread_walk(const char *root)
{
	const struct owner *first;
	struct owner_map m;
	int bad = 0;

	if (owner_map_build(root, NULL, NULL, &m) != 0)
		return 1;
	if (m.n_denied != 1)
		bad |= 2;
	if (owner_map_find(&m, 6000, &first) != 0) /* the whole pid goes */
		bad |= 4;
	if (owner_map_find(&m, 5201, &first) != 1) /* others stay */
		bad |= 8;
	if (owner_map_complete(&m))
		bad |= 16;
	owner_map_free(&m);
	return bad;
}

/* A thread's fd dir that answers EACCES denies the whole process. */
static void test_thread_denied(void **state)
{
	const struct tree *t = *state;
	static const char *const t60[] = { "60", "61" };
	char p[PATH_MAX];
	int status;
	pid_t pid;

	build_thread_tree(t);
	mk_proc(t, "60", "locked\n");
	mk_tasks(t, "60", t60, 2);
	mk_link(t, "60/fd/3", "socket:[6000]");
	mk_link(t, "60/task/61/fd/4", "socket:[6001]");
	tree_path(t, "60/task/61/fd", p);
	assert_int_equal(chmod(p, 0), 0);

	if (geteuid() != 0) {
		assert_int_equal(denied_thread_walk(t->root), 0);
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		_exit(denied_thread_walk(t->root));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- live threads ------------------------------------------------------- */

static uint32_t fd_inode(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

static bool want_set(uint32_t inode, void *data)
{
	const uint32_t *v = data;

	return inode == v[0] || inode == v[1];
}

struct unsharer {
	int shared_fd;  /* made before unshare: in both tables */
	int own_fd;     /* made after unshare: only in the thread's table */
	pid_t tid;
	int ready[2];   /* thread -> test */
	int release[2]; /* test -> thread */
	int err;
};

static void *unsharer_main(void *arg)
{
	struct unsharer *u = arg;
	char c = 0;
	int sv[2];

	u->tid = gettid();
	if (unshare(CLONE_FILES) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		u->err = errno;
	else
		u->own_fd = sv[0];
	(void)!write(u->ready[1], &c, 1);
	(void)!read(u->release[0], &c, 1);
	return NULL;
}

/* The kcmp path: a thread of ours with its own table (issue 11, case (b)). */
static void test_live_unshared_thread(void **state)
{
	const struct owner *first = NULL;
	struct unsharer u = { 0 };
	struct owner_map m;
	uint32_t want[2];
	pthread_t th;
	int sv[2];
	char c;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	u.shared_fd = sv[0];
	assert_int_equal(pipe2(u.ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(u.release, O_CLOEXEC), 0);
	assert_int_equal(pthread_create(&th, NULL, unsharer_main, &u), 0);
	assert_int_equal(read(u.ready[0], &c, 1), 1);
	assert_int_equal(u.err, 0);
	/* The thread's own socket is not in our table at all. */
	assert_int_equal(fcntl(u.own_fd, F_GETFD), -1);

	want[0] = fd_inode(u.shared_fd);
	{
		char link[64], path[64];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/task/%d/fd/%d", (int)u.tid, u.own_fd);
		n = readlink(path, link, sizeof(link) - 1);
		assert_true(n > 0);
		link[n] = '\0';
		assert_int_equal(sscanf(link, "socket:[%u]", &want[1]), 1);
	}
	assert_int_equal(owner_map_build("/proc", want_set, want, &m), 0);
	assert_int_equal(owner_map_find(&m, want[0], &first), 1);
	assert_int_equal(m.procs[first->proc].pid, getpid());
	assert_int_equal(first->fd, u.shared_fd);
	assert_int_equal(owner_map_find(&m, want[1], &first), 1);
	assert_int_equal(m.procs[first->proc].pid, getpid());
	assert_int_equal(first->fd, u.own_fd);
	assert_int_equal(m.len, 2);
	owner_map_free(&m);

	assert_int_equal(write(u.release[1], &c, 1), 1);
	assert_int_equal(pthread_join(th, NULL), 0);
	close(sv[0]);
	close(sv[1]);
	close(u.ready[0]);
	close(u.ready[1]);
	close(u.release[0]);
	close(u.release[1]);
}

static void *sleeper_main(void *arg)
{
	char c;

	(void)!read(*(const int *)arg, &c, 1);
	return NULL;
}

/* Threads that share our table add nothing, and nothing twice. */
static void test_live_shared_threads(void **state)
{
	const struct owner *first = NULL;
	struct owner_map m;
	uint32_t want[2];
	pthread_t th[6];
	int sv[2], release[2];
	size_t i;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe2(release, O_CLOEXEC), 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(pthread_create(&th[i], NULL, sleeper_main, &release[0]), 0);
	want[0] = fd_inode(sv[0]);
	want[1] = fd_inode(sv[1]);
	assert_int_equal(owner_map_build("/proc", want_set, want, &m), 0);
	assert_int_equal(m.len, 2);
	assert_int_equal(owner_map_find(&m, want[0], &first), 1);
	assert_int_equal(first->fd, sv[0]);
	assert_int_equal(owner_map_find(&m, want[1], &first), 1);
	assert_int_equal(first->fd, sv[1]);
	owner_map_free(&m);
	close(release[1]);
	for (i = 0; i < 6; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	close(release[0]);
	close(sv[0]);
	close(sv[1]);
}

struct exiter {
	int sock;
	int ready;   /* write end: one byte once the leader is a zombie */
	int release; /* read end: EOF ends the process */
	pid_t pid;
};

static void *exiter_worker(void *arg)
{
	const struct exiter *e = arg;
	char path[64], buf[256], c = 0;
	int i;

	/* Wait for the leader's do_exit() (state Z), as the kernel shows it. */
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)e->pid);
	for (i = 0; i < 5000; i++) {
		FILE *f = fopen(path, "re");
		char *rp;

		if (f && fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')) && rp[2] == 'Z') {
			fclose(f);
			break;
		}
		if (f)
			fclose(f);
		usleep(1000);
	}
	(void)!write(e->ready, &c, 1);
	(void)!read(e->release, &c, 1);
	_exit(0);
}

/* The leader called pthread_exit() (issue 11, case (a)). */
static void test_live_exited_leader(void **state)
{
	const struct owner *first = NULL;
	struct owner_map m;
	int ready[2], release[2], sv[2], status;
	uint32_t want[2];
	pid_t child;
	char c;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(release, O_CLOEXEC), 0);
	want[0] = want[1] = fd_inode(sv[1]);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		static struct exiter e;
		pthread_t th;

		close(sv[0]);
		close(ready[0]);
		close(release[1]);
		e = (struct exiter){ .sock = sv[1], .ready = ready[1], .release = release[0],
				     .pid = getpid() };
		if (pthread_create(&th, NULL, exiter_worker, &e) != 0)
			_exit(1);
		pthread_exit(NULL);
	}
	close(sv[1]);
	close(ready[1]);
	close(release[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);

	assert_int_equal(owner_map_build("/proc", want_set, want, &m), 0);
	assert_int_equal(owner_map_find(&m, want[0], &first), 1);
	assert_int_equal(m.procs[first->proc].pid, child);
	assert_int_equal(first->fd, sv[1]);
	owner_map_free(&m);

	close(release[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(ready[0]);
	close(sv[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_thread_tables, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_single_thread_not_listed, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_thread_denied, tree_setup, tree_teardown),
		cmocka_unit_test(test_live_unshared_thread),
		cmocka_unit_test(test_live_shared_threads),
		cmocka_unit_test(test_live_exited_leader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
