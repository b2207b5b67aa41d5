/* SPDX-License-Identifier: MIT */
/*
 * The systemd unit of a cgroup path (see unit.h): systemd's
 * cg_path_get_unit() and cg_path_get_user_unit() rule, written from its
 * documented behaviour.
 */
#include <stdlib.h>
#include <string.h>

#include "lsock/cgroup.h"
#include "lsock/unit.h"
#include "netns_internal.h"

struct span {
	const char *p;
	size_t len;
};

/* The next non-empty '/'-separated component of *path; false at the end. */
static bool next_component(struct span *path, struct span *ret)
{
	const char *slash;

	while (path->len && path->p[0] == '/') {
		path->p++;
		path->len--;
	}
	if (!path->len)
		return false;
	slash = memchr(path->p, '/', path->len);
	ret->p = path->p;
	ret->len = slash ? (size_t)(slash - path->p) : path->len;
	path->p += ret->len;
	path->len -= ret->len;
	return true;
}

static bool has_suffix(struct span s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s.len > n && memcmp(s.p + s.len - n, suffix, n) == 0;
}

static bool is_slice(struct span s)
{
	return has_suffix(s, ".slice");
}

/*
 * Whether s is a unit name of a type that holds processes, plain
 * ("nginx.service") or instance ("getty@tty1.service"), not a template
 * ("getty@.service"): systemd's UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE.
 */
static bool is_process_unit(struct span s)
{
	static const char *const suffixes[] = {
		".service", ".scope", ".socket", ".mount", ".swap",
	};
	const char *at = NULL, *dot = NULL;
	size_t i;

	if (s.len == 0 || s.len > UNIT_NAME_MAX)
		return false;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == ':' || c == '_' || c == '.' || c == '\\' || c == '-' || c == '@'))
			return false;
		if (c == '@') {
			if (at)
				return false;
			at = s.p + i;
		}
		if (c == '.')
			dot = s.p + i;
	}
	if (!dot || dot == s.p)
		return false;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if ((size_t)(s.p + s.len - dot) == strlen(suffixes[i]) &&
		    memcmp(dot, suffixes[i], strlen(suffixes[i])) == 0)
			break;
	if (i == sizeof(suffixes) / sizeof(suffixes[0]))
		return false;
	/* "@" needs a prefix before it and an instance after it. */
	return !at || (at > s.p && at + 1 < dot);
}

/* Skips leading slices; the component after them, if it is a unit. */
static bool unit_after_slices(struct span *path, struct span *ret)
{
	struct span c;

	while (next_component(path, &c))
		if (!is_slice(c))
			return is_process_unit(c) ? (*ret = c, true) : false;
	return false;
}

static bool is_user_manager(struct span s)
{
	return s.len > 5 && memcmp(s.p, "user@", 5) == 0 && has_suffix(s, ".service");
}

int unit_from_cgroup_path(const char *path, size_t len, struct unit_names *ret)
{
	struct span rest = { path, len }, unit, user;

	memset(ret, 0, sizeof(*ret));
	if (!unit_after_slices(&rest, &unit))
		return -ENOENT;
	ret->unit = unit.p;
	ret->unit_len = unit.len;
	if (is_user_manager(unit) && unit_after_slices(&rest, &user)) {
		ret->user_unit = user.p;
		ret->user_unit_len = user.len;
	}
	return 0;
}

int unit_read_at(int dirfd, const char *rel, struct unit_info *ret)
{
	struct unit_names u;
	const char *path;
	size_t len, plen;
	char *text;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = cgroup_read_at(dirfd, rel, &text, &len);
	if (r < 0)
		return r;
	if (cgroup_pick_path(text, len, CGROUP_PICK_SYSTEMD, &path, &plen) == 0 &&
	    unit_from_cgroup_path(path, plen, &u) == 0) {
		memcpy(ret->unit, u.unit, u.unit_len);
		if (u.user_unit)
			memcpy(ret->user_unit, u.user_unit, u.user_unit_len);
	}
	free(text);
	return 0;
}
