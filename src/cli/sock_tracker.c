/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lsock/i18n.h"
#include "lsock/report.h"
#include "lsock/snapshot.h"
#include "lsock/sock_tracker.h"
#include "lsock/u32set.h"

int mode_render_init(struct mode_render *r, const struct query_plan *plan)
{
	memset(r, 0, sizeof(*r));
	if (plan->needs & NEED_SERVICES) {
		int e = services_load(&r->services);

		if (e < 0)
			return e;
		r->services_loaded = true;
	}
	return 0;
}

void mode_render_free(struct mode_render *r)
{
	user_cache_free(&r->users);
	ifname_cache_free(&r->ifnames);
	protoname_cache_free(&r->protonames);
	services_free(&r->services);
	memset(r, 0, sizeof(*r));
}

struct render_ctx mode_render_ctx(struct mode_render *r, const struct query_plan *plan,
				  const struct sock_table *t, const struct owner_map *m,
				  struct snapshot_netns *netns)
{
	return (struct render_ctx){
		.table = t,
		.netns = netns,
		.owners = plan->needs & NEED_OWNERS ? m : NULL,
		.services = r->services_loaded ? &r->services : NULL,
		.protonames = r->services_loaded ? &r->protonames : NULL,
		.users = plan->needs & NEED_USERS ? &r->users : NULL,
		.ifnames = &r->ifnames,
		.owners_complete = m && owner_map_complete(m),
	};
}

/* Sorted inodes, for the walk's want() and the merge's. */
struct inode_set {
	uint32_t *v;
	size_t len;
};

static bool in_set(uint32_t inode, void *data)
{
	const struct inode_set *s = data;

	return u32_sorted_has(s->v, s->len, inode);
}

/* The inodes of t's rows. */
static int inodes_of(const struct sock_table *t, struct inode_set *ret)
{
	size_t i;

	ret->len = 0;
	ret->v = malloc((t->len ? t->len : 1) * sizeof(*ret->v));
	if (!ret->v)
		return -ENOMEM;
	for (i = 0; i < t->len; i++)
		if (t->entries[i].inode)
			ret->v[ret->len++] = t->entries[i].inode;
	ret->len = u32_sort_unique(ret->v, ret->len);
	return 0;
}

/*
 * The inodes that need a walk: those of sockets new in cur, and of
 * sockets that have an inode now and had another (or none) in the last
 * snapshot: a connection waiting in a listener's queue has no file, and
 * so no inode, until accept() gives it one.  A socket whose owner a
 * walk could not see is not looked for again.
 */
static int inodes_needed(const struct sock_tracker *t, const struct sock_table *cur,
			 struct inode_set *ret)
{
	size_t i;

	ret->len = 0;
	ret->v = malloc((cur->len ? cur->len : 1) * sizeof(*ret->v));
	if (!ret->v)
		return -ENOMEM;
	for (i = 0; i < cur->len; i++) {
		const struct sock_entry *e = &cur->entries[i], *old;

		if (!e->inode)
			continue;
		old = sock_tracker_find(t, e);
		if (!old || old->inode != e->inode)
			ret->v[ret->len++] = e->inode;
	}
	ret->len = u32_sort_unique(ret->v, ret->len);
	return 0;
}

/* Drops from s the inodes that m already names a holder of. */
static void drop_known(struct inode_set *s, const struct owner_map *m)
{
	size_t i, j = 0;

	for (i = 0; i < s->len; i++) {
		const struct owner *first;

		if (!owner_map_find(m, s->v[i], &first))
			s->v[j++] = s->v[i];
	}
	s->len = j;
}

static struct snapshot_request tracker_request(struct sock_tracker *t, bool owners)
{
	struct snapshot_request req = { .collect = t->plan->spec, .owners = owners,
					.owner_ctx = t->owner_ctx };

	/* --events keeps every state: a socket is destroyed in a state other
	 * than the one it was listed in, and its owner must still be known.
	 * Its notifications come from lsock's own namespace only (the
	 * multicast groups are per namespace), so its snapshots are too. */
	if (t->plan->mode == MODE_EVENTS)
		req.collect.states = SOCK_STATES_ALL;
	else
		req.netns = &t->netns_req;
	filter_prune_request(&req, &t->fp);
	return req;
}

/* Under --all-netns, holds every namespace listed (see netns_pins.h). */
static int pin_namespaces(struct sock_tracker *t)
{
	if (t->netns_req.select != NETNS_SELECT_ALL)
		return 0;
	return netns_pins_update(&t->pins, &t->netns, &t->table);
}

int sock_tracker_start(struct sock_tracker *t, const struct query_plan *plan)
{
	struct snapshot_request req;
	struct snapshot snap;
	int r;

	memset(t, 0, sizeof(*t));
	t->plan = plan;
	/* The namespaces of the listing; the count of other namespaces'
	 * listeners is a note for a one-shot listing, not for every tick. */
	t->netns_req = plan->netns;
	t->netns_req.note = false;
	/* The destroy multicast is of lsock's own namespace (the group's
	 * socket is bound there): the snapshot that names its sockets is
	 * too, so an event's netns_idx 0 is that namespace. */
	if (plan->mode == MODE_EVENTS)
		t->netns_req.select = NETNS_SELECT_CURRENT;
	/* One owner source for every walk of the run: the BPF program is
	 * loaded once, not once per snapshot. */
	if (owner_ctx_new((enum owner_source)plan->spec.owner_source, &t->owner_ctx) < 0) {
		fprintf(stderr, _("lsock: out of memory\n"));
		return 3;
	}
	t->fp = (struct filter_prune){ .states = plan->spec.states, .filter = plan->filter };
	if (plan->mode == MODE_EVENTS)
		t->fp.states = SOCK_STATES_ALL;
	req = tracker_request(t, plan->needs & NEED_OWNERS);
	r = snapshot_take(&req, &snap);
	report_collect(&plan->spec, &snap.report, plan->verbose);
	report_churn(&snap.churn, plan->verbose);
	if (r < 0) {
		r = report_snapshot_failure(&plan->spec, &snap.report, snap.owners_error, r);
		snapshot_free(&snap);
		return r;
	}
	if (snap.owners_walked && !owner_map_complete(&snap.owners))
		report_owner_note(&snap.owners, plan->format, plan->verbose);
	t->table = snap.table;
	t->owners = snap.owners;
	t->netns = snap.netns;
	memset(&snap.table, 0, sizeof(snap.table));
	memset(&snap.owners, 0, sizeof(snap.owners));
	memset(&snap.netns, 0, sizeof(snap.netns));
	snapshot_free(&snap);
	r = pin_namespaces(t);
	if (r == 0)
		r = snapshot_diff_index(&t->table, &t->netns, &t->order);
	if (r < 0) {
		fprintf(stderr, "lsock: %s\n", strerror(-r));
		return 3;
	}
	return 0;
}

/* The owners of the new snapshot cur: the kept ones of its sockets, and
 * those of a walk (fresh, from the snapshot or made here for new sockets). */
static int next_owners(struct sock_tracker *t, struct snapshot *snap, struct owner_map *ret,
		       bool *ret_walked)
{
	struct owner_map fresh = { 0 };
	struct inode_set keep = { 0 }, need = { 0 };
	int r;

	*ret_walked = snap->owners_walked;
	memset(ret, 0, sizeof(*ret));
	if (!(t->plan->needs & NEED_OWNERS) && !snap->owners_walked)
		return 0;
	r = inodes_of(&snap->table, &keep);
	if (r == 0 && !snap->owners_walked)
		r = inodes_needed(t, &snap->table, &need);
	if (r < 0)
		goto out;
	if (snap->owners_walked) {
		fresh = snap->owners;
		memset(&snap->owners, 0, sizeof(snap->owners));
	} else {
		drop_known(&need, &t->owners);
		if (need.len) {
			r = owner_map_build_from_ctx(t->plan->spec.proc_root,
						     (enum owner_source)t->plan->spec.owner_source,
						     t->owner_ctx, in_set, &need, &fresh);
			*ret_walked = r == 0;
			if (r == -ENOMEM)
				goto out;
			if (r < 0 && !t->walk_warned) {
				fprintf(stderr, _("lsock: warning: cannot resolve owners from %s: %s\n"),
					t->plan->spec.proc_root, strerror(-r));
				t->walk_warned = true;
			}
		}
		if (!*ret_walked) {
			/* Nothing new to look for: what the kept map can vouch
			 * for stays as it was. */
			fresh.n_denied = t->owners.n_denied;
			memcpy(fresh.denied, t->owners.denied, sizeof(fresh.denied));
			fresh.n_irregular = t->owners.n_irregular;
			fresh.hidepid = t->owners.hidepid;
			fresh.privileged = t->owners.privileged;
			fresh.foreign_pidns = t->owners.foreign_pidns;
		}
	}
	r = owner_map_merge(&fresh, &t->owners, in_set, &keep, ret);
out:
	owner_map_free(&fresh);
	free(keep.v);
	free(need.v);
	return r;
}

int sock_tracker_update(struct sock_tracker *t, struct sock_tracker_tick *ret)
{
	/* Owners come from the walk for new sockets, unless the filter needs
	 * them for every row (pid, comm): then the snapshot walks. */
	struct snapshot_request req = tracker_request(t, false);
	struct owner_map owners;
	struct snapshot snap;
	size_t *order = NULL;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = snapshot_take(&req, &snap);
	if (r < 0) {
		report_collect(&t->plan->spec, &snap.report, false);
		r = report_snapshot_failure(&t->plan->spec, &snap.report, snap.owners_error, r);
		snapshot_free(&snap);
		return r;
	}
	r = snapshot_diff(&t->table, &t->netns, &snap.table, &snap.netns, &ret->changes,
			  &ret->nchanges);
	if (r == 0)
		r = next_owners(t, &snap, &owners, &ret->walked);
	if (r == 0) {
		r = snapshot_diff_index(&snap.table, &snap.netns, &order);
		if (r < 0)
			owner_map_free(&owners);
	}
	if (r < 0) {
		snapshot_free(&snap);
		fprintf(stderr, _("lsock: out of memory\n"));
		return 3;
	}
	ret->prev = t->table;
	ret->prev_owners = t->owners;
	ret->prev_netns = t->netns;
	free(t->order);
	t->table = snap.table;
	t->owners = owners;
	t->netns = snap.netns;
	t->order = order;
	memset(&snap.table, 0, sizeof(snap.table));
	memset(&snap.netns, 0, sizeof(snap.netns));
	snapshot_free(&snap);
	r = pin_namespaces(t);
	if (r < 0) {
		fprintf(stderr, _("lsock: cannot hold the namespaces open: %s\n"), strerror(-r));
		return 3;
	}
	return 0;
}

void sock_tracker_tick_free(struct sock_tracker_tick *k)
{
	sock_table_free(&k->prev);
	owner_map_free(&k->prev_owners);
	snapshot_netns_free(&k->prev_netns);
	free(k->changes);
	memset(k, 0, sizeof(*k));
}

const struct sock_entry *sock_tracker_find(const struct sock_tracker *t, const struct sock_entry *e)
{
	struct sock_key k;

	if (!t->order)
		return NULL;
	snapshot_diff_key(&t->netns, e, &k);
	return snapshot_diff_find(&t->table, &t->netns, t->order, t->table.len, &k);
}

void sock_tracker_free(struct sock_tracker *t)
{
	sock_table_free(&t->table);
	owner_map_free(&t->owners);
	snapshot_netns_free(&t->netns);
	netns_pins_free(&t->pins);
	owner_ctx_free(t->owner_ctx);
	free(t->order);
	memset(t, 0, sizeof(*t));
}

int mode_signalfd(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

int mode_begin(struct mode_io *m, const struct query_plan *plan)
{
	int r;

	m->sigfd = mode_signalfd();
	if (m->sigfd < 0) {
		fprintf(stderr, _("lsock: cannot watch for signals: %s\n"), strerror(-m->sigfd));
		return 3;
	}
	r = mode_render_init(&m->mr, plan);
	if (r == 0)
		r = outbuf_init(&m->o, STDOUT_FILENO);
	if (r < 0) {
		fprintf(stderr, "lsock: %s\n", strerror(-r));
		mode_render_free(&m->mr);
		close(m->sigfd);
		return 3;
	}
	return 0;
}

void mode_end(struct mode_io *m)
{
	outbuf_free(&m->o);
	mode_render_free(&m->mr);
	close(m->sigfd);
}
