/* SPDX-License-Identifier: MIT */
/*
 * The namespaces that only the fd walk finds, taken from the owner walk's
 * map (see snapshot_netns_walk.h in snapshot_internal.h): lsock walks
 * every fd table once per run, for owners and namespaces alike.
 *
 * An nsfs fd ("net:[N]") names its namespace outright.  A namespace held
 * only by a socket is found from the socket: the BPF iterator read each
 * socket's namespace (sk->sk_net) in the kernel, so one SIOCGSKNS on one
 * of its sockets opens each namespace not listed yet; the /proc walk
 * cannot tell a socket's namespace from its fd link, so each held socket
 * that no dump explained is asked (pidfd_getfd + SIOCGSKNS), once.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot_internal.h"

int snapshot_netns_add_nsfds(struct netns_set *s, const char *proc_root,
			     const struct owner_map *m)
{
	size_t i;

	for (i = 0; m && i < m->nnsfds; i++) {
		const struct owner_nsfd *nf = &m->nsfds[i];
		int r = netns_add_fd_holder(s, proc_root, nf->pid, nf->tid, nf->fd, nf->ns_ino);

		/* One that went since the walk (-ENODEV: its stat failed) is
		 * no longer there to show. */
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

/*
 * Asks the socket inode of holder (pid, fd; tid: see netns_socket_open())
 * for its namespace, and hands a new one to found().  Returns 1 if the
 * socket answered, 0 if it could not (gone, reused, denied: *ret_denied
 * says which), or a fatal -errno (found()'s, -ENOMEM/-EMFILE/-ENFILE, or
 * -ENOSYS: no pidfd_getfd()).
 */
static int ask(const struct snapshot_sockns_scan *sc, int32_t pid, int32_t tid, int32_t fd,
	       uint32_t inode, bool *ret_denied)
{
	struct netns_path p = {
		.kind = NETNS_PATH_SOCKET, .pid = pid, .tid = tid, .fd = fd, .sock_inode = inode
	};
	struct stat st;
	int nsfd, r;

	*ret_denied = false;
	r = (sc->open_socket ? sc->open_socket : netns_socket_open)(pid, tid, fd, inode, &nsfd);
	if (r < 0) {
		if (r == -ENOMEM || r == -EMFILE || r == -ENFILE)
			return r;
		*ret_denied = r == -EPERM || r == -EACCES;
		/* No pidfd_getfd() (before Linux 5.6): no socket can tell. */
		return r == -ENOSYS ? r : 0;
	}
	r = 1;
	if (fstat(nsfd, &st) == 0) {
		if (!sc->set->have_nsfs_dev) {
			sc->set->nsfs_dev = st.st_dev;
			sc->set->have_nsfs_dev = true;
		}
		if (!sc->seen(sc->data, st.st_dev, st.st_ino))
			r = sc->found(sc->data, nsfd, &st, &p);
		if (r == 0)
			r = 1;
	}
	close(nsfd);
	return r;
}

/* Namespace k through its candidates, the next while one cannot answer. */
static int ask_sockns(const struct snapshot_sockns_scan *sc, const struct owner_sockns *k)
{
	bool denied = false, d;
	size_t j;
	int r = 0;

	for (j = 0; r == 0 && j < k->ncand && j < OWNER_SOCKNS_CANDS; j++) {
		r = ask(sc, k->cand[j].pid, k->cand[j].tid, k->cand[j].fd, k->cand[j].sock_inode,
			&d);
		denied |= d;
	}
	if (r == 0 && denied)
		sc->set->n_denied_sockets++;
	return r > 0 ? 0 : r;
}

int snapshot_netns_find_sockns(const struct snapshot_sockns_scan *sc, const struct owner_map *m,
			       const uint32_t *cands, size_t ncands)
{
	size_t i;
	int r = 0;
	bool denied;

	if (!m || !netns_proc_root_is_ours(sc->proc_root))
		return 0;
	if (m->sockns_known) {
		for (i = 0; r == 0 && i < m->nsocknss; i++) {
			const struct owner_sockns *k = &m->socknss[i];

			if (sc->set->have_nsfs_dev &&
			    sc->seen(sc->data, sc->set->nsfs_dev, k->ns_ino))
				continue;
			r = ask_sockns(sc, k);
		}
		return r == -ENOSYS ? 0 : r;
	}
	/* The /proc walk: every held socket no dump explained, in the
	 * candidates (NULL: every socket of the map), one holder each. */
	for (i = 0; r == 0 && i < (cands ? ncands : m->len); i++) {
		uint32_t inode = cands ? cands[i] : m->owners[i].inode;
		const struct owner *o;

		if (!cands && i > 0 && m->owners[i - 1].inode == inode)
			continue; /* owners are sorted by inode: asked already */
		if (sc->explained(sc->data, inode))
			continue;
		if (!owner_map_find(m, inode, &o))
			continue;
		/* (the walk's owners say no thread: a thread's own table is
		 * reached through the process, and its sockets not asked) */
		r = ask(sc, owner_map_proc(m, o)->pid, 0, o->fd, inode, &denied);
		if (denied)
			sc->set->n_denied_sockets++;
		if (r > 0)
			r = 0;
	}
	return r == -ENOSYS ? 0 : r;
}
