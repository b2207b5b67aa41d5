/* SPDX-License-Identifier: MIT */
/* systemd units from cgroup paths, and picking the path out of /proc/PID/cgroup. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lsock/cgroup.h"
#include "lsock/unit.h"
#include "netns_tree.h"

/* unit_from_cgroup_path() on path, compared with unit and user (NULL: none). */
static void check_unit(const char *path, const char *unit, const char *user)
{
	struct unit_names u;
	int r = unit_from_cgroup_path(path, strlen(path), &u);

	if (!unit) {
		assert_int_equal(r, -ENOENT);
		assert_null(u.unit);
		assert_null(u.user_unit);
		return;
	}
	assert_int_equal(r, 0);
	assert_int_equal(u.unit_len, strlen(unit));
	assert_memory_equal(u.unit, unit, u.unit_len);
	if (!user) {
		assert_null(u.user_unit);
		assert_int_equal(u.user_unit_len, 0);
	} else {
		assert_non_null(u.user_unit);
		assert_int_equal(u.user_unit_len, strlen(user));
		assert_memory_equal(u.user_unit, user, u.user_unit_len);
	}
}

static void test_unit_rule(void **state)
{
	check_unit("/system.slice/nginx.service", "nginx.service", NULL);
	check_unit("/system.slice/nginx.service/worker", "nginx.service", NULL);
	check_unit("/system.slice/system-getty.slice/getty@tty1.service", "getty@tty1.service",
		   NULL);
	check_unit("/init.scope", "init.scope", NULL);
	check_unit("/system.slice/ssh.socket", "ssh.socket", NULL);
	check_unit("/system.slice/-.mount", "-.mount", NULL);
	check_unit("/system.slice/dev-sda2.swap", "dev-sda2.swap", NULL);
	check_unit("/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service",
		   "user@1000.service", "foo.service");
	check_unit("/user.slice/user-1000.slice/user@1000.service/init.scope", "user@1000.service",
		   "init.scope");
	check_unit("/user.slice/user-1000.slice/user@1000.service", "user@1000.service", NULL);
	check_unit("/user.slice/user-1000.slice/user@1000.service/app.slice", "user@1000.service",
		   NULL);
	check_unit("/user.slice/user-1000.slice/session-3.scope", "session-3.scope", NULL);
	/* A unit's own sub-cgroups, and a user unit's. */
	check_unit("/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service/x/y",
		   "user@1000.service", "foo.service");
	/* Docker's systemd driver puts the scope in system.slice. */
	check_unit("/system.slice/docker-" HEX64("a") ".scope", "docker-" HEX64("a") ".scope",
		   NULL);
	/* Escaped unit names are units. */
	check_unit("/machine.slice/systemd-nspawn@my\\x2dbox.service",
		   "systemd-nspawn@my\\x2dbox.service", NULL);
	/* Repeated and trailing slashes are no components. */
	check_unit("//system.slice//cron.service/", "cron.service", NULL);

	/* No unit. */
	check_unit("/", NULL, NULL);
	check_unit("", NULL, NULL);
	check_unit("/system.slice", NULL, NULL);
	check_unit("/docker/" HEX64("b"), NULL, NULL);
	check_unit("/kubepods/besteffort/pod1234/" HEX64("c"), NULL, NULL);
	check_unit("/system.slice/foo", NULL, NULL);
	check_unit("/system.slice/.service", NULL, NULL);
	check_unit("/system.slice/getty@.service", NULL, NULL); /* a template holds no process */
	check_unit("/system.slice/@x.service", NULL, NULL);
	check_unit("/system.slice/a@b@c.service", NULL, NULL);
	check_unit("/system.slice/foo.target", NULL, NULL);
	check_unit("/system.slice/foo bar.service", NULL, NULL);
	check_unit("/system.slice/f\x1b[31m.service", NULL, NULL);
	check_unit("/system.slice/f\xff.service", NULL, NULL);
	check_unit("/lxc.payload.build/init.scope", NULL, NULL);
}

static void test_unit_lengths(void **state)
{
	char path[600], unit[300];

	/* 255 bytes is a unit name, 256 is not. */
	memset(unit, 'a', 247);
	strcpy(unit + 247, ".service");
	assert_int_equal(strlen(unit), 255);
	snprintf(path, sizeof(path), "/system.slice/%s", unit);
	check_unit(path, unit, NULL);
	memset(unit, 'a', 248);
	strcpy(unit + 248, ".service");
	snprintf(path, sizeof(path), "/system.slice/%s", unit);
	check_unit(path, NULL, NULL);
}

/* Not NUL-terminated: the rule reads only len bytes. */
static void test_unit_bounded(void **state)
{
	static const char buf[] = "/system.slice/nginx.servicexyz";
	struct unit_names u;

	assert_int_equal(unit_from_cgroup_path(buf, strlen("/system.slice/nginx.service"), &u), 0);
	assert_int_equal(u.unit_len, strlen("nginx.service"));
	assert_int_equal(unit_from_cgroup_path(buf, strlen("/system.slice/nginx.serv"), &u),
			 -ENOENT);
}

static void check_pick(const char *text, enum cgroup_pick pick, const char *want)
{
	const char *p;
	size_t len;
	int r = cgroup_pick_path(text, strlen(text), pick, &p, &len);

	if (!want) {
		assert_int_equal(r, -ENOENT);
		assert_null(p);
		assert_int_equal(len, 0);
		return;
	}
	assert_int_equal(r, 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(p, want, len);
}

static const char hybrid[] = "12:pids:/system.slice/docker-x.scope\n"
			     "9:name=systemd:/system.slice/cron.service\n"
			     "4:memory:/system.slice/cron.service\n"
			     "0::/\n";

static void test_pick(void **state)
{
	/* Unified. */
	check_pick("0::/system.slice/nginx.service\n", CGROUP_PICK_SYSTEMD,
		   "/system.slice/nginx.service");
	check_pick("0::/system.slice/nginx.service", CGROUP_PICK_ANY,
		   "/system.slice/nginx.service");
	/* Hybrid: 0:: is "/", systemd's tree is name=systemd. */
	check_pick(hybrid, CGROUP_PICK_SYSTEMD, "/system.slice/cron.service");
	check_pick(hybrid, CGROUP_PICK_ANY, "/system.slice/cron.service");
	/* Hybrid with the process moved in the v2 tree too: 0:: wins. */
	check_pick("1:name=systemd:/a.slice/b.service\n0::/system.slice/c.service\n",
		   CGROUP_PICK_SYSTEMD, "/system.slice/c.service");
	/* Legacy v1: no 0:: line. */
	check_pick("3:cpu:/\n1:name=systemd:/system.slice/d.service\n", CGROUP_PICK_SYSTEMD,
		   "/system.slice/d.service");
	/* Everything "/": the root, but ANY looks for a v1 controller path
	 * (Docker's cgroupfs driver on v1 leaves name=systemd alone). */
	check_pick("4:memory:/docker/abc\n1:name=systemd:/\n0::/\n", CGROUP_PICK_SYSTEMD, "/");
	check_pick("4:memory:/docker/abc\n1:name=systemd:/\n0::/\n", CGROUP_PICK_ANY,
		   "/docker/abc");
	check_pick("0::/\n", CGROUP_PICK_ANY, "/");
	/* A ':' inside the path is part of it. */
	check_pick("0::/a:b/c.service\n", CGROUP_PICK_SYSTEMD, "/a:b/c.service");
	/* Malformed lines are skipped. */
	check_pick("garbage\n0:/x\n::/y\n0::relative\n0::/ok.service\n", CGROUP_PICK_SYSTEMD,
		   "/ok.service");
	check_pick("", CGROUP_PICK_SYSTEMD, NULL);
	check_pick("garbage\n", CGROUP_PICK_ANY, NULL);
	check_pick("1:cpu:/\n", CGROUP_PICK_SYSTEMD, NULL);
}

static void test_read_at(void **state)
{
	const struct ntree *t = *state;
	struct unit_info u;
	char big[CGROUP_FILE_MAX + 2];
	int dfd;

	nt_writes(t->root, "10/cgroup",
		  "0::/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service\n");
	nt_writes(t->root, "11/cgroup", hybrid);
	nt_writes(t->root, "12/cgroup", "0::/\n");
	memset(big, 'a', sizeof(big));
	memcpy(big, "0::/system.slice/x.service\n", 27);
	nt_write(t->root, "13/cgroup", big, sizeof(big));
	dfd = open(t->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);

	assert_int_equal(unit_read_at(dfd, "10/cgroup", &u), 0);
	assert_string_equal(u.unit, "user@1000.service");
	assert_string_equal(u.user_unit, "foo.service");
	assert_int_equal(unit_read_at(dfd, "11/cgroup", &u), 0);
	assert_string_equal(u.unit, "cron.service");
	assert_string_equal(u.user_unit, "");
	assert_int_equal(unit_read_at(dfd, "12/cgroup", &u), 0);
	assert_string_equal(u.unit, "");
	/* Gone, and too big: an error, and empty units. */
	memset(&u, 'x', sizeof(u));
	assert_int_equal(unit_read_at(dfd, "99/cgroup", &u), -ENOENT);
	assert_string_equal(u.unit, "");
	assert_string_equal(u.user_unit, "");
	assert_int_equal(unit_read_at(dfd, "13/cgroup", &u), -EFBIG);
	assert_string_equal(u.unit, "");
	close(dfd);
}

static void test_live(void **state)
{
	struct unit_info u;

	/* Whatever this process's unit is, reading it works. */
	assert_int_equal(unit_read_at(AT_FDCWD, "/proc/self/cgroup", &u), 0);
	assert_true(strlen(u.unit) <= UNIT_NAME_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_rule),
		cmocka_unit_test(test_unit_lengths),
		cmocka_unit_test(test_unit_bounded),
		cmocka_unit_test(test_pick),
		cmocka_unit_test_setup_teardown(test_read_at, nt_setup, nt_teardown),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
