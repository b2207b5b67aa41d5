/* SPDX-License-Identifier: MIT */
/* Finding a cgroup by its id: a walk of the cgroup2 mount (see cgroup.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/cgroup.h"

#define FIND_DEPTH_MAX 32

struct find {
	const uint64_t *ids;
	size_t n;
	char **paths;
	size_t left;
	size_t dirs;
	char rel[PATH_MAX];
};

/* The mount point of the first cgroup2 mount, into buf. */
static int cgroup2_mount(char *buf, size_t size)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (r < 0 && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - cgroup2 "), *p = line, *mp, *bs;
		int field;

		if (!sep)
			continue;
		/* Field 5 is the mount point; a cgroup mount has no escaped bytes
		 * in practice, and one that has is skipped. */
		for (field = 1; field < 5 && p; field++)
			p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
		if (!p)
			continue;
		mp = p;
		p = strchr(mp, ' ');
		bs = strchr(mp, '\\');
		if (!p || (bs && bs < p))
			continue;
		if ((size_t)(p - mp) >= size)
			continue;
		memcpy(buf, mp, (size_t)(p - mp));
		buf[p - mp] = '\0';
		r = 0;
	}
	fclose(f);
	return r;
}

static int note(struct find *w, uint64_t ino)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (w->ids[i] != ino || w->paths[i])
			continue;
		w->paths[i] = strdup(w->rel[0] ? w->rel : "/");
		if (!w->paths[i])
			return -ENOMEM;
		w->left--;
	}
	return 0;
}

static int walk(struct find *w, int dfd, size_t rel_len, int depth)
{
	DIR *d;
	struct dirent *de;
	int r = 0;

	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	while (r == 0 && w->left && (de = readdir(d))) {
		struct stat st;
		int n, sub;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++w->dirs > CGROUP_FIND_DIRS_MAX)
			break;
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue;
		n = snprintf(w->rel + rel_len, sizeof(w->rel) - rel_len, "/%s", de->d_name);
		if (n < 0 || (size_t)n >= sizeof(w->rel) - rel_len || fstat(sub, &st) < 0) {
			close(sub);
			w->rel[rel_len] = '\0';
			continue;
		}
		r = note(w, (uint64_t)st.st_ino);
		if (r == 0 && depth < FIND_DEPTH_MAX)
			r = walk(w, sub, rel_len + (size_t)n, depth + 1);
		else
			close(sub);
		w->rel[rel_len] = '\0';
	}
	closedir(d);
	return r;
}

int cgroup_find_ids(const char *mount, const uint64_t *ids, size_t n, char **ret_paths)
{
	struct find w = { .ids = ids, .n = n, .paths = ret_paths, .left = n };
	char mp[PATH_MAX];
	struct stat st;
	int fd, r;

	memset(ret_paths, 0, n * sizeof(*ret_paths));
	if (!n)
		return 0;
	if (!mount) {
		r = cgroup2_mount(mp, sizeof(mp));
		if (r < 0)
			return r == -ENOMEM ? r : -ENOENT;
		mount = mp;
	}
	fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) == 0 && note(&w, (uint64_t)st.st_ino) < 0) {
		close(fd);
		return -ENOMEM;
	}
	r = walk(&w, fd, 0, 0);
	if (r < 0) {
		size_t i;

		for (i = 0; i < n; i++) {
			free(ret_paths[i]);
			ret_paths[i] = NULL;
		}
	}
	return r;
}
