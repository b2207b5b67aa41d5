/* SPDX-License-Identifier: MIT */
/*
 * Which PID namespace does proc_root show?
 *
 * A procfs instance lists the processes of the PID namespace it was mounted
 * for (and of its descendants), nothing above.  Inside `unshare -pf
 * --mount-proc`, or in a container, the walk therefore cannot see the host's
 * processes, though they may well hold sockets of the network namespace we
 * list (case (c) of issue 11: the host's network, 300 sockets, no owners).
 *
 * Kernel facts used here (checked on 6.18, all older than 4.1):
 *  - The initial PID namespace's nsfs inode is the constant
 *    PROC_PID_INIT_INO, 0xEFFFFFFC, since Linux 3.8 (commit 98f842e675f9,
 *    include/linux/proc_ns.h); readlink("/proc/self/ns/pid") prints
 *    "pid:[4026531836]" there, and any other PID namespace gets a
 *    dynamically allocated inode.
 *  - /proc/self resolves only if the reader has a pid in the procfs
 *    instance's namespace, i.e. that namespace is ours or an ancestor.
 *  - NSpid: in /proc/PID/status lists the pid in every namespace from the
 *    *procfs instance's* down to the task's own (task_state() in
 *    fs/proc/array.c).  So one entry means "this procfs is for our own
 *    namespace", not "we are in the initial one": under `unshare -pf
 *    --mount-proc` it has one entry too, and only without --mount-proc
 *    (the parent's procfs) does it have two.  It cannot tell case (c)
 *    apart; it does tell whether the pids in proc_root are the pids
 *    system calls such as kcmp(2) take.
 *  - Kernel threads exist only in the initial PID namespace, and pid 2 is
 *    always kthreadd there (rest_init()), with PF_KTHREAD (0x00200000) in
 *    field 9 of /proc/2/stat.  A procfs that shows it shows the initial
 *    namespace, even if we ourselves were moved into a child namespace.
 */
#include <errno.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "owner_internal.h"

/* PROC_PID_INIT_INO from the kernel's include/linux/proc_ns.h. */
#define PID_NS_INIT_INO 0xEFFFFFFCu

/* PF_KTHREAD from the kernel's include/linux/sched.h, stable since 2.6.27. */
#define PF_KTHREAD_FLAG 0x00200000u

/* status is ~1.5 KiB, but Groups: can list 65536 gids; NSpid comes later. */
#define STATUS_MAX (1u << 20)
#define STAT_MAX 4096

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

bool owner_pidns_link_is_initial(const char *link, size_t len)
{
	static const char prefix[] = "pid:[";
	const size_t plen = sizeof(prefix) - 1;
	uint64_t ino;

	if (len < plen + 2 || memcmp(link, prefix, plen) != 0 || link[len - 1] != ']')
		return false;
	if (!owner_parse_dec(link + plen, len - plen - 1, UINT64_MAX, &ino))
		return false;
	return ino == PID_NS_INIT_INO;
}

unsigned owner_status_nspid_count(const char *status, size_t len)
{
	static const char key[] = "NSpid:";
	const size_t klen = sizeof(key) - 1;
	size_t i = 0;

	while (i < len) {
		const char *line = status + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t llen = nl ? (size_t)(nl - line) : len - i;

		i += llen + 1;
		if (llen >= klen && memcmp(line, key, klen) == 0) {
			unsigned n = 0;
			size_t j = klen;
			uint64_t v;

			while (j < llen) {
				size_t start;

				if (!is_space(line[j]))
					return 0; /* entries are tab-separated */
				while (j < llen && is_space(line[j]))
					j++;
				start = j;
				while (j < llen && !is_space(line[j]))
					j++;
				if (j == start)
					break; /* trailing blanks */
				if (!owner_parse_dec(line + start, j - start, INT32_MAX, &v) || v == 0)
					return 0;
				n++;
			}
			return n;
		}
	}
	return 0;
}

bool owner_stat_is_kthread(const char *stat, size_t len)
{
	const char *rp = NULL, *end = stat + len, *p;
	uint64_t flags;
	int field;

	/* comm may contain ')' and spaces: the last ')' ends it (proc(5)). */
	for (p = stat; p < end; p++)
		if (*p == ')')
			rp = p;
	if (!rp)
		return false;
	p = rp + 1;
	/* After "(comm)": state(3) ppid(4) pgrp(5) session(6) tty_nr(7)
	 * tpgid(8) flags(9). */
	for (field = 3; field <= 9; field++) {
		const char *start;

		if (p >= end || *p != ' ')
			return false;
		p++;
		start = p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		if (field == 9)
			return owner_parse_dec(start, (size_t)(p - start), UINT32_MAX, &flags) &&
			       (flags & PF_KTHREAD_FLAG);
	}
	return false;
}

/* Reads a small file below procfd; a missing or unreadable one is -errno,
 * and one that is not a regular file is counted in *n_irregular and not
 * read (-OWNER_NOT_REGULAR). */
static int read_small(int procfd, const char *path, size_t max, char **ret, size_t *ret_len,
		      unsigned *n_irregular)
{
	int fd, r;

	r = owner_open_regular(procfd, path, &fd);
	if (r == -OWNER_NOT_REGULAR)
		(*n_irregular)++;
	if (r < 0)
		return r;
	r = file_read_fd(fd, max, true, ret, ret_len);
	close(fd);
	return r;
}

static bool fatal(int r)
{
	return r == -ENOMEM || r == -EMFILE || r == -ENFILE;
}

static int kthreadd_visible(int procfd, bool *ret, unsigned *n_irregular)
{
	char *text;
	size_t len;
	int r;

	r = read_small(procfd, "2/stat", STAT_MAX, &text, &len, n_irregular);
	if (fatal(r))
		return r;
	*ret = r == 0 && owner_stat_is_kthread(text, len);
	if (r == 0)
		free(text);
	return 0;
}

int owner_pidns_probe(int procfd, struct owner_pidns *ret)
{
	char link[64];
	struct statfs sfs;
	bool self_initial = false, kthreads = false, ours = false;
	unsigned n_irregular = 0;
	char *text;
	size_t len;
	ssize_t n;
	int r;

	n = readlinkat(procfd, "self/ns/pid", link, sizeof(link));
	if (n < 0 && (errno == ENOMEM || errno == EMFILE || errno == ENFILE))
		return -errno;
	if (n > 0 && (size_t)n < sizeof(link))
		self_initial = owner_pidns_link_is_initial(link, (size_t)n);
	/* ENOENT (no /proc/self: the procfs is not for our namespace nor an
	 * ancestor's) or a kernel before 3.8: not known to be initial. */
	if (!self_initial) {
		r = kthreadd_visible(procfd, &kthreads, &n_irregular);
		if (r < 0)
			return r;
	}

	/* Only a real procfs of our own namespace has pids that kcmp(2) and
	 * friends understand; a fake tree's pids are made up. */
	if (fstatfs(procfd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC) {
		r = read_small(procfd, "self/status", STATUS_MAX, &text, &len, &n_irregular);
		if (fatal(r))
			return r;
		if (r == 0) {
			ours = owner_status_nspid_count(text, len) == 1;
			free(text);
		}
	}
	ret->n_irregular = n_irregular;
	ret->foreign = !self_initial && !kthreads;
	ret->ours = ours;
	return 0;
}
