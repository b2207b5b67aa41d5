/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "lsock/snapshot.h"

int snapshot_take(const struct snapshot_request *req, struct snapshot *ret)
{
	bool walked = false;
	int r;

	memset(ret, 0, sizeof(*ret));
	sock_table_init(&ret->table);
	r = collect_run(&req->collect, &ret->table, &ret->report);
	if (r < 0)
		return r;
	if (req->prune)
		req->prune(&ret->table, req->prune_data);
	if (!req->owners)
		return 0;
	r = owner_map_build_for(req->collect.proc_root, &ret->table, &ret->owners, &walked);
	if (r < 0) {
		ret->owners_error = r;
		return r;
	}
	ret->owners_walked = walked;
	if (req->prune_owned)
		req->prune_owned(&ret->table, &ret->owners, req->prune_data);
	return 0;
}

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	owner_map_free(&s->owners);
	sock_table_free(&s->table);
	memset(s, 0, sizeof(*s));
}
