/* SPDX-License-Identifier: MIT */
/*
 * Port -> service name, read once from the services database (getservent,
 * so /etc/services or whatever nsswitch says), not once per row.
 */
#ifndef LSOCK_SERVICES_H
#define LSOCK_SERVICES_H

#include <stddef.h>
#include <stdint.h>

struct service_entry {
	uint32_t order;  /* insertion order, to keep the first name per port */
	uint16_t port;   /* host order */
	uint8_t is_udp;  /* 0: tcp, 1: udp */
	char name[33];   /* only [A-Za-z0-9._+-]; longer or odd names are dropped */
};

struct services {
	struct service_entry *v; /* sorted by (is_udp, port) after services_sort() */
	size_t len;
	size_t cap;
};

/* Loads the whole database.  Returns 0 (an empty table if there is none) or -ENOMEM. */
int services_load(struct services *ret);

/* Adds one entry (for tests); call services_sort() after. Returns 0 or -ENOMEM/-EINVAL. */
int services_add(struct services *s, uint16_t port, int is_udp, const char *name);
void services_sort(struct services *s);

/* The name of port for tcp (is_udp = 0) or udp, or NULL. O(log n). */
const char *services_lookup(const struct services *s, uint16_t port, int is_udp);

void services_free(struct services *s);

#endif
