/* SPDX-License-Identifier: MIT */
/*
 * Fake /proc trees and checks shared by the owner tests
 * (test_owner_walk.c, test_owner_threads.c, test_owner_map.c).
 * Include after <cmocka.h>.
 */
#ifndef LSOCK_TEST_OWNER_TREE_H
#define LSOCK_TEST_OWNER_TREE_H

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/owner.h"

/* ---- fake proc tree ---------------------------------------------------- */

struct tree {
	char root[PATH_MAX];
};

static inline void tree_path(const struct tree *t, const char *rel, char *buf)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", t->root, rel);

	assert_true(n > 0 && n < PATH_MAX);
}

static inline void mk_dir(const struct tree *t, const char *rel)
{
	char p[PATH_MAX];

	tree_path(t, rel, p);
	assert_int_equal(mkdir(p, 0755), 0);
}

static inline void mk_file(const struct tree *t, const char *rel, const void *data, size_t len)
{
	char p[PATH_MAX];
	int fd;

	tree_path(t, rel, p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static inline void mk_comm(const struct tree *t, const char *pid, const char *comm)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%s/comm", pid);
	mk_file(t, rel, comm, strlen(comm));
}

static inline void mk_link(const struct tree *t, const char *rel, const char *target)
{
	char p[PATH_MAX];

	tree_path(t, rel, p);
	assert_int_equal(symlink(target, p), 0);
}

static inline int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	/* A mode-000 dir must be opened up again before its children can go. */
	if (flag == FTW_DNR || flag == FTW_DP)
		chmod(path, 0755);
	return remove(path);
}

static inline int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->root, "/tmp/lsock-owner-XXXXXX");
	if (!mkdtemp(t->root) || chmod(t->root, 0755) < 0) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

/* The dirs that tests lock with mode 000 (teardown reopens them). */
static const char *const tree_locked[] = { "66/fd", "60/task/61/fd" };

static inline int tree_teardown(void **state)
{
	struct tree *t = *state;
	char p[PATH_MAX];

	size_t i;

	/* nftw cannot descend into a mode-000 dir as non-root: open them first. */
	for (i = 0; i < sizeof(tree_locked) / sizeof(tree_locked[0]); i++) {
		tree_path(t, tree_locked[i], p);
		chmod(p, 0755);
	}
	nftw(t->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

#define HOSTILE_COMM "a\nb\x1b[31mx) R 1 2 (y"
#define LONG_COMM "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/*
 * The standard tree.  Created in an order that neither readdir order nor its
 * reverse is pid order, so sorting is exercised ("1000" < "42" as strings).
 */
static inline void build_std_tree(const struct tree *t)
{
	static const char *const bad_links[] = {
		"socket:[]", "socket:[12a]", "socket:[99999999999]", "socket:[0]",
		"socket:[012]", "socket:[12]x", "socket:12]", "socket:[-1]",
		"socket:[4294967296]", "Socket:[5]", "socket:[ 5]", "socket:[+5]",
		"socket:[5", "socket:", "",
	};
	char rel[64];
	size_t i;

	mk_dir(t, "42");
	mk_comm(t, "42", HOSTILE_COMM "\n");
	mk_dir(t, "42/fd");
	mk_link(t, "42/fd/7", "socket:[12345]");
	mk_link(t, "42/fd/2", "socket:[12345]");
	mk_link(t, "42/fd/10", "socket:[300]");
	mk_link(t, "42/fd/11", "pipe:[7]");

	mk_dir(t, "1000");
	mk_comm(t, "1000", "worker\n");
	mk_dir(t, "1000/fd");
	mk_link(t, "1000/fd/0", "/dev/null");
	mk_link(t, "1000/fd/3", "socket:[12345]");

	mk_dir(t, "1");
	mk_comm(t, "1", "init\n");
	mk_dir(t, "1/fd");
	mk_link(t, "1/fd/3", "socket:[12345]");
	mk_link(t, "1/fd/4", "pipe:[7]");
	mk_link(t, "1/fd/5", "socket:[200]");
	mk_link(t, "1/fd/6", "socket:[4294967295]");

	/* Only malformed socket links: no owner, no procs entry. */
	mk_dir(t, "7");
	mk_comm(t, "7", "bad\n");
	mk_dir(t, "7/fd");
	for (i = 0; i < sizeof(bad_links) / sizeof(bad_links[0]); i++) {
		snprintf(rel, sizeof(rel), "7/fd/%zu", i + 1);
		if (bad_links[i][0])
			mk_link(t, rel, bad_links[i]);
		else
			mk_file(t, rel, "", 0); /* not a link at all: EINVAL */
	}
	mk_link(t, "7/fd/0x3", "socket:[701]");  /* not an fd number */
	mk_link(t, "7/fd/03", "socket:[702]");   /* not canonical */

	/* Comm clamped to OWNER_COMM_MAX; comm of just "\n\n" keeps one '\n'. */
	mk_dir(t, "88");
	mk_comm(t, "88", LONG_COMM "\n");
	mk_dir(t, "88/fd");
	mk_link(t, "88/fd/3", "socket:[888]");
	mk_dir(t, "89");
	mk_comm(t, "89", "\n\n");
	mk_dir(t, "89/fd");
	mk_link(t, "89/fd/3", "socket:[889]");

	/* Not pids: must never be walked. */
	mk_dir(t, "self");
	mk_comm(t, "self", "self\n");
	/* We are in the initial PID namespace (see owner_pidns.c). */
	mk_dir(t, "self/ns");
	mk_link(t, "self/ns/pid", "pid:[4026531836]");
	mk_dir(t, "self/fd");
	mk_link(t, "self/fd/3", "socket:[12345]");
	mk_dir(t, "sys");
	mk_dir(t, "0042");
	mk_comm(t, "0042", "zero\n");
	mk_dir(t, "0042/fd");
	mk_link(t, "0042/fd/3", "socket:[777]");
	mk_dir(t, "0");
	mk_comm(t, "0", "zero\n");
	mk_dir(t, "0/fd");
	mk_link(t, "0/fd/3", "socket:[778]");
	mk_file(t, "123", "x", 1); /* a numeric non-directory */

	/* Vanished processes: fd is not a dir, fd missing, comm missing. */
	mk_dir(t, "99");
	mk_comm(t, "99", "file\n");
	mk_file(t, "99/fd", "", 0);
	mk_dir(t, "100");
	mk_comm(t, "100", "nofd\n");
	mk_dir(t, "55");
	mk_dir(t, "55/fd");
	mk_link(t, "55/fd/3", "socket:[555]");
}

/* ---- checks ------------------------------------------------------------- */

static inline void assert_sorted(const struct owner_map *m)
{
	size_t i;

	for (i = 0; i < m->len; i++)
		assert_true(m->owners[i].proc < m->nprocs);
	for (i = 1; i < m->nprocs; i++)
		assert_true(m->procs[i - 1].pid < m->procs[i].pid);
	for (i = 1; i < m->len; i++) {
		const struct owner *a = &m->owners[i - 1], *b = &m->owners[i];
		int32_t pa = m->procs[a->proc].pid, pb = m->procs[b->proc].pid;

		assert_true(a->inode < b->inode ||
			    (a->inode == b->inode && (pa < pb || (pa == pb && a->fd < b->fd))));
	}
}

struct holder {
	int32_t pid;
	int32_t fd;
};

static inline void assert_holders(const struct owner_map *m, uint32_t inode,
			   const struct holder *want, size_t n)
{
	const struct owner *first = NULL;
	size_t i;

	assert_int_equal(owner_map_find(m, inode, &first), n);
	if (!n)
		return;
	assert_non_null(first);
	for (i = 0; i < n; i++) {
		assert_int_equal(first[i].inode, inode);
		assert_int_equal(m->procs[first[i].proc].pid, want[i].pid);
		assert_int_equal(first[i].fd, want[i].fd);
	}
}

static inline const struct owner_proc *proc_of(const struct owner_map *m, uint32_t inode)
{
	const struct owner *first = NULL;

	assert_true(owner_map_find(m, inode, &first) >= 1);
	return &m->procs[first->proc];
}

#endif
