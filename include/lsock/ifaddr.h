/* SPDX-License-Identifier: MIT */
/*
 * The kernel's address table (what `ip addr` shows): which interface holds
 * which local address.  Filled from an RTM_GETADDR dump (ifaddr_dump.h);
 * the audit names the interface of a listener bound to a specific address.
 */
#ifndef LSOCK_IFADDR_H
#define LSOCK_IFADDR_H

#include <stddef.h>
#include <stdint.h>

struct ifaddr_entry {
	uint32_t ifindex;
	uint8_t family;    /* AF_INET or AF_INET6 */
	uint8_t prefixlen;
	uint8_t addr[16];  /* network order; AF_INET uses the first 4 bytes */
};

struct ifaddr_table {
	struct ifaddr_entry *v;
	size_t len;
	size_t cap;
};

/* Appends a copy of *e.  Returns 0 or -ENOMEM. */
int ifaddr_table_add(struct ifaddr_table *t, const struct ifaddr_entry *e);

/* The entry holding exactly addr (4 or 16 bytes by family), or NULL.  The
 * first one added wins: an address held by two interfaces is unusual, and
 * the kernel dumps them in ifindex order. */
const struct ifaddr_entry *ifaddr_table_find(const struct ifaddr_table *t, uint8_t family,
					     const uint8_t *addr);

/* Frees the entries; the table is empty (and reusable) after. */
void ifaddr_table_free(struct ifaddr_table *t);

#endif
