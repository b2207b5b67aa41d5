/* SPDX-License-Identifier: MIT */
/* The map's verdicts: hidepid from mountinfo, completeness. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_owner_tree.h"

/* ---- pure functions --------------------------------------------------------- */

#define MI_PROC(opts, super) "22 1 0:21 / /proc " opts " shared:12 - proc proc " super "\n"
#define MI_ROOT "1 0 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"

static void test_mountinfo(void **state)
{
	const char *p = "/proc";

	assert_false(owner_mountinfo_hides_pids("", p));
	assert_false(owner_mountinfo_hides_pids(MI_ROOT, p));
	assert_false(owner_mountinfo_hides_pids(MI_ROOT MI_PROC("rw,nosuid", "rw"), p));
	assert_true(owner_mountinfo_hides_pids(MI_ROOT MI_PROC("rw", "rw,hidepid=2"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=1"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=invisible"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=noaccess"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=ptraceable"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,gid=5,hidepid=4,x"), p));
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,subset=pid"), p));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=0"), p));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=off"), p));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid="), p));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,xhidepid=2"), p));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,subset=pidx"), p));
	/* Without a trailing newline, and with no optional fields at all. */
	assert_true(owner_mountinfo_hides_pids("22 1 0:21 / /proc rw - proc proc rw,hidepid=2", p));
	/* Several optional fields before the separator. */
	assert_true(owner_mountinfo_hides_pids(
		"22 1 0:21 / /proc rw shared:3 master:7 unbindable - proc none hidepid=2\n", p));
	/* Other mount points and other file systems do not count. */
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=2"), "/proc/sys"));
	assert_false(owner_mountinfo_hides_pids(MI_PROC("rw", "rw,hidepid=2"), "/pro"));
	assert_false(owner_mountinfo_hides_pids(
		"30 1 0:40 / /mnt/proc rw - proc proc rw,hidepid=2\n", p));
	assert_false(owner_mountinfo_hides_pids(
		"30 1 0:40 / /proc rw - tmpfs tmpfs rw,hidepid=2\n", p));
	/* Malformed lines: no separator, or cut short. */
	assert_false(owner_mountinfo_hides_pids("22 1 0:21 / /proc rw proc proc hidepid=2\n", p));
	assert_false(owner_mountinfo_hides_pids("22 1 0:21 / /proc rw - proc\n", p));
	assert_false(owner_mountinfo_hides_pids("22 1 0:21 /\n", p));
	/* Stacked mounts: the later (upper) one decides, either way. */
	assert_false(owner_mountinfo_hides_pids(
		MI_PROC("rw", "rw,hidepid=2") MI_ROOT MI_PROC("rw", "rw"), p));
	assert_true(owner_mountinfo_hides_pids(
		MI_PROC("rw", "rw") MI_PROC("rw", "rw,hidepid=invisible"), p));
	/* Mount options are honoured too (a bind mount may show them there). */
	assert_true(owner_mountinfo_hides_pids(MI_PROC("rw,hidepid=2", "rw"), p));
	/* The kernel octal-escapes space, tab, newline and backslash. */
	assert_true(owner_mountinfo_hides_pids(
		"30 1 0:40 / /my\\040pr\\134oc\\012 rw - proc proc rw,hidepid=2\n",
		"/my pr\\oc\n"));
	assert_false(owner_mountinfo_hides_pids(
		"30 1 0:40 / /my\\040proc rw - proc proc rw,hidepid=2\n", "/my\\040proc"));
	assert_false(owner_mountinfo_hides_pids(
		"30 1 0:40 / /my\\04 rw - proc proc rw,hidepid=2\n", "/my "));
}

static void test_complete(void **state)
{
	struct owner_map m;

	memset(&m, 0, sizeof(m));
	/* unprivileged: never complete, hidepid or not (pids may vanish silently) */
	assert_false(owner_map_complete(&m));
	m.hidepid = true;
	assert_false(owner_map_complete(&m));
	/* privileged: complete unless something was denied */
	m.privileged = true;
	assert_true(owner_map_complete(&m));
	m.hidepid = false;
	assert_true(owner_map_complete(&m));
	m.n_denied = 1;
	assert_false(owner_map_complete(&m));
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
