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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_copies_names),
		cmocka_unit_test(test_add_rejects_long_name),
		cmocka_unit_test(test_grows_past_many),
		cmocka_unit_test(test_truncate_drops_names),
		cmocka_unit_test(test_filter_keeps_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
