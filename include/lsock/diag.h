/* SPDX-License-Identifier: MIT */
/*
 * sock_diag request builders and message parsers: inet_diag (TCP, UDP,
 * UDP-Lite, RAW over AF_INET/AF_INET6) and unix_diag.
 *
 * Builders write a complete netlink request into a caller buffer.  Parsers are
 * pure: they validate every attribute before use and fill a struct
 * sock_entry; they never print and never allocate.
 */
#ifndef LSOCK_DIAG_H
#define LSOCK_DIAG_H

#include <stddef.h>
#include <stdint.h>

#include "lsock/sock_table.h"

struct nlmsghdr;
struct nl_transport;

/* Large enough for any request built here. */
#define DIAG_REQ_MAX 128

/*
 * Builds a SOCK_DIAG_BY_FAMILY dump request (inet_diag_req_v2) for
 * family (AF_INET/AF_INET6) and proto (TCP, UDP, UDPLITE or RAW), asking the
 * kernel to return only the states in state_mask (SOCK_STATE_BIT bits).
 * RAW adds INET_DIAG_REQ_PROTOCOL so the kernel's raw_diag returns sockets of
 * every IP protocol.
 * Returns the request length, or -EINVAL for a bad family/proto, or -ENOBUFS
 * if buflen is too small.
 */
int diag_inet_build_request(void *buf, size_t buflen, uint8_t family,
			    enum sock_proto proto, uint32_t state_mask);

/*
 * Parses one inet_diag_msg into *ret (source = SOCK_SOURCE_NETLINK, proto
 * as given, since the message does not carry it).
 * Returns 0, or -EBADMSG if the message or an attribute is malformed.
 */
int diag_inet_parse(const struct nlmsghdr *nlh, enum sock_proto proto, struct sock_entry *ret);

/*
 * Builds a unix_diag_req dump request for state_mask, asking for
 * UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID.
 * Never UDIAG_SHOW_ICONS: with many pending connections the kernel silently
 * drops the listener from the dump (-EMSGSIZE inside sk_diag_dump_icons).
 */
int diag_unix_build_request(void *buf, size_t buflen, uint32_t state_mask);

/*
 * Parses one unix_diag_msg into *ret; if the socket has a name, *ret_name and
 * *ret_name_len point into the message (raw sun_path bytes, abstract names
 * start with NUL), else *ret_name_len is 0.
 * Returns 0 or -EBADMSG.
 */
int diag_unix_parse(const struct nlmsghdr *nlh, struct sock_entry *ret,
		    const uint8_t **ret_name, size_t *ret_name_len);

/*
 * Runs a dump over nl and appends every socket to t.  On failure, t is left
 * as it was before the call.
 * Returns 0 or -errno (see nl_transport_dump()).
 */
int diag_inet_collect(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
		      uint32_t state_mask, struct sock_table *t);
int diag_unix_collect(struct nl_transport *nl, uint32_t state_mask, struct sock_table *t);

#endif
