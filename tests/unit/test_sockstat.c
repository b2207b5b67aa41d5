/* SPDX-License-Identifier: MIT */
/*
 * The sockstat, sockstat6, snmp and netstat parsers (captured files and
 * hand-made edge cases), sockstat_read() over a fake proc root, the TCP
 * "closed" figure, and the summary's counting and full-listener test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/sockstat.h"
#include "lsock/summary.h"

/* Reads tests/fixtures/<name> into a malloc'd buffer. */
static char *load(const char *name, size_t *ret_len)
{
	char path[1024], *buf = malloc(65536);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", LSOCK_FIXTURES, name);
	f = fopen(path, "re");
	assert_non_null(f);
	assert_non_null(buf);
	*ret_len = fread(buf, 1, 65536, f);
	fclose(f);
	return buf;
}

#define FIG(s, f) (assert_true(sockstat_has_figure(s, f)), (s)->figures[f])
#define CTR(s, c) (assert_true(sockstat_has_counter(s, c)), (s)->counters[c])

/* Values as captured on 6.18 in a private network namespace. */
static void test_fixture_sockstat(void **state)
{
	struct sockstat s = { 0 };
	size_t len;
	char *t = load("proc_net_sockstat.txt", &len);

	(void)state;
	assert_int_equal(sockstat_parse_sockstat(t, len, false, &s), 0);
	free(t);
	assert_int_equal(FIG(&s, SOCKSTAT_SOCKETS_USED), 11);
	assert_int_equal(FIG(&s, SOCKSTAT_TCP_INUSE), 1);
	assert_int_equal(FIG(&s, SOCKSTAT_TCP_ALLOC), 1325);
	assert_int_equal(FIG(&s, SOCKSTAT_TCP_MEM), 98);
	assert_int_equal(FIG(&s, SOCKSTAT_FRAG_MEMORY), 0);
	/* sockstat6 figures are not in sockstat */
	assert_false(sockstat_has_figure(&s, SOCKSTAT_TCP6_INUSE));
	t = load("proc_net_sockstat6.txt", &len);
	assert_int_equal(sockstat_parse_sockstat(t, len, true, &s), 0);
	free(t);
	assert_int_equal(FIG(&s, SOCKSTAT_TCP6_INUSE), 0);
	assert_int_equal(FIG(&s, SOCKSTAT_FRAG6_MEMORY), 0);
	assert_int_equal(s.figures_known, (1u << _SOCKSTAT_FIGURE_MAX) - 1);
}

static void test_fixture_counters(void **state)
{
	struct sockstat s = { 0 };
	size_t len;
	char *t = load("proc_net_snmp.txt", &len);

	(void)state;
	assert_int_equal(sockstat_parse_counters(t, len, &s), 0);
	free(t);
	assert_int_equal(CTR(&s, SOCKSTAT_C_ACTIVE_OPENS), 18);
	assert_int_equal(CTR(&s, SOCKSTAT_C_PASSIVE_OPENS), 3);
	assert_int_equal(CTR(&s, SOCKSTAT_C_ESTAB_RESETS), 1);
	assert_int_equal(CTR(&s, SOCKSTAT_C_OUT_RSTS), 2);
	assert_int_equal(CTR(&s, SOCKSTAT_C_UDP_NO_PORTS), 0);
	/* UdpLite has NoPorts too: only the Udp section counts */
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_TCP_TIMEOUTS));
	t = load("proc_net_netstat.txt", &len);
	assert_int_equal(sockstat_parse_counters(t, len, &s), 0);
	free(t);
	assert_int_equal(CTR(&s, SOCKSTAT_C_TCP_TIMEOUTS), 2);
	assert_int_equal(CTR(&s, SOCKSTAT_C_LISTEN_OVERFLOWS), 0);
	assert_int_equal(s.counters_known, (1u << _SOCKSTAT_COUNTER_MAX) - 1);
}

static void test_sockstat_edges(void **state)
{
	static const char text[] = "sockets: used 7\n"
				   "TCP: inuse 3 orphan 4 tw 5 alloc 18446744073709551615 mem 6 new 9\n"
				   "UDP: inuse 2 mem\n"           /* odd: rejected whole */
				   "RAW inuse 1\n"                /* no colon */
				   "FRAG: inuse -1 memory 2\n"    /* negative */
				   "UDPLITE: inuse 1x\n"
				   "\n"
				   "NEWPROTO: inuse 1\n";
	struct sockstat s = { 0 };

	(void)state;
	assert_int_equal(sockstat_parse_sockstat(text, sizeof(text) - 1, false, &s), -EINVAL);
	assert_int_equal(FIG(&s, SOCKSTAT_SOCKETS_USED), 7);
	assert_int_equal(FIG(&s, SOCKSTAT_TCP_ORPHAN), 4);
	assert_int_equal(FIG(&s, SOCKSTAT_TCP_TW), 5);
	assert_true(FIG(&s, SOCKSTAT_TCP_ALLOC) == UINT64_MAX);
	assert_false(sockstat_has_figure(&s, SOCKSTAT_UDP_INUSE));
	assert_false(sockstat_has_figure(&s, SOCKSTAT_UDP_MEM));
	assert_false(sockstat_has_figure(&s, SOCKSTAT_RAW_INUSE));
	assert_false(sockstat_has_figure(&s, SOCKSTAT_FRAG_INUSE));
	assert_false(sockstat_has_figure(&s, SOCKSTAT_FRAG_MEMORY));
	assert_false(sockstat_has_figure(&s, SOCKSTAT_UDPLITE_INUSE));
	/* The v4 TCP line does not feed the v6 figure, nor the reverse. */
	assert_false(sockstat_has_figure(&s, SOCKSTAT_TCP6_INUSE));
	memset(&s, 0, sizeof(s));
	assert_int_equal(sockstat_parse_sockstat("TCP: inuse 3\n", 13, true, &s), 0);
	assert_int_equal(s.figures_known, 0);
	/* 2^64 overflows; a NUL ends the text */
	assert_int_equal(sockstat_parse_sockstat("TCP: inuse 18446744073709551616\n", 32, false, &s),
			 -EINVAL);
	assert_int_equal(sockstat_parse_sockstat("TCP: inuse 1\0TCP: tw 2\n", 23, false, &s), 0);
	assert_int_equal(FIG(&s, SOCKSTAT_TCP_INUSE), 1);
	assert_false(sockstat_has_figure(&s, SOCKSTAT_TCP_TW));
	/* no final newline is fine */
	assert_int_equal(sockstat_parse_sockstat("UDP: inuse 9", 12, false, &s), 0);
	assert_int_equal(FIG(&s, SOCKSTAT_UDP_INUSE), 9);
}

static void test_counters_edges(void **state)
{
	static const char text[] = "Tcp: MaxConn ActiveOpens OutRsts\n"
				   "Tcp: -1 12 -3\n"                /* OutRsts < 0: unknown */
				   "Udp: NoPorts InErrors\n"
				   "Udp: 4\n"                       /* too few values */
				   "TcpExt: ListenDrops\n"
				   "Tcp: 5\n"                       /* other section */
				   "TcpExt: ListenOverflows TCPTimeouts\n"
				   "TcpExt: 8 x\n"                  /* not a number */
				   "IpExt: InNoRoutes\n"
				   "IpExt: 3\n"
				   "Udp: RcvbufErrors\n";           /* no values: cut */
	struct sockstat s = { 0 };

	(void)state;
	assert_int_equal(sockstat_parse_counters(text, sizeof(text) - 1, &s), -EINVAL);
	assert_int_equal(CTR(&s, SOCKSTAT_C_ACTIVE_OPENS), 12);
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_OUT_RSTS));
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_UDP_NO_PORTS));
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_UDP_IN_ERRORS));
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_LISTEN_DROPS));
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_LISTEN_OVERFLOWS));
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_TCP_TIMEOUTS));
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_UDP_RCVBUF_ERRORS));
	/* well-formed alone */
	memset(&s, 0, sizeof(s));
	assert_int_equal(sockstat_parse_counters("Udp: NoPorts InErrors\r\nUdp: 4 5\r\n", 32, &s), 0);
	assert_int_equal(CTR(&s, SOCKSTAT_C_UDP_NO_PORTS), 4);
	assert_int_equal(CTR(&s, SOCKSTAT_C_UDP_IN_ERRORS), 5);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/net/%s", dir, name);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_read_fake_root(void **state)
{
	char dir[] = "/tmp/lsock-sockstat-XXXXXX", path[1100];
	struct sockstat s;
	FILE *f;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/net", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	/* nothing there: all unknown, not an error */
	assert_int_equal(sockstat_read(dir, &s), 0);
	assert_int_equal(s.figures_known, 0);
	assert_int_equal(s.counters_known, 0);
	write_file(dir, "sockstat", "sockets: used 3\nTCP: inuse 2 orphan 0 tw 1 alloc 4 mem 1\n");
	write_file(dir, "snmp", "Tcp: ActiveOpens\nTcp: 6\n");
	/* a FIFO is refused, not read (it would block) */
	snprintf(path, sizeof(path), "%s/net/sockstat6", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* longer than the bound: refused whole */
	snprintf(path, sizeof(path), "%s/net/netstat", dir);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs("TcpExt: ListenOverflows\nTcpExt: 1\n", f);
	for (i = 0; i < 70000; i++)
		fputc('\n', f);
	fclose(f);
	assert_int_equal(sockstat_read(dir, &s), 0);
	assert_int_equal(FIG(&s, SOCKSTAT_TCP_ALLOC), 4);
	assert_int_equal(CTR(&s, SOCKSTAT_C_ACTIVE_OPENS), 6);
	assert_false(sockstat_has_figure(&s, SOCKSTAT_TCP6_INUSE));
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_LISTEN_OVERFLOWS));
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_PASSIVE_OPENS));
	for (i = 0; i < 4; i++) {
		static const char *const names[] = { "sockstat", "sockstat6", "snmp", "netstat" };

		snprintf(path, sizeof(path), "%s/net/%s", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/net", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_tcp_closed(void **state)
{
	struct sockstat s = { 0 };
	uint64_t v = 9;

	(void)state;
	assert_false(sockstat_tcp_closed(&s, &v));
	assert_int_equal(v, 0);
	/* 91 TIME_WAIT sockets are not closed ones: ss would say 91 + 2 */
	assert_int_equal(sockstat_parse_sockstat("TCP: inuse 5 orphan 0 tw 91 alloc 10 mem 1\n", 43,
						 false, &s), 0);
	assert_false(sockstat_tcp_closed(&s, &v));
	assert_int_equal(sockstat_parse_sockstat("TCP6: inuse 3\n", 14, true, &s), 0);
	assert_true(sockstat_tcp_closed(&s, &v));
	assert_int_equal(v, 2);
	s.figures[SOCKSTAT_TCP_ALLOC] = 7; /* counters summed while they moved */
	assert_true(sockstat_tcp_closed(&s, &v));
	assert_int_equal(v, 0);
}

static void test_summary_count(void **state)
{
	struct sock_table t = { 0 };
	struct sock_entry e = { .family = AF_INET, .proto = SOCK_PROTO_TCP,
				.state = SOCK_STATE_LISTEN };
	struct summary_counts c;

	(void)state;
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	e.state = SOCK_STATE_TIME_WAIT;
	e.family = AF_INET6;
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	e = (struct sock_entry){ .family = AF_UNIX, .proto = SOCK_PROTO_UNIX,
				 .state = SOCK_STATE_ESTABLISHED };
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	e.state = 200; /* out of range: total and family only */
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	summary_count(&t, &c);
	assert_int_equal(c.total, 5);
	assert_int_equal(c.family[SUMMARY_INET], 1);
	assert_int_equal(c.family[SUMMARY_INET6], 2);
	assert_int_equal(c.family[SUMMARY_UNIX], 2);
	assert_int_equal(c.proto[SOCK_PROTO_TCP], 3);
	assert_int_equal(c.proto[SOCK_PROTO_UNIX], 1);
	assert_int_equal(c.proto_family[SOCK_PROTO_TCP][SUMMARY_INET6], 2);
	assert_int_equal(c.proto_state[SOCK_PROTO_TCP][SOCK_STATE_TIME_WAIT], 2);
	assert_int_equal(c.state[SOCK_STATE_LISTEN], 1);
	assert_int_equal(c.state[SOCK_STATE_ESTABLISHED], 1);
	sock_table_free(&t);
}

/* Per-namespace figures and counters add up; host-wide ones count once;
 * a sum is known only when every namespace knew its parts. */
static void test_sum(void **state)
{
	struct sockstat v[3] = { 0 }, s;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		v[i].figures[SOCKSTAT_TCP_INUSE] = 10 * (i + 1);
		v[i].figures[SOCKSTAT_TCP_ALLOC] = 500; /* one global counter */
		v[i].figures[SOCKSTAT_UDP_MEM] = 7;
		v[i].counters[SOCKSTAT_C_ACTIVE_OPENS] = i + 1;
		v[i].figures_known = 1u << SOCKSTAT_TCP_INUSE | 1u << SOCKSTAT_TCP_ALLOC |
				     1u << SOCKSTAT_UDP_MEM | 1u << SOCKSTAT_TCP6_INUSE;
		v[i].counters_known = 1u << SOCKSTAT_C_ACTIVE_OPENS | 1u << SOCKSTAT_C_OUT_RSTS;
	}
	v[0].figures[SOCKSTAT_TCP6_INUSE] = 4;
	v[2].figures[SOCKSTAT_TCP6_INUSE] = 1;
	v[1].figures_known &= ~(1u << SOCKSTAT_UDP_MEM);   /* one lacks a host-wide figure */
	v[2].counters_known &= ~(1u << SOCKSTAT_C_OUT_RSTS); /* one lacks a counter */
	sockstat_sum(v, 3, &s);
	assert_true(sockstat_has_figure(&s, SOCKSTAT_TCP_INUSE));
	assert_int_equal(s.figures[SOCKSTAT_TCP_INUSE], 60);
	assert_int_equal(s.figures[SOCKSTAT_TCP6_INUSE], 5);
	assert_int_equal(s.figures[SOCKSTAT_TCP_ALLOC], 500);
	assert_true(sockstat_has_figure(&s, SOCKSTAT_UDP_MEM));
	assert_int_equal(s.figures[SOCKSTAT_UDP_MEM], 7);
	assert_false(sockstat_has_figure(&s, SOCKSTAT_TCP_TW)); /* nobody had it */
	assert_true(sockstat_has_counter(&s, SOCKSTAT_C_ACTIVE_OPENS));
	assert_int_equal(s.counters[SOCKSTAT_C_ACTIVE_OPENS], 6);
	assert_false(sockstat_has_counter(&s, SOCKSTAT_C_OUT_RSTS)); /* a partial sum */
	v[1].figures_known &= ~(1u << SOCKSTAT_TCP_INUSE);
	sockstat_sum(v, 3, &s);
	assert_false(sockstat_has_figure(&s, SOCKSTAT_TCP_INUSE));
	sockstat_sum(v, 0, &s);
	assert_int_equal(s.figures_known, 0);
	assert_int_equal(s.counters_known, 0);
}

static void test_count_netns(void **state)
{
	struct sock_table t = { 0 };
	struct sock_entry e = { .family = AF_INET, .proto = SOCK_PROTO_TCP,
				.state = SOCK_STATE_LISTEN };
	struct summary_ns v[2];

	(void)state;
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	e.netns_idx = 1;
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	e.netns_idx = 2; /* beyond the namespaces: counted nowhere */
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	summary_count_netns(&t, v, 2);
	assert_int_equal(v[0].counts.total, 1);
	assert_int_equal(v[1].counts.total, 2);
	assert_int_equal(v[1].counts.proto_state[SOCK_PROTO_TCP][SOCK_STATE_LISTEN], 2);
	sock_table_free(&t);
}

static void test_listener_full(void **state)
{
	struct sock_entry e = { .family = AF_INET, .proto = SOCK_PROTO_TCP,
				.state = SOCK_STATE_LISTEN, .source = SOCK_SOURCE_NETLINK,
				.flags = SOCK_F_QUEUES_KNOWN, .rqueue = 64, .wqueue = 128 };

	(void)state;
	assert_false(summary_listener_is_full(&e)); /* half is not more than half */
	e.rqueue = 65;
	assert_true(summary_listener_is_full(&e));
	e.source = SOCK_SOURCE_PROC; /* /proc/net/tcp has no backlog */
	assert_false(summary_listener_is_full(&e));
	e.source = SOCK_SOURCE_NETLINK;
	e.state = SOCK_STATE_ESTABLISHED; /* queued bytes, not connections */
	assert_false(summary_listener_is_full(&e));
	e = (struct sock_entry){ .state = SOCK_STATE_LISTEN, .source = SOCK_SOURCE_NETLINK,
				 .flags = SOCK_F_QUEUES_KNOWN, .rqueue = 1, .wqueue = 0 };
	assert_true(summary_listener_is_full(&e)); /* listen(fd, 0) */
	e.rqueue = UINT32_MAX;
	e.wqueue = UINT32_MAX;
	assert_true(summary_listener_is_full(&e)); /* no overflow in 2 * rqueue */
	e.flags = 0;
	assert_false(summary_listener_is_full(&e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_sockstat),
		cmocka_unit_test(test_fixture_counters),
		cmocka_unit_test(test_sockstat_edges),
		cmocka_unit_test(test_counters_edges),
		cmocka_unit_test(test_read_fake_root),
		cmocka_unit_test(test_tcp_closed),
		cmocka_unit_test(test_summary_count),
		cmocka_unit_test(test_sum),
		cmocka_unit_test(test_count_netns),
		cmocka_unit_test(test_listener_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
