/* SPDX-License-Identifier: MIT */
/* The streaming collector's row sink (src/collect/collect_stream.c): what
 * collect.c does to a slot's rows in a table, done row by row. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/collect_stream.h"

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

static void test_dedupe_within_and_across_passes(void **state)
{
	struct seen s = { 0 };
	struct collect_stream st = { .batch_rows = 100, .emit = emit, .data = &s };
	struct stream_sink k;

	(void)state;
	stream_sink_init(&k, &st);
	stream_slot_begin(&k, false);
	stream_pass_begin(&k, false);
	assert_int_equal(add(&k, inet(AF_INET, 1)), 0);
	assert_int_equal(add(&k, inet(AF_INET, 2)), 0);
	assert_int_equal(add(&k, inet(AF_INET, 1)), 0); /* a resumed dump's repeat */
	assert_int_equal(k.repeats, 1);
	/* The next pass: what the first had is merged away, not a repeat... */
	stream_pass_begin(&k, false);
	assert_int_equal(add(&k, inet(AF_INET, 2)), 0);
	assert_int_equal(add(&k, inet(AF_INET, 3)), 0);
	assert_int_equal(k.repeats, 0);
	/* ...unless this pass sends it twice. */
	assert_int_equal(add(&k, inet(AF_INET, 2)), 0);
	assert_int_equal(k.repeats, 1);
	/* No cookie: never merged. */
	struct sock_entry none = inet(AF_INET, 0);
	none.flags = 0;
	assert_int_equal(add(&k, none), 0);
	assert_int_equal(add(&k, none), 0);
	assert_int_equal(stream_slot_end(&k), 0);
	assert_int_equal(stream_flush(&k), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.cookies[0], 1);
	assert_int_equal(s.cookies[1], 2);
	assert_int_equal(s.cookies[2], 3);
	assert_int_equal(s.cookies[3], 0);
	assert_int_equal(s.cookies[4], 0);
	/* A new slot starts with no cookies. */
	stream_slot_begin(&k, false);
	stream_pass_begin(&k, false);
	assert_int_equal(add(&k, inet(AF_INET, 1)), 0);
	assert_int_equal(stream_flush(&k), 0);
	assert_int_equal(s.n, 6);
	stream_sink_free(&k);
}

static void test_ipv6_after_ipv4(void **state)
{
	struct seen s = { 0 };
	struct collect_stream st = { .batch_rows = 2, .emit = emit, .data = &s };
	struct stream_sink k;
	const uint8_t want[] = { AF_INET, AF_INET, AF_INET, AF_INET6, AF_INET6 };
	size_t i;

	(void)state;
	stream_sink_init(&k, &st);
	stream_slot_begin(&k, true);
	stream_pass_begin(&k, false);
	assert_int_equal(add(&k, inet(AF_INET6, 1)), 0);
	assert_int_equal(add(&k, inet(AF_INET, 2)), 0);
	assert_int_equal(add(&k, inet(AF_INET6, 3)), 0);
	assert_int_equal(add(&k, inet(AF_INET, 4)), 0);
	stream_pass_begin(&k, false);
	assert_int_equal(add(&k, inet(AF_INET6, 1)), 0);
	assert_int_equal(add(&k, inet(AF_INET, 5)), 0);
	assert_int_equal(stream_slot_end(&k), 0);
	assert_int_equal(stream_flush(&k), 0);
	assert_int_equal(s.n, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(s.families[i], want[i]);
	assert_int_equal(s.cookies[0], 2);
	assert_int_equal(s.cookies[2], 5);
	assert_int_equal(s.cookies[3], 1);
	assert_int_equal(s.cookies[4], 3);
	/* Batches of two, the last one short. */
	assert_int_equal(s.nbatches, 3);
	assert_int_equal(s.batches[0], 2);
	assert_int_equal(s.batches[2], 1);
	stream_sink_free(&k);
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
	struct seen s = { 0 };
	struct collect_stream st = { .batch_rows = 2, .emit = emit, .ahead = ahead, .data = &s };
	struct stream_sink k;
	const uint64_t want[] = { 101, 2, 4, 105, 6, 1, 5 };
	size_t i;

	(void)state;
	stream_sink_init(&k, &st);
	stream_slot_begin(&k, true);
	stream_pass_begin(&k, false);
	assert_int_equal(add(&k, inet(AF_INET6, 1)), 0);
	assert_int_equal(add(&k, inet(AF_INET, 2)), 0);
	assert_int_equal(add(&k, inet(AF_INET6, 3)), 0);
	/* Held, and shown ahead (but not 3, dropped there) before 2 and 4. */
	assert_int_equal(add(&k, inet(AF_INET, 4)), 0);
	assert_int_equal(add(&k, inet(AF_INET6, 5)), 0);
	assert_int_equal(add(&k, inet(AF_INET, 6)), 0);
	/* Shown once only; then the held rows follow, without 3. */
	assert_int_equal(stream_slot_end(&k), 0);
	assert_int_equal(stream_flush(&k), 0);
	assert_int_equal(s.n, 7);
	for (i = 0; i < 7; i++)
		assert_int_equal(s.cookies[i], want[i]);
	stream_sink_free(&k);
}

static void test_undo_only_before_a_flush(void **state)
{
	struct seen s = { 0 };
	struct collect_stream st = { .batch_rows = 3, .emit = emit, .data = &s };
	struct stream_sink k;

	(void)state;
	stream_sink_init(&k, &st);
	stream_slot_begin(&k, false);
	stream_pass_begin(&k, false);
	assert_int_equal(add(&k, inet(AF_INET, 1)), 0);
	assert_int_equal(stream_slot_end(&k), 0);
	/* A slot that fails before any of its rows went out: dropped. */
	stream_slot_begin(&k, false);
	stream_pass_begin(&k, false);
	assert_int_equal(add(&k, inet(AF_INET, 2)), 0);
	assert_true(stream_slot_undo(&k));
	assert_false(k.fatal);
	assert_int_equal(k.batch.len, 1);
	/* One that fails after: cannot be undone. */
	stream_slot_begin(&k, false);
	stream_pass_begin(&k, false);
	assert_int_equal(add(&k, inet(AF_INET, 3)), 0);
	assert_int_equal(add(&k, inet(AF_INET, 4)), 0);
	assert_int_equal(s.n, 3);
	assert_false(stream_slot_undo(&k));
	assert_true(k.fatal);
	stream_sink_free(&k);
}

static void test_emit_error_ends_the_dump(void **state)
{
	struct seen s = { .fail = -EPIPE };
	struct collect_stream st = { .batch_rows = 1, .emit = emit, .data = &s };
	struct stream_sink k;

	(void)state;
	stream_sink_init(&k, &st);
	stream_slot_begin(&k, false);
	stream_pass_begin(&k, false);
	assert_int_equal(add(&k, inet(AF_INET, 1)), -EPIPE);
	assert_true(k.fatal);
	stream_sink_free(&k);
}

static void test_peer_check(void **state)
{
	struct seen s = { 0 };
	struct collect_stream st = { .batch_rows = 100, .emit = emit, .data = &s };
	struct stream_sink k;

	(void)state;
	stream_sink_init(&k, &st);
	stream_slot_begin(&k, false);
	stream_pass_begin(&k, true);
	assert_int_equal(add(&k, unix_sock(10, 11)), 0);
	assert_int_equal(add(&k, unix_sock(11, 10)), 0);
	assert_int_equal(stream_peer_missing(&k), 0);
	/* The next pass sees one end of a pair only; its rows were merged
	 * away, but they count for the check. */
	stream_pass_begin(&k, true);
	assert_int_equal(add(&k, unix_sock(10, 11)), 0);
	assert_int_equal(add(&k, unix_sock(12, 13)), 0);
	assert_int_equal(stream_peer_missing(&k), 1);
	stream_sink_free(&k);
}

static void test_many_cookies(void **state)
{
	struct seen s = { 0 };
	struct collect_stream st = { .batch_rows = 4096, .emit = emit, .data = &s };
	struct stream_sink k;
	uint64_t c;

	(void)state;
	stream_sink_init(&k, &st);
	stream_slot_begin(&k, false);
	stream_pass_begin(&k, false);
	for (c = 1; c <= 100000; c++)
		assert_int_equal(add(&k, inet(AF_INET, c * 7919)), 0);
	stream_pass_begin(&k, false);
	for (c = 1; c <= 100000; c++)
		assert_int_equal(add(&k, inet(AF_INET, c * 7919)), 0);
	assert_int_equal(k.repeats, 0);
	assert_int_equal(k.cookies_len, 100000);
	assert_true(8 * k.cookies_len <= 7 * k.cookies_cap);
	stream_sink_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dedupe_within_and_across_passes),
		cmocka_unit_test(test_ipv6_after_ipv4),
		cmocka_unit_test(test_ahead_before_the_rows),
		cmocka_unit_test(test_undo_only_before_a_flush),
		cmocka_unit_test(test_emit_error_ends_the_dump),
		cmocka_unit_test(test_peer_check),
		cmocka_unit_test(test_many_cookies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
