/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lsock/snapshot.h"
#include "snapshot_internal.h"

/*
 * A lookup by inode walks the namespace's whole UNIX table
 * (unix_lookup_by_ino() in the kernel): measured at about a third of a dump
 * of it.  Beyond this many sockets to find, one more dump of every state
 * finds them cheaper.
 */
#define SNAPSHOT_LOOKUP_DUMP_MIN 4

/* Lookups after that dump are bounded by the table they walk: at most this
 * many socket visits in all (each ~0.3 us), but always a few. */
#define SNAPSHOT_LOOKUP_VISITS (1u << 20)
#define SNAPSHOT_LOOKUPS_MIN 8

/*
 * Telling a held socket's protocol costs a system call on its fd (see
 * owner_map_keep_unix_held()).  Beyond this many unlisted held sockets
 * (say -xp on a host with 100k TCP connections), one inet_diag dump per
 * table that was not listed tells the inet ones apart in bulk, for much
 * less.
 */
#define SNAPSHOT_BULK_MIN 1024

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * Whether the UNIX dump may have missed a socket: it came from sock_diag
 * (which can fetch one socket by inode) and one of its passes was resumed
 * (a dump that fit one datagram was one consistent walk).
 */
static bool unix_needs_check(const struct collect_report *rep)
{
	const struct collect_slot *sl = collect_slot_of(rep, SOCK_PROTO_UNIX, AF_UNIX);

	return sl && sl->served && sl->source == SOCK_SOURCE_NETLINK && sl->netlink_reads > 1;
}

/* The sorted, unique non-zero inodes of t, and how many rows are UNIX. */
static int known_inodes(const struct sock_table *t, uint32_t **ret, size_t *ret_len,
			size_t *ret_nunix)
{
	uint32_t *v = malloc((t->len ? t->len : 1) * sizeof(*v));
	size_t i, n = 0, nunix = 0, j;

	*ret = NULL;
	*ret_len = 0;
	*ret_nunix = 0;
	if (!v)
		return -ENOMEM;
	for (i = 0; i < t->len; i++) {
		if (t->entries[i].family == AF_UNIX)
			nunix++;
		if (t->entries[i].inode)
			v[n++] = t->entries[i].inode;
	}
	if (n) {
		qsort(v, n, sizeof(*v), cmp_u32);
		for (i = 1, j = 0; i < n; i++)
			if (v[i] != v[j])
				v[++j] = v[i];
		n = j + 1;
	}
	*ret = v;
	*ret_len = n;
	*ret_nunix = nunix;
	return 0;
}

/* Drops from inodes[0..n) (sorted) those that t has, keeping the order;
 * returns the new count, or -ENOMEM. */
static ssize_t drop_found(uint32_t *inodes, size_t n, const struct sock_table *t)
{
	bool *gone = calloc(n ? n : 1, sizeof(*gone));
	size_t i, j = 0;

	if (!gone)
		return -ENOMEM;
	for (i = 0; i < t->len; i++) {
		const uint32_t *p = n ? bsearch(&t->entries[i].inode, inodes, n, sizeof(*inodes),
						 cmp_u32)
				      : NULL;

		if (p)
			gone[p - inodes] = true;
	}
	for (i = 0; i < n; i++)
		if (!gone[i])
			inodes[j++] = inodes[i];
	free(gone);
	return (ssize_t)j;
}

/* Drops from unknown[0..n) (sorted) the members of v[0..m) (sorted). */
static size_t drop_sorted(uint32_t *unknown, size_t n, const uint32_t *v, size_t m)
{
	size_t i, j = 0, k = 0;

	for (i = 0; i < n; i++) {
		while (k < m && v[k] < unknown[i])
			k++;
		if (k < m && v[k] == unknown[i])
			continue;
		unknown[j++] = unknown[i];
	}
	return j;
}

/* The inet protocols of which some family was not collected. */
static uint32_t unlisted_inet(const struct collect_spec *s)
{
	uint32_t mask = 0;
	unsigned int p;

	for (p = 0; p < _SOCK_PROTO_MAX; p++)
		if (!collect_spec_wants(s, (enum sock_proto)p, AF_INET) ||
		    !collect_spec_wants(s, (enum sock_proto)p, AF_INET6))
			mask |= SOCK_PROTO_BIT(p);
	return mask;
}

/*
 * The held UNIX sockets that no dump listed: see snapshot_take().  A lookup
 * that fails leaves those sockets unverified; the snapshot stands.
 * Returns 0 or -ENOMEM.
 */
static int recover_unix(const struct snapshot_request *req, struct snapshot *s,
			uint32_t *unknown, size_t n, size_t nunix)
{
	struct snapshot_churn *c = &s->churn;
	struct sock_table found = { 0 };
	size_t i, k, budget;
	ssize_t left;
	int r;

	if (n >= SNAPSHOT_BULK_MIN) {
		uint32_t *inet;
		size_t ninet;

		/* A failure only means asking each fd instead. */
		r = collect_inet_inodes(unlisted_inet(&req->collect), &inet, &ninet);
		if (r == -ENOMEM)
			return r;
		n = drop_sorted(unknown, n, inet, ninet);
		free(inet);
	}
	n = owner_map_keep_unix_held(req->collect.proc_root, &s->owners, unknown, n);
	c->held_unlisted = n;
	if (n > SNAPSHOT_LOOKUP_DUMP_MIN) {
		r = collect_unix_lookup(unknown, n, true, &found, &k);
		if (r == -ENOMEM)
			goto out;
		if (r < 0) {
			c->lookup_error = r;
			c->unverified = n;
			r = 0;
			goto out;
		}
		left = drop_found(unknown, n, &found);
		if (left < 0) {
			r = -ENOMEM;
			goto out;
		}
		n = (size_t)left;
		/* What is left either closed since the walk, or this dump
		 * missed it too: look again at who holds what. */
		n = owner_map_keep_unix_held(req->collect.proc_root, &s->owners, unknown, n);
	}
	budget = SNAPSHOT_LOOKUP_VISITS / (nunix + 1);
	if (budget < SNAPSHOT_LOOKUPS_MIN)
		budget = SNAPSHOT_LOOKUPS_MIN;
	if (n > budget) {
		c->unverified = n - budget;
		n = budget;
	}
	k = found.len;
	r = collect_unix_lookup(unknown, n, false, &found, &i);
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		c->lookup_error = r;
		c->unverified += n;
		sock_table_truncate(&found, k);
	}
	/* What the listing would have dropped anyway (states, filter). */
	if (req->prune)
		req->prune(&found, req->prune_data);
	r = 0;
	for (i = 0; i < found.len && r == 0; i++) {
		const struct sock_entry *e = &found.entries[i];

		r = sock_table_add(&s->table, e, sock_table_name(&found, e), e->path_len);
	}
	if (r == 0)
		c->recovered = found.len;
out:
	sock_table_free(&found);
	return r;
}

/* Whether some row of t has an inode, so may have an owner. */
static bool any_inode(const struct sock_table *t)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->entries[i].inode)
			return true;
	return false;
}

int snapshot_take(const struct snapshot_request *req, struct snapshot *ret)
{
	uint32_t *known = NULL, *unknown = NULL;
	size_t nknown = 0, nunknown = 0, nunix = 0;
	bool walked = false, check;
	int r;

	struct owner_walk *walk = NULL;
	struct owner_map all = { 0 };
	/* The note's check of other namespaces reads the walk's map too; a
	 * walk joined for it alone may fail and only counts less. */
	bool note = req->netns && req->netns->note && req->netns->note_states, note_only;

	memset(ret, 0, sizeof(*ret));
	if (req->netns && req->netns->select != NETNS_SELECT_CURRENT)
		return snapshot_netns_take(req, ret);
	sock_table_init(&ret->table);
	/* The owner walk does not depend on the dump: it runs meanwhile, in
	 * a thread, recording every held socket; the rows are matched
	 * against it afterwards. */
	if (req->owners) {
		r = owner_walk_begin_ctx(req->collect.proc_root, req->collect.owner_source,
					 req->owner_ctx, &walk);
		if (r < 0)
			return r;
	}
	r = collect_run(&req->collect, &ret->table, &ret->report);
	/* Taken before pruning: a row the filter dropped is not missing. */
	check = r == 0 && req->owners && unix_needs_check(&ret->report);
	if (check)
		r = known_inodes(&ret->table, &known, &nknown, &nunix);
	if (r == 0 && req->prune)
		req->prune(&ret->table, req->prune_data);
	if (!req->owners)
		return r < 0 ? r : req->netns ? snapshot_netns_current(req, ret, NULL) : 0;
	/* Nothing listed can have an owner (no rows, or only TIME_WAIT),
	 * and no held socket is looked for: the walk is stopped, as it was
	 * never started before the overlap; unless the note reads it. */
	note_only = r == 0 && !check && !any_inode(&ret->table);
	if (r < 0 || (note_only && !note)) {
		owner_walk_cancel(walk);
		free(known);
		if (r < 0)
			return r;
		known = NULL;
	} else {
		r = owner_walk_join(walk, &all);
		if (r < 0 && note_only) {
			r = 0;
			note = false;
		} else if (r == 0)
			r = owner_map_match_for(&all, &ret->table, check ? known : NULL, nknown,
						&ret->owners, &walked, &unknown, &nunknown);
		free(known);
	}
	if (r < 0) {
		owner_map_free(&all);
		ret->owners_error = r;
		return r;
	}
	ret->owners_walked = walked;
	if (nunknown)
		r = recover_unix(req, ret, unknown, nunknown, nunix);
	free(unknown);
	/* Expression parts that need owners (pid, comm) run once they are known,
	 * over the recovered sockets too. */
	if (r == 0 && req->prune_owned)
		req->prune_owned(&ret->table, &ret->owners, req->prune_data);
	if (r == 0 && req->netns)
		r = snapshot_netns_current(req, ret, note ? &all : NULL);
	owner_map_free(&all);
	return r;
}

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	owner_map_free(&s->owners);
	sock_table_free(&s->table);
	snapshot_netns_free(&s->netns);
	memset(s, 0, sizeof(*s));
}
