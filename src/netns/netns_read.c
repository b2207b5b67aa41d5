/* SPDX-License-Identifier: MIT */
/* Bounded file reads, path joins and the pid directory listing of src/netns/. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns_internal.h"

char *netns_path_join(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = c ? strlen(c) : 0;
	char *p;

	if (la + lb + lc >= PATH_MAX)
		return NULL;
	p = malloc(la + lb + lc + 1);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	memcpy(p + la, b, lb);
	if (lc)
		memcpy(p + la + lb, c, lc);
	p[la + lb + lc] = '\0';
	return p;
}

int netns_for_each_pid(int procfd, int (*fn)(const char *name, int32_t pid, void *data),
		       void *data)
{
	char *dents = malloc(NETNS_DENTS_BUF_SIZE);
	int r = 0;

	if (!dents)
		return -ENOMEM;
	if (lseek(procfd, 0, SEEK_SET) < 0) {
		free(dents);
		return -errno;
	}
	while (r == 0) {
		ssize_t n = getdents64(procfd, dents, NETNS_DENTS_BUF_SIZE);
		ssize_t off = 0;

		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		while (r >= 0 && off < n) {
			const struct dirent64 *d = (const struct dirent64 *)(dents + off);
			uint64_t pid;

			off += d->d_reclen;
			if (!netns_parse_num(d->d_name, strlen(d->d_name), NETNS_PID_MAX, &pid))
				continue; /* ".", "..", "self", "sys", ... */
			r = fn(d->d_name, (int32_t)pid, data);
		}
	}
	free(dents);
	return r < 0 ? r : 0;
}
