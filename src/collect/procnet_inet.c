/* SPDX-License-Identifier: MIT */
/*
 * /proc/net/{tcp,udp,udplite,raw}{,6} parser.
 *
 * The kernel prints these files with seq_printf() (tcp4_seq_show(),
 * tcp6_seq_show(), udp4_format_sock(), __ip6_dgram_sock_seq_show() ...):
 *
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ...
 *    0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 10913 ...
 *
 * Two header words (tx_queue rx_queue, tr tm->when) are one data field each,
 * so data field = header word - 2 from "retrnsmt" on.  Trailing fields vary:
 * TIME_WAIT rows stop right after "inode refcnt ptr", LISTEN rows add seven
 * more, raw/udp add "ref pointer drops"; all of that is ignored.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/proto.h"
#include "procnet_internal.h"

/* The layout every kernel since 2.2 prints (tcp4_seq_show()). */
static const struct procnet_inet_layout inet_default_layout = {
	.uid_field = 7,
	.inode_field = 9,
};

/*
 * "ADDR:PORT".  ADDR is 8 hex digits per 32-bit word: the kernel prints each
 * word of the network-order address with %08X as a host-order integer
 * (tcp4_seq_show() passes __be32 to %08X; tcp6 prints s6_addr32[0..3]), so
 * loading the digits as a host-order u32 and storing it with memcpy gives
 * back the network-order bytes on any endianness.  PORT is host order %04X.
 */
static int parse_endpoint(const char *tok, size_t len, uint8_t family, uint8_t *ret_addr,
			  uint16_t *ret_port)
{
	size_t words = family == AF_INET6 ? 4 : 1, alen = words * 8, i;
	uint8_t addr[16] = { 0 };
	uint32_t w, port;

	if (len <= alen + 1 || tok[alen] != ':')
		return -EINVAL;
	for (i = 0; i < words; i++) {
		if (procnet_parse_hex_u32(tok + i * 8, 8, 8, &w) < 0)
			return -EINVAL;
		memcpy(addr + i * 4, &w, sizeof(w));
	}
	if (procnet_parse_hex_u32(tok + alen + 1, len - alen - 1, 4, &port) < 0)
		return -EINVAL;
	memcpy(ret_addr, addr, sizeof(addr));
	*ret_port = (uint16_t)port;
	return 0;
}

static int inet_parse(const char *line, size_t len, uint8_t family, enum sock_proto proto,
		      const struct procnet_inet_layout *lay, struct sock_entry *ret)
{
	struct procnet_cursor c = { .p = line, .end = line + len };
	size_t last = lay->uid_field > lay->inode_field ? lay->uid_field : lay->inode_field;
	struct sock_entry e = { 0 };
	const char *tok, *colon;
	size_t tlen, field;
	const struct proto_desc *d = proto_get(proto);
	uint32_t v, sl;
	bool tw = false;

	if ((family != AF_INET && family != AF_INET6) || !d || !d->inet)
		return -EINVAL;

	/* sl: "%4d:" (the hash slot for udp, a row number for tcp). */
	if (procnet_next_token(&c, &tok, &tlen) < 0 || tlen < 2 || tok[tlen - 1] != ':' ||
	    procnet_parse_dec_u32(tok, tlen - 1, &sl) < 0)
		return -EINVAL;
	if (procnet_next_token(&c, &tok, &tlen) < 0 ||
	    parse_endpoint(tok, tlen, family, e.laddr, &e.lport) < 0)
		return -EINVAL;
	if (procnet_next_token(&c, &tok, &tlen) < 0 ||
	    parse_endpoint(tok, tlen, family, e.raddr, &e.rport) < 0)
		return -EINVAL;
	if (procnet_next_token(&c, &tok, &tlen) < 0 || procnet_parse_hex_u32(tok, tlen, 2, &v) < 0 ||
	    v == SOCK_STATE_UNKNOWN || v >= _SOCK_STATE_MAX)
		return -EINVAL;
	e.state = (uint8_t)v;
	/* "tx_queue:rx_queue", each %08X. */
	if (procnet_next_token(&c, &tok, &tlen) < 0)
		return -EINVAL;
	colon = memchr(tok, ':', tlen);
	if (!colon || procnet_parse_hex_u32(tok, (size_t)(colon - tok), 8, &e.wqueue) < 0 ||
	    procnet_parse_hex_u32(colon + 1, tlen - (size_t)(colon - tok) - 1, 8, &e.rqueue) < 0)
		return -EINVAL;

	for (field = 5; field <= last; field++) {
		if (procnet_next_token(&c, &tok, &tlen) < 0)
			return -EINVAL;
		/* "tr:tm->when": timer 3 is the time-wait timer, which only
		 * get_timewait4_sock()/get_timewait6_sock() print, with uid 0
		 * and inode 0 that the kernel does not know.  (Request sockets
		 * print timer 1 and the listener's uid: that one is real.) */
		if (field == 5 && tlen > 3 && tok[2] == ':' &&
		    procnet_parse_hex_u32(tok, 2, 2, &v) == 0)
			tw = v == 3;
		if (field == lay->uid_field && procnet_parse_dec_u32(tok, tlen, &e.uid) < 0)
			return -EINVAL;
		if (field == lay->inode_field && procnet_parse_dec_u32(tok, tlen, &e.inode) < 0)
			return -EINVAL;
	}

	e.family = family;
	e.proto = (uint8_t)proto;
	e.type = d->type;
	e.source = SOCK_SOURCE_PROC;
	e.flags = SOCK_F_QUEUES_KNOWN;
	if (!tw)
		e.flags |= SOCK_F_UID_KNOWN;
	*ret = e;
	return 0;
}

int procnet_inet_parse_line(const char *line, uint8_t family, enum sock_proto proto,
			    struct sock_entry *ret)
{
	return inet_parse(line, strlen(line), family, proto, &inet_default_layout, ret);
}

/*
 * Checks the header and finds the uid and inode columns.  The words up to
 * "retrnsmt" are fixed; the ones after it are located by name, so a kernel
 * that adds or moves trailing columns keeps working.
 */
static int inet_parse_header(const char *line, size_t len, struct procnet_inet_layout *ret)
{
	static const char *const fixed[] = {
		"sl", "local_address", NULL /* rem_address or remote_address */, "st",
		"tx_queue", "rx_queue", "tr", "tm->when", "retrnsmt",
	};
	struct procnet_cursor c = { .p = line, .end = line + len };
	struct procnet_inet_layout lay = { 0 };
	bool have_uid = false, have_inode = false;
	const char *tok;
	size_t tlen, i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (procnet_next_token(&c, &tok, &tlen) < 0)
			return -EBADMSG;
		if (fixed[i] ? !procnet_tok_is(tok, tlen, fixed[i]) :
			       !procnet_tok_is(tok, tlen, "rem_address") &&
				       !procnet_tok_is(tok, tlen, "remote_address"))
			return -EBADMSG;
	}
	/* The two paired header words make data fields lag by 2 from here. */
	for (i = 7; procnet_next_token(&c, &tok, &tlen) == 0; i++) {
		if (procnet_tok_is(tok, tlen, "uid") && !have_uid) {
			lay.uid_field = i;
			have_uid = true;
		} else if (procnet_tok_is(tok, tlen, "inode") && !have_inode) {
			lay.inode_field = i;
			have_inode = true;
		}
	}
	if (!have_uid || !have_inode)
		return -EBADMSG;
	*ret = lay;
	return 0;
}

static int inet_scan_header(struct procnet_scan *s, const char *line, size_t len)
{
	return inet_parse_header(line, len, &s->layout);
}

static int inet_scan_line(const struct procnet_scan *s, const char *line, size_t len,
			  struct sock_entry *ret, uint8_t *name_buf, size_t *ret_name_len)
{
	*ret_name_len = 0;
	return inet_parse(line, len, s->family, s->proto, &s->layout, ret);
}

void procnet_inet_scan_init(struct procnet_scan *s, uint8_t family, enum sock_proto proto)
{
	memset(s, 0, sizeof(*s));
	s->header = inet_scan_header;
	s->line = inet_scan_line;
	s->family = family;
	s->proto = proto;
}

int procnet_inet_parse_stats(FILE *f, uint8_t family, enum sock_proto proto,
			     uint32_t state_mask, struct sock_table *t,
			     struct procnet_stats *ret_stats)
{
	const struct proto_desc *d = proto_get(proto);
	struct procnet_scan scan;

	memset(ret_stats, 0, sizeof(*ret_stats));
	if ((family != AF_INET && family != AF_INET6) || !d || !d->inet)
		return -EINVAL;
	procnet_inet_scan_init(&scan, family, proto);
	return procnet_parse_file(f, &scan, state_mask, t, ret_stats);
}

int procnet_inet_parse(FILE *f, uint8_t family, enum sock_proto proto, uint32_t state_mask,
		       struct sock_table *t, size_t *ret_skipped)
{
	struct procnet_stats st;
	int r;

	r = procnet_inet_parse_stats(f, family, proto, state_mask, t, &st);
	if (r < 0)
		return r;
	*ret_skipped = st.malformed + st.duplicates;
	return 0;
}
