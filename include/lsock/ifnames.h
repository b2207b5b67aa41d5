/* SPDX-License-Identifier: MIT */
/* ifindex -> interface name, looked up once per distinct index. */
#ifndef LSOCK_IFNAMES_H
#define LSOCK_IFNAMES_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ifname_cache_entry {
	uint32_t ifindex;
	char name[IF_NAMESIZE]; /* empty: no such interface (any more) */
};

struct ifname_cache {
	struct ifname_cache_entry *v;
	size_t len;
	size_t cap;
};

/* The name of ifindex in the caller's network namespace (raw bytes, which
 * the kernel lets hold control characters: escape before printing), or NULL
 * if there is none (or on ENOMEM). */
const char *ifname_cache_name(struct ifname_cache *c, uint32_t ifindex);

/* The name of ifindex if c has looked it up already (NULL: not an
 * interface then, or never looked up); never asks the kernel, so it answers
 * for the namespace c was filled in, from anywhere.  *ret_found says which. */
const char *ifname_cache_peek(const struct ifname_cache *c, uint32_t ifindex, bool *ret_found);

void ifname_cache_free(struct ifname_cache *c);

#endif
