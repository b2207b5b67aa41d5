/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/sock_table.h"

static struct sock_entry entry(uint32_t inode)
{
	struct sock_entry e = { .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .inode = inode };

	return e;
}

static void test_add_copies_names(void **state)
{
	struct sock_table t;
	struct sock_entry e = entry(1);
	const uint8_t abstract[] = { 0, 'a', 0, 'b' };

	sock_table_init(&t);
	assert_int_equal(sock_table_add(&t, &e, "/run/x", 6), 0);
	e = entry(2);
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	e = entry(3);
	assert_int_equal(sock_table_add(&t, &e, abstract, sizeof(abstract)), 0);
	assert_int_equal(t.len, 3);
	assert_int_equal(t.entries[0].path_len, 6);
	assert_memory_equal(sock_table_name(&t, &t.entries[0]), "/run/x", 6);
	assert_int_equal(t.entries[1].path_len, 0);
	assert_int_equal(t.entries[2].path_len, 4);
	assert_memory_equal(sock_table_name(&t, &t.entries[2]), abstract, 4);
	sock_table_free(&t);
	assert_int_equal(t.len, 0);
	assert_null(t.entries);
}

static void test_add_rejects_long_name(void **state)
{
	struct sock_table t;
	struct sock_entry e = entry(1);
	char name[109];

	memset(name, 'a', sizeof(name));
	sock_table_init(&t);
	assert_int_equal(sock_table_add(&t, &e, name, 109), -E2BIG);
	assert_int_equal(t.len, 0);
	assert_int_equal(sock_table_add(&t, &e, name, 108), 0);
	sock_table_free(&t);
}

static void test_grows_past_many(void **state)
{
	struct sock_table t;
	uint32_t i;

	sock_table_init(&t);
	for (i = 1; i <= 10000; i++) {
		struct sock_entry e = entry(i);

		assert_int_equal(sock_table_add(&t, &e, "p", 1), 0);
	}
	assert_int_equal(t.len, 10000);
	for (i = 0; i < 10000; i++)
		assert_int_equal(t.entries[i].inode, i + 1);
	assert_int_equal(t.strings_len, 10000);
	sock_table_free(&t);
}

static void test_truncate_drops_names(void **state)
{
	struct sock_table t;
	struct sock_entry e = entry(1);

	sock_table_init(&t);
	sock_table_add(&t, &e, "/a", 2);
	sock_table_add(&t, &e, NULL, 0);
	sock_table_add(&t, &e, "/bbb", 4);
	sock_table_add(&t, &e, "/cc", 3);
	sock_table_truncate(&t, 2);
	assert_int_equal(t.len, 2);
	assert_int_equal(t.strings_len, 2);
	/* Re-adding reuses the arena from where the kept names end. */
	sock_table_add(&t, &e, "/z", 2);
	assert_int_equal(t.entries[2].path_off, 2);
	assert_memory_equal(sock_table_name(&t, &t.entries[2]), "/z", 2);
	sock_table_truncate(&t, 10); /* longer than the table: no-op */
	assert_int_equal(t.len, 3);
	sock_table_truncate(&t, 0);
	assert_int_equal(t.len, 0);
	assert_int_equal(t.strings_len, 0);
	sock_table_free(&t);
}

static bool keep_odd(const struct sock_entry *e, void *data)
{
	(*(int *)data)++;
	return e->inode & 1;
}

static void test_filter_keeps_order(void **state)
{
	struct sock_table t;
	uint32_t i;
	int calls = 0;

	sock_table_init(&t);
	for (i = 1; i <= 9; i++) {
		struct sock_entry e = entry(i);
		char name[2] = { (char)('0' + i), 0 };

		sock_table_add(&t, &e, name, 1);
	}
	sock_table_filter(&t, keep_odd, &calls);
	assert_int_equal(calls, 9);
	assert_int_equal(t.len, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(t.entries[i].inode, 2 * i + 1);
		assert_int_equal(sock_table_name(&t, &t.entries[i])[0], '0' + 2 * i + 1);
	}
	sock_table_free(&t);
}

static void add_cookie(struct sock_table *t, uint32_t inode, uint64_t cookie, const char *name)
{
	struct sock_entry e = entry(inode);

	e.cookie = cookie;
	e.flags = SOCK_F_COOKIE_KNOWN;
	assert_int_equal(sock_table_add(t, &e, name, name ? strlen(name) : 0), 0);
}

static void assert_inodes(const struct sock_table *t, const uint32_t *want, size_t n)
{
	size_t i;

	assert_int_equal(t->len, n);
	for (i = 0; i < n; i++)
		assert_int_equal(t->entries[i].inode, want[i]);
}

/* A resumed dump that sent two records again: each socket stays once, the
 * first record of it, and the order of the rest is kept. */
static void test_dedupe_repeats_in_one_dump(void **state)
{
	static const uint32_t want[] = { 1, 2, 3, 5 };
	struct sock_table t;
	size_t removed = 99;

	sock_table_init(&t);
	add_cookie(&t, 1, 100, "/a");
	add_cookie(&t, 2, 200, NULL);
	add_cookie(&t, 3, 300, "/c");
	add_cookie(&t, 20, 200, "/dup");  /* same cookie as inode 2: the same socket */
	add_cookie(&t, 30, 300, NULL);
	add_cookie(&t, 5, 500, "/e");
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
	assert_int_equal(removed, 2);
	assert_inodes(&t, want, 4);
	assert_memory_equal(sock_table_name(&t, &t.entries[2]), "/c", 2);
	assert_memory_equal(sock_table_name(&t, &t.entries[3]), "/e", 2);
	/* Nothing left to drop: a second run is a no-op. */
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
	assert_int_equal(removed, 0);
	assert_inodes(&t, want, 4);
	sock_table_free(&t);
}

/* Two passes merged: append the second, dedupe from the first's start.
 * The union, each socket once, as the first pass had it; sockets only the
 * second pass saw come after, in its order. */
static void test_dedupe_merges_two_passes(void **state)
{
	static const uint32_t want[] = { 7, 1, 2, 3, 4, 6 };
	struct sock_table t;
	struct sock_entry e = entry(7);
	size_t removed;

	sock_table_init(&t);
	/* A row of an earlier slot (another protocol, before `from`): a
	 * cookie it shares with the range is not the range's business. */
	e.cookie = 200;
	e.flags = SOCK_F_COOKIE_KNOWN;
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	add_cookie(&t, 1, 100, "/one");  /* pass 1 */
	add_cookie(&t, 2, 200, NULL);
	add_cookie(&t, 3, 300, "/three");
	add_cookie(&t, 4, 400, "/four"); /* pass 2: missed 2... */
	add_cookie(&t, 11, 100, "/one-again");
	add_cookie(&t, 33, 300, NULL);
	add_cookie(&t, 6, 600, "/six"); /* ...and saw 4 and 6, which pass 1 missed */
	t.entries[2].state = SOCK_STATE_LISTEN; /* pass 1's view of socket 200 */
	assert_int_equal(sock_table_dedupe_cookie(&t, 1, &removed), 0);
	assert_int_equal(removed, 2);
	assert_inodes(&t, want, 6);
	assert_int_equal(t.entries[2].state, SOCK_STATE_LISTEN);
	assert_memory_equal(sock_table_name(&t, &t.entries[1]), "/one", 4);
	assert_int_equal(t.entries[1].path_len, 4);
	assert_memory_equal(sock_table_name(&t, &t.entries[3]), "/three", 6);
	assert_memory_equal(sock_table_name(&t, &t.entries[4]), "/four", 5);
	assert_memory_equal(sock_table_name(&t, &t.entries[5]), "/six", 4);
	/* Truncating back to pass 1 still finds where its names end. */
	sock_table_truncate(&t, 4);
	add_cookie(&t, 8, 800, "/z");
	assert_memory_equal(sock_table_name(&t, &t.entries[4]), "/z", 2);
	sock_table_free(&t);
}

/* Rows without a cookie (/proc rows) are never merged, and neither are
 * rows with cookie 0, which the kernel never hands out (sock_gen_cookie()
 * counts from 1; 0 means "none yet"). */
static void test_dedupe_needs_a_cookie(void **state)
{
	static const uint32_t want[] = { 1, 2, 3, 4, 30 };
	struct sock_table t;
	struct sock_entry e;
	size_t removed;

	sock_table_init(&t);
	e = entry(1);
	e.cookie = 5; /* not known: flag clear */
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	e.inode = 2;
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	add_cookie(&t, 3, 0, NULL);
	add_cookie(&t, 4, 5, NULL);
	add_cookie(&t, 30, 0, NULL);
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
	assert_int_equal(removed, 0);
	assert_inodes(&t, want, 5);
	/* Empty and one-row ranges, and a range past the end. */
	assert_int_equal(sock_table_dedupe_cookie(&t, 3, &removed), 0);
	assert_int_equal(removed, 0);
	assert_int_equal(sock_table_dedupe_cookie(&t, 9, &removed), 0);
	assert_int_equal(removed, 0);
	sock_table_free(&t);
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
}

/* Many sequential cookies (as the kernel hands them out), every one sent
 * twice: the set grows past its first size and keeps every first copy. */
static void test_dedupe_many(void **state)
{
	struct sock_table t;
	size_t removed, i;

	sock_table_init(&t);
	for (i = 0; i < 5000; i++)
		add_cookie(&t, (uint32_t)i + 1, 1000 + i, NULL);
	for (i = 0; i < 5000; i++)
		add_cookie(&t, (uint32_t)i + 10001, 1000 + i, NULL);
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
	assert_int_equal(removed, 5000);
	assert_int_equal(t.len, 5000);
	for (i = 0; i < 5000; i++)
		assert_int_equal(t.entries[i].inode, i + 1);
	sock_table_free(&t);
}

/* Cookies in a few increasing runs (a dump in walk order, a CPU switch, the
 * other family after a partition): a repeat between runs, or inside the
 * last one, is still found, and runs without a repeat drop nothing. */
static void test_dedupe_across_runs(void **state)
{
	static const uint32_t want[] = { 1, 2, 3, 4, 5, 6, 8 };
	static const uint32_t want_distinct[] = { 1, 2, 3, 4, 5 };
	struct sock_table t;
	size_t removed;

	sock_table_init(&t);
	add_cookie(&t, 1, 10, NULL); /* run 1 */
	add_cookie(&t, 2, 40, NULL);
	add_cookie(&t, 3, 70, NULL);
	add_cookie(&t, 4, 20, NULL); /* run 2 */
	add_cookie(&t, 5, 50, NULL);
	add_cookie(&t, 6, 5, NULL);  /* run 3 */
	add_cookie(&t, 7, 50, NULL); /* inode 5's cookie: dropped */
	add_cookie(&t, 8, 90, NULL);
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
	assert_int_equal(removed, 1);
	assert_inodes(&t, want, 7);
	sock_table_free(&t);

	add_cookie(&t, 1, 30, NULL);
	add_cookie(&t, 2, 60, NULL);
	add_cookie(&t, 3, 10, NULL);
	add_cookie(&t, 4, 31, NULL);
	add_cookie(&t, 5, 59, NULL);
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
	assert_int_equal(removed, 0);
	assert_inodes(&t, want_distinct, 5);
	sock_table_free(&t);
}

/* More runs than the merge takes (every cookie lower than the last): the
 * set decides, with the same answer. */
static void test_dedupe_many_runs(void **state)
{
	struct sock_table t;
	size_t removed, i;

	sock_table_init(&t);
	for (i = 0; i < 100; i++)
		add_cookie(&t, (uint32_t)i + 1, 1000 - i, NULL);
	add_cookie(&t, 101, 1000 - 7, NULL);
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(t.len, 100);
	for (i = 0; i < 100; i++)
		assert_int_equal(t.entries[i].inode, i + 1);
	sock_table_free(&t);

	/* 40 runs of disjoint ranges (batches handed to CPUs in turn), then
	 * 12 runs whose ranges all overlap (merged): none dropped; then a
	 * repeat in the batches is found. */
	for (i = 0; i < 400; i++)
		add_cookie(&t, (uint32_t)i + 1, 100000 + (39 - i / 10) * 100 + i % 10, NULL);
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
	assert_int_equal(removed, 0);
	for (i = 0; i < 24; i++)
		add_cookie(&t, (uint32_t)i + 401, 50 + (i % 2) * 1000 + (23 - i) * 2, NULL);
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
	assert_int_equal(removed, 0);
	assert_int_equal(t.len, 424);
	add_cookie(&t, 999, 100000 + 5 * 100 + 3, NULL);
	assert_int_equal(sock_table_dedupe_cookie(&t, 0, &removed), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(t.len, 424);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_copies_names),
		cmocka_unit_test(test_add_rejects_long_name),
		cmocka_unit_test(test_grows_past_many),
		cmocka_unit_test(test_truncate_drops_names),
		cmocka_unit_test(test_filter_keeps_order),
		cmocka_unit_test(test_dedupe_repeats_in_one_dump),
		cmocka_unit_test(test_dedupe_merges_two_passes),
		cmocka_unit_test(test_dedupe_needs_a_cookie),
		cmocka_unit_test(test_dedupe_many),
		cmocka_unit_test(test_dedupe_across_runs),
		cmocka_unit_test(test_dedupe_many_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
