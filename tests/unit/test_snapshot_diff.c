/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/snapshot_diff.h"

static void add(struct sock_table *t, uint64_t cookie, uint8_t state, uint32_t inode)
{
	struct sock_entry e = {
		.cookie = cookie,
		.inode = inode,
		.family = AF_INET,
		.proto = SOCK_PROTO_TCP,
		.state = state,
		.lport = (uint16_t)(1000 + inode),
		.flags = cookie ? SOCK_F_COOKIE_KNOWN : 0,
	};

	assert_int_equal(sock_table_add(t, &e, NULL, 0), 0);
}

static void test_no_change(void **state)
{
	struct sock_table a = { 0 }, b = { 0 };
	struct sock_change *ch;
	size_t n;

	add(&a, 5, SOCK_STATE_LISTEN, 1);
	add(&a, 9, SOCK_STATE_ESTABLISHED, 2);
	/* Another order, same sockets: nothing changed. */
	add(&b, 9, SOCK_STATE_ESTABLISHED, 2);
	add(&b, 5, SOCK_STATE_LISTEN, 1);
	assert_int_equal(snapshot_diff(&a, NULL, &b, NULL, &ch, &n), 0);
	assert_int_equal(n, 0);
	assert_null(ch);
	sock_table_free(&a);
	sock_table_free(&b);
}

static void test_kinds(void **state)
{
	struct sock_table a = { 0 }, b = { 0 };
	struct sock_change *ch;
	size_t n;

	add(&a, 5, SOCK_STATE_LISTEN, 1);      /* stays */
	add(&a, 7, SOCK_STATE_ESTABLISHED, 2); /* closes */
	add(&a, 9, SOCK_STATE_ESTABLISHED, 3); /* -> CLOSE_WAIT */
	add(&b, 11, SOCK_STATE_ESTABLISHED, 4); /* new */
	add(&b, 9, SOCK_STATE_CLOSE_WAIT, 3);
	add(&b, 5, SOCK_STATE_LISTEN, 1);
	/* The same inode, a new cookie: another socket (inodes are reused). */
	add(&b, 12, SOCK_STATE_ESTABLISHED, 2);
	assert_int_equal(snapshot_diff(&a, NULL, &b, NULL, &ch, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(ch[0].kind, SOCK_CHANGE_CLOSED);
	assert_int_equal(ch[0].index, 1);
	assert_int_equal(ch[1].kind, SOCK_CHANGE_NEW);
	assert_int_equal(ch[1].index, 0);
	assert_int_equal(ch[2].kind, SOCK_CHANGE_STATE);
	assert_int_equal(ch[2].index, 1);
	assert_int_equal(ch[2].from_state, SOCK_STATE_ESTABLISHED);
	assert_int_equal(ch[3].kind, SOCK_CHANGE_NEW);
	assert_int_equal(ch[3].index, 3);
	free(ch);
	sock_table_free(&a);
	sock_table_free(&b);
}

static void test_empty_sides(void **state)
{
	struct sock_table a = { 0 }, b = { 0 };
	struct sock_change *ch;
	size_t n;

	assert_int_equal(snapshot_diff(&a, NULL, &b, NULL, &ch, &n), 0);
	assert_int_equal(n, 0);
	add(&b, 3, SOCK_STATE_LISTEN, 1);
	add(&b, 4, SOCK_STATE_LISTEN, 2);
	assert_int_equal(snapshot_diff(&a, NULL, &b, NULL, &ch, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ch[0].kind, SOCK_CHANGE_NEW);
	assert_int_equal(ch[1].kind, SOCK_CHANGE_NEW);
	free(ch);
	assert_int_equal(snapshot_diff(&b, NULL, &a, NULL, &ch, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ch[0].kind, SOCK_CHANGE_CLOSED);
	assert_int_equal(ch[1].kind, SOCK_CHANGE_CLOSED);
	assert_int_equal(ch[1].index, 1);
	free(ch);
	sock_table_free(&b);
}

/* A resumed dump may list a socket twice: it is one socket, once. */
static void test_repeats_count_once(void **state)
{
	struct sock_table a = { 0 }, b = { 0 };
	struct sock_change *ch;
	size_t n;

	add(&a, 5, SOCK_STATE_LISTEN, 1);
	add(&a, 5, SOCK_STATE_LISTEN, 1);
	add(&b, 5, SOCK_STATE_LISTEN, 1);
	add(&b, 6, SOCK_STATE_LISTEN, 2);
	add(&b, 6, SOCK_STATE_LISTEN, 2);
	assert_int_equal(snapshot_diff(&a, NULL, &b, NULL, &ch, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].kind, SOCK_CHANGE_NEW);
	assert_int_equal(ch[0].index, 1);
	free(ch);
	sock_table_free(&a);
	sock_table_free(&b);
}

/* /proc rows have no cookie: inode and addresses name them. */
static void test_without_cookie(void **state)
{
	struct sock_table a = { 0 }, b = { 0 };
	struct sock_change *ch;
	size_t n;

	add(&a, 0, SOCK_STATE_ESTABLISHED, 1);
	add(&a, 0, SOCK_STATE_ESTABLISHED, 2);
	add(&b, 0, SOCK_STATE_FIN_WAIT1, 2);
	add(&b, 0, SOCK_STATE_ESTABLISHED, 1);
	assert_int_equal(snapshot_diff(&a, NULL, &b, NULL, &ch, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].kind, SOCK_CHANGE_STATE);
	assert_int_equal(ch[0].index, 0);
	free(ch);
	sock_table_free(&a);
	sock_table_free(&b);
}

static void test_find(void **state)
{
	struct sock_table t = { 0 };
	struct sock_entry probe = { .cookie = 9, .flags = SOCK_F_COOKIE_KNOWN };
	struct sock_key k;
	size_t *order;
	const struct sock_entry *e;

	add(&t, 12, SOCK_STATE_LISTEN, 1);
	add(&t, 9, SOCK_STATE_ESTABLISHED, 2);
	add(&t, 3, SOCK_STATE_ESTABLISHED, 3);
	assert_int_equal(snapshot_diff_index(&t, NULL, &order), 0);
	snapshot_diff_key(NULL, &probe, &k);
	e = snapshot_diff_find(&t, NULL, order, t.len, &k);
	assert_non_null(e);
	assert_int_equal(e->inode, 2);
	probe.cookie = 10;
	snapshot_diff_key(NULL, &probe, &k);
	assert_null(snapshot_diff_find(&t, NULL, order, t.len, &k));
	free(order);
	sock_table_free(&t);
}

static void add_in(struct sock_table *t, uint64_t cookie, uint16_t netns_idx)
{
	struct sock_entry e = {
		.cookie = cookie,
		.family = AF_INET,
		.proto = SOCK_PROTO_TCP,
		.state = SOCK_STATE_LISTEN,
		.flags = SOCK_F_COOKIE_KNOWN,
		.netns_idx = netns_idx,
	};

	assert_int_equal(sock_table_add(t, &e, NULL, 0), 0);
}

/* The namespace part of the key is the namespace's inode, not its index
 * in one snapshot's list: the next snapshot may list them in another
 * order (one came or went). */
static void test_netns_by_inode(void **state)
{
	struct snapshot_ns pv[2] = { { .ino = 4026532001u }, { .ino = 4026532002u } };
	struct snapshot_ns cv[3] = { { .ino = 4026532003u }, { .ino = 4026532002u },
				     { .ino = 4026532001u } };
	struct snapshot_netns pn = { .v = pv, .len = 2 }, cn = { .v = cv, .len = 3 };
	struct sock_table a = { 0 }, b = { 0 };
	struct sock_change *ch;
	size_t n;

	add_in(&a, 5, 0); /* in ...001: index 0 before, 2 after: unchanged */
	add_in(&a, 6, 1); /* in ...002: index 1 in both: unchanged */
	add_in(&a, 7, 0); /* in ...001 before; the same cookie in ...003 after */
	add_in(&b, 5, 2);
	add_in(&b, 6, 1);
	add_in(&b, 7, 0);
	assert_int_equal(snapshot_diff(&a, &pn, &b, &cn, &ch, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ch[0].kind, SOCK_CHANGE_CLOSED);
	assert_int_equal(ch[0].index, 2);
	assert_int_equal(ch[1].kind, SOCK_CHANGE_NEW);
	assert_int_equal(ch[1].index, 2);
	free(ch);
	sock_table_free(&a);
	sock_table_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_change),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_empty_sides),
		cmocka_unit_test(test_repeats_count_once),
		cmocka_unit_test(test_without_cookie),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_netns_by_inode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
