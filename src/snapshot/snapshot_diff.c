/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/snapshot_diff.h"

/*
 * The namespace part of the key: the nsfs inode of the entry's namespace.
 * netns_idx is an index into this snapshot's namespace list, which the
 * next snapshot may order differently (a namespace came or went); the
 * inode names the namespace for as long as it lives, and --watch pins
 * every namespace it has seen, so it is not handed out again meanwhile.
 * All nsfs files share one device, so the inode alone is enough.  Without
 * a list (lsock's own namespace, unnamed) every entry is in the one
 * namespace: 0.
 */
static uint64_t entry_netns(const struct snapshot_netns *ns, const struct sock_entry *e)
{
	const struct snapshot_ns *n = snapshot_netns_of(ns, e->netns_idx);

	return n ? n->ino : 0;
}

void snapshot_diff_key(const struct snapshot_netns *ns, const struct sock_entry *e,
		       struct sock_key *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->netns = entry_netns(ns, e);
	if (e->flags & SOCK_F_COOKIE_KNOWN) {
		/* The kernel never hands out cookie 0 (atomic64_inc_return()
		 * starts at 1), so 0 can mean "none". */
		ret->cookie = e->cookie;
		return;
	}
	ret->inode = e->inode;
	ret->lport = e->lport;
	ret->rport = e->rport;
	ret->proto = e->proto;
	ret->family = e->family;
	memcpy(ret->laddr, e->laddr, sizeof(ret->laddr));
	memcpy(ret->raddr, e->raddr, sizeof(ret->raddr));
}

#define CMP(a, b)                                  \
	do {                                       \
		if ((a) != (b))                    \
			return (a) < (b) ? -1 : 1; \
	} while (0)

int snapshot_diff_key_cmp(const struct sock_key *a, const struct sock_key *b)
{
	int r;

	CMP(a->netns, b->netns);
	CMP(a->cookie, b->cookie);
	if (a->cookie)
		return 0;
	CMP(a->proto, b->proto);
	CMP(a->family, b->family);
	CMP(a->inode, b->inode);
	CMP(a->lport, b->lport);
	CMP(a->rport, b->rport);
	r = memcmp(a->laddr, b->laddr, sizeof(a->laddr));
	if (r)
		return r;
	return memcmp(a->raddr, b->raddr, sizeof(a->raddr));
}

struct sort_ctx {
	const struct sock_table *t;
	const struct snapshot_netns *ns;
};

static int cmp_index(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	struct sock_key ka, kb;
	int r;

	snapshot_diff_key(c->ns, &c->t->entries[i], &ka);
	snapshot_diff_key(c->ns, &c->t->entries[j], &kb);
	r = snapshot_diff_key_cmp(&ka, &kb);
	if (r)
		return r;
	/* Equal keys keep table order, so the first entry of a key leads. */
	return (i > j) - (i < j);
}

int snapshot_diff_index(const struct sock_table *t, const struct snapshot_netns *ns, size_t **ret)
{
	struct sort_ctx c = { .t = t, .ns = ns };
	size_t *v = malloc((t->len ? t->len : 1) * sizeof(*v)), i;

	*ret = NULL;
	if (!v)
		return -ENOMEM;
	for (i = 0; i < t->len; i++)
		v[i] = i;
	qsort_r(v, t->len, sizeof(*v), cmp_index, &c);
	*ret = v;
	return 0;
}

const struct sock_entry *snapshot_diff_find(const struct sock_table *t,
					    const struct snapshot_netns *ns, const size_t *order,
					    size_t n, const struct sock_key *k)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct sock_key km;
		int r;

		snapshot_diff_key(ns, &t->entries[order[mid]], &km);
		r = snapshot_diff_key_cmp(&km, k);
		if (r < 0) {
			lo = mid + 1;
		} else if (r > 0) {
			hi = mid;
		} else {
			/* The first entry of this key: step back over repeats. */
			while (mid > lo) {
				snapshot_diff_key(ns, &t->entries[order[mid - 1]], &km);
				if (snapshot_diff_key_cmp(&km, k))
					break;
				mid--;
			}
			return &t->entries[order[mid]];
		}
	}
	return NULL;
}

/* What the merge walk found for each entry of a table. */
enum match {
	MATCH_NONE,   /* the other table lacks its key */
	MATCH_SAME,   /* present there, same state */
	MATCH_STATE,  /* present there, another state */
	MATCH_REPEAT, /* a later entry of a key its table already listed */
};

int snapshot_diff(const struct sock_table *prev, const struct snapshot_netns *prev_ns,
		  const struct sock_table *cur, const struct snapshot_netns *cur_ns,
		  struct sock_change **ret, size_t *ret_len)
{
	size_t *po = NULL, *co = NULL, i = 0, j = 0, n = 0;
	uint8_t *pm = NULL, *cm = NULL;
	struct sock_change *v = NULL;
	int r = -ENOMEM;

	*ret = NULL;
	*ret_len = 0;
	if (snapshot_diff_index(prev, prev_ns, &po) < 0 || snapshot_diff_index(cur, cur_ns, &co) < 0)
		goto out;
	pm = calloc(prev->len + 1, 1);
	cm = calloc(cur->len + 1, 1);
	if (!pm || !cm)
		goto out;
	/* A merge of the two sorted indices. */
	while (i < prev->len || j < cur->len) {
		struct sock_key kp, kc;
		int c;

		if (i < prev->len)
			snapshot_diff_key(prev_ns, &prev->entries[po[i]], &kp);
		if (j < cur->len)
			snapshot_diff_key(cur_ns, &cur->entries[co[j]], &kc);
		if (i > 0 && i < prev->len) {
			struct sock_key kq;

			snapshot_diff_key(prev_ns, &prev->entries[po[i - 1]], &kq);
			if (!snapshot_diff_key_cmp(&kq, &kp)) {
				pm[po[i++]] = MATCH_REPEAT;
				continue;
			}
		}
		if (j > 0 && j < cur->len) {
			struct sock_key kq;

			snapshot_diff_key(cur_ns, &cur->entries[co[j - 1]], &kq);
			if (!snapshot_diff_key_cmp(&kq, &kc)) {
				cm[co[j++]] = MATCH_REPEAT;
				continue;
			}
		}
		if (i >= prev->len)
			c = 1;
		else if (j >= cur->len)
			c = -1;
		else
			c = snapshot_diff_key_cmp(&kp, &kc);
		if (c < 0) {
			pm[po[i++]] = MATCH_NONE;
		} else if (c > 0) {
			cm[co[j++]] = MATCH_NONE;
		} else {
			uint8_t m = prev->entries[po[i]].state == cur->entries[co[j]].state ?
					    MATCH_SAME : MATCH_STATE;

			pm[po[i++]] = m;
			cm[co[j++]] = m;
		}
	}
	v = malloc((prev->len + cur->len + 1) * sizeof(*v));
	if (!v)
		goto out;
	for (i = 0; i < prev->len; i++)
		if (pm[i] == MATCH_NONE)
			v[n++] = (struct sock_change){ .kind = SOCK_CHANGE_CLOSED, .index = i };
	for (j = 0; j < cur->len; j++) {
		if (cm[j] == MATCH_NONE) {
			v[n++] = (struct sock_change){ .kind = SOCK_CHANGE_NEW, .index = j };
		} else if (cm[j] == MATCH_STATE) {
			struct sock_key k;
			const struct sock_entry *old;

			snapshot_diff_key(cur_ns, &cur->entries[j], &k);
			old = snapshot_diff_find(prev, prev_ns, po, prev->len, &k);
			v[n++] = (struct sock_change){ .kind = SOCK_CHANGE_STATE,
						       .from_state = old ? old->state : 0,
						       .index = j };
		}
	}
	if (n) {
		*ret = v;
		v = NULL;
	}
	*ret_len = n;
	r = 0;
out:
	free(v);
	free(po);
	free(co);
	free(pm);
	free(cm);
	return r;
}
