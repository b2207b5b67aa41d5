/* SPDX-License-Identifier: MIT */
/* Inode sets: the radix sort against qsort, and both set forms against a
 * plain search, over dense, sparse, repeated and edge values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lsock/u32set.h"

static int cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* A deterministic generator (xorshift32): no time, no libc rand state. */
static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Reference: qsort and a loop for the repeats. */
static size_t ref_sort_unique(uint32_t *v, size_t n)
{
	size_t i, j = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp);
	for (i = 1; i < n; i++)
		if (v[i] != v[j])
			v[++j] = v[i];
	return j + 1;
}

/* n values: dense from base (spread = 1), or spread over `spread` times as
 * many, with every 7th a repeat of an earlier one. */
static uint32_t *make(size_t n, uint32_t base, uint32_t spread, uint32_t seed)
{
	uint32_t *v = malloc((n ? n : 1) * sizeof(*v));
	size_t i;

	assert_non_null(v);
	for (i = 0; i < n; i++) {
		if (i % 7 == 6)
			v[i] = v[next(&seed) % i];
		else
			v[i] = base + (uint32_t)((uint64_t)next(&seed) % ((uint64_t)n * spread));
	}
	return v;
}

static void check_sort(size_t n, uint32_t base, uint32_t spread)
{
	uint32_t *a = make(n, base, spread, 0x9e3779b9u), *b = make(n, base, spread, 0x9e3779b9u);
	size_t na = u32_sort_unique(a, n), nb = ref_sort_unique(b, n);

	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof(*a));
	free(a);
	free(b);
}

static void test_sort_unique(void **state)
{
	(void)state;
	check_sort(0, 0, 1);
	check_sort(1, 5, 1);
	check_sort(100, 1000, 1);            /* qsort's range */
	check_sort(300000, 200000000u, 1);   /* radix, dense: high passes skipped */
	check_sort(300000, 0, 14000);        /* radix, every digit in play */
	check_sort(5000, UINT32_MAX - 10000, 2); /* near the top */
}

static void test_sort_extremes(void **state)
{
	uint32_t v[4096];
	size_t i, n;

	(void)state;
	for (i = 0; i < 4096; i++)
		v[i] = (i % 2) ? UINT32_MAX : 0;
	n = u32_sort_unique(v, 4096);
	assert_int_equal(n, 2);
	assert_int_equal(v[0], 0);
	assert_int_equal(v[1], UINT32_MAX);
}

/* Every value in, and values around them and outside out, for one form. */
static void check_set(const uint32_t *v, size_t n, bool want_bits)
{
	uint32_t *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	struct u32set s, t;
	size_t i, ns;
	uint32_t seed = 12345;

	assert_non_null(sorted);
	if (n)
		memcpy(sorted, v, n * sizeof(*v));
	ns = ref_sort_unique(sorted, n);
	assert_int_equal(u32set_build(v, n, &s), 0);
	assert_int_equal(u32set_build_sorted(sorted, ns, &t), 0);
	if (n) {
		assert_int_equal(s.bits != NULL, want_bits);
		assert_int_equal(t.bits != NULL, want_bits);
	}
	for (i = 0; i < n; i++) {
		assert_true(u32set_has(&s, v[i]));
		assert_true(u32set_has(&t, v[i]));
	}
	for (i = 0; i < 20000; i++) {
		uint32_t x = i < 10000 && n ? v[i % n] + 1 : next(&seed);
		bool in = bsearch(&x, sorted, ns, sizeof(*sorted), cmp) != NULL;

		assert_int_equal(u32set_has(&s, x), in);
		assert_int_equal(u32set_has(&t, x), in);
		assert_int_equal(u32_sorted_has(sorted, ns, x), in);
	}
	u32set_free(&s);
	u32set_free(&t);
	free(sorted);
}

static void test_set_forms(void **state)
{
	uint32_t *dense = make(50000, 100000000u, 2, 7), *sparse = make(50000, 0, 100000, 8);
	uint32_t edge[] = { 0, UINT32_MAX, 1, UINT32_MAX - 1 };
	uint32_t top[] = { UINT32_MAX - 3, UINT32_MAX, UINT32_MAX - 63, UINT32_MAX - 64 };

	(void)state;
	check_set(dense, 50000, true);
	check_set(sparse, 50000, false);
	check_set(edge, 4, false);
	check_set(top, 4, true); /* a bitmap that ends at UINT32_MAX */
	check_set(NULL, 0, false);
	free(dense);
	free(sparse);
}

static void test_empty_set(void **state)
{
	struct u32set s;

	(void)state;
	assert_int_equal(u32set_build(NULL, 0, &s), 0);
	assert_false(u32set_has(&s, 0));
	assert_false(u32set_has(&s, 42));
	u32set_free(&s);
	assert_false(u32set_has(&s, 42));
	assert_false(u32_sorted_has(NULL, 0, 1));
}

/* The UNIX peer check's question: every wanted value among the had ones,
 * over both set forms, with repeats, and nothing wanted or nothing had. */
static void test_any_missing(void **state)
{
	uint32_t *dense = make(5000, 1000000u, 2, 3), *sparse = make(5000, 0, 100000, 4);
	uint32_t want[3];

	(void)state;
	want[0] = dense[17];
	want[1] = dense[4999];
	want[2] = dense[17];
	assert_int_equal(u32_any_missing(dense, 5000, want, 3), 0);
	assert_int_equal(u32_any_missing(dense, 5000, NULL, 0), 0);
	want[0] = sparse[9];
	assert_int_equal(u32_any_missing(sparse, 5000, want, 1), 0);
	/* The next value up that sparse lacks (a linear search: any order). */
	for (want[1] = sparse[9] + 1;; want[1]++) {
		size_t i;

		for (i = 0; i < 5000 && sparse[i] != want[1]; i++)
			;
		if (i == 5000)
			break;
	}
	assert_int_equal(u32_any_missing(sparse, 5000, want, 2), 1);
	want[0] = 999999u; /* below the dense range */
	assert_int_equal(u32_any_missing(dense, 5000, want, 1), 1);
	assert_int_equal(u32_any_missing(NULL, 0, want, 1), 1);
	free(dense);
	free(sparse);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_unique),
		cmocka_unit_test(test_sort_extremes),
		cmocka_unit_test(test_set_forms),
		cmocka_unit_test(test_empty_set),
		cmocka_unit_test(test_any_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
