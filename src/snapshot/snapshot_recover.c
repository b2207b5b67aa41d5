/* SPDX-License-Identifier: MIT */
/*
 * The held UNIX sockets that a resumed dump skipped, fetched by inode (see
 * snapshot_take()): for lsock's own namespace (snapshot.c) and for each
 * one that --all-netns and --netns enter (snapshot_netns.c), in whichever
 * namespace the calling thread is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lsock/snapshot.h"
#include "snapshot_internal.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

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

/* See snapshot_internal.h. */
bool snapshot_unix_needs_check(const struct collect_report *rep)
{
	const struct collect_slot *sl = collect_slot_of(rep, SOCK_PROTO_UNIX, AF_UNIX);

	return sl && sl->served && sl->source == SOCK_SOURCE_NETLINK && sl->netlink_reads > 1;
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

/* The held UNIX sockets that no dump listed: see snapshot_internal.h. */
int snapshot_recover_unix(const struct snapshot_request *req, struct snapshot *s,
			  uint32_t *unknown, size_t n, size_t nunix, uint16_t netns_idx)
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
	c->held_unlisted += n;
	if (n > SNAPSHOT_LOOKUP_DUMP_MIN) {
		r = collect_unix_lookup(unknown, n, true, &found, &k);
		if (r == -ENOMEM)
			goto out;
		if (r < 0) {
			c->lookup_error = r;
			c->unverified += n;
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
		c->unverified += n - budget;
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
		struct sock_entry e = found.entries[i];

		e.netns_idx = netns_idx;
		r = sock_table_add(&s->table, &e, sock_table_name(&found, &found.entries[i]),
				   e.path_len);
	}
	if (r == 0)
		c->recovered += found.len;
out:
	sock_table_free(&found);
	return r;
}

