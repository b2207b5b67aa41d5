/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "lsock/diag.h"
#include "nl_builder.h"

static void test_inet_request_bytes(void **state)
{
	uint8_t buf[DIAG_REQ_MAX] __attribute__((aligned(4)));
	struct sock_entry e = {
		.family = AF_INET,
		.proto = SOCK_PROTO_TCP,
		.lport = 5000,
		.rport = 40000,
		.ifindex = 0,
		.cookie = 0x1122334455667788ull,
		.flags = SOCK_F_COOKIE_KNOWN,
	};
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	const struct inet_diag_req_v2 *r = (const void *)(buf + NLMSG_HDRLEN);
	int len;

	inet_pton(AF_INET, "127.0.0.1", e.laddr);
	inet_pton(AF_INET, "127.0.0.2", e.raddr);
	len = diag_build_destroy(buf, sizeof(buf), &e);
	assert_int_equal(len, NLMSG_HDRLEN + sizeof(*r));
	assert_int_equal(h->nlmsg_len, len);
	assert_int_equal(h->nlmsg_type, SOCK_DESTROY);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(r->sdiag_family, AF_INET);
	assert_int_equal(r->sdiag_protocol, IPPROTO_TCP);
	assert_int_equal(ntohs(r->id.idiag_sport), 5000);
	assert_int_equal(ntohs(r->id.idiag_dport), 40000);
	assert_memory_equal(r->id.idiag_src, e.laddr, 4);
	assert_memory_equal(r->id.idiag_dst, e.raddr, 4);
	/* The cookie pins the very socket that was listed. */
	assert_int_equal(r->id.idiag_cookie[0], 0x55667788u);
	assert_int_equal(r->id.idiag_cookie[1], 0x11223344u);
	/* No cookie (a /proc row): no check. */
	e.flags = 0;
	assert_true(diag_build_destroy(buf, sizeof(buf), &e) > 0);
	assert_int_equal(r->id.idiag_cookie[0], INET_DIAG_NOCOOKIE);
	assert_int_equal(r->id.idiag_cookie[1], INET_DIAG_NOCOOKIE);
	assert_int_equal(diag_build_destroy(buf, 8, &e), -ENOBUFS);
}

static void test_other_protocols(void **state)
{
	uint8_t buf[DIAG_REQ_MAX] __attribute__((aligned(4)));
	struct sock_entry e = { .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .inode = 77 };
	const struct unix_diag_req *u = (const void *)(buf + NLMSG_HDRLEN);

	assert_true(diag_build_destroy(buf, sizeof(buf), &e) > 0);
	assert_int_equal(((const struct nlmsghdr *)buf)->nlmsg_type, SOCK_DESTROY);
	assert_int_equal(u->sdiag_family, AF_UNIX);
	assert_int_equal(u->udiag_ino, 77);
	e = (struct sock_entry){ .family = AF_INET, .proto = SOCK_PROTO_ICMP };
	assert_int_equal(diag_build_destroy(buf, sizeof(buf), &e), -EOPNOTSUPP);
	e = (struct sock_entry){ .family = AF_INET6, .proto = SOCK_PROTO_UDP };
	assert_true(diag_build_destroy(buf, sizeof(buf), &e) > 0);
	assert_int_equal(((const struct inet_diag_req_v2 *)(buf + NLMSG_HDRLEN))->sdiag_protocol,
			 IPPROTO_UDP);
}

/* A notification as inet_diag_handler_get_info() fills it. */
static const struct nlmsghdr *event(struct mb *b, int proto, bool with_proto)
{
	struct inet_diag_msg m = { .idiag_family = AF_INET6, .idiag_state = 7,
				   .idiag_rqueue = 0, .idiag_wqueue = 0xffffffffu };
	uint8_t p = (uint8_t)proto;

	m.id.idiag_sport = htons(53);
	m.id.idiag_cookie[0] = 42;
	b->len = 0;
	mb_begin(b, SOCK_DIAG_BY_FAMILY, 0, 0, 0);
	mb_put(b, &m, sizeof(m));
	if (with_proto)
		mb_attr(b, INET_DIAG_PROTOCOL, &p, 1);
	return mb_end(b);
}

static void test_parse_event(void **state)
{
	struct mb b;
	struct sock_entry e;

	assert_int_equal(diag_parse_destroy_event(event(&b, IPPROTO_UDP, true), &e), 0);
	assert_int_equal(e.proto, SOCK_PROTO_UDP);
	assert_int_equal(e.family, AF_INET6);
	assert_int_equal(e.lport, 53);
	assert_int_equal(e.cookie, 42);
	assert_true(e.flags & SOCK_F_COOKIE_KNOWN);
	/* No uid, no inode, no meaningful queues in a notification. */
	assert_false(e.flags & SOCK_F_UID_KNOWN);
	assert_false(e.flags & SOCK_F_QUEUES_KNOWN);
	assert_int_equal(e.inode, 0);
	assert_int_equal(diag_parse_destroy_event(event(&b, IPPROTO_TCP, true), &e), 0);
	assert_int_equal(e.proto, SOCK_PROTO_TCP);
	assert_int_equal(diag_parse_destroy_event(event(&b, IPPROTO_SCTP, true), &e),
			 -EPROTONOSUPPORT);
	assert_int_equal(diag_parse_destroy_event(event(&b, IPPROTO_TCP, false), &e), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inet_request_bytes),
		cmocka_unit_test(test_other_protocols),
		cmocka_unit_test(test_parse_event),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
