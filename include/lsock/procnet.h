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

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lsock/readfile.h"
#include "lsock/sock_table.h"

/*
 * The errno (negated on return) for a <proc_root>/net file that is not a
 * regular file: a FIFO, a device, a directory (see lsock/readfile.h).
 */
#define PROCNET_NOT_REGULAR FILE_NOT_REGULAR

/* Longest line the file parsers accept; longer lines are malformed. */
#define PROCNET_LINE_MAX 512

/* What a file parse dropped, besides sockets filtered out by state. */
struct procnet_stats {
	size_t rows;       /* data lines read (all of them, whatever became of each) */
	size_t malformed;  /* lines skipped as malformed (incl. too long, truncated last line) */
	size_t duplicates; /* repeated non-zero inodes dropped: the snapshot was not atomic */
	size_t unaccounted; /* unix, from procnet_collect_stats() only: rows beyond the
			     * kernel's count of UNIX sockets, so some were forged by a name
			     * holding '\n' (or sockets came and went during the read) */
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
 * located from the header.  *ret_skipped (written only on success) counts
 * malformed lines plus dropped
 * duplicate inodes (see procnet_inet_parse_stats() to tell them apart).
 * Returns 0, -EBADMSG if the header line is not the expected one (or the
 * file is empty), -EINVAL for a bad family/proto, -ENOMEM, or -errno from
 * reading.
 */
int procnet_inet_parse(FILE *f, uint8_t family, enum sock_proto proto, uint32_t state_mask,
		       struct sock_table *t, size_t *ret_skipped);

/* procnet_inet_parse(), reporting malformed lines and duplicates separately;
 * *ret_stats is written on every path. */
int procnet_inet_parse_stats(FILE *f, uint8_t family, enum sock_proto proto,
			     uint32_t state_mask, struct sock_table *t,
			     struct procnet_stats *ret_stats);

/*
 * Parses one data line of /proc/net/unix.  The name is the rest of the line
 * after the single space that follows the 7th field (Inode), verbatim: it may
 * hold spaces; only a final '\n' is stripped.  A leading '@' means abstract,
 * and is turned into the leading NUL the kernel uses.  The name bytes are
 * written to name_buf (at least SOCK_UNIX_NAME_MAX bytes), length in *ret_name_len.
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
 * and not counted.  *ret_skipped (written only on success) counts malformed
 * lines plus dropped
 * duplicate inodes.  Returns 0, -EBADMSG for a bad header, -ENOMEM, or
 * -errno from reading.
 */
int procnet_unix_parse(FILE *f, uint32_t state_mask, struct sock_table *t, size_t *ret_skipped);

/* procnet_unix_parse(), reporting malformed lines and duplicates separately;
 * *ret_stats is written on every path. */
int procnet_unix_parse_stats(FILE *f, uint32_t state_mask, struct sock_table *t,
			     struct procnet_stats *ret_stats);

/*
 * Reads <proc_root>/net/<file> (proc_root is normally "/proc") for family
 * (AF_INET, AF_INET6, or AF_UNIX with SOCK_PROTO_UNIX) and proto in one pass
 * through a 256 KiB stdio buffer, and appends the sockets whose state is in
 * state_mask to t.  *ret_skipped as for procnet_inet_parse().
 * The file is opened with O_NONBLOCK and read only if it is a regular file.
 * Returns 0, -ENOENT if the file does not exist (e.g. udplite on a kernel
 * without it), -PROCNET_NOT_REGULAR if it is not a regular file (never
 * blocks), -EINVAL for a bad family/proto, -ENAMETOOLONG, -EBADMSG,
 * -ENOMEM, or -errno from opening or reading.  On error, t may hold the
 * entries added before it; callers that mind truncate it back.
 */
int procnet_collect(const char *proc_root, uint8_t family, enum sock_proto proto,
		    uint32_t state_mask, struct sock_table *t, size_t *ret_skipped);

/*
 * procnet_collect(), reporting malformed lines and duplicates separately;
 * *ret_stats is written on every path.
 *
 * For unix it also counts the rows that cannot be sockets: /proc/net/unix
 * prints names raw, so a name holding '\n' ends its row early and the rest
 * of it parses as a row of its own, which nothing in the file tells apart.
 * The kernel counts the UNIX sockets of the network namespace in the
 * "sockets" column of <proc_root>/net/protocols (rows UNIX and, since
 * Linux 5.15, UNIX-STREAM), embryos included; that count is read before
 * and after the file, and rows beyond the larger of the two are reported
 * in unaccounted.  Sockets created and closed during the read can cause
 * the same, and a forger who also wins such races can hide from it: it
 * flags forged rows, it cannot prove their absence, and it tells no row
 * from another.  Without a readable protocols file (a fake tree) it is 0.
 */
int procnet_collect_stats(const char *proc_root, uint8_t family, enum sock_proto proto,
			  uint32_t state_mask, struct sock_table *t,
			  struct procnet_stats *ret_stats);

#endif
