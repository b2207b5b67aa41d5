/* SPDX-License-Identifier: MIT */
/*
 * -E/--events: the sock_diag destroy notifications.  The kernel multicasts
 * an inet_diag_msg to the SKNLGRP_INET{,6}_{TCP,UDP}_DESTROY groups when a
 * TCP or UDP socket is freed (sk_destruct() -> sock_diag_broadcast_destroy()),
 * to any listener in the socket's namespace: joining needs no privilege.
 * There is no group for creation: new sockets are what --watch is for.
 *
 * The notification has no uid and no inode (the socket has no file any
 * more).  To name the owner, a snapshot of the TCP and UDP sockets is
 * kept, refreshed every second, with the owners walked for new sockets
 * only; a socket that lived less than that is reported without owner.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/sock_diag.h>

#include "lsock/diag.h"
#include "lsock/fmt_event.h"
#include "lsock/i18n.h"
#include "lsock/modes.h"
#include "lsock/nl_transport.h"
#include "lsock/sock_tracker.h"

/* How often the owners' snapshot is refreshed. */
#define EVENTS_REFRESH_MS 1000

struct events_ctx {
	const struct query_plan *plan;
	struct sock_tracker *tracker;
	struct mode_render *mr;
	struct outbuf *o;
	size_t malformed;
	int write_error;
};

static int on_event(const struct nlmsghdr *nlh, void *data)
{
	struct events_ctx *x = data;
	const struct query_plan *plan = x->plan;
	const struct sock_entry *known;
	struct sock_table one = { 0 };
	struct render_ctx c;
	struct sock_entry e;
	struct timespec ts;
	struct fmt_event ev = { .event = "closed", .sign = '-', .time = &ts };
	int r;

	clock_gettime(CLOCK_REALTIME, &ts);
	r = diag_parse_destroy_event(nlh, &e);
	if (r < 0) {
		x->malformed += r == -EBADMSG;
		return 0;
	}
	if (!plan_wants(plan, (enum sock_proto)e.proto, e.family))
		return 0;
	/* What the earlier snapshot knew of it: inode and uid (so the owners
	 * can be found), under the same (netns, cookie). */
	known = sock_tracker_find(x->tracker, &e);
	if (known) {
		e.inode = known->inode;
		e.uid = known->uid;
		e.flags |= known->flags & SOCK_F_UID_KNOWN;
		/* And its endpoints: an aborted connection (SO_LINGER 0, or
		 * SOCK_DESTROY) goes through tcp_disconnect(), which zeroes
		 * inet_dport before the socket is freed, so the notification
		 * says remote port 0.  Endpoints never change otherwise. */
		memcpy(e.laddr, known->laddr, sizeof(e.laddr));
		memcpy(e.raddr, known->raddr, sizeof(e.raddr));
		e.lport = known->lport;
		e.rport = known->rport;
	}
	if (!(plan->spec.states & SOCK_STATE_BIT(e.state)))
		return 0;
	if (plan->filter && !filter_match_owners(plan->filter, &e, &x->tracker->table,
						 &x->tracker->owners))
		return 0;
	c = mode_render_ctx(x->mr, plan, &one, &x->tracker->owners, &x->tracker->netns);
	if (plan->format == OUTPUT_NDJSON)
		fmt_event_ndjson(x->o, &c, &e, &ev);
	else
		fmt_event_text(x->o, &plan->layout, &c, &e, &ev);
	r = outbuf_flush(x->o);
	if (r < 0) {
		x->write_error = r;
		return r;
	}
	return 0;
}

/* The groups for the plan's protocols and families. */
static size_t groups_of(const struct query_plan *plan, unsigned groups[4])
{
	size_t n = 0;

	if (plan_wants(plan, SOCK_PROTO_TCP, AF_INET))
		groups[n++] = SKNLGRP_INET_TCP_DESTROY;
	if (plan_wants(plan, SOCK_PROTO_UDP, AF_INET))
		groups[n++] = SKNLGRP_INET_UDP_DESTROY;
	if (plan_wants(plan, SOCK_PROTO_TCP, AF_INET6))
		groups[n++] = SKNLGRP_INET6_TCP_DESTROY;
	if (plan_wants(plan, SOCK_PROTO_UDP, AF_INET6))
		groups[n++] = SKNLGRP_INET6_UDP_DESTROY;
	return n;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int loop(struct events_ctx *x, struct nl_transport *nl, int sigfd)
{
	uint64_t refresh = now_ms() + EVENTS_REFRESH_MS;
	bool warned_lost = false;

	for (;;) {
		struct pollfd p[2] = { { .fd = sigfd, .events = POLLIN },
				       { .fd = nl_transport_fd(nl), .events = POLLIN } };
		uint64_t now = now_ms();
		int r;

		if (now >= refresh) {
			struct sock_tracker_tick k;

			r = sock_tracker_update(x->tracker, &k);
			sock_tracker_tick_free(&k);
			if (r)
				return r;
			refresh = now_ms() + EVENTS_REFRESH_MS;
			continue;
		}
		r = poll(p, 2, (int)(refresh - now));
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "lsock: %s\n", strerror(errno));
			return 3;
		}
		if (r <= 0)
			continue;
		if (p[0].revents)
			return 0; /* SIGINT/SIGTERM */
		r = nl_transport_recv_events(nl, on_event, x);
		if (x->write_error) {
			fprintf(stderr, _("lsock: write error: %s\n"), strerror(-x->write_error));
			return 3;
		}
		if (r == -ENOBUFS) {
			/* The socket overflowed: some notifications are lost
			 * for good; say so and go on. */
			if (!warned_lost)
				fprintf(stderr, _("lsock: warning: the kernel dropped destroy events "
						"(receive buffer full); some were not shown\n"));
			warned_lost = true;
		} else if (r < 0 && r != -EBADMSG) {
			fprintf(stderr, _("lsock: cannot read destroy events: %s\n"), strerror(-r));
			return 3;
		}
	}
}

int events_run(const struct query_plan *plan)
{
	struct nl_transport *nl = NULL;
	struct sock_tracker t = { 0 };
	struct mode_io m;
	unsigned groups[4];
	size_t n = groups_of(plan, groups);
	int r, status;

	status = mode_begin(&m, plan);
	if (status)
		return status;
	/* Join first, then take the snapshot: a socket destroyed in between
	 * is reported (without owner) rather than missed. */
	r = nl_transport_open(&nl);
	if (r == 0)
		r = nl_transport_subscribe(nl, groups, n);
	if (r < 0) {
		fprintf(stderr, _("lsock: cannot join the sock_diag destroy groups: %s\n"), strerror(-r));
		status = 3;
		goto out;
	}
	status = sock_tracker_start(&t, plan);
	if (status)
		goto out;
	if (plan->verbose)
		fprintf(stderr, _("lsock: events: listening for destroyed %s sockets\n"),
			n == 4 ? "TCP and UDP" : "selected");
	{
		struct events_ctx x = { .plan = plan, .tracker = &t, .mr = &m.mr, .o = &m.o };

		status = loop(&x, nl, m.sigfd);
		if (x.malformed)
			fprintf(stderr, P_("lsock: warning: left out %zu malformed destroy event\n",
					   "lsock: warning: left out %zu malformed destroy events\n", x.malformed),
				x.malformed);
	}
out:
	nl_transport_close(nl);
	sock_tracker_free(&t);
	mode_end(&m);
	return status;
}
