/* SPDX-License-Identifier: MIT */
/*
 * Rows' holders by one sort and one merge; see lsock/owner_spans.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/owner_spans.h"

/*
 * Sorts keys (inode << 32 | slot) by inode: two stable counting passes of
 * 16 bits over the low then the high half of the inode.  Linear, and
 * sequential but for the scatter, where qsort's ~20 compares per key would
 * cost what the lookups it replaces did.
 */
static int radix_sort(uint64_t *keys, size_t n)
{
	uint64_t *tmp = malloc(n * sizeof(*tmp));
	size_t *count = malloc(65537 * sizeof(*count));
	unsigned pass;

	if (!tmp || !count) {
		free(tmp);
		free(count);
		return -ENOMEM;
	}
	for (pass = 0; pass < 2; pass++) {
		unsigned shift = 32 + 16 * pass;
		uint64_t *src = pass ? tmp : keys, *dst = pass ? keys : tmp;
		size_t i;

		memset(count, 0, 65537 * sizeof(*count));
		for (i = 0; i < n; i++)
			count[((src[i] >> shift) & 0xffff) + 1]++;
		for (i = 1; i <= 65536; i++)
			count[i] += count[i - 1];
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
	}
	free(tmp);
	free(count);
	return 0;
}

int owner_map_spans(const struct owner_map *m, const struct sock_table *t,
		    struct owner_span **ret_spans)
{
	struct owner_span *spans;
	uint64_t *keys;
	size_t i, n = 0, o = 0;
	int r;

	*ret_spans = NULL;
	if (!t->len)
		return 0;
	if (t->len > UINT32_MAX / 2 || m->len > INT32_MAX)
		return -ENOMEM;
	spans = calloc(2 * t->len, sizeof(*spans));
	keys = malloc(2 * t->len * sizeof(*keys));
	if (!spans || !keys) {
		free(spans);
		free(keys);
		return -ENOMEM;
	}
	for (i = 0; i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];

		if (e->inode)
			keys[n++] = (uint64_t)e->inode << 32 | (uint32_t)(2 * i);
		if (e->peer_inode)
			keys[n++] = (uint64_t)e->peer_inode << 32 | (uint32_t)(2 * i + 1);
	}
	r = radix_sort(keys, n);
	if (r < 0) {
		free(spans);
		free(keys);
		return r;
	}
	for (i = 0; i < n; i++) {
		uint32_t inode = (uint32_t)(keys[i] >> 32), end;

		while (o < m->len && m->owners[o].inode < inode)
			o++;
		for (end = (uint32_t)o; end < m->len && m->owners[end].inode == inode; end++)
			;
		/* Owners are sorted by (inode, proc, fd): one process iff the
		 * first and last holder are in the same. */
		if (end > o)
			spans[(uint32_t)keys[i]] = (struct owner_span){
				.lo = (uint32_t)o,
				.n = (end - (uint32_t)o) & INT32_MAX,
				.one_proc = m->owners[o].proc == m->owners[end - 1].proc,
				.proc = m->owners[o].proc,
			};
	}
	free(keys);
	*ret_spans = spans;
	return 0;
}
