/* SPDX-License-Identifier: MIT */
/*
 * The per-slot fallback decisions of collect_run(), with sock_diag and
 * /proc/net replaced by scripted results (ld --wrap, see test_collect.wrap).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/collect.h"
#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "lsock/procnet.h"
#include "collect/procnet_internal.h"

/* One scripted sock_diag pass: rows with these cookies (inode = cookie),
 * UNIX peers (0: none), over this many datagrams. */
struct pass {
	int err;
	size_t n;
	uint64_t cookie[8];
	uint32_t peer[8];
	size_t datagrams;
};

/* Scripted outcomes, indexed [proto][family is v6]. */
struct script {
	struct pass passes[4]; /* if npasses: what the dumps return, in turn */
	size_t npasses, pass_pos;
	uint64_t counts[8];    /* what procnet_sock_counts_read() reads, in turn */
	size_t ncounts, count_pos;
	size_t datagrams;      /* of the last dump */
	int open_error;
	int netlink[_SOCK_PROTO_MAX][2];
	int proc[_SOCK_PROTO_MAX][2];
	int netlink_calls;
	int unspec_calls; /* of them, dumps of both TCP families at once */
	int proc_calls;
};

static struct script sc;

int __wrap_nl_transport_open(struct nl_transport **ret)
{
	if (sc.open_error)
		return sc.open_error;
	*ret = (struct nl_transport *)&sc; /* opaque: never dereferenced */
	return 0;
}

void __wrap_nl_transport_close(struct nl_transport *nl)
{
}

static void add(struct sock_table *t, enum sock_proto proto, uint8_t family, uint8_t source)
{
	struct sock_entry e = { .proto = proto, .family = family, .source = source, .inode = 1 };

	assert_int_equal(sock_table_add(t, &e, NULL, 0), 0);
}

size_t __wrap_nl_transport_last_datagrams(const struct nl_transport *nl)
{
	return sc.datagrams;
}

int __wrap_procnet_sock_counts_read(const char *proc_root, uint8_t family,
				    struct procnet_sockstat *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (sc.count_pos >= sc.ncounts)
		return -ENOENT;
	ret->tcp_inuse = ret->unix_inuse = sc.counts[sc.count_pos++];
	return 0;
}

/* Runs the next scripted pass, if there is a script: returns 1 if it did. */
static int scripted_pass(enum sock_proto proto, uint8_t family, struct sock_table *t, int *ret)
{
	const struct pass *p;
	size_t i;

	if (!sc.npasses)
		return 0;
	sc.netlink_calls++;
	assert_true(sc.pass_pos < sc.npasses);
	p = &sc.passes[sc.pass_pos++];
	sc.datagrams = p->datagrams;
	*ret = p->err;
	for (i = 0; p->err == 0 && i < p->n; i++) {
		struct sock_entry e = { .proto = proto, .family = family,
					.source = SOCK_SOURCE_NETLINK, .inode = (uint32_t)p->cookie[i],
					.cookie = p->cookie[i], .flags = SOCK_F_COOKIE_KNOWN };

		if (p->peer[i]) {
			e.peer_inode = p->peer[i];
			e.flags |= SOCK_F_PEER_KNOWN;
		}
		assert_int_equal(sock_table_add(t, &e, NULL, 0), 0);
	}
	return 1;
}

int __wrap_diag_inet_collect(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
			     uint32_t states, struct sock_table *t, size_t *ret_dropped)
{
	*ret_dropped = 0;
	int r = sc.netlink[proto][family == AF_INET6];

	if (family == AF_UNSPEC) {
		/* Both TCP families in one dump (the tcp_diag request): it
		 * serves when both would, otherwise it is refused (as by a
		 * kernel without it) and collect_run() asks per family. */
		assert_int_equal(proto, SOCK_PROTO_TCP);
		if (sc.npasses || sc.netlink[proto][0] || sc.netlink[proto][1])
			return -EINVAL;
		sc.netlink_calls++;
		sc.unspec_calls++;
		add(t, proto, AF_INET6, SOCK_SOURCE_NETLINK);
		add(t, proto, AF_INET, SOCK_SOURCE_NETLINK);
		return 0;
	}
	if (scripted_pass(proto, family, t, &r))
		return r;
	sc.netlink_calls++;
	if (r == 0)
		add(t, proto, family, SOCK_SOURCE_NETLINK);
	return r;
}

int __wrap_diag_unix_collect(struct nl_transport *nl, uint32_t states, struct sock_table *t,
			     size_t *ret_dropped)
{
	*ret_dropped = 0;
	int r = sc.netlink[SOCK_PROTO_UNIX][0];

	if (scripted_pass(SOCK_PROTO_UNIX, AF_UNIX, t, &r))
		return r;
	sc.netlink_calls++;
	if (r == 0)
		add(t, SOCK_PROTO_UNIX, AF_UNIX, SOCK_SOURCE_NETLINK);
	return r;
}

int __wrap_procnet_collect_stats(const char *proc_root, uint8_t family, enum sock_proto proto,
				 uint32_t states, struct sock_table *t, struct procnet_stats *ret_stats)
{
	int r = sc.proc[proto][family == AF_INET6];

	sc.proc_calls++;
	/* Like the real reader, a failure may come after some lines were added. */
	add(t, proto, family, SOCK_SOURCE_PROC);
	if (r == 0) {
		ret_stats->malformed = 0;
		ret_stats->duplicates = 0;
	}
	return r;
}

static struct collect_spec plan(uint32_t protos, enum source_mode source)
{
	struct collect_spec p = { .protos = protos, .inet4 = true, .inet6 = true, .source = source,
				  .states = SOCK_STATES_ALL, .proc_root = "/proc" };
	return p;
}

static int setup(void **state)
{
	memset(&sc, 0, sizeof(sc));
	sc.datagrams = 1;
	return 0;
}

/* Every protocol that has a sock_diag handler. */
#define PROTOS_DIAG (SOCK_PROTOS_ALL & ~SOCK_PROTO_BIT(SOCK_PROTO_ICMP))

static void test_all_netlink(void **state)
{
	struct collect_spec p = plan(PROTOS_DIAG, SOURCE_AUTO);
	struct collect_report rep;
	struct sock_table t;
	size_t i;

	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), 0);
	assert_int_equal(t.len, 9); /* 4 inet protocols x 2 families + unix */
	assert_int_equal(sc.proc_calls, 0);
	for (i = 0; i < t.len; i++)
		assert_int_equal(t.entries[i].source, SOCK_SOURCE_NETLINK);
	/* output order is netstat's: tcp, tcp6, udp, udp6, ..., unix */
	assert_int_equal(t.entries[0].proto, SOCK_PROTO_TCP);
	assert_int_equal(t.entries[0].family, AF_INET);
	assert_int_equal(t.entries[1].family, AF_INET6);
	assert_int_equal(t.entries[8].proto, SOCK_PROTO_UNIX);
	/* Both TCP slots came from one dump, which sent tcp6 first: the
	 * table has them in slot order all the same. */
	assert_int_equal(sc.unspec_calls, 1);
	assert_true(collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET)->served);
	assert_true(collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET6)->served);
	assert_int_equal(collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET6)->source,
			 SOCK_SOURCE_NETLINK);
	assert_int_equal(rep.nslots, 9);
	sock_table_free(&t);
}

/* ICMP has no sock_diag handler: read from /proc, never asked of netlink,
 * and quietly, in every mode but --source=netlink with --icmp. */
static void test_proc_only_protocol(void **state)
{
	struct collect_spec p = plan(SOCK_PROTO_BIT(SOCK_PROTO_ICMP), SOURCE_AUTO);
	struct collect_report rep;
	struct sock_table t;

	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), 0);
	assert_int_equal(sc.netlink_calls, 0);
	assert_int_equal(sc.proc_calls, 2);
	assert_int_equal(t.len, 2);
	assert_int_equal(t.entries[0].source, SOCK_SOURCE_PROC);
	assert_false(collect_slot_of(&rep, SOCK_PROTO_ICMP, AF_INET)->noisy_fallback);
	assert_int_equal(collect_slot_of(&rep, SOCK_PROTO_ICMP, AF_INET6)->netlink_error, -ENOENT);
	sock_table_free(&t);

	/* --source=netlink: nothing to list unless --icmp was given. */
	memset(&sc, 0, sizeof(sc));
	p = plan(SOCK_PROTOS_ALL, SOURCE_NETLINK);
	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), 0);
	assert_int_equal(sc.proc_calls, 0);
	sock_table_free(&t);
	p = plan(SOCK_PROTO_BIT(SOCK_PROTO_ICMP), SOURCE_NETLINK);
	p.protos_given = true;
	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), -ENOENT);
	sock_table_free(&t);
}

static void test_refused_socket_falls_back_quietly(void **state)
{
	struct collect_spec p = plan(SOCK_PROTO_BIT(SOCK_PROTO_TCP) | SOCK_PROTO_BIT(SOCK_PROTO_UNIX),
				   SOURCE_AUTO);
	struct collect_report rep;
	struct sock_table t;

	sc.open_error = -EPROTONOSUPPORT; /* seccomp */
	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), 0);
	assert_int_equal(sc.netlink_calls, 0);
	assert_int_equal(t.len, 3);
	assert_int_equal(t.entries[0].source, SOCK_SOURCE_PROC);
	assert_int_equal(rep.transport_error, -EPROTONOSUPPORT);
	assert_int_equal(collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET)->source, SOCK_SOURCE_PROC);
	assert_false(collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET)->noisy_fallback);
	sock_table_free(&t);
}

static void test_per_protocol_fallback(void **state)
{
	struct collect_spec p = plan(SOCK_PROTO_BIT(SOCK_PROTO_TCP) | SOCK_PROTO_BIT(SOCK_PROTO_RAW),
				   SOURCE_AUTO);
	struct collect_report rep;
	struct sock_table t;

	/* No RAW_DIAG: the kernel answers DONE(-ENOENT) */
	sc.netlink[SOCK_PROTO_RAW][0] = sc.netlink[SOCK_PROTO_RAW][1] = -ENOENT;
	/* A malformed TCP6 dump: fall back, but loudly */
	sc.netlink[SOCK_PROTO_TCP][1] = -EBADMSG;
	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), 0);
	assert_int_equal(t.len, 4);
	assert_int_equal(collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET)->source, SOCK_SOURCE_NETLINK);
	assert_int_equal(collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET6)->source, SOCK_SOURCE_PROC);
	assert_true(collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET6)->noisy_fallback);
	assert_int_equal(collect_slot_of(&rep, SOCK_PROTO_RAW, AF_INET)->source, SOCK_SOURCE_PROC);
	assert_false(collect_slot_of(&rep, SOCK_PROTO_RAW, AF_INET)->noisy_fallback);
	assert_int_equal(collect_slot_of(&rep, SOCK_PROTO_RAW, AF_INET)->netlink_error, -ENOENT);
	sock_table_free(&t);
}

static void test_netlink_only_fails(void **state)
{
	struct collect_spec p = plan(SOCK_PROTO_BIT(SOCK_PROTO_TCP), SOURCE_NETLINK);
	struct collect_report rep;
	struct sock_table t;

	sc.open_error = -EPERM;
	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), -EPERM);
	assert_int_equal(sc.proc_calls, 0);
	assert_false(collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET)->served);
	assert_int_equal(collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET)->netlink_error, -EPERM);
	sock_table_free(&t);
}

static void test_netlink_only_missing_handler(void **state)
{
	struct collect_spec p = plan(SOCK_PROTOS_ALL, SOURCE_NETLINK);
	struct collect_report rep;
	struct sock_table t;

	/* No raw_diag: with every protocol defaulted, raw is just unavailable... */
	sc.netlink[SOCK_PROTO_RAW][0] = sc.netlink[SOCK_PROTO_RAW][1] = -ENOENT;
	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), 0);
	assert_false(collect_slot_of(&rep, SOCK_PROTO_RAW, AF_INET)->served);
	assert_int_equal(sc.proc_calls, 0);
	/* ...but when the user named it (-w), it is the failure it is. */
	p.protos = SOCK_PROTO_BIT(SOCK_PROTO_RAW);
	p.protos_given = true;
	assert_int_equal(collect_run(&p, &t, &rep), -ENOENT);
	sock_table_free(&t);
}

static void test_missing_proc_is_a_failure(void **state)
{
	struct collect_spec p = plan(SOCK_PROTO_BIT(SOCK_PROTO_TCP), SOURCE_PROC);
	struct collect_report rep;
	struct sock_table t;

	/* /proc/net/tcp missing means no /proc at all, not "no sockets". */
	sc.proc[SOCK_PROTO_TCP][0] = -ENOENT;
	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), -ENOENT);
	/* while a missing tcp6 table is a kernel without IPv6 */
	sc.proc[SOCK_PROTO_TCP][0] = 0;
	sc.proc[SOCK_PROTO_TCP][1] = -ENOENT;
	assert_int_equal(collect_run(&p, &t, &rep), 0);
	sock_table_free(&t);
}

static void test_proc_only(void **state)
{
	struct collect_spec p = plan(SOCK_PROTO_BIT(SOCK_PROTO_UDP), SOURCE_PROC);
	struct collect_report rep;
	struct sock_table t;

	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), 0);
	assert_int_equal(sc.netlink_calls, 0);
	assert_int_equal(t.len, 2);
	sock_table_free(&t);
}

static void test_protocol_missing_everywhere_is_empty(void **state)
{
	struct collect_spec p = plan(SOCK_PROTO_BIT(SOCK_PROTO_UDPLITE), SOURCE_AUTO);
	struct collect_report rep;
	struct sock_table t;

	/* A kernel without UDP-Lite: no diag handler, no /proc/net/udplite. */
	sc.netlink[SOCK_PROTO_UDPLITE][0] = sc.netlink[SOCK_PROTO_UDPLITE][1] = -ENOENT;
	sc.proc[SOCK_PROTO_UDPLITE][0] = sc.proc[SOCK_PROTO_UDPLITE][1] = -ENOENT;
	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), 0);
	assert_int_equal(t.len, 0);
	assert_false(collect_slot_of(&rep, SOCK_PROTO_UDPLITE, AF_INET)->served);
	/* ...but an unreadable /proc file when netlink is refused is a failure. */
	sc.open_error = -EPERM;
	sc.proc[SOCK_PROTO_UDPLITE][0] = -EACCES;
	assert_int_equal(collect_run(&p, &t, &rep), -EACCES);
	/* and what the failed read added was dropped */
	assert_int_equal(t.len, 0);
	sock_table_free(&t);
}

/* ---- churn: repeated dumps merged by cookie ------------------------------ */

static void assert_cookies(const struct sock_table *t, const uint64_t *want, size_t n)
{
	size_t i;

	assert_int_equal(t->len, n);
	for (i = 0; i < n; i++)
		assert_int_equal(t->entries[i].cookie, want[i]);
}

static const struct collect_slot *run_unix(uint32_t states, struct sock_table *t)
{
	struct collect_spec p = plan(SOCK_PROTO_BIT(SOCK_PROTO_UNIX), SOURCE_AUTO);
	static struct collect_report rep;

	p.states = states;
	assert_int_equal(collect_run(&p, t, &rep), 0);
	return collect_slot_of(&rep, SOCK_PROTO_UNIX, AF_UNIX);
}

/* A record sent twice is dropped, and is a sign of churn: the dump runs
 * again; the second pass, clean, is merged in (4 was missed by pass 1). */
static void test_churn_repeat_merges(void **state)
{
	static const uint64_t want[] = { 1, 2, 3, 4 };
	const struct collect_slot *sl;
	struct sock_table t;

	sc.passes[0] = (struct pass){ .n = 4, .cookie = { 1, 2, 3, 2 }, .datagrams = 2 };
	sc.passes[1] = (struct pass){ .n = 3, .cookie = { 1, 3, 4 }, .datagrams = 2 };
	sc.npasses = 2;
	sc.counts[0] = sc.counts[1] = sc.counts[2] = 7;
	sc.ncounts = 3;
	sock_table_init(&t);
	sl = run_unix(SOCK_STATES_ALL, &t);
	assert_cookies(&t, want, 4);
	assert_int_equal(sl->netlink_passes, 2);
	assert_int_equal(sl->netlink_repeats, 1);
	assert_int_equal(sl->netlink_reads, 2);
	assert_false(sl->netlink_unsettled);
	assert_int_equal(sc.count_pos, 3); /* before, after pass 1, after pass 2 */
	sock_table_free(&t);
}

/* Socket counts that moved during the dump are a sign too; a later pass
 * that fit one datagram is one walk, merged and final. */
static void test_churn_counts_moved(void **state)
{
	static const uint64_t want[] = { 1, 2, 3 };
	struct collect_spec p = plan(SOCK_PROTO_BIT(SOCK_PROTO_TCP), SOURCE_AUTO);
	const struct collect_slot *sl;
	struct collect_report rep;
	struct sock_table t;

	p.inet6 = false;
	sc.passes[0] = (struct pass){ .n = 2, .cookie = { 1, 2 }, .datagrams = 3 };
	sc.passes[1] = (struct pass){ .n = 2, .cookie = { 2, 3 }, .datagrams = 1 };
	sc.npasses = 2;
	sc.counts[0] = 10;
	sc.counts[1] = 11;
	sc.ncounts = 2;
	sock_table_init(&t);
	assert_int_equal(collect_run(&p, &t, &rep), 0);
	sl = collect_slot_of(&rep, SOCK_PROTO_TCP, AF_INET);
	assert_cookies(&t, want, 3);
	assert_int_equal(sl->netlink_passes, 2);
	assert_int_equal(sl->netlink_repeats, 0);
	assert_int_equal(sl->netlink_reads, 3);
	assert_false(sl->netlink_unsettled);
	sock_table_free(&t);
}

/* Quiet: several datagrams, counts still, nothing twice, every peer there:
 * one pass, as the kernel sent it.  One datagram: not even the counts after
 * are read, whatever they say. */
static void test_quiet_is_one_pass(void **state)
{
	static const uint64_t want[] = { 1, 2, 3 };
	const struct collect_slot *sl;
	struct sock_table t;

	sc.passes[0] = (struct pass){ .n = 3, .cookie = { 1, 2, 3 }, .peer = { 2, 1, 0 },
				      .datagrams = 5 };
	sc.npasses = 1;
	sc.counts[0] = sc.counts[1] = 4;
	sc.ncounts = 2;
	sock_table_init(&t);
	sl = run_unix(SOCK_STATES_ALL, &t);
	assert_cookies(&t, want, 3);
	assert_int_equal(sl->netlink_passes, 1);
	assert_int_equal(sl->netlink_reads, 5);
	assert_false(sl->netlink_unsettled);
	sock_table_free(&t);

	memset(&sc, 0, sizeof(sc));
	sc.passes[0] = (struct pass){ .n = 3, .cookie = { 1, 2, 3 }, .datagrams = 1 };
	sc.npasses = 1;
	sc.counts[0] = 4;
	sc.counts[1] = 5;
	sc.ncounts = 2;
	sock_table_init(&t);
	sl = run_unix(SOCK_STATES_ALL, &t);
	assert_int_equal(sl->netlink_passes, 1);
	assert_int_equal(sc.count_pos, 1);
	sock_table_free(&t);

	/* Counts that cannot be read are no sign (no /proc in a sandbox). */
	memset(&sc, 0, sizeof(sc));
	sc.passes[0] = (struct pass){ .n = 2, .cookie = { 1, 2 }, .datagrams = 2 };
	sc.npasses = 1;
	sock_table_init(&t);
	sl = run_unix(SOCK_STATES_ALL, &t);
	assert_int_equal(sl->netlink_passes, 1);
	sock_table_free(&t);
}

/* A pass that lists one end of a pair but not the other saw sockets come
 * or go: only meaningful when every state was asked for. */
static void test_churn_missing_peer(void **state)
{
	static const uint64_t want[] = { 1, 3, 2 };
	const struct collect_slot *sl;
	struct sock_table t;

	sc.passes[0] = (struct pass){ .n = 2, .cookie = { 1, 3 }, .peer = { 2, 0 },
				      .datagrams = 2 };
	sc.passes[1] = (struct pass){ .n = 3, .cookie = { 1, 2, 3 }, .peer = { 2, 1, 0 },
				      .datagrams = 2 };
	sc.npasses = 2;
	sock_table_init(&t);
	sl = run_unix(SOCK_STATES_ALL, &t);
	assert_cookies(&t, want, 3);
	assert_int_equal(sl->netlink_passes, 2);
	assert_false(sl->netlink_unsettled);
	sock_table_free(&t);

	/* -l: the peer (connected) was never asked for. */
	memset(&sc, 0, sizeof(sc));
	sc.passes[0] = (struct pass){ .n = 2, .cookie = { 1, 3 }, .peer = { 2, 0 },
				      .datagrams = 2 };
	sc.npasses = 1;
	sock_table_init(&t);
	sl = run_unix(SOCK_STATES_LISTENING, &t);
	assert_int_equal(sl->netlink_passes, 1);
	sock_table_free(&t);
}

/* Churn in every pass: COLLECT_MAX_PASSES passes, all merged, and the slot
 * says it never settled. */
static void test_churn_max_passes(void **state)
{
	static const uint64_t want[] = { 1, 2, 3, 4, 5 };
	const struct collect_slot *sl;
	struct sock_table t;

	sc.passes[0] = (struct pass){ .n = 3, .cookie = { 1, 2, 2 }, .datagrams = 2 };
	sc.passes[1] = (struct pass){ .n = 3, .cookie = { 3, 3, 1 }, .datagrams = 2 };
	sc.passes[2] = (struct pass){ .n = 4, .cookie = { 4, 5, 4, 2 }, .datagrams = 2 };
	sc.npasses = 3;
	sock_table_init(&t);
	sl = run_unix(SOCK_STATES_ALL, &t);
	assert_cookies(&t, want, 5);
	assert_int_equal(sl->netlink_passes, COLLECT_MAX_PASSES);
	assert_int_equal(sl->netlink_repeats, 3);
	assert_true(sl->netlink_unsettled);
	assert_int_equal(sc.netlink_calls, 3);
	sock_table_free(&t);
}

/* A later pass that fails costs nothing but itself. */
static void test_churn_later_pass_fails(void **state)
{
	static const uint64_t want[] = { 1, 2 };
	const struct collect_slot *sl;
	struct sock_table t;

	sc.passes[0] = (struct pass){ .n = 3, .cookie = { 1, 2, 1 }, .datagrams = 2 };
	sc.passes[1] = (struct pass){ .err = -EINTR };
	sc.npasses = 2;
	sock_table_init(&t);
	sl = run_unix(SOCK_STATES_ALL, &t);
	assert_cookies(&t, want, 2);
	assert_true(sl->served);
	assert_int_equal(sl->source, SOCK_SOURCE_NETLINK);
	assert_int_equal(sl->netlink_error, 0);
	assert_int_equal(sl->netlink_passes, 1);
	assert_true(sl->netlink_unsettled);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_all_netlink, setup),
		cmocka_unit_test_setup(test_proc_only_protocol, setup),
		cmocka_unit_test_setup(test_refused_socket_falls_back_quietly, setup),
		cmocka_unit_test_setup(test_per_protocol_fallback, setup),
		cmocka_unit_test_setup(test_netlink_only_fails, setup),
		cmocka_unit_test_setup(test_netlink_only_missing_handler, setup),
		cmocka_unit_test_setup(test_missing_proc_is_a_failure, setup),
		cmocka_unit_test_setup(test_proc_only, setup),
		cmocka_unit_test_setup(test_protocol_missing_everywhere_is_empty, setup),
		cmocka_unit_test_setup(test_churn_repeat_merges, setup),
		cmocka_unit_test_setup(test_churn_counts_moved, setup),
		cmocka_unit_test_setup(test_quiet_is_one_pass, setup),
		cmocka_unit_test_setup(test_churn_missing_peer, setup),
		cmocka_unit_test_setup(test_churn_max_passes, setup),
		cmocka_unit_test_setup(test_churn_later_pass_fails, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
