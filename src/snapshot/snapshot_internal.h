/* SPDX-License-Identifier: MIT */
/* Between snapshot.c and snapshot_netns.c (which never calls back). */
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

#endif
