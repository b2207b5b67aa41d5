/* SPDX-License-Identifier: MIT */
/* The audit's exposure verdicts, and the address table read from RTM_NEWADDR. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "lsock/exposure.h"
#include "lsock/ifaddr_dump.h"
#include "nl_builder.h"

static struct sock_entry listener(uint8_t family, const char *addr, unsigned flags)
{
	struct sock_entry e = { .family = family, .proto = SOCK_PROTO_TCP,
				.state = SOCK_STATE_LISTEN, .lport = 80, .flags = (uint16_t)flags };

	assert_int_equal(inet_pton(family, addr, e.laddr), 1);
	return e;
}

static enum exposure verdict_of(const struct exposure_ctx *c, const struct sock_entry *e,
				uint32_t *ret_ifindex)
{
	struct exposure_verdict v;

	exposure_classify(c, e, false, &v);
	if (ret_ifindex)
		*ret_ifindex = v.ifindex;
	return v.verdict;
}

static void test_wildcards(void **state)
{
	struct exposure_ctx c = { .loopback_ifindex = 1 };
	struct sock_entry v4 = listener(AF_INET, "0.0.0.0", 0);
	struct sock_entry dual = listener(AF_INET6, "::", SOCK_F_V6ONLY_KNOWN);
	struct sock_entry v6only = listener(AF_INET6, "::", SOCK_F_V6ONLY_KNOWN | SOCK_F_V6ONLY);
	struct sock_entry unknown = listener(AF_INET6, "::", 0);

	assert_int_equal(verdict_of(&c, &v4, NULL), EXPOSURE_ALL_INTERFACES);
	assert_int_equal(verdict_of(&c, &dual, NULL), EXPOSURE_ALL_INTERFACES);
	assert_int_equal(verdict_of(&c, &v6only, NULL), EXPOSURE_ALL_INTERFACES_IPV6);
	/* /proc rows carry no v6only bit: the kernel's default, dual-stack. */
	assert_int_equal(verdict_of(&c, &unknown, NULL), EXPOSURE_ALL_INTERFACES);
}

static void test_loopback(void **state)
{
	struct exposure_ctx c = { .loopback_ifindex = 1 };
	const char *v4[] = { "127.0.0.1", "127.1.2.3", "127.255.255.254" };
	const char *v6[] = { "::1", "::ffff:127.0.0.1", "::ffff:127.9.9.9" };
	struct sock_entry e;
	size_t i;

	for (i = 0; i < 3; i++) {
		e = listener(AF_INET, v4[i], 0);
		assert_int_equal(verdict_of(&c, &e, NULL), EXPOSURE_LOOPBACK);
		e = listener(AF_INET6, v6[i], 0);
		assert_int_equal(verdict_of(&c, &e, NULL), EXPOSURE_LOOPBACK);
	}
	/* A wildcard bound to lo only hears lo. */
	e = listener(AF_INET, "0.0.0.0", SOCK_F_IFINDEX_KNOWN);
	e.ifindex = 1;
	assert_int_equal(verdict_of(&c, &e, NULL), EXPOSURE_LOOPBACK);
	/* ... and a loopback socket in another namespace is still loopback. */
	{
		struct exposure_verdict v;

		exposure_classify(&c, &e, true, &v);
		assert_int_equal(v.verdict, EXPOSURE_LOOPBACK);
	}
}

static void test_address_names_interface(void **state)
{
	struct ifaddr_table t = { 0 };
	struct ifaddr_entry a = { .ifindex = 3, .family = AF_INET, .prefixlen = 24 };
	struct ifaddr_entry b = { .ifindex = 4, .family = AF_INET6, .prefixlen = 64 };
	struct exposure_ctx c = { .addrs = &t, .loopback_ifindex = 1 };
	struct sock_entry e;
	uint32_t ifindex;

	assert_int_equal(inet_pton(AF_INET, "192.0.2.10", a.addr), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::10", b.addr), 1);
	assert_int_equal(ifaddr_table_add(&t, &a), 0);
	assert_int_equal(ifaddr_table_add(&t, &b), 0);

	e = listener(AF_INET, "192.0.2.10", 0);
	assert_int_equal(verdict_of(&c, &e, &ifindex), EXPOSURE_ADDRESS);
	assert_int_equal(ifindex, 3);
	e = listener(AF_INET6, "2001:db8::10", 0);
	assert_int_equal(verdict_of(&c, &e, &ifindex), EXPOSURE_ADDRESS);
	assert_int_equal(ifindex, 4);
	/* A v4-mapped address is looked up as the IPv4 one. */
	e = listener(AF_INET6, "::ffff:192.0.2.10", 0);
	assert_int_equal(verdict_of(&c, &e, &ifindex), EXPOSURE_ADDRESS);
	assert_int_equal(ifindex, 3);
	/* Not in the table (a non-local bind, ip_nonlocal_bind): no interface. */
	e = listener(AF_INET, "198.51.100.1", 0);
	assert_int_equal(verdict_of(&c, &e, &ifindex), EXPOSURE_ADDRESS);
	assert_int_equal(ifindex, 0);
	c.addrs = NULL;
	e = listener(AF_INET, "192.0.2.10", 0);
	assert_int_equal(verdict_of(&c, &e, &ifindex), EXPOSURE_ADDRESS);
	assert_int_equal(ifindex, 0);
	ifaddr_table_free(&t);
}

static void test_device_bound_and_netns(void **state)
{
	struct exposure_ctx c = { .loopback_ifindex = 1 };
	struct sock_entry e = listener(AF_INET, "0.0.0.0", SOCK_F_IFINDEX_KNOWN);
	struct exposure_verdict v;

	e.ifindex = 7;
	exposure_classify(&c, &e, false, &v);
	assert_int_equal(v.verdict, EXPOSURE_DEVICE_BOUND);
	assert_int_equal(v.ifindex, 7);
	exposure_classify(&c, &e, true, &v);
	assert_int_equal(v.verdict, EXPOSURE_OTHER_NETNS);
	/* Bound to no device (ifindex 0 known) is a plain wildcard. */
	e.ifindex = 0;
	exposure_classify(&c, &e, false, &v);
	assert_int_equal(v.verdict, EXPOSURE_ALL_INTERFACES);
}

static void test_names_and_order(void **state)
{
	assert_string_equal(exposure_name(EXPOSURE_ALL_INTERFACES), "all-interfaces");
	assert_string_equal(exposure_name(EXPOSURE_ALL_INTERFACES_IPV6), "all-interfaces-ipv6");
	assert_string_equal(exposure_name(EXPOSURE_ADDRESS), "address");
	assert_string_equal(exposure_name(EXPOSURE_DEVICE_BOUND), "device-bound");
	assert_string_equal(exposure_name(EXPOSURE_OTHER_NETNS), "other-netns");
	assert_string_equal(exposure_name(EXPOSURE_LOOPBACK), "loopback");
	assert_string_equal(exposure_name(_EXPOSURE_MAX), "unknown");
	assert_true(EXPOSURE_ALL_INTERFACES < EXPOSURE_ADDRESS);
	assert_true(EXPOSURE_ADDRESS < EXPOSURE_LOOPBACK);
}

static void test_listeners(void **state)
{
	struct sock_entry e = listener(AF_INET, "0.0.0.0", 0);

	assert_true(exposure_is_listener(&e));
	e.state = SOCK_STATE_ESTABLISHED;
	assert_false(exposure_is_listener(&e));
	e.proto = SOCK_PROTO_UDP;
	e.state = SOCK_STATE_CLOSE;
	assert_true(exposure_is_listener(&e));
	e.lport = 0;
	assert_false(exposure_is_listener(&e));
	e.proto = SOCK_PROTO_RAW;
	assert_true(exposure_is_listener(&e));
	e.family = AF_UNIX;
	assert_false(exposure_is_listener(&e));
}

static void put_newaddr(struct mb *b, uint8_t family, uint32_t ifindex, uint16_t type,
			const char *addr)
{
	struct ifaddrmsg ifa = { .ifa_family = family, .ifa_prefixlen = 24, .ifa_index = ifindex };
	uint8_t a[16];

	assert_int_equal(inet_pton(family, addr, a), 1);
	mb_begin(b, RTM_NEWADDR, NLM_F_MULTI, 0, 0);
	mb_put(b, &ifa, sizeof(ifa));
	mb_attr(b, type, a, family == AF_INET ? 4 : 16);
}

static void test_newaddr_records(void **state)
{
	struct ifaddr_table t = { 0 };
	struct mb b = { .len = 0 };
	uint8_t want[16];

	/* IPv4: IFA_LOCAL is ours even when IFA_ADDRESS (the peer) differs. */
	put_newaddr(&b, AF_INET, 5, IFA_ADDRESS, "203.0.113.9");
	mb_attr(&b, IFA_LOCAL, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	assert_int_equal(ifaddr_dump_record(mb_end(&b), &t), 0);
	b.len = 0;
	put_newaddr(&b, AF_INET6, 6, IFA_ADDRESS, "2001:db8::1");
	assert_int_equal(ifaddr_dump_record(mb_end(&b), &t), 0);
	/* A truncated address is skipped, not trusted. */
	b.len = 0;
	mb_begin(&b, RTM_NEWADDR, NLM_F_MULTI, 0, 0);
	mb_put(&b, &(struct ifaddrmsg){ .ifa_family = AF_INET6, .ifa_index = 7 },
	       sizeof(struct ifaddrmsg));
	mb_attr(&b, IFA_ADDRESS, want, 4);
	assert_int_equal(ifaddr_dump_record(mb_end(&b), &t), 0);

	assert_int_equal(t.len, 2);
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", want), 1);
	assert_non_null(ifaddr_table_find(&t, AF_INET, want));
	assert_int_equal(ifaddr_table_find(&t, AF_INET, want)->ifindex, 5);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", want), 1);
	assert_int_equal(ifaddr_table_find(&t, AF_INET6, want)->ifindex, 6);
	ifaddr_table_free(&t);
}

static void test_request_bytes(void **state)
{
	uint8_t buf[64] __attribute__((aligned(4)));
	size_t n = ifaddr_dump_build_request(buf, sizeof(buf));
	const struct nlmsghdr *h = (const void *)buf;
	const struct ifaddrmsg *ifa = (const void *)(buf + NLMSG_HDRLEN);

	assert_int_equal(n, NLMSG_HDRLEN + sizeof(*ifa));
	assert_int_equal(h->nlmsg_len, n);
	assert_int_equal(h->nlmsg_type, RTM_GETADDR);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(ifa->ifa_family, AF_UNSPEC);
	assert_int_equal(ifaddr_dump_build_request(buf, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_address_names_interface),
		cmocka_unit_test(test_device_bound_and_netns),
		cmocka_unit_test(test_names_and_order),
		cmocka_unit_test(test_listeners),
		cmocka_unit_test(test_newaddr_records),
		cmocka_unit_test(test_request_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
