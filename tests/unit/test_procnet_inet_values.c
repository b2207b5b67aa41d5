/* SPDX-License-Identifier: MIT */
/*
 * procnet_inet_parse() on recorded /proc/net/{tcp,udp,udplite,raw}{,6}
 * files (tests/fixtures/proc_net_*.txt) and on single lines: counts,
 * addresses, ports, queues, uids, inodes and the state mask.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include "lsock/procnet.h"

#include "procnet_fixture.h"

static void test_fixtures_count(void **state)
{
	static const struct {
		const char *file;
		uint8_t family;
		enum sock_proto proto;
		size_t n;
		int type;
	} cases[] = {
		{ "proc_net_tcp.txt", AF_INET, SOCK_PROTO_TCP, 7, SOCK_STREAM },
		{ "proc_net_tcp6.txt", AF_INET6, SOCK_PROTO_TCP, 7, SOCK_STREAM },
		{ "proc_net_udp.txt", AF_INET, SOCK_PROTO_UDP, 2, SOCK_DGRAM },
		{ "proc_net_udp6.txt", AF_INET6, SOCK_PROTO_UDP, 1, SOCK_DGRAM },
		{ "proc_net_udplite.txt", AF_INET, SOCK_PROTO_UDPLITE, 1, SOCK_DGRAM },
		{ "proc_net_udplite6.txt", AF_INET6, SOCK_PROTO_UDPLITE, 1, SOCK_DGRAM },
		{ "proc_net_raw.txt", AF_INET, SOCK_PROTO_RAW, 1, SOCK_RAW },
		{ "proc_net_raw6.txt", AF_INET6, SOCK_PROTO_RAW, 1, SOCK_RAW },
	};
	size_t i, j, skipped;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sock_table t = { 0 };
		FILE *f = open_fixture(cases[i].file);

		skipped = 99;
		assert_int_equal(procnet_inet_parse(f, cases[i].family, cases[i].proto,
						    SOCK_STATES_ALL, &t, &skipped),
				 0);
		fclose(f);
		assert_int_equal(skipped, 0);
		assert_int_equal(t.len, cases[i].n);
		for (j = 0; j < t.len; j++) {
			const struct sock_entry *e = &t.entries[j];

			assert_int_equal(e->family, cases[i].family);
			assert_int_equal(e->proto, cases[i].proto);
			assert_int_equal(e->type, cases[i].type);
			assert_int_equal(e->source, SOCK_SOURCE_PROC);
			/* TIME_WAIT rows come from get_timewait[46]_sock(): uid unknown */
			assert_int_equal(e->flags, e->state == SOCK_STATE_TIME_WAIT ?
							   SOCK_F_QUEUES_KNOWN :
							   SOCK_F_UID_KNOWN | SOCK_F_QUEUES_KNOWN);
			assert_int_equal(e->path_len, 0);
			assert_int_equal(e->cookie, 0);
		}
		sock_table_free(&t);
	}
}

static void test_tcp4_values(void **state)
{
	struct sock_table t = { 0 };
	const struct sock_entry *e;
	size_t skipped;
	FILE *f = open_fixture("proc_net_tcp.txt");

	(void)state;
	assert_int_equal(procnet_inet_parse(f, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t,
					    &skipped),
			 0);
	fclose(f);

	e = find_inode(&t, 2085625);
	assert_non_null(e);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_addr(e->laddr, AF_INET, "127.0.0.1");
	assert_addr(e->raddr, AF_INET, "0.0.0.0");
	assert_int_equal(e->lport, 8080);
	assert_int_equal(e->rport, 0);
	/* /proc prints 0 for a listener's tx_queue (netlink gives the backlog). */
	assert_int_equal(e->wqueue, 0);
	assert_int_equal(e->rqueue, 0);
	assert_int_equal(e->uid, 0);

	e = find_inode(&t, 2085626);
	assert_non_null(e);
	assert_addr(e->laddr, AF_INET, "127.1.2.3");
	assert_int_equal(e->lport, 65535);

	e = find_inode(&t, 2087586);
	assert_non_null(e);
	assert_int_equal(e->uid, 65534);
	assert_int_equal(e->lport, 9000);

	/* The accepted side of the pair holds 100 unread bytes. */
	e = find_inode(&t, 2085628);
	assert_non_null(e);
	assert_int_equal(e->state, SOCK_STATE_ESTABLISHED);
	assert_int_equal(e->lport, 8080);
	assert_int_equal(e->rport, 40001);
	assert_addr(e->raddr, AF_INET, "127.0.0.1");
	assert_int_equal(e->rqueue, 100);

	e = find_lport(&t, 40002, SOCK_STATE_TIME_WAIT);
	assert_non_null(e);
	assert_int_equal(e->inode, 0);
	assert_int_equal(e->rport, 8080);
	sock_table_free(&t);
}

static void test_tcp6_values(void **state)
{
	struct sock_table t = { 0 };
	const struct sock_entry *e;
	size_t skipped;
	FILE *f = open_fixture("proc_net_tcp6.txt");

	(void)state;
	assert_int_equal(procnet_inet_parse(f, AF_INET6, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t,
					    &skipped),
			 0);
	fclose(f);

	e = find_inode(&t, 2085634);
	assert_non_null(e);
	assert_addr(e->laddr, AF_INET6, "2001:db8::1:2:3");
	assert_int_equal(e->lport, 8080);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);

	e = find_inode(&t, 2085631);
	assert_non_null(e);
	assert_addr(e->laddr, AF_INET6, "::");
	assert_int_equal(e->lport, 443);

	/* v4-mapped addresses stay the bytes they are. */
	e = find_inode(&t, 2085633);
	assert_non_null(e);
	assert_addr(e->laddr, AF_INET6, "::ffff:127.0.0.1");
	assert_addr(e->raddr, AF_INET6, "::ffff:127.0.0.1");
	assert_int_equal(e->lport, 443);
	assert_int_equal(e->rport, 40003);

	/* The sender toward a receiver that does not read. */
	e = find_inode(&t, 2085652);
	assert_non_null(e);
	assert_addr(e->laddr, AF_INET6, "::1");
	assert_int_equal(e->wqueue, 0x39B600);
	e = find_inode(&t, 2085653);
	assert_non_null(e);
	assert_int_equal(e->rqueue, 0x1F600);

	e = find_lport(&t, 40006, SOCK_STATE_TIME_WAIT);
	assert_non_null(e);
	assert_int_equal(e->inode, 0);
	assert_int_equal(e->rport, 7000);
	sock_table_free(&t);
}

static void test_udp_raw_values(void **state)
{
	struct sock_table t = { 0 };
	const struct sock_entry *e;
	size_t skipped;
	FILE *f;

	(void)state;
	f = open_fixture("proc_net_udp.txt");
	assert_int_equal(procnet_inet_parse(f, AF_INET, SOCK_PROTO_UDP, SOCK_STATES_ALL, &t,
					    &skipped),
			 0);
	fclose(f);
	e = find_inode(&t, 2085635);
	assert_non_null(e);
	assert_int_equal(e->state, SOCK_STATE_CLOSE);
	assert_int_equal(e->lport, 5353);
	assert_int_equal(e->rqueue, 0x340);
	e = find_inode(&t, 2085636);
	assert_non_null(e);
	assert_int_equal(e->state, SOCK_STATE_ESTABLISHED);
	assert_int_equal(e->lport, 40004);
	assert_int_equal(e->rport, 5353);

	f = open_fixture("proc_net_udplite6.txt");
	assert_int_equal(procnet_inet_parse(f, AF_INET6, SOCK_PROTO_UDPLITE, SOCK_STATES_ALL, &t,
					    &skipped),
			 0);
	fclose(f);
	e = find_inode(&t, 2085638);
	assert_non_null(e);
	assert_int_equal(e->proto, SOCK_PROTO_UDPLITE);
	assert_int_equal(e->lport, 6000);

	/* RAW: the "port" is the IP protocol number. */
	f = open_fixture("proc_net_raw.txt");
	assert_int_equal(procnet_inet_parse(f, AF_INET, SOCK_PROTO_RAW, SOCK_STATES_ALL, &t,
					    &skipped),
			 0);
	fclose(f);
	e = find_inode(&t, 2085640);
	assert_non_null(e);
	assert_int_equal(e->lport, 1);
	assert_int_equal(e->type, SOCK_RAW);
	f = open_fixture("proc_net_raw6.txt");
	assert_int_equal(procnet_inet_parse(f, AF_INET6, SOCK_PROTO_RAW, SOCK_STATES_ALL, &t,
					    &skipped),
			 0);
	fclose(f);
	e = find_inode(&t, 2085641);
	assert_non_null(e);
	assert_int_equal(e->lport, 58);
	assert_int_equal(t.len, 2 + 1 + 1 + 1);
	sock_table_free(&t);
}

static void test_state_mask(void **state)
{
	struct sock_table t = { 0 };
	size_t skipped, i;
	FILE *f = open_fixture("proc_net_tcp.txt");

	(void)state;
	assert_int_equal(procnet_inet_parse(f, AF_INET, SOCK_PROTO_TCP,
					    SOCK_STATE_BIT(SOCK_STATE_LISTEN), &t, &skipped),
			 0);
	fclose(f);
	assert_int_equal(t.len, 3);
	for (i = 0; i < t.len; i++)
		assert_int_equal(t.entries[i].state, SOCK_STATE_LISTEN);
	sock_table_free(&t);
}

static void test_parse_line(void **state)
{
	struct sock_entry e;
	const char *v6 = "   3: 0000000000000000FFFF00000100007F:01BB "
			 "0000000000000000FFFF00000100007F:9C43 01 00000000:00000000 "
			 "00:00000000 00000000  1000        0 2085633";
	const char *tw_fin_wait2 = "   5: 0100007F:9C44 0100007F:1F90 05 00000000:00000000 "
				   "03:00000BB8 00000000     0        0 0 3 00000000e4a32de2";
	const char *request = "   0: 0100007F:1F90 0100007F:9C45 03 00000000:00000000 "
			      "01:00000064 00000000 65534        0 0 1 00000000e4a32de3";
	const char *fin_wait2 = "   6: 0100007F:9C46 0100007F:1F90 05 00000000:00000000 "
				"00:00000000 00000000  1000        0 2085640 1 00000000e4a32de4 "
				"20 4 30 10 -1";

	(void)state;
	assert_int_equal(procnet_inet_parse_line(ROW_LISTEN, AF_INET, SOCK_PROTO_TCP, &e), 0);
	assert_int_equal(e.inode, 2085625);
	assert_int_equal(e.lport, 8080);
	assert_int_equal(procnet_inet_parse_line(v6, AF_INET6, SOCK_PROTO_TCP, &e), 0);
	assert_int_equal(e.uid, 1000);
	assert_int_equal(e.inode, 2085633);
	assert_addr(e.raddr, AF_INET6, "::ffff:127.0.0.1");
	assert_int_equal(procnet_inet_parse_line(ROW_TW, AF_INET, SOCK_PROTO_TCP, &e), 0);
	assert_int_equal(e.state, SOCK_STATE_TIME_WAIT);
	assert_int_equal(e.inode, 0);
	/* get_timewait4_sock() prints uid 0 for a uid it does not know. */
	assert_false(e.flags & SOCK_F_UID_KNOWN);
	assert_int_equal(procnet_inet_parse_line(tw_fin_wait2, AF_INET, SOCK_PROTO_TCP, &e), 0);
	assert_int_equal(e.state, SOCK_STATE_FIN_WAIT2);
	assert_false(e.flags & SOCK_F_UID_KNOWN);
	/* get_openreq4() prints the listener's uid (timer 1): that one is real,
	 * as is a full socket's in FIN_WAIT2 (timer 0). */
	assert_int_equal(procnet_inet_parse_line(request, AF_INET, SOCK_PROTO_TCP, &e), 0);
	assert_int_equal(e.state, SOCK_STATE_SYN_RECV);
	assert_true(e.flags & SOCK_F_UID_KNOWN);
	assert_int_equal(e.uid, 65534);
	assert_int_equal(procnet_inet_parse_line(fin_wait2, AF_INET, SOCK_PROTO_TCP, &e), 0);
	assert_true(e.flags & SOCK_F_UID_KNOWN);
	assert_int_equal(e.uid, 1000);

	/* A v4 line is not a v6 line, and vice versa. */
	assert_int_equal(procnet_inet_parse_line(ROW_LISTEN, AF_INET6, SOCK_PROTO_TCP, &e),
			 -EINVAL);
	assert_int_equal(procnet_inet_parse_line(v6, AF_INET, SOCK_PROTO_TCP, &e), -EINVAL);
	assert_int_equal(procnet_inet_parse_line(ROW_LISTEN, AF_UNIX, SOCK_PROTO_TCP, &e),
			 -EINVAL);
	assert_int_equal(procnet_inet_parse_line(ROW_LISTEN, AF_INET, SOCK_PROTO_UNIX, &e),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_count),
		cmocka_unit_test(test_tcp4_values),
		cmocka_unit_test(test_tcp6_values),
		cmocka_unit_test(test_udp_raw_values),
		cmocka_unit_test(test_state_mask),
		cmocka_unit_test(test_parse_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
