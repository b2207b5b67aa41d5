/* SPDX-License-Identifier: MIT */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/array.h"
#include "lsock/ifnames.h"

const char *ifname_cache_name(struct ifname_cache *c, uint32_t ifindex)
{
	struct ifname_cache_entry *e;
	size_t i;

	/* A socket table names few interfaces: a linear scan is cheapest. */
	for (i = 0; i < c->len; i++)
		if (c->v[i].ifindex == ifindex)
			return c->v[i].name[0] ? c->v[i].name : NULL;
	if (array_grow((void **)&c->v, &c->cap, c->len + 1, sizeof(*c->v), 8) < 0)
		return NULL;
	e = &c->v[c->len++];
	e->ifindex = ifindex;
	/* SIOCGIFNAME; an interface deleted since the dump has no name. */
	if (!ifindex || !if_indextoname(ifindex, e->name))
		e->name[0] = '\0';
	return e->name[0] ? e->name : NULL;
}

const char *ifname_cache_peek(const struct ifname_cache *c, uint32_t ifindex, bool *ret_found)
{
	size_t i;

	for (i = 0; i < c->len; i++) {
		if (c->v[i].ifindex == ifindex) {
			*ret_found = true;
			return c->v[i].name[0] ? c->v[i].name : NULL;
		}
	}
	*ret_found = false;
	return NULL;
}

void ifname_cache_free(struct ifname_cache *c)
{
	if (!c)
		return;
	free(c->v);
	memset(c, 0, sizeof(*c));
}
