/* SPDX-License-Identifier: MIT */
/*
 * The owner walk for a socket table (owner_table.c): the held sockets that
 * no dump listed, on the fake tree, and which of them are UNIX sockets
 * still held, on our own live /proc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lsock/owner.h"
#include "lsock/sock_table.h"

#include "test_owner_tree.h"

/* getxattr(2) calls, counted through ld --wrap (test_owner_table.wrap). */
static size_t getxattr_calls;

ssize_t __real_getxattr(const char *path, const char *name, void *value, size_t size);

ssize_t __wrap_getxattr(const char *path, const char *name, void *value, size_t size)
{
	getxattr_calls++;
	return __real_getxattr(path, name, value, size);
}

static void add_row(struct sock_table *t, uint32_t inode)
{
	struct sock_entry e = { .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .inode = inode };

	assert_int_equal(sock_table_add(t, &e, NULL, 0), 0);
}

/* The table lists 12345; 300 was collected but pruned (known).  Every other
 * socket a process holds comes back as unknown, with its holders recorded,
 * while 300, known, is neither. */
static void test_unknown_held(void **state)
{
	const struct tree *t = *state;
	static const uint32_t known[] = { 300, 12345 };
	static const uint32_t want_unknown[] = { 200, 555, 888, 889, 4294967295u };
	static const struct holder h200[] = { { 1, 5 } };
	const struct owner *first;
	struct sock_table tab = { 0 };
	struct owner_map m;
	uint32_t *unknown = (uint32_t *)1;
	size_t n = 99, i;
	bool walked = false;

	build_std_tree(t);
	add_row(&tab, 12345);
	assert_int_equal(owner_map_build_for_known(t->root, &tab, known, 2, &m, &walked, &unknown, &n),
			 0);
	assert_true(walked);
	assert_sorted(&m);
	/* 555's holder (pid 55) has no comm and lost its rows, but the walk
	 * saw it held: the probe will find no holder for it. */
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++)
		assert_int_equal(unknown[i], want_unknown[i]);
	assert_int_equal(owner_map_find(&m, 12345, &first), 4);
	assert_holders(&m, 200, h200, 1);
	assert_int_equal(owner_map_find(&m, 888, &first), 1);
	assert_int_equal(owner_map_find(&m, 300, &first), 0);
	assert_int_equal(owner_map_find(&m, 555, &first), 0);
	free(unknown);
	owner_map_free(&m);

	/* A listed row's UNIX peer is asked for (peer owners), yet no dump
	 * listed it: still unknown, so that it is looked for. */
	sock_table_free(&tab);
	add_row(&tab, 12345);
	tab.entries[0].flags |= SOCK_F_PEER_KNOWN;
	tab.entries[0].peer_inode = 888;
	assert_int_equal(owner_map_build_for_known(t->root, &tab, known, 2, &m, &walked, &unknown, &n),
			 0);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++)
		assert_int_equal(unknown[i], want_unknown[i]);
	assert_int_equal(owner_map_find(&m, 888, &first), 1);
	free(unknown);
	owner_map_free(&m);
	sock_table_free(&tab);
	add_row(&tab, 12345);

	/* Without known, only the table's inodes, as owner_map_build_for(). */
	assert_int_equal(owner_map_build_for_known(t->root, &tab, NULL, 0, &m, &walked, &unknown, &n),
			 0);
	assert_int_equal(n, 0);
	assert_null(unknown);
	assert_int_equal(m.len, 4);
	owner_map_free(&m);
	assert_int_equal(owner_map_build_for(t->root, &tab, &m, &walked), 0);
	assert_int_equal(m.len, 4);
	owner_map_free(&m);

	/* An empty table still walks when looking for unlisted sockets
	 * (every dumped row may have been pruned, or missed). */
	sock_table_free(&tab);
	assert_int_equal(owner_map_build_for(t->root, &tab, &m, &walked), 0);
	assert_false(walked);
	owner_map_free(&m);
	assert_int_equal(owner_map_build_for_known(t->root, &tab, known, 2, &m, &walked, &unknown, &n),
			 0);
	assert_true(walked);
	assert_int_equal(n, 5); /* 12345 is known, though not listed */
	free(unknown);
	owner_map_free(&m);

	/* A missing root: the walk's error, and an empty unknown list. */
	assert_int_equal(owner_map_build_for_known("/nonexistent-lsock", &tab, known, 2, &m, &walked,
						   &unknown, &n),
			 -ENOENT);
	assert_null(unknown);
	assert_int_equal(n, 0);
	assert_false(walked);
	sock_table_free(&tab);
}

static uint32_t inode_of(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

static bool want_all(uint32_t inode, void *data)
{
	return true;
}

/* On our own /proc: a UNIX stream and dgram socket, a TCP socket and a
 * UDP socket, and a UNIX socket that is closed after the walk.  Only the
 * UNIX sockets still held are kept, in order. */
/* Two maps the same, holder for holder, proc for proc, and in what the
 * walk could see. */
static void assert_maps_equal(const struct owner_map *a, const struct owner_map *b)
{
	size_t i;

	assert_int_equal(a->len, b->len);
	assert_int_equal(a->nprocs, b->nprocs);
	if (a->len)
		assert_memory_equal(a->owners, b->owners, a->len * sizeof(*a->owners));
	for (i = 0; i < a->nprocs; i++) {
		assert_int_equal(a->procs[i].pid, b->procs[i].pid);
		assert_int_equal(a->procs[i].comm_len, b->procs[i].comm_len);
		assert_memory_equal(a->procs[i].comm, b->procs[i].comm, a->procs[i].comm_len);
	}
	assert_int_equal(a->n_denied, b->n_denied);
	assert_int_equal(a->n_irregular, b->n_irregular);
	assert_memory_equal(a->denied, b->denied, sizeof(a->denied));
	assert_int_equal(a->foreign_pidns, b->foreign_pidns);
	assert_int_equal(a->source, b->source);
}

/* The walk begun before the dump and matched against the table after it
 * (snapshot_take()) answers as the walk filtered as it goes: the same map,
 * the same unknown held sockets, the same "walked". */
static void test_match_equals_walk(void **state)
{
	const struct tree *t = *state;
	static const uint32_t known[] = { 300, 12345 };
	static const uint32_t rows[] = { 12345, 888, 200, 300 };
	struct sock_table tab = { 0 };
	size_t pass, i;

	build_std_tree(t);
	for (pass = 0; pass < 3; pass++) {
		struct owner_map walked_map, all, matched;
		struct owner_walk *w;
		uint32_t *u1, *u2;
		size_t n1, n2, n;
		const struct owner *first;
		bool walked1, walked2;
		const uint32_t *k = pass == 1 ? known : NULL;

		if (pass < 2)
			for (i = 0; i < (pass ? 1 : 4); i++)
				add_row(&tab, rows[i]);
		assert_int_equal(owner_map_build_for_source(t->root, OWNER_SOURCE_PROC, &tab, k, 2,
							    &walked_map, &walked1, &u1, &n1),
				 0);
		assert_int_equal(owner_walk_begin(t->root, OWNER_SOURCE_PROC, &w), 0);
		assert_int_equal(owner_walk_join(w, &all), 0);
		assert_int_equal(owner_map_match_for(&all, &tab, k, 2, &matched, &walked2, &u2, &n2),
				 0);
		assert_int_equal(walked1, walked2);
		assert_maps_equal(&walked_map, &matched);
		/* The walk records an unknown socket when it meets it, so also
		 * one whose holder then lost its rows (died: 555, pid 55 has no
		 * comm), which the snapshot's probe drops for having no holder;
		 * the match never sees it.  The rest is the same. */
		for (i = 0, n = 0; i < n1; i++)
			if (owner_map_find(&walked_map, u1[i], &first))
				u1[n++] = u1[i];
		assert_int_equal(n, n2);
		if (n)
			assert_memory_equal(u1, u2, n * sizeof(*u1));
		free(u1);
		free(u2);
		owner_map_free(&walked_map);
		owner_map_free(&matched);
		owner_map_free(&all);
		if (pass == 1)
			sock_table_free(&tab);
	}
	/* A begun walk that is not wanted is stopped and freed. */
	{
		struct owner_walk *w;

		assert_int_equal(owner_walk_begin(t->root, OWNER_SOURCE_PROC, &w), 0);
		owner_walk_cancel(w);
		owner_walk_cancel(NULL);
	}
}

static void test_keep_unix_held_live(void **state)
{
	uint32_t inodes[5], tcp, udp, closed;
	struct owner_map m;
	int sv[2], dg, t, u, other;
	size_t n;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	dg = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	u = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(dg >= 0 && t >= 0 && u >= 0);
	tcp = inode_of(t);
	udp = inode_of(u);
	closed = inode_of(sv[1]);
	inodes[0] = inode_of(sv[0]);
	inodes[1] = tcp;
	inodes[2] = closed;
	inodes[3] = udp;
	inodes[4] = inode_of(dg);

	assert_int_equal(owner_map_build("/proc", want_all, NULL, &m), 0);
	close(sv[1]);
	n = owner_map_keep_unix_held("/proc", &m, inodes, 5);
	assert_int_equal(n, 2);
	assert_int_equal(inodes[0], inode_of(sv[0]));
	assert_int_equal(inodes[1], inode_of(dg));

	/* The fd now holds another UNIX socket: not the one walked. */
	inodes[0] = inode_of(dg);
	other = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(other >= 0);
	assert_int_equal(dup3(other, dg, O_CLOEXEC), dg);
	close(other);
	assert_int_not_equal(inode_of(dg), inodes[0]);
	assert_int_equal(owner_map_keep_unix_held("/proc", &m, inodes, 1), 0);
	/* An inode the map has no holder for. */
	inodes[0] = 1;
	assert_int_equal(owner_map_keep_unix_held("/proc", &m, inodes, 1), 0);
	owner_map_free(&m);
	close(sv[0]);
	close(dg);
	close(t);
	close(u);
}

/*
 * A process in another network namespace holding many UNIX sockets: none
 * is ours, and its namespace is asked once, not each socket's protocol
 * (two system calls per socket before).  Needs root for the namespace.
 */
static void test_keep_unix_held_other_netns(void **state)
{
	enum { PAIRS = 500 };
	int ready[2], i;
	uint32_t *inodes = calloc(2 * PAIRS, sizeof(*inodes));
	struct owner_map m;
	size_t kept;
	pid_t child;
	int r;

	(void)state;
	assert_non_null(inodes);
	if (geteuid() != 0) {
		free(inodes);
		skip();
	}
	assert_int_equal(pipe(ready), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int sv[2];

		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		for (i = 0; i < PAIRS; i++) {
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
				_exit(1);
			inodes[2 * i] = inode_of(sv[0]);
			inodes[2 * i + 1] = inode_of(sv[1]);
		}
		if (write(ready[1], inodes, 2 * PAIRS * sizeof(*inodes)) !=
		    (ssize_t)(2 * PAIRS * sizeof(*inodes)))
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], inodes, 2 * PAIRS * sizeof(*inodes)) !=
	    (ssize_t)(2 * PAIRS * sizeof(*inodes))) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		fail_msg("the child made no sockets in a new network namespace");
	}
	close(ready[0]);
	r = owner_map_build("/proc", want_all, NULL, &m);
	getxattr_calls = 0;
	kept = r == 0 ? owner_map_keep_unix_held("/proc", &m, inodes, 2 * PAIRS) : 1;
	/* The child first: a failed assertion must not leave it paused. */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_int_equal(r, 0);
	owner_map_free(&m);
	free(inodes);
	assert_int_equal(kept, 0);
	assert_int_equal(getxattr_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unknown_held, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_match_equals_walk, tree_setup, tree_teardown),
		cmocka_unit_test(test_keep_unix_held_live),
		cmocka_unit_test(test_keep_unix_held_other_netns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
