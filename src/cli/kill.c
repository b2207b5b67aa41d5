/* SPDX-License-Identifier: MIT */
/*
 * -K/--kill: SOCK_DESTROY for every socket the filter selects, one line
 * per socket saying whether the kernel killed it.  Unlike ss -K, which
 * exits 0 whatever the kernel answered, the exit status says what
 * happened: 0 every selected socket killed, 1 none selected, 3 some kill
 * failed (EPERM without CAP_NET_ADMIN, EOPNOTSUPP without
 * CONFIG_INET_DIAG_DESTROY or for a protocol that cannot be killed).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lsock/diag.h"
#include "lsock/fmt_event.h"
#include "lsock/i18n.h"
#include "lsock/modes.h"
#include "lsock/nl_transport.h"
#include "lsock/report.h"
#include "lsock/snapshot.h"
#include "lsock/sock_tracker.h"

/* Asks the kernel to destroy e.  Returns its answer (0 or -errno). */
static int kill_one(struct nl_transport **nl, const struct sock_entry *e, bool *ret_broken)
{
	uint8_t req[DIAG_REQ_MAX] __attribute__((aligned(4)));
	int len, r, answer;

	*ret_broken = false;
	len = diag_build_destroy(req, sizeof(req), e);
	if (len < 0)
		return len;
	if (!*nl) {
		r = nl_transport_open(nl);
		if (r < 0) {
			*ret_broken = true;
			return r;
		}
	}
	r = nl_transport_ack(*nl, req, (size_t)len, &answer);
	if (r < 0) {
		*ret_broken = true;
		return r;
	}
	return answer;
}

int kill_run(const struct query_plan *plan)
{
	struct filter_prune fp = { .states = plan->spec.states, .filter = plan->filter };
	struct snapshot_request req = { .collect = plan->spec, .owners = plan->needs & NEED_OWNERS };
	struct nl_transport *nl = NULL;
	struct mode_render mr;
	struct snapshot snap;
	struct render_ctx c;
	struct outbuf o;
	size_t i, failed = 0;
	int r, status;

	filter_prune_request(&req, &fp);
	r = mode_render_init(&mr, plan);
	if (r < 0) {
		fprintf(stderr, "lsock: %s\n", strerror(-r));
		return 3;
	}
	r = snapshot_take(&req, &snap);
	report_collect(&plan->spec, &snap.report, plan->verbose);
	if (r < 0) {
		status = report_snapshot_failure(&plan->spec, &snap.report, snap.owners_error, r);
		goto out_snap;
	}
	c = mode_render_ctx(&mr, plan, &snap.table, &snap.owners, &snap.netns);
	sort_table(&snap.table, &plan->sort,
		   &(struct sort_ctx){ .table = c.table, .owners = c.owners, .users = c.users });
	r = outbuf_init(&o, STDOUT_FILENO);
	if (r < 0) {
		fprintf(stderr, "lsock: %s\n", strerror(-r));
		status = 3;
		goto out_snap;
	}
	for (i = 0; i < snap.table.len; i++) {
		const struct sock_entry *e = &snap.table.entries[i];
		struct timespec ts;
		bool broken;
		int answer = kill_one(&nl, e, &broken);
		struct fmt_event ev = { .time = &ts, .error = answer };

		clock_gettime(CLOCK_REALTIME, &ts);
		/* ENOENT: it closed after the snapshot, by itself; not killed
		 * by us, and so counted as a failure like any other answer. */
		ev.event = answer ? "kill_failed" : "killed";
		if (answer)
			failed++;
		if (plan->format == OUTPUT_NDJSON)
			fmt_event_ndjson(&o, &c, e, &ev);
		else
			fmt_event_text(&o, &plan->layout, &c, e, &ev);
		if (outbuf_flush(&o) < 0)
			break;
		if (broken) {
			/* The transport itself failed: no point in going on. */
			failed += snap.table.len - i - 1;
			break;
		}
	}
	r = outbuf_flush(&o);
	if (r < 0)
		fprintf(stderr, _("lsock: write error: %s\n"), strerror(-r));
	outbuf_free(&o);
	if (r < 0 || failed)
		status = 3;
	else
		status = snap.table.len ? 0 : 1;
out_snap:
	nl_transport_close(nl);
	snapshot_free(&snap);
	mode_render_free(&mr);
	return status;
}
