/* SPDX-License-Identifier: MIT */
/* A row's holders for its cells; see render_owners() in lsock/columns.h. */
#include "lsock/columns.h"
#include "lsock/owner_spans.h"

size_t render_owner_procs(const struct render_ctx *c, const struct sock_entry *e, bool peer,
			  const struct owner **ret_first, const struct owner_proc **ret_one)
{
	const struct sock_table *t = c->table;

	*ret_one = NULL;
	if (!c->owners)
		return 0;
	/* Watch, events and audit render entries of their own: only a row of
	 * the table the spans were resolved for may use them. */
	if (c->spans && t && e >= t->entries && e < t->entries + t->len) {
		const struct owner_span *s = &c->spans[2 * (size_t)(e - t->entries) + peer];

		if (!s->n)
			return 0;
		*ret_first = &c->owners->owners[s->lo];
		if (s->one_proc)
			*ret_one = &c->owners->procs[s->proc];
		return s->n;
	}
	return owner_map_find(c->owners, peer ? e->peer_inode : e->inode, ret_first);
}

size_t render_owners(const struct render_ctx *c, const struct sock_entry *e, bool peer,
		     const struct owner **ret_first)
{
	const struct owner_proc *one;

	return render_owner_procs(c, e, peer, ret_first, &one);
}
