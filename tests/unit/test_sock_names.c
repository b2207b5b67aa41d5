/* SPDX-License-Identifier: MIT */
/*
 * The model's name tables (src/model/sock_names.c) and the protocol table
 * (src/model/proto.c): every value has its documented name, every lookup is
 * bounds-checked ("UNKNOWN" or NULL out of range), and the protocol rows are
 * complete and consistent with each other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/proto.h"
#include "lsock/sock_names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void test_state_names(void **state)
{
	/* lsock-json(7) "state"; the numbers are include/net/tcp_states.h's */
	static const char *const want[] = {
		[0] = "UNKNOWN",      [1] = "ESTABLISHED", [2] = "SYN_SENT",   [3] = "SYN_RECV",
		[4] = "FIN_WAIT1",    [5] = "FIN_WAIT2",   [6] = "TIME_WAIT",  [7] = "UNCONN",
		[8] = "CLOSE_WAIT",   [9] = "LAST_ACK",    [10] = "LISTEN",    [11] = "CLOSING",
		[12] = "NEW_SYN_RECV",
	};
	unsigned s;

	assert_int_equal(ARRAY_SIZE(want), _SOCK_STATE_MAX);
	assert_int_equal(SOCK_STATE_LISTEN, 10);
	assert_int_equal(SOCK_STATE_NEW_SYN_RECV, 12);
	for (s = 0; s < _SOCK_STATE_MAX; s++)
		assert_string_equal(sock_state_name((uint8_t)s), want[s]);
	/* TCP_BOUND_INACTIVE (13, 6.8+) and anything past it */
	for (s = _SOCK_STATE_MAX; s <= 255; s++)
		assert_string_equal(sock_state_name((uint8_t)s), "UNKNOWN");
}

static void test_proto_names_and_labels(void **state)
{
	static const struct {
		enum sock_proto proto;
		const char *name, *label4, *label6;
	} want[] = {
		{ SOCK_PROTO_TCP, "tcp", "tcp", "tcp6" },
		{ SOCK_PROTO_UDP, "udp", "udp", "udp6" },
		{ SOCK_PROTO_UDPLITE, "udplite", "udpl", "udpl6" },
		{ SOCK_PROTO_RAW, "raw", "raw", "raw6" },
		{ SOCK_PROTO_ICMP, "icmp", "icmp", "icmp6" },
		{ SOCK_PROTO_UNIX, "unix", "unix", "unix" },
	};
	size_t i;
	unsigned p;

	assert_int_equal(ARRAY_SIZE(want), _SOCK_PROTO_MAX);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		assert_string_equal(sock_proto_name(want[i].proto), want[i].name);
		if (want[i].proto == SOCK_PROTO_UNIX) {
			assert_string_equal(sock_proto_label(want[i].proto, AF_UNIX), "unix");
			continue;
		}
		assert_string_equal(sock_proto_label(want[i].proto, AF_INET), want[i].label4);
		assert_string_equal(sock_proto_label(want[i].proto, AF_INET6), want[i].label6);
	}
	for (p = _SOCK_PROTO_MAX; p <= 255; p++) {
		assert_string_equal(sock_proto_name((uint8_t)p), "UNKNOWN");
		assert_string_equal(sock_proto_label((uint8_t)p, AF_INET), "UNKNOWN");
		assert_string_equal(sock_proto_label((uint8_t)p, AF_INET6), "UNKNOWN");
	}
}

static void test_family_type_source_names(void **state)
{
	unsigned v;

	assert_string_equal(sock_family_name(AF_INET), "inet");
	assert_string_equal(sock_family_name(AF_INET6), "inet6");
	assert_string_equal(sock_family_name(AF_UNIX), "unix");
	for (v = 0; v <= 255; v++)
		if (v != AF_INET && v != AF_INET6 && v != AF_UNIX)
			assert_string_equal(sock_family_name((uint8_t)v), "UNKNOWN");

	assert_string_equal(sock_type_name(SOCK_STREAM), "stream");
	assert_string_equal(sock_type_name(SOCK_DGRAM), "dgram");
	assert_string_equal(sock_type_name(SOCK_SEQPACKET), "seqpacket");
	assert_string_equal(sock_type_name(SOCK_RAW), "raw");
	for (v = 0; v <= 255; v++)
		if (v != SOCK_STREAM && v != SOCK_DGRAM && v != SOCK_SEQPACKET && v != SOCK_RAW)
			assert_string_equal(sock_type_name((uint8_t)v), "UNKNOWN");

	assert_string_equal(sock_source_name(SOCK_SOURCE_NETLINK), "netlink");
	assert_string_equal(sock_source_name(SOCK_SOURCE_PROC), "proc");
	for (v = _SOCK_SOURCE_MAX; v <= 255; v++)
		assert_string_equal(sock_source_name((uint8_t)v), "UNKNOWN");
}

/* Every row is filled in, and the rows agree with each other. */
static void test_proto_rows(void **state)
{
	unsigned p, q;

	assert_null(proto_get(_SOCK_PROTO_MAX));
	assert_null(proto_get((enum sock_proto)-1));
	for (p = 0; p < _SOCK_PROTO_MAX; p++) {
		const struct proto_desc *d = proto_get((enum sock_proto)p);

		assert_non_null(d);
		assert_non_null(d->name);
		assert_non_null(d->label[0]);
		assert_non_null(d->label[1]);
		assert_non_null(d->help);
		assert_non_null(d->opt_long);
		assert_non_null(d->proc_file[0]);
		assert_non_null(d->proc_file[1]);
		assert_null(strchr(d->help, '\n'));
		if (d->inet) {
			assert_int_not_equal(d->ipproto[0], 0);
			assert_int_not_equal(d->ipproto[1], 0);
			assert_int_not_equal(d->type, 0);
			assert_string_not_equal(d->label[0], d->label[1]);
			assert_string_not_equal(d->proc_file[0], d->proc_file[1]);
		} else {
			assert_int_equal(d->diag, PROTO_DIAG_UNIX);
		}
		/* only inet_diag protocols may carry a request attribute */
		if (d->diag_req_protocol)
			assert_int_equal(d->diag, PROTO_DIAG_INET);
		for (q = 0; q < p; q++) {
			const struct proto_desc *o = proto_get((enum sock_proto)q);

			assert_string_not_equal(d->name, o->name);
			assert_string_not_equal(d->opt_long, o->opt_long);
			assert_string_not_equal(d->label[0], o->label[0]);
			if (d->opt_short)
				assert_int_not_equal(d->opt_short, o->opt_short);
		}
	}
	/* what the collector and the parsers rely on */
	assert_int_equal(proto_get(SOCK_PROTO_TCP)->ipproto[0], IPPROTO_TCP);
	assert_int_equal(proto_get(SOCK_PROTO_UDPLITE)->ipproto[1], 136);
	assert_int_equal(proto_get(SOCK_PROTO_ICMP)->ipproto[0], IPPROTO_ICMP);
	assert_int_equal(proto_get(SOCK_PROTO_ICMP)->ipproto[1], IPPROTO_ICMPV6);
	assert_int_equal(proto_get(SOCK_PROTO_ICMP)->diag, PROTO_DIAG_NONE);
	assert_int_equal(proto_get(SOCK_PROTO_RAW)->diag_req_protocol, IPPROTO_RAW);
	assert_string_equal(proto_get(SOCK_PROTO_UDPLITE)->proc_file[1], "udplite6");
	assert_true(proto_get(SOCK_PROTO_UDP)->service_udp);
	assert_false(proto_get(SOCK_PROTO_TCP)->service_udp);
	assert_false(proto_get(SOCK_PROTO_RAW)->port_is_service);
	assert_false(proto_get(SOCK_PROTO_ICMP)->port_is_service);
	/* tcp, udp and unix exist wherever /proc is mounted: never optional */
	assert_false(proto_get(SOCK_PROTO_TCP)->optional);
	assert_false(proto_get(SOCK_PROTO_UDP)->optional);
	assert_false(proto_get(SOCK_PROTO_UNIX)->optional);
	assert_true(proto_get(SOCK_PROTO_UDPLITE)->optional);
	assert_true(proto_get(SOCK_PROTO_RAW)->optional);
	assert_true(proto_get(SOCK_PROTO_ICMP)->optional);
	assert_int_equal(proto_get(SOCK_PROTO_TCP)->opt_short, 't');
	assert_int_equal(proto_get(SOCK_PROTO_UNIX)->opt_short, 'x');
	assert_int_equal(proto_get(SOCK_PROTO_ICMP)->opt_short, 0);
}

static void test_proto_families(void **state)
{
	uint8_t fams[2];
	unsigned p;

	for (p = 0; p < _SOCK_PROTO_MAX; p++) {
		memset(fams, 0xee, sizeof(fams));
		if (proto_get((enum sock_proto)p)->inet) {
			assert_int_equal(proto_families((enum sock_proto)p, fams), 2);
			assert_int_equal(fams[0], AF_INET);
			assert_int_equal(fams[1], AF_INET6);
		} else {
			assert_int_equal(proto_families((enum sock_proto)p, fams), 1);
			assert_int_equal(fams[0], AF_UNIX);
			assert_int_equal(fams[1], 0xee);
		}
	}
	memset(fams, 0xee, sizeof(fams));
	assert_int_equal(proto_families(_SOCK_PROTO_MAX, fams), 0);
	assert_int_equal(proto_families((enum sock_proto)-1, fams), 0);
	assert_int_equal(fams[0], 0xee);
	assert_int_equal(fams[1], 0xee);

	assert_int_equal(proto_family_index(AF_INET), 0);
	assert_int_equal(proto_family_index(AF_INET6), 1);
	assert_int_equal(proto_family_index(AF_UNIX), 0);
}

static void test_proto_by_name(void **state)
{
	static const char *const bad[] = { "", "TCP", "tcp6", "udpl", "udp6", "tcp ", " tcp", "t",
					   "unixx", "ip", "UNKNOWN" };
	size_t i;
	unsigned p;

	for (p = 0; p < _SOCK_PROTO_MAX; p++)
		assert_int_equal(proto_by_name(proto_get((enum sock_proto)p)->name), (int)p);
	assert_int_equal(proto_by_name("udplite"), SOCK_PROTO_UDPLITE);
	assert_int_equal(proto_by_name("icmp"), SOCK_PROTO_ICMP);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(proto_by_name(bad[i]), -EINVAL);
}

static void test_proto_masks(void **state)
{
	uint32_t inet = proto_mask_inet(), unix_ = proto_mask_unix();
	unsigned p;

	assert_int_equal(inet & unix_, 0);
	assert_int_equal(inet | unix_, SOCK_PROTOS_ALL);
	assert_int_equal(unix_, SOCK_PROTO_BIT(SOCK_PROTO_UNIX));
	for (p = 0; p < _SOCK_PROTO_MAX; p++)
		assert_int_equal(!!(inet & SOCK_PROTO_BIT(p)), proto_get((enum sock_proto)p)->inet);
	assert_int_equal(SOCK_PROTOS_ALL, (1u << _SOCK_PROTO_MAX) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_proto_names_and_labels),
		cmocka_unit_test(test_family_type_source_names),
		cmocka_unit_test(test_proto_rows),
		cmocka_unit_test(test_proto_families),
		cmocka_unit_test(test_proto_by_name),
		cmocka_unit_test(test_proto_masks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
