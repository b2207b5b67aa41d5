/* SPDX-License-Identifier: MIT */
/*
 * esc_text_cstr (escape.h): the esc_text() form of a C string for error
 * messages, NUL-terminated in a fixed buffer, cut with "..." at a unit
 * boundary (never inside an escape or a UTF-8 sequence) when it does not fit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lsock/escape.h"
#include "lsock/outbuf.h"

/* Canary around the buffer: nothing may be written past len. */
#define CANARY 0x5a

static void check(const char *in, size_t len, const char *want)
{
	char buf[64];
	const char *r;

	assert_true(len + 1 <= sizeof(buf));
	memset(buf, CANARY, sizeof(buf));
	r = esc_text_cstr(in, buf, len);
	assert_ptr_equal(r, buf);
	print_message("len %zu: \"%s\"\n", len, len ? buf : "");
	if (len)
		assert_string_equal(buf, want);
	for (size_t i = len; i < sizeof(buf); i++)
		assert_int_equal((unsigned char)buf[i], CANARY);
}

static void test_fits(void **state)
{
	(void)state;
	check("", 1, "");
	check(NULL, 8, "");
	check("plain name", 11, "plain name");	/* exactly fits: 10 + NUL */
	check("a b", 8, "a b");			/* spaces kept */
	check("-", 8, "-");			/* not esc_text_name: "-" stays */
	check("e\x1b[1m\n", 16, "e\\x1b[1m\\n");
	check("x\xc2\xa0y", 16, "x\\u{00a0}y");
	check("\xe4\xb8\xad\xff", 16, "\xe4\xb8\xad\\xff");
	check("\xf3\xa0\x80\x81", 10, "\\u{e0001}");
}

static void test_truncated(void **state)
{
	(void)state;
	/* 10 bytes out, 8 room: 5 + "..." */
	check("abcdefghij", 9, "abcde...");
	check("abcdefghij", 10, "abcdef...");
	check("abcdefghij", 11, "abcdefghij");
	/* The escape "\x1b" is not split: "ab" + "..." rather than "ab\x1..." */
	check("ab\x1b" "cdef", 9, "ab...");
	check("ab\x1b" "cdef", 10, "ab\\x1b...");
	/* Nor a UTF-8 sequence: U+4E2D is 3 bytes. */
	check("ab\xe4\xb8\xad" "cdef", 8, "ab...");
	check("ab\xe4\xb8\xad" "cdef", 9, "ab\xe4\xb8\xad...");
	/* Nor \u{00a0} (8 bytes). */
	check("a\xc2\xa0" "bcdefghijk", 12, "a...");
	check("a\xc2\xa0" "bcdefghijk", 13, "a\\u{00a0}...");
	/* Tiny buffers: as many dots as fit. */
	check("abcdef", 0, "");
	check("abcdef", 1, "");
	check("abcdef", 2, ".");
	check("abcdef", 3, "..");
	check("abcdef", 4, "...");
	check("abcdef", 5, "a...");
	check("abc", 4, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
