/* SPDX-License-Identifier: MIT */
/* --sort: ordering the table by keys.  Addresses sort numerically. */
#ifndef LSOCK_SORT_H
#define LSOCK_SORT_H

#include <stdbool.h>
#include <stddef.h>

#include "lsock/sock_table.h"

struct owner_map;

enum sort_key_id {
	SORT_PROTO,
	SORT_LOCAL,
	SORT_REMOTE,
	SORT_LPORT,
	SORT_RPORT,
	SORT_STATE,
	SORT_PID,
	SORT_PROGRAM,
	SORT_INODE,
	SORT_QUEUE,
	_SORT_KEY_MAX,
};

#define SORT_KEYS_MAX 8

struct sort_key {
	enum sort_key_id id;
	bool reverse;
};

struct sort_spec {
	struct sort_key keys[SORT_KEYS_MAX];
	size_t len;
};

/* Parses "KEY[,KEY...]", each optionally prefixed by '-' (descending).
 * Returns 0 or -EINVAL with the bad key in err. */
int sort_spec_parse(const char *s, struct sort_spec *ret, char *err, size_t errlen);

/* Whether the spec needs owners collected (pid, program). */
bool sort_spec_needs_owners(const struct sort_spec *s);

/* Sorts t in place.  owners may be NULL (pid/program then compare equal). */
void sort_table(struct sock_table *t, const struct sort_spec *s, const struct owner_map *owners);

#endif
