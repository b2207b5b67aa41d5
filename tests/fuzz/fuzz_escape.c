/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the escaping policy.  For arbitrary bytes it checks,
 * against a reference decoder written here independently of escape.c:
 *  - esc_json: one valid JSON string, valid UTF-8, no byte < 0x20 or 0x7f;
 *    it decodes back to the input when the input is valid UTF-8, and to the
 *    input with each invalid byte replaced by U+FFFD otherwise;
 *  - esc_text: no byte < 0x20, no 0x7f, valid UTF-8, no C1 or bidi control;
 *    esc_text_width() equals its code points; unescaping gives the input back;
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

/* Reverses esc_text: \n \t \r \\ \xHH \u{XXXX}. */
static long text_unescape(const char *s, size_t len, uint8_t *dst)
{
	size_t i = 0, n = 0;
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
			if (i + 8 > len || s[i + 2] != '{' || s[i + 7] != '}' ||
			    hex_n(s + i + 3, 4, &v) < 0)
				return -1;
			put_utf8(dst, &n, v);
			i += 8;
			break;
		default:
			return -1;
		}
	}
	return (long)n;
}

static bool is_hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
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
	size_t cps = 0;
	long n;

	CHECK(outbuf_init(&o, -1) == 0);
	esc_text(&o, data, size);
	CHECK(outbuf_error(&o) == 0);
	for (size_t i = 0; i < o.len;) {
		uint32_t cp;
		size_t k = ref_decode((const uint8_t *)o.buf + i, o.len - i, &cp);

		CHECK(k > 0);
		CHECK(cp >= 0x20 && cp != 0x7f && !is_hidden(cp));
		i += k;
		cps++;
	}
	CHECK(esc_text_width(data, size) == cps);
	n = text_unescape(o.buf, o.len, tmp);
	CHECK(n >= 0 && (size_t)n == size && memcmp(tmp, data, size) == 0);
	outbuf_free(&o);
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

	CHECK(outbuf_init(&o, -1) == 0);
	esc_hex(&o, data, size);
	CHECK(o.len == 2 * size + 2 && o.buf[0] == '"' && o.buf[o.len - 1] == '"');
	outbuf_free(&o);
	free(tmp);
	return 0;
}
