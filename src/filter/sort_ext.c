/* SPDX-License-Identifier: MIT */
#include <sys/socket.h>

#include "lsock/owner.h"
#include "lsock/sock_ext.h"
#include "lsock/sort_ext.h"

static int cmp_u64(uint64_t x, uint64_t y)
{
	return (x > y) - (x < y);
}

/* -1 when only a lacks what have says, 1 when only b, 0 when both have it
 * (*ra, *rb set) or neither. */
static int both(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b,
		unsigned have, const struct sock_ext **ra, const struct sock_ext **rb)
{
	const struct sock_ext *x = sock_table_ext(c->table, a), *y = sock_table_ext(c->table, b);

	*ra = x && (x->have & have) ? x : NULL;
	*rb = y && (y->have & have) ? y : NULL;
	return (*ra != NULL) - (*rb != NULL);
}

int sort_cmp_timer(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	const struct sock_ext *x, *y;
	int r = both(c, a, b, SOCK_EXT_HAVE_TIMER, &x, &y);

	if (r || !x)
		return r;
	r = cmp_u64(x->timer_kind, y->timer_kind);
	return r ? r : cmp_u64(x->timer_expires_ms, y->timer_expires_ms);
}

int sort_cmp_shutdown(const struct sort_ctx *c, const struct sock_entry *a,
		      const struct sock_entry *b)
{
	const struct sock_ext *x, *y;
	int r = both(c, a, b, SOCK_EXT_HAVE_SHUTDOWN, &x, &y);

	return r || !x ? r : cmp_u64(x->shutdown, y->shutdown);
}

static int64_t peer_pid(const struct sort_ctx *c, const struct sock_entry *e)
{
	const struct owner *first;

	if (!c->owners || e->family != AF_UNIX || !(e->flags & SOCK_F_PEER_KNOWN) || !e->peer_inode)
		return -1;
	if (!owner_map_find(c->owners, e->peer_inode, &first))
		return -1;
	return owner_map_proc(c->owners, first)->pid;
}

int sort_cmp_peer_owners(const struct sort_ctx *c, const struct sock_entry *a,
			 const struct sock_entry *b)
{
	int64_t x = peer_pid(c, a), y = peer_pid(c, b);

	return (x > y) - (x < y);
}

int sort_cmp_vfs(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	const struct sock_ext *x, *y;
	int r = both(c, a, b, SOCK_EXT_HAVE_VFS, &x, &y);

	if (r || !x)
		return r;
	r = cmp_u64(x->vfs_dev, y->vfs_dev);
	return r ? r : cmp_u64(x->vfs_ino, y->vfs_ino);
}

int sort_cmp_pending(const struct sort_ctx *c, const struct sock_entry *a,
		     const struct sock_entry *b)
{
	const struct sock_ext *x, *y;
	int r = both(c, a, b, SOCK_EXT_HAVE_ICONS, &x, &y);

	return r || !x ? r : cmp_u64(x->icons_n, y->icons_n);
}

static uint64_t skmem_total(const struct sock_ext *x)
{
	uint64_t v = 0;

	if (x->skmem_n > SOCK_SKMEM_RMEM_ALLOC)
		v += x->skmem[SOCK_SKMEM_RMEM_ALLOC];
	if (x->skmem_n > SOCK_SKMEM_WMEM_ALLOC)
		v += x->skmem[SOCK_SKMEM_WMEM_ALLOC];
	if (x->skmem_n > SOCK_SKMEM_WMEM_QUEUED)
		v += x->skmem[SOCK_SKMEM_WMEM_QUEUED];
	return v;
}

int sort_cmp_skmem(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b)
{
	const struct sock_ext *x, *y;
	int r = both(c, a, b, SOCK_EXT_HAVE_SKMEM, &x, &y);

	return r || !x ? r : cmp_u64(skmem_total(x), skmem_total(y));
}

int sort_cmp_tcp_info(const struct sort_ctx *c, const struct sock_entry *a,
		      const struct sock_entry *b)
{
	const struct sock_ext *x, *y;
	int r = both(c, a, b, SOCK_EXT_HAVE_INFO, &x, &y);

	if (r || !x)
		return r;
	return cmp_u64(sock_ext_info_has(x, rtt) ? x->info.rtt : 0,
		       sock_ext_info_has(y, rtt) ? y->info.rtt : 0);
}
