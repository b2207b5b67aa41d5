/* SPDX-License-Identifier: MIT */
/* The streaming collector's row sink; see collect_stream.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "collect_stream.h"
#include "lsock/array.h"
#include "lsock/u32set.h"

/*
 * A cookie comes from a 64-bit counter that starts at 1 (sock_gen_cookie());
 * its top byte would take centuries of sockets to reach, so the set keeps
 * the pass there.  A cookie that had one anyway is not deduplicated.
 */
#define PASS_SHIFT 56
#define COOKIE_MASK ((UINT64_C(1) << PASS_SHIFT) - 1)


static uint64_t *cookie_slot(uint64_t *slots, size_t cap, uint64_t cookie)
{
	size_t i;

	for (i = sock_cookie_hash(cookie) & (cap - 1);; i = (i + 1) & (cap - 1))
		if (slots[i] == 0 || (slots[i] & COOKIE_MASK) == cookie)
			return &slots[i];
}

/* At most 7/8 full, 8 bytes a slot: 9 to 18 bytes a socket as the set
 * doubles (at 100k TCP sockets, 1 MB where 3/4 took 2 MB), and probes stay
 * short, since the hash spreads the counter's sequential values evenly. */
static int cookies_grow(struct stream_sink *k)
{
	size_t cap = k->cookies_cap ? 2 * k->cookies_cap : 1024, i;
	uint64_t *v;

	if (k->cookies_cap > SIZE_MAX / 2 / sizeof(*v))
		return -ENOMEM;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < k->cookies_cap; i++)
		if (k->cookies[i])
			*cookie_slot(v, cap, k->cookies[i] & COOKIE_MASK) = k->cookies[i];
	free(k->cookies);
	k->cookies = v;
	k->cookies_cap = cap;
	return 0;
}

/* Records e's cookie; returns 1 if the slot had it already (the row is
 * dropped: a repeat within this pass, or a socket an earlier pass had, as
 * sock_table_dedupe_cookie() drops them), 0 if not, or -ENOMEM. */
static int cookie_seen(struct stream_sink *k, const struct sock_entry *e)
{
	uint64_t tagged = e->cookie | (uint64_t)k->pass << PASS_SHIFT, *p;
	int r;

	/* The kernel never hands out 0: no cookie, and two are not one socket. */
	if (!(e->flags & SOCK_F_COOKIE_KNOWN) || !e->cookie || e->cookie > COOKIE_MASK)
		return 0;
	if (8 * (k->cookies_len + 1) > 7 * k->cookies_cap) {
		r = cookies_grow(k);
		if (r < 0)
			return r;
	}
	p = cookie_slot(k->cookies, k->cookies_cap, e->cookie);
	if (*p == 0) {
		*p = tagged;
		k->cookies_len++;
		return 0;
	}
	if (*p >> PASS_SHIFT == k->pass)
		k->repeats++;
	/* Seen by this pass now: a second copy in it is a repeat. */
	*p = tagged;
	return 1;
}

static int track(struct stream_sink *k, const struct sock_entry *e)
{
	int r;

	if (e->inode) {
		r = array_grow((void **)&k->inodes, &k->inodes_cap, k->ninodes + 1,
			       sizeof(*k->inodes), 256);
		if (r < 0)
			return r;
		k->inodes[k->ninodes++] = e->inode;
	}
	if (!(e->flags & SOCK_F_PEER_KNOWN) || e->peer_inode == 0)
		return 0;
	r = array_grow((void **)&k->peers, &k->peers_cap, k->npeers + 1, sizeof(*k->peers), 256);
	if (r < 0)
		return r;
	k->peers[k->npeers++] = e->peer_inode;
	return 0;
}

/* Where a new row of the slot goes: after the rows before it, or, for the
 * IPv6 row of a both-family dump, after the slot's IPv4 rows. */
static int place(struct stream_sink *k, const struct sock_entry *e, const void *name,
		 size_t name_len)
{
	int r;

	if (k->hold6 && e->family == AF_INET6)
		return sock_table_add(&k->held6, e, name, name_len);
	r = sock_table_add(&k->batch, e, name, name_len);
	if (r == 0 && k->batch.len >= k->st->batch_rows)
		r = stream_flush(k);
	return r;
}

static int sink_add(struct diag_rows *rows, const struct sock_entry *e, const void *name,
		    size_t name_len)
{
	struct stream_sink *k = (struct stream_sink *)rows;
	int r;

	/* The whole pass counts for its peer check, as in the table. */
	if (k->track_peers) {
		r = track(k, e);
		if (r < 0)
			return r;
	}
	r = cookie_seen(k, e);
	if (r != 0)
		return r < 0 ? r : 0;
	if (k->defer)
		return sock_table_add(&k->pending, e, name, name_len);
	return place(k, e, name, name_len);
}

/* An interrupted dump is run again: what it sent is kept (and the second
 * run's copies are merged away), as a pass of its own. */
static void sink_restart(struct diag_rows *rows)
{
	struct stream_sink *k = (struct stream_sink *)rows;

	stream_pass_begin(k, k->track_peers, k->defer);
}

static void show_ahead(struct stream_sink *k);

void stream_sink_init(struct stream_sink *k, const struct collect_stream *st)
{
	memset(k, 0, sizeof(*k));
	k->rows.add = sink_add;
	k->rows.restart = sink_restart;
	k->st = st;
}

void stream_sink_free(struct stream_sink *k)
{
	sock_table_free(&k->batch);
	sock_table_free(&k->held6);
	sock_table_free(&k->pending);
	free(k->cookies);
	free(k->inodes);
	free(k->peers);
	memset(k, 0, sizeof(*k));
}

/* Past this many slots (512 KiB), a set is freed rather than cleared for
 * the next slot: a big one (after 100k TCP sockets) would cost a clear of
 * megabytes for the few UDP sockets that follow. */
#define COOKIES_KEEP_MAX (64u * 1024u)

void stream_slot_begin(struct stream_sink *k, bool hold6)
{
	if (k->cookies_cap > COOKIES_KEEP_MAX) {
		free(k->cookies);
		k->cookies = NULL;
		k->cookies_cap = 0;
	} else if (k->cookies_len) {
		memset(k->cookies, 0, k->cookies_cap * sizeof(*k->cookies));
	}
	k->cookies_len = 0;
	k->pass = 0;
	k->defer = false;
	sock_table_truncate(&k->pending, 0);
	k->hold6 = hold6;
	sock_table_truncate(&k->held6, 0);
	k->held6_shown = 0;
	k->slot_mark = k->batch.len;
	k->slot_flushed = false;
}

void stream_pass_begin(struct stream_sink *k, bool track_peers, bool defer)
{
	/* 255 passes in a slot: the restarts of COLLECT_MAX_PASSES dumps are
	 * far fewer. */
	if (k->pass < UINT8_MAX)
		k->pass++;
	k->repeats = 0;
	k->track_peers = track_peers;
	/* A restart of a deferred pass keeps what it held (the cookies say
	 * they were sent): the pass ends once, with its last run. */
	k->defer = defer;
	k->ninodes = 0;
	k->npeers = 0;
}

int stream_pass_end(struct stream_sink *k, bool ok)
{
	size_t i;
	int r = 0;

	/* The cookies of dropped rows stay in the set: no pass follows a
	 * failed one in the slot (collect.c). */
	for (i = 0; ok && i < k->pending.len && r == 0; i++) {
		const struct sock_entry *e = &k->pending.entries[i];

		r = place(k, e, sock_table_name(&k->pending, e), e->path_len);
	}
	sock_table_truncate(&k->pending, 0);
	k->defer = false;
	return r;
}

int stream_peer_missing(struct stream_sink *k)
{
	return u32_any_missing(k->inodes, k->ninodes, k->peers, k->npeers);
}

int stream_slot_end(struct stream_sink *k)
{
	size_t i;
	int r = 0;

	/* All of them first: a prune during the move would shift them. */
	show_ahead(k);
	for (i = 0; i < k->held6.len && r == 0; i++) {
		r = sock_table_add(&k->batch, &k->held6.entries[i], NULL, 0);
		if (r == 0 && k->batch.len >= k->st->batch_rows)
			r = stream_flush(k);
	}
	sock_table_truncate(&k->held6, 0);
	k->held6_shown = 0;
	k->hold6 = false;
	if (r < 0)
		k->fatal = true;
	return r;
}

bool stream_slot_undo(struct stream_sink *k)
{
	if (k->slot_flushed) {
		k->fatal = true;
		return false;
	}
	sock_table_truncate(&k->batch, k->slot_mark);
	sock_table_truncate(&k->held6, 0);
	sock_table_truncate(&k->pending, 0);
	k->defer = false;
	k->held6_shown = 0;
	k->hold6 = false;
	return true;
}

/* Shows st->ahead() the held rows it has not seen (see collect.h); the
 * rows it drops go from the held ones. */
static void show_ahead(struct stream_sink *k)
{
	struct sock_table view;
	size_t i;

	if (!k->st->ahead || k->held6.len == k->held6_shown)
		return;
	view = k->held6;
	view.entries += k->held6_shown;
	view.len -= k->held6_shown;
	view.cap = view.len;
	k->st->ahead(&view, k->st->data);
	for (i = 0; i < view.len; i++)
		view.entries[i].flags |= SOCK_F_FITTED;
	k->held6.len = k->held6_shown + view.len;
	k->held6_shown = k->held6.len;
}

int stream_flush(struct stream_sink *k)
{
	int r;

	if (k->batch.len == 0)
		return 0;
	show_ahead(k);
	if (k->batch.len > k->slot_mark)
		k->slot_flushed = true;
	r = k->st->emit(&k->batch, k->st->data);
	sock_table_truncate(&k->batch, 0);
	k->slot_mark = 0;
	if (r < 0) {
		k->slot_flushed = true;
		k->fatal = true;
	}
	return r;
}
