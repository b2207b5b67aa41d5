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
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/procnet.h"

/* Where the fields we need sit, counted in data fields from "sl" (0). */
struct inet_layout {
	size_t uid_field;
	size_t inode_field;
};

/* The layout every kernel since 2.2 prints (tcp4_seq_show()). */
static const struct inet_layout inet_default_layout = {
	.uid_field = 7,
	.inode_field = 9,
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int procnet_next_token(struct procnet_cursor *c, const char **ret_tok, size_t *ret_len)
{
	const char *start;

	while (c->p < c->end && is_blank(*c->p))
		c->p++;
	if (c->p >= c->end)
		return -EINVAL;
	start = c->p;
	while (c->p < c->end && !is_blank(*c->p))
		c->p++;
	*ret_tok = start;
	*ret_len = (size_t)(c->p - start);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int procnet_parse_hex_u32(const char *s, size_t len, size_t max_digits, uint32_t *ret)
{
	uint32_t v = 0;
	size_t i;

	if (len == 0 || len > max_digits || max_digits > 8)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
	}
	*ret = v;
	return 0;
}

int procnet_parse_dec_u32(const char *s, size_t len, uint32_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	*ret = (uint32_t)v;
	return 0;
}

int procnet_read_line(FILE *f, char *buf, size_t size, size_t *ret_len)
{
	bool has_nul = false;
	size_t n = 0;
	int c;

	if (size < 2)
		return -EINVAL;
	errno = 0;
	for (;;) {
		c = getc_unlocked(f);
		if (c == EOF)
			break;
		if (c == '\n') {
			buf[n] = '\0';
			*ret_len = n;
			return has_nul ? PROCNET_LINE_HAS_NUL : PROCNET_LINE_OK;
		}
		if (n + 1 >= size) {
			/* Drop the rest of the line so the next read starts fresh. */
			while ((c = getc_unlocked(f)) != EOF && c != '\n')
				;
			if (c == EOF && ferror(f))
				break;
			return PROCNET_LINE_TOO_LONG;
		}
		if (c == '\0')
			has_nul = true;
		buf[n++] = (char)c;
	}
	if (ferror(f))
		return errno > 0 ? -errno : -EIO;
	if (n == 0)
		return PROCNET_LINE_EOF;
	/* The kernel ends every line with '\n'; without it the read was cut
	 * and the last field may be cut short too (an inode "10913" read as
	 * "109" still parses), so the caller must not trust it. */
	buf[n] = '\0';
	*ret_len = n;
	return PROCNET_LINE_TRUNCATED;
}

static size_t inode_hash(uint32_t inode)
{
	/* Fibonacci hashing: socket inodes are mostly sequential. */
	return (size_t)(uint32_t)(inode * 2654435761u);
}

static void inode_set_insert(uint32_t *slots, size_t cap, uint32_t inode)
{
	size_t i = inode_hash(inode) & (cap - 1);

	while (slots[i])
		i = (i + 1) & (cap - 1);
	slots[i] = inode;
}

static int inode_set_grow(struct procnet_inode_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024, i;
	uint32_t *slots;

	if (cap > SIZE_MAX / sizeof(*slots) / 2)
		return -ENOMEM;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < s->cap; i++)
		if (s->slots[i])
			inode_set_insert(slots, cap, s->slots[i]);
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

int procnet_inode_set_add(struct procnet_inode_set *s, uint32_t inode)
{
	size_t i;
	int r;

	if (!inode)
		return -EINVAL;
	/* Keep the load at most 1/2 so probe runs stay short. */
	if (s->len + 1 > s->cap / 2) {
		r = inode_set_grow(s);
		if (r < 0)
			return r;
	}
	i = inode_hash(inode) & (s->cap - 1);
	while (s->slots[i]) {
		if (s->slots[i] == inode)
			return 1;
		i = (i + 1) & (s->cap - 1);
	}
	s->slots[i] = inode;
	s->len++;
	return 0;
}

void procnet_inode_set_free(struct procnet_inode_set *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

static bool tok_is(const char *tok, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(tok, word, len) == 0;
}

static int inet_sock_type(enum sock_proto proto)
{
	switch (proto) {
	case SOCK_PROTO_TCP:
		return SOCK_STREAM;
	case SOCK_PROTO_UDP:
	case SOCK_PROTO_UDPLITE:
		return SOCK_DGRAM;
	case SOCK_PROTO_RAW:
		return SOCK_RAW;
	default:
		return -EINVAL;
	}
}

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
		      const struct inet_layout *lay, struct sock_entry *ret)
{
	struct procnet_cursor c = { .p = line, .end = line + len };
	size_t last = lay->uid_field > lay->inode_field ? lay->uid_field : lay->inode_field;
	struct sock_entry e = { 0 };
	const char *tok, *colon;
	size_t tlen, field;
	uint32_t v, sl;
	int type;

	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	type = inet_sock_type(proto);
	if (type < 0)
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
		if (field == lay->uid_field && procnet_parse_dec_u32(tok, tlen, &e.uid) < 0)
			return -EINVAL;
		if (field == lay->inode_field && procnet_parse_dec_u32(tok, tlen, &e.inode) < 0)
			return -EINVAL;
	}

	e.family = family;
	e.proto = (uint8_t)proto;
	e.type = (uint8_t)type;
	e.source = SOCK_SOURCE_PROC;
	e.flags = SOCK_F_UID_KNOWN | SOCK_F_QUEUES_KNOWN;
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
static int inet_parse_header(const char *line, size_t len, struct inet_layout *ret)
{
	static const char *const fixed[] = {
		"sl", "local_address", NULL /* rem_address or remote_address */, "st",
		"tx_queue", "rx_queue", "tr", "tm->when", "retrnsmt",
	};
	struct procnet_cursor c = { .p = line, .end = line + len };
	struct inet_layout lay = { 0 };
	bool have_uid = false, have_inode = false;
	const char *tok;
	size_t tlen, i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (procnet_next_token(&c, &tok, &tlen) < 0)
			return -EBADMSG;
		if (fixed[i] ? !tok_is(tok, tlen, fixed[i]) :
			       !tok_is(tok, tlen, "rem_address") &&
				       !tok_is(tok, tlen, "remote_address"))
			return -EBADMSG;
	}
	/* The two paired header words make data fields lag by 2 from here. */
	for (i = 7; procnet_next_token(&c, &tok, &tlen) == 0; i++) {
		if (tok_is(tok, tlen, "uid") && !have_uid) {
			lay.uid_field = i;
			have_uid = true;
		} else if (tok_is(tok, tlen, "inode") && !have_inode) {
			lay.inode_field = i;
			have_inode = true;
		}
	}
	if (!have_uid || !have_inode)
		return -EBADMSG;
	*ret = lay;
	return 0;
}

int procnet_inet_parse_stats(FILE *f, uint8_t family, enum sock_proto proto,
			     uint32_t state_mask, struct sock_table *t,
			     struct procnet_stats *ret_stats)
{
	struct procnet_inode_set seen = { 0 };
	struct procnet_stats st = { 0 };
	struct inet_layout lay;
	char line[PROCNET_LINE_MAX];
	struct sock_entry e;
	size_t len;
	int r;

	if ((family != AF_INET && family != AF_INET6) || inet_sock_type(proto) < 0)
		return -EINVAL;

	r = procnet_read_line(f, line, sizeof(line), &len);
	if (r < 0)
		return r;
	if (r != PROCNET_LINE_OK || inet_parse_header(line, len, &lay) < 0)
		return -EBADMSG;

	for (;;) {
		r = procnet_read_line(f, line, sizeof(line), &len);
		if (r < 0)
			goto out;
		if (r == PROCNET_LINE_EOF)
			break;
		if (r != PROCNET_LINE_OK || inet_parse(line, len, family, proto, &lay, &e) < 0) {
			st.malformed++;
			continue;
		}
		/* seq_file resumes a read by position, so under churn a socket
		 * can be listed twice in one pass.  inode 0 (TIME_WAIT,
		 * SYN_RECV, unaccepted children) cannot be told apart. */
		if (e.inode) {
			r = procnet_inode_set_add(&seen, e.inode);
			if (r < 0)
				goto out;
			if (r == 1) {
				st.duplicates++;
				continue;
			}
		}
		if (!(state_mask & SOCK_STATE_BIT(e.state)))
			continue;
		r = sock_table_add(t, &e, NULL, 0);
		if (r < 0)
			goto out;
	}
	r = 0;
	*ret_stats = st;
out:
	procnet_inode_set_free(&seen);
	return r;
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

/* /proc/net file names, [proto][family == AF_INET6]. */
static const char *const procnet_inet_files[_SOCK_PROTO_MAX][2] = {
	[SOCK_PROTO_TCP] = { "tcp", "tcp6" },
	[SOCK_PROTO_UDP] = { "udp", "udp6" },
	[SOCK_PROTO_UDPLITE] = { "udplite", "udplite6" },
	[SOCK_PROTO_RAW] = { "raw", "raw6" },
};

/* One read(2) of a seq_file returns as much as fits, so a big buffer means
 * fewer restarts of the kernel's position-based walk and fewer duplicates
 * or misses under churn (ss uses setbuffer() the same way). */
#define PROCNET_STDIO_BUF (256 * 1024)

int procnet_collect_stats(const char *proc_root, uint8_t family, enum sock_proto proto,
			  uint32_t state_mask, struct sock_table *t,
			  struct procnet_stats *ret_stats)
{
	char path[4096];
	const char *name;
	char *iobuf;
	FILE *f;
	int r, n;

	if (!proc_root)
		return -EINVAL;
	if (family == AF_UNIX && proto == SOCK_PROTO_UNIX)
		name = "unix";
	else if ((family == AF_INET || family == AF_INET6) &&
		 (unsigned int)proto < _SOCK_PROTO_MAX && procnet_inet_files[proto][0])
		name = procnet_inet_files[proto][family == AF_INET6];
	else
		return -EINVAL;

	n = snprintf(path, sizeof(path), "%s/net/%s", proc_root, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	iobuf = malloc(PROCNET_STDIO_BUF);
	if (!iobuf) {
		fclose(f);
		return -ENOMEM;
	}
	if (setvbuf(f, iobuf, _IOFBF, PROCNET_STDIO_BUF) != 0) {
		fclose(f);
		free(iobuf);
		return -ENOMEM;
	}
	if (family == AF_UNIX)
		r = procnet_unix_parse_stats(f, state_mask, t, ret_stats);
	else
		r = procnet_inet_parse_stats(f, family, proto, state_mask, t, ret_stats);
	fclose(f);
	free(iobuf);
	return r;
}

int procnet_collect(const char *proc_root, uint8_t family, enum sock_proto proto,
		    uint32_t state_mask, struct sock_table *t, size_t *ret_skipped)
{
	struct procnet_stats st;
	int r;

	r = procnet_collect_stats(proc_root, family, proto, state_mask, t, &st);
	if (r < 0)
		return r;
	*ret_skipped = st.malformed + st.duplicates;
	return 0;
}
