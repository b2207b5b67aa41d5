/* SPDX-License-Identifier: MIT */
/*
 * Sort comparisons of the extension columns (columns.h): they read the
 * entries' extension records; a socket without one sorts first.
 */
#ifndef LSOCK_SORT_EXT_H
#define LSOCK_SORT_EXT_H

#include "lsock/sort.h"

/* timer: by kind, then time to expiry. */
int sort_cmp_timer(const struct sort_ctx *c, const struct sock_entry *a,
		   const struct sock_entry *b);
/* shutdown: by the shutdown bits. */
int sort_cmp_shutdown(const struct sort_ctx *c, const struct sock_entry *a,
		      const struct sock_entry *b);
/* peer_owners: by the first pid holding the UNIX peer. */
int sort_cmp_peer_owners(const struct sort_ctx *c, const struct sock_entry *a,
			 const struct sock_entry *b);
/* vfs: by device, then inode of the bound path. */
int sort_cmp_vfs(const struct sort_ctx *c, const struct sock_entry *a, const struct sock_entry *b);
/* pending: by the number of pending connections. */
int sort_cmp_pending(const struct sort_ctx *c, const struct sock_entry *a,
		     const struct sock_entry *b);
/* skmem: by memory allocated (rmem_alloc + wmem_alloc + wmem_queued). */
int sort_cmp_skmem(const struct sort_ctx *c, const struct sock_entry *a,
		   const struct sock_entry *b);
/* tcp_info: by smoothed rtt. */
int sort_cmp_tcp_info(const struct sort_ctx *c, const struct sock_entry *a,
		      const struct sock_entry *b);

#endif
