/* SPDX-License-Identifier: MIT */
/* A snapshot streamed in batches; see snapshot_stream() in lsock/snapshot.h. */
#include <errno.h>
#include <string.h>

#include "lsock/snapshot.h"
#include "snapshot_internal.h"

struct pruned {
	const struct snapshot_request *req;
	const struct collect_stream *st;
};

/* What snapshot_take() does to the whole table, to each batch: the prune
 * keeps or drops each row on its own. */
static int emit_pruned(struct sock_table *batch, void *data)
{
	const struct pruned *p = data;

	if (p->req->prune)
		p->req->prune(batch, p->req->prune_data);
	return batch->len ? p->st->emit(batch, p->st->data) : 0;
}

/* The rows held back, pruned the same way before anyone fits to them. */
static void ahead_pruned(struct sock_table *rows, void *data)
{
	const struct pruned *p = data;

	if (p->req->prune)
		p->req->prune(rows, p->req->prune_data);
	if (p->st->ahead && rows->len)
		p->st->ahead(rows, p->st->data);
}

int snapshot_stream(const struct snapshot_request *req, const struct collect_stream *st,
		    struct snapshot *ret)
{
	struct pruned p = { .req = req, .st = st };
	struct collect_stream wrapped = { .emit = emit_pruned, .ahead = ahead_pruned, .data = &p };
	int r;

	memset(ret, 0, sizeof(*ret));
	sock_table_init(&ret->table);
	/* Checked here, not left to collect_run_stream(): st is read first
	 * (its batch size), and wrapped.emit is never NULL. */
	if (!st || !st->emit || st->batch_rows == 0)
		return -EINVAL;
	wrapped.batch_rows = st->batch_rows;
	if (req->owners || req->prune_owned ||
	    (req->netns && req->netns->select != NETNS_SELECT_CURRENT))
		return -EINVAL;
	if (req->netns) {
		r = snapshot_netns_current(req, ret, NULL, NULL, 0, NULL);
		if (r < 0)
			return r;
	}
	return collect_run_stream(&req->collect, &wrapped, &ret->report);
}
