/* SPDX-License-Identifier: MIT */
/* The streaming collector's row sink (src/collect/collect_stream.c): what
 * collect.c does to a slot's rows in a table, done row by row; and
 * collect_run_stream() against collect_run() over the scripted kernel
 * (nl_script.h; the mnl_socket_* wraps are in test_collect_stream.wrap). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/inet_diag.h>

#include "collect/collect_stream.h"
#include "nl_script.h"

/* What emit() saw: every row handed on, in order, and the batch sizes. */
struct seen {
	uint64_t cookies[64];
	uint8_t families[64];
	size_t n;
	size_t batches[16];
	size_t nbatches;
	int fail; /* emit() returns this */
};

static int emit(struct sock_table *batch, void *data)
{
	struct seen *s = data;
	size_t i;

	for (i = 0; i < batch->len && s->n < 64; i++) {
		s->cookies[s->n] = batch->entries[i].cookie;
		s->families[s->n++] = batch->entries[i].family;
	}
	if (s->nbatches < 16)
		s->batches[s->nbatches++] = batch->len;
	return s->fail;
}

static struct sock_entry inet(uint8_t family, uint64_t cookie)
{
	struct sock_entry e = { .family = family, .proto = SOCK_PROTO_TCP, .cookie = cookie,
				.flags = SOCK_F_COOKIE_KNOWN, .inode = (uint32_t)cookie };

	return e;
}

static struct sock_entry unix_sock(uint32_t inode, uint32_t peer)
{
	struct sock_entry e = { .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .inode = inode,
				.cookie = inode, .peer_inode = peer,
				.flags = SOCK_F_COOKIE_KNOWN | SOCK_F_PEER_KNOWN };

	return e;
}

static int add(struct stream_sink *k, struct sock_entry e)
{
	return k->rows.add(&k->rows, &e, NULL, 0);
}

/* A sink and what it handed on; one per test (setup() and teardown()). */
struct fixture {
	struct seen s;
	struct collect_stream st;
	struct stream_sink k;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return f ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	stream_sink_free(&f->k);
	free(f);
	return script_teardown(state);
}

/* The sink handing batches of batch_rows to emit() (and to ahead_fn, if
 * not NULL), in the first pass of its first slot: hold6 and track_peers as
 * stream_slot_begin() and stream_pass_begin() take them. */
static struct stream_sink *start(void **state, size_t batch_rows,
				 void (*ahead_fn)(struct sock_table *, void *), bool hold6,
				 bool track_peers)
{
	struct fixture *f = *state;

	f->st = (struct collect_stream){ .batch_rows = batch_rows, .emit = emit, .ahead = ahead_fn,
					 .data = &f->s };
	stream_sink_init(&f->k, &f->st);
	stream_slot_begin(&f->k, hold6);
	stream_pass_begin(&f->k, track_peers, false);
	return &f->k;
}

static struct seen *seen(void **state)
{
	return &((struct fixture *)*state)->s;
}

static void test_dedupe_within_and_across_passes(void **state)
{
	struct stream_sink *k = start(state, 100, NULL, false, false);
	struct seen *s = seen(state);

	assert_int_equal(add(k, inet(AF_INET, 1)), 0);
	assert_int_equal(add(k, inet(AF_INET, 2)), 0);
	assert_int_equal(add(k, inet(AF_INET, 1)), 0); /* a resumed dump's repeat */
	assert_int_equal(k->repeats, 1);
	/* The next pass: what the first had is merged away, not a repeat... */
	stream_pass_begin(k, false, false);
	assert_int_equal(add(k, inet(AF_INET, 2)), 0);
	assert_int_equal(add(k, inet(AF_INET, 3)), 0);
	assert_int_equal(k->repeats, 0);
	/* ...unless this pass sends it twice. */
	assert_int_equal(add(k, inet(AF_INET, 2)), 0);
	assert_int_equal(k->repeats, 1);
	/* No cookie: never merged. */
	struct sock_entry none = inet(AF_INET, 0);
	none.flags = 0;
	assert_int_equal(add(k, none), 0);
	assert_int_equal(add(k, none), 0);
	assert_int_equal(stream_slot_end(k), 0);
	assert_int_equal(stream_flush(k), 0);
	assert_int_equal(s->n, 5);
	assert_int_equal(s->cookies[0], 1);
	assert_int_equal(s->cookies[1], 2);
	assert_int_equal(s->cookies[2], 3);
	assert_int_equal(s->cookies[3], 0);
	assert_int_equal(s->cookies[4], 0);
	/* A new slot starts with no cookies. */
	stream_slot_begin(k, false);
	stream_pass_begin(k, false, false);
	assert_int_equal(add(k, inet(AF_INET, 1)), 0);
	assert_int_equal(stream_flush(k), 0);
	assert_int_equal(s->n, 6);
}

static void test_ipv6_after_ipv4(void **state)
{
	struct stream_sink *k = start(state, 2, NULL, true, false);
	struct seen *s = seen(state);
	const uint8_t want[] = { AF_INET, AF_INET, AF_INET, AF_INET6, AF_INET6 };
	size_t i;

	assert_int_equal(add(k, inet(AF_INET6, 1)), 0);
	assert_int_equal(add(k, inet(AF_INET, 2)), 0);
	assert_int_equal(add(k, inet(AF_INET6, 3)), 0);
	assert_int_equal(add(k, inet(AF_INET, 4)), 0);
	stream_pass_begin(k, false, false);
	assert_int_equal(add(k, inet(AF_INET6, 1)), 0);
	assert_int_equal(add(k, inet(AF_INET, 5)), 0);
	assert_int_equal(stream_slot_end(k), 0);
	assert_int_equal(stream_flush(k), 0);
	assert_int_equal(s->n, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(s->families[i], want[i]);
	assert_int_equal(s->cookies[0], 2);
	assert_int_equal(s->cookies[2], 5);
	assert_int_equal(s->cookies[3], 1);
	assert_int_equal(s->cookies[4], 3);
	/* Batches of two, the last one short. */
	assert_int_equal(s->nbatches, 3);
	assert_int_equal(s->batches[0], 2);
	assert_int_equal(s->batches[2], 1);
}

/* ahead(): drops cookie 3, records what it was shown and when. */
static void ahead(struct sock_table *rows, void *data)
{
	struct seen *s = data;
	size_t i, j = 0;

	for (i = 0; i < rows->len; i++) {
		if (rows->entries[i].cookie == 3)
			continue;
		rows->entries[j++] = rows->entries[i];
		s->cookies[s->n] = 100 + rows->entries[i].cookie; /* 100+: seen ahead */
		s->families[s->n++] = rows->entries[i].family;
	}
	rows->len = j;
}

static void test_ahead_before_the_rows(void **state)
{
	struct stream_sink *k = start(state, 2, ahead, true, false);
	struct seen *s = seen(state);
	const uint64_t want[] = { 101, 2, 4, 105, 6, 1, 5 };
	size_t i;

	assert_int_equal(add(k, inet(AF_INET6, 1)), 0);
	assert_int_equal(add(k, inet(AF_INET, 2)), 0);
	assert_int_equal(add(k, inet(AF_INET6, 3)), 0);
	/* Held, and shown ahead (but not 3, dropped there) before 2 and 4. */
	assert_int_equal(add(k, inet(AF_INET, 4)), 0);
	assert_int_equal(add(k, inet(AF_INET6, 5)), 0);
	assert_int_equal(add(k, inet(AF_INET, 6)), 0);
	/* Shown once only; then the held rows follow, without 3. */
	assert_int_equal(stream_slot_end(k), 0);
	assert_int_equal(stream_flush(k), 0);
	assert_int_equal(s->n, 7);
	for (i = 0; i < 7; i++)
		assert_int_equal(s->cookies[i], want[i]);
}

static void test_undo_only_before_a_flush(void **state)
{
	struct stream_sink *k = start(state, 3, NULL, false, false);
	struct seen *s = seen(state);

	assert_int_equal(add(k, inet(AF_INET, 1)), 0);
	assert_int_equal(stream_slot_end(k), 0);
	/* A slot that fails before any of its rows went out: dropped. */
	stream_slot_begin(k, false);
	stream_pass_begin(k, false, false);
	assert_int_equal(add(k, inet(AF_INET, 2)), 0);
	assert_true(stream_slot_undo(k));
	assert_false(k->fatal);
	assert_int_equal(k->batch.len, 1);
	/* One that fails after: cannot be undone. */
	stream_slot_begin(k, false);
	stream_pass_begin(k, false, false);
	assert_int_equal(add(k, inet(AF_INET, 3)), 0);
	assert_int_equal(add(k, inet(AF_INET, 4)), 0);
	assert_int_equal(s->n, 3);
	assert_false(stream_slot_undo(k));
	assert_true(k->fatal);
}

static void test_emit_error_ends_the_dump(void **state)
{
	struct stream_sink *k = start(state, 1, NULL, false, false);
	struct seen *s = seen(state);

	s->fail = -EPIPE;
	assert_int_equal(add(k, inet(AF_INET, 1)), -EPIPE);
	assert_true(k->fatal);
}

static void test_peer_check(void **state)
{
	struct stream_sink *k = start(state, 100, NULL, false, true);

	assert_int_equal(add(k, unix_sock(10, 11)), 0);
	assert_int_equal(add(k, unix_sock(11, 10)), 0);
	assert_int_equal(stream_peer_missing(k), 0);
	/* The next pass sees one end of a pair only; its rows were merged
	 * away, but they count for the check. */
	stream_pass_begin(k, true, false);
	assert_int_equal(add(k, unix_sock(10, 11)), 0);
	assert_int_equal(add(k, unix_sock(12, 13)), 0);
	assert_int_equal(stream_peer_missing(k), 1);
}

static void test_many_cookies(void **state)
{
	struct stream_sink *k = start(state, 4096, NULL, false, false);
	uint64_t c;

	for (c = 1; c <= 100000; c++)
		assert_int_equal(add(k, inet(AF_INET, c * 7919)), 0);
	stream_pass_begin(k, false, false);
	for (c = 1; c <= 100000; c++)
		assert_int_equal(add(k, inet(AF_INET, c * 7919)), 0);
	assert_int_equal(k->repeats, 0);
	assert_int_equal(k->cookies_len, 100000);
	assert_true(8 * k->cookies_len <= 7 * k->cookies_cap);
}

/* A later pass's new rows wait for its end: then they follow in their
 * place (IPv6 after every IPv4 row), or, the pass failed, never come. */
static void test_deferred_pass(void **state)
{
	struct stream_sink *k = start(state, 1, NULL, true, false);
	struct seen *s = seen(state);
	const uint64_t want[] = { 1, 3, 2, 4 };
	size_t i;

	assert_int_equal(add(k, inet(AF_INET, 1)), 0);
	assert_int_equal(add(k, inet(AF_INET6, 2)), 0);
	stream_pass_begin(k, false, true);
	assert_int_equal(add(k, inet(AF_INET, 1)), 0);
	assert_int_equal(add(k, inet(AF_INET6, 4)), 0);
	assert_int_equal(add(k, inet(AF_INET, 3)), 0);
	assert_int_equal(s->n, 1);
	assert_int_equal(stream_pass_end(k, true), 0);
	assert_int_equal(s->n, 2);
	stream_pass_begin(k, false, true);
	assert_int_equal(add(k, inet(AF_INET, 5)), 0);
	assert_int_equal(add(k, inet(AF_INET6, 6)), 0);
	assert_int_equal(stream_pass_end(k, false), 0);
	assert_int_equal(stream_slot_end(k), 0);
	assert_int_equal(stream_flush(k), 0);
	assert_int_equal(s->n, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(s->cookies[i], want[i]);
}

/* ---- collect_run_stream() and collect_run() over the scripted kernel ---- */

/* A UDP socket's record, known by its cookie. */
static void put_udp(struct step *st, uint64_t cookie)
{
	struct inet_diag_msg m = { .idiag_family = AF_INET, .idiag_state = SOCK_STATE_ESTABLISHED,
				   .idiag_inode = (uint32_t)cookie };

	m.id.idiag_sport = htons((uint16_t)(40000 + cookie));
	m.id.idiag_src[0] = htonl(0x7f000001);
	m.id.idiag_cookie[0] = (uint32_t)cookie;
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, &m, sizeof(m));
}

/*
 * A udp dump under churn: the first pass takes two datagrams and sends
 * socket 1 twice (a resumed dump), so a second pass is run; it sends 2
 * again and 3, new, and then fails (fail: the receive fails with it) or
 * ends.  No /proc: the repeat alone says churn.
 */
static void churn_script(int fail)
{
	struct step *st;

	script_start();
	st = step_new();
	put_udp(st, 1);
	put_udp(st, 2);
	st = step_new();
	put_udp(st, 1);
	put_done(st, 0, 0);
	st = step_new();
	put_udp(st, 2);
	put_udp(st, 3);
	if (fail)
		step_errno(fail);
	else
		put_done(st, 0, 0);
}

static const struct collect_spec udp4 = {
	.protos = SOCK_PROTO_BIT(SOCK_PROTO_UDP), .protos_given = true, .inet4 = true,
	.states = SOCK_STATES_ALL, .source = SOURCE_NETLINK, .proc_root = "/nonexistent",
};

/* The stream hands on what the table holds, row for row: the rows of a
 * later pass only once that pass completed (one that fails is dropped, as
 * the table drops it), even with batches of one row. */
static void later_pass(void **state, int fail, size_t want)
{
	struct seen *s = seen(state);
	struct collect_stream st = { .batch_rows = 1, .emit = emit, .data = s };
	struct collect_report rep;
	struct sock_table t = { 0 };
	size_t i;

	churn_script(fail);
	assert_int_equal(collect_run(&udp4, &t, &rep), 0);
	assert_int_equal(rep.nslots, 1);
	assert_int_equal(rep.slots[0].source, SOCK_SOURCE_NETLINK);
	assert_int_equal(rep.slots[0].netlink_passes, fail ? 1 : 2);
	assert_int_equal(rep.slots[0].netlink_repeats, 1);
	assert_int_equal(t.len, want);

	churn_script(fail);
	assert_int_equal(collect_run_stream(&udp4, &st, &rep), 0);
	assert_true(S.pos == S.n);
	assert_int_equal(rep.slots[0].netlink_passes, fail ? 1 : 2);
	assert_int_equal(rep.slots[0].netlink_repeats, 1);
	assert_int_equal(s->n, want);
	for (i = 0; i < want; i++)
		assert_int_equal(s->cookies[i], t.entries[i].cookie);
	sock_table_free(&t);
}

static void test_later_pass_fails(void **state)
{
	later_pass(state, ENOBUFS, 2);
}

static void test_later_pass_completes(void **state)
{
	later_pass(state, 0, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dedupe_within_and_across_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_after_ipv4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ahead_before_the_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_only_before_a_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emit_error_ends_the_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_cookies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_later_pass_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_later_pass_completes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
