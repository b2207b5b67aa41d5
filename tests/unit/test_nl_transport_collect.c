/* SPDX-License-Identifier: MIT */
/*
 * The diag collectors over the scripted kernel (nl_script.h; the
 * mnl_socket_* wraps are in test_nl_transport_collect.wrap): a failed or
 * interrupted dump leaves the table as it was before the dump.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "lsock/diag.h"
#include "lsock/nl_transport.h"

#include "nl_script.h"

static void put_unix(struct step *st, uint32_t ino, const char *name, size_t name_len,
		     uint16_t extra_flags)
{
	uint8_t p[256] __attribute__((aligned(4)));
	struct unix_diag_msg m = { .udiag_family = AF_UNIX, .udiag_type = SOCK_STREAM,
				   .udiag_state = SOCK_STATE_LISTEN, .udiag_ino = ino };
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + name_len),
			    .nla_type = UNIX_DIAG_NAME };
	size_t plen = sizeof(m);

	memcpy(p, &m, sizeof(m));
	if (name_len) {
		memcpy(p + plen, &a, sizeof(a));
		memcpy(p + plen + sizeof(a), name, name_len);
		plen += NLA_ALIGN(sizeof(a) + name_len);
	}
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI | extra_flags, 0, 0, p, plen);
}

static void test_unix_collect_error_keeps_table(void **state)
{
	struct sock_table t = { .len = 0 };
	struct sock_entry pre = { .inode = 1 };
	struct nl_transport *nl;
	struct step *st;
	size_t dropped;

	assert_int_equal(sock_table_add(&t, &pre, "/pre", 4), 0);
	script_start();
	st = step_new();
	put_unix(st, 10, "/a", 2, 0);
	put_unix(st, 11, "/bb", 3, 0);
	put_error(step_new(), -EACCES);

	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(diag_unix_collect(nl, SOCK_STATES_ALL, &t, &dropped), -EACCES);
	assert_int_equal(t.len, 1);
	assert_int_equal(t.strings_len, 4);
	assert_int_equal(t.entries[0].inode, 1);
	nl_transport_close(nl);
	sock_table_free(&t);
}

static void test_unix_collect_redump(void **state)
{
	struct sock_table t = { .len = 0 };
	struct sock_entry pre = { .inode = 1 };
	struct nl_transport *nl;
	struct step *st;
	size_t dropped;

	assert_int_equal(sock_table_add(&t, &pre, "/pre", 4), 0);
	script_start();
	st = step_new();
	put_unix(st, 10, "/a", 2, 0);
	put_unix(st, 11, "/bb", 3, NLM_F_DUMP_INTR);
	put_done(st, 0, 0);
	st = step_new();
	put_unix(st, 10, "/a", 2, 0);
	put_unix(st, 11, "/bb", 3, 0);
	put_done(st, 0, 0);

	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(diag_unix_collect(nl, SOCK_STATES_ALL, &t, &dropped), 0);
	assert_int_equal(dropped, 0);
	assert_int_equal(S.sends, 2);
	/* no duplicates from the discarded partial dump */
	assert_int_equal(t.len, 3);
	assert_int_equal(t.strings_len, 4 + 2 + 3);
	assert_int_equal(t.entries[1].inode, 10);
	assert_int_equal(t.entries[2].inode, 11);
	assert_memory_equal(sock_table_name(&t, &t.entries[2]), "/bb", 3);
	nl_transport_close(nl);
	sock_table_free(&t);
}

/* One bad record costs that record, not the dump (issue 11). */
static void test_inet_collect_bad_record(void **state)
{
	struct sock_table t = { .len = 0 };
	struct nl_transport *nl;
	struct inet_diag_msg m = { .idiag_family = AF_INET, .idiag_inode = 5 };
	uint32_t junk = 0;
	struct step *st;
	size_t dropped = 99;

	script_start();
	st = step_new();
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, &m, sizeof(m));
	/* a record too short for struct inet_diag_msg, one of a wrong type */
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, &junk, 4);
	put_msg(st, SOCK_DIAG_BY_FAMILY + 1, NLM_F_MULTI, 0, 0, &m, sizeof(m));
	st = step_new();
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, &m, sizeof(m));
	put_done(st, 0, 0);
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(diag_inet_collect(nl, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t, &dropped),
			 0);
	assert_int_equal(t.len, 2);
	assert_int_equal(dropped, 2);
	nl_transport_close(nl);
	sock_table_free(&t);
}

/* A broken stream (a length past the datagram) still fails the dump, and
 * leaves the table as it was. */
static void test_inet_collect_broken_stream(void **state)
{
	struct sock_table t = { .len = 0 };
	struct nl_transport *nl;
	struct inet_diag_msg m = { .idiag_family = AF_INET, .idiag_inode = 5 };
	struct step *st;
	size_t dropped = 99;

	script_start();
	st = step_new();
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, &m, sizeof(m));
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, &m, sizeof(m));
	st->len -= 4; /* the second message is cut short */
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(diag_inet_collect(nl, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t, &dropped),
			 -EBADMSG);
	assert_int_equal(t.len, 0);
	assert_int_equal(dropped, 0);
	nl_transport_close(nl);
	sock_table_free(&t);
}

/* The answer to exact request seq_off: a lone record (no NLM_F_MULTI). */
static void put_unix_answer(struct step *st, uint32_t seq_off, uint32_t ino, uint8_t state)
{
	struct unix_diag_msg m = { .udiag_family = AF_UNIX, .udiag_type = SOCK_DGRAM,
				   .udiag_state = state, .udiag_ino = ino,
				   .udiag_cookie = { ino, 1 } };

	put_msg(st, SOCK_DIAG_BY_FAMILY, 0, seq_off, 0, &m, sizeof(m));
}

static void put_enoent(struct step *st, uint32_t seq_off)
{
	struct nlmsgerr e = { .error = -ENOENT };

	put_msg(st, NLMSG_ERROR, 0, seq_off, 0, &e, sizeof(e));
}

/* Sockets fetched by inode land in the table in any state; inode 0 is not
 * asked for, and ENOENT (closed, or another namespace's) is left out. */
static void test_unix_fetch(void **state)
{
	static const uint32_t inodes[] = { 10, 0, 11, 12 };
	struct sock_table t = { .len = 0 };
	struct sock_entry pre = { .inode = 1 };
	struct nl_transport *nl;
	size_t found = 99;

	assert_int_equal(sock_table_add(&t, &pre, "/pre", 4), 0);
	script_start();
	put_unix_answer(step_new(), 0, 10, SOCK_STATE_ESTABLISHED);
	put_enoent(step_new(), 1);
	put_unix_answer(step_new(), 2, 12, SOCK_STATE_CLOSE);
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(diag_unix_fetch(nl, inodes, 4, &t, &found), 0);
	assert_int_equal(found, 2);
	assert_int_equal(t.len, 3);
	assert_int_equal(t.entries[1].inode, 10);
	assert_int_equal(t.entries[1].state, SOCK_STATE_ESTABLISHED);
	assert_int_equal(t.entries[2].inode, 12);
	assert_int_equal(t.entries[2].state, SOCK_STATE_CLOSE);
	assert_int_equal(t.entries[2].cookie, (uint64_t)1 << 32 | 12);
	assert_true(t.entries[2].flags & SOCK_F_COOKIE_KNOWN);
	assert_int_equal(S.sends, 1);
	assert_int_equal(S.sent_len, 3 * (NLMSG_HDRLEN + sizeof(struct unix_diag_req)));
	nl_transport_close(nl);
	sock_table_free(&t);
}

/* More inodes than one batch: several datagrams of requests; a failure in
 * a later batch leaves the table as it was. */
static void test_unix_fetch_batches(void **state)
{
	uint32_t inodes[NL_TRANSPORT_BATCH_REQS + 3];
	struct sock_table t = { .len = 0 };
	struct nl_transport *nl;
	size_t found, i;

	for (i = 0; i < sizeof(inodes) / sizeof(inodes[0]); i++)
		inodes[i] = 1000 + (uint32_t)i;
	script_start();
	for (i = 0; i < NL_TRANSPORT_BATCH_REQS; i++)
		put_unix_answer(step_new(), (uint32_t)i, inodes[i], SOCK_STATE_LISTEN);
	/* The second batch is numbered after the first. */
	for (i = 0; i < 3; i++)
		put_unix_answer(step_new(), (uint32_t)i, inodes[NL_TRANSPORT_BATCH_REQS + i],
				SOCK_STATE_LISTEN);
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(diag_unix_fetch(nl, inodes, NL_TRANSPORT_BATCH_REQS + 3, &t, &found), 0);
	assert_int_equal(found, NL_TRANSPORT_BATCH_REQS + 3);
	assert_int_equal(S.sends, 2);
	for (i = 0; i < t.len; i++)
		assert_int_equal(t.entries[i].inode, inodes[i]);

	sock_table_free(&t);
	script_start();
	for (i = 0; i < NL_TRANSPORT_BATCH_REQS; i++)
		put_unix_answer(step_new(), (uint32_t)i, inodes[i], SOCK_STATE_LISTEN);
	step_errno(ENOBUFS);
	assert_int_equal(diag_unix_fetch(nl, inodes, NL_TRANSPORT_BATCH_REQS + 3, &t, &found),
			 -ENOBUFS);
	assert_int_equal(found, 0);
	assert_int_equal(t.len, 0);
	nl_transport_close(nl);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_unix_collect_error_keeps_table, script_teardown),
		cmocka_unit_test_teardown(test_unix_collect_redump, script_teardown),
		cmocka_unit_test_teardown(test_inet_collect_bad_record, script_teardown),
		cmocka_unit_test_teardown(test_inet_collect_broken_stream, script_teardown),
		cmocka_unit_test_teardown(test_unix_fetch, script_teardown),
		cmocka_unit_test_teardown(test_unix_fetch_batches, script_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
