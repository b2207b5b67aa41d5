/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/owner.h"
#include "lsock/sort.h"

static const char *const key_names[_SORT_KEY_MAX] = {
	[SORT_PROTO] = "proto",   [SORT_LOCAL] = "local", [SORT_REMOTE] = "remote",
	[SORT_LPORT] = "lport",   [SORT_RPORT] = "rport", [SORT_STATE] = "state",
	[SORT_PID] = "pid",       [SORT_PROGRAM] = "program", [SORT_INODE] = "inode",
	[SORT_QUEUE] = "queue",
};

int sort_spec_parse(const char *s, struct sort_spec *ret, char *err, size_t errlen)
{
	struct sort_spec spec = { .len = 0 };
	const char *p = s;

	while (1) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		bool reverse = false;
		int id, found = -1;

		if (n && *p == '-') {
			reverse = true;
			p++;
			n--;
		}
		for (id = 0; id < _SORT_KEY_MAX; id++) {
			if (strlen(key_names[id]) == n && !strncmp(key_names[id], p, n)) {
				found = id;
				break;
			}
		}
		if (found < 0 || spec.len >= SORT_KEYS_MAX) {
			snprintf(err, errlen, "%.*s", (int)(n > 64 ? 64 : n), p);
			return -EINVAL;
		}
		spec.keys[spec.len].id = (enum sort_key_id)found;
		spec.keys[spec.len].reverse = reverse;
		spec.len++;
		if (!end)
			break;
		p = end + 1;
	}
	*ret = spec;
	return 0;
}

bool sort_spec_needs_owners(const struct sort_spec *s)
{
	size_t i;

	for (i = 0; i < s->len; i++)
		if (s->keys[i].id == SORT_PID || s->keys[i].id == SORT_PROGRAM)
			return true;
	return false;
}

struct sort_ctx {
	const struct sort_spec *spec;
	const struct sock_table *t;
	const struct owner_map *owners;
};

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* Addresses compare as numbers: network-order bytes compare like the
 * integer they encode, family first so v4 sorts before v6. */
static int cmp_addr(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b,
		    bool local)
{
	int r = CMP(a->family, b->family);

	if (r)
		return r;
	if (a->family == AF_UNIX) {
		if (!local)
			return CMP(a->peer_inode, b->peer_inode);
		size_t n = a->path_len < b->path_len ? a->path_len : b->path_len;

		r = memcmp(sock_table_name(c->t, a), sock_table_name(c->t, b), n);
		return r ? r : CMP(a->path_len, b->path_len);
	}
	r = memcmp(local ? a->laddr : a->raddr, local ? b->laddr : b->raddr, 16);
	if (r)
		return r;
	return local ? CMP(a->lport, b->lport) : CMP(a->rport, b->rport);
}

static const struct owner_proc *first_owner(const struct sort_ctx *c, const struct sock_entry *e)
{
	const struct owner *o;

	if (!c->owners || !owner_map_find(c->owners, e->inode, &o))
		return NULL;
	return &c->owners->procs[o->proc];
}

static int cmp_owner(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b,
		     bool by_comm)
{
	const struct owner_proc *x = first_owner(c, a), *y = first_owner(c, b);
	int r;

	/* Sockets with no visible owner sort last. */
	if (!x || !y)
		return CMP(!x, !y);
	if (!by_comm)
		return CMP(x->pid, y->pid);
	r = memcmp(x->comm, y->comm, x->comm_len < y->comm_len ? x->comm_len : y->comm_len);
	return r ? r : CMP(x->comm_len, y->comm_len);
}

static int cmp_key(const struct sort_ctx *c, enum sort_key_id id, const struct sock_entry *a,
		   const struct sock_entry *b)
{
	switch (id) {
	case SORT_PROTO:
		return CMP(a->proto, b->proto) ?: CMP(a->family, b->family);
	case SORT_LOCAL:
		return cmp_addr(c, a, b, true);
	case SORT_REMOTE:
		return cmp_addr(c, a, b, false);
	case SORT_LPORT:
		return CMP(a->lport, b->lport);
	case SORT_RPORT:
		return CMP(a->rport, b->rport);
	case SORT_STATE:
		return CMP(a->state, b->state);
	case SORT_PID:
		return cmp_owner(c, a, b, false);
	case SORT_PROGRAM:
		return cmp_owner(c, a, b, true);
	case SORT_INODE:
		return CMP(a->inode, b->inode);
	case SORT_QUEUE:
		return CMP(a->rqueue, b->rqueue) ?: CMP(a->wqueue, b->wqueue);
	case _SORT_KEY_MAX:
		break;
	}
	return 0;
}

static int cmp_entries(const void *pa, const void *pb, void *data)
{
	const struct sort_ctx *c = data;
	const struct sock_entry *a = pa, *b = pb;
	size_t i;
	int r;

	for (i = 0; i < c->spec->len; i++) {
		r = cmp_key(c, c->spec->keys[i].id, a, b);
		if (r)
			return c->spec->keys[i].reverse ? -r : r;
	}
	/* qsort is not stable: end on fields that make the order deterministic. */
	return CMP(a->proto, b->proto) ?: CMP(a->family, b->family) ?: CMP(a->inode, b->inode) ?:
	       cmp_addr(c, a, b, true) ?: cmp_addr(c, a, b, false) ?: CMP(a->cookie, b->cookie);
}

void sort_table(struct sock_table *t, const struct sort_spec *s, const struct owner_map *owners)
{
	struct sort_ctx c = { .spec = s, .t = t, .owners = owners };

	if (s->len && t->len > 1)
		qsort_r(t->entries, t->len, sizeof(*t->entries), cmp_entries, &c);
}
