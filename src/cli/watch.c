/* SPDX-License-Identifier: MIT */
/*
 * -c/--watch: the listing, then, every interval, one line per change.
 *
 * The loop waits on a signalfd (SIGINT, SIGTERM), so Ctrl-C ends it with
 * status 0 between two snapshots, and no handler or global flag is
 * needed.  Each line is written as soon as it is formatted (the outbuf
 * is flushed per line), so a pipe sees it at once.  Ticks keep to a fixed
 * schedule on CLOCK_MONOTONIC; when a snapshot takes longer than the
 * interval, the next one starts at once and stderr says so, once.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lsock/fmt_event.h"
#include "lsock/i18n.h"
#include "lsock/modes.h"
#include "lsock/sock_tracker.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Flushes one line; a write error ends the watch. */
static int flush_line(struct outbuf *o)
{
	int r = outbuf_flush(o);

	if (r < 0)
		fprintf(stderr, _("lsock: write error: %s\n"), strerror(-r));
	return r;
}

static void put_first(struct outbuf *o, const struct query_plan *plan, const struct render_ctx *c)
{
	if (plan->format == OUTPUT_NDJSON)
		fmt_ndjson(o, c);
	else
		fmt_text(o, &plan->layout, c);
}

static int put_changes(struct outbuf *o, const struct query_plan *plan, struct mode_render *mr,
		       struct sock_tracker *t, struct sock_tracker_tick *k)
{
	static const char *const names[_SOCK_CHANGE_MAX] = { "new", "closed", "state" };
	static const char signs[_SOCK_CHANGE_MAX] = { '+', '-', '~' };
	struct render_ctx now = mode_render_ctx(mr, plan, &t->table, &t->owners, &t->netns);
	struct render_ctx before = mode_render_ctx(mr, plan, &k->prev, &k->prev_owners, &k->prev_netns);
	struct timespec ts;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (i = 0; i < k->nchanges; i++) {
		const struct sock_change *ch = &k->changes[i];
		bool closed = ch->kind == SOCK_CHANGE_CLOSED;
		const struct render_ctx *c = closed ? &before : &now;
		const struct sock_entry *e = &c->table->entries[ch->index];
		struct fmt_event ev = {
			.event = names[ch->kind],
			.sign = signs[ch->kind],
			.time = &ts,
			.has_from = ch->kind == SOCK_CHANGE_STATE,
			.from_state = ch->from_state,
		};

		if (plan->format == OUTPUT_NDJSON)
			fmt_event_ndjson(o, c, e, &ev);
		else
			fmt_event_text(o, &plan->layout, c, e, &ev);
		if (flush_line(o) < 0)
			return -EIO;
	}
	return 0;
}

/* Waits until deadline (CLOCK_MONOTONIC ms) or a signal.  Returns 1 on a
 * signal, 0 at the deadline, -errno. */
static int wait_until(int sigfd, uint64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = sigfd, .events = POLLIN };
		uint64_t now = now_ms();
		int r;

		/* Poll even when the deadline has passed (a snapshot slower
		 * than the interval): a signal must end the loop however far
		 * behind it is. */
		r = poll(&p, 1, now >= deadline ? 0 : (int)(deadline - now));
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r == 0 && now >= deadline)
			return 0;
	}
}

int watch_run(const struct query_plan *plan)
{
	struct sock_tracker t;
	struct mode_io m;
	uint64_t next;
	bool warned_slow = false;
	int r, status;

	status = mode_begin(&m, plan);
	if (status)
		return status;
	status = sock_tracker_start(&t, plan);
	if (status == 0) {
		struct render_ctx c = mode_render_ctx(&m.mr, plan, &t.table, &t.owners, &t.netns);

		if (plan->sort.len) {
			sort_table(&t.table, &plan->sort,
				   &(struct sort_ctx){ .table = c.table, .owners = c.owners,
						       .users = c.users });
			free(t.order);
			if (snapshot_diff_index(&t.table, &t.netns, &t.order) < 0)
				status = 3;
		}
		put_first(&m.o, plan, &c);
		if (flush_line(&m.o) < 0)
			status = 3;
	}
	next = now_ms() + plan->watch_ms;
	while (status == 0) {
		struct sock_tracker_tick k;
		uint64_t start;

		r = wait_until(m.sigfd, next);
		if (r != 0) {
			if (r < 0) {
				fprintf(stderr, "lsock: %s\n", strerror(-r));
				status = 3;
			}
			break; /* SIGINT/SIGTERM: a normal end */
		}
		start = now_ms();
		status = sock_tracker_update(&t, &k);
		if (status == 0 && k.walked && plan->verbose)
			fprintf(stderr, _("lsock: watch: walked %s for the owners of new sockets\n"),
				plan->spec.proc_root);
		if (status == 0 && put_changes(&m.o, plan, &m.mr, &t, &k) < 0)
			status = 3;
		sock_tracker_tick_free(&k);
		next += plan->watch_ms;
		if (now_ms() > next) {
			if (!warned_slow)
				fprintf(stderr, _("lsock: warning: a snapshot took %llu ms, longer than the "
						"--watch interval of %u ms; snapshots follow one another "
						"as fast as they can\n"),
					(unsigned long long)(now_ms() - start), plan->watch_ms);
			warned_slow = true;
			next = now_ms();
		}
	}
	sock_tracker_free(&t);
	mode_end(&m);
	return status;
}
