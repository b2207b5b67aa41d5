/* SPDX-License-Identifier: MIT */
/*
 * lsock: options -> plan -> snapshot -> filter/sort -> formatter.
 * Only src/cli/ prints diagnostics, and only this file exits.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lsock/cli_modes.h"
#include "lsock/filter.h"
#include "lsock/fmt.h"
#include "lsock/list_stream.h"
#include "lsock/modes.h"
#include "lsock/plan.h"
#include "lsock/render_setup.h"
#include "lsock/report.h"
#include "lsock/snapshot.h"
#include "lsock/summary_run.h"

enum exit_status {
	EXIT_LISTED = 0,
	EXIT_NO_MATCH = 1,
	EXIT_USAGE = 2,
	EXIT_RUNTIME = 3,
};

/* What put_output() formats: help, version, or the sockets. */
struct output {
	const struct query_plan *plan; /* NULL: help or version */
	bool version;
	const struct render_ctx *ctx;
	bool owners_complete;
};

static void put_output(struct outbuf *o, const struct output *out)
{
	if (!out->plan && out->version)
		outbuf_puts(o, "lsock " LSOCK_VERSION "\n");
	else if (!out->plan)
		options_help(o);
	else if (out->plan->summary)
		summary_write(o, out->plan, out->ctx);
	else if (out->plan->audit)
		audit_write(o, out->plan, out->ctx);
	else if (out->plan->format == OUTPUT_JSON)
		fmt_json(o, out->ctx, out->owners_complete);
	else if (out->plan->format == OUTPUT_NDJSON)
		fmt_ndjson(o, out->ctx);
	else
		text_write(o, out->plan, out->ctx);
}

/* Everything for stdout goes through one outbuf; a write error (EPIPE with
 * SIGPIPE ignored, ENOSPC) is reported once, at the end, as in coreutils. */
static int write_stdout(const struct output *out)
{
	struct outbuf o;
	int r = outbuf_init(&o, STDOUT_FILENO);

	if (r == 0) {
		put_output(&o, out);
		r = outbuf_flush(&o);
	}
	outbuf_free(&o);
	if (r == -ENOMEM)
		fprintf(stderr, _("lsock: out of memory\n"));
	else if (r < 0)
		fprintf(stderr, _("lsock: write error: %s\n"), strerror(-r));
	return r < 0 ? EXIT_RUNTIME : 0;
}

static int list(const struct query_plan *plan)
{
	struct filter_prune fp = { .states = plan->spec.states, .filter = plan->filter };
	struct snapshot_request req = { .collect = plan->spec, .owners = plan->needs & NEED_OWNERS };
	struct render_caches caches = { 0 };
	struct snapshot snap;
	struct render_ctx ctx = { 0 };
	struct output out = { .plan = plan, .ctx = &ctx, .owners_complete = true };
	int r, status;

	filter_prune_request(&req, &fp);
	req.netns = &plan->netns;
	r = snapshot_take(&req, &snap);
	report_collect(&plan->spec, &snap.report, plan->verbose);
	report_churn(&snap.churn, plan->verbose);
	status = report_netns(plan, &snap.netns);
	report_owner_source(&snap, plan->verbose);
	if (r == 0)
		r = render_setup(plan, &snap, &caches, &ctx);
	if (r < 0) {
		status = status ? status
				: report_snapshot_failure(&plan->spec, &snap.report, snap.owners_error, r);
		goto out;
	}
	if (snap.owners_walked && !owner_map_complete(&snap.owners)) {
		out.owners_complete = false;
		report_owner_note(&snap.owners, plan->format, plan->verbose);
	}
	ctx.owners_complete = out.owners_complete;
	sort_table(&snap.table, &plan->sort,
		   &(struct sort_ctx){ .table = ctx.table, .owners = ctx.owners, .users = ctx.users });
	render_resolve_owners(&ctx, &caches);
	status = write_stdout(&out);
	if (status == 0)
		status = snap.table.len || plan->summary ? EXIT_LISTED : EXIT_NO_MATCH;
out:
	render_caches_free(&caches);
	snapshot_free(&snap);
	return status;
}

int main(int argc, char **argv)
{
	struct lsock_options opts;
	struct query_plan plan;
	char err[256];
	int r, status;

	i18n_setup();
	if (options_parse(argc, argv, &opts, err, sizeof(err)) < 0) {
		fprintf(stderr, "lsock: %s\n", err);
		return EXIT_USAGE;
	}
	if (opts.help || opts.version)
		return write_stdout(&(struct output){ .version = !opts.help });
	r = plan_build(&opts, &plan, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "lsock: %s\n", r == -EINVAL ? err : strerror(-r));
		return r == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	}
	if (plan.mode != MODE_LIST)
		status = modes_run(&plan);
	else
		status = list_streams(&plan) ? list_stream(&plan) : list(&plan);
	plan_free(&plan);
	return status;
}
