/* SPDX-License-Identifier: MIT */
/*
 * One complete snapshot: the sockets a spec asks for, the processes that
 * own them, and the report of how they were collected.  Modes that take
 * many snapshots (every network namespace, --watch) call this once per
 * snapshot; the one-shot CLI calls it once.
 */
#ifndef LSOCK_SNAPSHOT_H
#define LSOCK_SNAPSHOT_H

#include <stdbool.h>

#include "lsock/collect.h"
#include "lsock/owner.h"
#include "lsock/snapshot_netns.h"
#include "lsock/sock_table.h"

/*
 * Called after collection and before the owner walk, to drop the rows that
 * will not be shown (the owner walk then records only what is left).
 */
typedef void (*snapshot_prune_fn)(struct sock_table *t, void *data);

/*
 * Called after the owner walk, with its map, for a filter that selects by
 * owner (pid, comm): it cannot run before the walk, so prune keeps the rows
 * such a filter may keep, and the walk is done for those.  netns: the
 * namespaces the rows were collected in (sock_entry.netns_idx), with the
 * names of their interfaces, when that is not the caller's (--all-netns,
 * --netns); else NULL.  (prune itself runs inside each namespace.)
 */
typedef void (*snapshot_prune_owned_fn)(struct sock_table *t, const struct owner_map *owners,
					const struct snapshot_netns *netns, void *data);

struct snapshot_request {
	struct collect_spec collect;
	bool owners;              /* walk /proc for the owners of the kept rows */
	snapshot_prune_fn prune;  /* may be NULL */
	snapshot_prune_owned_fn prune_owned; /* may be NULL; needs owners */
	void *prune_data;
	const struct netns_request *netns; /* NULL: lsock's own namespace, unnamed */
	struct owner_ctx *owner_ctx; /* the owner source kept across snapshots; NULL: none */
};

/* How the owner walk checked the UNIX dump (see snapshot_take()). */
struct snapshot_churn {
	size_t held_unlisted; /* held UNIX sockets of this namespace that no dump listed */
	size_t recovered;     /* rows added for them (after the prune) */
	size_t unverified;    /* of held_unlisted, left unchecked: lookup budget or error */
	int lookup_error;     /* -errno of a failed lookup, 0 if none */
};

struct snapshot {
	struct sock_table table;
	struct collect_report report;
	struct owner_map owners;
	bool owners_walked; /* the owner walk ran (it is skipped when no kept row can have an owner) */
	int owners_error;  /* -errno from the owner walk, 0 if it ran or was not asked for */
	struct snapshot_churn churn;
	struct snapshot_netns netns; /* the namespaces listed (see snapshot_netns.h) */
};

/*
 * Takes a snapshot.  *ret is written on every path and must be released
 * with snapshot_free().  Returns 0; -ENOMEM; the collect error (see
 * collect_run(); ret->report says which slot); or the owner walk's -errno,
 * with ret->owners_error set to it, so the caller can tell the two apart.
 *
 * With owners, the walk also checks the UNIX dump when it came from
 * sock_diag and needed several datagrams (so it may have skipped a socket
 * under churn, see collect_run()).  Every socket inode that a process
 * holds and that no dump listed (before the prune) is looked at: when
 * there are many, one inet_diag dump of each inet table that was not
 * listed sets the inet ones aside in bulk; of the rest, those that are
 * UNIX sockets, still held, by a process of our network namespace, are
 * fetched by inode (when more than a few, one more UNIX dump of every
 * state first), pruned like the rest and appended to the table; the walk
 * recorded their holders, so they have owners.  So a UNIX socket held open
 * by a visible process of this namespace for the whole run is always
 * listed, unless ret->churn.unverified says some could not be checked.
 * On a quiet system nothing is fetched; the check costs a system call per
 * held socket that is not listed (netlink sockets, other namespaces'),
 * or, past a thousand of them, a dump of the unlisted inet tables.
 */
int snapshot_take(const struct snapshot_request *req, struct snapshot *ret);

/*
 * snapshot_take() without the table, for a listing that needs neither
 * owners nor an order of its own: the rows go to st in batches, pruned
 * (req->prune) batch by batch, in the order and with the churn handling
 * of the table (collect_run_stream()).  The namespace is named and the
 * note checked first, since rows are rendered as they come; ret->table
 * stays empty.  Needs !req->owners, lsock's own namespace and a stream
 * (st non-NULL, with emit() and batch_rows >= 1): -EINVAL otherwise.  *ret is written on every path; release it with
 * snapshot_free().  Returns what snapshot_take() would, or st->emit()'s
 * error.
 */
int snapshot_stream(const struct snapshot_request *req, const struct collect_stream *st,
		    struct snapshot *ret);

/* Frees what the snapshot owns; an all-zero snapshot is fine. */
void snapshot_free(struct snapshot *s);

#endif
