/* SPDX-License-Identifier: MIT */
/*
 * The kernel's address table over rtnetlink (RTM_GETADDR), through the one
 * netlink transport.  Never prints.
 */
#ifndef LSOCK_IFADDR_DUMP_H
#define LSOCK_IFADDR_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "lsock/ifaddr.h"

/* Builds the RTM_GETADDR dump request for every family into buf.  Returns
 * its length, or 0 if len is too small (32 bytes are enough). */
size_t ifaddr_dump_build_request(void *buf, size_t len);

/*
 * Adds the IPv4 and IPv6 addresses of the caller's network namespace to
 * *t (which the caller owns and frees, also on failure).  Returns 0, or
 * -errno from the transport (socket, dump) or -ENOMEM.
 */
int ifaddr_dump(struct ifaddr_table *t);

/* The nl_record_cb of the dump (data: a struct ifaddr_table), for tests:
 * one RTM_NEWADDR message into the table; other messages are ignored. */
struct nlmsghdr;
int ifaddr_dump_record(const struct nlmsghdr *nlh, void *data);

#endif
