/* SPDX-License-Identifier: MIT */
/*
 * The systemd unit of a process, from its cgroup path, by systemd's own
 * rule (cg_path_get_unit(), cg_path_get_user_unit()): skip the leading
 * "*.slice" components and take the next one, if it is a unit name.
 * Inside a user manager (user@UID.service) the user's unit follows the
 * same way after the user's own slices:
 *
 *   /system.slice/nginx.service                   unit nginx.service
 *   /system.slice/nginx.service/worker            unit nginx.service
 *   /user.slice/user-1000.slice/user@1000.service/app.slice/foo.service
 *                                                 unit user@1000.service,
 *                                                 user unit foo.service
 *   /init.scope                                   unit init.scope
 *   /, /system.slice, /docker/<id>                no unit
 *
 * On a hybrid host the 0:: path may be "/"; cgroup_pick_path() with
 * CGROUP_PICK_SYSTEMD then gives the name=systemd path.
 */
#ifndef LSOCK_UNIT_H
#define LSOCK_UNIT_H

#include <stddef.h>

/* systemd's UNIT_NAME_MAX is 256 with the NUL. */
#define UNIT_NAME_MAX 255

/* Spans into the path given to unit_from_cgroup_path(). */
struct unit_names {
	const char *unit;      /* NULL: none */
	size_t unit_len;
	const char *user_unit; /* NULL: none (not in a user manager, or only its slices) */
	size_t user_unit_len;
};

/*
 * Applies the rule to path[0..len).  A component counts as a unit only if
 * it is a valid unit name: 1 to UNIT_NAME_MAX bytes of [A-Za-z0-9:_.\@-]
 * ending in .service, .scope, .socket, .mount or .swap (the unit types
 * that hold processes) with something before the suffix.  Returns 0 (a
 * unit found), or -ENOENT; *ret is written on every path.  Pure.
 */
int unit_from_cgroup_path(const char *path, size_t len, struct unit_names *ret);

/* NUL-terminated copies; "" means none. */
struct unit_info {
	char unit[UNIT_NAME_MAX + 1];
	char user_unit[UNIT_NAME_MAX + 1];
};

/*
 * Reads rel under dirfd ("cgroup" under a pid's directory fd) and applies
 * the rule to its CGROUP_PICK_SYSTEMD path.  Returns 0 (units possibly
 * empty), or the read's -errno (see cgroup_read_at()); *ret is written on
 * every path (empty on failure).
 */
int unit_read_at(int dirfd, const char *rel, struct unit_info *ret);

#endif
