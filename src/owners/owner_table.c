/* SPDX-License-Identifier: MIT */
/*
 * The owner walk for a socket table: record only the inodes the table
 * holds, and skip the walk when none of them can have an owner.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/owner.h"

struct inode_set {
	uint32_t *v;
	size_t len;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static bool inode_wanted(uint32_t inode, void *data)
{
	const struct inode_set *s = data;

	return bsearch(&inode, s->v, s->len, sizeof(*s->v), cmp_u32) != NULL;
}

int owner_map_build_for(const char *proc_root, const struct sock_table *t, struct owner_map *ret,
			bool *ret_walked)
{
	struct inode_set want = { 0 };
	size_t i;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	*ret_walked = false;
	want.v = malloc((t->len ? t->len : 1) * sizeof(*want.v));
	if (!want.v)
		return -ENOMEM;
	for (i = 0; i < t->len; i++)
		if (t->entries[i].inode)
			want.v[want.len++] = t->entries[i].inode;
	/* Nothing listed can have an owner (no rows, or only TIME_WAIT):
	 * skip the /proc walk, which ss pays even when nothing matches. */
	if (want.len) {
		qsort(want.v, want.len, sizeof(*want.v), cmp_u32);
		r = owner_map_build(proc_root, inode_wanted, &want, ret);
		*ret_walked = r == 0;
	}
	free(want.v);
	return r;
}
