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
 * If SYN_RECV is in the mask, NEW_SYN_RECV is added: request sockets have
 * sk_state NEW_SYN_RECV but are reported with idiag_state SYN_RECV (the
 * kernel widens the mask the same way since 4.4; we do not rely on it).
 * RAW sets sdiag_protocol = IPPROTO_RAW and adds INET_DIAG_REQ_PROTOCOL (u32
 * IPPROTO_RAW): that selects the kernel's raw_diag handler, whose dump
 * returns raw sockets of every IP protocol.  Kernels without raw_diag answer
 * DONE(-ENOENT).
 * family AF_UNSPEC with TCP builds the original tcp_diag request instead
 * (TCPDIAG_GETSOCK): one dump of the TCP sockets of both families, in the
 * kernel's walk order (diag_inet_collect() takes it the same way).
 * Returns the request length, or -EINVAL for a bad family/proto, or -ENOBUFS
 * if buflen is too small.
 */
int diag_inet_build_request(void *buf, size_t buflen, uint8_t family,
			    enum sock_proto proto, uint32_t state_mask);

/*
 * Parses one inet_diag_msg into *ret (source = SOCK_SOURCE_NETLINK, proto
 * as given, since the message does not carry it).  nlh->nlmsg_len must have
 * been validated against the buffer (nl_transport_parse() does).
 * Sets SOCK_F_UID_KNOWN, SOCK_F_COOKIE_KNOWN, SOCK_F_QUEUES_KNOWN, and
 * SOCK_F_V6ONLY_KNOWN (+ SOCK_F_V6ONLY) when INET_DIAG_SKV6ONLY is present.
 * States the model does not know are reported as SOCK_STATE_UNKNOWN.
 * Returns 0, -EINVAL for a bad proto, or -EBADMSG if the message (too short,
 * family not AF_INET/AF_INET6) or an attribute is malformed.
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
 * Builds a unix_diag_req for the one socket of inode (not a dump:
 * unix_diag_get_exact() looks it up in the requester's network namespace),
 * with the cookie INET_DIAG_NOCOOKIE ({~0, ~0}), so that no cookie check is
 * made, and the same udiag_show as the dump.  The kernel answers with the
 * socket's record (any state: udiag_states is not looked at, and is set to
 * every state) or NLMSG_ERROR(-ENOENT).  Each lookup walks the whole UNIX
 * table of the namespace (unix_lookup_by_ino()): about as costly as a
 * third of a dump, so use it for a few sockets, not many.
 * Returns the request length, -EINVAL for inode 0, or -ENOBUFS.
 */
int diag_unix_build_exact_request(void *buf, size_t buflen, uint32_t inode);

/*
 * Parses one unix_diag_msg into *ret; if the socket has a name, *ret_name and
 * *ret_name_len point into the message (raw sun_path bytes, abstract names
 * start with NUL and keep every byte; path names are cut at their first NUL,
 * which drops the terminator the kernel counts in), else *ret_name is NULL
 * and *ret_name_len is 0.  nlh->nlmsg_len must have been validated.
 * Returns 0 or -EBADMSG (too short, not AF_UNIX, malformed attribute, or a
 * UNIX_DIAG_NAME longer than SOCK_UNIX_NAME_MAX).
 */
int diag_unix_parse(const struct nlmsghdr *nlh, struct sock_entry *ret,
		    const uint8_t **ret_name, size_t *ret_name_len);

/*
 * Where the record callbacks put what they parse: the table, where the
 * current dump started in it (so a restarted dump can drop its partial
 * rows), and the protocol of the inet dump (the message does not say).
 */
struct diag_sink {
	struct sock_table *t;
	size_t base;
	enum sock_proto proto;
	size_t dropped; /* records that failed validation, left out */
	struct diag_rows *rows; /* NULL: rows go to t; else to rows->add(), and t is unused */
};

/*
 * A consumer of rows other than a table: the streaming collector
 * (collect_stream.c), which deduplicates them and hands them on in batches.
 * add() takes a copy of *e and its name (as sock_table_add()) and returns
 * 0 or -errno (which ends the dump).  restart() is called when the dump is
 * interrupted and run again: rows already taken cannot be taken back.
 */
struct diag_rows {
	int (*add)(struct diag_rows *r, const struct sock_entry *e, const void *name,
		   size_t name_len);
	void (*restart)(struct diag_rows *r);
};

/*
 * The production nl_record_cb of each dump: checks the message type
 * (SOCK_DIAG_BY_FAMILY), parses the message and appends it to sink->t.  A
 * record of another type, or one that fails validation, costs that record
 * only: it is counted in sink->dropped and the dump goes on (only a broken
 * stream, which nl_transport_parse() sees, fails a dump).  Exported so that
 * fixture replays and fuzzers run the exact code the live dump runs.
 * Returns 0 or -ENOMEM.
 */
int diag_inet_record(const struct nlmsghdr *nlh, void *sink);
int diag_unix_record(const struct nlmsghdr *nlh, void *sink);

/* The nl_reset_cb of both: drops what the interrupted dump appended. */
void diag_sink_reset(void *sink);

/* Counts one dropped record; returns 0 (go on with the dump). */
int diag_sink_drop(struct diag_sink *sink);

/*
 * Runs a dump over nl and appends every socket to t.  On failure, t is left
 * as it was before the call (an interrupted dump is discarded and rerun).
 * *ret_dropped (written on every path) counts the records left out as
 * malformed.  Returns 0 or -errno (see nl_transport_dump()).
 */
int diag_inet_collect(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
		      uint32_t state_mask, struct sock_table *t, size_t *ret_dropped);

/* diag_inet_collect() and diag_unix_collect() handing every row to rows
 * (see struct diag_rows) instead of a table. */
int diag_inet_collect_rows(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
			   uint32_t state_mask, struct diag_rows *rows, size_t *ret_dropped);
int diag_unix_collect_rows(struct nl_transport *nl, uint32_t state_mask, struct diag_rows *rows,
			   size_t *ret_dropped);

/*
 * Runs a dump of every state over nl and appends only the non-zero socket
 * inodes to the growable array (*v, *len, *cap; see array_grow()): the
 * cheap way to tell, in bulk, which held sockets are inet ones.  Records
 * that carry no inode are skipped.  On failure *len is as before.
 * Returns 0, -ENOMEM, or -errno as nl_transport_dump().
 */
int diag_inet_collect_inodes(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
			     uint32_t **v, size_t *len, size_t *cap);
int diag_unix_collect(struct nl_transport *nl, uint32_t state_mask, struct sock_table *t,
		      size_t *ret_dropped);

/*
 * Looks up each of inodes[0..n) with diag_unix_build_exact_request(), in
 * batches of NL_TRANSPORT_BATCH_REQS, and appends the sockets that exist
 * (in any state) to t; inodes that name no UNIX socket of this namespace
 * are left out.  *ret_found (written on every path) counts the rows added.
 * On failure t is left as it was.  Returns 0 or -errno (see
 * nl_transport_request()).
 */
int diag_unix_fetch(struct nl_transport *nl, const uint32_t *inodes, size_t n,
		    struct sock_table *t, size_t *ret_found);

/* ---- extensions (-o, -i, -m, -e): struct sock_ext records --------------- */

struct sock_ext;

/* idiag_ext request bits: 1 << (INET_DIAG_X - 1); the field is 8 bits, so
 * only attributes up to INET_DIAG_SHUTDOWN can be asked for. */
enum diag_inet_ext {
	DIAG_INET_EXT_MEMINFO = 1u << 0,   /* INET_DIAG_MEMINFO */
	DIAG_INET_EXT_INFO = 1u << 1,      /* INET_DIAG_INFO (tcp_info) */
	DIAG_INET_EXT_VEGASINFO = 1u << 2, /* also brings DCTCPINFO and BBRINFO */
	DIAG_INET_EXT_CONG = 1u << 3,      /* INET_DIAG_CONG */
	DIAG_INET_EXT_SKMEMINFO = 1u << 6, /* INET_DIAG_SKMEMINFO */
};

/* The idiag_ext bits that parts (enum sock_ext_part) need: INFO, VEGASINFO
 * and CONG for SOCK_EXT_INFO, MEMINFO and SKMEMINFO for SOCK_EXT_MEMORY, as
 * ss -i and -m ask; timers and shutdown are always sent, so 0 for them. */
unsigned diag_inet_ext_bits(unsigned parts);

/* The udiag_show bits beyond the base ones that parts need: MEMINFO for
 * SOCK_EXT_MEMORY, VFS for SOCK_EXT_VFS.  Never ICONS (see
 * diag_unix_build_request()); diag_unix_collect_ext() asks each listener. */
unsigned diag_unix_show_bits(unsigned parts);

/* diag_inet_build_request() with idiag_ext = ext (enum diag_inet_ext bits);
 * ext 0 builds the very same bytes. */
int diag_inet_build_request_ext(void *buf, size_t buflen, uint8_t family, enum sock_proto proto,
				uint32_t state_mask, unsigned ext);

/* diag_unix_build_request() with the extra udiag_show bits show (UDIAG_SHOW_*);
 * show 0 builds the very same bytes.  With exact_inode != 0, the request
 * for that one socket instead (diag_unix_build_exact_request()). */
int diag_unix_build_request_show(void *buf, size_t buflen, uint32_t state_mask, unsigned show,
				 uint32_t exact_inode);

/*
 * Parses the extensions of one inet_diag_msg that parts (enum sock_ext_part)
 * ask for into *ret (zeroed first; ret->have says what was there): the
 * timer from the base message; SHUTDOWN; INFO (min(len, sizeof) bytes of
 * tcp_info, info_len says how many the kernel sent: an older kernel sends
 * fewer, a newer more), CONG (a name of [A-Za-z0-9_-] only), BBRINFO,
 * DCTCPINFO, VEGASINFO; SKMEMINFO (up to _SOCK_SKMEM_MAX words) and
 * MEMINFO.  Pure and bounded.  Returns 0 or -EBADMSG (as diag_inet_parse(),
 * or an attribute shorter than its structure).
 */
int diag_inet_parse_ext(const struct nlmsghdr *nlh, unsigned parts, struct sock_ext *ret);

/*
 * The same for a unix_diag_msg: SHUTDOWN, MEMINFO (skmem), VFS and ICONS;
 * *ret_icons (into the message) and *ret_n_icons are the pending
 * connections' inodes (NULL, 0 if none were sent).  Returns 0 or -EBADMSG.
 */
int diag_unix_parse_ext(const struct nlmsghdr *nlh, unsigned parts, struct sock_ext *ret,
			const uint32_t **ret_icons, size_t *ret_n_icons);

/* diag_inet_record()/diag_unix_record() that also keep the record of
 * sink->ext parts (struct diag_ext_sink). */
struct diag_ext_sink {
	struct diag_sink base;
	unsigned parts; /* enum sock_ext_part */
};
int diag_inet_record_ext(const struct nlmsghdr *nlh, void *sink);
int diag_unix_record_ext(const struct nlmsghdr *nlh, void *sink);

/* diag_inet_collect()/diag_unix_collect() keeping parts (enum sock_ext_part)
 * in extension records.  For SOCK_EXT_ICONS, each UNIX listener of the dump
 * with pending connections is then asked for them alone (an exact request,
 * whose answer the kernel grows up to a page), since in a dump the kernel
 * would silently leave out a listener whose list does not fit; one that
 * cannot be asked keeps no list (the record says so). */
int diag_inet_collect_ext(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
			  uint32_t state_mask, unsigned parts, struct sock_table *t,
			  size_t *ret_dropped);
int diag_unix_collect_ext(struct nl_transport *nl, uint32_t state_mask, unsigned parts,
			  struct sock_table *t, size_t *ret_dropped);
/*
 * Builds a SOCK_DESTROY request for the socket e (a row from a dump):
 * inet sockets by family, protocol, addresses, ports, interface and
 * cookie (so the kernel kills that socket and no newer one on the same
 * ports); UNIX ones by inode and cookie (the kernel has no UNIX destroy
 * handler and answers EOPNOTSUPP).  The kernel needs CAP_NET_ADMIN over
 * the socket's namespace (sock_diag_destroy(): EPERM) and
 * CONFIG_INET_DIAG_DESTROY (EOPNOTSUPP); TCP answers the peer with a
 * reset (tcp_abort()).  Returns the length, -EOPNOTSUPP for a protocol
 * without a sock_diag handler (ICMP), -EINVAL, or -ENOBUFS.
 */
int diag_build_destroy(void *buf, size_t buflen, const struct sock_entry *e);

/*
 * Parses one destroy notification of the SKNLGRP_INET*_DESTROY groups (an
 * inet_diag_msg naming its protocol in INET_DIAG_PROTOCOL) into *ret
 * (always written).  Its uid and inode are unknown (0).  Returns 0,
 * -EPROTONOSUPPORT for a protocol lsock does not list, or -EBADMSG.
 */
int diag_parse_destroy_event(const struct nlmsghdr *nlh, struct sock_entry *ret);

#endif
