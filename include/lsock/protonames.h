/* SPDX-License-Identifier: MIT */
/*
 * IP protocol number -> name (icmp, ipv6-icmp), from the protocols
 * database (getprotobynumber_r: /etc/protocols or whatever nsswitch says),
 * for a RAW socket's "port".  Each number is looked up once per run, and
 * only when a row needs it: most runs show no RAW socket and read nothing.
 */
#ifndef LSOCK_PROTONAMES_H
#define LSOCK_PROTONAMES_H

#include <stdint.h>

/* Room for the names the database has ("ipv6-nonxt"); longer ones are dropped. */
#define PROTONAME_MAX 32

struct protoname_cache {
	uint8_t looked_up[256 / 8]; /* bit per protocol number */
	char (*names)[PROTONAME_MAX]; /* 256 of them, allocated at the first lookup; "" = none */
};

/*
 * The name of IP protocol proto, or NULL (above 255, not in the database,
 * not a plain name, or out of memory).  An all-zero cache is empty.
 */
const char *protoname_cache_name(struct protoname_cache *c, unsigned int proto);

/* Frees the cache; NULL or an all-zero cache is fine. */
void protoname_cache_free(struct protoname_cache *c);

#endif
