/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/ifaddr.h"

int ifaddr_table_add(struct ifaddr_table *t, const struct ifaddr_entry *e)
{
	if (t->len == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct ifaddr_entry *v = reallocarray(t->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->len++] = *e;
	return 0;
}

const struct ifaddr_entry *ifaddr_table_find(const struct ifaddr_table *t, uint8_t family,
					     const uint8_t *addr)
{
	size_t i, n = family == AF_INET ? 4 : 16;

	for (i = 0; i < t->len; i++)
		if (t->v[i].family == family && !memcmp(t->v[i].addr, addr, n))
			return &t->v[i];
	return NULL;
}

void ifaddr_table_free(struct ifaddr_table *t)
{
	free(t->v);
	t->v = NULL;
	t->len = t->cap = 0;
}
