/* SPDX-License-Identifier: MIT */
/* /proc/PID/cgroup: picking the path that systemd and container engines use. */
#include <string.h>

#include "lsock/cgroup.h"
#include "netns_internal.h"

struct line {
	const char *id;
	size_t id_len;
	const char *ctl;
	size_t ctl_len;
	const char *path;
	size_t path_len;
};

/* Splits "ID:CONTROLLERS:PATH"; the path may itself hold ':'. */
static bool split_line(const char *p, size_t len, struct line *ret)
{
	const char *c1 = memchr(p, ':', len), *c2;

	if (!c1)
		return false;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - p));
	if (!c2)
		return false;
	ret->id = p;
	ret->id_len = (size_t)(c1 - p);
	ret->ctl = c1 + 1;
	ret->ctl_len = (size_t)(c2 - c1 - 1);
	ret->path = c2 + 1;
	ret->path_len = len - (size_t)(c2 + 1 - p);
	return ret->id_len > 0 && ret->path_len > 0 && ret->path[0] == '/';
}

static bool is_root(const char *p, size_t len)
{
	return len == 1 && p[0] == '/';
}

int cgroup_pick_path(const char *text, size_t len, enum cgroup_pick pick, const char **ret_path,
		     size_t *ret_len)
{
	const char *v2 = NULL, *sd = NULL, *v1 = NULL;
	size_t v2_len = 0, sd_len = 0, v1_len = 0, off = 0;

	*ret_path = NULL;
	*ret_len = 0;
	while (off < len) {
		const char *p = text + off, *nl = memchr(p, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - p) : len - off;
		struct line l;

		off += llen + (nl ? 1 : 0);
		if (!split_line(p, llen, &l))
			continue;
		if (l.id_len == 1 && l.id[0] == '0' && l.ctl_len == 0) {
			if (!v2) {
				v2 = l.path;
				v2_len = l.path_len;
			}
		} else if (l.ctl_len == 12 && memcmp(l.ctl, "name=systemd", 12) == 0) {
			if (!sd) {
				sd = l.path;
				sd_len = l.path_len;
			}
		} else if (l.ctl_len > 0 && !v1 && !is_root(l.path, l.path_len)) {
			v1 = l.path;
			v1_len = l.path_len;
		}
	}
	if (v2 && !is_root(v2, v2_len)) {
		*ret_path = v2;
		*ret_len = v2_len;
	} else if (sd) {
		*ret_path = sd;
		*ret_len = sd_len;
	} else if (v2) {
		*ret_path = v2;
		*ret_len = v2_len;
	}
	if (pick == CGROUP_PICK_ANY && v1 && (!*ret_path || is_root(*ret_path, *ret_len))) {
		*ret_path = v1;
		*ret_len = v1_len;
	}
	return *ret_path ? 0 : -ENOENT;
}

int cgroup_read_at(int dirfd, const char *rel, char **ret, size_t *ret_len)
{
	return file_read_at(dirfd, rel, CGROUP_FILE_MAX, false, ret, ret_len);
}
