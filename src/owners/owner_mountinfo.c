/* SPDX-License-Identifier: MIT */
/*
 * hidepid detection from /proc/self/mountinfo (see proc(5) for the format):
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)      (6)      (7...)  - (8)     (9)        (10)
 *
 * proc prints hidepid and subset=pid among the super options (10), as names
 * since Linux 5.8 ("hidepid=invisible") and as numbers before.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/mountinfo.h"
#include "owner_internal.h"

/* mountinfo is a few KiB; a container host may have thousands of mounts. */
#define MOUNTINFO_MAX (16u << 20)


/* Whether a mountinfo path field, once unescaped, is path. */
static bool path_eq(struct strspan f, const char *path)
{
	char buf[PATH_MAX];
	size_t len;

	return mountinfo_unescape(f, buf, sizeof(buf), &len) && len == strlen(path) &&
	       memcmp(buf, path, len) == 0;
}

/* Whether one comma-separated option list hides other users' pids. */
static bool options_hide(struct strspan opts)
{
	while (opts.len) {
		const char *comma = memchr(opts.p, ',', opts.len);
		struct strspan o = { opts.p, comma ? (size_t)(comma - opts.p) : opts.len };

		opts.p += o.len + (comma ? 1 : 0);
		opts.len -= o.len + (comma ? 1 : 0);
		if (o.len > 8 && memcmp(o.p, "hidepid=", 8) == 0) {
			struct strspan v = { o.p + 8, o.len - 8 };

			/* Anything but off is treated as hiding: noaccess/1,
			 * invisible/2, ptraceable/4, and whatever comes next. */
			if (!strspan_eq(v, "0") && !strspan_eq(v, "off"))
				return true;
		} else if (strspan_eq(o, "subset=pid")) {
			return true;
		}
	}
	return false;
}

/* Returns 1 if the line is a proc mount at mountpoint that hides pids, 0 if
 * it is one that does not, and -1 if it is something else. */
static int line_verdict(struct strspan line, const char *mountpoint)
{
	struct mountinfo_line f;

	if (!mountinfo_parse_line(line, &f) || !path_eq(f.mountpoint, mountpoint) ||
	    !strspan_eq(f.fstype, "proc"))
		return -1;
	return options_hide(f.super_opts) || options_hide(f.mnt_opts);
}

bool owner_mountinfo_hides_pids(const char *mountinfo, const char *proc_mountpoint)
{
	struct strspan text = { mountinfo, strlen(mountinfo) }, line;
	bool hides = false;

	while (mountinfo_next_line(&text, &line)) {
		int v = line_verdict(line, proc_mountpoint);

		/* A later mount on the same point is stacked on top: it wins. */
		if (v >= 0)
			hides = v;
	}
	return hides;
}

int owner_hidepid_probe(int procfd, const char *proc_root, bool *ret_hides)
{
	char root[PATH_MAX];
	char *text = NULL;
	size_t len;
	int fd, r;

	*ret_hides = false;
	r = owner_open_regular(procfd, "self/mountinfo", &fd);
	if (r == -ENOMEM || r == -EMFILE || r == -ENFILE || r == -OWNER_NOT_REGULAR)
		return r;
	if (r < 0)
		return 0;
	r = file_read_fd(fd, MOUNTINFO_MAX, true, &text, &len);
	close(fd);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	/* mountinfo names canonical paths; "/proc/" or a symlink must match too. */
	if (!realpath(proc_root, root)) {
		size_t n = strlen(proc_root);

		if (n >= sizeof(root)) {
			free(text);
			return 0;
		}
		memcpy(root, proc_root, n + 1);
	}
	*ret_hides = owner_mountinfo_hides_pids(text, root);
	free(text);
	return 0;
}
