/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/i18n.h"
#include "lsock/report.h"
#include "lsock/summary_run.h"

/* -G, -N: the counts and figures of each namespace, and their sum. */
static int build_netns(struct summary_run *ret, const struct sock_table *t,
		       struct snapshot_netns *n)
{
	size_t i, len = n->len ? n->len : 1;

	ret->ns = calloc(len, sizeof(*ret->ns));
	ret->ns_kernel = calloc(len, sizeof(*ret->ns_kernel));
	if (!ret->ns || !ret->ns_kernel)
		return -ENOMEM;
	for (i = 0; i < n->len; i++) {
		ret->ns_kernel[i] = n->v[i].kernel;
		ret->ns[i].kernel = &ret->ns_kernel[i];
	}
	summary_count_netns(t, ret->ns, n->len);
	sockstat_sum(ret->ns_kernel, n->len, &ret->kernel);
	ret->sum.ns = ret->ns;
	ret->sum.nns = n->len;
	ret->ctx.netns = n; /* the full listeners' NetNS */
	return 0;
}

int summary_run_build(const struct query_plan *plan, const struct render_ctx *list,
		      struct summary_run *ret)
{
	const struct sock_table *t = list->table;
	bool walked = false;
	size_t i;
	int r;

	memset(ret, 0, sizeof(*ret));
	sock_table_init(&ret->full);
	ret->ctx = (struct render_ctx){ .table = &ret->full, .ifnames = &ret->ifnames };
	ret->sum = (struct summary){
		.counts = &ret->counts,
		.protos = plan->spec.protos,
		.inet4 = plan->spec.inet4,
		.inet6 = plan->spec.inet6,
		.kernel = &ret->kernel,
		.full = &ret->ctx,
	};
	summary_count(t, &ret->counts);
	if (plan->netns.select != NETNS_SELECT_CURRENT && list->netns)
		r = build_netns(ret, t, list->netns);
	else
		r = sockstat_read(plan->spec.proc_root, &ret->kernel);
	if (r == -ENOMEM)
		return r;
	for (i = 0; i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];

		if (!summary_listener_is_full(e))
			continue;
		r = sock_table_add(&ret->full, e, sock_table_name(t, e), e->path_len);
		if (r < 0)
			return r;
	}
	if (!ret->full.len)
		return 0; /* nobody to name: no walk */
	r = owner_map_build_for_source(plan->spec.proc_root, plan->spec.owner_source, &ret->full,
				       NULL, 0, &ret->owners, &walked, NULL, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		fprintf(stderr, _("lsock: warning: cannot name the owners of full listeners from %s: %s\n"),
			plan->spec.proc_root, strerror(-r));
		return 0;
	}
	ret->ctx.owners = &ret->owners;
	ret->ctx.owners_complete = !walked || owner_map_complete(&ret->owners);
	if (!ret->ctx.owners_complete)
		report_owner_note(&ret->owners, plan->format, plan->verbose);
	return 0;
}

void summary_run_free(struct summary_run *r)
{
	if (!r)
		return;
	free(r->ns);
	free(r->ns_kernel);
	owner_map_free(&r->owners);
	sock_table_free(&r->full);
	ifname_cache_free(&r->ifnames);
	memset(r, 0, sizeof(*r));
}

void summary_write(struct outbuf *o, const struct query_plan *plan, const struct render_ctx *list)
{
	struct summary_run run;
	int r = summary_run_build(plan, list, &run);

	if (r < 0)
		outbuf_set_error(o, r);
	else if (plan->format == OUTPUT_JSON)
		fmt_summary_json(o, &run.sum);
	else
		fmt_summary_text(o, &run.sum);
	summary_run_free(&run);
}
