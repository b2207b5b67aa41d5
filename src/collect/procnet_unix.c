/* SPDX-License-Identifier: MIT */
/*
 * /proc/net/unix parser.
 *
 * unix_seq_show() prints "%pK: %08X %08X %08X %04X %02X %5lu" (Num,
 * RefCount, Protocol, Flags, Type, St, Inode) and then, for a bound socket,
 * one space and the sun_path bytes with every NUL printed as '@' (so an
 * abstract name starts with '@').  Nothing in the name is escaped: it can
 * hold spaces, and a '\n' in it starts a forged line nobody can detect here.
 * That is why the netlink source is preferred and this one is a fallback.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "procnet_internal.h"

/* include/uapi/linux/net.h: set in Flags for a listening socket. */
#define UNIX_ACCEPTCON (1u << 16)

/*
 * St is the kernel's socket_state, derived in unix_seq_show() from
 * sk_state and whether a struct socket is attached (embryos have none).
 * Mapped as ss maps it in its /proc fallback; netlink reports sk_state
 * itself (CLOSE/ESTABLISHED/LISTEN), which agrees for 1 and 3, the only
 * values a socket with an inode shows.
 */
static const uint8_t unix_state_map[] = {
	[1] = SOCK_STATE_CLOSE,       /* SS_UNCONNECTED */
	[2] = SOCK_STATE_SYN_SENT,    /* SS_CONNECTING: established embryo */
	[3] = SOCK_STATE_ESTABLISHED, /* SS_CONNECTED */
	[4] = SOCK_STATE_CLOSING,     /* SS_DISCONNECTING: orphan, not established */
};

static int unix_type(uint32_t type)
{
	switch (type) {
	case SOCK_STREAM:
	case SOCK_DGRAM:
	case SOCK_SEQPACKET:
		return (int)type;
	default:
		return -EINVAL;
	}
}

/* A hex field of at most max_digits digits, which we only check. */
static int skip_hex(struct procnet_cursor *c, size_t max_digits, uint32_t *ret)
{
	const char *tok;
	size_t len;

	if (procnet_next_token(c, &tok, &len) < 0)
		return -EINVAL;
	return procnet_parse_hex_u32(tok, len, max_digits, ret);
}

static int unix_parse(const char *line, size_t len, struct sock_entry *ret, uint8_t *name_buf,
		      size_t *ret_name_len)
{
	struct procnet_cursor c = { .p = line, .end = line + len };
	struct sock_entry e = { 0 };
	uint32_t v, flags, type, st;
	const char *tok, *name;
	size_t tlen, name_len, i;
	int t;

	/* Num: the kernel pointer as "%pK:", up to 16 hex digits (often 0s). */
	if (procnet_next_token(&c, &tok, &tlen) < 0 || tlen < 2 || tlen > 17 ||
	    tok[tlen - 1] != ':')
		return -EINVAL;
	for (i = 0; i + 1 < tlen; i++)
		if (procnet_parse_hex_u32(tok + i, 1, 1, &v) < 0)
			return -EINVAL;
	if (skip_hex(&c, 8, &v) < 0 ||      /* RefCount */
	    skip_hex(&c, 8, &v) < 0 ||      /* Protocol */
	    skip_hex(&c, 8, &flags) < 0 ||
	    skip_hex(&c, 4, &type) < 0 ||
	    skip_hex(&c, 2, &st) < 0)
		return -EINVAL;
	t = unix_type(type);
	if (t < 0 || st == 0 || st >= sizeof(unix_state_map))
		return -EINVAL;
	if (procnet_next_token(&c, &tok, &tlen) < 0 ||
	    procnet_parse_dec_u32(tok, tlen, &e.inode) < 0)
		return -EINVAL;

	/* The name is everything after exactly one space: a path may itself
	 * start with a space.  Only the line's own '\n' is not part of it. */
	name = c.p;
	name_len = (size_t)(c.end - c.p);
	if (name_len && name[name_len - 1] == '\n')
		name_len--;
	if (name_len) {
		if (name[0] != ' ' || name_len < 2)
			return -EINVAL;
		name++;
		name_len--;
		if (name_len > SOCK_UNIX_NAME_MAX)
			return -EINVAL;
		/* A '\n' or NUL inside means this is not one kernel line. */
		if (memchr(name, '\n', name_len) || memchr(name, '\0', name_len))
			return -EINVAL;
	}

	e.family = AF_UNIX;
	e.proto = SOCK_PROTO_UNIX;
	e.type = (uint8_t)t;
	e.state = flags & UNIX_ACCEPTCON ? SOCK_STATE_LISTEN : unix_state_map[st];
	e.source = SOCK_SOURCE_PROC;
	if (name_len) {
		e.flags |= SOCK_F_HAS_PATH;
		memcpy(name_buf, name, name_len);
		if (name[0] == '@') {
			/* unix_seq_show() prints the abstract NUL as '@'. */
			name_buf[0] = '\0';
			e.flags |= SOCK_F_ABSTRACT;
		}
	}
	*ret = e;
	*ret_name_len = name_len;
	return 0;
}

int procnet_unix_parse_line(const char *line, struct sock_entry *ret, uint8_t *name_buf,
			    size_t *ret_name_len)
{
	return unix_parse(line, strlen(line), ret, name_buf, ret_name_len);
}

static bool unix_header_ok(const char *line, size_t len)
{
	static const char *const words[] = {
		"Num", "RefCount", "Protocol", "Flags", "Type", "St", "Inode", "Path",
	};
	struct procnet_cursor c = { .p = line, .end = line + len };
	const char *tok;
	size_t tlen, i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (procnet_next_token(&c, &tok, &tlen) < 0 || tlen != strlen(words[i]) ||
		    memcmp(tok, words[i], tlen) != 0)
			return false;
	}
	return procnet_next_token(&c, &tok, &tlen) < 0;
}

static int unix_scan_header(struct procnet_scan *s, const char *line, size_t len)
{
	if (!unix_header_ok(line, len))
		return -EBADMSG;
	/* The kernel never writes CR; if the header ends in one, the file was
	 * converted and every line carries one that is not part of a path. */
	s->crlf = len && line[len - 1] == '\r';
	return 0;
}

static int unix_scan_line(const struct procnet_scan *s, const char *line, size_t len,
			  struct sock_entry *ret, uint8_t *name_buf, size_t *ret_name_len)
{
	int r;

	if (s->crlf && len && line[len - 1] == '\r')
		len--;
	r = unix_parse(line, len, ret, name_buf, ret_name_len);
	if (r < 0)
		return r;
	/* Embryos: connections queued on a listener, not yet accepted, have
	 * no struct socket and so inode 0; unix_diag skips them. */
	return ret->inode ? 0 : PROCNET_SCAN_SKIP;
}

void procnet_unix_scan_init(struct procnet_scan *s)
{
	memset(s, 0, sizeof(*s));
	s->header = unix_scan_header;
	s->line = unix_scan_line;
	s->family = AF_UNIX;
	s->proto = SOCK_PROTO_UNIX;
}

int procnet_unix_parse_stats(FILE *f, uint32_t state_mask, struct sock_table *t,
			     struct procnet_stats *ret_stats)
{
	struct procnet_scan scan;

	procnet_unix_scan_init(&scan);
	return procnet_parse_file(f, &scan, state_mask, t, ret_stats);
}

int procnet_unix_parse(FILE *f, uint32_t state_mask, struct sock_table *t, size_t *ret_skipped)
{
	struct procnet_stats st;
	int r;

	r = procnet_unix_parse_stats(f, state_mask, t, &st);
	if (r < 0)
		return r;
	*ret_skipped = st.malformed + st.duplicates;
	return 0;
}
