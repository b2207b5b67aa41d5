/* SPDX-License-Identifier: MIT */
/*
 * The cgroup path of a process, from /proc/PID/cgroup (cgroups(7)): one
 * "hierarchy-ID:controller-list:path" line per hierarchy, "0::path" for the
 * unified (v2) one.  The path is relative to the *reader's* cgroup namespace
 * (proc_cgroup_show()), so from the host it is the full path.
 *
 * On a hybrid host (cgroup v1 controllers, plus a v2 mount at
 * /sys/fs/cgroup/unified) the 0:: line of a process that nothing moved in
 * the v2 tree is "/", and systemd's tree is the "name=systemd" v1 line.
 */
#ifndef LSOCK_CGROUP_H
#define LSOCK_CGROUP_H

#include <stddef.h>
#include <stdint.h>

/* A few hundred bytes normally; 13 v1 hierarchies with 4 KiB paths fit. */
#define CGROUP_FILE_MAX (64u << 10)

enum cgroup_pick {
	/* The 0:: path unless it is "/", else the name=systemd: path, else the
	 * 0:: path ("/"): the tree systemd manages. */
	CGROUP_PICK_SYSTEMD,
	/* As CGROUP_PICK_SYSTEMD, but when that is "/" or missing, the first v1
	 * controller's path that is not "/" (a container engine's cgroupfs
	 * driver on a v1 host makes its directories in every hierarchy). */
	CGROUP_PICK_ANY,
};

/*
 * Picks one path out of a /proc/PID/cgroup text (text[0..len), need not be
 * NUL-terminated).  The kernel does not escape the path, so a '\n' in a
 * cgroup name splits its line: such a path is cut there.  Returns 0 with
 * *ret_path pointing into text, or -ENOENT when no line fits; *ret_path
 * and *ret_len are written on every path (NULL and 0 on -ENOENT).  Pure.
 */
int cgroup_pick_path(const char *text, size_t len, enum cgroup_pick pick, const char **ret_path,
		     size_t *ret_len);

/*
 * Reads rel under dirfd ("cgroup" under a pid's directory fd, which pins
 * the process, or "PID/cgroup" under a proc root fd) into a malloc'd,
 * NUL-terminated buffer.  Returns 0, -EFBIG past CGROUP_FILE_MAX, or the
 * open/read -errno (ENOENT/ESRCH: the process is gone); *ret and *ret_len
 * are written on every path (NULL and 0 on failure).
 */
int cgroup_read_at(int dirfd, const char *rel, char **ret, size_t *ret_len);

/* At most this many directories are looked at by cgroup_find_ids(). */
#define CGROUP_FIND_DIRS_MAX 65536

/*
 * The cgroups of ids[0..n) (INET_DIAG_CGROUP_ID values): on 64-bit kernels
 * a cgroup's id is the inode number of its kernfs directory, so one walk of
 * the cgroup2 mount (mount NULL: the first cgroup2 mount in
 * /proc/self/mountinfo) finds them.  ret_paths[i] is a malloc'd path
 * relative to the mount, with a leading '/' ("/system.slice/foo.socket"),
 * or NULL when not found (free() each).  Returns 0, -ENOENT without a
 * cgroup2 mount, or -ENOMEM; ret_paths is written on every path.
 */
int cgroup_find_ids(const char *mount, const uint64_t *ids, size_t n, char **ret_paths);

#endif
