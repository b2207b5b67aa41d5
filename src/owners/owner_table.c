/* SPDX-License-Identifier: MIT */
/*
 * The owner walk for a socket table: record only the inodes the table
 * holds, and skip the walk when none of them can have an owner.  On
 * request, also the held sockets that no dump listed, and which of those
 * are UNIX sockets of our namespace still held (for the snapshot's check
 * of a UNIX dump that may have skipped some under churn).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "lsock/array.h"
#include "lsock/owner.h"
#include "lsock/u32set.h"

/* What the walk's filter needs: the rows' inodes, and, when asked, the
 * inodes collected before pruning and the held inodes found outside them.
 * Asked once per held socket (500k times at scale): sets, not searches. */
struct want_ctx {
	struct u32set want;     /* inodes of the table's rows and their peers */
	struct u32set known;    /* the dumps' inodes, when `track` */
	bool track;             /* record held inodes outside known */
	uint32_t *unknown;      /* held inodes not in known, in walk order */
	size_t nunknown;
	size_t unknown_cap;
	int error;              /* -ENOMEM while recording unknown */
};

static bool inode_wanted(uint32_t inode, void *data)
{
	struct want_ctx *w = data;
	bool want = u32set_has(&w->want, inode);

	/* Asked for as a listed socket's UNIX peer is not listed: a peer
	 * that no dump listed is looked for too. */
	if (!w->track || w->error || u32set_has(&w->known, inode))
		return want;
	/* Held, yet no dump listed it: record it and its holders, so that the
	 * snapshot can find out what it is. */
	if (array_grow((void **)&w->unknown, &w->unknown_cap, w->nunknown + 1, sizeof(*w->unknown),
		       256) < 0) {
		w->error = -ENOMEM;
		return false;
	}
	w->unknown[w->nunknown++] = inode;
	return true;
}

/* Walks proc_root from source (through ctx, may be NULL), or, with all,
 * matches that full map. */
static int build_or_match(const char *proc_root, enum owner_source source, struct owner_ctx *ctx,
			  const struct owner_map *all, const struct sock_table *t,
			  const uint32_t *known, size_t nknown, struct owner_map *ret,
			  bool *ret_walked, uint32_t **ret_unknown, size_t *ret_nunknown)
{
	struct want_ctx w = { .track = known != NULL };
	uint32_t *v;
	size_t i, n = 0, rows;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	*ret_walked = false;
	if (ret_unknown) {
		*ret_unknown = NULL;
		*ret_nunknown = 0;
	}
	/* Room for the rows and their UNIX peers. */
	if (t->len > SIZE_MAX / 2 / sizeof(*v))
		return -ENOMEM;
	v = malloc((t->len ? 2 * t->len : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];

		if (e->inode)
			v[n++] = e->inode;
	}
	/* The UNIX peers' holders too, from the same walk (the peer_owners
	 * column), even when the peer's own row was filtered out.  They do
	 * not make the walk run by themselves. */
	rows = n;
	for (i = 0; rows && i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];

		if (e->family == AF_UNIX && (e->flags & SOCK_F_PEER_KNOWN) && e->peer_inode)
			v[n++] = e->peer_inode;
	}
	/* Nothing listed can have an owner (no rows, or only TIME_WAIT):
	 * skip the /proc walk, which ss pays even when nothing matches.
	 * Unless held sockets that no dump listed are looked for. */
	if (n || known) {
		r = u32set_build(v, n, &w.want);
		if (r == 0 && known)
			r = u32set_build_sorted(known, nknown, &w.known);
		if (r == 0)
			r = all ? owner_map_filter(all, inode_wanted, &w, ret)
				: owner_map_build_from_ctx(proc_root, source, ctx, inode_wanted, &w,
							   ret);
		if (r == 0 && w.error) {
			owner_map_free(ret);
			r = w.error;
		}
		*ret_walked = r == 0;
	}
	free(v);
	u32set_free(&w.want);
	u32set_free(&w.known);
	if (r == 0 && ret_unknown) {
		*ret_unknown = w.unknown;
		*ret_nunknown = u32_sort_unique(w.unknown, w.nunknown);
	} else {
		free(w.unknown);
	}
	return r;
}

int owner_map_build_for_source(const char *proc_root, enum owner_source source,
			       const struct sock_table *t, const uint32_t *known, size_t nknown,
			       struct owner_map *ret, bool *ret_walked, uint32_t **ret_unknown,
			       size_t *ret_nunknown)
{
	return build_or_match(proc_root, source, NULL, NULL, t, known, nknown, ret, ret_walked,
			      ret_unknown, ret_nunknown);
}

int owner_map_build_for_ctx(const char *proc_root, enum owner_source source,
			    struct owner_ctx *ctx, const struct sock_table *t,
			    const uint32_t *known, size_t nknown, struct owner_map *ret,
			    bool *ret_walked, uint32_t **ret_unknown, size_t *ret_nunknown)
{
	return build_or_match(proc_root, source, ctx, NULL, t, known, nknown, ret, ret_walked,
			      ret_unknown, ret_nunknown);
}

int owner_map_match_for(const struct owner_map *all, const struct sock_table *t,
			const uint32_t *known, size_t nknown, struct owner_map *ret,
			bool *ret_walked, uint32_t **ret_unknown, size_t *ret_nunknown)
{
	return build_or_match(NULL, OWNER_SOURCE_AUTO, NULL, all, t, known, nknown, ret, ret_walked,
			      ret_unknown, ret_nunknown);
}

int owner_map_build_for_known(const char *proc_root, const struct sock_table *t,
			      const uint32_t *known, size_t nknown, struct owner_map *ret,
			      bool *ret_walked, uint32_t **ret_unknown, size_t *ret_nunknown)
{
	return owner_map_build_for_source(proc_root, OWNER_SOURCE_AUTO, t, known, nknown, ret,
					  ret_walked, ret_unknown, ret_nunknown);
}

int owner_map_build_for(const char *proc_root, const struct sock_table *t, struct owner_map *ret,
			bool *ret_walked)
{
	return owner_map_build_for_source(proc_root, OWNER_SOURCE_AUTO, t, NULL, 0, ret, ret_walked,
					  NULL, NULL);
}

/* The network namespace of <proc_root>/<what>/ns/net; false if unknown. */
static bool netns_of(const char *proc_root, const char *what, struct stat *ret)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s/ns/net", proc_root, what);

	return n > 0 && (size_t)n < sizeof(path) && stat(path, ret) == 0;
}

/* Holder processes' namespaces, each asked once: a container's process
 * may hold 100k sockets that no dump of ours lists. */
enum { NS_UNASKED, NS_OURS, NS_OTHER };

/* Whether process p is in our network namespace, or may be (unreadable). */
static bool proc_here(const char *proc_root, const struct owner_proc *p, const struct stat *our_ns)
{
	char pid[16];
	struct stat ns;

	snprintf(pid, sizeof(pid), "%d", (int)p->pid);
	if (!netns_of(proc_root, pid, &ns))
		return errno != ENOENT && errno != ESRCH; /* gone: not held any more */
	return ns.st_dev == our_ns->st_dev && ns.st_ino == our_ns->st_ino;
}

/*
 * Whether the holder o still holds socket inode at its fd, and that socket
 * may be a UNIX one of our namespace.  Paths, not pinned dirfds as in the
 * walk: a pid reused since can only fail the inode check, or hold the same
 * socket.  here[o->proc] caches the holder's namespace (NULL: no cache).
 */
static bool holder_is_unix_here(const char *proc_root, const struct owner_map *m,
				const struct owner *o, uint32_t inode, const struct stat *our_ns,
				uint8_t *here)
{
	char path[4096], link[32], want[32], proto[32];
	const struct owner_proc *p = owner_map_proc(m, o);
	ssize_t len;
	int n;

	/* Sockets of other namespaces (containers) are not in our dumps, and
	 * a lookup in ours would walk our whole table to say ENOENT.  Our own
	 * namespace unknown (a fake tree): the lookup will tell. */
	if (our_ns) {
		uint8_t where = here ? here[o->proc] : NS_UNASKED;

		if (where == NS_UNASKED) {
			where = proc_here(proc_root, p, our_ns) ? NS_OURS : NS_OTHER;
			if (here)
				here[o->proc] = where;
		}
		if (where == NS_OTHER)
			return false;
	}
	n = snprintf(path, sizeof(path), "%s/%d/fd/%d", proc_root, (int)p->pid, (int)o->fd);
	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	/* sockfs names each socket's dentry after its protocol
	 * (sk_prot_creator->name) and shows it as this xattr: "UNIX",
	 * "UNIX-STREAM" (6.x splits them), "TCP", "NETLINK", ...  Asked
	 * first: most unlisted sockets are of other protocols. */
	len = getxattr(path, "system.sockprotoname", proto, sizeof(proto));
	if (len < 0 && (errno == ENOENT || errno == ESRCH))
		return false;
	if (len >= 0 && (len < 4 || memcmp(proto, "UNIX", 4) != 0))
		return false;
	/* (No xattr at all, an old or odd kernel: the lookup will tell.) */
	len = readlink(path, link, sizeof(link));
	n = snprintf(want, sizeof(want), "socket:[%u]", inode);
	return len == n && memcmp(link, want, (size_t)n) == 0; /* else closed, or reused */
}

size_t owner_map_keep_unix_held(const char *proc_root, const struct owner_map *m,
				uint32_t *inodes, size_t n)
{
	struct stat self;
	const struct stat *our_ns = netns_of(proc_root, "self", &self) ? &self : NULL;
	/* Without room for the cache, each holder is asked each time. */
	uint8_t *here = calloc(m->nprocs ? m->nprocs : 1, sizeof(*here));
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		const struct owner *o;
		size_t k, nh = owner_map_find(m, inodes[i], &o);

		for (k = 0; k < nh; k++) {
			if (holder_is_unix_here(proc_root, m, &o[k], inodes[i], our_ns, here)) {
				inodes[j++] = inodes[i];
				break;
			}
		}
	}
	free(here);
	return j;
}
