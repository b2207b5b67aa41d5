/* SPDX-License-Identifier: MIT */
/*
 * What the modes that take many snapshots share (--watch, --events): the
 * last snapshot, the owners of its sockets kept across snapshots, and the
 * render context the one-shot listing builds too.
 *
 * The /proc walk runs once at the start and then only when a snapshot
 * lists a socket (with an inode) that no earlier walk saw; it looks for
 * those sockets only, and their holders join the kept ones.  A filter
 * with a pid or comm predicate needs the owners of every row, so with one
 * every snapshot walks.
 */
#ifndef LSOCK_SOCK_TRACKER_H
#define LSOCK_SOCK_TRACKER_H

#include <stdbool.h>

#include "lsock/filter.h"
#include "lsock/ifnames.h"
#include "lsock/netns_pins.h"
#include "lsock/outbuf.h"
#include "lsock/owner.h"
#include "lsock/plan.h"
#include "lsock/protonames.h"
#include "lsock/services.h"
#include "lsock/snapshot_diff.h"
#include "lsock/users.h"

/* The caches a render context points at. */
struct mode_render {
	struct services services;
	struct user_cache users;
	struct ifname_cache ifnames;
	struct protoname_cache protonames;
	bool services_loaded;
};

/* Loads what the plan's columns need (the services database).  Returns 0
 * or -errno; r is safe to free on every path. */
int mode_render_init(struct mode_render *r, const struct query_plan *plan);
void mode_render_free(struct mode_render *r);

/* The render context for rows of t owned as m says (m may be NULL), in
 * the namespaces netns lists (may be NULL: lsock's own, unnamed). */
struct render_ctx mode_render_ctx(struct mode_render *r, const struct query_plan *plan,
				  const struct sock_table *t, const struct owner_map *m,
				  struct snapshot_netns *netns);

struct sock_tracker {
	const struct query_plan *plan;
	struct filter_prune fp;
	struct sock_table table;  /* the last snapshot, filtered */
	struct owner_map owners;  /* holders of its sockets */
	struct snapshot_netns netns; /* its namespaces (netns_idx indexes them) */
	struct netns_request netns_req; /* the plan's, without the note */
	struct netns_pins pins;   /* --all-netns: every namespace seen, held open */
	struct owner_ctx *owner_ctx; /* the owner source, loaded once per run */
	size_t *order;            /* table's indices by key (snapshot_diff_index()) */
	bool walk_warned;         /* a failed walk was said once */
};

/*
 * Takes the first snapshot, with owners when the plan shows them, and
 * says on stderr what the one-shot listing says (collect warnings, the
 * owner note).  Returns 0, or the exit status to end with (3) after saying
 * why.  t is safe to free on every path.
 */
int sock_tracker_start(struct sock_tracker *t, const struct query_plan *plan);

/* One later snapshot: what changed since the last one. */
struct sock_tracker_tick {
	struct sock_table prev;       /* the earlier snapshot (closed sockets index it) */
	struct owner_map prev_owners; /* its owners */
	struct snapshot_netns prev_netns; /* its namespaces */
	struct sock_change *changes;
	size_t nchanges;
	bool walked;                  /* /proc was walked for this snapshot */
};

/*
 * Takes the next snapshot, diffs it against the last one and moves the
 * last one into *ret (written on every path; free it with
 * sock_tracker_tick_free()).  Returns 0, or the exit status (3) after
 * saying why.
 */
int sock_tracker_update(struct sock_tracker *t, struct sock_tracker_tick *ret);

void sock_tracker_tick_free(struct sock_tracker_tick *k);

/* The tracked socket with e's key (netns, cookie), or NULL. */
const struct sock_entry *sock_tracker_find(const struct sock_tracker *t, const struct sock_entry *e);

void sock_tracker_free(struct sock_tracker *t);

/* A signalfd for SIGINT and SIGTERM, which it blocks, so that they arrive
 * only there and a loop can poll() for them with no handler or global
 * flag.  Returns the fd or -errno. */
int mode_signalfd(void);

/* What a mode that runs until a signal (--watch, --events) holds besides
 * its tracker: the signalfd it polls, the render caches, stdout's buffer. */
struct mode_io {
	int sigfd;
	struct mode_render mr;
	struct outbuf o;
};

/* Sets up *m for plan; on failure says why on stderr, leaves nothing
 * open, and returns 3 (the exit status); else 0. */
int mode_begin(struct mode_io *m, const struct query_plan *plan);

/* Frees what mode_begin() set up (stdout's buffer is not written). */
void mode_end(struct mode_io *m);

#endif
