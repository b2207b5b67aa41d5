/* SPDX-License-Identifier: MIT */
/*
 * The audit's exposure verdict of a listening socket: from where it can be
 * reached.  Pure: it reads the entry and the kernel's address table only.
 */
#ifndef LSOCK_EXPOSURE_H
#define LSOCK_EXPOSURE_H

#include <stdbool.h>
#include <stdint.h>

#include "lsock/ifaddr.h"
#include "lsock/sock_table.h"

/* Most exposed first: the audit sorts by this order. */
enum exposure {
	EXPOSURE_ALL_INTERFACES,      /* 0.0.0.0, or a dual-stack :: (takes IPv4 too) */
	EXPOSURE_ALL_INTERFACES_IPV6, /* a v6only :: */
	EXPOSURE_ADDRESS,             /* a specific non-loopback address */
	EXPOSURE_DEVICE_BOUND,        /* SO_BINDTODEVICE to a device other than lo */
	EXPOSURE_OTHER_NETNS,         /* in a network namespace other than lsock's own */
	EXPOSURE_LOOPBACK,            /* 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104, or bound to lo */
	_EXPOSURE_MAX,
};

struct exposure_verdict {
	enum exposure verdict;
	uint32_t ifindex; /* ADDRESS: the interface holding the address (0: not in the
			   * table); DEVICE_BOUND: the bound device */
};

/* What the classification needs besides the entry. */
struct exposure_ctx {
	const struct ifaddr_table *addrs; /* NULL: interfaces unknown */
	uint32_t loopback_ifindex;        /* lo's index in this namespace (1), 0: unknown */
};

/*
 * The verdict of e (an inet socket).  other_netns: e lives in another
 * network namespace than lsock's (nothing sets it until sock_entry says
 * which namespace a socket is in); a loopback socket there is still
 * loopback.  An IPv6 wildcard whose v6only bit is unknown (a /proc row)
 * counts as dual-stack, the kernel's default (net.ipv6.bindv6only = 0).
 * Writes *ret on every path.
 */
void exposure_classify(const struct exposure_ctx *c, const struct sock_entry *e, bool other_netns,
		       struct exposure_verdict *ret);

/* The verdict's token for scripts and JSON ("all-interfaces", ...), never
 * translated; "unknown" out of range. */
const char *exposure_name(enum exposure v);

/* Whether the audit counts e as a listener: TCP LISTEN, a bound unconnected
 * UDP or UDP-Lite socket, or any RAW socket (it receives every packet of
 * its protocol). */
bool exposure_is_listener(const struct sock_entry *e);

#endif
