/* SPDX-License-Identifier: MIT */
/*
 * nsfs mounts of network namespaces in one mountinfo text (proc(5)):
 *
 *   612 29 0:4 net:[4026532249] /run/netns/blue rw shared:5 - nsfs nsfs rw
 *   (1) (2) (3)      (4)             (5)      (6)   (7...) - (8)  (9)  (10)
 *
 * (3) is the superblock's device, the st_dev a stat of the mounted file
 * gives; (4), the root of the mount within its filesystem, is what nsfs's
 * ns_dname() names a namespace by; (5) is relative to the reading process's
 * root, with space, tab, newline and backslash octal-escaped by
 * show_mountinfo() (\040 \011 \012 \134).
 */
#include <string.h>
#include <sys/sysmacros.h>

#include "lsock/mountinfo.h"
#include "netns_internal.h"


/* "MAJOR:MINOR" as show_mountinfo() prints MAJOR(sb->s_dev), MINOR(...). */
static bool parse_dev(struct strspan f, uint64_t *ret)
{
	const char *colon = memchr(f.p, ':', f.len);
	uint64_t maj, min;

	if (!colon)
		return false;
	if (strparse_dec(f.p, (size_t)(colon - f.p), UINT32_MAX, false, &maj) < 0 ||
	    strparse_dec(colon + 1, f.len - (size_t)(colon - f.p) - 1, UINT32_MAX, false, &min) < 0)
		return false;
	*ret = makedev((unsigned)maj, (unsigned)min);
	return true;
}

bool netns_parse_link(const char *s, size_t len, uint64_t *ret_ino)
{
	static const char prefix[] = "net:[";
	const size_t plen = sizeof(prefix) - 1;

	*ret_ino = 0;
	if (len < plen + 2 || memcmp(s, prefix, plen) != 0 || s[len - 1] != ']')
		return false;
	if (strparse_dec(s + plen, len - plen - 1, UINT64_MAX, true, ret_ino) < 0 || !*ret_ino) {
		*ret_ino = 0;
		return false;
	}
	return true;
}

/* Fills *m from one line; false if it is not an nsfs mount of a network
 * namespace (or is malformed). */
static bool parse_line(struct strspan line, struct netns_mountinfo_entry *m)
{
	struct mountinfo_line f;

	if (!mountinfo_parse_line(line, &f) || !strspan_eq(f.fstype, "nsfs"))
		return false;
	if (!netns_parse_link(f.root.p, f.root.len, &m->ino) || !parse_dev(f.dev, &m->dev))
		return false;
	return mountinfo_unescape(f.mountpoint, m->mountpoint, sizeof(m->mountpoint),
				  &m->mountpoint_len);
}

int netns_mountinfo_parse(const char *text, size_t len,
			  int (*fn)(const struct netns_mountinfo_entry *m, void *data), void *data)
{
	struct strspan t = { text, len }, line;
	struct netns_mountinfo_entry m;

	while (mountinfo_next_line(&t, &line)) {
		int r;

		if (!parse_line(line, &m))
			continue;
		r = fn(&m, data);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The NAME of /run/netns/NAME or /var/run/netns/NAME (what `ip netns`
 * lists: it reads the directory, and /var/run is /run on any current
 * distribution), else NULL. */
const char *netns_mountpoint_ipnetns(const char *mnt, size_t len, size_t *ret_len)
{
	static const char *const dirs[] = { "/run/netns/", "/var/run/netns/" };
	size_t i;

	*ret_len = 0;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t dl = strlen(dirs[i]);

		if (len > dl && memcmp(mnt, dirs[i], dl) == 0 && !memchr(mnt + dl, '/', len - dl)) {
			*ret_len = len - dl;
			return mnt + dl;
		}
	}
	return NULL;
}
