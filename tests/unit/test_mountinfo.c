/* SPDX-License-Identifier: MIT */
/* mountinfo lines split field by field, and path unescaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lsock/mountinfo.h"

static struct strspan span(const char *s)
{
	return (struct strspan){ s, strlen(s) };
}

static void assert_span(struct strspan f, const char *want)
{
	if (!strspan_eq(f, want))
		fail_msg("field '%.*s' != '%s'", (int)f.len, f.p, want);
}

static void test_parse(void **state)
{
	struct mountinfo_line m;

	(void)state;
	assert_true(mountinfo_parse_line(
		span("36 35 98:0 /mnt1 /mnt\\0402 rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue"),
		&m));
	assert_span(m.dev, "98:0");
	assert_span(m.root, "/mnt1");
	assert_span(m.mountpoint, "/mnt\\0402");
	assert_span(m.mnt_opts, "rw,noatime");
	assert_span(m.fstype, "ext3");
	assert_span(m.source, "/dev/root");
	assert_span(m.super_opts, "rw,errors=continue");
	/* no optional fields */
	assert_true(mountinfo_parse_line(span("1 2 0:4 net:[4026532249] /run/netns/a rw - nsfs nsfs rw"), &m));
	assert_span(m.fstype, "nsfs");
	assert_span(m.root, "net:[4026532249]");
	/* malformed: no lone "-", or fields missing after it */
	assert_false(mountinfo_parse_line(span("1 2 0:4 / /x rw shared:1 nsfs nsfs rw"), &m));
	assert_false(mountinfo_parse_line(span("1 2 0:4 / /x rw - nsfs nsfs"), &m));
	assert_false(mountinfo_parse_line(span("1 2 0:4"), &m));
	assert_false(mountinfo_parse_line(span(""), &m));
}

static void test_lines(void **state)
{
	struct strspan t = span("a b\n\nc"), l;

	(void)state;
	assert_true(mountinfo_next_line(&t, &l));
	assert_span(l, "a b");
	assert_true(mountinfo_next_line(&t, &l));
	assert_span(l, "");
	assert_true(mountinfo_next_line(&t, &l));
	assert_span(l, "c");
	assert_false(mountinfo_next_line(&t, &l));
}

static void test_unescape(void **state)
{
	char buf[8];
	size_t len = 99;

	(void)state;
	assert_true(mountinfo_unescape(span("/a\\040b\\134"), buf, sizeof(buf), &len));
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "/a b\\", 6);
	/* not an escape: kept as it is */
	assert_true(mountinfo_unescape(span("\\09x"), buf, sizeof(buf), &len));
	assert_string_equal(buf, "\\09x");
	assert_true(mountinfo_unescape(span("\\04"), buf, sizeof(buf), &len));
	assert_string_equal(buf, "\\04");
	/* exactly fits (7 bytes + NUL), one more does not */
	assert_true(mountinfo_unescape(span("1234567"), buf, sizeof(buf), &len));
	assert_false(mountinfo_unescape(span("12345678"), buf, sizeof(buf), &len));
	assert_false(mountinfo_unescape(span(""), buf, 0, &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_unescape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
