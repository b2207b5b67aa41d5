/* SPDX-License-Identifier: MIT */
/*
 * Pure /proc/net parsers: tcp, tcp6, udp, udp6, udplite, udplite6, raw,
 * raw6 and unix.  Each turns a file's text into the same sock_entry values
 * the netlink collector makes (source = SOCK_SOURCE_PROC).
 *
 * They take a FILE * so tests and fuzzers can feed memory (fmemopen).  The
 * header line is checked; each field is checked; a malformed line is skipped
 * and counted, never guessed at.
 */
#ifndef LSOCK_PROCNET_H
#define LSOCK_PROCNET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lsock/sock_table.h"

/*
 * Parses one data line of /proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6}
 * (without or with its trailing newline).
 * family is AF_INET or AF_INET6; proto selects the socket type recorded.
 * Returns 0, or -EINVAL for a malformed line.
 */
int procnet_inet_parse_line(const char *line, uint8_t family, enum sock_proto proto,
			    struct sock_entry *ret);

/*
 * Parses a whole /proc/net inet file, header included, and appends the
 * sockets whose state is in state_mask to t.  *ret_skipped counts malformed
 * lines.  Returns 0, -EBADMSG if the header line is not the expected one,
 * -ENOMEM, or -errno from reading.
 */
int procnet_inet_parse(FILE *f, uint8_t family, enum sock_proto proto, uint32_t state_mask,
		       struct sock_table *t, size_t *ret_skipped);

/*
 * Parses one data line of /proc/net/unix.  The name is the rest of the line
 * after the 7th field, verbatim (it may hold spaces); a leading '@' means
 * abstract, and is turned into the leading NUL the kernel uses.  The name
 * bytes are written to name_buf (at least 108 bytes), length in *ret_name_len.
 * Note: /proc prints NULs inside abstract names as '@', so those are lossy.
 * Returns 0 or -EINVAL.
 */
int procnet_unix_parse_line(const char *line, struct sock_entry *ret,
			    uint8_t *name_buf, size_t *ret_name_len);

int procnet_unix_parse(FILE *f, uint32_t state_mask, struct sock_table *t, size_t *ret_skipped);

#endif
