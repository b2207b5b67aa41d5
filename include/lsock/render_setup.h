/* SPDX-License-Identifier: MIT */
/*
 * The name caches a listing is rendered with, and the render context over a
 * snapshot: what the plan's shown columns need, and nothing else.
 */
#ifndef LSOCK_RENDER_SETUP_H
#define LSOCK_RENDER_SETUP_H

#include "lsock/columns.h"
#include "lsock/ifnames.h"
#include "lsock/plan.h"
#include "lsock/protonames.h"
#include "lsock/services.h"
#include "lsock/snapshot.h"
#include "lsock/users.h"

struct render_caches {
	struct services services;
	struct user_cache users;
	struct ifname_cache ifnames;
	struct protoname_cache protonames;
	struct owner_span *spans; /* render_resolve_owners() */
	struct owner_labels labels; /* render_resolve_owners() */
};

/*
 * Loads what the plan needs (the services database unless -n) into *caches
 * (zeroed first) and points *ret at the snapshot and the caches.  Owners
 * walked only for a pid or comm filter are not shown: the output is what it
 * would be without that predicate.  The snapshot is not const: its
 * namespaces cache interface names as they are rendered.  Returns 0 or -errno (services); *ret
 * is written on every path.  Free the caches with render_caches_free().
 */
int render_setup(const struct query_plan *plan, struct snapshot *snap,
		 struct render_caches *caches, struct render_ctx *ret);

/*
 * Resolves every row's holders at once (owner_map_spans()) into caches and
 * ctx, once the table is in its final order: the cells then read a row's
 * range instead of searching the map.  Without owners, nothing.  On -ENOMEM
 * the cells look up as before, so it cannot fail a listing.
 */
void render_resolve_owners(struct render_ctx *ctx, struct render_caches *caches);

void render_caches_free(struct render_caches *caches);

#endif
