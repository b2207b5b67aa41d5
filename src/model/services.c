/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lsock/array.h"
#include "lsock/services.h"
#include "lsock/strparse.h"

/* A service name goes into an aligned column unescaped, so accept only the
 * characters real service names use. */
static bool name_ok(const char *name)
{
	return strparse_plain_name(name, sizeof(((struct service_entry *)0)->name), "+");
}

int services_add(struct services *s, uint16_t port, int is_udp, const char *name)
{
	struct service_entry *nv;

	if (!name_ok(name))
		return -EINVAL;
	if (array_grow((void **)&s->v, &s->cap, s->len + 1, sizeof(*s->v), 256) < 0)
		return -ENOMEM;
	nv = &s->v[s->len++];
	nv->order = (uint32_t)s->len - 1;
	nv->port = port;
	nv->is_udp = is_udp ? 1 : 0;
	strcpy(nv->name, name);
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct service_entry *x = a, *y = b;

	if (x->is_udp != y->is_udp)
		return x->is_udp - y->is_udp;
	return (int)x->port - (int)y->port;
}

/* qsort is not stable; break ties on insertion order so that the first
 * name listed for a port wins, as with getservbyport(). */
static int cmp_entry_order(const void *a, const void *b)
{
	const struct service_entry *x = a, *y = b;
	int c = cmp_entry(a, b);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

void services_sort(struct services *s)
{
	size_t i, j = 0;

	if (!s->len)
		return;
	qsort(s->v, s->len, sizeof(*s->v), cmp_entry_order);
	for (i = 1; i < s->len; i++) {
		if (cmp_entry(&s->v[i], &s->v[j]) != 0)
			s->v[++j] = s->v[i];
	}
	s->len = j + 1;
}

int services_load(struct services *ret)
{
	struct services s = { 0 };
	struct servent *se;
	int r = 0;

	setservent(1);
	while ((se = getservent())) {
		int is_udp;

		if (!strcmp(se->s_proto, "tcp"))
			is_udp = 0;
		else if (!strcmp(se->s_proto, "udp"))
			is_udp = 1;
		else
			continue;
		r = services_add(&s, ntohs((uint16_t)se->s_port), is_udp, se->s_name);
		if (r == -ENOMEM)
			break;
		r = 0;
	}
	endservent();
	if (r < 0) {
		services_free(&s);
		return r;
	}
	services_sort(&s);
	*ret = s;
	return 0;
}

const char *services_lookup(const struct services *s, uint16_t port, int is_udp)
{
	size_t lo = 0, hi = s->len;
	struct service_entry key = { .port = port, .is_udp = is_udp ? 1 : 0 };

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_entry(&s->v[mid], &key);

		if (c == 0)
			return s->v[mid].name;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void services_free(struct services *s)
{
	if (!s)
		return;
	free(s->v);
	s->v = NULL;
	s->len = 0;
	s->cap = 0;
}
