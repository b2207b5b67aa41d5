/* SPDX-License-Identifier: MIT */
/*
 * Pure /proc/net parsers: tcp, tcp6, udp, udp6, udplite, udplite6, raw,
 * raw6 and unix.  Each turns a file's text into the same sock_entry values
 * the netlink collector makes (source = SOCK_SOURCE_PROC).
 *
 * They take a FILE * so tests and fuzzers can feed memory (fmemopen).  The
 * header line is checked; each field is checked; a malformed line is skipped
 * and counted, never guessed at.
 *
 * What /proc cannot tell (left with their KNOWN flag clear): v6only and the
 * socket cookie (inet); queues, peer and uid (unix).  A LISTEN socket's
 * tx_queue is 0 in /proc/net/tcp, while netlink reports the backlog limit in
 * wqueue: the parsers record what the file says.
 */
#ifndef LSOCK_PROCNET_H
#define LSOCK_PROCNET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lsock/sock_table.h"

/* Longest line the file parsers accept; longer lines are malformed. */
#define PROCNET_LINE_MAX 512

/* What a file parse dropped, besides sockets filtered out by state. */
struct procnet_stats {
	size_t malformed;  /* lines skipped as malformed (incl. too long, truncated last line) */
	size_t duplicates; /* repeated non-zero inodes dropped: the snapshot was not atomic */
};

/*
 * Parses one data line of /proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6}
 * (without or with its trailing newline), assuming the kernel's column
 * layout (uid in the 8th field, inode in the 10th).
 * family is AF_INET or AF_INET6; proto selects the socket type recorded.
 * Returns 0, or -EINVAL for a malformed line.
 */
int procnet_inet_parse_line(const char *line, uint8_t family, enum sock_proto proto,
			    struct sock_entry *ret);

/*
 * Parses a whole /proc/net inet file, header included, and appends the
 * sockets whose state is in state_mask to t.  The uid and inode columns are
 * located from the header.  *ret_skipped counts malformed lines plus dropped
 * duplicate inodes (see procnet_inet_parse_stats() to tell them apart).
 * Returns 0, -EBADMSG if the header line is not the expected one (or the
 * file is empty), -EINVAL for a bad family/proto, -ENOMEM, or -errno from
 * reading.
 */
int procnet_inet_parse(FILE *f, uint8_t family, enum sock_proto proto, uint32_t state_mask,
		       struct sock_table *t, size_t *ret_skipped);

/* procnet_inet_parse(), reporting malformed lines and duplicates separately. */
int procnet_inet_parse_stats(FILE *f, uint8_t family, enum sock_proto proto,
			     uint32_t state_mask, struct sock_table *t,
			     struct procnet_stats *ret_stats);

/*
 * Parses one data line of /proc/net/unix.  The name is the rest of the line
 * after the single space that follows the 7th field (Inode), verbatim: it may
 * hold spaces; only a final '\n' is stripped.  A leading '@' means abstract,
 * and is turned into the leading NUL the kernel uses.  The name bytes are
 * written to name_buf (at least 108 bytes), length in *ret_name_len.
 * Note: /proc prints NULs inside abstract names as '@', so those are lossy.
 * State: Flags with __SO_ACCEPTCON (0x10000) is LISTEN; otherwise St (the
 * kernel's socket_state) maps like ss does: 1 SS_UNCONNECTED -> CLOSE,
 * 2 SS_CONNECTING -> SYN_SENT, 3 SS_CONNECTED -> ESTABLISHED,
 * 4 SS_DISCONNECTING -> CLOSING.
 * An inode of 0 (an embryo: a connection not yet accepted) is returned as is.
 * Returns 0 or -EINVAL.
 */
int procnet_unix_parse_line(const char *line, struct sock_entry *ret,
			    uint8_t *name_buf, size_t *ret_name_len);

/*
 * Parses a whole /proc/net/unix file, header included, and appends the
 * sockets whose state is in state_mask to t.  Embryos (inode 0) are skipped
 * and not counted.  *ret_skipped counts malformed lines plus dropped
 * duplicate inodes.  Returns 0, -EBADMSG for a bad header, -ENOMEM, or
 * -errno from reading.
 */
int procnet_unix_parse(FILE *f, uint32_t state_mask, struct sock_table *t, size_t *ret_skipped);

/* procnet_unix_parse(), reporting malformed lines and duplicates separately. */
int procnet_unix_parse_stats(FILE *f, uint32_t state_mask, struct sock_table *t,
			     struct procnet_stats *ret_stats);

/*
 * Reads <proc_root>/net/<file> (proc_root is normally "/proc") for family
 * (AF_INET, AF_INET6, or AF_UNIX with SOCK_PROTO_UNIX) and proto in one pass
 * through a 256 KiB stdio buffer, and appends the sockets whose state is in
 * state_mask to t.  *ret_skipped as for procnet_inet_parse().
 * Returns 0, -ENOENT if the file does not exist (e.g. udplite on a kernel
 * without it), -EINVAL for a bad family/proto, -ENAMETOOLONG, -EBADMSG,
 * -ENOMEM, or -errno from opening or reading.  On error, t may hold the
 * entries added before it; callers that mind truncate it back.
 */
int procnet_collect(const char *proc_root, uint8_t family, enum sock_proto proto,
		    uint32_t state_mask, struct sock_table *t, size_t *ret_skipped);

/* procnet_collect(), reporting malformed lines and duplicates separately. */
int procnet_collect_stats(const char *proc_root, uint8_t family, enum sock_proto proto,
			  uint32_t state_mask, struct sock_table *t,
			  struct procnet_stats *ret_stats);

/*
 * Helpers shared by the two parsers (exposed for their tests).
 */

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

#endif
