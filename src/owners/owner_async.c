/* SPDX-License-Identifier: MIT */
/*
 * The owner walk in a thread of its own, begun before the sock_diag dump
 * and joined after it: the walk does not depend on the dump, so it records
 * every held socket, and the caller matches the table against that map
 * once both are done (owner_map_match_for(), owner_map_filter()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "owner_internal.h"

struct owner_walk {
	pthread_t tid;
	bool started;
	char *proc_root;
	enum owner_source source;
	struct owner_ctx *ctx; /* may be NULL */
	atomic_bool cancel;
	struct owner_map map;
	int r;
};

static void *walk_main(void *arg)
{
	struct owner_walk *w = arg;

	w->r = owner_map_build_from_cancel(w->proc_root, w->source, w->ctx, NULL, NULL, &w->cancel,
					   &w->map);
	return NULL;
}

int owner_walk_begin(const char *proc_root, enum owner_source source, struct owner_walk **ret)
{
	return owner_walk_begin_ctx(proc_root, source, NULL, ret);
}

int owner_walk_begin_ctx(const char *proc_root, enum owner_source source, struct owner_ctx *ctx,
			 struct owner_walk **ret)
{
	struct owner_walk *w = calloc(1, sizeof(*w));
	size_t len;

	*ret = NULL;
	if (!w)
		return -ENOMEM;
	len = strlen(proc_root) + 1;
	w->proc_root = malloc(len);
	if (w->proc_root)
		memcpy(w->proc_root, proc_root, len);
	if (!w->proc_root) {
		free(w);
		return -ENOMEM;
	}
	w->source = source;
	w->ctx = ctx;
	atomic_init(&w->cancel, false);
	/* One CPU (or LSOCK_WALK_THREADS=1), or no thread to be had (EAGAIN
	 * under a tight RLIMIT_NPROC): walk now instead; the answer is the
	 * same, only not overlapped, which a single CPU could not do anyway. */
	w->started = owner_walk_threads_default() > 1 &&
		     pthread_create(&w->tid, NULL, walk_main, w) == 0;
	if (!w->started)
		(void)walk_main(w);
	*ret = w;
	return 0;
}

int owner_walk_join(struct owner_walk *w, struct owner_map *ret)
{
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!w)
		return -EINVAL;
	if (w->started)
		pthread_join(w->tid, NULL);
	r = w->r;
	if (r == 0)
		*ret = w->map;
	else
		owner_map_free(&w->map);
	free(w->proc_root);
	free(w);
	return r;
}

void owner_walk_cancel(struct owner_walk *w)
{
	struct owner_map m;

	if (!w)
		return;
	atomic_store(&w->cancel, true);
	if (owner_walk_join(w, &m) == 0)
		owner_map_free(&m);
}
