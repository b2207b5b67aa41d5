// SPDX-License-Identifier: MIT
/*
 * IP protocol names for RAW sockets.  The numbers 1 and 58 are named icmp
 * and ipv6-icmp in every protocols database (netbase's /etc/protocols,
 * IANA's keywords), which is what ss and netstat show.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lsock/protonames.h"

static void test_names(void **state)
{
	struct protoname_cache c = { 0 };
	const char *first;

	(void)state;
	first = protoname_cache_name(&c, 1);
	assert_non_null(first);
	assert_string_equal(first, "icmp");
	assert_string_equal(protoname_cache_name(&c, 58), "ipv6-icmp");
	/* Cached: the same storage the second time. */
	assert_ptr_equal(protoname_cache_name(&c, 1), first);
	/* Not protocol numbers. */
	assert_null(protoname_cache_name(&c, 256));
	assert_null(protoname_cache_name(&c, 65535));
	protoname_cache_free(&c);
	protoname_cache_free(&c);
	protoname_cache_free(NULL);
}

/* A number without a name (254: "use for experimentation", unnamed in
 * netbase) stays NULL, and stays NULL from the cache. */
static void test_unnamed(void **state)
{
	struct protoname_cache c = { 0 };

	(void)state;
	assert_null(protoname_cache_name(&c, 254));
	assert_null(protoname_cache_name(&c, 254));
	protoname_cache_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_unnamed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
