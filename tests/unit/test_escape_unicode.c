/* SPDX-License-Identifier: MIT */
/*
 * The Unicode side of the escaping policy (escape.h): which code points text
 * output escapes (general category Cc Cf Zl Zp Zs-but-space Co Cn), how wide
 * the rest are on a terminal (Mn Me and conjoining jamo 0, East Asian W/F 2,
 * else 1), and the JSON escapes of U+2028/U+2029.  Goldens for each category
 * are written out here; every code point is checked for consistency; and
 * when the Unicode Character Database files of the tables' version are
 * installed (Debian: unicode-data), every code point is checked against the
 * rule applied to them directly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/escape.h"
#include "lsock/outbuf.h"

#define MAX_CP 0x10ffff
#define UCD_DIR "/usr/share/unicode"

static size_t put_utf8(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xc0 | (cp >> 6));
		p[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xe0 | (cp >> 12));
		p[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | (cp >> 18));
	p[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	p[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	p[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The documented text escape of a code point >= U+0080: \u{...}, >= 4 digits. */
static void want_escape(uint32_t cp, char *want, size_t size)
{
	snprintf(want, size, "\\u{%04x}", cp);
}

/* esc_text(cp) into o (reset first). */
static void text_of(struct outbuf *o, uint32_t cp, char *in, size_t *ret_len)
{
	*ret_len = put_utf8(in, cp);
	o->len = 0;
	esc_text(o, in, *ret_len);
	assert_int_equal(outbuf_error(o), 0);
}

struct sample {
	uint32_t cp;
	const char *gc;
};

/* Escaped in text: at least one code point of every range the rule names. */
static const struct sample escaped[] = {
	{ 0x0085, "Cc" },   { 0x009b, "Cc" },	{ 0x00ad, "Cf" },   { 0x0600, "Cf" },
	{ 0x061c, "Cf" },   { 0x180e, "Cf" },	{ 0x200b, "Cf" },   { 0x200c, "Cf" },
	{ 0x200d, "Cf" },   { 0x200e, "Cf" },	{ 0x200f, "Cf" },   { 0x202a, "Cf" },
	{ 0x202e, "Cf" },   { 0x2060, "Cf" },	{ 0x2066, "Cf" },   { 0x206f, "Cf" },
	{ 0xfeff, "Cf" },   { 0xfff9, "Cf" },	{ 0x110bd, "Cf" },  { 0x1d173, "Cf" },
	{ 0xe0001, "Cf" },  { 0xe007f, "Cf" },	{ 0x2028, "Zl" },   { 0x2029, "Zp" },
	{ 0x00a0, "Zs" },   { 0x1680, "Zs" },	{ 0x2000, "Zs" },   { 0x200a, "Zs" },
	{ 0x202f, "Zs" },   { 0x205f, "Zs" },	{ 0x3000, "Zs" },   { 0xe000, "Co" },
	{ 0xf8ff, "Co" },   { 0xf0000, "Co" },	{ 0xffffd, "Co" },  { 0x100000, "Co" },
	{ 0x10fffd, "Co" }, { 0x0378, "Cn" },	{ 0x2065, "Cn" },   { 0xd7ff, "Cn" },
	{ 0xfdd0, "Cn" },   { 0xfffe, "Cn" },	{ 0xffff, "Cn" },   { 0x1fffe, "Cn" },
	{ 0x2fffd, "Cn" },  { 0xe0000, "Cn" },	{ 0xeffff, "Cn" },  { 0x10fffe, "Cn" },
	{ 0x10ffff, "Cn" },
};

/* Passed through in text, with their width. */
static const struct {
	uint32_t cp;
	const char *gc;
	size_t width;
} visible[] = {
	{ 0x00a1, "Po", 1 },  { 0x00e9, "Ll", 1 },  { 0x0301, "Mn", 0 },  { 0x0488, "Me", 0 },
	{ 0x20dd, "Me", 0 },  { 0x0903, "Mc", 1 },  { 0x1160, "Lo", 0 },  { 0x11ab, "Lo", 0 },
	{ 0xd7b0, "Lo", 0 },  { 0xd7fb, "Lo", 0 },  { 0x115f, "Lo", 2 },  { 0x1100, "Lo", 2 },
	{ 0x2500, "So", 1 },  { 0x3099, "Mn", 0 },  { 0x302a, "Mn", 0 },  { 0x3001, "Po", 2 },
	{ 0x4e2d, "Lo", 2 },  { 0xac00, "Lo", 2 },  { 0xd55c, "Lo", 2 },  { 0xff21, "Lu", 2 },
	{ 0xff61, "Po", 1 },  { 0xfe0f, "Mn", 0 },  { 0xfffd, "So", 1 },  { 0x1f1e6, "So", 1 },
	{ 0x1f600, "So", 2 }, { 0x20000, "Lo", 2 }, { 0x31350, "Lo", 2 }, { 0xe0100, "Mn", 0 },
	{ 0x0800, "Lo", 1 },  { 0x10000, "Lo", 1 },
};

static void test_escaped_categories(void **state)
{
	struct outbuf o;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1), 0);
	for (size_t i = 0; i < sizeof(escaped) / sizeof(escaped[0]); i++) {
		uint32_t cp = escaped[i].cp;
		char in[4], want[16];
		size_t len;

		print_message("escaped: U+%04X %s\n", cp, escaped[i].gc);
		text_of(&o, cp, in, &len);
		want_escape(cp, want, sizeof(want));
		assert_int_equal(o.len, strlen(want));
		assert_memory_equal(o.buf, want, o.len);
		assert_int_equal(esc_text_width(in, len), strlen(want));
	}
	outbuf_free(&o);
}

static void test_visible_and_width(void **state)
{
	struct outbuf o;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1), 0);
	for (size_t i = 0; i < sizeof(visible) / sizeof(visible[0]); i++) {
		uint32_t cp = visible[i].cp;
		char in[4];
		size_t len;

		print_message("visible: U+%04X %s\n", cp, visible[i].gc);
		text_of(&o, cp, in, &len);
		assert_int_equal(o.len, len);
		assert_memory_equal(o.buf, in, len);
		assert_int_equal(utf8_display_width(in, len), visible[i].width);
		assert_int_equal(esc_text_width(in, len), visible[i].width);
	}
	outbuf_free(&o);
}

/* Exact digit counts: four at least, no leading zeros beyond. */
static void test_escape_digits(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "\xc2\x85", "\\u{0085}" },
		{ "\xef\xbb\xbf", "\\u{feff}" },
		{ "\xf0\x90\x80\x80", "\xf0\x90\x80\x80" },	  /* U+10000 LINEAR B: Lo */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },	  /* U+1F600: So, not escaped */
		{ "\xf0\x9f\xbf\xbf", "\\u{1ffff}" },
		{ "\xf3\xa0\x80\x81", "\\u{e0001}" },
		{ "\xf4\x80\x80\x80", "\\u{100000}" },
		{ "\xf4\x8f\xbf\xbf", "\\u{10ffff}" },
	};
	struct outbuf o;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o.len = 0;
		esc_text(&o, cases[i].in, strlen(cases[i].in));
		assert_int_equal(o.len, strlen(cases[i].want));
		assert_memory_equal(o.buf, cases[i].want, o.len);
	}
	outbuf_free(&o);
}

static void test_width_strings(void **state)
{
	(void)state;
	assert_int_equal(utf8_display_width("", 0), 0);
	assert_int_equal(utf8_display_width("abc", 3), 3);
	assert_int_equal(utf8_display_width("e\xcc\x81", 3), 1);		/* e U+0301 */
	assert_int_equal(utf8_display_width("a\xcc\x81\xcc\xa3", 5), 1);	/* two marks */
	assert_int_equal(utf8_display_width("\xe4\xb8\xad\xe6\x96\x87", 6), 4); /* 中文 */
	/* Hangul from conjoining jamo: a wide initial, vowel and final add nothing. */
	assert_int_equal(utf8_display_width("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", 9), 2);
	assert_int_equal(utf8_display_width("\xf0\x9f\x98\x80x", 5), 3);
	assert_int_equal(utf8_display_width("\\u{200b}", 8), 8);
	assert_int_equal(utf8_display_width("\xff", 1), 1);
	assert_int_equal(utf8_display_width("\xe4\xb8", 2), 2);	/* cut short: 2 bytes */
	assert_int_equal(esc_text_width("\xe2\x80\x8b", 3), 8);	/* U+200B -> \u{200b} */
	assert_int_equal(esc_text_width("x\xe4\xb8\xad\xc2\xa0", 6), 1 + 2 + 8);
	/* A wide and a zero-width character at every offset of an ASCII run. */
	for (size_t off = 0; off < 20; off++) {
		char buf[40];

		memset(buf, 'a', off);
		memcpy(buf + off, "\xe4\xb8\xad" "bcdefghij" "e\xcc\x81", 15);
		assert_int_equal(utf8_display_width(buf, off + 15), off + 2 + 9 + 1);
		assert_int_equal(utf8_display_width(buf, off), off);
	}
}

/* U+2028 and U+2029 are \u2028 \u2029 in JSON; their neighbours stay raw. */
static void test_json_line_separators(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a\xe2\x80\xa8" "b", "\"a\\u2028b\"" },
		{ "\xe2\x80\xa9", "\"\\u2029\"" },
		{ "\xe2\x80\xa7\xe2\x80\xaf", "\"\xe2\x80\xa7\xe2\x80\xaf\"" },
		{ "\xc2\xa0\xe2\x80\x8b\xef\xbb\xbf", "\"\xc2\xa0\xe2\x80\x8b\xef\xbb\xbf\"" },
		{ "\xf3\xa0\x80\x81", "\"\xf3\xa0\x80\x81\"" },
	};
	struct outbuf o;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(outbuf_init(&o, -1), 0);
		esc_json(&o, cases[i].in, strlen(cases[i].in));
		assert_int_equal(o.len, strlen(cases[i].want));
		assert_memory_equal(o.buf, cases[i].want, o.len);
		outbuf_free(&o);
	}
}

/*
 * Every code point: text output is either the code point as it is or its
 * escape; widths agree; escaped ones are never wide or zero; JSON is the
 * code point raw or \uXXXX for C1, U+2028..U+202E, U+2066..U+2069.  Counts
 * by outcome are kept for the UCD test below.
 */
static void test_every_code_point(void **state)
{
	size_t n_escaped = 0;
	struct outbuf o, j;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1), 0);
	assert_int_equal(outbuf_init(&j, -1), 0);
	for (uint32_t cp = 0x80; cp <= MAX_CP; cp++) {
		bool json_esc = cp <= 0x9f || (cp >= 0x2028 && cp <= 0x202e) ||
				(cp >= 0x2066 && cp <= 0x2069);
		char in[4], want[16];
		size_t len, w;

		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		text_of(&o, cp, in, &len);
		if (o.len == len && memcmp(o.buf, in, len) == 0) {
			w = utf8_display_width(in, len);
			if (w > 2)
				fail_msg("U+%04X: width %zu", cp, w);
		} else {
			want_escape(cp, want, sizeof(want));
			if (o.len != strlen(want) || memcmp(o.buf, want, o.len) != 0)
				fail_msg("U+%04X: text %.*s, want %s", cp, (int)o.len, o.buf, want);
			n_escaped++;
		}
		if (esc_text_width(in, len) != utf8_display_width(o.buf, o.len))
			fail_msg("U+%04X: esc_text_width disagrees", cp);
		j.len = 0;
		esc_json(&j, in, len);
		if (json_esc) {
			snprintf(want, sizeof(want), "\"\\u%04x\"", cp);
			assert_int_equal(j.len, 8);
			assert_memory_equal(j.buf, want, 8);
		} else if (j.len != len + 2 || memcmp(j.buf + 1, in, len) != 0) {
			fail_msg("U+%04X: JSON not exact", cp);
		}
	}
	/* Most of the code space is unassigned or private: a sanity bound. */
	assert_true(n_escaped > 900000 && n_escaped < 1000000);
	outbuf_free(&o);
	outbuf_free(&j);
}

/*
 * Parses a property file's "XXXX;" or "XXXX..YYYY ;" at s, and points *rest
 * at the value after it.  Returns false for other lines (comments).
 */
static bool parse_range(const char *s, uint32_t *lo, uint32_t *hi, const char **rest)
{
	char *end;

	*lo = (uint32_t)strtoul(s, &end, 16);
	if (end == s)
		return false;
	*hi = *lo;
	if (end[0] == '.' && end[1] == '.')
		*hi = (uint32_t)strtoul(end + 2, &end, 16);
	while (*end == ' ')
		end++;
	if (*end != ';' || *hi > MAX_CP || *hi < *lo)
		return false;
	for (end++; *end == ' ';)
		end++;
	*rest = end;
	return true;
}

/* Opens a UCD file; NULL if absent or if its first line names another version. */
static FILE *ucd_open(const char *name, bool versioned)
{
	char path[256], want[128], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.txt", UCD_DIR, name);
	f = fopen(path, "r");
	if (!f || !versioned)
		return f;
	snprintf(want, sizeof(want), "# %s-%s.txt\n", name, esc_unicode_version());
	if (!fgets(line, sizeof(line), f) || strcmp(line, want) != 0) {
		print_message("%s: not Unicode %s\n", path, esc_unicode_version());
		fclose(f);
		return NULL;
	}
	return f;
}

enum { REF_PLAIN, REF_ESCAPE, REF_ZERO, REF_WIDE };

/*
 * The policy applied to the UCD files directly (independently of the
 * generator script): a class per code point, in ref[0..MAX_CP].
 */
static bool ucd_reference(uint8_t *ref)
{
	static const char escaped_gc[] = "Cc Cf Zl Zp Zs Co Cs Cn";
	char gc2[3], *line = NULL, *wide = calloc(MAX_CP + 1, 1), *zero = calloc(MAX_CP + 1, 1);
	FILE *ud = ucd_open("UnicodeData", false), *eaw = ucd_open("EastAsianWidth", true);
	FILE *hst = ucd_open("HangulSyllableType", true);
	uint32_t lo, hi, first = 0;
	const char *rest;
	size_t cap = 0;
	bool ok = ud && eaw && hst;

	assert_non_null(wide);
	assert_non_null(zero);
	/* Unassigned (Cn) unless UnicodeData.txt says otherwise. */
	memset(ref, REF_ESCAPE, MAX_CP + 1);
	while (eaw && getline(&line, &cap, eaw) > 0) {
		if (parse_range(line, &lo, &hi, &rest) && (rest[0] == 'W' || rest[0] == 'F'))
			memset(wide + lo, 1, hi - lo + 1);
	}
	while (hst && getline(&line, &cap, hst) > 0) {
		if (parse_range(line, &lo, &hi, &rest) && (rest[0] == 'V' || rest[0] == 'T') &&
		    (rest[1] == ' ' || rest[1] == '#'))
			memset(zero + lo, 1, hi - lo + 1);
	}
	while (ud && getline(&line, &cap, ud) > 0) {
		char *name = strchr(line, ';'), *cat = name ? strchr(name + 1, ';') : NULL;
		uint32_t cp = (uint32_t)strtoul(line, NULL, 16);

		if (!cat || cp > MAX_CP) {
			ok = false;
			break;
		}
		memcpy(gc2, cat + 1, 2);
		gc2[2] = '\0';
		lo = hi = cp;
		if (strstr(name, ", First>;")) {
			first = cp;
			continue;
		}
		if (strstr(name, ", Last>;"))
			lo = first;
		for (uint32_t c = lo; c <= hi; c++) {
			if (strstr(escaped_gc, gc2) && c != 0x20)
				ref[c] = REF_ESCAPE;
			else if (strcmp(gc2, "Mn") == 0 || strcmp(gc2, "Me") == 0 || zero[c])
				ref[c] = REF_ZERO;
			else if (wide[c])
				ref[c] = REF_WIDE;
			else
				ref[c] = REF_PLAIN;
		}
	}
	free(line);
	free(wide);
	free(zero);
	if (ud)
		fclose(ud);
	if (eaw)
		fclose(eaw);
	if (hst)
		fclose(hst);
	return ok;
}

static void test_against_ucd(void **state)
{
	uint8_t *ref = malloc(MAX_CP + 1);
	size_t counts[4] = { 0 }, bad = 0;
	struct outbuf o;

	(void)state;
	assert_non_null(ref);
	if (!ucd_reference(ref)) {
		free(ref);
		print_message("no Unicode %s data in %s (apt-get install unicode-data)\n",
			      esc_unicode_version(), UCD_DIR);
		skip();
	}
	assert_int_equal(outbuf_init(&o, -1), 0);
	for (uint32_t cp = 0x80; cp <= MAX_CP; cp++) {
		char in[4];
		size_t len;
		int got;

		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		text_of(&o, cp, in, &len);
		if (o.len != len || memcmp(o.buf, in, len) != 0)
			got = REF_ESCAPE;
		else
			got = (int[]){ REF_ZERO, REF_PLAIN, REF_WIDE }[utf8_display_width(in, len)];
		counts[ref[cp]]++;
		if (got != ref[cp] && bad++ < 10)
			print_message("U+%04X: class %d, UCD says %d\n", cp, got, ref[cp]);
	}
	print_message("UCD %s: %zu plain, %zu escaped, %zu zero, %zu wide\n",
		      esc_unicode_version(), counts[REF_PLAIN], counts[REF_ESCAPE],
		      counts[REF_ZERO], counts[REF_WIDE]);
	assert_int_equal(bad, 0);
	outbuf_free(&o);
	free(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaped_categories),
		cmocka_unit_test(test_visible_and_width),
		cmocka_unit_test(test_escape_digits),
		cmocka_unit_test(test_width_strings),
		cmocka_unit_test(test_json_line_separators),
		cmocka_unit_test(test_every_code_point),
		cmocka_unit_test(test_against_ucd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
