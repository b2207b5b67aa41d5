/* SPDX-License-Identifier: MIT */
/* nsfs mounts in mountinfo text, fd link targets, ip netns names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/sysmacros.h>

#include "netns/netns_internal.h"
#include "netns_tree.h"

struct seen {
	struct netns_mountinfo_entry m[8];
	size_t n;
};

static int collect(const struct netns_mountinfo_entry *m, void *data)
{
	struct seen *s = data;

	assert_true(s->n < 8);
	s->m[s->n++] = *m;
	return 0;
}

static int stop(const struct netns_mountinfo_entry *m, void *data)
{
	(*(int *)data)++;
	return -ECANCELED;
}

static const char mountinfo[] =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"25 22 0:22 / /run rw,nosuid shared:5 - tmpfs tmpfs rw,mode=755\n"
	"612 25 0:4 net:[4026532249] /run/netns/blue rw shared:5 - nsfs nsfs rw\n"
	"613 25 0:4 net:[4026532250] /run/docker/netns/0123456789ab rw - nsfs nsfs rw\n"
	/* No optional fields at all, a path with escaped space and newline. */
	"614 22 0:4 net:[4026532251] /tmp/my\\040ns\\012x rw - nsfs nsfs rw\n"
	/* Other namespace types, and the old procfs form (before 3.19). */
	"615 22 0:4 mnt:[4026532252] /tmp/mnt rw - nsfs nsfs rw\n"
	"616 22 0:4 uts:[4026532253] /tmp/uts rw - nsfs nsfs rw\n"
	"617 22 0:5 net:[4026532254] /tmp/old rw - proc proc rw\n"
	/* Malformed: no "-", bad root, bad device, too few fields. */
	"618 22 0:4 net:[4026532255] /tmp/a rw shared:1 nsfs nsfs rw\n"
	"619 22 0:4 net:[] /tmp/b rw - nsfs nsfs rw\n"
	"620 22 0:4 net:[0] /tmp/c rw - nsfs nsfs rw\n"
	"621 22 0-4 net:[4026532256] /tmp/d rw - nsfs nsfs rw\n"
	"622 22 0:4\n"
	"\n"
	"623 22 259:65536 net:[18446744073709551615] /x rw master:3 - nsfs nsfs rw";

static void test_parse(void **state)
{
	struct seen s = { .n = 0 };
	const char *blue;
	int calls = 0;
	size_t cut;

	assert_int_equal(netns_mountinfo_parse(mountinfo, sizeof(mountinfo) - 1, collect, &s), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.m[0].dev, makedev(0, 4));
	assert_int_equal(s.m[0].ino, 4026532249u);
	assert_string_equal(s.m[0].mountpoint, "/run/netns/blue");
	assert_int_equal(s.m[0].mountpoint_len, 15);
	assert_int_equal(s.m[1].ino, 4026532250u);
	assert_string_equal(s.m[1].mountpoint, "/run/docker/netns/0123456789ab");
	assert_int_equal(s.m[2].ino, 4026532251u);
	assert_string_equal(s.m[2].mountpoint, "/tmp/my ns\nx");
	assert_int_equal(s.m[3].dev, makedev(259, 65536));
	assert_int_equal(s.m[3].ino, UINT64_MAX);
	assert_string_equal(s.m[3].mountpoint, "/x");

	/* A negative return stops the walk and comes back. */
	assert_int_equal(netns_mountinfo_parse(mountinfo, sizeof(mountinfo) - 1, stop, &calls),
			 -ECANCELED);
	assert_int_equal(calls, 1);
	assert_int_equal(netns_mountinfo_parse("", 0, stop, &calls), 0);
	/* Only len bytes are read: the blue line, cut inside its fstype (and
	 * inside its last field, super options, which the kernel always
	 * writes), and whole without its newline. */
	blue = strstr(mountinfo, "612 ");
	cut = (size_t)(strstr(blue, "nsfs") - blue);
	s.n = 0;
	assert_int_equal(netns_mountinfo_parse(blue, cut + 3, collect, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(netns_mountinfo_parse(blue, cut + 4, collect, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(netns_mountinfo_parse(blue, (size_t)(strchr(blue, '\n') - blue), collect, &s), 0);
	assert_int_equal(s.n, 1);
}

static void test_long_mountpoint(void **state)
{
	size_t n = PATH_MAX + 100, i;
	char *text = malloc(n + 64);
	struct seen s = { .n = 0 };
	int off;

	assert_non_null(text);
	off = sprintf(text, "1 1 0:4 net:[5] /");
	for (i = 0; i < n; i++)
		text[off + i] = 'a';
	strcpy(text + off + n, " rw - nsfs nsfs rw\n");
	assert_int_equal(netns_mountinfo_parse(text, strlen(text), collect, &s), 0);
	assert_int_equal(s.n, 0); /* does not fit PATH_MAX: skipped, not cut */
	free(text);
}

static void test_ipnetns_name(void **state)
{
	const char *name;
	size_t len;

	name = netns_mountpoint_ipnetns("/run/netns/blue", 15, &len);
	assert_non_null(name);
	assert_int_equal(len, 4);
	assert_memory_equal(name, "blue", 4);
	name = netns_mountpoint_ipnetns("/var/run/netns/red", 18, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(name, "red", 3);
	name = netns_mountpoint_ipnetns("/run/netns/a\x1b\n\xff", 15, &len);
	assert_int_equal(len, 4);
	assert_null(netns_mountpoint_ipnetns("/run/netns/", 11, &len));
	assert_int_equal(len, 0);
	assert_null(netns_mountpoint_ipnetns("/run/netns/a/b", 14, &len));
	assert_null(netns_mountpoint_ipnetns("/run/docker/netns/abc", 21, &len));
	assert_null(netns_mountpoint_ipnetns("/tmp/run/netns/x", 16, &len));
	assert_null(netns_mountpoint_ipnetns("/run/netnsx/y", 13, &len));
}

static void test_parse_link(void **state)
{
	static const char *const bad[] = {
		"net:[]", "net:[0]", "net:[012]", "net:[12a]", "net:[-1]", "net:[+1]", "net:12]",
		"net:[12", "mnt:[12]", "socket:[12]", "Net:[12]", "net:[ 12]",
		"net:[18446744073709551616]",
		"", "net:[4026532249]x",
	};
	uint64_t ino = 7;
	size_t i;

	assert_true(netns_parse_link("net:[4026532249]", 16, &ino));
	assert_int_equal(ino, 4026532249u);
	assert_true(netns_parse_link("net:[18446744073709551615]", 26, &ino));
	assert_int_equal(ino, UINT64_MAX);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ino = 7;
		assert_false(netns_parse_link(bad[i], strlen(bad[i]), &ino));
		assert_int_equal(ino, 0);
	}
	/* Only len bytes count. */
	assert_true(netns_parse_link("net:[5]garbage", 7, &ino));
	assert_int_equal(ino, 5);
}

static void test_generated_names(void **state)
{
	static const char *const gen[] = {
		"cni-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		"netns-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
	};
	static const char *const mine[] = {
		"blue", "cni-blue", "cni-", "netns-", "cni-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f",
		"cni-0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0",
		"cni-0f1e2d3c_4b5a-6978-8796-a5b4c3d2e1f0",
		"netns-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0x",
		"xcni-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
	};
	size_t i;

	for (i = 0; i < sizeof(gen) / sizeof(gen[0]); i++)
		assert_true(netns_name_is_generated(gen[i], strlen(gen[i])));
	for (i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
		assert_false(netns_name_is_generated(mine[i], strlen(mine[i])));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_long_mountpoint),
		cmocka_unit_test(test_ipnetns_name),
		cmocka_unit_test(test_parse_link),
		cmocka_unit_test(test_generated_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
