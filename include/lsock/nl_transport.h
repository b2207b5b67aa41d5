/* SPDX-License-Identifier: MIT */
/*
 * The one netlink transport.  This is the only module that calls mnl_socket_*
 * and the only place with a receive loop.  Every sock_diag dump (inet, UNIX,
 * any family) goes through nl_transport_dump().
 *
 * Errors are returned as -errno, never printed.
 */
#ifndef LSOCK_NL_TRANSPORT_H
#define LSOCK_NL_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;
struct nlattr;
struct nl_transport;

/* Receive buffer size.  libmnl 1.0.4 only has MNL_SOCKET_BUFFER_SIZE
 * (<= 8 KiB); sock_diag dumps fill 32 KiB per recvmsg, so use at least that. */
#define NL_TRANSPORT_BUFSIZE (32u * 1024u)

/* How many times an interrupted dump (NLM_F_DUMP_INTR) is restarted. */
#define NL_TRANSPORT_MAX_REDUMP 3

/* Largest request nl_transport_dump() accepts. */
#define NL_TRANSPORT_REQ_MAX 1024u

/* Largest batch nl_transport_request() accepts: bytes, and requests.  32
 * answers of a few hundred bytes each stay far below the default receive
 * buffer (net.core.rmem_default, 208 KiB), which a unicast answer must
 * fit or be dropped. */
#define NL_TRANSPORT_BATCH_MAX 2048u
#define NL_TRANSPORT_BATCH_REQS 32u

/* Receive timeout, and how many consecutive timeouts (EAGAIN) end a dump with
 * -ETIMEDOUT: the loop never waits forever for a kernel that went silent. */
#define NL_TRANSPORT_RCVTIMEO_SEC 5
#define NL_TRANSPORT_MAX_EAGAIN 3

/*
 * Called for each data message of a dump, after the header has been bounds-
 * checked (nlmsg_len >= sizeof(struct nlmsghdr) and within the buffer).
 * Returns 0 to go on, or -errno to abort the dump with that error.
 */
typedef int (*nl_record_cb)(const struct nlmsghdr *nlh, void *data);

/* Called before a dump is restarted, to discard what the partial dump added. */
typedef void (*nl_reset_cb)(void *data);

/*
 * Opens a NETLINK_SOCK_DIAG socket.
 * Returns 0 and *ret_nl, or -errno from socket()/bind() (EPROTONOSUPPORT,
 * EAFNOSUPPORT, EPERM, EACCES under seccomp or in sandboxes), or -ENOMEM.
 */
int nl_transport_open(struct nl_transport **ret_nl);

/*
 * nl_transport_open() on another netlink bus: NETLINK_ROUTE for the
 * kernel's address table (RTM_GETADDR dumps run through the same loop).
 */
int nl_transport_open_bus(int bus, struct nl_transport **ret_nl);

/*
 * Starts a request in buf: zeroes its first len bytes and puts there a
 * netlink header of type and flags followed by a family header of hdr_len
 * bytes (mnl_nlmsg_put_extra_header(): nlmsg_len counts both, aligned),
 * which mnl_nlmsg_get_payload() returns.  len is the whole request, with
 * any attributes the caller then appends.  Returns the header, or NULL if
 * buflen < len (the builders' -ENOBUFS).
 */
struct nlmsghdr *nl_transport_put_request(void *buf, size_t buflen, size_t len, uint16_t type,
					  uint16_t flags, size_t hdr_len);

/* Closes the socket and frees the transport.  NULL is a no-op. */
void nl_transport_close(struct nl_transport *nl);

/*
 * Sends the request in req (a complete netlink message whose nlmsg_len equals
 * req_len, at most NL_TRANSPORT_REQ_MAX; the transport sets nlmsg_seq and
 * nlmsg_pid itself) and runs the dump to its end, calling cb for every data
 * message.  A data message without NLM_F_MULTI is a complete (non-dump) reply
 * and ends the dump.  After a dump that ended abnormally (error from cb or from
 * the socket), the next call reopens the socket, so a half-read dump can never
 * leak into the next one (the kernel answers -EBUSY while a dump is pending).
 *
 * Returns:
 *   0 on a complete dump (NLMSG_DONE with a zero payload error);
 *   -E from an NLMSG_ERROR message or the error int in the NLMSG_DONE payload
 *     (e.g. -ENOENT when the kernel has no handler for the protocol);
 *   -EINTR if the dump was still interrupted (NLM_F_DUMP_INTR) after
 *     NL_TRANSPORT_MAX_REDUMP restarts (reset is called before each restart);
 *   -EBADMSG for a malformed or truncated message, -EMSGSIZE if a datagram
 *     was truncated (MSG_TRUNC), -ENOBUFS if the kernel dropped messages
 *     (also for NLMSG_OVERRUN);
 *   -ETIMEDOUT if the kernel sent nothing for NL_TRANSPORT_MAX_EAGAIN
 *     receive timeouts in a row; -EINVAL for a bad request;
 *   whatever cb returned, if it returned < 0.
 */
int nl_transport_dump(struct nl_transport *nl, const void *req, size_t req_len,
		      nl_record_cb cb, nl_reset_cb reset, void *data);

/*
 * How many datagrams carried the records of the last complete dump over nl
 * (0 if none did, or no dump completed).  The kernel fills one datagram
 * per dump step and, for the next one, resumes its hash-table walk at a
 * bucket and a position inside it (unix_diag_dump(), inet_diag_dump_icsk()):
 * a dump that needed one datagram was one walk, in which every socket that
 * stayed put was seen exactly once; across several, sockets that closed or
 * opened between the steps shift that position, so a record can be skipped
 * or sent twice.
 */
size_t nl_transport_last_datagrams(const struct nl_transport *nl);

/*
 * Sends nreq single requests (not dumps) in one datagram and calls cb for
 * each data message answered.  reqs holds the nreq netlink messages back to
 * back (each padded to 4 bytes, len bytes in all, 4-byte aligned, at most
 * NL_TRANSPORT_BATCH_REQS and NL_TRANSPORT_BATCH_MAX); none may have
 * NLM_F_DUMP.  The transport numbers them (nlmsg_seq) and sets nlmsg_pid.
 * Each request is answered once, by a data message or an NLMSG_ERROR;
 * -ENOENT answers (no such socket) are normal and only counted out.
 * Returns 0 when every request was answered; the first error answer other
 * than -ENOENT (all requests were still answered); -EINVAL for a bad
 * batch; whatever cb returned if < 0; or a transport error as
 * nl_transport_dump() (after which the next call reopens the socket).
 */
int nl_transport_request(struct nl_transport *nl, const void *reqs, size_t len, size_t nreq,
			 nl_record_cb cb, void *data);

/* The socket's fd, for poll(); -1 if nl has none. */
int nl_transport_fd(const struct nl_transport *nl);

/*
 * Joins the multicast groups groups[0..n) (SKNLGRP_*).  sock_diag lets
 * any user join (NL_CFG_F_NONROOT_RECV in sock_diag_init()).  Also asks
 * for a larger receive buffer, so that a burst is less likely to be
 * dropped.  Returns 0 or -errno from setsockopt().
 */
int nl_transport_subscribe(struct nl_transport *nl, const unsigned *groups, size_t n);

/*
 * Receives one datagram of notifications and calls cb for each data
 * message (headers validated as for a dump).  Blocks up to the receive
 * timeout: poll nl_transport_fd() first.  Returns 0; -ENOBUFS when the
 * kernel dropped notifications for lack of room (the socket goes on);
 * -EBADMSG for a malformed datagram; -ETIMEDOUT; or -errno.
 */
int nl_transport_recv_events(struct nl_transport *nl, nl_record_cb cb, void *data);

/*
 * Sends one request that is not a dump (req: a complete message of len
 * bytes, at most NL_TRANSPORT_REQ_MAX), with NLM_F_ACK set, and waits for
 * its acknowledgement.  *ret_err (written on every path) is the answer:
 * 0 when the kernel did it, else the -errno it answered (SOCK_DESTROY:
 * -EPERM, -EOPNOTSUPP, -ENOENT ...).  Returns 0 when an answer came, or a
 * transport error as nl_transport_dump() (-EINVAL for a bad request).
 */
int nl_transport_ack(struct nl_transport *nl, const void *req, size_t len, int *ret_err);

/*
 * The pure part of the loop: walks one received datagram.  Every nlmsg_len is
 * checked (unsigned, >= header, aligned length within len) before anything is
 * read, so this is safe on arbitrary bytes (libmnl 1.0.4's mnl_nlmsg_ok() is
 * not).  buf must be 4-byte aligned (-EINVAL otherwise).
 * seq/portid: messages whose nlmsg_seq/nlmsg_pid differ are ignored (exact
 * match; 0 is not a wildcard).
 *
 * Returns 1 if more datagrams are expected, 0 when NLMSG_DONE (or a data
 * message without NLM_F_MULTI) was seen, -errno as nl_transport_dump(),
 * -EBADMSG for a malformed message or remnant bytes, or -EINTR when a message
 * carries NLM_F_DUMP_INTR (cb is not called for it).
 */
int nl_transport_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		       nl_record_cb cb, void *data);

/* Attribute policy: a payload shorter than min_len, or longer than max_len
 * (if max_len != 0), is malformed.  Indexed by attribute type. */
struct nl_attr_policy {
	uint16_t min_len;
	uint16_t max_len;
};

/*
 * Walks the attributes that follow a fixed header of hdrlen bytes in the
 * payload of nlh (whose nlmsg_len must already be validated, as it is for
 * every message handed to an nl_record_cb).  Every nla_len is checked against
 * what is left of the message before the attribute is looked at.  On success,
 * tb[type] points to the last attribute of each type < ntypes (other types
 * are skipped) and its payload length satisfies policy[type]; other tb[]
 * slots are NULL.  Up to 3 trailing bytes after the last attribute are
 * ignored, as the kernel's own nla_parse() does.
 * Returns 0, or -EBADMSG (message shorter than the header, truncated or
 * undersized attribute, policy violation).
 */
int nl_transport_parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
			     const struct nl_attr_policy *policy, size_t ntypes,
			     const struct nlattr **tb);

#endif
