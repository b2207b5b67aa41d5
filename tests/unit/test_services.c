/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>

#include "lsock/services.h"

static void test_lookup_first_name_wins(void **state)
{
	struct services s = { 0 };

	assert_int_equal(services_add(&s, 22, 0, "ssh"), 0);
	assert_int_equal(services_add(&s, 53, 1, "domain"), 0);
	assert_int_equal(services_add(&s, 22, 0, "ssh-alias"), 0);
	assert_int_equal(services_add(&s, 80, 0, "http"), 0);
	assert_int_equal(services_add(&s, 80, 0, "www"), 0);
	services_sort(&s);
	assert_string_equal(services_lookup(&s, 22, 0), "ssh");
	assert_string_equal(services_lookup(&s, 80, 0), "http");
	assert_string_equal(services_lookup(&s, 53, 1), "domain");
	assert_null(services_lookup(&s, 53, 0));
	assert_null(services_lookup(&s, 22, 1));
	assert_null(services_lookup(&s, 9999, 0));
	services_free(&s);
}

static void test_rejects_odd_names(void **state)
{
	struct services s = { 0 };

	/* Names go unescaped into a column: only plain characters are kept. */
	assert_int_equal(services_add(&s, 1, 0, "bad\033[31m"), -EINVAL);
	assert_int_equal(services_add(&s, 1, 0, "has space"), -EINVAL);
	assert_int_equal(services_add(&s, 1, 0, ""), -EINVAL);
	assert_int_equal(services_add(&s, 1, 0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), -EINVAL);
	assert_int_equal(s.len, 0);
	services_free(&s);
}

static void test_load_system_database(void **state)
{
	struct services s = { 0 };
	size_t i;

	assert_int_equal(services_load(&s), 0);
	for (i = 1; i < s.len; i++) {
		/* strictly increasing (is_udp, port): sorted, one name per port */
		assert_true(s.v[i - 1].is_udp < s.v[i].is_udp ||
			    (s.v[i - 1].is_udp == s.v[i].is_udp && s.v[i - 1].port < s.v[i].port));
	}
	services_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_first_name_wins),
		cmocka_unit_test(test_rejects_odd_names),
		cmocka_unit_test(test_load_system_database),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
