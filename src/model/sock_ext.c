/* SPDX-License-Identifier: MIT */
/*
 * Extension records: the table's side arrays (sock_table.h) and the
 * timer names.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lsock/array.h"
#include "lsock/sock_ext.h"
#include "lsock/sock_table.h"

/* The layout is the kernel's ABI: offsets must not move. */
_Static_assert(sizeof(struct sock_tcp_info) == 280, "struct sock_tcp_info is not the 6.18 layout");
_Static_assert(offsetof(struct sock_tcp_info, rto) == 8, "tcp_info: rto moved");
_Static_assert(offsetof(struct sock_tcp_info, rtt) == 68, "tcp_info: rtt moved");
_Static_assert(offsetof(struct sock_tcp_info, total_retrans) == 100, "tcp_info: total_retrans");
_Static_assert(offsetof(struct sock_tcp_info, pacing_rate) == 104, "tcp_info: pacing_rate moved");
_Static_assert(offsetof(struct sock_tcp_info, min_rtt) == 148, "tcp_info: min_rtt moved");
_Static_assert(offsetof(struct sock_tcp_info, bytes_retrans) == 208, "tcp_info: bytes_retrans");
_Static_assert(offsetof(struct sock_tcp_info, snd_wnd) == 228, "tcp_info: snd_wnd moved");
_Static_assert(offsetof(struct sock_tcp_info, total_rto) == 240, "tcp_info: total_rto moved");
_Static_assert(offsetof(struct sock_tcp_info, received_ce) == 248, "tcp_info: received_ce moved");

static const char *const timer_names[_SOCK_TIMER_MAX] = {
	[SOCK_TIMER_OFF] = "off",
	[SOCK_TIMER_ON] = "on",
	[SOCK_TIMER_KEEPALIVE] = "keepalive",
	[SOCK_TIMER_TIMEWAIT] = "timewait",
	[SOCK_TIMER_PERSIST] = "persist",
	[SOCK_TIMER_DELACK] = "delack",
};

const char *sock_timer_name(unsigned kind)
{
	return kind < _SOCK_TIMER_MAX ? timer_names[kind] : "unknown";
}

int sock_table_add_ext(struct sock_table *t, const struct sock_ext *x, const uint32_t *icons,
		       size_t n_icons, uint32_t *ret_idx)
{
	struct sock_ext *nx;
	int r;

	*ret_idx = 0;
	if (t->exts_len >= UINT32_MAX - 1 || n_icons > UINT32_MAX - t->ext_inodes_len)
		return -E2BIG;
	r = array_grow((void **)&t->exts, &t->exts_cap, t->exts_len + 1, sizeof(*t->exts), 64);
	if (r < 0)
		return r;
	if (n_icons) {
		r = array_grow((void **)&t->ext_inodes, &t->ext_inodes_cap,
			       t->ext_inodes_len + n_icons, sizeof(*t->ext_inodes), 256);
		if (r < 0)
			return r;
	}
	nx = &t->exts[t->exts_len++];
	*nx = *x;
	nx->icons_off = (uint32_t)t->ext_inodes_len;
	nx->icons_n = (uint32_t)n_icons;
	if (n_icons) {
		memcpy(t->ext_inodes + t->ext_inodes_len, icons, n_icons * sizeof(*icons));
		t->ext_inodes_len += n_icons;
	}
	*ret_idx = (uint32_t)t->exts_len;
	return 0;
}

const struct sock_ext *sock_table_ext(const struct sock_table *t, const struct sock_entry *e)
{
	return e->ext_idx && e->ext_idx <= t->exts_len ? &t->exts[e->ext_idx - 1] : NULL;
}

struct sock_ext *sock_table_ext_mut(struct sock_table *t, const struct sock_entry *e)
{
	return e->ext_idx && e->ext_idx <= t->exts_len ? &t->exts[e->ext_idx - 1] : NULL;
}

const uint32_t *sock_table_ext_icons(const struct sock_table *t, const struct sock_ext *x)
{
	if (!x->icons_n || x->icons_off > t->ext_inodes_len ||
	    x->icons_n > t->ext_inodes_len - x->icons_off)
		return NULL;
	return t->ext_inodes + x->icons_off;
}
