/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsock/cli_modes.h"
#include "lsock/fmt_audit.h"
#include "lsock/i18n.h"
#include "lsock/ifaddr_dump.h"
#include "lsock/owner.h"
#include "lsock/snapshot_netns.h"
#include "lsock/unit.h"

/* lo is the first device every network namespace registers, so its index
 * is always 1 (LOOPBACK_IFINDEX, include/net/flow.h). */
#define LOOPBACK_IFINDEX 1

struct audit_sort {
	struct audit_row row;
	size_t index; /* order in the (--sort sorted) table: ties keep it */
	struct unit_info unit;
};

static int cmp_rows(const void *pa, const void *pb)
{
	const struct audit_sort *a = pa, *b = pb;

	if (a->row.v.verdict != b->row.v.verdict)
		return a->row.v.verdict < b->row.v.verdict ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Port, then protocol, then address: the order within a verdict when
 * --sort gave none. */
static int cmp_default(const void *pa, const void *pb)
{
	const struct audit_sort *a = pa, *b = pb;
	int r;

	if (a->row.v.verdict != b->row.v.verdict)
		return a->row.v.verdict < b->row.v.verdict ? -1 : 1;
	r = sort_cmp_lport(NULL, a->row.e, b->row.e);
	if (!r)
		r = sort_cmp_proto(NULL, a->row.e, b->row.e);
	if (!r)
		r = sort_cmp_local(NULL, a->row.e, b->row.e);
	return r ? r : cmp_rows(pa, pb);
}

/* The systemd unit of the first process holding e, into *ret ("" if none). */
static void owner_unit(const struct query_plan *p, const struct render_ctx *c,
		       const struct sock_entry *e, struct unit_info *ret)
{
	const struct owner *first;
	char path[64];
	int dfd;

	ret->unit[0] = ret->user_unit[0] = '\0';
	if (!c->owners || !e->inode || !owner_map_find(c->owners, e->inode, &first))
		return;
	snprintf(path, sizeof(path), "%d", (int)owner_map_proc(c->owners, first)->pid);
	dfd = openat(AT_FDCWD, p->spec.proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	{
		int pfd = openat(dfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (pfd >= 0) {
			(void)unit_read_at(pfd, "cgroup", ret);
			close(pfd);
		}
	}
	close(dfd);
}

/* Whether some namespace's address dump failed; *ret_err: the first error. */
static bool addrs_error(const struct snapshot_netns *n, int *ret_err)
{
	size_t i;

	for (i = 0; i < n->len; i++)
		if (n->v[i].addrs_error < 0) {
			*ret_err = n->v[i].addrs_error;
			return true;
		}
	return false;
}

/* e's namespace's addresses; NULL if they could not be read. */
static const struct ifaddr_table *netns_addrs(const struct snapshot_netns *n,
					      const struct sock_entry *e)
{
	if (e->netns_idx >= n->len || n->v[e->netns_idx].addrs_error < 0)
		return NULL;
	return &n->v[e->netns_idx].addrs;
}

void audit_write(struct outbuf *o, const struct query_plan *p, const struct render_ctx *c)
{
	bool per_netns = p->netns.addrs && c->netns && c->netns->len;
	struct ifaddr_table addrs = { 0 };
	struct exposure_ctx ec = { .addrs = &addrs, .loopback_ifindex = LOOPBACK_IFINDEX };
	const struct sock_table *t = c->table;
	struct audit_sort *v = calloc(t->len ? t->len : 1, sizeof(*v));
	struct audit_row *rows = calloc(t->len ? t->len : 1, sizeof(*rows));
	struct audit_view view = { .rows = rows, .header = p->layout.header, .color = p->color };
	size_t i, n = 0;
	int r;

	if (!v || !rows) {
		outbuf_set_error(o, -ENOMEM);
		goto out;
	}
	/* Under -G/-N each namespace's addresses were dumped from inside it
	 * (netns_request.addrs); otherwise every row is of our own. */
	r = per_netns ? 0 : ifaddr_dump(&addrs);
	if (r < 0 || (per_netns && addrs_error(c->netns, &r)))
		fprintf(stderr, _("lsock: warning: cannot read the address table (%s); "
				  "interfaces are not named\n"), strerror(-r));
	if (r < 0)
		ec.addrs = NULL;
	for (i = 0; i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];

		if (!exposure_is_listener(e))
			continue;
		v[n].row.e = e;
		v[n].index = i;
		if (per_netns)
			ec.addrs = netns_addrs(c->netns, e);
		exposure_classify(&ec, e, false, &v[n].row.v);
		owner_unit(p, c, e, &v[n].unit);
		n++;
	}
	qsort(v, n, sizeof(*v), p->sort.len ? cmp_rows : cmp_default);
	for (i = 0; i < n; i++) {
		rows[i] = v[i].row;
		rows[i].unit = v[i].unit.unit[0] ? v[i].unit.unit : NULL;
	}
	view.len = n;
	if (p->format == OUTPUT_TEXT)
		fmt_audit_text(o, &view, c);
	else
		fmt_audit_json(o, &view, c, p->format == OUTPUT_NDJSON);
out:
	ifaddr_table_free(&addrs);
	free(rows);
	free(v);
}
