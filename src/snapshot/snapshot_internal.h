/* SPDX-License-Identifier: MIT */
/* Between snapshot.c, snapshot_netns*.c (which never call back) and
 * snapshot_recover.c, which both call. */
#ifndef LSOCK_SNAPSHOT_INTERNAL_H
#define LSOCK_SNAPSHOT_INTERNAL_H

#include <sys/stat.h>

#include "lsock/netns.h"
#include "lsock/snapshot.h"

/* snapshot_take() for --all-netns and --netns (req->netns selects ALL or
 * ONE): *ret is zeroed by the caller.  Returns as snapshot_take(); a
 * namespace --netns could not enter is -errno with ret->netns.enter_error. */
int snapshot_netns_take(const struct snapshot_request *req, struct snapshot *ret);

struct snapshot_own_dump; /* below */

/* After a snapshot of lsock's own namespace: names it (req->netns->label)
 * and counts the listeners of the other namespaces (req->netns->note).
 * all is the owner walk's map of every held socket (NULL: no walk, then
 * the namespaces that only fds and sockets hold are not counted).
 * listed[0..nlisted) (sorted, may be NULL): the inodes of every row
 * collected, before the prune; with all, the note does not dump our
 * namespace again for the protocols that listing covered in every state
 * and family.  own (may be NULL): that dump of our namespace, when taken
 * already (snapshot_netns_dump_own()).  Returns 0 or -ENOMEM; nothing else
 * is fatal. */
int snapshot_netns_current(const struct snapshot_request *req, struct snapshot *ret,
			   const struct owner_map *all, const uint32_t *listed, size_t nlisted,
			   const struct snapshot_own_dump *own);

/*
 * The note's whole dump of our own namespace, which the /proc walk's socket
 * scan needs (every socket it lists is one the scan need not ask about) and
 * which does not depend on the walk: taken while the walk runs, and handed
 * to snapshot_netns_current() as own.  listed[0..nlisted): as there.
 * Returns 0 or -ENOMEM; *ret is written on every path (done only on 0);
 * free ret->v.
 */
struct snapshot_own_dump {
	uint32_t *v;  /* the inodes, in dump order */
	size_t n;
	bool done;
};
int snapshot_netns_dump_own(const struct snapshot_request *req, const uint32_t *listed,
			    size_t nlisted, struct snapshot_own_dump *ret);

/* From snapshot_netns_walk.c: the namespaces the owner walk met. */

/* Adds the namespace of every nsfs fd of m (m->nsfds) to s, as
 * NETNS_SRC_FD.  Returns 0 or -ENOMEM. */
int snapshot_netns_add_nsfds(struct netns_set *s, const char *proc_root,
			     const struct owner_map *m);

/* What snapshot_netns_find_sockns() reports to, and skips. */
struct snapshot_sockns_scan {
	const char *proc_root;  /* a tree not of our PID namespace asks no socket */
	struct netns_set *set;  /* counts denials; its nsfs_dev keys m->socknss */
	/* Whether some dump listed socket inode (then it is not asked); asked
	 * anew for each socket, as found() may dump more. */
	bool (*explained)(void *data, uint32_t inode);
	bool (*seen)(void *data, uint64_t dev, uint64_t ino);  /* not to be reported */
	/* A namespace not seen, open as nsfd (closed after), found through the
	 * socket of p; a negative return stops the scan and is returned. */
	int (*found)(void *data, int nsfd, const struct stat *st, const struct netns_path *p);
	void *data;
	/* How a holder's socket is asked: NULL is netns_socket_open() (unit
	 * tests pass a fake, to make holders fail). */
	int (*open_socket)(int32_t pid, int32_t tid, int32_t fd, uint32_t sock_inode, int *ret_fd);
};

/*
 * The namespaces held by sockets of m that sc->seen() does not know:
 * with the BPF iterator's map (sockns_known), one SIOCGSKNS per namespace
 * of m->socknss, through its next candidate socket while one cannot
 * answer (a namespace none could is counted denied if one was); with the
 * /proc walk's, one per socket inode of cands
 * (NULL: every socket of m) that sc->explained() does not claim.  Returns 0, found()'s
 * negative return, or -ENOMEM/-EMFILE/-ENFILE.
 */
int snapshot_netns_find_sockns(const struct snapshot_sockns_scan *sc, const struct owner_map *m,
			       const uint32_t *cands, size_t ncands);

/*
 * Whether the UNIX dump that rep reports may have missed a socket: it came
 * from sock_diag (which can fetch one socket by inode) and one of its
 * passes was resumed (a dump that fit one datagram was one consistent walk).
 */
bool snapshot_unix_needs_check(const struct collect_report *rep);

/*
 * The held sockets that no dump listed (unknown[0..n), sorted, recorded in
 * s->owners with their holders; reordered and shrunk here), looked for in
 * the calling thread's network namespace, whose UNIX table had nunix rows:
 * those that are UNIX sockets held by a process of that namespace are
 * fetched by inode, pruned like the rest and appended to s->table with
 * netns_idx.  s->churn adds up what was found and what could not be
 * checked; a lookup that fails leaves those sockets unverified and the
 * snapshot stands.  Returns 0 or -ENOMEM.
 */
int snapshot_recover_unix(const struct snapshot_request *req, struct snapshot *s,
			  uint32_t *unknown, size_t n, size_t nunix, uint16_t netns_idx);

#endif
