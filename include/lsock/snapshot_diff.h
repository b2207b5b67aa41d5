/* SPDX-License-Identifier: MIT */
/*
 * What changed between two snapshots, for --watch and --events: sockets
 * are matched by (network namespace, socket cookie).  A cookie names one
 * socket for the kernel's lifetime (sock_gen_cookie() draws it from a
 * 64-bit per-boot counter), unlike an inode number, which the kernel
 * hands out again (get_next_ino()) and which TIME_WAIT and request
 * sockets do not have at all.
 *
 * Pure: no system calls, no output.
 */
#ifndef LSOCK_SNAPSHOT_DIFF_H
#define LSOCK_SNAPSHOT_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "lsock/snapshot_netns.h"
#include "lsock/sock_table.h"

enum sock_change_kind {
	SOCK_CHANGE_NEW,
	SOCK_CHANGE_CLOSED,
	SOCK_CHANGE_STATE,
	_SOCK_CHANGE_MAX,
};

struct sock_change {
	uint8_t kind;       /* enum sock_change_kind */
	uint8_t from_state; /* SOCK_CHANGE_STATE: the state in the earlier snapshot */
	size_t index;       /* CLOSED: into the earlier table; NEW, STATE: into the later one */
};

/*
 * The identity of a socket across snapshots.  Every comparison of two
 * sockets of different snapshots goes through snapshot_diff_key(), so that
 * the namespace part is decided in one place: the nsfs inode of the
 * entry's namespace (its netns_idx looked up in the snapshot's namespace
 * list, ns), which, unlike the per-snapshot index, is the same in every
 * snapshot; 0 when ns is NULL or does not list it (one namespace).
 *
 * Without a cookie (the /proc/net fallback does not have one) the socket
 * is named by its inode and addresses, which is the best /proc offers.
 */
struct sock_key {
	uint64_t netns;
	uint64_t cookie;  /* 0: no cookie (then the fields below decide) */
	uint32_t inode;
	uint16_t lport, rport;
	uint8_t proto, family;
	uint8_t laddr[16], raddr[16];
};

/* The key of entry e of a snapshot whose namespace list is ns (may be NULL). */
void snapshot_diff_key(const struct snapshot_netns *ns, const struct sock_entry *e,
		       struct sock_key *ret);

/* Orders two keys (<0, 0, >0). */
int snapshot_diff_key_cmp(const struct sock_key *a, const struct sock_key *b);

/*
 * The changes from prev to cur: every socket of cur whose key prev lacks
 * (NEW), every socket of prev whose key cur lacks (CLOSED), and every
 * socket of both whose state differs (STATE).  Closed sockets come first,
 * in prev's order, then the others in cur's order.  A key that a table
 * lists twice counts once (its first entry).  *ret (malloc'd, free() it;
 * NULL when there is no change) and *ret_len are written on every path.
 * Returns 0 or -ENOMEM.
 */
int snapshot_diff(const struct sock_table *prev, const struct snapshot_netns *prev_ns,
		  const struct sock_table *cur, const struct snapshot_netns *cur_ns,
		  struct sock_change **ret, size_t *ret_len);

/*
 * The entry of t with key k, or NULL.  order is the sorted index that
 * snapshot_diff_index() built for t (n entries).
 */
const struct sock_entry *snapshot_diff_find(const struct sock_table *t,
					    const struct snapshot_netns *ns, const size_t *order,
					    size_t n, const struct sock_key *k);

/* Indices of t's entries sorted by key, in *ret (malloc'd; written on every
 * path).  Returns 0 or -ENOMEM. */
int snapshot_diff_index(const struct sock_table *t, const struct snapshot_netns *ns, size_t **ret);

#endif
