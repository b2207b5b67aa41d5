/* SPDX-License-Identifier: MIT */
/*
 * Sets of socket inodes: sorting them, and asking "is this one in?" a
 * million times.  Socket inodes come from get_next_ino(), one counter for
 * every pseudo-filesystem inode, handed out in per-CPU batches: a host's
 * sockets fill a range densely, so a bitmap over that range is usually a
 * few hundred KB, where a sorted array costs ~20 dependent probes per
 * question and a hash set a cache miss.
 */
#ifndef LSOCK_U32SET_H
#define LSOCK_U32SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Sorts v[0..n) ascending and drops repeats; returns the new length.  A
 * radix sort (three 11-bit passes, skipping those where every key has the
 * same digit), or qsort for small arrays and when its buffer cannot be
 * allocated: it never fails.
 */
size_t u32_sort_unique(uint32_t *v, size_t n);

/* Whether sorted v[0..n) holds x (bisection). */
bool u32_sorted_has(const uint32_t *v, size_t n, uint32_t x);

/*
 * A membership set built once from values: a bitmap over [lo, hi] when that
 * span is at most U32SET_SPAN_PER_VALUE bits per value, otherwise the values
 * sorted.  Either answers the same; u32set_has() is O(1) or a bisection.
 */
#define U32SET_SPAN_PER_VALUE 64

struct u32set {
	uint64_t *bits;   /* bitmap of [lo, hi], or NULL */
	const uint32_t *sorted; /* sorted unique values, when no bitmap */
	uint32_t *owned;  /* sorted, when it is ours to free */
	size_t nsorted;
	uint32_t lo, hi;
	bool empty;
};

/*
 * Builds *ret from v[0..n) (any order, repeats allowed, 0 included like any
 * value).  v is not kept.  Returns 0 or -ENOMEM; *ret is always written
 * (an empty set on failure) and is freed with u32set_free().
 */
int u32set_build(const uint32_t *v, size_t n, struct u32set *ret);

/* The same from a sorted unique array, which is then borrowed, not copied,
 * when the set keeps the sorted form: v must outlive *ret. */
int u32set_build_sorted(const uint32_t *v, size_t n, struct u32set *ret);

bool u32set_has(const struct u32set *s, uint32_t x);

/* Whether some of want[0..nwant) is not in have[0..nhave) (both in any
 * order, repeats allowed): 1, 0, or -ENOMEM. */
int u32_any_missing(const uint32_t *have, size_t nhave, const uint32_t *want, size_t nwant);

void u32set_free(struct u32set *s);

#endif
