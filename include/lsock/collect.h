/* SPDX-License-Identifier: MIT */
/*
 * Collectors: for each (protocol, family) the spec asks for, try sock_diag
 * and fall back to /proc/net, per slot, recording which source served it.
 * Collectors never print: what happened is returned in a report that the
 * CLI turns into messages.
 */
#ifndef LSOCK_COLLECT_H
#define LSOCK_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/sock_table.h"

enum source_mode {
	SOURCE_AUTO,    /* sock_diag, falling back to /proc/net per slot */
	SOURCE_NETLINK, /* sock_diag only */
	SOURCE_PROC,    /* /proc/net only */
};

/* What to collect: the plan's answer to "which sockets", and nothing about
 * how they are shown. */
struct collect_spec {
	uint32_t protos;      /* SOCK_PROTO_BIT mask, never 0 */
	bool protos_given;    /* protocols were named (-t -u ...), not defaulted */
	bool inet4;
	bool inet6;
	uint32_t states;      /* SOCK_STATE_BIT mask pushed to the kernel and checked after */
	enum source_mode source;
	const char *proc_root; /* normally "/proc" */
	unsigned ext;          /* enum sock_ext_part: extension records to keep (sock_diag
				* only; 0: none, and the requests are the plain ones) */
	uint8_t owner_source;  /* enum owner_source (lsock/owner.h): --owners */
};

/* Whether spec s lists sockets of (proto, family). */
bool collect_spec_wants(const struct collect_spec *s, enum sock_proto proto, uint8_t family);

/* One (protocol, family) dump. */
struct collect_slot {
	uint8_t proto;      /* enum sock_proto */
	uint8_t family;     /* AF_INET, AF_INET6 or AF_UNIX */
	bool served;        /* some source delivered this slot */
	uint8_t source;     /* enum sock_source that served it */
	int netlink_error;  /* -errno from sock_diag, 0 if it served or was not tried */
	size_t netlink_dropped; /* malformed sock_diag records left out of a dump that served */
	uint8_t netlink_passes; /* sock_diag dumps run and merged (1, or more under churn) */
	bool netlink_unsettled; /* the last pass still showed churn (see collect_run()) */
	size_t netlink_reads;   /* most datagrams one pass needed (1: one consistent walk) */
	size_t netlink_repeats; /* records a resumed dump sent twice, dropped */
	int proc_error;     /* -errno from /proc/net, 0 if it served or was not tried */
	size_t proc_skipped; /* malformed /proc lines skipped */
	size_t proc_duplicates; /* sockets listed twice by a non-atomic /proc read, dropped */
	size_t proc_unaccounted; /* unix: /proc rows beyond the kernel's socket count (forged
				  * by names holding '\n', or churn; see procnet_collect_stats()) */
	bool noisy_fallback; /* fell back for a reason the user should hear about */
};

#define COLLECT_SLOTS_MAX (2 * _SOCK_PROTO_MAX)

struct collect_report {
	int transport_error;    /* -errno opening NETLINK_SOCK_DIAG, 0 if fine or unused */
	size_t nslots;          /* the asked slots, in collection order */
	struct collect_slot slots[COLLECT_SLOTS_MAX];
};

/* Most sock_diag dumps of one slot that collect_run() merges. */
#define COLLECT_MAX_PASSES 3

/*
 * Appends the sockets s asks for to t, in protocol-table order.
 *
 * Under churn.  The kernel fills one datagram per dump step and resumes
 * its hash walk by bucket and position, so when a dump needs several
 * datagrams, sockets that close or open between two steps can make it skip
 * a socket or send one twice (nl_transport_last_datagrams()).  So, for a
 * sock_diag slot whose dump needed several datagrams: records are
 * deduplicated by cookie (the slot's netlink_repeats); and when the pass
 * shows a sign of churn (a repeated record, a change in the namespace's
 * socket counts in <proc_root>/net/sockstat between its start and end, or,
 * for UNIX dumps of every state, a peer inode that the pass does not list)
 * the dump is run again, up to COLLECT_MAX_PASSES in all, until a pass
 * shows no sign, and the passes are merged by cookie: each socket once, as
 * the first pass that saw it had it.  A socket listed may thus have closed
 * during the run; a socket that existed throughout is missed only if every
 * pass missed it.  A dump that fit one datagram was one walk and is taken
 * as it is.  *ret_report
 * is written on every path (on -ENOMEM it describes the slots tried so far).
 * Returns 0 when every asked slot was served (or does not exist on this
 * kernel), -ENOMEM, or, when some slot could not be served, the error of the
 * first such slot (the report says which).  With SOURCE_NETLINK, a sock_diag
 * failure is that error.
 */
int collect_run(const struct collect_spec *s, struct sock_table *t,
		struct collect_report *ret_report);

/*
 * Streaming: collect_run() without a table of every row.  The rows are
 * handed to emit() in batches of about batch_rows, in the order
 * collect_run() would have appended them, each socket once: what the
 * table would have held, whatever the churn (the same passes, merged the
 * same way: a set of the slot's cookies, 8 bytes a socket, stands in for
 * the table's dedupe).  Memory stays at one batch, the cookie set, and,
 * for the dump of both TCP families, the IPv6 rows, which follow the IPv4
 * ones.
 *
 * emit() gets the batch (a table: it may drop rows from it) and returns 0,
 * or -errno to stop the collection, which then returns that error; the
 * batch is emptied after.  Unlike the table, rows handed on cannot be
 * taken back: so a slot whose dump fails after some of its rows were
 * handed on is not retried from another source, and fails the collection
 * (its slot records the error), as does out of memory.
 */
struct collect_stream {
	size_t batch_rows; /* at least 1 */
	int (*emit)(struct sock_table *batch, void *data);
	/*
	 * May be NULL.  Before each emit(), the rows held back to be handed on
	 * later (a both-family TCP dump's IPv6 rows) that are new since the
	 * last call: so that a formatter can fit its columns to them before
	 * it prints the rows they will follow.  It may drop rows from them
	 * (the prune), which are then never handed on.
	 */
	void (*ahead)(struct sock_table *rows, void *data);
	void *data;
};

/* collect_run() for a spec without extension records (s->ext == 0: -EINVAL
 * otherwise), streaming to st. */
int collect_run_stream(const struct collect_spec *s, const struct collect_stream *st,
		       struct collect_report *ret_report);

/* The slot of (proto, family), or NULL if it was not asked for. */
const struct collect_slot *collect_slot_of(const struct collect_report *r, enum sock_proto proto,
					   uint8_t family);

/*
 * Looks up the UNIX sockets of inodes[0..n) for the snapshot, in any
 * state: with by_dump, one more unix_diag dump of every state (one walk
 * of the table, cheaper than a few lookups), keeping the sockets of those
 * inodes; otherwise one exact request per inode (diag_unix_fetch()).
 * Appends them to t (source netlink) and returns their number in
 * *ret_found (written on every path).  On failure t is left as it was.
 * Returns 0 or -errno (no sock_diag, or a transport error).  inodes must
 * be sorted (by_dump searches them).
 */
int collect_unix_lookup(const uint32_t *inodes, size_t n, bool by_dump, struct sock_table *t,
			size_t *ret_found);

/*
 * The inodes of every inet socket of this namespace of the protocols in
 * protos (SOCK_PROTO_BIT mask; only those with an inet_diag handler), in
 * every state, sorted and unique, in *ret (malloc'd, free() it) and
 * *ret_len (both written on every path).  For the snapshot: one dump per
 * table tells which held sockets are inet ones cheaper than asking each
 * fd.  A table that cannot be dumped is left out.  Returns 0, -ENOMEM, or
 * the transport's -errno.
 */
int collect_inet_inodes(uint32_t protos, uint32_t **ret, size_t *ret_len);

/* Whether err (negative) from sock_diag means "not available here": fall
 * back quietly (EPROTONOSUPPORT, EAFNOSUPPORT, EPERM, EACCES, ENOENT, EINVAL,
 * EOPNOTSUPP). */
bool collect_is_quiet_fallback(int err);

#endif
