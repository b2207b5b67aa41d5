/* SPDX-License-Identifier: MIT */
/* Sorting and membership for inode sets; see lsock/u32set.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/u32set.h"

/* Below this, qsort's compares cost less than the radix passes' counts. */
#define RADIX_MIN 2048
#define RADIX_BITS 11
#define RADIX_BUCKETS (1u << RADIX_BITS)

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* LSD radix sort of v[0..n): stable counting passes over 11-bit digits. */
static bool radix_sort(uint32_t *v, size_t n)
{
	uint32_t *tmp = malloc(n * sizeof(*tmp)), *src = v, *dst = tmp;
	size_t count[RADIX_BUCKETS];
	unsigned shift;

	if (!tmp)
		return false;
	for (shift = 0; shift < 32; shift += RADIX_BITS) {
		size_t i, sum = 0;
		uint32_t *swap;

		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(src[i] >> shift) & (RADIX_BUCKETS - 1)]++;
		/* One digit for every key (the high bits of dense inodes):
		 * this pass would copy the array unchanged. */
		if (count[(src[0] >> shift) & (RADIX_BUCKETS - 1)] == n)
			continue;
		for (i = 0; i < RADIX_BUCKETS; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & (RADIX_BUCKETS - 1)]++] = src[i];
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	return true;
}

size_t u32_sort_unique(uint32_t *v, size_t n)
{
	size_t i, j;

	if (n < 2)
		return n;
	if (n < RADIX_MIN || !radix_sort(v, n))
		qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 1, j = 0; i < n; i++)
		if (v[i] != v[j])
			v[++j] = v[i];
	return j + 1;
}

bool u32_sorted_has(const uint32_t *v, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x;
}

/* The bitmap over [lo, hi] when it is small enough for n values. */
static int build_bits(const uint32_t *v, size_t n, uint32_t lo, uint32_t hi, struct u32set *s)
{
	uint64_t span = (uint64_t)hi - lo + 1;
	size_t i;

	if (span > (uint64_t)n * U32SET_SPAN_PER_VALUE)
		return 1;
	s->bits = calloc((size_t)((span + 63) / 64), sizeof(*s->bits));
	if (!s->bits)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		s->bits[(v[i] - lo) / 64] |= UINT64_C(1) << ((v[i] - lo) % 64);
	s->lo = lo;
	s->hi = hi;
	return 0;
}

int u32set_build(const uint32_t *v, size_t n, struct u32set *ret)
{
	uint32_t lo = UINT32_MAX, hi = 0;
	size_t i;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->empty = true;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	r = build_bits(v, n, lo, hi, ret);
	if (r < 0)
		return r;
	if (r > 0) {
		ret->owned = malloc(n * sizeof(*ret->owned));
		if (!ret->owned)
			return -ENOMEM;
		memcpy(ret->owned, v, n * sizeof(*v));
		ret->nsorted = u32_sort_unique(ret->owned, n);
		ret->sorted = ret->owned;
	}
	ret->empty = false;
	return 0;
}

int u32set_build_sorted(const uint32_t *v, size_t n, struct u32set *ret)
{
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->empty = true;
	if (n == 0)
		return 0;
	r = build_bits(v, n, v[0], v[n - 1], ret);
	if (r < 0)
		return r;
	if (r > 0) {
		ret->sorted = v;
		ret->nsorted = n;
	}
	ret->empty = false;
	return 0;
}

bool u32set_has(const struct u32set *s, uint32_t x)
{
	if (s->empty)
		return false;
	if (!s->bits)
		return u32_sorted_has(s->sorted, s->nsorted, x);
	if (x < s->lo || x > s->hi)
		return false;
	return (s->bits[(x - s->lo) / 64] >> ((x - s->lo) % 64)) & 1;
}

int u32_any_missing(const uint32_t *have, size_t nhave, const uint32_t *want, size_t nwant)
{
	struct u32set s;
	size_t i;
	int r = u32set_build(have, nhave, &s);

	for (i = 0; r == 0 && i < nwant; i++)
		if (!u32set_has(&s, want[i]))
			r = 1;
	u32set_free(&s);
	return r;
}

void u32set_free(struct u32set *s)
{
	if (!s)
		return;
	free(s->bits);
	free(s->owned);
	memset(s, 0, sizeof(*s));
	s->empty = true;
}
