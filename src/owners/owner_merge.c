/* SPDX-License-Identifier: MIT */
/*
 * Merging two owner maps, for modes that keep owners across snapshots
 * (--watch, --events): the holders known from earlier walks and those of
 * a walk made for new sockets only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "owner_internal.h"

/* The proc with pid among base[0..n) (sorted by pid, as owner_map_sort()
 * leaves a map), or NULL. */
static const struct owner_proc *find_pid(const struct owner_proc *base, size_t n, int32_t pid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (base[mid].pid == pid)
			return &base[mid];
		if (base[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Appends m's wanted holders to ret (room for them was reserved), and the
 * procs they name, each once.  With prefer (sorted by pid, already in ret
 * at the same indices), a pid that prefer has keeps prefer's record.
 */
static int add_from(struct owner_map *ret, const struct owner_map *m, const struct owner_proc *prefer,
		    size_t nprefer, bool (*want)(uint32_t inode, void *data), void *data)
{
	uint32_t *remap = malloc((m->nprocs ? m->nprocs : 1) * sizeof(*remap));
	size_t i;

	if (!remap)
		return -ENOMEM;
	for (i = 0; i < m->nprocs; i++)
		remap[i] = UINT32_MAX;
	for (i = 0; i < m->len; i++) {
		const struct owner *o = &m->owners[i];

		if (want && !want(o->inode, data))
			continue;
		if (remap[o->proc] == UINT32_MAX) {
			const struct owner_proc *p = &m->procs[o->proc];
			const struct owner_proc *q = find_pid(prefer, nprefer, p->pid);

			if (q) {
				remap[o->proc] = (uint32_t)(q - prefer);
			} else {
				remap[o->proc] = (uint32_t)ret->nprocs;
				ret->procs[ret->nprocs++] = *p;
			}
		}
		ret->owners[ret->len++] = (struct owner){ .inode = o->inode, .fd = o->fd,
							  .proc = remap[o->proc] };
	}
	free(remap);
	return 0;
}

/* What a walk could see (denied and irregular pids, hidepid, privilege,
 * PID namespace): it says how complete a map built from that walk is. */
static void copy_visibility(struct owner_map *dst, const struct owner_map *src)
{
	memcpy(dst->denied, src->denied, sizeof(dst->denied));
	dst->n_denied = src->n_denied;
	dst->n_irregular = src->n_irregular;
	dst->hidepid = src->hidepid;
	dst->privileged = src->privileged;
	dst->foreign_pidns = src->foreign_pidns;
}

int owner_map_merge(const struct owner_map *newer, const struct owner_map *older,
		    bool (*want)(uint32_t inode, void *data), void *data, struct owner_map *ret)
{
	struct owner_map m = { 0 };
	int r;

	memset(ret, 0, sizeof(*ret));
	m.cap = newer->len + older->len;
	m.procs_cap = newer->nprocs + older->nprocs;
	m.owners = malloc((m.cap ? m.cap : 1) * sizeof(*m.owners));
	m.procs = malloc((m.procs_cap ? m.procs_cap : 1) * sizeof(*m.procs));
	if (!m.owners || !m.procs) {
		owner_map_free(&m);
		return -ENOMEM;
	}
	/* The newer walk first, all its procs at their own indices: its
	 * record of a pid (comm) wins. */
	if (newer->nprocs)
		memcpy(m.procs, newer->procs, newer->nprocs * sizeof(*m.procs));
	m.nprocs = newer->nprocs;
	r = add_from(&m, newer, m.procs, newer->nprocs, want, data);
	if (r == 0)
		r = add_from(&m, older, newer->procs, newer->nprocs, want, data);
	if (r == 0)
		r = owner_map_sort(&m);
	if (r < 0) {
		owner_map_free(&m);
		return r;
	}
	/* What the newer walk could see is what the map can vouch for now. */
	copy_visibility(&m, newer);
	*ret = m;
	return 0;
}

/*
 * all is sorted (owner_map_sort()): owners by (inode, proc), procs by pid.
 * Keeping a subset of each, in order, keeps both sorted and the repeats
 * gone, so only the index is built again, not a sort of every holder
 * (half a million at 500k UNIX sockets).  want is called once per holder,
 * in order, as the walk would have.
 */
int owner_map_filter(const struct owner_map *all, bool (*want)(uint32_t inode, void *data),
		     void *data, struct owner_map *ret)
{
	struct owner_map m = { 0 };
	uint8_t *keep = malloc(all->len ? all->len : 1);
	uint32_t *remap = malloc((all->nprocs ? all->nprocs : 1) * sizeof(*remap));
	size_t i;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	m.owners = malloc((all->len ? all->len : 1) * sizeof(*m.owners));
	m.procs = malloc((all->nprocs ? all->nprocs : 1) * sizeof(*m.procs));
	if (!keep || !remap || !m.owners || !m.procs)
		r = -ENOMEM;
	for (i = 0; r == 0 && i < all->nprocs; i++)
		remap[i] = UINT32_MAX;
	for (i = 0; r == 0 && i < all->len; i++) {
		keep[i] = !want || want(all->owners[i].inode, data);
		if (keep[i])
			remap[all->owners[i].proc] = 0;
	}
	for (i = 0; r == 0 && i < all->nprocs; i++) {
		if (remap[i] == UINT32_MAX)
			continue;
		remap[i] = (uint32_t)m.nprocs;
		m.procs[m.nprocs++] = all->procs[i];
	}
	for (i = 0; r == 0 && i < all->len; i++) {
		if (!keep[i])
			continue;
		m.owners[m.len] = all->owners[i];
		m.owners[m.len++].proc = remap[all->owners[i].proc];
	}
	m.cap = all->len;
	m.procs_cap = all->nprocs;
	free(keep);
	free(remap);
	if (r == 0)
		r = owner_map_index(&m);
	if (r < 0) {
		owner_map_free(&m);
		return r;
	}
	copy_visibility(&m, all);
	m.source = all->source;
	m.bpf_error = all->bpf_error;
	*ret = m;
	return 0;
}
