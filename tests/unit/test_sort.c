/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/sort.h"

static void add(struct sock_table *t, uint8_t family, const char *laddr, uint16_t lport, uint32_t inode,
		uint32_t rq)
{
	struct sock_entry e = { .family = family, .proto = SOCK_PROTO_TCP, .lport = lport,
				.inode = inode, .rqueue = rq };

	assert_int_equal(inet_pton(family, laddr, e.laddr), 1);
	assert_int_equal(sock_table_add(t, &e, NULL, 0), 0);
}

/* The --sort words are parsed by the column table (test_columns); here the
 * keys are built directly. */
static struct sort_spec spec(sort_cmp_fn a, bool ra, sort_cmp_fn b, bool rb)
{
	struct sort_spec s = { .len = b ? 2 : 1 };

	s.keys[0] = (struct sort_key){ .cmp = a, .reverse = ra };
	s.keys[1] = (struct sort_key){ .cmp = b, .reverse = rb };
	return s;
}

static void test_addresses_sort_numerically(void **state)
{
	struct sock_table t;
	struct sort_spec s = spec(sort_cmp_local, false, NULL, false);
	struct sort_ctx c = { .table = &t };

	sock_table_init(&t);
	/* As strings, "10.0.0.9" > "10.0.0.10" and "9.1.1.1" > "10.0.0.1". */
	add(&t, AF_INET, "10.0.0.10", 1, 1, 0);
	add(&t, AF_INET6, "::1", 1, 2, 0);
	add(&t, AF_INET, "9.1.1.1", 1, 3, 0);
	add(&t, AF_INET, "10.0.0.9", 2, 4, 0);
	add(&t, AF_INET, "10.0.0.9", 1, 5, 0);
	sort_table(&t, &s, &c);
	assert_int_equal(t.entries[0].inode, 3);
	assert_int_equal(t.entries[1].inode, 5);
	assert_int_equal(t.entries[2].inode, 4);
	assert_int_equal(t.entries[3].inode, 1);
	assert_int_equal(t.entries[4].inode, 2); /* v6 after v4 */
	sock_table_free(&t);
}

static void test_reverse_and_ties(void **state)
{
	struct sock_table t;
	struct sort_spec s = spec(sort_cmp_queue, true, sort_cmp_lport, false);
	struct sort_ctx c = { .table = &t };

	sock_table_init(&t);
	add(&t, AF_INET, "1.1.1.1", 80, 7, 5);
	add(&t, AF_INET, "1.1.1.1", 80, 3, 9);
	add(&t, AF_INET, "1.1.1.1", 81, 9, 5);
	sort_table(&t, &s, &c);
	assert_int_equal(t.entries[0].inode, 3);
	assert_int_equal(t.entries[1].inode, 7);
	assert_int_equal(t.entries[2].inode, 9);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses_sort_numerically),
		cmocka_unit_test(test_reverse_and_ties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
