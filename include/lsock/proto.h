/* SPDX-License-Identifier: MIT */
/*
 * THE protocol table.  Everything lsock knows about a protocol is one row:
 * its names, the families it lives in, the IP protocol number per family,
 * the socket type, its /proc/net files, which sock_diag handler serves it,
 * whether a kernel may lack it, and whether its "port" names a service.
 * The collector, the /proc and sock_diag parsers, the option parser, --help
 * and the formatters all read this table; adding a protocol is one row plus
 * its parser bits.
 */
#ifndef LSOCK_PROTO_H
#define LSOCK_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lsock/sock_table.h"

/* Which sock_diag handler serves a protocol. */
enum proto_diag {
	PROTO_DIAG_NONE, /* none exists: /proc/net only */
	PROTO_DIAG_INET, /* inet_diag (tcp_diag, udp_diag, raw_diag) */
	PROTO_DIAG_UNIX, /* unix_diag */
};

struct proto_desc {
	const char *name;          /* JSON "proto" and --sort: "tcp" */
	const char *label[2];      /* Proto column, [0] AF_INET or AF_UNIX, [1] AF_INET6 */
	const char *help;          /* --help: "TCP sockets" */
	char opt_short;            /* -t, or 0 */
	const char *opt_long;      /* --tcp */
	bool inet;                 /* AF_INET + AF_INET6; else AF_UNIX only */
	uint8_t ipproto[2];        /* sdiag_protocol, [0] AF_INET, [1] AF_INET6 */
	uint8_t type;              /* socket type recorded in sock_entry.type */
	const char *proc_file[2];  /* /proc/net/<file>, per family as label[] */
	enum proto_diag diag;
	uint32_t diag_req_protocol; /* INET_DIAG_REQ_PROTOCOL to send, 0 for none */
	bool optional;             /* a kernel may lack it (compiled out, no module) */
	bool port_is_service;      /* the port names a service (not a protocol number or echo id) */
	bool service_udp;          /* look services up in the udp table */
};

/* The row of proto, or NULL if out of range.  Rows are in collection and
 * output order (netstat's: tcp, udp, udplite, raw, icmp, unix). */
const struct proto_desc *proto_get(enum sock_proto proto);

/* The families proto lives in, in order (AF_INET, AF_INET6 / AF_UNIX).
 * Returns their number (0 for a bad proto). */
size_t proto_families(enum sock_proto proto, uint8_t ret_families[2]);

/* Index of family in the per-family arrays: 1 for AF_INET6, else 0. */
static inline size_t proto_family_index(uint8_t family)
{
	return family == AF_INET6;
}

/* The protocol named name ("tcp", ...), or -EINVAL. */
int proto_by_name(const char *name);

/* Mask of every protocol whose rows are inet (or UNIX) sockets. */
uint32_t proto_mask_inet(void);
uint32_t proto_mask_unix(void);

#endif
