/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lsock/array.h"
#include "lsock/sock_table.h"

/* The README quotes the bytes per socket; keep the entry from growing by
 * accident (at 100k sockets every byte is 100 kB). */
_Static_assert(sizeof(struct sock_entry) == 80, "struct sock_entry grew: update the README");
/* The family's fields share bytes: a UNIX socket's must not reach past the
 * inet addresses, nor the addresses past the union. */
_Static_assert(offsetof(struct sock_entry, path_off) + sizeof(uint32_t) <=
		       offsetof(struct sock_entry, raddr),
	       "UNIX fields overlap more than the local address");


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
	t->len = len;
}

/* Open addressing over 64-bit keys; 0 marks an empty slot (and is never a
 * kernel cookie: sock_gen_cookie() starts at 1). */
struct cookie_set {
	uint64_t *slots;
	size_t mask;
};

static uint64_t cookie_hash(uint64_t v)
{
	/* splitmix64's finalizer: cookies are sequential, spread them. */
	v ^= v >> 30;
	v *= 0xbf58476d1ce4e5b9ull;
	v ^= v >> 27;
	v *= 0x94d049bb133111ebull;
	return v ^ (v >> 31);
}

/* Adds v (not 0: an empty slot); returns true if it was there already. */
static bool cookie_set_add(struct cookie_set *s, uint64_t v)
{
	size_t i;

	for (i = cookie_hash(v) & s->mask;; i = (i + 1) & s->mask) {
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

/* Most strictly increasing runs cookies_distinct() merges. */
#define COOKIE_RUNS_MAX 8

/*
 * Whether the known cookies of entries [from, len) are all different,
 * decided without memory when they form at most COOKIE_RUNS_MAX strictly
 * increasing runs: a strictly increasing run has no repeat, and merging the
 * runs finds any repeat between them.  That is the common case, because the
 * kernel hands out cookies lazily, from a counter, the first time anyone
 * asks (sock_gen_cookie()): a dump assigns them in its own walk order, and
 * the next dump of an unchanged table walks the same order again.  (The
 * counter is per CPU in batches, so a dump that migrates starts a new run.)
 * Returns 1 (distinct), 0 (a repeat, or too many runs to tell).
 */
static int cookies_distinct(const struct sock_table *t, size_t from)
{
	size_t pos[COOKIE_RUNS_MAX], end[COOKIE_RUNS_MAX];
	size_t i, nruns = 0, k, best;
	uint64_t last = 0, prev = 0;
	bool have_last = false, have_prev = false;

	for (i = from; i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];

		if (!entry_has_cookie(e))
			continue;
		if (!have_last || e->cookie <= last) {
			if (nruns == COOKIE_RUNS_MAX)
				return 0;
			if (nruns)
				end[nruns - 1] = i;
			pos[nruns++] = i;
		}
		last = e->cookie;
		have_last = true;
	}
	if (nruns <= 1)
		return 1;
	end[nruns - 1] = t->len;
	/* Merge: the smallest head each step; a repeat meets its twin. */
	for (;;) {
		best = nruns;
		for (k = 0; k < nruns; k++) {
			while (pos[k] < end[k] && !entry_has_cookie(&t->entries[pos[k]]))
				pos[k]++;
			if (pos[k] < end[k] &&
			    (best == nruns || t->entries[pos[k]].cookie < t->entries[pos[best]].cookie))
				best = k;
		}
		if (best == nruns)
			return 1;
		if (have_prev && t->entries[pos[best]].cookie == prev)
			return 0;
		prev = t->entries[pos[best]].cookie;
		have_prev = true;
		pos[best]++;
	}
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
