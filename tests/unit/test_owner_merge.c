/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lsock/owner.h"

static bool not_13(uint32_t inode, void *data)
{
	(void)data;
	return inode != 13;
}

static void test_merge(void **state)
{
	/* older: pid 7 (old comm) holds 11 and 13; pid 9 holds 12. */
	struct owner_proc oprocs[2] = { { .pid = 7, .comm_len = 3, .comm = "old" },
					{ .pid = 9, .comm_len = 1, .comm = "b" } };
	struct owner oown[3] = { { .inode = 11, .fd = 3, .proc = 0 },
				 { .inode = 12, .fd = 4, .proc = 1 },
				 { .inode = 13, .fd = 5, .proc = 0 } };
	struct owner_map older = { .owners = oown, .len = 3, .procs = oprocs, .nprocs = 2,
				   .n_denied = 4 };
	/* newer: pid 7 (renamed) holds 10. */
	struct owner_proc nprocs[1] = { { .pid = 7, .comm_len = 3, .comm = "new" } };
	struct owner nown[1] = { { .inode = 10, .fd = 6, .proc = 0 } };
	struct owner_map newer = { .owners = nown, .len = 1, .procs = nprocs, .nprocs = 1,
				   .privileged = true };
	struct owner_map m;
	const struct owner *first;

	assert_int_equal(owner_map_merge(&newer, &older, not_13, NULL, &m), 0);
	assert_int_equal(m.len, 3);
	assert_int_equal(m.nprocs, 2);
	assert_int_equal(owner_map_find(&m, 10, &first), 1);
	assert_memory_equal(owner_map_proc(&m, first)->comm, "new", 3);
	assert_int_equal(owner_map_find(&m, 11, &first), 1);
	assert_int_equal(first->fd, 3);
	/* pid 7 is one process: newer's record. */
	assert_memory_equal(owner_map_proc(&m, first)->comm, "new", 3);
	assert_int_equal(owner_map_find(&m, 12, &first), 1);
	assert_int_equal(owner_map_proc(&m, first)->pid, 9);
	assert_int_equal(owner_map_find(&m, 13, &first), 0);
	/* What the walk could see is the newer walk's. */
	assert_int_equal(m.n_denied, 0);
	assert_true(m.privileged);
	owner_map_free(&m);
}

static void test_merge_empty(void **state)
{
	struct owner_map a = { 0 }, b = { 0 }, m;

	assert_int_equal(owner_map_merge(&a, &b, NULL, NULL, &m), 0);
	assert_int_equal(m.len, 0);
	owner_map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
