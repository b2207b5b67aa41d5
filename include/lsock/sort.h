/* SPDX-License-Identifier: MIT */
/*
 * Ordering the table: the comparisons every sortable column uses (the
 * column table in output/ points at these), and the sort itself.
 * Addresses compare as numbers, family first.
 */
#ifndef LSOCK_SORT_H
#define LSOCK_SORT_H

#include <stdbool.h>
#include <stddef.h>

#include "lsock/sock_table.h"

struct owner_map;
struct user_cache;

/* What a comparison may read besides the two entries.  owners and users
 * may be NULL: owner keys then compare equal, user names as uids. */
struct sort_ctx {
	const struct sock_table *table;
	const struct owner_map *owners;
	struct user_cache *users;
};

typedef int (*sort_cmp_fn)(const struct sort_ctx *c, const struct sock_entry *a,
			   const struct sock_entry *b);

/* The comparisons: < 0, 0 or > 0 as a sorts before, with or after b. */
int sort_cmp_proto(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_family(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_type(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_state(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_recv_q(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_send_q(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_queue(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_local(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_remote(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_lport(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_rport(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_path(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_peer(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_v6only(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_interface(const struct sort_ctx *c, const struct sock_entry *a,
		       const struct sock_entry *b);
int sort_cmp_uid(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_user(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_inode(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_cookie(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_source(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_pid(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
int sort_cmp_program(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
/* By namespace, in the snapshot's order (the initial one first). */
int sort_cmp_netns(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);

/* At most this many keys in one --sort list. */
#define SORT_KEYS_MAX 32

struct sort_key {
	sort_cmp_fn cmp;
	bool reverse;
};

struct sort_spec {
	struct sort_key keys[SORT_KEYS_MAX];
	size_t len;
};

/* Sorts t in place by s (a no-op without keys); ties end on fields that make
 * the order deterministic. */
void sort_table(struct sock_table *t, const struct sort_spec *s, const struct sort_ctx *c);

#endif
