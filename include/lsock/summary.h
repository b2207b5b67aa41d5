/* SPDX-License-Identifier: MIT */
/*
 * The summary (-s): counts of the listed table by protocol, family and
 * state, the kernel's sockstat figures and trouble counters, and the
 * listeners whose accept queue is more than half full.  Counting is pure;
 * the formatters write to an outbuf and never fail visibly.
 */
#ifndef LSOCK_SUMMARY_H
#define LSOCK_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/columns.h"
#include "lsock/outbuf.h"
#include "lsock/sock_table.h"
#include "lsock/sockstat.h"

/* Family slots of the counts: inet, inet6, unix. */
enum summary_family {
	SUMMARY_INET,
	SUMMARY_INET6,
	SUMMARY_UNIX,
	_SUMMARY_FAMILY_MAX,
};

struct summary_counts {
	size_t total;
	size_t family[_SUMMARY_FAMILY_MAX];
	size_t proto[_SOCK_PROTO_MAX];
	size_t proto_family[_SOCK_PROTO_MAX][_SUMMARY_FAMILY_MAX];
	size_t proto_state[_SOCK_PROTO_MAX][_SOCK_STATE_MAX];
	size_t state[_SOCK_STATE_MAX];
};

/* Counts every row of t (out-of-range proto or state rows count in total
 * and family only). */
void summary_count(const struct sock_table *t, struct summary_counts *ret);

/*
 * Whether e is a listener with its accept queue more than half full:
 * LISTEN, queues from sock_diag (there wqueue is the backlog,
 * sk_max_ack_backlog, and rqueue the connections waiting for accept();
 * /proc/net/tcp prints 0 for the backlog), and 2 * rqueue > wqueue.
 */
bool summary_listener_is_full(const struct sock_entry *e);

/* One network namespace of -s with --all-netns or --netns. */
struct summary_ns {
	struct summary_counts counts; /* of its rows (sock_entry.netns_idx) */
	const struct sockstat *kernel; /* its own figures and counters */
};

/* Counts every row of t into v[e->netns_idx] (rows beyond n: nowhere). */
void summary_count_netns(const struct sock_table *t, struct summary_ns *v, size_t n);

struct summary {
	const struct summary_counts *counts;
	uint32_t protos;             /* SOCK_PROTO_BIT mask of the protocols listed */
	bool inet4, inet6;           /* the families listed */
	const struct sockstat *kernel; /* with ns: the namespaces' together (sockstat_sum()) */
	const struct render_ctx *full; /* table: the full listeners; owners: theirs (or NULL);
					* netns: the namespaces (names), with ns */
	const struct summary_ns *ns; /* indexed like full->netns->v; NULL: lsock's own only */
	size_t nns;
};

/* The overview for people. */
void fmt_summary_text(struct outbuf *o, const struct summary *s);

/* {"schema":1,"summary":{...}} (lsock-json(7)), and a newline. */
void fmt_summary_json(struct outbuf *o, const struct summary *s);

#endif
