/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lsock/snapshot.h"
#include "lsock/u32set.h"
#include "snapshot_internal.h"

/* The sorted, unique non-zero inodes of t, and how many rows are UNIX. */
static int known_inodes(const struct sock_table *t, uint32_t **ret, size_t *ret_len,
			size_t *ret_nunix)
{
	uint32_t *v = malloc((t->len ? t->len : 1) * sizeof(*v));
	size_t i, n = 0, nunix = 0;

	*ret = NULL;
	*ret_len = 0;
	*ret_nunix = 0;
	if (!v)
		return -ENOMEM;
	for (i = 0; i < t->len; i++) {
		if (t->entries[i].family == AF_UNIX)
			nunix++;
		if (t->entries[i].inode)
			v[n++] = t->entries[i].inode;
	}
	*ret = v;
	*ret_len = u32_sort_unique(v, n);
	*ret_nunix = nunix;
	return 0;
}

/* Whether some row of t has an inode, so may have an owner. */
static bool any_inode(const struct sock_table *t)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->entries[i].inode)
			return true;
	return false;
}

int snapshot_take(const struct snapshot_request *req, struct snapshot *ret)
{
	uint32_t *known = NULL, *unknown = NULL;
	size_t nknown = 0, nunknown = 0, nunix = 0;
	bool walked = false, check;
	int r;

	struct owner_walk *walk = NULL;
	struct owner_map all = { 0 };
	struct snapshot_own_dump own = { 0 };
	/* The note's check of other namespaces reads the walk's map too; a
	 * walk joined for it alone may fail and only counts less. */
	bool note = req->netns && req->netns->note && req->netns->note_states, note_only;

	memset(ret, 0, sizeof(*ret));
	if (req->netns && req->netns->select != NETNS_SELECT_CURRENT)
		return snapshot_netns_take(req, ret);
	sock_table_init(&ret->table);
	/* The owner walk does not depend on the dump: it runs meanwhile, in
	 * a thread, recording every held socket; the rows are matched
	 * against it afterwards. */
	if (req->owners) {
		r = owner_walk_begin_ctx(req->collect.proc_root, req->collect.owner_source,
					 req->owner_ctx, &walk);
		if (r < 0)
			return r;
	}
	r = collect_run(&req->collect, &ret->table, &ret->report);
	/* Taken before pruning: a row the filter dropped is not missing. */
	check = r == 0 && req->owners && snapshot_unix_needs_check(&ret->report);
	/* The note takes them too: its dump of our namespace then skips
	 * what this collection covered. */
	if (check || (r == 0 && req->owners && note))
		r = known_inodes(&ret->table, &known, &nknown, &nunix);
	/* The note's whole dump of our namespace, which only the /proc walk's
	 * socket scan needs, does not depend on the walk either: taken while
	 * it runs (at 100k TCP sockets, 0.1 of ss -tulpn's time). */
	if (r == 0 && req->owners && note &&
	    owner_source_walks_proc(req->collect.owner_source, req->owner_ctx))
		r = snapshot_netns_dump_own(req, known, nknown, &own);
	if (r == 0 && req->prune)
		req->prune(&ret->table, req->prune_data);
	if (!req->owners)
		return r < 0 ? r : req->netns ? snapshot_netns_current(req, ret, NULL, NULL, 0, NULL) : 0;
	/* Nothing listed can have an owner (no rows, or only TIME_WAIT),
	 * and no held socket is looked for: the walk is stopped, as it was
	 * never started before the overlap; unless the note reads it. */
	note_only = r == 0 && !check && !any_inode(&ret->table);
	if (r < 0 || (note_only && !note)) {
		owner_walk_cancel(walk);
		free(known);
		free(own.v);
		own = (struct snapshot_own_dump){ 0 };
		if (r < 0)
			return r;
		known = NULL;
		nknown = 0;
	} else {
		r = owner_walk_join(walk, &all);
		if (r < 0 && note_only) {
			r = 0;
			note = false;
		} else if (r == 0)
			r = owner_map_match_for(&all, &ret->table, check ? known : NULL, nknown,
						&ret->owners, &walked, &unknown, &nunknown);
	}
	if (r < 0) {
		free(known);
		free(own.v);
		owner_map_free(&all);
		ret->owners_error = r;
		return r;
	}
	ret->owners_walked = walked;
	if (nunknown)
		r = snapshot_recover_unix(req, ret, unknown, nunknown, nunix, 0);
	free(unknown);
	/* Expression parts that need owners (pid, comm) run once they are known,
	 * over the recovered sockets too. */
	if (r == 0 && req->prune_owned)
		req->prune_owned(&ret->table, &ret->owners, NULL, req->prune_data);
	if (r == 0 && req->netns)
		r = snapshot_netns_current(req, ret, note ? &all : NULL, note ? known : NULL,
					   note ? nknown : 0, &own);
	free(own.v);
	free(known);
	owner_map_free(&all);
	return r;
}

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	owner_map_free(&s->owners);
	sock_table_free(&s->table);
	snapshot_netns_free(&s->netns);
	memset(s, 0, sizeof(*s));
}
