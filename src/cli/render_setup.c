/* SPDX-License-Identifier: MIT */
/* The render context of a listing; see lsock/render_setup.h. */
#include <string.h>

#include <stdlib.h>

#include "lsock/owner_spans.h"
#include "lsock/render_setup.h"

int render_setup(const struct query_plan *plan, struct snapshot *snap,
		 struct render_caches *caches, struct render_ctx *ret)
{
	int r = 0;

	memset(caches, 0, sizeof(*caches));
	*ret = (struct render_ctx){
		.table = &snap->table,
		.owners = plan->needs & NEED_OWNERS ? &snap->owners : NULL,
		.services = plan->needs & NEED_SERVICES ? &caches->services : NULL,
		.protonames = plan->needs & NEED_SERVICES ? &caches->protonames : NULL,
		.users = plan->needs & NEED_USERS ? &caches->users : NULL,
		.ifnames = &caches->ifnames,
		.netns = &snap->netns,
		.collected = plan->needs,
	};
	if (plan->needs & NEED_SERVICES)
		r = services_load(&caches->services);
	return r;
}

void render_resolve_owners(struct render_ctx *ctx, struct render_caches *caches)
{
	free(caches->spans);
	caches->spans = NULL;
	ctx->spans = NULL;
	owner_labels_free(&caches->labels);
	ctx->labels = NULL;
	if (ctx->owners && owner_map_spans(ctx->owners, ctx->table, &caches->spans) == 0)
		ctx->spans = caches->spans;
	if (ctx->owners && owner_labels_build(ctx->owners, &caches->labels) == 0)
		ctx->labels = &caches->labels;
}

void render_caches_free(struct render_caches *caches)
{
	free(caches->spans);
	caches->spans = NULL;
	owner_labels_free(&caches->labels);
	user_cache_free(&caches->users);
	ifname_cache_free(&caches->ifnames);
	protoname_cache_free(&caches->protonames);
	services_free(&caches->services);
}
