// SPDX-License-Identifier: MIT
/*
 * Filter evaluation on one sock_entry.  No allocation: UNIX names are copied
 * to a stack buffer to NUL-terminate them for fnmatch().
 *
 * Address matching follows the kernel's inet_diag bytecode
 * (net/ipv4/inet_diag.c, INET_DIAG_BC_S_COND/D_COND), which is what ss
 * asks the kernel to run, so `lsock FILTER` and `ss FILTER` agree:
 *   - the port, if given, must be equal;
 *   - a condition without a family (`*`, `:22`) matches every family;
 *   - an IPv4 condition also matches an AF_INET6 socket whose address is
 *     v4-mapped (::ffff:a.b.c.d), comparing the last 4 bytes; an IPv6
 *     condition never matches an AF_INET socket;
 *   - otherwise the first plen bits must be equal (plen 0: any address).
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter_internal.h"
#include "lsock/ifnames.h"
#include "lsock/owner.h"
#include "lsock/snapshot.h"

static bool filter_bits_match(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes))
		return false;
	if (bits) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits));

		if ((a[bytes] ^ b[bytes]) & mask)
			return false;
	}
	return true;
}

static bool filter_is_v4mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/*
 * The "port" of a socket side.  ss shows (and filters) a UNIX socket's inode
 * as its local port and the peer's inode as its remote port; we do the same.
 */
static uint32_t filter_entry_port(const struct sock_entry *e, enum filter_side side)
{
	if (e->family == AF_UNIX) {
		if (side == FILTER_SIDE_SRC)
			return e->inode;
		return (e->flags & SOCK_F_PEER_KNOWN) ? e->peer_inode : 0;
	}
	return side == FILTER_SIDE_SRC ? e->lport : e->rport;
}

/* ss matches the glob against the shown name: a path, '@' + abstract name, or
 * "" for an unnamed socket or the (never known) peer name. */
static bool filter_unix_match(const char *glob, enum filter_side side,
			      const struct sock_entry *e, const struct sock_table *t)
{
	uint8_t name[SOCK_DISPLAY_NAME_MAX + 1];
	size_t n = 0;

	if (side == FILTER_SIDE_SRC && (e->flags & SOCK_F_HAS_PATH) && t)
		n = sock_table_display_name(t, e, name);
	/* The NUL ends the name: an abstract name's inner NULs cut it, which
	 * is how ss (C strings) sees it too. */
	name[n] = '\0';
	return fnmatch(glob, (const char *)name, FNM_CASEFOLD) == 0;
}

bool filter_host_match(const struct filter *f, const struct filter_host *h, enum filter_side side,
		       const struct sock_entry *e, const struct sock_table *t)
{
	const uint8_t *addr = side == FILTER_SIDE_SRC ? e->laddr : e->raddr;

	if (h->family == AF_UNIX) {
		if (e->family != AF_UNIX)
			return false;
		return filter_unix_match(f->strings + h->glob_off, side, e, t);
	}
	if (h->port != FILTER_PORT_ANY && (uint32_t)h->port != filter_entry_port(e, side))
		return false;
	if (h->family == AF_UNSPEC)
		return true;
	if (e->family != AF_INET && e->family != AF_INET6)
		return false;
	if (h->family != e->family) {
		if (e->family == AF_INET6 && h->family == AF_INET && filter_is_v4mapped(addr))
			return filter_bits_match(addr + 12, h->addr, h->plen);
		return false;
	}
	return filter_bits_match(addr, h->addr, h->plen);
}

static bool filter_port_cmp(const struct filter_node *n, const struct sock_entry *e)
{
	uint32_t p = filter_entry_port(e, (enum filter_side)n->side);

	switch (n->cmp) {
	case FILTER_CMP_GE:
		return p >= n->value;
	case FILTER_CMP_LE:
		return p <= n->value;
	case FILTER_CMP_GT:
		return p > n->value;
	case FILTER_CMP_LT:
		return p < n->value;
	}
	return false;
}

/* What one evaluation looks at besides the filter and the entry. */
struct filter_eval {
	const struct filter *f;
	const struct sock_table *t;
	const struct owner_map *owners; /* NULL: no socket has an owner */
	/* dev NAME: the interface names of each row's namespace (netns_idx),
	 * looked up inside it; else of the calling thread's namespace, where
	 * the rows were just collected, looked up here; else neither (the
	 * index the name had at parse time). */
	const struct snapshot_netns *netns;
	struct ifname_cache *here;
};

/* dev NAME: whether e is bound to the device of that name in e's namespace. */
static bool filter_dev_name_match(const struct filter_eval *v, const struct filter_node *n,
				  const struct sock_entry *e)
{
	const struct snapshot_ns *ns = snapshot_netns_of(v->netns, e->netns_idx);
	const char *name = NULL;
	bool eq, found;

	if (!(e->flags & SOCK_F_IFINDEX_KNOWN))
		return false;
	/* Index 0: bound to no device, which has no name.  Nor has it the
	 * name that resolved to no index at parse time (n->ifindex 0, which
	 * -G and -N let through): that one names no socket here. */
	if (!ns && !v->here) {
		eq = n->ifindex && e->ifindex == n->ifindex;
		return n->cmp ? !eq : eq;
	}
	if (e->ifindex && ns)
		name = ifname_cache_peek(&ns->ifnames, e->ifindex, &found);
	else if (e->ifindex)
		name = ifname_cache_name(v->here, e->ifindex);
	eq = name && strcmp(name, v->f->strings + n->value) == 0;
	return n->cmp ? !eq : eq;
}

/* pid/comm: whether some holder of e matches node n.  inode 0 (TIME_WAIT,
 * requests) has no holder, and owner_map_find() says so. */
static bool filter_owner_match(const struct filter_eval *v, const struct filter_node *n,
			       const struct sock_entry *e)
{
	const struct owner *o;
	size_t i, k;

	if (!v->owners)
		return false;
	k = owner_map_find(v->owners, e->inode, &o);
	for (i = 0; i < k; i++) {
		const struct owner_proc *pr = owner_map_proc(v->owners, &o[i]);
		char comm[OWNER_COMM_MAX + 1];

		if (n->type == FN_PID) {
			if ((uint32_t)pr->pid == n->value)
				return true;
			continue;
		}
		/* The kernel's comm never holds a NUL (it is a C string there);
		 * any other byte is compared as it is. */
		memcpy(comm, pr->comm, pr->comm_len);
		comm[pr->comm_len] = '\0';
		if (fnmatch(v->f->strings + n->value, comm, 0) == 0)
			return true;
	}
	return false;
}

static bool filter_node_match(const struct filter_eval *v, int i, const struct sock_entry *e)
{
	const struct filter *f = v->f;
	const struct filter_node *n = &f->nodes[i];

	switch (n->type) {
	case FN_AND:
		return filter_node_match(v, n->left, e) && filter_node_match(v, n->right, e);
	case FN_OR:
		return filter_node_match(v, n->left, e) || filter_node_match(v, n->right, e);
	case FN_NOT:
		return !filter_node_match(v, n->left, e);
	case FN_HOST:
		return filter_host_match(f, &n->host, (enum filter_side)n->side, e, v->t);
	case FN_PORT:
		return filter_port_cmp(n, e);
	case FN_DEV:
		if (!(e->flags & SOCK_F_IFINDEX_KNOWN))
			return false;
		return n->cmp ? e->ifindex != n->value : e->ifindex == n->value;
	case FN_DEV_NAME:
		return filter_dev_name_match(v, n, e);
	case FN_FAMILY:
		return e->family == n->family;
	case FN_PID:
	case FN_COMM:
		return filter_owner_match(v, n, e);
	case FN_UID:
		if (!(e->flags & SOCK_F_UID_KNOWN))
			return false;
		return n->cmp ? e->uid != n->value : e->uid == n->value;
	}
	return false;
}

bool filter_match_owners(const struct filter *f, const struct sock_entry *e,
			 const struct sock_table *t, const struct owner_map *owners)
{
	struct filter_eval v = { .f = f, .t = t, .owners = owners };

	if (!f || f->len == 0)
		return true;
	return filter_node_match(&v, f->root, e);
}

bool filter_match(const struct filter *f, const struct sock_entry *e, const struct sock_table *t)
{
	return filter_match_owners(f, e, t, NULL);
}

bool filter_needs_owners(const struct filter *f)
{
	int i;

	if (!f)
		return false;
	for (i = 0; i < f->len; i++)
		if (f->nodes[i].type == FN_PID || f->nodes[i].type == FN_COMM)
			return true;
	return false;
}

struct filter_apply_ctx {
	uint32_t states;
	struct filter_eval v;
};

static bool filter_keep(const struct sock_entry *e, void *data)
{
	const struct filter_apply_ctx *k = data;

	if (!(k->states & SOCK_STATE_BIT(e->state)))
		return false;
	if (!k->v.f || k->v.f->len == 0)
		return true;
	return filter_node_match(&k->v, k->v.f->root, e);
}

/* netns: the namespaces of t's rows; NULL: they are the calling thread's. */
static void filter_apply_in(struct sock_table *t, uint32_t states, const struct filter *f,
			    const struct owner_map *owners, const struct snapshot_netns *netns)
{
	struct ifname_cache here = { 0 };
	struct filter_apply_ctx k = { .states = states,
				      .v = { .f = f, .t = t, .owners = owners, .here = &here } };

	if (netns && netns->len)
		k.v.netns = netns;
	sock_table_filter(t, filter_keep, &k);
	ifname_cache_free(&here);
}

void filter_apply_owners(struct sock_table *t, uint32_t states, const struct filter *f,
			 const struct owner_map *owners)
{
	filter_apply_in(t, states, f, owners, NULL);
}

void filter_apply(struct sock_table *t, uint32_t states, const struct filter *f)
{
	filter_apply_owners(t, states, f, NULL);
}

static void filter_prune_before(struct sock_table *t, void *data)
{
	const struct filter_prune *fp = data;

	/* A pid or comm predicate waits for the owners (filter_prune_after):
	 * keep the states now, so the walk looks only for those rows. */
	filter_apply(t, fp->states, filter_needs_owners(fp->filter) ? NULL : fp->filter);
}

static void filter_prune_after(struct sock_table *t, const struct owner_map *owners,
			       const struct snapshot_netns *netns, void *data)
{
	const struct filter_prune *fp = data;

	filter_apply_in(t, fp->states, fp->filter, owners, netns);
}

void filter_prune_request(struct snapshot_request *req, const struct filter_prune *fp)
{
	req->prune = filter_prune_before;
	req->prune_owned = NULL;
	req->prune_data = (void *)fp;
	if (filter_needs_owners(fp->filter)) {
		req->owners = true;
		req->prune_owned = filter_prune_after;
	}
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	free(f->strings);
	free(f);
}
