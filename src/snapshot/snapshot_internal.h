/* SPDX-License-Identifier: MIT */
/* Between snapshot.c, snapshot_netns.c (which never calls back) and
 * snapshot_recover.c, which both call. */
#ifndef LSOCK_SNAPSHOT_INTERNAL_H
#define LSOCK_SNAPSHOT_INTERNAL_H

#include "lsock/snapshot.h"

/* snapshot_take() for --all-netns and --netns (req->netns selects ALL or
 * ONE): *ret is zeroed by the caller.  Returns as snapshot_take(); a
 * namespace --netns could not enter is -errno with ret->netns.enter_error. */
int snapshot_netns_take(const struct snapshot_request *req, struct snapshot *ret);

/* After a snapshot of lsock's own namespace: names it (req->netns->label)
 * and counts the listeners of the other namespaces (req->netns->note).
 * Returns 0 or -ENOMEM; nothing else is fatal. */
int snapshot_netns_current(const struct snapshot_request *req, struct snapshot *ret);

/*
 * Whether the UNIX dump that rep reports may have missed a socket: it came
 * from sock_diag (which can fetch one socket by inode) and one of its
 * passes was resumed (a dump that fit one datagram was one consistent walk).
 */
bool snapshot_unix_needs_check(const struct collect_report *rep);

/*
 * The held sockets that no dump listed (unknown[0..n), sorted, recorded in
 * s->owners with their holders; reordered and shrunk here), looked for in
 * the calling thread's network namespace, whose UNIX table had nunix rows:
 * those that are UNIX sockets held by a process of that namespace are
 * fetched by inode, pruned like the rest and appended to s->table with
 * netns_idx.  s->churn adds up what was found and what could not be
 * checked; a lookup that fails leaves those sockets unverified and the
 * snapshot stands.  Returns 0 or -ENOMEM.
 */
int snapshot_recover_unix(const struct snapshot_request *req, struct snapshot *s,
			  uint32_t *unknown, size_t n, size_t nunix, uint16_t netns_idx);

#endif
