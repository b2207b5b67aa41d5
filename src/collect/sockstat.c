/* SPDX-License-Identifier: MIT */
/*
 * Parsers of /proc/net/sockstat, sockstat6, snmp and netstat for the
 * summary.  The kernel prints sockstat with seq_printf() in
 * sockstat_seq_show() (net/ipv4/proc.c) and sockstat6_seq_show()
 * (net/ipv6/proc.c), and snmp/netstat as header/value line pairs
 * (snmp_seq_show_tcp_udp(), netstat_seq_show()).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/readfile.h"
#include "lsock/sockstat.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* netstat is about 4 KiB on 6.18 and grows a few fields per release. */
#define SOCKSTAT_FILE_MAX (64 * 1024)

/* host_wide: sockstat_seq_show() (net/ipv4/proc.c) prints these from
 * tcp_prot and udp_prot's global counters, the others from struct net. */
static const struct sockstat_figure_desc figures[_SOCKSTAT_FIGURE_MAX] = {
	[SOCKSTAT_SOCKETS_USED] = { "sockets", "used", false, NULL, "sockets_used", false },
	[SOCKSTAT_TCP_INUSE] = { "TCP", "inuse", false, "tcp", "inuse", false },
	[SOCKSTAT_TCP_ORPHAN] = { "TCP", "orphan", false, "tcp", "orphan", true },
	[SOCKSTAT_TCP_TW] = { "TCP", "tw", false, "tcp", "tw", false },
	[SOCKSTAT_TCP_ALLOC] = { "TCP", "alloc", false, "tcp", "alloc", true },
	[SOCKSTAT_TCP_MEM] = { "TCP", "mem", false, "tcp", "mem_pages", true },
	[SOCKSTAT_TCP6_INUSE] = { "TCP6", "inuse", true, "tcp6", "inuse", false },
	[SOCKSTAT_UDP_INUSE] = { "UDP", "inuse", false, "udp", "inuse", false },
	[SOCKSTAT_UDP_MEM] = { "UDP", "mem", false, "udp", "mem_pages", true },
	[SOCKSTAT_UDP6_INUSE] = { "UDP6", "inuse", true, "udp6", "inuse", false },
	[SOCKSTAT_UDPLITE_INUSE] = { "UDPLITE", "inuse", false, "udplite", "inuse", false },
	[SOCKSTAT_UDPLITE6_INUSE] = { "UDPLITE6", "inuse", true, "udplite6", "inuse", false },
	[SOCKSTAT_RAW_INUSE] = { "RAW", "inuse", false, "raw", "inuse", false },
	[SOCKSTAT_RAW6_INUSE] = { "RAW6", "inuse", true, "raw6", "inuse", false },
	[SOCKSTAT_FRAG_INUSE] = { "FRAG", "inuse", false, "frag", "inuse", false },
	[SOCKSTAT_FRAG_MEMORY] = { "FRAG", "memory", false, "frag", "memory_bytes", false },
	[SOCKSTAT_FRAG6_INUSE] = { "FRAG6", "inuse", true, "frag6", "inuse", false },
	[SOCKSTAT_FRAG6_MEMORY] = { "FRAG6", "memory", true, "frag6", "memory_bytes", false },
};

static const struct sockstat_counter_desc counters[_SOCKSTAT_COUNTER_MAX] = {
	[SOCKSTAT_C_LISTEN_OVERFLOWS] = { "TcpExt", "ListenOverflows", "ListenOverflows", "netstat",
		"accept queue full: a handshake completed but the listener had no room" },
	[SOCKSTAT_C_LISTEN_DROPS] = { "TcpExt", "ListenDrops", "ListenDrops", "netstat",
		"connection requests a listener dropped (overflows included)" },
	[SOCKSTAT_C_RETRANS_SEGS] = { "Tcp", "RetransSegs", "RetransSegs", "snmp",
		"TCP segments sent again: loss or a slow peer" },
	[SOCKSTAT_C_TCP_TIMEOUTS] = { "TcpExt", "TCPTimeouts", "TCPTimeouts", "netstat",
		"retransmission timer expiries: no ACK came in time" },
	[SOCKSTAT_C_TCP_SYN_RETRANS] = { "TcpExt", "TCPSynRetrans", "TCPSynRetrans", "netstat",
		"SYN and SYN-ACK resends: a peer slow or unreachable" },
	[SOCKSTAT_C_ACTIVE_OPENS] = { "Tcp", "ActiveOpens", "ActiveOpens", "snmp",
		"connections this host started (connect)" },
	[SOCKSTAT_C_PASSIVE_OPENS] = { "Tcp", "PassiveOpens", "PassiveOpens", "snmp",
		"connections this host accepted" },
	[SOCKSTAT_C_ATTEMPT_FAILS] = { "Tcp", "AttemptFails", "AttemptFails", "snmp",
		"connection attempts that failed (refused, reset or timed out)" },
	[SOCKSTAT_C_ESTAB_RESETS] = { "Tcp", "EstabResets", "EstabResets", "snmp",
		"established connections ended by a reset" },
	[SOCKSTAT_C_OUT_RSTS] = { "Tcp", "OutRsts", "OutRsts", "snmp",
		"TCP resets this host sent" },
	[SOCKSTAT_C_UDP_NO_PORTS] = { "Udp", "NoPorts", "UdpNoPorts", "snmp",
		"UDP datagrams to a port nobody listens on" },
	[SOCKSTAT_C_UDP_RCVBUF_ERRORS] = { "Udp", "RcvbufErrors", "UdpRcvbufErrors", "snmp",
		"UDP datagrams dropped: a receive buffer was full" },
	[SOCKSTAT_C_UDP_IN_ERRORS] = { "Udp", "InErrors", "UdpInErrors", "snmp",
		"UDP datagrams dropped on receive (buffer full, bad checksum)" },
};

const struct sockstat_figure_desc *sockstat_figure_get(enum sockstat_figure f)
{
	return (unsigned)f < ARRAY_SIZE(figures) ? &figures[f] : NULL;
}

const struct sockstat_counter_desc *sockstat_counter_get(enum sockstat_counter c)
{
	return (unsigned)c < ARRAY_SIZE(counters) ? &counters[c] : NULL;
}

/* A cursor over one line [p, end). */
struct cur {
	const char *p;
	const char *end;
};

/* The next blank-separated token of the line, or false at its end. */
static bool next_tok(struct cur *c, const char **ret_tok, size_t *ret_len)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
		c->p++;
	*ret_tok = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\t' && *c->p != '\r')
		c->p++;
	*ret_len = (size_t)(c->p - *ret_tok);
	return *ret_len > 0;
}

static bool tok_is(const char *tok, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(tok, word, len);
}

/* Decimal, optionally negative; *ret_neg says which.  False if malformed
 * or beyond 64 bits. */
static bool parse_int(const char *s, size_t len, uint64_t *ret, bool *ret_neg)
{
	uint64_t v = 0;
	size_t i = 0;

	*ret = 0;
	*ret_neg = len > 0 && s[0] == '-';
	if (*ret_neg)
		i++;
	if (i == len)
		return false;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return true;
}

/* The next line of [*p, end) as a cursor; false at the end. */
static bool next_line(const char **p, const char *end, struct cur *ret)
{
	const char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	ret->p = *p;
	ret->end = nl ? nl : end;
	*p = nl ? nl + 1 : end;
	return true;
}

/* The text up to its first NUL: the kernel never prints one. */
static size_t text_len(const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);

	return nul ? (size_t)(nul - text) : len;
}

/* Reads "PREFIX:" off the line into *ret_tok and *ret_len, without the colon. */
static bool line_prefix(struct cur *c, const char **ret_tok, size_t *ret_len)
{
	if (!next_tok(c, ret_tok, ret_len) || (*ret_tok)[*ret_len - 1] != ':' || *ret_len < 2)
		return false;
	(*ret_len)--;
	return true;
}

/* One "PREFIX: name value ..." line; false if malformed (nothing recorded). */
static bool sockstat_line(struct cur c, bool v6, struct sockstat *s)
{
	uint64_t vals[8];
	int idx[8];
	const char *pre, *name, *val;
	size_t plen, nlen, vlen, n = 0, i, f;
	bool neg;

	if (!line_prefix(&c, &pre, &plen))
		return false;
	while (next_tok(&c, &name, &nlen)) {
		if (!next_tok(&c, &val, &vlen) || !parse_int(val, vlen, &vals[n], &neg) || neg)
			return false;
		idx[n] = -1;
		for (f = 0; f < ARRAY_SIZE(figures); f++)
			if (figures[f].v6 == v6 && tok_is(pre, plen, figures[f].prefix) &&
			    tok_is(name, nlen, figures[f].name))
				idx[n] = (int)f;
		if (idx[n] >= 0 && ++n == ARRAY_SIZE(vals))
			break; /* no line of the kernel's has this many known pairs */
	}
	for (i = 0; i < n; i++) {
		s->figures[idx[i]] = vals[i];
		s->figures_known |= 1u << idx[i];
	}
	return true;
}

int sockstat_parse_sockstat(const char *text, size_t len, bool v6, struct sockstat *s)
{
	const char *p = text, *end = text + text_len(text, len);
	struct cur c;
	int r = 0;

	while (next_line(&p, end, &c)) {
		if (c.p == c.end)
			continue;
		if (!sockstat_line(c, v6, s))
			r = -EINVAL;
	}
	return r;
}

/* One header/values pair of snmp or netstat; false if malformed. */
static bool counters_pair(struct cur names, struct cur vals, struct sockstat *s)
{
	uint64_t got[_SOCKSTAT_COUNTER_MAX];
	bool neg_of[_SOCKSTAT_COUNTER_MAX] = { false }, seen[_SOCKSTAT_COUNTER_MAX] = { false };
	const char *np, *vp, *name, *val;
	size_t nplen, vplen, nlen, vlen, k;
	bool neg;

	if (!line_prefix(&names, &np, &nplen) || !line_prefix(&vals, &vp, &vplen) ||
	    nplen != vplen || memcmp(np, vp, nplen))
		return false;
	for (;;) {
		bool more_n = next_tok(&names, &name, &nlen);
		bool more_v = next_tok(&vals, &val, &vlen);
		uint64_t v;

		if (more_n != more_v)
			return false; /* as many values as names, or it is not this layout */
		if (!more_n)
			break;
		if (!parse_int(val, vlen, &v, &neg))
			return false;
		for (k = 0; k < ARRAY_SIZE(counters); k++)
			if (tok_is(np, nplen, counters[k].section) &&
			    tok_is(name, nlen, counters[k].field)) {
				got[k] = v;
				neg_of[k] = neg;
				seen[k] = true;
			}
	}
	for (k = 0; k < ARRAY_SIZE(counters); k++) {
		if (!seen[k] || neg_of[k])
			continue;
		s->counters[k] = got[k];
		s->counters_known |= 1u << k;
	}
	return true;
}

int sockstat_parse_counters(const char *text, size_t len, struct sockstat *s)
{
	const char *p = text, *end = text + text_len(text, len);
	struct cur names, vals;
	int r = 0;

	while (next_line(&p, end, &names)) {
		if (names.p == names.end)
			continue;
		if (!next_line(&p, end, &vals)) {
			r = -EINVAL; /* a header without its values: the read was cut */
			break;
		}
		if (!counters_pair(names, vals, s))
			r = -EINVAL;
	}
	return r;
}

int sockstat_read(const char *proc_root, struct sockstat *ret)
{
	static const char *const files[] = { "sockstat", "sockstat6", "snmp", "netstat" };
	char path[PATH_MAX];
	char *buf;
	size_t i;

	memset(ret, 0, sizeof(*ret));
	buf = malloc(SOCKSTAT_FILE_MAX);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		ssize_t n;

		if ((size_t)snprintf(path, sizeof(path), "%s/net/%s", proc_root, files[i]) >=
		    sizeof(path)) {
			free(buf);
			return -ENAMETOOLONG;
		}
		n = file_read_into(AT_FDCWD, path, buf, SOCKSTAT_FILE_MAX);
		if (n < 0)
			continue; /* its values stay unknown */
		/* A malformed line loses its own values only. */
		if (i < 2)
			(void)sockstat_parse_sockstat(buf, (size_t)n, i == 1, ret);
		else
			(void)sockstat_parse_counters(buf, (size_t)n, ret);
	}
	free(buf);
	return 0;
}

void sockstat_sum(const struct sockstat *v, size_t n, struct sockstat *ret)
{
	uint32_t all_f = n ? ~0u : 0, all_c = n ? ~0u : 0, any_f = 0;
	size_t i, k;

	memset(ret, 0, sizeof(*ret));
	for (i = 0; i < n; i++) {
		for (k = 0; k < ARRAY_SIZE(figures); k++) {
			if (!sockstat_has_figure(&v[i], (enum sockstat_figure)k))
				continue;
			if (!figures[k].host_wide)
				ret->figures[k] += v[i].figures[k];
			else if (!((any_f >> k) & 1u))
				ret->figures[k] = v[i].figures[k];
		}
		for (k = 0; k < ARRAY_SIZE(counters); k++)
			if (sockstat_has_counter(&v[i], (enum sockstat_counter)k))
				ret->counters[k] += v[i].counters[k];
		any_f |= v[i].figures_known;
		all_f &= v[i].figures_known;
		all_c &= v[i].counters_known;
	}
	for (k = 0; k < ARRAY_SIZE(figures); k++)
		if (((figures[k].host_wide ? any_f : all_f) >> k) & 1u)
			ret->figures_known |= 1u << k;
	ret->counters_known = all_c & ((1u << ARRAY_SIZE(counters)) - 1);
}

bool sockstat_tcp_closed(const struct sockstat *s, uint64_t *ret)
{
	uint64_t hashed;

	*ret = 0;
	if (!sockstat_has_figure(s, SOCKSTAT_TCP_ALLOC) || !sockstat_has_figure(s, SOCKSTAT_TCP_INUSE) ||
	    !sockstat_has_figure(s, SOCKSTAT_TCP6_INUSE))
		return false;
	hashed = s->figures[SOCKSTAT_TCP_INUSE] + s->figures[SOCKSTAT_TCP6_INUSE];
	*ret = s->figures[SOCKSTAT_TCP_ALLOC] > hashed ? s->figures[SOCKSTAT_TCP_ALLOC] - hashed : 0;
	return true;
}
