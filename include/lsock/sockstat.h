/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own socket figures and trouble counters, for the summary
 * (-s): <proc_root>/net/sockstat and sockstat6 ("TCP: inuse 5 orphan 0 ..."),
 * and the Tcp, Udp and TcpExt counters of <proc_root>/net/snmp and
 * <proc_root>/net/netstat (a header line of names, then a line of values,
 * per section).  A figure or counter the files do not carry stays unknown
 * (its bit clear in *_known): the caller shows null or "-", never 0.
 * The parsers are pure and bounded; only sockstat_read() touches files.
 */
#ifndef LSOCK_SOCKSTAT_H
#define LSOCK_SOCKSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sockstat_figure {
	SOCKSTAT_SOCKETS_USED,
	SOCKSTAT_TCP_INUSE,
	SOCKSTAT_TCP_ORPHAN,
	SOCKSTAT_TCP_TW,
	SOCKSTAT_TCP_ALLOC,
	SOCKSTAT_TCP_MEM,
	SOCKSTAT_TCP6_INUSE,
	SOCKSTAT_UDP_INUSE,
	SOCKSTAT_UDP_MEM,
	SOCKSTAT_UDP6_INUSE,
	SOCKSTAT_UDPLITE_INUSE,
	SOCKSTAT_UDPLITE6_INUSE,
	SOCKSTAT_RAW_INUSE,
	SOCKSTAT_RAW6_INUSE,
	SOCKSTAT_FRAG_INUSE,
	SOCKSTAT_FRAG_MEMORY,
	SOCKSTAT_FRAG6_INUSE,
	SOCKSTAT_FRAG6_MEMORY,
	_SOCKSTAT_FIGURE_MAX,
};

enum sockstat_counter {
	SOCKSTAT_C_LISTEN_OVERFLOWS,
	SOCKSTAT_C_LISTEN_DROPS,
	SOCKSTAT_C_RETRANS_SEGS,
	SOCKSTAT_C_TCP_TIMEOUTS,
	SOCKSTAT_C_TCP_SYN_RETRANS,
	SOCKSTAT_C_ACTIVE_OPENS,
	SOCKSTAT_C_PASSIVE_OPENS,
	SOCKSTAT_C_ATTEMPT_FAILS,
	SOCKSTAT_C_ESTAB_RESETS,
	SOCKSTAT_C_OUT_RSTS,
	SOCKSTAT_C_UDP_NO_PORTS,
	SOCKSTAT_C_UDP_RCVBUF_ERRORS,
	SOCKSTAT_C_UDP_IN_ERRORS,
	_SOCKSTAT_COUNTER_MAX,
};

struct sockstat {
	uint64_t figures[_SOCKSTAT_FIGURE_MAX];
	uint64_t counters[_SOCKSTAT_COUNTER_MAX];
	uint32_t figures_known;  /* bit f: figures[f] was read */
	uint32_t counters_known; /* bit c: counters[c] was read */
};

/* How a figure appears in JSON: "sockstat": {group: {key: N}} (group NULL:
 * directly under "sockstat"), and in the file: "PREFIX: name N". */
struct sockstat_figure_desc {
	const char *prefix;    /* "TCP", "TCP6", "sockets" */
	const char *name;      /* "inuse" */
	bool v6;               /* in sockstat6 */
	const char *group;     /* JSON object: "tcp", "tcp6", NULL */
	const char *key;       /* JSON key: "inuse", "mem_pages", "sockets_used" */
	bool host_wide;        /* one global counter, the same in every namespace */
};

struct sockstat_counter_desc {
	const char *section;   /* "Tcp", "TcpExt", "Udp" */
	const char *field;     /* the kernel's name: "ListenOverflows" */
	const char *key;       /* JSON key and text label: "ListenOverflows", "UdpNoPorts" */
	const char *file;      /* "snmp" or "netstat" */
	const char *meaning;   /* one plain phrase */
};

/* The rows, or NULL out of range. */
const struct sockstat_figure_desc *sockstat_figure_get(enum sockstat_figure f);
const struct sockstat_counter_desc *sockstat_counter_get(enum sockstat_counter c);

static inline bool sockstat_has_figure(const struct sockstat *s, enum sockstat_figure f)
{
	return (s->figures_known >> f) & 1u;
}

static inline bool sockstat_has_counter(const struct sockstat *s, enum sockstat_counter c)
{
	return (s->counters_known >> c) & 1u;
}

/*
 * Parses the text of sockstat (v6 false) or sockstat6 (v6 true): lines of
 * "PREFIX: name value name value ...".  Known (prefix, name) pairs are
 * recorded in *s (which is added to, not reset); unknown ones are ignored,
 * so a newer kernel's extra fields do no harm.  A line without ':', with
 * an odd number of tokens or a value that is not a decimal u64 is
 * rejected whole: returns -EINVAL after reading the other lines.
 * A NUL byte in text ends it.  Returns 0 or -EINVAL.
 */
int sockstat_parse_sockstat(const char *text, size_t len, bool v6, struct sockstat *s);

/*
 * Parses the text of snmp or netstat: per section, a line
 * "Section: Name1 Name2 ..." followed by "Section: v1 v2 ..." with as many
 * values (signed: Tcp MaxConn is -1).  Known (section, field) pairs are
 * recorded in *s.  A pair of lines whose prefixes or counts differ, or a
 * value that is not a decimal integer, is rejected whole: returns -EINVAL
 * after reading the other sections.  A wanted counter with a negative
 * value stays unknown.  Returns 0 or -EINVAL.
 */
int sockstat_parse_counters(const char *text, size_t len, struct sockstat *s);

/*
 * Reads <proc_root>/net/{sockstat,sockstat6,snmp,netstat} into *ret (written
 * on every path).  A file that is missing, unreadable, not a regular file
 * or longer than 64 KiB, or a malformed part of one, leaves its values
 * unknown; that is not an error.  Returns 0, or -ENAMETOOLONG for a
 * proc_root too long for a path.
 */
int sockstat_read(const char *proc_root, struct sockstat *ret);

/*
 * The figures and counters of n network namespaces v[0..n) as one (written
 * on every path): a per-namespace value is the sum, known when it is known
 * in every namespace; a host-wide figure (tcp_sockets_allocated,
 * tcp_orphan_count, the memory counters) is the same global everywhere, so
 * it is taken once, from the first namespace that has it.
 */
void sockstat_sum(const struct sockstat *v, size_t n, struct sockstat *ret);

/*
 * TCP sockets that exist but are in no hash table: alloc - (inuse + inuse6).
 * TIME_WAIT sockets are mini-sockets outside tcp_sockets_allocated (they
 * are in tw, not in alloc), so unlike ss this does not subtract tw.
 * Returns false when a figure is unknown; clamps at 0 (the per-CPU counters
 * are summed without a lock).
 */
bool sockstat_tcp_closed(const struct sockstat *s, uint64_t *ret);

#endif
