/* SPDX-License-Identifier: MIT */
/* The streamed listing; see lsock/list_stream.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lsock/filter.h"
#include "lsock/fmt.h"
#include "lsock/i18n.h"
#include "lsock/list_stream.h"
#include "lsock/render_setup.h"
#include "lsock/report.h"
#include "lsock/snapshot.h"

bool list_streams(const struct query_plan *p)
{
	if (p->batch_rows == 0 || p->summary || p->audit || p->explain || p->sort.len ||
	    (p->needs & NEED_OWNERS) || p->spec.ext ||
	    filter_needs_owners(p->filter))
		return false;
	if (p->netns.select != NETNS_SELECT_CURRENT || p->netns.units)
		return false;
	return p->format == OUTPUT_TEXT || p->format == OUTPUT_JSON || p->format == OUTPUT_NDJSON;
}

/* What each batch is written with. */
struct sink {
	struct fmt_stream fs;
	struct render_ctx *ctx;
	struct outbuf *o;
	int error; /* the output's: write error or -ENOMEM */
	const struct query_plan *plan;
	const struct snapshot *snap; /* its netns (the note) is known before any row */
	bool reported;               /* the namespace messages are out */
	int netns_status;            /* what report_netns() said */
};

/* The note goes to stderr before the first row reaches stdout, as on the
 * table path: printed after, it would land inside the listing (a half
 * line on a terminal). */
static void report_netns_once(struct sink *k)
{
	if (k->reported)
		return;
	k->reported = true;
	k->netns_status = report_netns(k->plan, &k->snap->netns);
}

static int emit_batch(struct sock_table *batch, void *data)
{
	struct sink *k = data;

	report_netns_once(k);
	k->ctx->table = batch;
	fmt_stream_rows(&k->fs, k->ctx);
	/* Sticky: a closed pipe (lsock -tan | head) ends the dump too. */
	k->error = outbuf_error(k->o);
	return k->error;
}

static void fit_ahead(struct sock_table *rows, void *data)
{
	struct sink *k = data;

	k->ctx->table = rows;
	fmt_stream_ahead(&k->fs, k->ctx);
}

static enum fmt_stream_kind kind_of(enum output_format f)
{
	return f == OUTPUT_JSON ? FMT_STREAM_JSON : f == OUTPUT_NDJSON ? FMT_STREAM_NDJSON
									: FMT_STREAM_TEXT;
}

/* As write_stdout() in main.c: one message, at the end. */
static int report_output(int r)
{
	if (r == -ENOMEM)
		fprintf(stderr, _("lsock: out of memory\n"));
	else if (r < 0)
		fprintf(stderr, _("lsock: write error: %s\n"), strerror(-r));
	return r < 0 ? 3 : 0;
}

int list_stream(const struct query_plan *p)
{
	struct filter_prune fp = { .states = p->spec.states, .filter = p->filter };
	struct snapshot_request req = { .collect = p->spec };
	struct text_layout l = p->layout;
	struct render_caches caches = { 0 };
	struct render_ctx ctx = { 0 };
	struct snapshot snap = { 0 };
	struct outbuf o;
	struct sink k = { .ctx = &ctx, .o = &o, .plan = p, .snap = &snap };
	struct collect_stream st = { .batch_rows = p->batch_rows, .emit = emit_batch,
				     .ahead = fit_ahead, .data = &k };
	int r, status;

	l.color = p->color;
	filter_prune_request(&req, &fp);
	req.netns = &p->netns;
	r = outbuf_init(&o, STDOUT_FILENO);
	if (r < 0) {
		outbuf_free(&o);
		return report_output(r);
	}
	/* Before the dump: the rows are rendered as it brings them. */
	r = render_setup(p, &snap, &caches, &ctx);
	if (r == 0) {
		fmt_stream_begin(&k.fs, &o, kind_of(p->format), &l);
		r = snapshot_stream(&req, &st, &snap);
	}
	report_collect(&p->spec, &snap.report, p->verbose);
	/* As in list(): the namespace messages' status counts on failure. */
	report_netns_once(&k);
	status = k.netns_status;
	if (k.error) {
		status = report_output(k.error);
	} else if (r < 0) {
		status = status ? status : report_snapshot_failure(&p->spec, &snap.report, 0, r);
		/* Nothing printed yet: nothing at all, as the table would. */
		if (k.fs.rows == 0)
			goto out;
	} else {
		status = 0;
	}
	fmt_stream_end(&k.fs);
	r = outbuf_flush(&o);
	if (r < 0 && !k.error)
		status = report_output(r);
	else if (status == 0)
		status = k.fs.rows ? 0 : 1;
out:
	if (k.fs.kind == FMT_STREAM_TEXT)
		text_scratch_free(&k.fs.scratch);
	outbuf_free(&o);
	render_caches_free(&caches);
	snapshot_free(&snap);
	return status;
}
