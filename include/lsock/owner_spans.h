/* SPDX-License-Identifier: MIT */
/*
 * Every row's holders resolved at once: the table's inodes sorted and merged
 * with the sorted owner map in one pass, so rendering reads a row's range
 * instead of searching a map of megabytes per cell (twice per cell in text:
 * the width pass and the render).
 */
#ifndef LSOCK_OWNER_SPANS_H
#define LSOCK_OWNER_SPANS_H

#include <stdint.h>

#include "lsock/owner.h"
#include "lsock/sock_table.h"

/* The holders of one inode: m->owners[lo .. lo + n), all in process
 * m->procs[proc] when one_proc (so cells that show processes, not fds,
 * need not read the owners: a cache miss per cell, the rows being in dump
 * order and the owners in inode order). */
struct owner_span {
	uint32_t lo;
	uint32_t n : 31;
	uint32_t one_proc : 1;
	uint32_t proc;
};

/*
 * *ret_spans: 2 * t->len spans, [2i] the holders of t->entries[i].inode and
 * [2i + 1] those of its peer_inode, each what owner_map_find() answers
 * (n = 0 for inode 0 or none).  Valid while neither the table's order nor
 * the map changes.  Returns 0 or -ENOMEM; *ret_spans is NULL on failure and
 * for an empty table.  free() it.
 */
int owner_map_spans(const struct owner_map *m, const struct sock_table *t,
		    struct owner_span **ret_spans);

#endif
