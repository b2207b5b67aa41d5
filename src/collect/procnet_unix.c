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

#include "lsock/procnet.h"

/* sun_path size (struct sockaddr_un); the kernel never prints more. */
#define UNIX_NAME_MAX 108
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
		if (name_len > UNIX_NAME_MAX)
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

int procnet_unix_parse_stats(FILE *f, uint32_t state_mask, struct sock_table *t,
			     struct procnet_stats *ret_stats)
{
	struct procnet_inode_set seen = { 0 };
	struct procnet_stats st = { 0 };
	uint8_t name[UNIX_NAME_MAX];
	char line[PROCNET_LINE_MAX];
	struct sock_entry e;
	size_t len, name_len;
	bool crlf;
	int r;

	r = procnet_read_line(f, line, sizeof(line), &len);
	if (r < 0)
		return r;
	if (r != PROCNET_LINE_OK || !unix_header_ok(line, len))
		return -EBADMSG;
	/* The kernel never writes CR; if the header ends in one, the file was
	 * converted and every line carries one that is not part of a path. */
	crlf = len && line[len - 1] == '\r';

	for (;;) {
		r = procnet_read_line(f, line, sizeof(line), &len);
		if (r < 0)
			goto out;
		if (r == PROCNET_LINE_EOF)
			break;
		if (r != PROCNET_LINE_OK) {
			/* A truncated last line may have lost part of its path. */
			st.malformed++;
			continue;
		}
		if (crlf && len && line[len - 1] == '\r')
			len--;
		if (unix_parse(line, len, &e, name, &name_len) < 0) {
			st.malformed++;
			continue;
		}
		/* Embryos: connections queued on a listener, not yet accepted,
		 * have no struct socket and so inode 0; unix_diag skips them. */
		if (!e.inode)
			continue;
		r = procnet_inode_set_add(&seen, e.inode);
		if (r < 0)
			goto out;
		if (r == 1) {
			st.duplicates++;
			continue;
		}
		if (!(state_mask & SOCK_STATE_BIT(e.state)))
			continue;
		r = sock_table_add(t, &e, name, name_len);
		if (r < 0)
			goto out;
	}
	r = 0;
	*ret_stats = st;
out:
	procnet_inode_set_free(&seen);
	return r;
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
