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
#include "lsock/sock_table.h"

/*
 * Called after collection and before the owner walk, to drop the rows that
 * will not be shown (the owner walk then records only what is left).
 */
typedef void (*snapshot_prune_fn)(struct sock_table *t, void *data);

/*
 * Called after the owner walk, with its map, for a filter that selects by
 * owner (pid, comm): it cannot run before the walk, so prune keeps the rows
 * such a filter may keep, and the walk is done for those.
 */
typedef void (*snapshot_prune_owned_fn)(struct sock_table *t, const struct owner_map *owners,
					void *data);

struct snapshot_request {
	struct collect_spec collect;
	bool owners;              /* walk /proc for the owners of the kept rows */
	snapshot_prune_fn prune;  /* may be NULL */
	snapshot_prune_owned_fn prune_owned; /* may be NULL; needs owners */
	void *prune_data;
};

struct snapshot {
	struct sock_table table;
	struct collect_report report;
	struct owner_map owners;
	bool owners_walked; /* the owner walk ran (it is skipped when no kept row can have an owner) */
	int owners_error;  /* -errno from the owner walk, 0 if it ran or was not asked for */
};

/*
 * Takes a snapshot.  *ret is written on every path and must be released
 * with snapshot_free().  Returns 0; -ENOMEM; the collect error (see
 * collect_run(); ret->report says which slot); or the owner walk's -errno,
 * with ret->owners_error set to it, so the caller can tell the two apart.
 */
int snapshot_take(const struct snapshot_request *req, struct snapshot *ret);

/* Frees what the snapshot owns; an all-zero snapshot is fine. */
void snapshot_free(struct snapshot *s);

#endif
