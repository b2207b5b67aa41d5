/* SPDX-License-Identifier: MIT */
/* Helpers shared by the files of src/netns/; not part of the public API. */
#ifndef LSOCK_NETNS_INTERNAL_H
#define LSOCK_NETNS_INTERNAL_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/netns.h"
#include "lsock/readfile.h"
#include "lsock/strparse.h"

/* The kernel's PID_MAX_LIMIT is 4M; pids are positive ints in any case. */
#define NETNS_PID_MAX INT32_MAX

/* Out of memory or out of fds is the caller's problem; anything else only
 * concerns the one process or file we were looking at. */
static inline bool netns_errno_fatal(int e)
{
	return e == ENOMEM || e == EMFILE || e == ENFILE;
}

/* A pid or fd directory entry name: canonical decimal, 1..max. */
static inline bool netns_parse_num(const char *s, size_t len, uint64_t max, uint64_t *ret)
{
	return strparse_dec(s, len, max, true, ret) == 0 && *ret != 0;
}

/* Joins a, b and c (c may be NULL) into a malloc'd string; NULL on ENOMEM
 * or beyond PATH_MAX. */
char *netns_path_join(const char *a, const char *b, const char *c);

/* getdents64 buffer size: at ~32 bytes per entry, ~2000 entries a call. */
#define NETNS_DENTS_BUF_SIZE (64 * 1024)

/*
 * Calls fn(name, pid, data) for each pid directory entry of the directory
 * procfd (not "self", not non-numbers), in readdir order.  Stops at the
 * first negative return of fn and returns it; returns 0 at the end, or
 * -errno if listing fails (-ENOMEM for the buffer).
 */
int netns_for_each_pid(int procfd, int (*fn)(const char *name, int32_t pid, void *data),
		       void *data);

/* One nsfs mount of a network namespace, from a mountinfo line. */
struct netns_mountinfo_entry {
	uint64_t dev;          /* of the nsfs superblock (field 3) */
	uint64_t ino;          /* from the root field, "net:[INO]" */
	size_t mountpoint_len;
	char mountpoint[PATH_MAX]; /* unescaped, NUL-terminated */
};

/*
 * Calls fn for each nsfs mount of a network namespace in one mountinfo
 * text (text[0..len)); other lines, and malformed ones, are skipped.
 * Stops at the first negative return of fn and returns it; else 0.  Pure.
 */
int netns_mountinfo_parse(const char *text, size_t len,
			  int (*fn)(const struct netns_mountinfo_entry *m, void *data), void *data);

/* The NAME in a mount point /run/netns/NAME or /var/run/netns/NAME (one
 * component), else NULL; *ret_len is its length (0 when NULL).  Pure. */
const char *netns_mountpoint_ipnetns(const char *mnt, size_t len, size_t *ret_len);

#endif
