/* SPDX-License-Identifier: MIT */
/*
 * The parallel /proc walk: on the fake trees of the other owner tests, made
 * large enough for several walkers, every thread count gives the map of
 * the serial walk, byte for byte (owners, procs, counts, denied pids).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "test_owner_tree.h"

/* Thread counts compared with the serial walk (more than the cap, too). */
static const size_t thread_counts[] = { 2, 3, 4, 8, 64 };

/* Extra processes: enough pids for every walker to have a share.  Each
 * holds its own sockets, one shared with its neighbour (a fork), a
 * non-socket fd and a malformed link; every 7th has a thread with its own
 * fd table; every 11th has lost its comm (it died during the walk). */
static void build_many(const struct tree *t, size_t n)
{
	char rel[64], target[32], comm[16], name[16];
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned pid = 2000 + 37 * (unsigned)((i * 7) % n); /* not in pid order */

		snprintf(name, sizeof(name), "%u", pid);
		mk_dir(t, name);
		if (i % 11 != 5) {
			snprintf(comm, sizeof(comm), "w%u\n", pid);
			mk_comm(t, name, comm);
		}
		snprintf(rel, sizeof(rel), "%u/fd", pid);
		mk_dir(t, rel);
		snprintf(rel, sizeof(rel), "%u/fd/3", pid);
		snprintf(target, sizeof(target), "socket:[%u]", 50000 + pid);
		mk_link(t, rel, target);
		snprintf(rel, sizeof(rel), "%u/fd/4", pid);
		snprintf(target, sizeof(target), "socket:[%u]", 90000 + (unsigned)(i / 2));
		mk_link(t, rel, target);
		snprintf(rel, sizeof(rel), "%u/fd/5", pid);
		mk_link(t, rel, "/dev/null");
		snprintf(rel, sizeof(rel), "%u/fd/6", pid);
		mk_link(t, rel, "socket:[x]");
		if (i % 7 == 3) {
			snprintf(rel, sizeof(rel), "%u/task", pid);
			mk_dir(t, rel);
			snprintf(rel, sizeof(rel), "%u/task/%u", pid, pid);
			mk_dir(t, rel);
			snprintf(rel, sizeof(rel), "%u/task/%u", pid, pid + 1);
			mk_dir(t, rel);
			snprintf(rel, sizeof(rel), "%u/task/%u/fd", pid, pid + 1);
			mk_dir(t, rel);
			snprintf(rel, sizeof(rel), "%u/task/%u/fd/9", pid, pid + 1);
			snprintf(target, sizeof(target), "socket:[%u]", 70000 + pid);
			mk_link(t, rel, target);
		}
	}
}

/* fds 3..3+nfds of rel (an fd directory, created): every third a socket
 * (inode base + fd, one in five shared with base2), the others /dev/null, a
 * malformed link, or an entry that is not a link at all. */
static void mk_fds(const struct tree *t, const char *rel, unsigned nfds, unsigned base,
		   unsigned base2)
{
	char path[96], target[32];
	unsigned fd;

	mk_dir(t, rel);
	for (fd = 3; fd < 3 + nfds; fd++) {
		snprintf(path, sizeof(path), "%s/%u", rel, fd);
		if (fd % 3 == 0) {
			snprintf(target, sizeof(target), "socket:[%u]",
				 fd % 5 == 0 ? base2 + fd : base + fd);
			mk_link(t, path, target);
		} else if (fd % 3 == 1) {
			mk_link(t, path, fd % 7 ? "/dev/null" : "socket:[12");
		} else if (fd % 100 == 2) {
			mk_dir(t, path); /* readlinkat: EINVAL, skipped */
		} else {
			mk_link(t, path, "pipe:[7]");
		}
	}
}

/*
 * Processes with thousands of fds, so that their fd directories are split
 * in batches walked by several walkers: one alone, one with a thread of
 * its own fd table as large (and one sharing the leader's, which kcmp
 * cannot tell in a fake tree: its fds are dropped as repeats), and one
 * that exited during the walk (no comm: its rows go, whoever walked them).
 */
static void build_big(const struct tree *t)
{
	mk_dir(t, "1500");
	mk_comm(t, "1500", "big\n");
	mk_fds(t, "1500/fd", 6000, 1000000, 3000000);
	mk_dir(t, "1600");
	mk_comm(t, "1600", "threads\n");
	mk_fds(t, "1600/fd", 2500, 1100000, 3000000);
	mk_dir(t, "1600/task");
	mk_dir(t, "1600/task/1600");
	mk_dir(t, "1600/task/1601");
	mk_fds(t, "1600/task/1601/fd", 3000, 1200000, 3000000);
	mk_dir(t, "1600/task/1602");
	mk_fds(t, "1600/task/1602/fd", 2500, 1100000, 3000000);
	mk_dir(t, "1700");
	mk_fds(t, "1700/fd", 4000, 1300000, 3000000);
}

/* Wants every other inode: the filter is called from every walker. */
static bool want_even(uint32_t inode, void *data)
{
	size_t *calls = data;

	(*calls)++;
	return inode % 2 == 0;
}

/* Only the first comm_len bytes of comm are written. */
static bool procs_equal(const struct owner_proc *a, const struct owner_proc *b)
{
	return a->pid == b->pid && a->comm_len == b->comm_len &&
	       memcmp(a->comm, b->comm, a->comm_len) == 0;
}

/* 0 if the map of nthreads walkers is the serial one; else a bit per
 * difference (run in a child, so no cmocka asserts). */
static int compare_walks(const char *root, bool filtered)
{
	struct owner_map ref, m;
	size_t i, j, calls_ref = 0, calls = 0;
	int bad = 0;

	if (owner_map_build_threads(root, 1, filtered ? want_even : NULL, &calls_ref, &ref) != 0)
		return 1;
	if (ref.nprocs < 2 * OWNER_WALK_PIDS_PER_THREAD * 4)
		bad |= 2; /* the tree is too small to split: the test would show nothing */
	for (i = 0; i < sizeof(thread_counts) / sizeof(thread_counts[0]); i++) {
		calls = 0;
		if (owner_map_build_threads(root, thread_counts[i], filtered ? want_even : NULL,
					    &calls, &m) != 0)
			return 4;
		if (m.len != ref.len || m.nprocs != ref.nprocs ||
		    (m.len && memcmp(m.owners, ref.owners, m.len * sizeof(*m.owners))))
			bad |= 8;
		for (j = 0; !(bad & 8) && j < m.nprocs; j++)
			if (!procs_equal(&m.procs[j], &ref.procs[j]))
				bad |= 8;
		if (m.n_denied != ref.n_denied || m.n_irregular != ref.n_irregular ||
		    memcmp(m.denied, ref.denied, sizeof(m.denied)) || m.hidepid != ref.hidepid ||
		    m.foreign_pidns != ref.foreign_pidns || m.privileged != ref.privileged)
			bad |= 16;
		if (calls != calls_ref)
			bad |= 32;
		owner_map_free(&m);
	}
	owner_map_free(&ref);
	return bad;
}

static void test_parallel_matches_serial(void **state)
{
	const struct tree *t = *state;

	build_std_tree(t);
	build_many(t, 90);
	assert_int_equal(compare_walks(t->root, false), 0);
	assert_int_equal(compare_walks(t->root, true), 0);
}

/* Large fd directories split over the walkers give the serial map too. */
static void test_parallel_big_fd_dirs(void **state)
{
	const struct tree *t = *state;
	struct owner_map m;
	const struct owner *o;

	build_std_tree(t);
	build_many(t, 40);
	build_big(t);
	assert_int_equal(owner_map_build_threads(t->root, 1, NULL, NULL, &m), 0);
	/* 1500's 2000 sockets and 1600's 1834 distinct ones are there; 1700 is not. */
	assert_int_equal(owner_map_find(&m, 1000000 + 5997, &o), 1);
	assert_int_equal(m.procs[o->proc].pid, 1500);
	assert_int_equal(owner_map_find(&m, 1200000 + 2997, &o), 1);
	assert_int_equal(m.procs[o->proc].pid, 1600);
	assert_int_equal(owner_map_find(&m, 1300000 + 2997, &o), 0);
	assert_true(m.len > 3500);
	owner_map_free(&m);
	assert_int_equal(compare_walks(t->root, false), 0);
	assert_int_equal(compare_walks(t->root, true), 0);
}

/* Denied pids spread over the walkers: the same count, and the same lowest
 * ones kept with their comm.  As root, walked as nobody in a child. */
static void test_parallel_denied(void **state)
{
	static const unsigned denied[] = { 2981, 2001, 2700, 2223, 2500, 2998, 2100, 2450 };
	const struct tree *t = *state;
	char rel[64], p[PATH_MAX], comm[16], name[16];
	int status;
	size_t i;
	pid_t pid;

	build_many(t, 60);
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		snprintf(name, sizeof(name), "%u", denied[i]);
		mk_dir(t, name);
		snprintf(comm, sizeof(comm), "d%u\n", denied[i]);
		mk_comm(t, name, comm);
		snprintf(rel, sizeof(rel), "%u/fd", denied[i]);
		mk_dir(t, rel);
		tree_path(t, rel, p);
		assert_int_equal(chmod(p, 0), 0);
	}
	if (geteuid() != 0) {
		assert_int_equal(compare_walks(t->root, false), 0);
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct owner_map m;

		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		if (owner_map_build_threads(t->root, 4, NULL, NULL, &m) != 0)
			_exit(101);
		if (m.n_denied != 8 || m.denied[0].pid != 2001 || m.denied[1].pid != 2100)
			_exit(102);
		owner_map_free(&m);
		_exit(compare_walks(t->root, false));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The live /proc, too: this process's own sockets are found by every
 * thread count (other processes come and go, so only ours are compared). */
static void test_parallel_live(void **state)
{
	int sv[2];
	struct stat st;
	size_t i;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fstat(sv[1], &st), 0);
	for (i = 0; i < sizeof(thread_counts) / sizeof(thread_counts[0]); i++) {
		struct owner_map m;
		const struct owner *first = NULL;

		assert_int_equal(owner_map_build_threads("/proc", thread_counts[i], NULL, NULL, &m),
				 0);
		assert_int_equal(owner_map_find(&m, (uint32_t)st.st_ino, &first), 1);
		assert_int_equal(m.procs[first->proc].pid, getpid());
		assert_int_equal(first->fd, sv[1]);
		owner_map_free(&m);
	}
	close(sv[0]);
	close(sv[1]);
}

static void test_default_threads(void **state)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	size_t d = owner_walk_threads_default();

	(void)state;
	assert_true(d >= 1 && d <= OWNER_WALK_THREADS_MAX);
	if (n >= 1 && n <= OWNER_WALK_THREADS_MAX)
		assert_int_equal(d, (size_t)n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parallel_matches_serial, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_parallel_big_fd_dirs, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_parallel_denied, tree_setup, tree_teardown),
		cmocka_unit_test(test_parallel_live),
		cmocka_unit_test(test_default_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
