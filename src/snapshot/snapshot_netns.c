/* SPDX-License-Identifier: MIT */
/*
 * Snapshots of other network namespaces (see snapshot_netns.h).
 *
 * setns(CLONE_NEWNET) moves only the calling thread, and lsock has one:
 * /proc/self/net is then /proc/thread-self/net, which the /proc fallback
 * reads by name all the same.  Entering a namespace needs CAP_SYS_ADMIN
 * over its user namespace even for the one we are in, so ours is never
 * entered: its collection runs where we are.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lsock/array.h"
#include "lsock/snapshot_netns.h"
#include "lsock/cgroup.h"
#include "lsock/diag_cgroup.h"
#include "lsock/ifaddr_dump.h"
#include "lsock/u32set.h"
#include "lsock/unit.h"
#include "snapshot_internal.h"

/* nsfs' magic (NSFS_MAGIC in linux/magic.h): fstatfs tells a namespace file. */
#define NSFS_MAGIC_VALUE 0x6e736673

struct take {
	const struct snapshot_request *req;
	struct snapshot *snap;
	struct collect_spec spec; /* req->collect, reading /proc/thread-self/net */
	char net_root[PATH_MAX];
	int orig_fd;              /* our namespace, to come back to */
	uint64_t orig_dev, orig_ino;
	uint32_t *known;          /* every inode collected, before the prune */
	size_t nknown, known_cap;
	bool have_report;
	const uint32_t *listed;   /* our own listing's inodes, sorted (note), or NULL */
	size_t nlisted;
	bool explain;             /* note: dump every socket, so that the socket scan
				   * asks only of those no dump explains */
	const struct snapshot_own_dump *own; /* that dump of ours, taken already, or NULL */
};

void snapshot_netns_free(struct snapshot_netns *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->len; i++) {
		ifname_cache_free(&n->v[i].ifnames);
		ifaddr_table_free(&n->v[i].addrs);
	}
	free(n->v);
	for (i = 0; i < n->nunits; i++) {
		free(n->units[i].unit);
		free(n->units[i].user_unit);
	}
	free(n->units);
	for (i = 0; i < n->nsocket_units; i++)
		free(n->socket_units[i].unit);
	free(n->socket_units);
	netns_set_free(&n->set);
	memset(n, 0, sizeof(*n));
}

static bool is_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int keep(const char *path, char **ret)
{
	*ret = strdup(path);
	return *ret ? 0 : -ENOMEM;
}

int snapshot_netns_resolve(const char *arg, const char *proc_root, char **ret)
{
	char path[PATH_MAX];
	struct statfs sf;
	int n, fd;

	*ret = NULL;
	if (!arg || !*arg)
		return -EINVAL;
	if (is_digits(arg))
		n = snprintf(path, sizeof(path), "%s/%s/ns/net", proc_root, arg);
	else if (strchr(arg, '/'))
		n = snprintf(path, sizeof(path), "%s", arg);
	else if (strcmp(arg, ".") && strcmp(arg, ".."))
		n = snprintf(path, sizeof(path), "/run/netns/%s", arg);
	else
		return -EINVAL;
	if (n < 0 || (size_t)n >= sizeof(path))
		return -EINVAL;
	/* Only "not there" and "not a namespace" are the argument's fault: a
	 * namespace we may not open is one we may not enter (exit 3 later). */
	if (statfs(path, &sf) < 0)
		return errno == EACCES || errno == EPERM ? keep(path, ret) : -EINVAL;
	if ((unsigned long)sf.f_type != NSFS_MAGIC_VALUE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0) {
		/* NS_GET_NSTYPE (Linux 4.11): a mount or pid namespace is no
		 * network namespace. */
		int type = ioctl(fd, NS_GET_NSTYPE);

		close(fd);
		if (type >= 0 && type != CLONE_NEWNET)
			return -EINVAL;
	}
	return keep(path, ret);
}

/* The namespace of lsock's thread. */
static int stat_own(struct take *t)
{
	struct stat st;

	t->orig_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (t->orig_fd < 0)
		return -errno;
	if (fstat(t->orig_fd, &st) < 0)
		return -errno;
	t->orig_dev = st.st_dev;
	t->orig_ino = st.st_ino;
	return 0;
}

static int add_known_inodes(struct take *t, const uint32_t *v, size_t n)
{
	int r = array_grow((void **)&t->known, &t->known_cap, t->nknown + n, sizeof(*t->known), 256);

	if (r < 0)
		return r;
	if (n)
		memcpy(t->known + t->nknown, v, n * sizeof(*v));
	t->nknown += n;
	return 0;
}

static int add_known(struct take *t, const struct sock_table *tab)
{
	size_t i;
	int r = array_grow((void **)&t->known, &t->known_cap, t->nknown + tab->len,
			   sizeof(*t->known), 256);

	if (r < 0)
		return r;
	for (i = 0; i < tab->len; i++)
		if (tab->entries[i].inode)
			t->known[t->nknown++] = tab->entries[i].inode;
	return 0;
}

/* Looks up every bound interface of tab while inside its namespace. */
static void resolve_ifnames(struct snapshot_ns *v, const struct sock_table *tab)
{
	size_t i;

	for (i = 0; i < tab->len; i++) {
		const struct sock_entry *e = &tab->entries[i];

		if ((e->flags & SOCK_F_IFINDEX_KNOWN) && e->ifindex)
			(void)ifname_cache_name(&v->ifnames, e->ifindex);
	}
}

static int add_view(struct snapshot_netns *n, uint64_t dev, uint64_t ino, struct snapshot_ns **ret)
{
	size_t cap = n->len; /* grown one by one: a few hundred at most in practice */
	int r;

	*ret = NULL;
	if (n->len >= SNAPSHOT_NETNS_MAX)
		return -E2BIG;
	r = array_grow((void **)&n->v, &cap, n->len + 1, sizeof(*n->v), 1);
	if (r < 0)
		return r;
	*ret = &n->v[n->len++];
	memset(*ret, 0, sizeof(**ret));
	(*ret)->dev = dev;
	(*ret)->ino = ino;
	return 0;
}

static bool listed(const struct snapshot_netns *n, uint64_t dev, uint64_t ino)
{
	size_t i;

	for (i = 0; i < n->len; i++)
		if (n->v[i].dev == dev && n->v[i].ino == ino)
			return true;
	return false;
}

/*
 * Collects the namespace of nsfd ((dev, ino); nsfd -1 for our own) into the
 * snapshot.  Returns 0; -errno of setns() into it (nothing collected);
 * -ENOMEM; or -ENOTRECOVERABLE when we could not come back (then nothing
 * more may be collected: we are in the wrong namespace).
 */
static int collect_ns(struct take *t, int nsfd, uint64_t dev, uint64_t ino)
{
	struct snapshot *s = t->snap;
	struct sock_table tab = { 0 };
	struct collect_report rep;
	struct snapshot_ns *v;
	bool own = nsfd < 0 || (dev == t->orig_dev && ino == t->orig_ino);
	size_t i;
	int r, cr;

	r = add_view(&s->netns, dev, ino, &v);
	if (r < 0)
		return r;
	if (!own && setns(nsfd, CLONE_NEWNET) < 0) {
		s->netns.len--;
		return -errno;
	}
	cr = collect_run(own ? &t->req->collect : &t->spec, &tab, &rep);
	/* -s: the kernel's figures are per namespace too (sockstat_seq_show()
	 * reads them from the reader's struct net): read from in here. */
	if (cr != -ENOMEM && t->req->netns->sockstat &&
	    sockstat_read(own ? t->req->collect.proc_root : t->spec.proc_root, &v->kernel) == -ENOMEM)
		cr = -ENOMEM;
	/* --audit: an address belongs to one namespace's interfaces
	 * (RTM_GETADDR answers for the socket's netns): dump it from in here. */
	if (cr != -ENOMEM && t->req->netns->addrs) {
		v->addrs_error = ifaddr_dump(&v->addrs);
		if (v->addrs_error == -ENOMEM)
			cr = -ENOMEM;
		for (i = 0; i < v->addrs.len; i++)
			(void)ifname_cache_name(&v->ifnames, v->addrs.v[i].ifindex);
	}
	v->unix_check = cr == 0 && t->req->owners && snapshot_unix_needs_check(&rep);
	for (i = 0; i < tab.len; i++)
		v->nunix += tab.entries[i].family == AF_UNIX;
	r = cr == -ENOMEM ? cr : add_known(t, &tab);
	if (r == 0 && t->req->prune)
		t->req->prune(&tab, t->req->prune_data);
	if (r == 0)
		resolve_ifnames(v, &tab);
	if (!own && setns(t->orig_fd, CLONE_NEWNET) < 0)
		r = -ENOTRECOVERABLE;
	/* The first namespace's report is the snapshot's: a slot that no
	 * source served there is a failure, as without --all-netns. */
	if (!t->have_report) {
		s->report = rep;
		t->have_report = true;
		if (r == 0 && cr < 0)
			r = cr;
	}
	for (i = 0; r == 0 && i < tab.len; i++) {
		struct sock_entry e = tab.entries[i];

		e.netns_idx = (uint16_t)(s->netns.len - 1);
		r = sock_table_add(&s->table, &e, sock_table_name(&tab, &tab.entries[i]), e.path_len);
	}
	sock_table_free(&tab);
	return r;
}

/* Opens and collects ns (from the set); a namespace that cannot be opened
 * or entered counts as unentered. */
static int collect_set_entry(struct take *t, const struct netns *ns)
{
	uint64_t dev = ns->dev, ino = ns->ino;
	int fd = -1, r = 0;

	if (listed(&t->snap->netns, dev, ino))
		return 0;
	if (!(dev == t->orig_dev && ino == t->orig_ino))
		r = netns_open(ns, &fd);
	if (r == 0)
		r = collect_ns(t, fd, dev, ino);
	if (fd >= 0)
		close(fd);
	if (r == -ENOMEM || r == -ENOTRECOVERABLE || r == -E2BIG)
		return r;
	/* One that went since it was seen is no longer there to show. */
	if (r < 0 && r != -ESTALE && r != -ENOENT && r != -ESRCH) {
		t->snap->netns.n_unentered++;
		t->snap->netns.unentered_error = r;
	}
	return 0;
}

/* Every namespace of the set not listed yet, the initial one first. */
static int collect_set(struct take *t)
{
	struct netns_set *set = &t->snap->netns.set;
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < set->len; i++)
		if (set->v[i].is_initial)
			r = collect_set_entry(t, &set->v[i]);
	/* set->v does not move here: nothing is added while collecting. */
	for (i = 0; r == 0 && i < set->len; i++)
		r = collect_set_entry(t, &set->v[i]);
	return r;
}

/* Whether a dump listed inode (t->known sorted).  (snapshot_sockns_scan.explained) */
static bool explained(void *data, uint32_t inode)
{
	const struct take *t = data;

	return u32_sorted_has(t->known, t->nknown, inode) ||
	       u32_sorted_has(t->listed, t->nlisted, inode);
}

static void sort_known(struct take *t)
{
	t->nknown = u32_sort_unique(t->known, t->nknown);
}

/* A namespace a socket holds, listed yet?  (snapshot_sockns_scan.seen) */
static bool take_seen(void *data, uint64_t dev, uint64_t ino)
{
	const struct take *t = data;

	return listed(&t->snap->netns, dev, ino);
}

/* One kept alive only by a socket: into the set, and collected right
 * away, through the fd SIOCGSKNS gave.  (snapshot_sockns_scan.found) */
static int take_found(void *data, int nsfd, const struct stat *st, const struct netns_path *p)
{
	struct take *t = data;
	struct snapshot *s = t->snap;
	struct netns *ns;
	int r = netns_set_add(&s->netns.set, st->st_dev, st->st_ino, NETNS_SRC_SOCKET, p, &ns);

	if (r == 0)
		r = collect_ns(t, nsfd, st->st_dev, st->st_ino);
	if (r != -ENOMEM && r != -ENOTRECOVERABLE && r != -E2BIG && r < 0) {
		s->netns.n_unentered++;
		s->netns.unentered_error = r;
		r = 0;
	}
	/* Its sockets are explained now: not asked about one by one. */
	sort_known(t);
	return r;
}

/* The set's namespaces that only the walk found (nsfs fds), not tried yet. */
static int collect_walk_found(struct take *t)
{
	struct netns_set *set = &t->snap->netns.set;
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < set->len; i++)
		if (set->v[i].sources == NETNS_SRC_FD)
			r = collect_set_entry(t, &set->v[i]);
	return r;
}

/* Drops from v[0..*n) (sorted) the inodes of rows[from..) of t. */
static void drop_listed(uint32_t *v, size_t *n, const struct sock_table *t, size_t from)
{
	size_t i, j = 0, k;

	for (i = 0; i < *n; i++) {
		for (k = from; k < t->len && t->entries[k].inode != v[i]; k++)
			;
		if (k == t->len)
			v[j++] = v[i];
	}
	*n = j;
}

/*
 * The held sockets that no dump listed (unknown[0..*n), sorted), looked for
 * in every namespace whose UNIX dump may have missed some under churn, as
 * snapshot_take() does in ours; the ones found there are taken off the
 * list, which is left for collect_walk().
 */
static int recover_views(struct take *t, uint32_t *unknown, size_t *n)
{
	struct snapshot *s = t->snap;
	uint32_t *work = NULL;
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < s->netns.len && *n; i++) {
		const struct snapshot_ns *v = &s->netns.v[i];
		bool own = v->dev == t->orig_dev && v->ino == t->orig_ino;
		const struct netns *ns = netns_set_find(&s->netns.set, v->dev, v->ino);
		size_t before = s->table.len;
		int fd = -1;

		if (!v->unix_check)
			continue;
		if (!own && (!ns || netns_open(ns, &fd) < 0 || setns(fd, CLONE_NEWNET) < 0)) {
			/* Entered a moment ago: it went since, and its
			 * sockets with it. */
			if (fd >= 0)
				close(fd);
			continue;
		}
		/* The recovery shrinks its list to what this namespace's
		 * processes hold: it works on a copy. */
		if (!work && !(work = malloc(*n * sizeof(*work))))
			r = -ENOMEM;
		if (r == 0) {
			memcpy(work, unknown, *n * sizeof(*work));
			r = snapshot_recover_unix(t->req, s, work, *n, v->nunix, (uint16_t)i);
		}
		if (!own && setns(t->orig_fd, CLONE_NEWNET) < 0)
			r = -ENOTRECOVERABLE;
		if (fd >= 0)
			close(fd);
		drop_listed(unknown, n, &s->table, before);
	}
	free(work);
	return r;
}

/*
 * The namespaces that only the fd walk finds, from its map m: those of
 * nsfs fds, collected first; then those held only by a socket, among the
 * held sockets that no dump listed (unknown[0..n), recorded in m with
 * their holders) or, from the BPF iterator, by namespace.
 */
static int collect_walk(struct take *t, const struct owner_map *m, const uint32_t *unknown,
			size_t n)
{
	struct snapshot_sockns_scan sc = { .proc_root = t->req->collect.proc_root,
					   .set = &t->snap->netns.set, .explained = explained,
					   .seen = take_seen, .found = take_found, .data = t };
	int r = snapshot_netns_add_nsfds(sc.set, t->req->collect.proc_root, m);

	if (r == 0)
		r = collect_walk_found(t);
	if (r < 0)
		return r;
	/* The fd-held namespaces' sockets are explained now. */
	sort_known(t);
	return snapshot_netns_find_sockns(&sc, m, unknown, n);
}

/* The --netns namespace: added to the set (it may be a path no scan saw). */
static int add_one(struct take *t, const char *path_s, struct netns **ret)
{
	struct netns_path p = { .kind = NETNS_PATH_MOUNT, .path = (char *)path_s };
	struct stat st;

	*ret = NULL;
	if (stat(path_s, &st) < 0)
		return -errno;
	return netns_set_add(&t->snap->netns.set, st.st_dev, st.st_ino, NETNS_SRC_MOUNT, &p, ret);
}

static int finish_views(struct snapshot_netns *n, const char *proc_root)
{
	size_t i;
	int r = netns_set_name(&n->set, proc_root, NULL);

	for (i = 0; i < n->len; i++)
		n->v[i].ns = netns_set_find(&n->set, n->v[i].dev, n->v[i].ino);
	return r;
}

static int cmp_socket_unit(const void *a, const void *b)
{
	const struct snapshot_socket_unit *x = a, *y = b;

	return (x->inode > y->inode) - (x->inode < y->inode);
}

const char *snapshot_netns_socket_unit(const struct snapshot_netns *n, uint32_t inode)
{
	const struct snapshot_socket_unit key = { .inode = inode }, *p;

	if (!n || !n->nsocket_units)
		return NULL;
	p = bsearch(&key, n->socket_units, n->nsocket_units, sizeof(key), cmp_socket_unit);
	return p ? p->unit : NULL;
}

/* Whether pid 1 holds e and nobody else does. */
static bool held_by_init_only(const struct owner_map *m, const struct sock_entry *e)
{
	const struct owner *o;
	size_t i, k = e->inode ? owner_map_find(m, e->inode, &o) : 0;

	for (i = 0; i < k; i++)
		if (owner_map_proc(m, &o[i])->pid != 1)
			return false;
	return k > 0;
}

/*
 * The .socket units of the inet listeners of our own namespace (own_idx)
 * that only pid 1 holds: systemd made them in a helper inside the socket
 * unit's cgroup, which INET_DIAG_CGROUP_ID names.  Nothing here is fatal
 * but -ENOMEM: without sock_diag or cgroup2 they simply have no unit.
 */
static int read_socket_units(struct snapshot *s, uint16_t own_idx, bool check_idx)
{
	struct snapshot_netns *n = &s->netns;
	uint32_t *inodes = NULL, protos = 0;
	uint64_t *ids = NULL;
	char **paths = NULL;
	size_t i, k = 0;
	int r = 0;

	inodes = malloc((s->table.len ? s->table.len : 1) * sizeof(*inodes));
	if (!inodes)
		return -ENOMEM;
	for (i = 0; i < s->table.len; i++) {
		const struct sock_entry *e = &s->table.entries[i];

		if ((e->family != AF_INET && e->family != AF_INET6) ||
		    (check_idx && e->netns_idx != own_idx) ||
		    !(SOCK_STATE_BIT(e->state) & SOCK_STATES_LISTENING) ||
		    !held_by_init_only(&s->owners, e))
			continue;
		inodes[k++] = e->inode;
		protos |= SOCK_PROTO_BIT(e->proto);
	}
	if (!k)
		goto out;
	k = u32_sort_unique(inodes, k);
	ids = calloc(k, sizeof(*ids));
	paths = calloc(k, sizeof(*paths));
	n->socket_units = calloc(k, sizeof(*n->socket_units));
	if (!ids || !paths || !n->socket_units) {
		r = -ENOMEM;
		goto out;
	}
	if (diag_cgroup_ids(protos, SOCK_STATES_LISTENING, inodes, k, ids) == -ENOMEM ||
	    cgroup_find_ids(NULL, ids, k, paths) == -ENOMEM) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < k && r == 0; i++) {
		struct unit_names u;

		if (!ids[i] || !paths[i] ||
		    unit_from_cgroup_path(paths[i], strlen(paths[i]), &u) < 0 || !u.unit)
			continue;
		n->socket_units[n->nsocket_units].inode = inodes[i];
		n->socket_units[n->nsocket_units].unit = strndup(u.unit, u.unit_len);
		if (!n->socket_units[n->nsocket_units++].unit)
			r = -ENOMEM;
	}
out:
	for (i = 0; paths && i < k; i++)
		free(paths[i]);
	free(paths);
	free(ids);
	free(inodes);
	return r;
}

/* The systemd units of every owner process, read from its cgroup file. */
static int read_units(const char *proc_root, const struct owner_map *m, struct snapshot_netns *n)
{
	int procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t i;
	int r = 0;

	if (procfd < 0)
		return 0; /* no units, as for a process that went */
	n->units = calloc(m->nprocs ? m->nprocs : 1, sizeof(*n->units));
	if (!n->units) {
		close(procfd);
		return -ENOMEM;
	}
	n->nunits = m->nprocs;
	for (i = 0; r == 0 && i < m->nprocs; i++) {
		struct unit_info u;
		char rel[32];

		snprintf(rel, sizeof(rel), "%d/cgroup", (int)m->procs[i].pid);
		if (unit_read_at(procfd, rel, &u) < 0)
			continue;
		if (u.unit[0] && !(n->units[i].unit = strdup(u.unit)))
			r = -ENOMEM;
		if (u.user_unit[0] && !(n->units[i].user_unit = strdup(u.user_unit)))
			r = -ENOMEM;
	}
	close(procfd);
	return r;
}

int snapshot_netns_take(const struct snapshot_request *req, struct snapshot *ret)
{
	const struct netns_request *nr = req->netns;
	const char *proc_root = req->collect.proc_root;
	struct take t = { .req = req, .snap = ret, .spec = req->collect, .orig_fd = -1 };
	uint32_t *unknown = NULL;
	size_t nunknown = 0;
	bool walked = false;
	struct netns *one = NULL;
	struct owner_map map = { 0 };
	int r;

	sock_table_init(&ret->table);
	/* A fake tree (tests) has no thread-self; its net/ is what it is. */
	snprintf(t.net_root, sizeof(t.net_root), "%s",
		 strcmp(proc_root, "/proc") ? proc_root : "/proc/thread-self");
	t.spec.proc_root = t.net_root;
	r = stat_own(&t);
	if (r == 0)
		r = netns_discover(proc_root, NETNS_SRC_PROC | NETNS_SRC_MOUNT, &ret->netns.set);
	if (r == 0 && nr->select == NETNS_SELECT_ONE) {
		r = add_one(&t, nr->path, &one);
		if (r == 0) {
			uint64_t dev = one->dev, ino = one->ino;
			int fd = -1;

			if (!(dev == t.orig_dev && ino == t.orig_ino))
				r = netns_open(one, &fd);
			if (r == 0)
				r = collect_ns(&t, fd, dev, ino);
			if (fd >= 0)
				close(fd);
		}
		if (r < 0 && r != -ENOMEM)
			ret->netns.enter_error = r;
	} else if (r == 0) {
		r = collect_set(&t);
	}
	if (r < 0)
		goto out;
	sort_known(&t);
	/*
	 * One fd walk, after the dumps (it records the held sockets they did
	 * not list): the owners with -p, and under --all-netns the namespaces
	 * that only an fd or a socket holds, which are collected after it.
	 * Without -p it runs for those alone, recording no owner to show.
	 */
	if (req->owners || nr->select == NETNS_SELECT_ALL) {
		static const uint32_t none_known[1];
		struct sock_table none;
		bool walk_ok;

		sock_table_init(&none);
		r = owner_map_build_for_ctx(proc_root,
					    req->owners || req->collect.owner_source == OWNER_SOURCE_PROC
						    ? req->collect.owner_source
						    : OWNER_SOURCE_AUTO,
					    req->owner_ctx, req->owners ? &ret->table : &none,
					    /* Non-NULL even when no dump gave a row: a NULL
					     * list tells the walk nobody needs it, and the
					     * fd- and socket-held namespaces go unfound. */
					    t.known ? t.known : none_known, t.nknown, &map, &walked,
					    &unknown, &nunknown);
		if (r < 0 && req->owners) {
			ret->owners_error = r;
			goto out;
		}
		walk_ok = r == 0;
		/* Without -p, a walk that failed only finds nothing more. */
		if (r < 0 && r != -ENOMEM && r != -EMFILE && r != -ENFILE)
			r = 0;
		if (req->owners) {
			ret->owners = map;
			ret->owners_walked = walked;
			memset(&map, 0, sizeof(map));
			/* The churn recovery reads the holders recorded there. */
			if (r == 0)
				r = recover_views(&t, unknown, &nunknown);
		}
		if (r == 0 && walk_ok && nr->select == NETNS_SELECT_ALL)
			r = collect_walk(&t, req->owners ? &ret->owners : &map, unknown, nunknown);
		owner_map_free(&map);
		if (!req->owners)
			walked = false;
	}
	if (r == 0)
		r = finish_views(&ret->netns, proc_root);
	if (r == 0 && nr->units && walked)
		r = read_units(proc_root, &ret->owners, &ret->netns);
	if (r == 0 && nr->units && walked && ret->netns.len &&
	    ret->netns.v[0].dev == t.orig_dev && ret->netns.v[0].ino == t.orig_ino)
		r = read_socket_units(ret, 0, true);
	if (r == 0 && req->prune_owned)
		req->prune_owned(&ret->table, &ret->owners, &ret->netns, req->prune_data);
out:
	free(unknown);
	free(t.known);
	if (t.orig_fd >= 0)
		close(t.orig_fd);
	return r;
}

/*
 * Dumps every socket of the namespace of nsfd (-1: ours), all protocols and
 * states: their inodes go to t->known, so that the socket walk asks
 * SIOCGSKNS only of sockets no dump explains; *ret counts those of the
 * shown protocols in the shown listening states.
 */
static int note_dump(struct take *t, int nsfd, bool all, uint32_t skip, size_t *ret)
{
	struct sock_table tab = { 0 };
	struct collect_report rep;
	struct collect_spec spec = t->spec;
	size_t i;
	int r;

	*ret = 0;
	spec.ext = 0;
	spec.states = t->req->netns->note_states;
	if (all) {
		spec.protos = SOCK_PROTOS_ALL & ~skip;
		spec.inet4 = spec.inet6 = true;
		spec.states = SOCK_STATES_ALL;
	}
	if (!spec.protos)
		return 0; /* all listed already (skip) */
	if (nsfd < 0)
		spec.proc_root = t->req->collect.proc_root;
	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
		return -errno;
	r = collect_run(&spec, &tab, &rep);
	if (nsfd >= 0 && setns(t->orig_fd, CLONE_NEWNET) < 0)
		r = -ENOTRECOVERABLE;
	for (i = 0; i < tab.len; i++) {
		const struct sock_entry *e = &tab.entries[i];

		if ((SOCK_STATE_BIT(e->state) & t->req->netns->note_states) &&
		    collect_spec_wants(&t->spec, e->proto, e->family))
			(*ret)++;
	}
	if (all && r != -ENOMEM && r != -ENOTRECOVERABLE)
		r = add_known(t, &tab);
	sock_table_free(&tab);
	return r == -ENOMEM || r == -ENOTRECOVERABLE ? r : 0;
}

/* Counts the listeners of every other namespace of the set that has a
 * source in want (a bit of netns.sources) and none in skip. */
static int note_count(struct take *t, unsigned want, unsigned skip, bool all)
{
	struct snapshot_netns *n = &t->snap->netns;
	size_t i;
	int r;

	for (i = 0; i < n->set.len; i++) {
		const struct netns *ns = &n->set.v[i];
		size_t k = 0;
		int fd;

		if ((ns->dev == t->orig_dev && ns->ino == t->orig_ino) ||
		    !(ns->sources & want) || (ns->sources & skip))
			continue;
		r = netns_open(ns, &fd);
		if (r == 0) {
			r = note_dump(t, fd, all, 0, &k);
			close(fd);
		}
		if (r == -ENOMEM || r == -ENOTRECOVERABLE)
			return r;
		if (r < 0) {
			n->note_unentered++;
			continue;
		}
		n->hidden_listeners += k;
		n->hidden_netns += k > 0;
	}
	return 0;
}

/* A namespace a socket holds, in the set yet?  (snapshot_sockns_scan.seen) */
static bool note_seen(void *data, uint64_t dev, uint64_t ino)
{
	const struct take *t = data;

	return netns_set_find(&t->snap->netns.set, dev, ino) != NULL;
}

/* One kept alive only by a socket: into the set, and counted through the
 * fd SIOCGSKNS gave (no second SIOCGSKNS to open it again).
 * (snapshot_sockns_scan.found) */
static int note_found(void *data, int nsfd, const struct stat *st, const struct netns_path *p)
{
	struct take *t = data;
	struct snapshot_netns *n = &t->snap->netns;
	struct netns *ns;
	size_t k = 0;
	int r = netns_set_add(&n->set, st->st_dev, st->st_ino, NETNS_SRC_SOCKET, p, &ns);

	if (r == 0)
		r = note_dump(t, nsfd, t->explain, 0, &k);
	if (r == -ENOMEM || r == -ENOTRECOVERABLE)
		return r;
	if (r < 0) {
		n->note_unentered++;
		return 0;
	}
	n->hidden_listeners += k;
	n->hidden_netns += k > 0;
	/* Its sockets are explained now: not asked about one by one. */
	if (t->explain)
		sort_known(t);
	return 0;
}

/*
 * The note looks where --all-netns looks.  Processes (and their threads)
 * and nsfs mounts in every mount namespace cost a stat per process and a
 * mountinfo per mount namespace: always.  nsfs fds and namespaces that
 * only a socket holds show nowhere but in some process's fd table, and
 * finding them takes the fd walk (13 s of readlinks for 635k fds on a
 * loaded 2-core machine, against 35 ms for ss -tuln); so they are counted
 * only when owners are asked for (all: -p's walk, every held socket),
 * from that walk, and a socket is asked SIOCGSKNS only if no namespace's
 * full dump listed it (from the BPF iterator, which knows each socket's
 * namespace: once per namespace not seen).  Without -p such namespaces
 * are not counted (lsock(8), NOTES).
 */
/*
 * The protocols whose every socket of our namespace the snapshot's own
 * collection listed (t->listed): asked for in every state and every
 * family.  0 when it says nothing (no list, or some states left out).
 */
static uint32_t listed_protos(const struct take *t)
{
	const struct collect_spec *s = &t->req->collect;
	uint32_t mask = 0;
	unsigned int p;

	if (!t->listed || s->states != SOCK_STATES_ALL)
		return 0;
	for (p = 0; p < _SOCK_PROTO_MAX; p++) {
		if (!(s->protos & SOCK_PROTO_BIT(p)))
			continue;
		if (collect_spec_wants(s, (enum sock_proto)p, AF_UNIX) ||
		    (collect_spec_wants(s, (enum sock_proto)p, AF_INET) &&
		     collect_spec_wants(s, (enum sock_proto)p, AF_INET6)))
			mask |= SOCK_PROTO_BIT(p);
	}
	return mask;
}

static int note_check(struct take *t, const struct owner_map *all)
{
	struct snapshot_netns *n = &t->snap->netns;
	const char *proc_root = t->req->collect.proc_root;
	struct snapshot_sockns_scan sc = { .proc_root = proc_root, .set = &n->set,
					   .explained = explained, .seen = note_seen,
					   .found = note_found, .data = t };
	size_t own = 0;
	int r;

	r = netns_discover(proc_root, NETNS_SRC_PROC | NETNS_SRC_MOUNT, &n->set);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	n->note_checked = true;
	/* The socket scan asks the /proc walk's held sockets one by one,
	 * unless some namespace's dump explains them: so with it, every
	 * namespace is dumped whole, ours too (what the collection listed in
	 * full, every state and family, is not dumped again).  The BPF
	 * iterator knows each socket's namespace (owner_map.socknss): then
	 * only the others' listeners are dumped, as without -p.  At the
	 * benchmark's 100k TCP sockets that whole dump of ours was 200 of
	 * -tulpn's 220 ms. */
	t->explain = all && !all->sockns_known;
	if (t->explain && t->own && t->own->done)
		r = add_known_inodes(t, t->own->v, t->own->n);
	else if (t->explain)
		r = note_dump(t, -1, true, listed_protos(t), &own);
	if (r == 0)
		r = note_count(t, NETNS_SRC_PROC | NETNS_SRC_MOUNT, 0, t->explain);
	if (r < 0 || !all)
		return r;
	r = snapshot_netns_add_nsfds(&n->set, proc_root, all);
	if (r == 0)
		r = note_count(t, NETNS_SRC_FD, NETNS_SRC_PROC | NETNS_SRC_MOUNT, t->explain);
	if (r < 0)
		return r;
	if (t->explain)
		sort_known(t);
	/* Each one found is counted there and then. */
	return snapshot_netns_find_sockns(&sc, all, NULL, 0);
}

/* Names lsock's own namespace: it and us as its one process; the mounts
 * are read only outside the initial namespace (an ip netns name). */
static int label_own(struct take *t)
{
	struct snapshot_netns *n = &t->snap->netns;
	struct snapshot_ns *v;
	struct netns *ns;
	int r;

	if (!n->set.len) {
		struct netns_path p = { .kind = NETNS_PATH_PROC, .pid = (int32_t)getpid(),
					.path = (char *)"/proc/thread-self/ns/net" };

		r = netns_set_add(&n->set, t->orig_dev, t->orig_ino, NETNS_SRC_PROC, &p, &ns);
		if (r == 0)
			r = netns_set_add_pid(ns, (int32_t)getpid());
		if (r == 0)
			r = netns_mark_initial(t->req->collect.proc_root, &n->set);
		ns = netns_set_find(&n->set, t->orig_dev, t->orig_ino);
		if (r == 0 && ns && !ns->is_initial)
			r = netns_scan_mounts(t->req->collect.proc_root, &n->set);
		if (r < 0 && r != -ENOMEM)
			r = 0;
		if (r < 0)
			return r;
	}
	r = add_view(n, t->orig_dev, t->orig_ino, &v);
	if (r == 0)
		r = finish_views(n, t->req->collect.proc_root);
	return r;
}

/* A take of our own namespace: its /proc/net files are the thread's. */
static void take_own(struct take *t, const struct snapshot_request *req, struct snapshot *ret)
{
	*t = (struct take){ .req = req, .snap = ret, .spec = req->collect, .orig_fd = -1 };
	snprintf(t->net_root, sizeof(t->net_root), "%s",
		 strcmp(req->collect.proc_root, "/proc") ? req->collect.proc_root
							 : "/proc/thread-self");
	t->spec.proc_root = t->net_root;
}

int snapshot_netns_dump_own(const struct snapshot_request *req, const uint32_t *listed,
			    size_t nlisted, struct snapshot_own_dump *ret)
{
	struct take t;
	size_t own;
	int r;

	memset(ret, 0, sizeof(*ret));
	take_own(&t, req, NULL);
	t.listed = listed;
	t.nlisted = nlisted;
	r = note_dump(&t, -1, true, listed_protos(&t), &own);
	if (r < 0) {
		free(t.known);
		return r;
	}
	*ret = (struct snapshot_own_dump){ .v = t.known, .n = t.nknown, .done = true };
	return 0;
}

int snapshot_netns_current(const struct snapshot_request *req, struct snapshot *ret,
			   const struct owner_map *all, const uint32_t *listed, size_t nlisted,
			   const struct snapshot_own_dump *own)
{
	const struct netns_request *nr = req->netns;
	struct take t;
	int r = 0;

	take_own(&t, req, ret);
	t.own = own;
	if (stat_own(&t) < 0)
		goto out; /* no namespace files at all: nothing to name or count */
	/* Only beside the walk's map: without -p the note dumps no more than
	 * the listeners of the others. */
	if (all && req->owners && listed) {
		t.listed = listed;
		t.nlisted = nlisted;
	}
	if (nr->note && nr->note_states)
		r = note_check(&t, req->owners ? all : NULL);
	if (r == 0 && nr->label)
		r = label_own(&t);
out:
	if (r == 0 && nr->units && ret->owners_walked)
		r = read_units(req->collect.proc_root, &ret->owners, &ret->netns);
	if (r == 0 && nr->units && ret->owners_walked)
		r = read_socket_units(ret, 0, false);
	free(t.known);
	if (t.orig_fd >= 0)
		close(t.orig_fd);
	return r;
}
