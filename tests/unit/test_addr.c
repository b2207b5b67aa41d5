/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/addr.h"

static struct sock_entry inet(uint8_t family, const char *l, uint16_t lport, const char *r, uint16_t rport)
{
	struct sock_entry e = { .family = family, .lport = lport, .rport = rport };

	assert_int_equal(inet_pton(family, l, e.laddr), 1);
	assert_int_equal(inet_pton(family, r, e.raddr), 1);
	return e;
}

static void check(const struct sock_entry *e, bool local, const char *service, const char *want)
{
	char buf[ADDR_ENDPOINT_MAX];
	size_t n = addr_format_endpoint(buf, e, local, service);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_ipv4(void **state)
{
	struct sock_entry e = inet(AF_INET, "0.0.0.0", 22, "0.0.0.0", 0);

	check(&e, true, NULL, "0.0.0.0:22");
	check(&e, false, NULL, "0.0.0.0:*");
	check(&e, true, "ssh", "0.0.0.0:ssh");
	e = inet(AF_INET, "255.254.10.1", 65535, "127.0.0.1", 1);
	check(&e, true, NULL, "255.254.10.1:65535");
	check(&e, false, NULL, "127.0.0.1:1");
}

static void test_ipv6_brackets_and_wildcards(void **state)
{
	struct sock_entry e = inet(AF_INET6, "::1", 22, "::", 0);

	check(&e, true, NULL, "[::1]:22");
	check(&e, false, NULL, "[::]:*");

	e = inet(AF_INET6, "::", 80, "::", 0);
	/* v6only unknown (e.g. from /proc): the address as it is. */
	check(&e, true, NULL, "[::]:80");
	e.flags = SOCK_F_V6ONLY_KNOWN | SOCK_F_V6ONLY;
	check(&e, true, NULL, "[::]:80");
	e.flags = SOCK_F_V6ONLY_KNOWN;
	check(&e, true, NULL, "*:80");
	/* Only the local wildcard of a dual-stack socket becomes '*'. */
	check(&e, false, NULL, "[::]:*");
}

static void test_v4_mapped_stays_mapped(void **state)
{
	struct sock_entry e = inet(AF_INET6, "::ffff:127.0.0.1", 5000, "::ffff:127.0.0.1", 41000);
	char buf[64];

	check(&e, true, NULL, "[::ffff:127.0.0.1]:5000");
	addr_format(buf, AF_INET6, e.raddr);
	assert_string_equal(buf, "::ffff:127.0.0.1");
}

static void test_is_any(void **state)
{
	uint8_t a[16] = { 0 };

	assert_true(addr_is_any(AF_INET, a));
	assert_true(addr_is_any(AF_INET6, a));
	a[15] = 1;
	assert_true(addr_is_any(AF_INET, a)); /* only the first 4 bytes count for v4 */
	assert_false(addr_is_any(AF_INET6, a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6_brackets_and_wildcards),
		cmocka_unit_test(test_v4_mapped_stays_mapped),
		cmocka_unit_test(test_is_any),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
