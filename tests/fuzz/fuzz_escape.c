/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the escaping policy.  For arbitrary bytes it checks,
 * against a reference decoder written here independently of escape.c:
 *  - esc_json: one valid JSON string, valid UTF-8, no byte < 0x20 or 0x7f,
 *    no raw C1 control, U+2028, U+2029 or bidi control; it decodes back to
 *    the input when the input is valid UTF-8, and to the input with each
 *    invalid byte replaced by U+FFFD otherwise;
 *  - esc_text: no byte < 0x20, no 0x7f, valid UTF-8, no raw code point of
 *    the escaped categories (the list in must_escape(), written here from
 *    the Unicode charts, not from the generated table); esc_text_width()
 *    equals utf8_display_width() of the output, which lies within the
 *    bounds of ref_width(); unescaping gives the input back;
 *  - esc_text_name: no space, no ',' and never a bare "-", and it unescapes
 *    to the input;
 *  - esc_text_cstr: the esc_text() form of the input up to its first NUL,
 *    or a prefix of it cut at a unit boundary followed by dots;
 *  - utf8_valid agrees with the reference; esc_hex has the right length.
 * Any failure aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/escape.h"
#include "lsock/outbuf.h"

#define CHECK(x)                     \
	do {                         \
		if (!(x))            \
			abort();     \
	} while (0)

/*
 * Reference decoder: the code point at p and its length, or 0 if p does not
 * start a well-formed sequence.  Decodes first and then rejects overlongs,
 * surrogates and values past U+10FFFF (escape.c checks byte ranges instead).
 */
static size_t ref_decode(const uint8_t *p, size_t avail, uint32_t *cp)
{
	static const uint32_t min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n;
	uint32_t v;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		v = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		v = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		v = p[0] & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if (v < min_cp[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

static bool ref_valid(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = ref_decode(p + i, len - i, &cp);

		if (!n)
			return false;
		i += n;
	}
	return true;
}

static void put_utf8(uint8_t *dst, size_t *len, uint32_t cp)
{
	uint8_t *p = dst + *len;

	if (cp < 0x80) {
		p[0] = (uint8_t)cp;
		*len += 1;
	} else if (cp < 0x800) {
		p[0] = (uint8_t)(0xc0 | (cp >> 6));
		p[1] = (uint8_t)(0x80 | (cp & 0x3f));
		*len += 2;
	} else if (cp < 0x10000) {
		p[0] = (uint8_t)(0xe0 | (cp >> 12));
		p[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (uint8_t)(0x80 | (cp & 0x3f));
		*len += 3;
	} else {
		p[0] = (uint8_t)(0xf0 | (cp >> 18));
		p[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		p[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		p[3] = (uint8_t)(0x80 | (cp & 0x3f));
		*len += 4;
	}
}

static int hex_n(const char *s, size_t n, uint32_t *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		uint32_t h;

		if (c >= '0' && c <= '9')
			h = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			h = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			h = (uint32_t)(c - 'A' + 10);
		else
			return -1;
		*v = *v * 16 + h;
	}
	return 0;
}

/* RFC 8259 string decoder: s[0..len) must be exactly one string. */
static long json_decode(const char *s, size_t len, uint8_t *dst)
{
	size_t i = 1, n = 0;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		return -1;
	len--; /* the closing quote */
	while (i < len) {
		uint8_t c = (uint8_t)s[i];
		uint32_t cp, lo;

		if (c < 0x20 || c == '"')
			return -1;
		if (c != '\\') {
			dst[n++] = c;
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -1;
		c = (uint8_t)s[i + 1];
		i += 2;
		switch (c) {
		case '"': case '\\': case '/': dst[n++] = c; continue;
		case 'b': dst[n++] = '\b'; continue;
		case 'f': dst[n++] = '\f'; continue;
		case 'n': dst[n++] = '\n'; continue;
		case 'r': dst[n++] = '\r'; continue;
		case 't': dst[n++] = '\t'; continue;
		case 'u': break;
		default: return -1;
		}
		if (i + 4 > len || hex_n(s + i, 4, &cp) < 0)
			return -1;
		i += 4;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 6 > len || s[i] != '\\' || s[i + 1] != 'u' ||
			    hex_n(s + i + 2, 4, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
				return -1;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return -1;
		}
		put_utf8(dst, &n, cp);
	}
	return (long)n;
}

/*
 * Reverses esc_text: \n \t \r \\ \xHH \u{X...} (4 to 6 hex digits, no
 * leading zero past four, a code point >= U+0080).
 */
static long text_unescape(const char *s, size_t len, uint8_t *dst)
{
	size_t i = 0, n = 0, k;
	uint32_t v;

	while (i < len) {
		if (s[i] != '\\') {
			dst[n++] = (uint8_t)s[i++];
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
			if (i + 4 > len || hex_n(s + i + 2, 2, &v) < 0)
				return -1;
			dst[n++] = (uint8_t)v;
			i += 4;
			break;
		case 'u':
			if (i + 2 >= len || s[i + 2] != '{')
				return -1;
			for (k = 0; i + 3 + k < len && s[i + 3 + k] != '}'; k++)
				;
			if (k < 4 || k > 6 || i + 3 + k >= len || (k > 4 && s[i + 3] == '0') ||
			    hex_n(s + i + 3, k, &v) < 0 || v < 0x80 || v > 0x10ffff ||
			    (v >= 0xd800 && v <= 0xdfff))
				return -1;
			put_utf8(dst, &n, v);
			i += 4 + k;
			break;
		default:
			return -1;
		}
	}
	return (long)n;
}

struct range {
	uint32_t lo, hi;
};

static bool in_ranges(const struct range *r, size_t n, uint32_t cp)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return true;
	return false;
}

/*
 * Code points text output must never write raw: controls (Cc), the line and
 * paragraph separators (Zl, Zp), every space but U+0020 (Zs), the format
 * characters of the BMP and the tags (Cf), private use (Co) and the
 * noncharacters (Cn).  Not every unassigned code point is listed (they
 * change with each Unicode version); the unit tests check all of them.
 */
static bool must_escape(uint32_t cp)
{
	static const struct range r[] = {
		{ 0x00, 0x1f },	      { 0x7f, 0xa0 },	    { 0xad, 0xad },
		{ 0x0600, 0x0605 },   { 0x061c, 0x061c },   { 0x06dd, 0x06dd },
		{ 0x070f, 0x070f },   { 0x1680, 0x1680 },   { 0x180e, 0x180e },
		{ 0x2000, 0x200f },   { 0x2028, 0x202f },   { 0x205f, 0x2064 },
		{ 0x2066, 0x206f },   { 0x3000, 0x3000 },   { 0xe000, 0xf8ff },
		{ 0xfdd0, 0xfdef },   { 0xfeff, 0xfeff },   { 0xfff9, 0xfffb },
		{ 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 }, { 0xe0020, 0xe007f },
		{ 0xf0000, 0x10ffff },
	};

	/* U+xxFFFE and U+xxFFFF in every plane. */
	if ((cp & 0xfffe) == 0xfffe)
		return true;
	return in_ranges(r, sizeof(r) / sizeof(r[0]), cp);
}

/* JSON's escapes beyond RFC 8259's: C1, U+2028, U+2029, bidi controls. */
static bool json_must_escape(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * Bounds on a visible code point's width: exact for ASCII, for common
 * combining marks (0) and for the main wide blocks (2); 0..2 otherwise.
 */
static void ref_width(uint32_t cp, size_t *lo, size_t *hi)
{
	static const struct range zero[] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x1ab0, 0x1abd },
		{ 0x1dc0, 0x1dff }, { 0x20d0, 0x20f0 }, { 0x302a, 0x302d }, { 0x3099, 0x309a },
		{ 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0xe0100, 0xe01ef },
		{ 0x1160, 0x11ff }, /* conjoining jamo vowels and finals */
	};
	static const struct range wide[] = {
		{ 0x1100, 0x115f },   { 0x3041, 0x3096 },   { 0x30a1, 0x30fa },
		{ 0x3400, 0x4dbf },   { 0x4e00, 0x9fff },   { 0xac00, 0xd7a3 },
		{ 0xf900, 0xfa6d },   { 0xff01, 0xff60 },   { 0xffe0, 0xffe6 },
		{ 0x1f600, 0x1f64f }, { 0x20000, 0x2a6df }, { 0x30000, 0x3134a },
	};

	if (cp < 0x80) {
		*lo = *hi = 1;
	} else if (in_ranges(zero, sizeof(zero) / sizeof(zero[0]), cp)) {
		*lo = *hi = 0;
	} else if (in_ranges(wide, sizeof(wide) / sizeof(wide[0]), cp)) {
		*lo = *hi = 2;
	} else {
		*lo = 0;
		*hi = 2;
	}
}

static void check_json(const uint8_t *data, size_t size, uint8_t *tmp)
{
	struct outbuf o;
	size_t want_len = 0;
	long n;

	CHECK(outbuf_init(&o, -1) == 0);
	esc_json(&o, data, size);
	CHECK(outbuf_error(&o) == 0);
	CHECK(ref_valid((const uint8_t *)o.buf, o.len));
	for (size_t i = 0; i < o.len; i++)
		CHECK((uint8_t)o.buf[i] >= 0x20 && (uint8_t)o.buf[i] != 0x7f);
	for (size_t i = 0; i < o.len;) {
		uint32_t cp;
		size_t k = ref_decode((const uint8_t *)o.buf + i, o.len - i, &cp);

		CHECK(k > 0 && !json_must_escape(cp));
		i += k;
	}
	n = json_decode(o.buf, o.len, tmp);
	CHECK(n >= 0);
	if (ref_valid(data, size)) {
		CHECK((size_t)n == size && memcmp(tmp, data, size) == 0);
	} else {
		/* Expected: the input with each invalid byte as U+FFFD. */
		uint8_t *want = malloc(3 * size + 1);

		CHECK(want != NULL);
		for (size_t i = 0; i < size;) {
			uint32_t cp;
			size_t k = ref_decode(data + i, size - i, &cp);

			if (k) {
				memcpy(want + want_len, data + i, k);
				want_len += k;
				i += k;
			} else {
				put_utf8(want, &want_len, 0xfffd);
				i++;
			}
		}
		CHECK((size_t)n == want_len && memcmp(tmp, want, want_len) == 0);
		free(want);
	}
	outbuf_free(&o);
}

static void check_text(const uint8_t *data, size_t size, uint8_t *tmp)
{
	struct outbuf o;
	size_t w_lo = 0, w_hi = 0, w;
	long n;

	CHECK(outbuf_init(&o, -1) == 0);
	esc_text(&o, data, size);
	CHECK(outbuf_error(&o) == 0);
	for (size_t i = 0; i < o.len;) {
		uint32_t cp;
		size_t k = ref_decode((const uint8_t *)o.buf + i, o.len - i, &cp), lo, hi;

		CHECK(k > 0);
		CHECK(!must_escape(cp));
		ref_width(cp, &lo, &hi);
		w_lo += lo;
		w_hi += hi;
		i += k;
	}
	w = utf8_display_width(o.buf, o.len);
	CHECK(esc_text_width(data, size) == w);
	CHECK(w >= w_lo && w <= w_hi);
	n = text_unescape(o.buf, o.len, tmp);
	CHECK(n >= 0 && (size_t)n == size && memcmp(tmp, data, size) == 0);
	outbuf_free(&o);
}

static void check_text_name(const uint8_t *data, size_t size, uint8_t *tmp)
{
	struct outbuf o;
	long n;

	CHECK(outbuf_init(&o, -1) == 0);
	esc_text_name(&o, data, size, false, ',');
	CHECK(outbuf_error(&o) == 0);
	CHECK(memchr(o.buf, ' ', o.len) == NULL && memchr(o.buf, ',', o.len) == NULL);
	CHECK(!(o.len == 1 && o.buf[0] == '-'));
	n = text_unescape(o.buf, o.len, tmp);
	CHECK(n >= 0 && (size_t)n == size && memcmp(tmp, data, size) == 0);
	outbuf_free(&o);
}

/* Length of the output unit (an escape or one code point) at s[0]. */
static size_t unit_len(const char *s, size_t len)
{
	uint32_t cp;
	size_t k;

	if (s[0] != '\\')
		return ref_decode((const uint8_t *)s, len, &cp);
	if (s[1] == 'x')
		return 4;
	if (s[1] != 'u')
		return 2;
	for (k = 2; k < len && s[k] != '}'; k++)
		;
	return k + 1;
}

/* esc_text_cstr on the input up to its first NUL, in a buffer of 0..63 bytes. */
static void check_text_cstr(const uint8_t *data, size_t size, uint8_t *tmp)
{
	size_t len = size ? data[0] % 64 : 0, cut, full_len, dots;
	char *s = malloc(size + 1), buf[64 + 1];
	struct outbuf o;
	long n;

	CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	CHECK(outbuf_init(&o, -1) == 0);
	esc_text(&o, s, strlen(s));
	full_len = o.len;
	memset(buf, 0x5a, sizeof(buf));
	CHECK(esc_text_cstr(s, buf, len) == buf);
	for (size_t i = len; i < sizeof(buf); i++)
		CHECK((uint8_t)buf[i] == 0x5a);
	if (len == 0)
		goto out;
	if (full_len < len) {
		CHECK(strlen(buf) == full_len && memcmp(buf, o.buf, full_len) == 0);
		goto out;
	}
	/* Cut: a prefix of the full form, then min(3, len - 1) dots, in len - 1. */
	dots = len - 1 < 3 ? len - 1 : 3;
	CHECK(strlen(buf) <= len - 1 && strlen(buf) >= dots);
	cut = strlen(buf) - dots;
	for (size_t i = cut; i < cut + dots; i++)
		CHECK(buf[i] == '.');
	CHECK(cut < full_len && memcmp(buf, o.buf, cut) == 0);
	/* At a unit boundary: valid UTF-8 that unescapes to a prefix of the input. */
	CHECK(ref_valid((const uint8_t *)buf, cut));
	n = text_unescape(buf, cut, tmp);
	CHECK(n >= 0 && memcmp(tmp, s, (size_t)n) == 0);
	/* And the longest such: the next unit would not have left room for the dots. */
	CHECK(cut + unit_len(o.buf + cut, full_len - cut) + dots > len - 1);
out:
	outbuf_free(&o);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Decoded output is never longer than 3 bytes per input byte (U+FFFD). */
	uint8_t *tmp = malloc(3 * size + 1);
	struct outbuf o;

	CHECK(tmp != NULL);
	CHECK(utf8_valid(data, size) == ref_valid(data, size));
	check_json(data, size, tmp);
	check_text(data, size, tmp);
	check_text_name(data, size, tmp);
	check_text_cstr(data, size, tmp);

	CHECK(outbuf_init(&o, -1) == 0);
	esc_hex(&o, data, size);
	CHECK(o.len == 2 * size + 2 && o.buf[0] == '"' && o.buf[o.len - 1] == '"');
	outbuf_free(&o);
	free(tmp);
	return 0;
}
