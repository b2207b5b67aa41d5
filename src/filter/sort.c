/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/owner.h"
#include "lsock/sock_names.h"
#include "lsock/sort.h"
#include "lsock/users.h"

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

static int cmp_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	return r ? r : CMP(alen, blen);
}

static int cmp_str(const char *a, const char *b)
{
	return cmp_bytes((const uint8_t *)a, strlen(a), (const uint8_t *)b, strlen(b));
}

/* Addresses compare as numbers: network-order bytes compare like the
 * integer they encode, family first so v4 sorts before v6.  UNIX "local"
 * is the name, "remote" the peer inode. */
static int cmp_addr(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b,
		    bool local)
{
	int r = CMP(a->family, b->family);

	if (r)
		return r;
	if (a->family == AF_UNIX) {
		if (!local)
			return CMP(a->peer_inode, b->peer_inode);
		return cmp_bytes(sock_table_name(c->table, a), a->path_len,
				 sock_table_name(c->table, b), b->path_len);
	}
	r = memcmp(local ? a->laddr : a->raddr, local ? b->laddr : b->raddr, 16);
	if (r)
		return r;
	return local ? CMP(a->lport, b->lport) : CMP(a->rport, b->rport);
}

int sort_cmp_proto(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP(a->proto, b->proto) ?: CMP(a->family, b->family);
}

int sort_cmp_family(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return cmp_str(sock_family_name(a->family), sock_family_name(b->family));
}

int sort_cmp_type(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return cmp_str(sock_type_name(a->type), sock_type_name(b->type));
}

int sort_cmp_state(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP(a->state, b->state);
}

/* Unknown values ("-") sort before every known one. */
#define CMP_KNOWN(flag, fa, fb)                                                   \
	(((a->flags & (flag)) && (b->flags & (flag))) ? CMP(fa, fb) :             \
	 CMP(!!(a->flags & (flag)), !!(b->flags & (flag))))

int sort_cmp_recv_q(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP_KNOWN(SOCK_F_QUEUES_KNOWN, a->rqueue, b->rqueue);
}

int sort_cmp_send_q(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP_KNOWN(SOCK_F_QUEUES_KNOWN, a->wqueue, b->wqueue);
}

int sort_cmp_queue(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP(a->rqueue, b->rqueue) ?: CMP(a->wqueue, b->wqueue);
}

int sort_cmp_local(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return cmp_addr(c, a, b, true);
}

int sort_cmp_remote(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return cmp_addr(c, a, b, false);
}

int sort_cmp_lport(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP(a->lport, b->lport);
}

int sort_cmp_rport(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP(a->rport, b->rport);
}

/* By the name as shown ('@' for abstract); unnamed and inet sockets first. */
int sort_cmp_path(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	uint8_t na[SOCK_DISPLAY_NAME_MAX], nb[SOCK_DISPLAY_NAME_MAX];
	size_t la = sock_table_display_name(c->table, a, na);
	size_t lb = sock_table_display_name(c->table, b, nb);

	return cmp_bytes(na, la, nb, lb);
}

int sort_cmp_peer(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP_KNOWN(SOCK_F_PEER_KNOWN, a->peer_inode, b->peer_inode);
}

int sort_cmp_v6only(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP_KNOWN(SOCK_F_V6ONLY_KNOWN, !!(a->flags & SOCK_F_V6ONLY),
			 !!(b->flags & SOCK_F_V6ONLY));
}

/* By index: unknown (/proc) first, then unbound (0), then by device. */
int sort_cmp_interface(const struct sort_ctx *c, const struct sock_entry *a,
		       const struct sock_entry *b)
{
	return CMP_KNOWN(SOCK_F_IFINDEX_KNOWN, a->ifindex, b->ifindex);
}

int sort_cmp_uid(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP_KNOWN(SOCK_F_UID_KNOWN, a->uid, b->uid);
}

/* By the user name shown; a uid without a name sorts as its number would
 * print (after names that start with a letter), unknown uids first. */
int sort_cmp_user(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	const char *na, *nb;
	char ba[16], bb[16];

	if (!(a->flags & SOCK_F_UID_KNOWN) || !(b->flags & SOCK_F_UID_KNOWN) || !c->users)
		return sort_cmp_uid(c, a, b);
	na = user_cache_name(c->users, a->uid);
	if (!na) {
		snprintf(ba, sizeof(ba), "%u", a->uid);
		na = ba;
	}
	nb = user_cache_name(c->users, b->uid);
	if (!nb) {
		snprintf(bb, sizeof(bb), "%u", b->uid);
		nb = bb;
	}
	return cmp_str(na, nb) ?: CMP(a->uid, b->uid);
}

int sort_cmp_inode(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP(a->inode, b->inode);
}

int sort_cmp_cookie(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP_KNOWN(SOCK_F_COOKIE_KNOWN, a->cookie, b->cookie);
}

int sort_cmp_source(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return CMP(a->source, b->source);
}

static const struct owner_proc *first_owner(const struct sort_ctx *c, const struct sock_entry *e)
{
	const struct owner *o;

	if (!c->owners || !owner_map_find(c->owners, e->inode, &o))
		return NULL;
	return owner_map_proc(c->owners, o);
}

static int cmp_owner(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b,
		     bool by_comm)
{
	const struct owner_proc *x = first_owner(c, a), *y = first_owner(c, b);

	/* Sockets with no visible owner sort after those with one. */
	if (!x || !y)
		return CMP(!x, !y);
	if (!by_comm)
		return CMP(x->pid, y->pid);
	return cmp_bytes(x->comm, x->comm_len, y->comm, y->comm_len);
}

int sort_cmp_pid(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return cmp_owner(c, a, b, false);
}

int sort_cmp_program(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	return cmp_owner(c, a, b, true);
}

struct sort_run {
	const struct sort_spec *spec;
	const struct sort_ctx *ctx;
};

static int cmp_entries(const void *pa, const void *pb, void *data)
{
	const struct sort_run *run = data;
	const struct sock_entry *a = pa, *b = pb;
	size_t i;
	int r;

	for (i = 0; i < run->spec->len; i++) {
		r = run->spec->keys[i].cmp(run->ctx, a, b);
		if (r)
			return run->spec->keys[i].reverse ? -r : r;
	}
	/* qsort is not stable: end on fields that make the order deterministic. */
	return CMP(a->proto, b->proto) ?: CMP(a->family, b->family) ?: CMP(a->inode, b->inode) ?:
	       cmp_addr(run->ctx, a, b, true) ?: cmp_addr(run->ctx, a, b, false) ?:
	       CMP(a->cookie, b->cookie);
}

void sort_table(struct sock_table *t, const struct sort_spec *s, const struct sort_ctx *c)
{
	struct sort_run run = { .spec = s, .ctx = c };

	if (s->len && t->len > 1)
		qsort_r(t->entries, t->len, sizeof(*t->entries), cmp_entries, &run);
}

int sort_cmp_netns(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	(void)c;
	return (a->netns_idx > b->netns_idx) - (a->netns_idx < b->netns_idx);
}
