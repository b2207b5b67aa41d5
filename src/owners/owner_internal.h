/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the owner module's files; not part of the public API.
 */
#ifndef LSOCK_OWNER_INTERNAL_H
#define LSOCK_OWNER_INTERNAL_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/owner.h"
#include "lsock/readfile.h"
#include "lsock/strparse.h"

/*
 * Parses s[0..len) as a canonical decimal: digits only, no sign, no leading
 * zero (except "0" itself), value <= max.  Stores it in *ret on success.
 */
static inline bool owner_parse_dec(const char *s, size_t len, uint64_t max, uint64_t *ret)
{
	return strparse_dec(s, len, max, true, ret) == 0;
}

/*
 * Parses a /proc/PID/fd link target of the form "socket:[INODE]" exactly as
 * the kernel's sockfs_dname() prints it.  Returns false for anything else,
 * including inode 0 and values that do not fit 32 bits.
 */
bool owner_parse_socket_link(const char *s, size_t len, uint32_t *ret_inode);

/* A file below proc_root that is not regular (see lsock/readfile.h). */
#define OWNER_NOT_REGULAR FILE_NOT_REGULAR

/* The walk opens its /proc files with the shared bounded opener. */
static inline int owner_open_regular(int dfd, const char *path, int *ret_fd)
{
	return file_open_regular(dfd, path, ret_fd);
}

/*
 * Decides whether proc_root (opened as procfd) is mounted with hidepid or
 * subset=pid by reading <proc_root>/self/mountinfo.  *ret_hides is written
 * on every path.  Returns 0; 0 with *ret_hides = false when mountinfo cannot
 * be read at all (a fake tree has none); -OWNER_NOT_REGULAR (with *ret_hides
 * false) when it is not a regular file; -ENOMEM, -EMFILE or -ENFILE.
 */
int owner_hidepid_probe(int procfd, const char *proc_root, bool *ret_hides);

/* What owner_pidns_probe() found out about proc_root's PID namespace. */
struct owner_pidns {
	unsigned n_irregular; /* probe files refused as not regular (owner_open_regular()) */
	bool foreign; /* not the initial PID namespace: processes above it are invisible */
	bool ours;    /* a real procfs of our own PID namespace: its pids are the ones
		       * system calls take (kcmp(2)) */
};

/*
 * Probes proc_root (opened as procfd) through <proc_root>/self/ns/pid,
 * <proc_root>/2/stat and <proc_root>/self/status; see owner_pidns.c for
 * the kernel behaviour relied on.  What cannot be read counts as foreign
 * and not ours; a probe file that is not a regular file is not read, and
 * counts in ret->n_irregular.  Returns 0, or -ENOMEM/-EMFILE/-ENFILE; *ret
 * is written only on success.
 */
int owner_pidns_probe(int procfd, struct owner_pidns *ret);

/* Sorts m->procs by pid and m->owners by (inode, pid, fd), dropping repeated
 * (inode, pid, fd) holders (one fd seen through two threads' tables).
 * Returns 0 or -ENOMEM. */
int owner_map_sort(struct owner_map *m);

/* (Re)builds m's lookup index over its sorted owners (owner_map_sort()
 * does, last).  Returns 0 or -ENOMEM. */
int owner_map_index(struct owner_map *m);

/*
 * owner_map_build_threads(), stopped at the next pid once *cancel (if not
 * NULL) is set: then -ECANCELED.  owner_map_build_from_cancel() is
 * owner_map_build_from_ctx() with it (the BPF read is not stopped: it is
 * short).
 */
int owner_map_build_cancel(const char *proc_root, size_t nthreads,
			   bool (*want)(uint32_t inode, void *data), void *data,
			   const atomic_bool *cancel, struct owner_map *ret);
int owner_map_build_from_cancel(const char *proc_root, enum owner_source source,
				struct owner_ctx *ctx, bool (*want)(uint32_t inode, void *data),
				void *data, const atomic_bool *cancel, struct owner_map *ret);

#endif
