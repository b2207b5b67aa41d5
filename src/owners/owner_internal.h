/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the owner module's files; not part of the public API.
 */
#ifndef LSOCK_OWNER_INTERNAL_H
#define LSOCK_OWNER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/owner.h"

/*
 * Parses s[0..len) as a canonical decimal: digits only, no sign, no leading
 * zero (except "0" itself), value <= max.  Stores it in *ret on success.
 */
bool owner_parse_dec(const char *s, size_t len, uint64_t max, uint64_t *ret);

/*
 * Parses a /proc/PID/fd link target of the form "socket:[INODE]" exactly as
 * the kernel's sockfs_dname() prints it.  Returns false for anything else,
 * including inode 0 and values that do not fit 32 bits.
 */
bool owner_parse_socket_link(const char *s, size_t len, uint32_t *ret_inode);

/*
 * Decides whether proc_root (opened as procfd) is mounted with hidepid or
 * subset=pid by reading <proc_root>/self/mountinfo.  Returns 0 and sets
 * *ret_hides, -ENOMEM, or 0 with *ret_hides = false when mountinfo cannot be
 * read at all (a fake tree has none).
 */
int owner_hidepid_probe(int procfd, const char *proc_root, bool *ret_hides);

/* Sorts m->procs by pid and m->owners by (inode, pid, fd).  Returns 0 or -ENOMEM. */
int owner_map_sort(struct owner_map *m);

#endif
