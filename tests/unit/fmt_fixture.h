/* SPDX-License-Identifier: MIT */
/* A small hand-built table and owner map shared by the formatter tests. */
#ifndef LSOCK_TEST_FMT_FIXTURE_H
#define LSOCK_TEST_FMT_FIXTURE_H

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/owner.h"
#include "lsock/sock_table.h"

static inline void fx_inet(struct sock_table *t, uint8_t proto, uint8_t family, const char *l,
			   uint16_t lport, const char *r, uint16_t rport, uint8_t state, uint32_t inode,
			   uint8_t flags)
{
	struct sock_entry e = {
		.family = family, .proto = proto, .state = state, .inode = inode, .lport = lport,
		.rport = rport, .uid = 1000, .wqueue = state == 10 ? 128 : 0, .cookie = 7,
		.flags = (uint8_t)(flags | SOCK_F_UID_KNOWN | SOCK_F_QUEUES_KNOWN | SOCK_F_COOKIE_KNOWN),
		.type = proto == 0 ? SOCK_STREAM : SOCK_DGRAM,
	};

	inet_pton(family, l, e.laddr);
	inet_pton(family, r, e.raddr);
	sock_table_add(t, &e, NULL, 0);
}

static inline void fx_unix(struct sock_table *t, uint8_t type, uint8_t state, uint32_t inode,
			   const void *name, size_t len, bool abstract)
{
	struct sock_entry e = {
		.family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .type = type, .state = state,
		.inode = inode, .peer_inode = 0,
		.flags = SOCK_F_QUEUES_KNOWN | SOCK_F_UID_KNOWN | SOCK_F_PEER_KNOWN,
	};

	if (len)
		e.flags |= SOCK_F_HAS_PATH;
	if (abstract)
		e.flags |= SOCK_F_ABSTRACT;
	sock_table_add(t, &e, name, len);
}

/* Owners: inode 100 held by pids 10 (fd 3) and 11 (fd 3, fd 4); inode 300 by pid 12
 * whose comm is hostile. */
static struct owner fx_owner_v[] = {
	{ .inode = 100, .fd = 3, .proc = 0 },
	{ .inode = 100, .fd = 3, .proc = 1 },
	{ .inode = 100, .fd = 4, .proc = 1 },
	{ .inode = 300, .fd = 5, .proc = 2 },
};
static struct owner_proc fx_proc_v[] = {
	{ .pid = 10, .comm_len = 4, .comm = "sshd" },
	{ .pid = 11, .comm_len = 4, .comm = "sshd" },
	{ .pid = 12, .comm_len = 8, .comm = "ev\033[1m\n\xff" },
};

static inline void fx_owners(struct owner_map *m)
{
	memset(m, 0, sizeof(*m));
	m->owners = fx_owner_v;
	m->len = 4;
	m->procs = fx_proc_v;
	m->nprocs = 3;
}

#endif
