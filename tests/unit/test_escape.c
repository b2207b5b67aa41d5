/* SPDX-License-Identifier: MIT */
/*
 * The escaping policy: every byte 0x00-0xff through esc_text/esc_json (the
 * expected strings are built from the written rules here, independently of
 * the code), UTF-8 edge cases as literal goldens, width agreement, round
 * trips (text escapes and JSON strings decode back to the input bytes),
 * esc_text_name's "-" rule and esc_text_cstr.  The Unicode classes (which
 * code points are escaped, how wide the rest are) are in
 * test_escape_unicode.c.  outbuf_put is wrapped (test_escape.wrap) to count
 * calls on the fast path.
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

/* Calls into outbuf_put from lsock_core (escape.c), counted. */
static size_t put_calls;

void __real_outbuf_put(struct outbuf *o, const void *s, size_t len);

void __wrap_outbuf_put(struct outbuf *o, const void *s, size_t len)
{
	put_calls++;
	__real_outbuf_put(o, s, len);
}

static void out_text(struct outbuf *o, const void *s, size_t len)
{
	assert_int_equal(outbuf_init(o, -1), 0);
	esc_text(o, s, len);
	assert_int_equal(outbuf_error(o), 0);
}

static void out_json(struct outbuf *o, const void *s, size_t len)
{
	assert_int_equal(outbuf_init(o, -1), 0);
	esc_json(o, s, len);
	assert_int_equal(outbuf_error(o), 0);
}

static void put_utf8(char *dst, size_t *len, uint32_t cp)
{
	unsigned char *p = (unsigned char *)dst + *len;

	if (cp < 0x80) {
		p[0] = (unsigned char)cp;
		*len += 1;
	} else if (cp < 0x800) {
		p[0] = (unsigned char)(0xc0 | (cp >> 6));
		p[1] = (unsigned char)(0x80 | (cp & 0x3f));
		*len += 2;
	} else if (cp < 0x10000) {
		p[0] = (unsigned char)(0xe0 | (cp >> 12));
		p[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (unsigned char)(0x80 | (cp & 0x3f));
		*len += 3;
	} else {
		p[0] = (unsigned char)(0xf0 | (cp >> 18));
		p[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		p[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		p[3] = (unsigned char)(0x80 | (cp & 0x3f));
		*len += 4;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long hex_n(const char *s, size_t n)
{
	long v = 0;

	for (size_t i = 0; i < n; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Decodes one JSON string (quotes included) as RFC 8259 says, into dst.
 * Returns the decoded length, or -1 if it is not a valid JSON string.
 */
static long json_decode(const char *s, size_t len, char *dst)
{
	size_t i = 1, n = 0;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		return -1;
	while (i < len - 1) {
		unsigned char c = (unsigned char)s[i];
		long cp, lo;

		if (c < 0x20 || c == '"')
			return -1;
		if (c != '\\') {
			dst[n++] = (char)c;
			i++;
			continue;
		}
		if (i + 1 >= len - 1)
			return -1;
		switch (s[i + 1]) {
		case '"': dst[n++] = '"'; i += 2; continue;
		case '\\': dst[n++] = '\\'; i += 2; continue;
		case '/': dst[n++] = '/'; i += 2; continue;
		case 'b': dst[n++] = '\b'; i += 2; continue;
		case 'f': dst[n++] = '\f'; i += 2; continue;
		case 'n': dst[n++] = '\n'; i += 2; continue;
		case 'r': dst[n++] = '\r'; i += 2; continue;
		case 't': dst[n++] = '\t'; i += 2; continue;
		case 'u': break;
		default: return -1;
		}
		if (i + 6 > len - 1 || (cp = hex_n(s + i + 2, 4)) < 0)
			return -1;
		i += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 6 > len - 1 || s[i] != '\\' || s[i + 1] != 'u' ||
			    (lo = hex_n(s + i + 2, 4)) < 0xdc00 || lo > 0xdfff)
				return -1;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return -1;
		}
		put_utf8(dst, &n, (uint32_t)cp);
	}
	return (long)n;
}

/* Reverses esc_text: \n \t \r \\ \xHH \u{X...}.  Returns length or -1. */
static long text_unescape(const char *s, size_t len, char *dst)
{
	size_t i = 0, n = 0, k;
	long v;

	while (i < len) {
		if (s[i] != '\\') {
			dst[n++] = s[i++];
			continue;
		}
		if (i + 1 >= len)
			return -1;
		switch (s[i + 1]) {
		case 'n': dst[n++] = '\n'; i += 2; break;
		case 't': dst[n++] = '\t'; i += 2; break;
		case 'r': dst[n++] = '\r'; i += 2; break;
		case '\\': dst[n++] = '\\'; i += 2; break;
		case 'x':
			if (i + 4 > len || (v = hex_n(s + i + 2, 2)) < 0)
				return -1;
			dst[n++] = (char)v;
			i += 4;
			break;
		case 'u':
			/* \u{ then 4 to 6 hex digits, no leading zero past four, then }. */
			if (i + 2 >= len || s[i + 2] != '{')
				return -1;
			for (k = 0; i + 3 + k < len && s[i + 3 + k] != '}'; k++)
				;
			if (k < 4 || k > 6 || i + 3 + k >= len || (k > 4 && s[i + 3] == '0') ||
			    (v = hex_n(s + i + 3, k)) < 0x80 || v > 0x10ffff)
				return -1;
			put_utf8(dst, &n, (uint32_t)v);
			i += 4 + k;
			break;
		default:
			return -1;
		}
	}
	return (long)n;
}

/* The text rule for one byte, written out from escape.h. */
static void expect_text_byte(unsigned char b, char *want)
{
	switch (b) {
	case '\n': strcpy(want, "\\n"); return;
	case '\t': strcpy(want, "\\t"); return;
	case '\r': strcpy(want, "\\r"); return;
	case '\\': strcpy(want, "\\\\"); return;
	}
	if (b >= 0x20 && b < 0x7f)
		snprintf(want, 8, "%c", b);
	else
		snprintf(want, 8, "\\x%02x", b);
}

/* The JSON rule for one byte on its own (a lone byte >= 0x80 is never UTF-8). */
static void expect_json_byte(unsigned char b, char *want)
{
	switch (b) {
	case '"': strcpy(want, "\\\""); return;
	case '\\': strcpy(want, "\\\\"); return;
	case '\n': strcpy(want, "\\n"); return;
	case '\t': strcpy(want, "\\t"); return;
	case '\r': strcpy(want, "\\r"); return;
	}
	if (b >= 0x20 && b < 0x7f)
		snprintf(want, 8, "%c", b);
	else if (b < 0x80)
		snprintf(want, 8, "\\u%04x", b);
	else
		strcpy(want, "\xef\xbf\xbd");
}

static void test_byte_table(void **state)
{
	char all[256], want_text[256 * 4 + 1] = "", want_json[256 * 6 + 3] = "\"";
	struct outbuf o;

	(void)state;
	for (int i = 0; i < 256; i++) {
		unsigned char b = (unsigned char)i;
		char want[16], jwant[16];

		all[i] = (char)b;
		expect_text_byte(b, want);
		out_text(&o, &b, 1);
		assert_string_equal(o.buf, want);
		assert_int_equal(esc_text_width(&b, 1), strlen(want));
		outbuf_free(&o);

		expect_json_byte(b, jwant);
		out_json(&o, &b, 1);
		assert_int_equal(o.len, strlen(jwant) + 2);
		assert_memory_equal(o.buf + 1, jwant, strlen(jwant));
		assert_int_equal(o.buf[0], '"');
		assert_int_equal(o.buf[o.len - 1], '"');
		outbuf_free(&o);

		assert_int_equal(utf8_valid(&b, 1), b < 0x80);
		strcat(want_text, want);
		strcat(want_json, jwant);
	}
	strcat(want_json, "\"");
	/*
	 * All 256 bytes in one string: no two neighbours form a valid
	 * sequence (every lead byte is followed by another lead byte), so the
	 * result is the concatenation of the single-byte results.
	 */
	out_text(&o, all, sizeof(all));
	assert_string_equal(o.buf, want_text);
	assert_int_equal(esc_text_width(all, sizeof(all)), strlen(want_text));
	outbuf_free(&o);
	out_json(&o, all, sizeof(all));
	assert_string_equal(o.buf, want_json);
	outbuf_free(&o);
}

/*
 * U+0080..U+00FF as two bytes C2/C3 xx: in text, C1 controls (Cc), the
 * no-break space U+00A0 (Zs) and the soft hyphen U+00AD (Cf) are escaped,
 * the rest of Latin-1 passes; JSON escapes only the C1 controls.
 */
static void test_two_byte_table(void **state)
{
	struct outbuf o;

	(void)state;
	for (uint32_t cp = 0x80; cp <= 0xff; cp++) {
		bool text_escaped = cp <= 0x9f || cp == 0xa0 || cp == 0xad;
		char in[4], want[16];
		size_t len = 0;

		put_utf8(in, &len, cp);
		assert_true(utf8_valid(in, len));
		out_text(&o, in, len);
		if (text_escaped) {
			snprintf(want, sizeof(want), "\\u{%04x}", cp);
			assert_string_equal(o.buf, want);
			assert_int_equal(esc_text_width(in, len), 8);
		} else {
			assert_int_equal(o.len, len);
			assert_memory_equal(o.buf, in, len);
			assert_int_equal(esc_text_width(in, len), 1);
		}
		outbuf_free(&o);
		out_json(&o, in, len);
		if (cp <= 0x9f) {
			snprintf(want, sizeof(want), "\"\\u%04x\"", cp);
			assert_string_equal(o.buf, want);
		} else {
			assert_int_equal(o.len, len + 2);
			assert_memory_equal(o.buf + 1, in, len);
		}
		outbuf_free(&o);
	}
}

struct edge {
	const char *name;
	const char *in;
	size_t len;
	bool valid;
	const char *text;
	const char *json;
};

#define EDGE(name, in, valid, text, json) { name, in, sizeof(in) - 1, valid, text, json }
#define FFFD "\xef\xbf\xbd"

static const struct edge edges[] = {
	EDGE("empty", "", true, "", "\"\""),
	EDGE("overlong C0 80", "\xc0\x80", false, "\\xc0\\x80", "\"" FFFD FFFD "\""),
	EDGE("overlong C1 BF", "\xc1\xbf", false, "\\xc1\\xbf", "\"" FFFD FFFD "\""),
	EDGE("overlong E0 80 80", "\xe0\x80\x80", false, "\\xe0\\x80\\x80",
	     "\"" FFFD FFFD FFFD "\""),
	EDGE("overlong E0 9F BF", "\xe0\x9f\xbf", false, "\\xe0\\x9f\\xbf",
	     "\"" FFFD FFFD FFFD "\""),
	EDGE("U+0800", "\xe0\xa0\x80", true, "\xe0\xa0\x80", "\"\xe0\xa0\x80\""),
	EDGE("U+0378 unassigned", "\xcd\xb8", true, "\\u{0378}", "\"\xcd\xb8\""),
	EDGE("overlong F0 8F BF BF", "\xf0\x8f\xbf\xbf", false, "\\xf0\\x8f\\xbf\\xbf",
	     "\"" FFFD FFFD FFFD FFFD "\""),
	EDGE("surrogate ED A0 80", "\xed\xa0\x80", false, "\\xed\\xa0\\x80",
	     "\"" FFFD FFFD FFFD "\""),
	EDGE("surrogate ED BF BF", "\xed\xbf\xbf", false, "\\xed\\xbf\\xbf",
	     "\"" FFFD FFFD FFFD "\""),
	EDGE("U+D7FB", "\xed\x9f\xbb", true, "\xed\x9f\xbb", "\"\xed\x9f\xbb\""),
	EDGE("U+D7FF unassigned", "\xed\x9f\xbf", true, "\\u{d7ff}", "\"\xed\x9f\xbf\""),
	EDGE("U+E000 private use", "\xee\x80\x80", true, "\\u{e000}", "\"\xee\x80\x80\""),
	EDGE("beyond U+10FFFF", "\xf4\x90\x80\x80", false, "\\xf4\\x90\\x80\\x80",
	     "\"" FFFD FFFD FFFD FFFD "\""),
	EDGE("U+10FFFF", "\xf4\x8f\xbf\xbf", true, "\\u{10ffff}", "\"\xf4\x8f\xbf\xbf\""),
	EDGE("U+E0001 tag", "\xf3\xa0\x80\x81", true, "\\u{e0001}", "\"\xf3\xa0\x80\x81\""),
	EDGE("U+F0000 private use", "\xf3\xb0\x80\x80", true, "\\u{f0000}",
	     "\"\xf3\xb0\x80\x80\""),
	EDGE("lead F5", "\xf5\x80\x80\x80", false, "\\xf5\\x80\\x80\\x80",
	     "\"" FFFD FFFD FFFD FFFD "\""),
	EDGE("truncated E2 82", "\xe2\x82", false, "\\xe2\\x82", "\"" FFFD FFFD "\""),
	EDGE("truncated E2 82 then A", "\xe2\x82" "A", false, "\\xe2\\x82" "A",
	     "\"" FFFD FFFD "A\""),
	EDGE("truncated 4-byte", "x\xf0\x9f\x98", false, "x\\xf0\\x9f\\x98",
	     "\"x" FFFD FFFD FFFD "\""),
	EDGE("lone continuation", "\x80", false, "\\x80", "\"" FFFD "\""),
	EDGE("U+0080", "\xc2\x80", true, "\\u{0080}", "\"\\u0080\""),
	EDGE("U+009B CSI", "\xc2\x9b" "31m", true, "\\u{009b}31m", "\"\\u009b31m\""),
	EDGE("U+009F", "\xc2\x9f", true, "\\u{009f}", "\"\\u009f\""),
	EDGE("U+00A0 fake column", "x\xc2\xa0\xc2\xa0/run/s", true, "x\\u{00a0}\\u{00a0}/run/s",
	     "\"x\xc2\xa0\xc2\xa0/run/s\""),
	EDGE("U+200B ZWSP", "a\xe2\x80\x8b", true, "a\\u{200b}", "\"a\xe2\x80\x8b\""),
	EDGE("U+200F RLM", "\xe2\x80\x8f", true, "\\u{200f}", "\"\xe2\x80\x8f\""),
	EDGE("U+2028 LS", "a\xe2\x80\xa8" "b", true, "a\\u{2028}b", "\"a\\u2028b\""),
	EDGE("U+2029 PS", "\xe2\x80\xa9", true, "\\u{2029}", "\"\\u2029\""),
	EDGE("U+2027 passes", "\xe2\x80\xa7", true, "\xe2\x80\xa7", "\"\xe2\x80\xa7\""),
	EDGE("U+FEFF BOM", "\xef\xbb\xbfx", true, "\\u{feff}x", "\"\xef\xbb\xbfx\""),
	EDGE("U+FFFE nonchar", "\xef\xbf\xbe", true, "\\u{fffe}", "\"\xef\xbf\xbe\""),
	EDGE("U+202A", "\xe2\x80\xaa", true, "\\u{202a}", "\"\\u202a\""),
	EDGE("U+202E RLO", "abc\xe2\x80\xaexyz", true, "abc\\u{202e}xyz", "\"abc\\u202exyz\""),
	EDGE("U+202F NNBSP", "\xe2\x80\xaf", true, "\\u{202f}", "\"\xe2\x80\xaf\""),
	EDGE("U+2030 passes", "\xe2\x80\xb0", true, "\xe2\x80\xb0", "\"\xe2\x80\xb0\""),
	EDGE("U+2065 unassigned", "\xe2\x81\xa5", true, "\\u{2065}", "\"\xe2\x81\xa5\""),
	EDGE("U+2066 LRI", "\xe2\x81\xa6", true, "\\u{2066}", "\"\\u2066\""),
	EDGE("U+2069 PDI", "\xe2\x81\xa9", true, "\\u{2069}", "\"\\u2069\""),
	EDGE("U+206A Cf", "\xe2\x81\xaa", true, "\\u{206a}", "\"\xe2\x81\xaa\""),
	EDGE("U+3000 ideographic space", "\xe3\x80\x80", true, "\\u{3000}", "\"\xe3\x80\x80\""),
	EDGE("U+FFFD itself", FFFD, true, FFFD, "\"" FFFD "\""),
	EDGE("emoji", "\xf0\x9f\x98\x80!", true, "\xf0\x9f\x98\x80!", "\"\xf0\x9f\x98\x80!\""),
	EDGE("NUL inside", "a\0b", true, "a\\x00b", "\"a\\u0000b\""),
	EDGE("ESC sequence", "\x1b[31mred\x1b[0m", true, "\\x1b[31mred\\x1b[0m",
	     "\"\\u001b[31mred\\u001b[0m\""),
	EDGE("OSC title", "\x1b]0;pwned\x07", true, "\\x1b]0;pwned\\x07",
	     "\"\\u001b]0;pwned\\u0007\""),
	EDGE("forged row", "/s/f\n0000: 00000002 @spoofed", true,
	     "/s/f\\n0000: 00000002 @spoofed", "\"/s/f\\n0000: 00000002 @spoofed\""),
	EDGE("tab cr del", "\t\r\x7f", true, "\\t\\r\\x7f", "\"\\t\\r\\u007f\""),
	EDGE("backslash and quote", "a\\n\"b", true, "a\\\\n\"b", "\"a\\\\n\\\"b\""),
	EDGE("latin-1 byte", "caf\xe9", false, "caf\\xe9", "\"caf" FFFD "\""),
	EDGE("valid e-acute", "caf\xc3\xa9", true, "caf\xc3\xa9", "\"caf\xc3\xa9\""),
};

static void test_utf8_edges(void **state)
{
	struct outbuf o;

	(void)state;
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		const struct edge *e = &edges[i];

		print_message("edge: %s\n", e->name);
		assert_int_equal(utf8_valid(e->in, e->len), e->valid);
		out_text(&o, e->in, e->len);
		assert_string_equal(o.buf, e->text);
		assert_int_equal(esc_text_width(e->in, e->len), utf8_display_width(o.buf, o.len));
		outbuf_free(&o);
		out_json(&o, e->in, e->len);
		assert_string_equal(o.buf, e->json);
		assert_true(utf8_valid(o.buf, o.len));
		outbuf_free(&o);
	}
}

static void test_width_examples(void **state)
{
	(void)state;
	assert_int_equal(esc_text_width("", 0), 0);
	assert_int_equal(esc_text_width("abc", 3), 3);
	assert_int_equal(esc_text_width("a\nb", 3), 4);
	assert_int_equal(esc_text_width("\\", 1), 2);
	assert_int_equal(esc_text_width("\x01", 1), 4);
	assert_int_equal(esc_text_width("\xc3\xa9", 2), 1);
	assert_int_equal(esc_text_width("e\xcc\x81", 3), 1);		/* e + U+0301 */
	assert_int_equal(esc_text_width("\xe4\xb8\xad", 3), 2);		/* U+4E2D */
	assert_int_equal(esc_text_width("\xf0\x9f\x98\x80", 4), 2);	/* U+1F600 */
	assert_int_equal(esc_text_width("\xe2\x80\xae", 3), 8);
	assert_int_equal(esc_text_width("\xe3\x80\x80", 3), 8);		/* U+3000, escaped */
	assert_int_equal(esc_text_width("\xf3\xa0\x80\x81", 4), 9);	/* \u{e0001} */
	assert_int_equal(esc_text_width("\xe2\x82", 2), 8);
}

static void test_hex(void **state)
{
	unsigned char big[300];
	char want[2 * sizeof(big) + 3], *p = want;
	struct outbuf o;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1), 0);
	esc_hex(&o, "ab\xff\0", 4);
	esc_hex(&o, "", 0);
	assert_string_equal(o.buf, "\"6162ff00\"\"\"");
	outbuf_free(&o);

	/* Longer than esc_hex's internal block, so the block seam is covered. */
	*p++ = '"';
	for (size_t i = 0; i < sizeof(big); i++) {
		big[i] = (unsigned char)(i * 37 + 11);
		p += snprintf(p, 3, "%02x", big[i]);
	}
	strcpy(p, "\"");
	assert_int_equal(outbuf_init(&o, -1), 0);
	esc_hex(&o, big, sizeof(big));
	assert_string_equal(o.buf, want);
	outbuf_free(&o);
}

static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random strings, biased towards the interesting bytes. */
static size_t random_bytes(uint32_t *seed, char *buf, size_t max, bool valid)
{
	static const uint32_t cps[] = { 0x0, 0x1b, '\n', '\\', '"', 0x7f, 0x80, 0x9b, 0x9f,
					0xa0, 0xad, 0xe9, 0x301, 0x7ff, 0x800, 0xd7ff, 0xe000,
					0x200b, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e, 0x2066,
					0x2069, 0x3000, 0x4e2d, 0xfeff, 0xfffd, 0xffff, 0x10000,
					0x1f600, 0xe0001, 0xf0000, 0x10ffff };
	size_t len = 0, want = rng_next(seed) % (max / 4);

	while (len < want) {
		uint32_t r = rng_next(seed);

		if (!valid && r % 7 == 0)
			buf[len++] = (char)(r >> 8);
		else if (r % 3 == 0)
			put_utf8(buf, &len, cps[(r >> 8) % (sizeof(cps) / sizeof(cps[0]))]);
		else if (r % 3 == 1)
			buf[len++] = (char)(0x20 + (r >> 8) % 95);
		else
			put_utf8(buf, &len, (r >> 8) % 0x800);
	}
	return len;
}

static void test_round_trips(void **state)
{
	char in[1024], back[1024 * 8];
	uint32_t seed = 0x12345678;
	struct outbuf o;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		bool valid_input = iter % 2 == 0;
		size_t len = random_bytes(&seed, in, sizeof(in), valid_input);
		long n;

		if (valid_input)
			assert_true(utf8_valid(in, len));

		/* Text: one line, no controls, reversible, width agrees. */
		out_text(&o, in, len);
		for (size_t i = 0; i < o.len; i++)
			assert_true((unsigned char)o.buf[i] >= 0x20 && o.buf[i] != 0x7f);
		assert_true(utf8_valid(o.buf, o.len));
		assert_int_equal(esc_text_width(in, len), utf8_display_width(o.buf, o.len));
		n = text_unescape(o.buf, o.len, back);
		assert_int_equal(n, (long)len);
		assert_memory_equal(back, in, len);
		outbuf_free(&o);

		/* JSON: valid UTF-8, no raw controls; exact when the input was UTF-8. */
		out_json(&o, in, len);
		assert_true(utf8_valid(o.buf, o.len));
		for (size_t i = 0; i < o.len; i++)
			assert_true((unsigned char)o.buf[i] >= 0x20 && o.buf[i] != 0x7f);
		n = json_decode(o.buf, o.len, back);
		assert_true(n >= 0);
		if (utf8_valid(in, len)) {
			assert_int_equal(n, (long)len);
			assert_memory_equal(back, in, len);
		}
		outbuf_free(&o);
	}
}

/* esc_text_name: spaces and the separator (both as \xHH), and a lone "-". */
static void test_text_name(void **state)
{
	static const struct {
		const char *in, *want;
		bool last;
		char sep;
	} cases[] = {
		{ "-", "\\x2d", false, 0 },	 { "-", "\\x2d", true, 0 },
		{ "-", "\\x2d", false, ',' },	 { "--", "--", false, ',' },
		{ "-x", "-x", false, 0 },	 { "", "", false, 0 },
		{ "a b", "a\\x20b", false, 0 }, { "a b", "a b", true, 0 },
		{ " a b ", "\\x20a b\\x20", true, 0 }, { "x,9/y", "x\\x2c9/y", false, ',' },
		{ "x\xc2\xa0y", "x\\u{00a0}y", true, 0 },
	};
	struct outbuf o;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("name: \"%s\"\n", cases[i].in);
		assert_int_equal(outbuf_init(&o, -1), 0);
		esc_text_name(&o, cases[i].in, strlen(cases[i].in), cases[i].last, cases[i].sep);
		assert_int_equal(o.len, strlen(cases[i].want));
		assert_memory_equal(o.buf, cases[i].want, o.len);
		outbuf_free(&o);
	}
}

static void test_fast_path_single_put(void **state)
{
	char plain[1000];
	struct outbuf o;

	(void)state;
	memset(plain, 'a', sizeof(plain));
	/* Visible UTF-8 joins the run: e-acute, U+1F600, U+4E2D, e + U+0301. */
	memcpy(plain + 100, "\xc3\xa9\xf0\x9f\x98\x80\xe4\xb8\xad" "e\xcc\x81", 12);
	out_text(&o, "", 0);
	put_calls = 0;
	esc_text(&o, plain, sizeof(plain));
	assert_int_equal(put_calls, 1);
	put_calls = 0;
	esc_json(&o, plain, sizeof(plain));
	assert_int_equal(put_calls, 1);
	/* One escape splits the run: before, escape, after. */
	put_calls = 0;
	esc_text(&o, "abc\ndef", 7);
	assert_int_equal(put_calls, 3);
	outbuf_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byte_table),
		cmocka_unit_test(test_two_byte_table),
		cmocka_unit_test(test_utf8_edges),
		cmocka_unit_test(test_width_examples),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_text_name),
		cmocka_unit_test(test_fast_path_single_put),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
