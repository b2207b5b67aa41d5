/* SPDX-License-Identifier: MIT */
/*
 * What the /proc/net parsers share: the line reader, a token cursor, number
 * parsers, the inode set that drops repeated rows, and the one loop that
 * every file format runs (header, lines, dedup, state check, append) with a
 * per-format line scanner.  Private to src/collect/ (and its tests).
 */
#ifndef LSOCK_PROCNET_INTERNAL_H
#define LSOCK_PROCNET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lsock/procnet.h"

/* A read cursor over [p, end) of one line. */
struct procnet_cursor {
	const char *p;
	const char *end;
};

/*
 * Skips blanks (space, tab, CR, LF) and returns the next run of non-blank
 * bytes in *ret_tok / *ret_len.  Returns 0, or -EINVAL at the end of line.
 */
int procnet_next_token(struct procnet_cursor *c, const char **ret_tok, size_t *ret_len);

/* Whether tok[0..len) is exactly word. */
bool procnet_tok_is(const char *tok, size_t len, const char *word);

/*
 * Parses exactly len bytes (1..max_digits, max_digits <= 8) of hex digits.
 * Returns 0, or -EINVAL for an empty, too long or non-hex field.
 */
int procnet_parse_hex_u32(const char *s, size_t len, size_t max_digits, uint32_t *ret);

/*
 * Parses exactly len bytes of decimal digits (no sign, no blanks) into a u32.
 * Returns 0, -EINVAL for an empty or non-digit field, or -ERANGE on overflow.
 */
int procnet_parse_dec_u32(const char *s, size_t len, uint32_t *ret);

/* Results of procnet_read_line(). */
enum procnet_line {
	PROCNET_LINE_OK,        /* a whole line, its '\n' stripped */
	PROCNET_LINE_TOO_LONG,  /* longer than the buffer; consumed up to its '\n' */
	PROCNET_LINE_TRUNCATED, /* the last line had no '\n': the read was cut */
	PROCNET_LINE_HAS_NUL,   /* holds a NUL byte, which the kernel never prints */
	PROCNET_LINE_EOF,
};

/*
 * Reads one line into buf (size >= 2), NUL-terminated, without its '\n'.
 * *ret_len is the number of bytes stored (for LINE_OK, LINE_TRUNCATED and
 * LINE_HAS_NUL).  Returns an enum procnet_line, or -errno on a read error.
 */
int procnet_read_line(FILE *f, char *buf, size_t size, size_t *ret_len);

/* An open-addressing set of non-zero inodes; all-zero is a valid empty set. */
struct procnet_inode_set {
	uint32_t *slots;
	size_t cap; /* power of two, or 0 */
	size_t len;
};

/*
 * Adds inode (must be non-zero) to the set, growing it by doubling.
 * Returns 0 if it was added, 1 if it was already there, or -ENOMEM.
 */
int procnet_inode_set_add(struct procnet_inode_set *s, uint32_t inode);

/* Frees the set's memory; the set is empty (and reusable) after. */
void procnet_inode_set_free(struct procnet_inode_set *s);

/* Where the inet fields we need sit, counted in data fields from "sl" (0). */
struct procnet_inet_layout {
	size_t uid_field;
	size_t inode_field;
};

/* A line scanner's answer besides 0 and -EINVAL (malformed). */
#define PROCNET_SCAN_SKIP 1 /* a row that is not a socket we list (UNIX embryo) */

/* One file format: what procnet_parse_file() needs to read it. */
struct procnet_scan {
	/* Checks the header line and fills the layout.  0 or -EBADMSG. */
	int (*header)(struct procnet_scan *s, const char *line, size_t len);
	/* Parses one data line.  name_buf holds SOCK_UNIX_NAME_MAX bytes.
	 * Returns 0, -EINVAL (malformed) or PROCNET_SCAN_SKIP. */
	int (*line)(const struct procnet_scan *s, const char *line, size_t len,
		    struct sock_entry *ret, uint8_t *name_buf, size_t *ret_name_len);
	uint8_t family;
	enum sock_proto proto;
	struct procnet_inet_layout layout; /* inet: filled by header() */
	bool crlf;                         /* unix: lines end in a CR that is not data */
};

/*
 * The loop every format runs: reads and checks the header, then each line;
 * a malformed line is skipped and counted; a repeated non-zero inode (the
 * kernel resumes a seq_file read by position, so under churn a socket can be
 * listed twice in one pass) is dropped and counted; rows whose state is not
 * in state_mask are left out.  *ret_stats is written on every path.
 * Returns 0, -EBADMSG for a bad header, -ENOMEM, or -errno from reading.
 */
int procnet_parse_file(FILE *f, struct procnet_scan *s, uint32_t state_mask,
		       struct sock_table *t, struct procnet_stats *ret_stats);

/* The scanners of the two formats. */
void procnet_inet_scan_init(struct procnet_scan *s, uint8_t family, enum sock_proto proto);
void procnet_unix_scan_init(struct procnet_scan *s);

/*
 * Socket counts of one network namespace, to tell whether sockets came or
 * went while a dump ran (see collect.c).  From /proc/net/sockstat: the
 * inuse counts of TCP, UDP, UDP-Lite and RAW and TCP's TIME_WAIT count;
 * from /proc/net/protocols: the UNIX sockets (the "sockets" column of the
 * UNIX and UNIX-STREAM rows, sock_prot_inuse_get()).  Not sockstat's
 * "sockets: used", which counts our own netlink sockets too, and those go
 * after an RCU grace period, at no time we can tell.  A count that a
 * kernel does not print stays 0.
 */
struct procnet_sockstat {
	uint64_t tcp_inuse;
	uint64_t tcp_tw;
	uint64_t udp_inuse;
	uint64_t udplite_inuse;
	uint64_t raw_inuse;
	uint64_t unix_inuse;
};

/*
 * Parses the text of /proc/net/sockstat (len bytes, need not be
 * NUL-terminated) into the inet counts of *ret (the others are left
 * alone).  Lines and "key value" pairs it does not know are skipped.
 * Returns 0, or -EBADMSG if there is no "TCP:" line or a known count is
 * not a decimal number.
 */
int procnet_sockstat_parse(const char *text, size_t len, struct procnet_sockstat *ret);

/*
 * Parses the text of /proc/net/protocols into ret->unix_inuse: the sum of
 * the "sockets" column (located from the header) over the rows whose name
 * starts with "UNIX".  Returns 0, or -EBADMSG for a bad header, a short
 * row or a count that is not a number.
 */
int procnet_protocols_parse(const char *text, size_t len, struct procnet_sockstat *ret);

/*
 * Reads the counts a dump of family is judged by: the UNIX ones from
 * <proc_root>/net/protocols for AF_UNIX, the inet ones from
 * <proc_root>/net/sockstat otherwise; the rest of *ret is zeroed.
 * Returns 0, -ENAMETOOLONG, -EBADMSG, -EFBIG (more than 16 KiB), or -errno
 * from opening or reading.
 */
int procnet_sock_counts_read(const char *proc_root, uint8_t family, struct procnet_sockstat *ret);

#endif
