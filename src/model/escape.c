/* SPDX-License-Identifier: MIT */
/*
 * The escaping policy (see escape.h).  Every function walks the input once:
 * runs of bytes that pass through unchanged (printable ASCII and valid,
 * visible UTF-8) are copied with one outbuf_put(); everything else goes
 * through a per-unit escaper shared by the writer and the width counter,
 * so esc_text_width() cannot drift from esc_text().  ASCII never reaches
 * the Unicode table; other code points cost one binary search in it.
 */
#include <stdint.h>
#include <string.h>

#include "lsock/escape.h"
#include "unicode_tables.h"

/* Longest escape a single input unit produces: "\u{10ffff}" (text). */
#define ESC_UNIT_MAX 10

static const char hex_digits[16] = "0123456789abcdef";

/* Bytes that text output copies as they are: printable ASCII but '\' (0x5c). */
static const uint8_t text_plain[256] = {
	[0x20 ... 0x5b] = 1,
	[0x5d ... 0x7e] = 1,
};

/* Bytes that JSON output copies as they are: printable ASCII but '"' (0x22) and '\'. */
static const uint8_t json_plain[256] = {
	[0x20 ... 0x21] = 1,
	[0x23 ... 0x5b] = 1,
	[0x5d ... 0x7e] = 1,
};

/*
 * Decodes one multi-byte UTF-8 sequence at p[0] (p[0] >= 0x80).  Returns its
 * length (2..4) and the code point, or 0 if p does not start a well-formed
 * sequence (Unicode 15, table 3-7): C0/C1 and E0 80..9F / F0 80..8F leads
 * are overlong, ED A0..BF encodes a UTF-16 surrogate, F4 90.. and F5..FF lie
 * beyond U+10FFFF, and a sequence cut off by the end of input is invalid.
 */
static size_t utf8_decode(const uint8_t *p, size_t avail, uint32_t *ret_cp)
{
	uint8_t b0 = p[0], lo = 0x80, hi = 0xbf;
	size_t n;
	uint32_t cp;

	if (b0 < 0xc2 || b0 > 0xf4)
		return 0;
	if (b0 < 0xe0) {
		n = 2;
		cp = b0 & 0x1f;
	} else if (b0 < 0xf0) {
		n = 3;
		cp = b0 & 0x0f;
		if (b0 == 0xe0)
			lo = 0xa0;
		else if (b0 == 0xed)
			hi = 0x9f;
	} else {
		n = 4;
		cp = b0 & 0x07;
		if (b0 == 0xf0)
			lo = 0x90;
		else if (b0 == 0xf4)
			hi = 0x8f;
	}
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	cp = (cp << 6) | (p[1] & 0x3f);
	for (size_t i = 2; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*ret_cp = cp;
	return n;
}

/*
 * The class of a code point in the generated table (unicode_tables.h): the
 * last run that starts at or before cp.  uc_runs[0] starts at U+0000, and
 * (start << 2 | class) <= (cp << 2 | 3) exactly when start <= cp.
 */
static enum uc_class uc_class_of(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(uc_runs) / sizeof(uc_runs[0]);
	uint32_t key = cp << 2 | 3;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (uc_runs[mid] <= key)
			lo = mid;
		else
			hi = mid;
	}
	return (enum uc_class)(uc_runs[lo] & 3);
}

/* Columns a code point of class k takes on a terminal; escaped ones count one. */
static size_t class_width(enum uc_class k)
{
	switch (k) {
	case UC_ZERO:
		return 0;
	case UC_WIDE:
		return 2;
	case UC_PLAIN:
	case UC_ESCAPE:
		break;
	}
	return 1;
}

/*
 * Code points that JSON writes as \uXXXX although they could go raw: the C1
 * controls (U+009B is a one-character CSI on many terminals), U+2028 and
 * U+2029 (line terminators for JavaScript and for readers that split lines
 * the Unicode way, which would cut an NDJSON record in two) and the bidi
 * embedding/override/isolate controls that reorder what follows them on the
 * line (Trojan Source, CVE-2021-42574).  All decode back to the same text.
 */
static bool json_cp_escaped(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Writes "\u{x...}": lowercase hex, no leading zeros past four digits. */
static size_t put_text_cp_escape(char *esc, uint32_t cp)
{
	size_t digits = cp > 0xfffff ? 6 : cp > 0xffff ? 5 : 4, n = 0;

	esc[n++] = '\\';
	esc[n++] = 'u';
	esc[n++] = '{';
	while (digits--)
		esc[n++] = hex_digits[(cp >> (4 * digits)) & 0xf];
	esc[n++] = '}';
	return n;
}

bool utf8_valid(const void *s, size_t len)
{
	const uint8_t *p = s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/*
 * The text escape of the unit at p[0], which is not in text_plain[].
 * Returns how many input bytes the unit covers; *ret_esc_len is 0 if those
 * bytes pass through unchanged (visible UTF-8), else esc holds the escape.
 * *ret_width is the columns the output takes: the code point's width, or
 * the escape's length (escapes are ASCII).
 */
static size_t esc_text_unit(const uint8_t *p, size_t avail, char *esc, size_t *ret_esc_len,
			    size_t *ret_width)
{
	uint8_t b = p[0];
	uint32_t cp;
	size_t n;

	if (b >= 0x80) {
		n = utf8_decode(p, avail, &cp);
		if (n) {
			enum uc_class k = uc_class_of(cp);

			if (k != UC_ESCAPE) {
				*ret_esc_len = 0;
				*ret_width = class_width(k);
				return n;
			}
			*ret_esc_len = put_text_cp_escape(esc, cp);
			*ret_width = *ret_esc_len;
			return n;
		}
		/* Not UTF-8: fall through and escape this one byte. */
	}
	esc[0] = '\\';
	switch (b) {
	case '\n':
		esc[1] = 'n';
		break;
	case '\t':
		esc[1] = 't';
		break;
	case '\r':
		esc[1] = 'r';
		break;
	case '\\':
		esc[1] = '\\';
		break;
	default:
		esc[1] = 'x';
		esc[2] = hex_digits[b >> 4];
		esc[3] = hex_digits[b & 0xf];
		*ret_esc_len = *ret_width = 4;
		return 1;
	}
	*ret_esc_len = *ret_width = 2;
	return 1;
}

void esc_text_name(struct outbuf *o, const void *s, size_t len, bool inner_spaces_ok, char sep)
{
	const uint8_t *p = s;
	size_t first = 0, last = len, i, start = 0;
	char esc[4] = { '\\', 'x', 0, 0 };

	/* Text columns print "-" for "none": a name "-" must not read as that. */
	if (len == 1 && p[0] == '-') {
		outbuf_put(o, "\\x2d", 4);
		return;
	}
	/* [first, last) is the part whose spaces may stay as they are. */
	while (first < len && p[first] == ' ')
		first++;
	while (last > first && p[last - 1] == ' ')
		last--;
	for (i = 0; i < len; i++) {
		bool space = p[i] == ' ' && !(inner_spaces_ok && i >= first && i < last);

		if (!space && !(sep && p[i] == (uint8_t)sep))
			continue;
		esc_text(o, p + start, i - start);
		esc[2] = hex_digits[p[i] >> 4];
		esc[3] = hex_digits[p[i] & 15];
		outbuf_put(o, esc, 4);
		start = i + 1;
	}
	esc_text(o, p + start, len - start);
}

void esc_text(struct outbuf *o, const void *s, size_t len)
{
	const uint8_t *p = s;
	size_t i = 0, run = 0;

	while (i < len) {
		char esc[ESC_UNIT_MAX];
		size_t n, esc_len, w;

		if (text_plain[p[i]]) {
			i++;
			continue;
		}
		n = esc_text_unit(p + i, len - i, esc, &esc_len, &w);
		if (!esc_len) {
			i += n;
			continue;
		}
		if (i > run)
			outbuf_put(o, p + run, i - run);
		outbuf_put(o, esc, esc_len);
		i += n;
		run = i;
	}
	if (i > run)
		outbuf_put(o, p + run, i - run);
}

size_t esc_text_width(const void *s, size_t len)
{
	const uint8_t *p = s;
	size_t i = 0, width = 0;

	while (i < len) {
		char esc[ESC_UNIT_MAX];
		size_t n, esc_len, w;

		if (text_plain[p[i]]) {
			i++;
			width++;
			continue;
		}
		n = esc_text_unit(p + i, len - i, esc, &esc_len, &w);
		width += w;
		i += n;
	}
	return width;
}

size_t utf8_display_width(const void *s, size_t len)
{
	const uint8_t *p = s;
	size_t i = 0, width = 0;
	uint64_t any8 = 0;
	uint8_t any = 0;

	/* Cells are mostly short and ASCII (numbers, addresses, states): one
	 * column a byte, found by OR-ing every byte, a word at a time. */
	for (; len - i >= 8; i += 8) {
		uint64_t word;

		memcpy(&word, p + i, 8);
		any8 |= word;
	}
	for (; i < len; i++)
		any |= p[i];
	if (!((any8 & 0x8080808080808080ull) || (any & 0x80)))
		return len;
	i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n;

		/* Runs of ASCII: one column a byte, eight bytes at a time. */
		while (len - i >= 8) {
			uint64_t word;

			memcpy(&word, p + i, 8);
			if (word & 0x8080808080808080ull)
				break;
			i += 8;
			width += 8;
		}
		if (i == len)
			break;
		if (p[i] < 0x80) {
			i++;
			width++;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (!n) {
			/* Not UTF-8 (esc_text never leaves such a byte): one column. */
			i++;
			width++;
			continue;
		}
		width += class_width(uc_class_of(cp));
		i += n;
	}
	return width;
}

const char *esc_text_cstr(const char *s, char *buf, size_t len)
{
	const uint8_t *p = (const uint8_t *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, pos = 0, cut = 0, dots;

	if (!len)
		return buf;
	dots = len - 1 < 3 ? len - 1 : 3;
	while (i < n) {
		char esc[ESC_UNIT_MAX];
		const void *src = p + i;
		size_t k = 1, out = 1, w;

		if (!text_plain[p[i]]) {
			k = esc_text_unit(p + i, n - i, esc, &out, &w);
			if (out)
				src = esc;
			else
				out = k;
		}
		if (pos + out > len - 1) {
			/* Cut after the last whole unit that leaves room for the dots. */
			memcpy(buf + cut, "...", dots);
			buf[cut + dots] = '\0';
			return buf;
		}
		memcpy(buf + pos, src, out);
		pos += out;
		i += k;
		if (pos + dots <= len - 1)
			cut = pos;
	}
	buf[pos] = '\0';
	return buf;
}

const char *esc_unicode_version(void)
{
	return UC_UNICODE_VERSION;
}

/*
 * The JSON form of the unit at p[0], which is not in json_plain[]; same
 * contract as esc_text_unit().  Invalid bytes become U+FFFD each, so the
 * output is valid UTF-8 whatever the input.
 */
static size_t esc_json_unit(const uint8_t *p, size_t avail, char *esc, size_t *ret_esc_len)
{
	uint8_t b = p[0];
	uint32_t cp;
	size_t n;

	if (b >= 0x80) {
		n = utf8_decode(p, avail, &cp);
		if (n && !json_cp_escaped(cp)) {
			*ret_esc_len = 0;
			return n;
		}
		if (!n) {
			esc[0] = (char)0xef;
			esc[1] = (char)0xbf;
			esc[2] = (char)0xbd;
			*ret_esc_len = 3;
			return 1;
		}
	} else {
		cp = b;
		n = 1;
	}
	esc[0] = '\\';
	switch (cp) {
	case '"':
	case '\\':
		esc[1] = (char)cp;
		break;
	case '\n':
		esc[1] = 'n';
		break;
	case '\t':
		esc[1] = 't';
		break;
	case '\r':
		esc[1] = 'r';
		break;
	default:
		/* Controls, DEL, C1, U+2028/9 and bidi controls: all <= U+FFFF. */
		esc[1] = 'u';
		esc[2] = hex_digits[(cp >> 12) & 0xf];
		esc[3] = hex_digits[(cp >> 8) & 0xf];
		esc[4] = hex_digits[(cp >> 4) & 0xf];
		esc[5] = hex_digits[cp & 0xf];
		*ret_esc_len = 6;
		return n;
	}
	*ret_esc_len = 2;
	return n;
}

void esc_json(struct outbuf *o, const void *s, size_t len)
{
	const uint8_t *p = s;
	size_t i = 0, run = 0;

	outbuf_putc(o, '"');
	while (i < len) {
		char esc[ESC_UNIT_MAX];
		size_t n, esc_len;

		if (json_plain[p[i]]) {
			i++;
			continue;
		}
		n = esc_json_unit(p + i, len - i, esc, &esc_len);
		if (!esc_len) {
			i += n;
			continue;
		}
		if (i > run)
			outbuf_put(o, p + run, i - run);
		outbuf_put(o, esc, esc_len);
		i += n;
		run = i;
	}
	if (i > run)
		outbuf_put(o, p + run, i - run);
	outbuf_putc(o, '"');
}

void esc_hex(struct outbuf *o, const void *s, size_t len)
{
	const uint8_t *p = s;
	char tmp[256];

	outbuf_putc(o, '"');
	while (len > 0) {
		size_t n = len < sizeof(tmp) / 2 ? len : sizeof(tmp) / 2;

		for (size_t i = 0; i < n; i++) {
			tmp[2 * i] = hex_digits[p[i] >> 4];
			tmp[2 * i + 1] = hex_digits[p[i] & 0xf];
		}
		outbuf_put(o, tmp, 2 * n);
		p += n;
		len -= n;
	}
	outbuf_putc(o, '"');
}
