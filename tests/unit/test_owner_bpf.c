/* SPDX-License-Identifier: MIT */
/* The choice of owner source, and the BPF iterator against the walk on live /proc. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "test_owner_tree.h"

/* A fake tree is no procfs of our PID namespace: auto walks it, bpf refuses. */
static void test_fake_tree(void **state)
{
	const struct tree *t = *state;
	struct owner_map m;

	build_std_tree(t);
	assert_int_equal(owner_map_build_from(t->root, OWNER_SOURCE_AUTO, NULL, NULL, &m), 0);
	assert_int_equal(m.source, OWNER_SOURCE_PROC);
	assert_int_equal(m.bpf_error, -EXDEV);
	assert_int_equal(m.len, 9);
	owner_map_free(&m);
	assert_int_equal(owner_map_build_from(t->root, OWNER_SOURCE_PROC, NULL, NULL, &m), 0);
	assert_int_equal(m.source, OWNER_SOURCE_PROC);
	assert_int_equal(m.bpf_error, 0);
	assert_int_equal(m.len, 9);
	owner_map_free(&m);
	assert_int_equal(owner_map_build_from(t->root, OWNER_SOURCE_BPF, NULL, NULL, &m), -EXDEV);
	assert_int_equal(owner_map_build_from("/nonexistent-lsock", OWNER_SOURCE_AUTO, NULL, NULL, &m),
			 -ENOENT);
}

static void test_strerror(void **state)
{
	static const int codes[] = { -EOPNOTSUPP, -EXDEV, -ENOENT, -EPERM, -OWNER_BPF_LOCKED_DOWN,
				     -ENOSYS, -EINVAL };
	size_t i, j;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *s = owner_bpf_strerror(codes[i]);

		assert_non_null(s);
		assert_true(strlen(s) > 10);
		assert_true(s[strlen(s) - 1] != '.');
		for (j = 0; j < i; j++)
			assert_string_not_equal(s, owner_bpf_strerror(codes[j]));
	}
	assert_string_equal(owner_bpf_strerror(-EPERM), owner_bpf_strerror(-EACCES));
}

struct wanted {
	uint32_t v[3];
};

static bool want_set(uint32_t inode, void *data)
{
	const struct wanted *w = data;

	return inode == w->v[0] || inode == w->v[1] || inode == w->v[2];
}

static uint32_t inode_of(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

struct unshared {
	int ready[2]; /* the thread writes its socket's inode (0 on failure), then waits */
	int done[2];
};

/* A thread with a table of its own holding a socket no other table has. */
static void *unshared_thread(void *arg)
{
	struct unshared *u = arg;
	uint32_t inode = 0;
	struct stat st;
	int sv[2];
	char c;

	if (unshare(CLONE_FILES) == 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 &&
	    fstat(sv[0], &st) == 0)
		inode = (uint32_t)st.st_ino;
	(void)!write(u->ready[1], &inode, sizeof(inode));
	(void)!read(u->done[0], &c, 1);
	return NULL;
}

static void assert_same_maps(const struct owner_map *a, const struct owner_map *b)
{
	size_t i;

	assert_int_equal(a->len, b->len);
	assert_int_equal(a->nprocs, b->nprocs);
	for (i = 0; i < a->len; i++) {
		const struct owner_proc *pa = owner_map_proc(a, &a->owners[i]);
		const struct owner_proc *pb = owner_map_proc(b, &b->owners[i]);

		assert_int_equal(a->owners[i].inode, b->owners[i].inode);
		assert_int_equal(a->owners[i].fd, b->owners[i].fd);
		assert_int_equal(pa->pid, pb->pid);
		assert_int_equal(pa->comm_len, pb->comm_len);
		assert_memory_equal(pa->comm, pb->comm, pa->comm_len);
	}
	for (i = 1; i < a->nprocs; i++)
		assert_true(a->procs[i - 1].pid < a->procs[i].pid);
}

/*
 * On live /proc: a socket we share with a child (renamed), and one that
 * only a thread's own table holds, created after the child, so that the
 * iterator meets our pid, the child's, then our thread's (tid order) and
 * must merge the two visits of our process.  Skipped unless the BPF source
 * can be used here (root, built with it).
 */
static void test_live_same(void **state)
{
	struct unshared u;
	struct wanted w;
	struct owner_map a, b;
	pthread_t th;
	int sv[2], go[2], status, r;
	pid_t child;
	char c = 0;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		prctl(PR_SET_NAME, "bpf_unit_kid");
		close(go[1]);
		(void)!read(go[0], &c, 1);
		_exit(0);
	}
	assert_int_equal(pipe2(u.ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(u.done, O_CLOEXEC), 0);
	assert_int_equal(pthread_create(&th, NULL, unshared_thread, &u), 0);
	assert_int_equal(read(u.ready[0], &w.v[2], sizeof(w.v[2])), sizeof(w.v[2]));
	assert_true(w.v[2] != 0);
	w.v[0] = inode_of(sv[0]);
	w.v[1] = inode_of(sv[1]);

	r = owner_map_build_from("/proc", OWNER_SOURCE_BPF, want_set, &w, &a);
	if (r == 0) {
		assert_int_equal(a.source, OWNER_SOURCE_BPF);
		assert_int_equal(owner_map_build_from("/proc", OWNER_SOURCE_PROC, want_set, &w, &b), 0);
		assert_same_maps(&a, &b);
		/* Both ends: us and the child, at the same fds; and the
		 * thread's socket, ours (the thread's copies of both ends
		 * are the same holders, kept once). */
		assert_int_equal(a.len, 5);
		assert_int_equal(a.nprocs, 2);
		owner_map_free(&b);
		owner_map_free(&a);
	}
	(void)!write(u.done[1], &c, 1);
	pthread_join(th, NULL);
	(void)!write(go[1], &c, 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	close(sv[0]);
	close(sv[1]);
	if (r != 0) {
		print_message("BPF owner source not usable here (%s): skipped\n", owner_bpf_strerror(r));
		skip();
	}
}

/* The nsfd of ours at fd in m, if any. */
static const struct owner_nsfd *our_nsfd(const struct owner_map *m, int fd)
{
	size_t i;

	for (i = 0; i < m->nnsfds; i++)
		if (m->nsfds[i].pid == (int32_t)getpid() && m->nsfds[i].fd == fd)
			return &m->nsfds[i];
	return NULL;
}

static bool want_nothing(uint32_t inode, void *data)
{
	(void)inode;
	(void)data;
	return false;
}

/* How many of k's candidates pid holds. */
static size_t cands_of(const struct owner_sockns *k, int32_t pid)
{
	size_t i, n = 0;

	for (i = 0; i < k->ncand; i++)
		n += k->cand[i].pid == pid;
	return n;
}

/*
 * On live /proc: both sources report our nsfs fd of a network namespace
 * (and not the one of our mount namespace), whatever want() says; the
 * iterator also names the namespace of each socket, ours and that of
 * sockets made in a namespace nothing else holds, one entry each, with up
 * to OWNER_SOCKNS_CANDS of its sockets: ours first, then, once full, one
 * of a child that holds the same sockets in place of one of ours.
 */
static void test_live_namespaces(void **state)
{
	struct owner_map a, b;
	const struct owner_nsfd *nf;
	struct stat net_st, other_st = { 0 };
	int netfd, mntfd, home, sock, other[OWNER_SOCKNS_CANDS + 1], nother = 0, hold[2], r;
	pid_t child = -1;
	size_t i;
	bool ours = false, theirs = false;

	(void)state;
	netfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	mntfd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(netfd >= 0 && mntfd >= 0 && home >= 0);
	assert_int_equal(fstat(netfd, &net_st), 0);
	assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(sock >= 0);
	/* Sockets whose namespace only they hold (root only). */
	if (unshare(CLONE_NEWNET) == 0) {
		for (nother = 0; nother < OWNER_SOCKNS_CANDS + 1; nother++) {
			other[nother] = socket(AF_INET, SOCK_DGRAM, 0);
			assert_true(other[nother] >= 0);
		}
		assert_int_equal(stat("/proc/thread-self/ns/net", &other_st), 0);
		assert_int_equal(setns(home, CLONE_NEWNET), 0);
		/* A second process holding them (not CLOEXEC: it only waits). */
		child = fork();
		assert_true(child >= 0);
		if (child == 0) {
			char c;

			close(hold[1]);
			_exit(read(hold[0], &c, 1) < 0);
		}
	}
	close(hold[0]);
	r = owner_map_build_from("/proc", OWNER_SOURCE_BPF, want_nothing, NULL, &a);
	assert_int_equal(owner_map_build_from("/proc", OWNER_SOURCE_PROC, want_nothing, NULL, &b), 0);
	nf = our_nsfd(&b, netfd);
	assert_non_null(nf);
	assert_int_equal(nf->ns_ino, net_st.st_ino);
	assert_null(our_nsfd(&b, mntfd));
	assert_false(b.sockns_known);
	owner_map_free(&b);
	if (r == 0) {
		assert_int_equal(a.len, 0);
		nf = our_nsfd(&a, netfd);
		assert_non_null(nf);
		assert_int_equal(nf->ns_ino, net_st.st_ino);
		assert_null(our_nsfd(&a, mntfd));
		assert_true(a.sockns_known);
		for (i = 0; i < a.nsocknss; i++) {
			const struct owner_sockns *k = &a.socknss[i];

			if (i)
				assert_true(a.socknss[i - 1].ns_ino < k->ns_ino);
			assert_true(k->ncand >= 1 && k->ncand <= OWNER_SOCKNS_CANDS);
			ours |= k->ns_ino == net_st.st_ino;
			if (nother && k->ns_ino == other_st.st_ino) {
				/* Four of the five there: whichever process the
				 * iterator met first (pid order) has three, the
				 * other one, in place of a fourth of the first's. */
				size_t me = cands_of(k, (int32_t)getpid()), it = cands_of(k, child);

				assert_int_equal(k->ncand, OWNER_SOCKNS_CANDS);
				assert_true((me == 3 && it == 1) || (me == 1 && it == 3));
				assert_int_equal(k->cand[0].fd, other[0]);
				assert_int_equal(k->cand[1].fd, other[1]);
				assert_int_equal(k->cand[2].fd, other[2]);
				assert_int_equal(k->cand[3].fd, other[0]);
				assert_true(k->cand[3].pid != k->cand[0].pid);
				theirs = true;
			}
		}
		assert_true(ours);
		assert_true(!nother || theirs);
		owner_map_free(&a);
	}
	close(hold[1]);
	if (child > 0)
		assert_int_equal(waitpid(child, NULL, 0), child);
	while (nother > 0)
		close(other[--nother]);
	close(sock);
	close(home);
	close(mntfd);
	close(netfd);
	if (r != 0) {
		print_message("BPF owner source not usable here (%s): skipped\n", owner_bpf_strerror(r));
		skip();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fake_tree, tree_setup, tree_teardown),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_live_same),
		cmocka_unit_test(test_live_namespaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
