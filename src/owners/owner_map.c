/* SPDX-License-Identifier: MIT */
/*
 * The built map: sorting once, binary-search lookup, completeness.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "owner_internal.h"

static int cmp_proc_index(const void *a, const void *b, void *arg)
{
	const struct owner_proc *procs = arg;
	int32_t pa = procs[*(const uint32_t *)a].pid, pb = procs[*(const uint32_t *)b].pid;

	return (pa > pb) - (pa < pb);
}

/*
 * Puts procs in pid order and rewrites every owner's proc index to match,
 * so that comparing proc indices compares pids.  The kernel lists
 * /proc in ascending pid order (next_tgid()), so this is normally a no-op
 * check; a fake tree on tmpfs lists in any order.
 */
static int sort_procs(struct owner_map *m)
{
	struct owner_proc *sorted;
	uint32_t *order, *rank;
	size_t i;

	for (i = 1; i < m->nprocs; i++)
		if (m->procs[i - 1].pid > m->procs[i].pid)
			break;
	if (i >= m->nprocs)
		return 0;

	order = malloc(m->nprocs * 2 * sizeof(*order));
	sorted = malloc(m->nprocs * sizeof(*sorted));
	if (!order || !sorted) {
		free(order);
		free(sorted);
		return -ENOMEM;
	}
	rank = order + m->nprocs;
	for (i = 0; i < m->nprocs; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, m->nprocs, sizeof(*order), cmp_proc_index, m->procs);
	for (i = 0; i < m->nprocs; i++) {
		sorted[i] = m->procs[order[i]];
		rank[order[i]] = (uint32_t)i;
	}
	for (i = 0; i < m->len; i++)
		m->owners[i].proc = rank[m->owners[i].proc];
	free(m->procs);
	m->procs = sorted;
	m->procs_cap = m->nprocs;
	free(order);
	return 0;
}

static int cmp_owner(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->proc != y->proc)
		return x->proc < y->proc ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* Most buckets of the index: 2 MB at most, about one owner per bucket up
 * to 512k owners. */
#define INDEX_BUCKETS_MAX (1u << 19)

/*
 * Buckets of 2^shift inodes over [first inode, last inode], fewer than
 * INDEX_BUCKETS_MAX and than twice the owners.  Socket inodes come from
 * get_next_ino(), a counter handed out in per-CPU batches, so a machine's
 * sockets fill a range densely; a sparse spread leaves buckets empty and
 * a few full, where bisection still works.  Small maps need none.
 */
int owner_map_index(struct owner_map *m)
{
	uint32_t first, span;
	size_t want, nb, i, b;
	uint8_t shift = 0;

	free(m->index);
	m->index = NULL;
	m->index_len = 0;
	if (m->len < 1024)
		return 0;
	if (m->len > UINT32_MAX)
		return -ENOMEM;
	first = m->owners[0].inode;
	span = m->owners[m->len - 1].inode - first;
	want = m->len * 2 < INDEX_BUCKETS_MAX ? m->len * 2 : INDEX_BUCKETS_MAX;
	while (shift < 32 && ((uint64_t)span >> shift) + 1 > want)
		shift++;
	nb = (size_t)((uint64_t)span >> shift) + 1;
	m->index = malloc((nb + 1) * sizeof(*m->index));
	if (!m->index)
		return -ENOMEM;
	for (i = 0, b = 0; i < m->len; i++) {
		size_t ob = (m->owners[i].inode - first) >> shift;

		while (b <= ob)
			m->index[b++] = (uint32_t)i;
	}
	while (b <= nb)
		m->index[b++] = (uint32_t)m->len;
	m->index_len = nb + 1;
	m->index_base = first;
	m->index_shift = shift;
	return 0;
}

int owner_map_sort(struct owner_map *m)
{
	int r;

	r = sort_procs(m);
	if (r < 0)
		return r;
	if (m->len > 1) {
		size_t i, out = 1;

		qsort(m->owners, m->len, sizeof(*m->owners), cmp_owner);
		/* Two fd tables of one process (the leader's and a thread's
		 * copy of it) may hold the same fd: keep it once. */
		for (i = 1; i < m->len; i++)
			if (cmp_owner(&m->owners[i], &m->owners[out - 1]) != 0)
				m->owners[out++] = m->owners[i];
		m->len = out;
	}
	if (m->len > UINT32_MAX)
		return -ENOMEM;
	return owner_map_index(m);
}

void owner_map_free(struct owner_map *m)
{
	if (!m)
		return;
	free(m->owners);
	free(m->procs);
	free(m->index);
	free(m->nsfds);
	free(m->socknss);
	memset(m, 0, sizeof(*m));
}

size_t owner_map_find(const struct owner_map *m, uint32_t inode, const struct owner **ret_first)
{
	size_t lo = 0, hi, end;

	if (!m || inode == 0 || m->len == 0)
		return 0;
	/* Lower bound: the first owner whose inode is >= the one asked for,
	 * bisected within its bucket of the index when there is one: rows are
	 * looked up in dump order, each lookup a cache miss per probe in an
	 * array of megabytes, so 2-3 misses instead of ~20 at 500k owners. */
	hi = m->len;
	if (m->index) {
		uint64_t b;

		if (inode < m->index_base)
			return 0;
		b = (uint64_t)(inode - m->index_base) >> m->index_shift;
		if (b + 1 >= m->index_len)
			return 0;
		lo = m->index[b];
		hi = m->index[b + 1];
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->owners[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < m->len && m->owners[end].inode == inode; end++)
		;
	if (end == lo)
		return 0;
	*ret_first = &m->owners[lo];
	return end - lo;
}

bool owner_map_complete(const struct owner_map *m)
{
	/* Without privilege, hidepid=2 makes pids vanish with no EACCES to
	 * count, so such a walk can never vouch for itself.  A privileged one
	 * sees through hidepid (proc(5): ptrace access), so only denials count,
	 * files refused as not regular, and a PID namespace that hides the
	 * processes above it. */
	return m->n_denied == 0 && m->n_irregular == 0 && m->privileged && !m->foreign_pidns;
}
