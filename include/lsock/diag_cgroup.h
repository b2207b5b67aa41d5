/* SPDX-License-Identifier: MIT */
/*
 * The cgroup of inet sockets, as sock_diag reports it (INET_DIAG_CGROUP_ID,
 * Linux 5.7): the cgroup of the process that created the socket.  systemd
 * creates the listeners of a .socket unit in a helper inside that unit's
 * cgroup, then holds them in pid 1: the cgroup names the unit.
 */
#ifndef LSOCK_DIAG_CGROUP_H
#define LSOCK_DIAG_CGROUP_H

#include <stddef.h>
#include <stdint.h>

#include "lsock/sock_table.h"

/*
 * For the inet sockets of inodes[0..n) (sorted, unique), of the protocols
 * in protos (SOCK_PROTO_BIT mask of TCP, UDP, UDP-Lite) in the states of
 * state_mask, in lsock's network namespace: ret_ids[i] is the cgroup id of
 * the socket of inodes[i], or 0 when not found or not reported.  One dump
 * per (protocol, family).  Returns 0, or the transport's -errno (ret_ids
 * is then all 0 or partly filled).
 */
int diag_cgroup_ids(uint32_t protos, uint32_t state_mask, const uint32_t *inodes, size_t n,
		    uint64_t *ret_ids);

#endif
