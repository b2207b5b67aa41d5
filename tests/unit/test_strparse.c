/* SPDX-License-Identifier: MIT */
/* The shared bounded number parsers: decimal and C-prefixed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lsock/strparse.h"

static int dec(const char *s, uint64_t max, bool canonical, uint64_t *ret)
{
	return strparse_dec(s, strlen(s), max, canonical, ret);
}

static int cnum(const char *s, uint64_t max, uint64_t *ret)
{
	return strparse_c_number(s, strlen(s), max, ret);
}

static void test_dec(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(dec("0", 10, true, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(dec("4294967295", UINT32_MAX, true, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(dec("4294967296", UINT32_MAX, true, &v), -ERANGE);
	assert_int_equal(dec("18446744073709551615", UINT64_MAX, true, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(dec("18446744073709551616", UINT64_MAX, true, &v), -ERANGE);
	/* canonical: the kernel never prints a leading zero */
	assert_int_equal(dec("012", 100, true, &v), -EINVAL);
	assert_int_equal(dec("012", 100, false, &v), 0);
	assert_int_equal(v, 12);
	v = 7;
	assert_int_equal(dec("", 10, false, &v), -EINVAL);
	assert_int_equal(dec("1a", 100, false, &v), -EINVAL);
	assert_int_equal(dec("-1", 100, false, &v), -EINVAL);
	assert_int_equal(dec(" 1", 100, false, &v), -EINVAL);
	assert_int_equal(v, 7); /* untouched on failure */
	/* exactly len bytes: a field inside a larger line */
	assert_int_equal(strparse_dec("123 456", 3, 1000, true, &v), 0);
	assert_int_equal(v, 123);
}

static void test_c_number(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(cnum("22", 65535, &v), 0);
	assert_int_equal(v, 22);
	assert_int_equal(cnum("0x16", 65535, &v), 0);
	assert_int_equal(v, 22);
	assert_int_equal(cnum("0XfF", 65535, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(cnum("026", 65535, &v), 0);
	assert_int_equal(v, 22);
	assert_int_equal(cnum("0", 65535, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cnum("08", 65535, &v), -EINVAL); /* not octal */
	assert_int_equal(cnum("0x", 65535, &v), -EINVAL);
	assert_int_equal(cnum("0x1g", 65535, &v), -EINVAL);
	assert_int_equal(cnum("1f", 65535, &v), -EINVAL); /* hex digits need 0x */
	assert_int_equal(cnum("65536", 65535, &v), -ERANGE);
	assert_int_equal(cnum("0x10000", 65535, &v), -ERANGE);
	assert_int_equal(cnum("0xffffffffffffffff", UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cnum("0x10000000000000000", UINT64_MAX, &v), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dec),
		cmocka_unit_test(test_c_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
