/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lsock/array.h"
#include "lsock/sock_ext.h"
#include "lsock/sock_table.h"

/* The README quotes the bytes per socket; keep the entry from growing by
 * accident (at 100k sockets every byte is 100 kB). */
_Static_assert(sizeof(struct sock_entry) == 88, "struct sock_entry grew: update the README");


void sock_table_init(struct sock_table *t)
{
	memset(t, 0, sizeof(*t));
}

void sock_table_free(struct sock_table *t)
{
	if (!t)
		return;
	free(t->entries);
	free(t->strings);
	free(t->exts);
	free(t->ext_inodes);
	sock_table_init(t);
}

int sock_table_add(struct sock_table *t, const struct sock_entry *e, const void *name, size_t name_len)
{
	struct sock_entry *ne;
	int r;

	if (name_len > SOCK_UNIX_NAME_MAX)
		return -E2BIG;
	/* path_off is 32 bits: refuse rather than wrap past 4 GiB of names. */
	if (t->strings_len + name_len > UINT32_MAX)
		return -E2BIG;
	r = array_grow((void **)&t->entries, &t->cap, t->len + 1, sizeof(*t->entries), 256);
	if (r < 0)
		return r;
	if (name_len) {
		r = array_grow((void **)&t->strings, &t->strings_cap, t->strings_len + name_len, 1, 4096);
		if (r < 0)
			return r;
	}
	ne = &t->entries[t->len++];
	*ne = *e;
	/* path_off shares its bytes with an inet socket's addresses: only a
	 * UNIX entry has one to reset. */
	if (ne->family == AF_UNIX)
		ne->path_off = 0;
	ne->path_len = 0;
	if (name_len) {
		memcpy(t->strings + t->strings_len, name, name_len);
		ne->path_off = (uint32_t)t->strings_len;
		ne->path_len = (uint16_t)name_len;
		t->strings_len += name_len;
	}
	return 0;
}

void sock_table_truncate(struct sock_table *t, size_t len)
{
	size_t i, strings_len = t->strings_len;

	if (len >= t->len)
		return;
	/* Names are appended in entry order, so the first dropped name marks
	 * where the arena ends for the kept entries. */
	for (i = len; i < t->len; i++) {
		if (t->entries[i].path_len) {
			strings_len = t->entries[i].path_off;
			break;
		}
	}
	t->strings_len = strings_len;
	/* Extension records too, and with them their inodes. */
	for (i = len; i < t->len; i++) {
		if (t->entries[i].ext_idx && t->entries[i].ext_idx <= t->exts_len) {
			size_t k, old = t->exts_len;

			t->exts_len = t->entries[i].ext_idx - 1;
			for (k = t->exts_len; k < old; k++) {
				if (t->exts[k].icons_n) {
					t->ext_inodes_len = t->exts[k].icons_off;
					break;
				}
			}
			break;
		}
	}
	t->len = len;
}

/* Open addressing over 64-bit keys; 0 marks an empty slot (and is never a
 * kernel cookie: sock_gen_cookie() starts at 1). */
struct cookie_set {
	uint64_t *slots;
	size_t mask;
};


/* Adds v (not 0: an empty slot); returns true if it was there already. */
static bool cookie_set_add(struct cookie_set *s, uint64_t v)
{
	size_t i;

	for (i = sock_cookie_hash(v) & s->mask;; i = (i + 1) & s->mask) {
		if (s->slots[i] == v)
			return true;
		if (s->slots[i] == 0) {
			s->slots[i] = v;
			return false;
		}
	}
}

/* A cookie dedupe looks at: a known one (the kernel never hands out 0). */
static bool entry_has_cookie(const struct sock_entry *e)
{
	return (e->flags & SOCK_F_COOKIE_KNOWN) && e->cookie;
}

/* Most strictly increasing runs cookies_distinct() looks at. */
#define COOKIE_RUNS_MAX 64

/* One strictly increasing run of known cookies: entries [begin, end). */
struct cookie_run {
	size_t begin, end;
	uint64_t first, last;
};

static int cmp_run_first(const void *a, const void *b)
{
	const struct cookie_run *x = a, *y = b;

	return (x->first > y->first) - (x->first < y->first);
}

/* The cookie at run k's merge position, or UINT64_MAX when it is done
 * (never a cookie: the counter would take centuries to reach it). */
static uint64_t run_head(const struct sock_table *t, const struct cookie_run *r, size_t *pos)
{
	while (*pos < r->end && !entry_has_cookie(&t->entries[*pos]))
		(*pos)++;
	return *pos < r->end ? t->entries[*pos].cookie : UINT64_MAX;
}

/* Restores the min-heap of run indices h[0..n) keyed by key[] from i down. */
static void heap_down(size_t *h, size_t n, const uint64_t *key, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, tmp;

		if (l < n && key[h[l]] < key[h[m]])
			m = l;
		if (l + 1 < n && key[h[l + 1]] < key[h[m]])
			m = l + 1;
		if (m == i)
			return;
		tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

/* Whether runs[0..n) (at most COOKIE_RUNS_MAX) share no cookie: a merge
 * through a heap of the runs' heads; a repeat meets its twin. */
static bool runs_distinct(const struct sock_table *t, const struct cookie_run *runs, size_t n)
{
	size_t pos[COOKIE_RUNS_MAX], heap[COOKIE_RUNS_MAX], hn = 0, k;
	uint64_t key[COOKIE_RUNS_MAX], prev = UINT64_MAX;

	for (k = 0; k < n; k++) {
		pos[k] = runs[k].begin;
		key[k] = run_head(t, &runs[k], &pos[k]);
		if (key[k] != UINT64_MAX)
			heap[hn++] = k;
	}
	for (k = hn / 2; k-- > 0;)
		heap_down(heap, hn, key, k);
	while (hn) {
		size_t r = heap[0];

		if (key[r] == prev)
			return false;
		prev = key[r];
		pos[r]++;
		key[r] = run_head(t, &runs[r], &pos[r]);
		if (key[r] == UINT64_MAX)
			heap[0] = heap[--hn];
		heap_down(heap, hn, key, 0);
	}
	return true;
}

/*
 * Whether the known cookies of entries [from, len) are all different,
 * decided without a set when they form at most COOKIE_RUNS_MAX strictly
 * increasing runs: a strictly increasing run has no repeat, two runs whose
 * ranges [first, last] do not overlap share none, and the runs whose
 * ranges do overlap are merged to look.
 * That is the common case, because the kernel hands out cookies lazily,
 * from a counter, the first time anyone asks (sock_gen_cookie()): a dump
 * assigns them in its own walk order, and the next dump of an unchanged
 * table walks the same order again.  The counter hands each CPU batches of
 * them, so a dump that migrated between CPUs while assigning them made a
 * few runs of disjoint ranges; one dump of two families, put in family
 * order, makes two runs per range.  Returns 1 (distinct), 0 (a repeat, or too
 * many runs to tell).
 */
static int cookies_distinct(const struct sock_table *t, size_t from)
{
	struct cookie_run runs[COOKIE_RUNS_MAX];
	size_t i, nruns = 0, g;
	uint64_t group_last;

	for (i = from; i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];

		if (!entry_has_cookie(e))
			continue;
		if (nruns == 0 || e->cookie <= runs[nruns - 1].last) {
			if (nruns == COOKIE_RUNS_MAX)
				return 0;
			if (nruns)
				runs[nruns - 1].end = i;
			runs[nruns].begin = i;
			runs[nruns].first = e->cookie;
			nruns++;
		}
		runs[nruns - 1].last = e->cookie;
	}
	if (nruns <= 1)
		return 1;
	runs[nruns - 1].end = t->len;
	qsort(runs, nruns, sizeof(*runs), cmp_run_first);
	/* Groups of runs whose ranges overlap, one after the other. */
	for (g = 0; g < nruns; g = i) {
		group_last = runs[g].last;
		for (i = g + 1; i < nruns && runs[i].first <= group_last; i++)
			if (runs[i].last > group_last)
				group_last = runs[i].last;
		if (i - g == 1)
			continue;
		if (!runs_distinct(t, runs + g, i - g))
			return 0;
	}
	return 1;
}

int sock_table_dedupe_cookie(struct sock_table *t, size_t from, size_t *ret_removed)
{
	struct cookie_set set = { 0 };
	size_t i, j, cap = 16;

	*ret_removed = 0;
	if (from >= t->len || t->len - from < 2)
		return 0;
	/* Nothing to drop, most of the time: found without a 16 B/socket set
	 * (2 MB and ~7 ms at 100k sockets). */
	if (cookies_distinct(t, from))
		return 0;
	/* At most half full, so probes stay short and always end. */
	while (cap < 2 * (t->len - from)) {
		if (cap > SIZE_MAX / 2 / sizeof(*set.slots))
			return -ENOMEM;
		cap *= 2;
	}
	set.slots = calloc(cap, sizeof(*set.slots));
	if (!set.slots)
		return -ENOMEM;
	set.mask = cap - 1;
	/* Names stay where they are in the arena, as in sock_table_filter(). */
	for (i = j = from; i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];

		/* The kernel never hands out cookie 0 (sock_gen_cookie() starts at
		 * 1): a 0 is no cookie, and two of them are not one socket. */
		if (entry_has_cookie(e) && cookie_set_add(&set, e->cookie))
			continue;
		if (i != j)
			t->entries[j] = *e;
		j++;
	}
	free(set.slots);
	*ret_removed = t->len - j;
	t->len = j;
	return 0;
}

void sock_table_filter(struct sock_table *t, bool (*keep)(const struct sock_entry *e, void *data), void *data)
{
	size_t i, j = 0;

	/* Names stay where they are in the arena; only entries move. */
	for (i = 0; i < t->len; i++) {
		if (!keep(&t->entries[i], data))
			continue;
		if (i != j)
			t->entries[j] = t->entries[i];
		j++;
	}
	t->len = j;
}

size_t sock_table_display_name(const struct sock_table *t, const struct sock_entry *e,
			       uint8_t buf[SOCK_DISPLAY_NAME_MAX])
{
	const uint8_t *name = sock_table_name(t, e);
	size_t len = e->path_len;

	if (e->family != AF_UNIX || len == 0)
		return 0;
	if (e->flags & SOCK_F_ABSTRACT) {
		/* unix_seq_show() and ss print the leading NUL as '@'. */
		buf[0] = '@';
		memcpy(buf + 1, name + 1, len - 1);
		return len;
	}
	memcpy(buf, name, len);
	return len;
}
