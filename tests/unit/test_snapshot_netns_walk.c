/* SPDX-License-Identifier: MIT */
/* The namespaces the owner walk met (src/snapshot/snapshot_netns_walk.c):
 * a socket-held namespace of the BPF map is asked through its candidate
 * sockets in turn, with a fake SIOCGSKNS (snapshot_sockns_scan.open_socket)
 * that fails as a gone process, a closed fd or a denial would. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "snapshot/snapshot_internal.h"

/* What the fake answers each candidate pid (0: the namespace), and what
 * the scan did.  One test at a time, so one static script. */
static struct {
	int32_t pid[8];
	int answer[8];
	size_t n;
	int32_t asked[8];
	size_t nasked;
	int32_t found_pid[8];
	size_t nfound;
	bool seen;
} S;

static int fake_open(int32_t pid, int32_t tid, int32_t fd, uint32_t sock_inode, int *ret_fd)
{
	size_t i;

	(void)tid;
	(void)fd;
	(void)sock_inode;
	*ret_fd = -1;
	if (S.nasked < 8)
		S.asked[S.nasked++] = pid;
	for (i = 0; i < S.n; i++) {
		if (S.pid[i] != pid)
			continue;
		if (S.answer[i] < 0)
			return S.answer[i];
		*ret_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		return *ret_fd < 0 ? -errno : 0;
	}
	return -ESRCH;
}

static bool seen(void *data, uint64_t dev, uint64_t ino)
{
	(void)data;
	(void)dev;
	(void)ino;
	return S.seen;
}

static int found(void *data, int nsfd, const struct stat *st, const struct netns_path *p)
{
	(void)data;
	(void)nsfd;
	(void)st;
	assert_int_equal(p->kind, NETNS_PATH_SOCKET);
	if (S.nfound < 8)
		S.found_pid[S.nfound++] = p->pid;
	return 0;
}

static bool never(void *data, uint32_t inode)
{
	(void)data;
	(void)inode;
	return false;
}

/* A BPF map with one socket-held namespace and these candidates' pids. */
static void one_ns(struct owner_map *m, struct owner_sockns *k, const int32_t *pids, size_t n)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	memset(k, 0, sizeof(*k));
	k->ns_ino = 4026530000u;
	for (i = 0; i < n; i++)
		k->cand[k->ncand++] = (struct owner_sockns_cand){ .pid = pids[i], .fd = 3 + (int32_t)i,
								  .sock_inode = 100 + (uint32_t)i };
	m->socknss = k;
	m->nsocknss = 1;
	m->sockns_known = true;
}

static int scan(struct owner_map *m, struct netns_set *set)
{
	struct snapshot_sockns_scan sc = { .proc_root = "/proc", .set = set, .explained = never,
					   .seen = seen, .found = found, .open_socket = fake_open };

	memset(set, 0, sizeof(*set));
	return snapshot_netns_find_sockns(&sc, m, NULL, 0);
}

static void script(const int32_t *pids, const int *answers, size_t n)
{
	memset(&S, 0, sizeof(S));
	memcpy(S.pid, pids, n * sizeof(*pids));
	memcpy(S.answer, answers, n * sizeof(*answers));
	S.n = n;
}

/* The first holders gone (exited, fd closed, reused): the next answers. */
static void test_next_candidate(void **state)
{
	const int32_t pids[] = { 101, 102, 103, 104 };
	const int answers[] = { -ESRCH, -EBADF, 0, 0 };
	struct owner_map m;
	struct owner_sockns k;
	struct netns_set set;

	(void)state;
	script(pids, answers, 4);
	one_ns(&m, &k, pids, 4);
	assert_int_equal(scan(&m, &set), 0);
	assert_int_equal(S.nasked, 3);
	assert_int_equal(S.nfound, 1);
	assert_int_equal(S.found_pid[0], 103);
	assert_int_equal(set.n_denied_sockets, 0);
	/* -ESTALE: the fd now holds another socket. */
	script(pids, (const int[]){ -ESTALE, 0 }, 2);
	one_ns(&m, &k, pids, 2);
	assert_int_equal(scan(&m, &set), 0);
	assert_int_equal(S.nfound, 1);
	assert_int_equal(S.found_pid[0], 102);
}

/* A denial counts only when no candidate answered. */
static void test_denied(void **state)
{
	const int32_t pids[] = { 201, 202 };
	struct owner_map m;
	struct owner_sockns k;
	struct netns_set set;

	(void)state;
	script(pids, (const int[]){ -EPERM, 0 }, 2);
	one_ns(&m, &k, pids, 2);
	assert_int_equal(scan(&m, &set), 0);
	assert_int_equal(S.nfound, 1);
	assert_int_equal(set.n_denied_sockets, 0);
	script(pids, (const int[]){ -EPERM, -ESRCH }, 2);
	one_ns(&m, &k, pids, 2);
	assert_int_equal(scan(&m, &set), 0);
	assert_int_equal(S.nasked, 2);
	assert_int_equal(S.nfound, 0);
	assert_int_equal(set.n_denied_sockets, 1);
}

/* Out of fds or memory stops the scan; a namespace known already is not
 * asked; with no pidfd_getfd() none is, quietly. */
static void test_stops(void **state)
{
	const int32_t pids[] = { 301, 302 };
	struct owner_map m;
	struct owner_sockns k;
	struct netns_set set;

	(void)state;
	script(pids, (const int[]){ -EMFILE, 0 }, 2);
	one_ns(&m, &k, pids, 2);
	assert_int_equal(scan(&m, &set), -EMFILE);
	assert_int_equal(S.nasked, 1);
	script(pids, (const int[]){ -ENOSYS, 0 }, 2);
	one_ns(&m, &k, pids, 2);
	assert_int_equal(scan(&m, &set), 0);
	assert_int_equal(S.nasked, 1);
	assert_int_equal(S.nfound, 0);
	/* Seen: the first answers, the namespace is not reported again, and
	 * no other candidate is asked. */
	script(pids, (const int[]){ 0, 0 }, 2);
	S.seen = true;
	one_ns(&m, &k, pids, 2);
	assert_int_equal(scan(&m, &set), 0);
	assert_int_equal(S.nasked, 1);
	assert_int_equal(S.nfound, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_candidate),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
