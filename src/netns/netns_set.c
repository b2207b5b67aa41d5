/* SPDX-License-Identifier: MIT */
/*
 * The set of namespaces: a sorted array keyed by (dev, ino).  A host has
 * tens to hundreds of namespaces but thousands of pids, so lookups (one per
 * pid) are binary searches and insertions (one per namespace) memmove.
 */
#include <stdlib.h>
#include <string.h>

#include "lsock/array.h"
#include "netns_internal.h"

static int key_cmp(const struct netns *ns, uint64_t dev, uint64_t ino)
{
	if (ns->dev != dev)
		return ns->dev < dev ? -1 : 1;
	if (ns->ino != ino)
		return ns->ino < ino ? -1 : 1;
	return 0;
}

/* The index of (dev, ino), or where it would go; *ret_found says which. */
static size_t search(const struct netns_set *s, uint64_t dev, uint64_t ino, bool *ret_found)
{
	size_t lo = 0, hi = s->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(&s->v[mid], dev, ino);

		if (c == 0) {
			*ret_found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*ret_found = false;
	return lo;
}

struct netns *netns_set_find(const struct netns_set *s, uint64_t dev, uint64_t ino)
{
	bool found;
	size_t i;

	if (!s || !s->len)
		return NULL;
	i = search(s, dev, ino, &found);
	return found ? &s->v[i] : NULL;
}

static int add_path(struct netns *ns, const struct netns_path *p)
{
	struct netns_path *np, copy = *p;
	size_t i, same = 0;

	for (i = 0; i < ns->npaths; i++)
		if (ns->paths[i].kind == p->kind)
			same++;
	if (same >= NETNS_PATHS_PER_KIND)
		return 0;
	copy.path = NULL;
	if (p->path) {
		copy.path = strdup(p->path);
		if (!copy.path)
			return -ENOMEM;
	}
	np = realloc(ns->paths, (ns->npaths + 1) * sizeof(*np));
	if (!np) {
		free(copy.path);
		return -ENOMEM;
	}
	ns->paths = np;
	ns->paths[ns->npaths++] = copy;
	return 0;
}

int netns_set_add(struct netns_set *s, uint64_t dev, uint64_t ino, unsigned src,
		  const struct netns_path *p, struct netns **ret)
{
	struct netns *ns;
	bool found;
	size_t i;
	int r;

	*ret = NULL;
	i = search(s, dev, ino, &found);
	if (!found) {
		r = array_grow((void **)&s->v, &s->cap, s->len + 1, sizeof(*s->v), 16);
		if (r < 0)
			return r;
		memmove(&s->v[i + 1], &s->v[i], (s->len - i) * sizeof(*s->v));
		memset(&s->v[i], 0, sizeof(*s->v));
		s->v[i].dev = dev;
		s->v[i].ino = ino;
		s->len++;
	}
	ns = &s->v[i];
	ns->sources |= src;
	if (p) {
		r = add_path(ns, p);
		if (r < 0)
			return r;
	}
	*ret = ns;
	return 0;
}

int netns_set_add_pid(struct netns *ns, int32_t pid)
{
	int r;

	/* A process's threads come in a row: record it once. */
	if (ns->npids && ns->pids[ns->npids - 1] == pid)
		return 0;
	r = array_grow((void **)&ns->pids, &ns->pids_cap, ns->npids + 1, sizeof(*ns->pids), 4);
	if (r < 0)
		return r;
	ns->pids[ns->npids++] = pid;
	return 0;
}

static int pid_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

void netns_set_sort_pids(struct netns_set *s)
{
	size_t i, j, k;

	for (i = 0; i < s->len; i++) {
		struct netns *ns = &s->v[i];

		if (ns->npids < 2)
			continue;
		qsort(ns->pids, ns->npids, sizeof(*ns->pids), pid_cmp);
		for (j = 1, k = 1; j < ns->npids; j++)
			if (ns->pids[j] != ns->pids[k - 1])
				ns->pids[k++] = ns->pids[j];
		ns->npids = k;
	}
}

void netns_set_free(struct netns_set *s)
{
	size_t i, j;

	if (!s)
		return;
	for (i = 0; i < s->len; i++) {
		struct netns *ns = &s->v[i];

		for (j = 0; j < ns->npaths; j++)
			free(ns->paths[j].path);
		free(ns->paths);
		free(ns->pids);
		free(ns->ipnetns);
		free(ns->label);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}
