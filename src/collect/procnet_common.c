/* SPDX-License-Identifier: MIT */
/*
 * The /proc/net reading machinery shared by every format: tokens, numbers,
 * lines, the dedup set and the parse loop.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/strparse.h"
#include "procnet_internal.h"

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
	uint64_t v;
	int r = strparse_dec(s, len, UINT32_MAX, false, &v);

	if (r == 0)
		*ret = (uint32_t)v;
	return r;
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

bool procnet_tok_is(const char *tok, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(tok, word, len) == 0;
}

int procnet_parse_file(FILE *f, struct procnet_scan *s, uint32_t state_mask,
		       struct sock_table *t, struct procnet_stats *ret_stats)
{
	struct procnet_inode_set seen = { 0 };
	struct procnet_stats st = { 0 };
	uint8_t name[SOCK_UNIX_NAME_MAX];
	char line[PROCNET_LINE_MAX];
	struct sock_entry e;
	size_t len, name_len;
	int r;

	r = procnet_read_line(f, line, sizeof(line), &len);
	if (r < 0)
		goto out;
	if (r != PROCNET_LINE_OK || s->header(s, line, len) < 0) {
		r = -EBADMSG;
		goto out;
	}
	for (;;) {
		r = procnet_read_line(f, line, sizeof(line), &len);
		if (r < 0)
			goto out;
		if (r == PROCNET_LINE_EOF)
			break;
		st.rows++;
		/* A truncated last line may have lost part of a field. */
		if (r != PROCNET_LINE_OK) {
			st.malformed++;
			continue;
		}
		name_len = 0;
		r = s->line(s, line, len, &e, name, &name_len);
		if (r == PROCNET_SCAN_SKIP)
			continue;
		if (r < 0) {
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
		r = sock_table_add(t, &e, name, name_len);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	*ret_stats = st;
	procnet_inode_set_free(&seen);
	return r;
}

/* The count that follows `key` among the "key value" pairs of one line. */
static int sockstat_field(struct procnet_cursor c, const char *key, uint64_t *ret)
{
	const char *tok;
	size_t len;

	while (procnet_next_token(&c, &tok, &len) == 0) {
		uint32_t v = 0;

		if (!procnet_tok_is(tok, len, key))
			continue;
		if (procnet_next_token(&c, &tok, &len) < 0 || procnet_parse_dec_u32(tok, len, &v) < 0)
			return -EBADMSG;
		*ret = v;
		return 0;
	}
	return 0; /* not printed by this kernel: stays 0 */
}

/* The next line of [*p, end) as a cursor; false at the end. */
static bool next_line(const char **p, const char *end, struct procnet_cursor *ret)
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

int procnet_sockstat_parse(const char *text, size_t len, struct procnet_sockstat *ret)
{
	struct procnet_sockstat st = *ret;
	const char *end = text + len, *p = text;
	struct procnet_cursor c;
	bool have_tcp = false;
	int r = 0;

	while (r == 0 && next_line(&p, end, &c)) {
		const char *tok;
		size_t tlen;

		if (procnet_next_token(&c, &tok, &tlen) < 0)
			continue;
		if (procnet_tok_is(tok, tlen, "TCP:")) {
			have_tcp = true;
			r = sockstat_field(c, "inuse", &st.tcp_inuse);
			if (r == 0)
				r = sockstat_field(c, "tw", &st.tcp_tw);
		} else if (procnet_tok_is(tok, tlen, "UDP:")) {
			r = sockstat_field(c, "inuse", &st.udp_inuse);
		} else if (procnet_tok_is(tok, tlen, "UDPLITE:")) {
			r = sockstat_field(c, "inuse", &st.udplite_inuse);
		} else if (procnet_tok_is(tok, tlen, "RAW:")) {
			r = sockstat_field(c, "inuse", &st.raw_inuse);
		}
	}
	if (r < 0 || !have_tcp)
		return -EBADMSG;
	*ret = st;
	return 0;
}

int procnet_protocols_parse(const char *text, size_t len, struct procnet_sockstat *ret)
{
	const char *end = text + len, *p = text, *tok;
	struct procnet_cursor c;
	size_t tlen, col = 0, i;
	uint64_t sum = 0;

	/* "protocol  size sockets  memory press ..." */
	if (!next_line(&p, end, &c) || procnet_next_token(&c, &tok, &tlen) < 0 ||
	    !procnet_tok_is(tok, tlen, "protocol"))
		return -EBADMSG;
	for (i = 1; procnet_next_token(&c, &tok, &tlen) == 0; i++) {
		if (procnet_tok_is(tok, tlen, "sockets")) {
			col = i;
			break;
		}
	}
	if (col == 0)
		return -EBADMSG;
	while (next_line(&p, end, &c)) {
		uint32_t v = 0;

		if (procnet_next_token(&c, &tok, &tlen) < 0)
			continue;
		if (tlen < 4 || memcmp(tok, "UNIX", 4) != 0)
			continue;
		for (i = 1; i <= col; i++)
			if (procnet_next_token(&c, &tok, &tlen) < 0)
				return -EBADMSG;
		/* The kernel prints it as %6d: a socket count, never negative. */
		if (procnet_parse_dec_u32(tok, tlen, &v) < 0)
			return -EBADMSG;
		sum += v;
	}
	ret->unix_inuse = sum;
	return 0;
}
