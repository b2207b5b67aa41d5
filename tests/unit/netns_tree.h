/* SPDX-License-Identifier: MIT */
/*
 * Fake /proc trees and state roots for the netns tests.  A namespace is a
 * regular file under <root>/ns/; <pid>/ns/net is a symlink to it, so stat()
 * gives that file's (dev, ino) as a real ns link gives nsfs's.  Include
 * after <cmocka.h>.
 */
#ifndef LSOCK_TEST_NETNS_TREE_H
#define LSOCK_TEST_NETNS_TREE_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lsock/netns.h"

struct ntree {
	char root[PATH_MAX];  /* the fake proc root */
	char state[PATH_MAX]; /* the fake state root */
};

static inline void nt_path(const char *base, const char *rel, char *buf)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", base, rel);

	assert_true(n > 0 && n < PATH_MAX);
}

/* mkdir -p of base/rel. */
static inline void nt_mkdirs(const char *base, const char *rel)
{
	char p[PATH_MAX], *s;

	nt_path(base, rel, p);
	for (s = p + strlen(base) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
		*s = '/';
	}
	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
}

/* Writes base/rel (parents made as needed). */
static inline void nt_write(const char *base, const char *rel, const void *data, size_t len)
{
	char p[PATH_MAX], dir[PATH_MAX], *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		nt_mkdirs(base, dir);
	}
	nt_path(base, rel, p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static inline void nt_writes(const char *base, const char *rel, const char *text)
{
	nt_write(base, rel, text, strlen(text));
}

static inline void nt_link(const char *base, const char *rel, const char *target)
{
	char p[PATH_MAX], dir[PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		nt_mkdirs(base, dir);
	}
	nt_path(base, rel, p);
	assert_int_equal(symlink(target, p), 0);
}

/* A namespace file <root>/ns/<name>; returns its (dev, ino). */
static inline void nt_ns(const struct ntree *t, const char *name, uint64_t *dev, uint64_t *ino)
{
	char rel[PATH_MAX], p[PATH_MAX];
	struct stat st;

	snprintf(rel, sizeof(rel), "ns/%s", name);
	nt_path(t->root, rel, p);
	if (stat(p, &st) < 0) {
		nt_writes(t->root, rel, "");
		assert_int_equal(stat(p, &st), 0);
	}
	*dev = st.st_dev;
	*ino = st.st_ino;
}

static inline uint64_t nt_ns_ino(const struct ntree *t, const char *name)
{
	uint64_t dev, ino;

	nt_ns(t, name, &dev, &ino);
	return ino;
}

/* Process pid in namespace ns (created if new), with a 0:: cgroup line
 * (cgroup NULL: none written). */
static inline void nt_pid(const struct ntree *t, int pid, const char *ns, const char *cgroup)
{
	char rel[64], target[PATH_MAX + 16], text[8192];
	uint64_t dev, ino;

	nt_ns(t, ns, &dev, &ino);
	snprintf(rel, sizeof(rel), "%d/ns/net", pid);
	snprintf(target, sizeof(target), "%s/ns/%s", t->root, ns);
	nt_link(t->root, rel, target);
	if (cgroup) {
		snprintf(rel, sizeof(rel), "%d/cgroup", pid);
		snprintf(text, sizeof(text), "0::%s\n", cgroup);
		nt_writes(t->root, rel, text);
	}
}

/* The "maj:min" of the tree's filesystem, for fake mountinfo lines. */
static inline void nt_devstr(const struct ntree *t, char *buf, size_t size)
{
	struct stat st;

	assert_int_equal(stat(t->root, &st), 0);
	snprintf(buf, size, "%u:%u", major(st.st_dev), minor(st.st_dev));
}

static inline int nt_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_DNR || flag == FTW_DP)
		chmod(path, 0755);
	return remove(path);
}

static inline int nt_setup(void **state)
{
	struct ntree *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->root, "/tmp/lsock-netns-XXXXXX");
	strcpy(t->state, "/tmp/lsock-state-XXXXXX");
	if (!mkdtemp(t->root) || !mkdtemp(t->state)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static inline int nt_teardown(void **state)
{
	struct ntree *t = *state;

	nftw(t->root, nt_rm, 16, FTW_DEPTH | FTW_PHYS);
	nftw(t->state, nt_rm, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

/* Checks that ns has exactly the pids given. */
static inline void nt_assert_pids(const struct netns *ns, const int32_t *pids, size_t n)
{
	size_t i;

	assert_non_null(ns);
	assert_int_equal(ns->npids, n);
	for (i = 0; i < n; i++)
		assert_int_equal(ns->pids[i], pids[i]);
}

/* The namespace of file <root>/ns/<name> in s. */
static inline struct netns *nt_find(const struct ntree *t, const struct netns_set *s,
				    const char *name)
{
	uint64_t dev, ino;

	nt_ns(t, name, &dev, &ino);
	return netns_set_find(s, dev, ino);
}

/* Whether ns has a path of kind equal to path. */
static inline bool nt_has_path(const struct netns *ns, enum netns_path_kind kind, const char *path)
{
	size_t i;

	for (i = 0; i < ns->npaths; i++)
		if (ns->paths[i].kind == kind &&
		    (path ? ns->paths[i].path && strcmp(ns->paths[i].path, path) == 0 : true))
			return true;
	return false;
}

#define HEX64(c) c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c

#endif
