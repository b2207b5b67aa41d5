/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "lsock/strparse.h"

/* The one digit loop behind both parsers: exactly s[0..len) in base. */
static int strparse_digits(const char *s, size_t len, unsigned base, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		if (d >= base)
			return -EINVAL;
		if (v > (max - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*ret = v;
	return 0;
}

int strparse_dec(const char *s, size_t len, uint64_t max, bool canonical, uint64_t *ret)
{
	if (canonical && len > 1 && s[0] == '0')
		return -EINVAL;
	return strparse_digits(s, len, 10, max, ret);
}

int strparse_c_number(const char *s, size_t len, uint64_t max, uint64_t *ret)
{
	if (len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return strparse_digits(s + 2, len - 2, 16, max, ret);
	if (len > 1 && s[0] == '0')
		return strparse_digits(s + 1, len - 1, 8, max, ret);
	return strparse_digits(s, len, 10, max, ret);
}

bool strparse_plain_name(const char *s, size_t size, const char *extra)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= size)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || (extra && strchr(extra, c))))
			return false;
	}
	return true;
}

bool strspan_eq(struct strspan s, const char *lit)
{
	return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

bool strspan_next_field(struct strspan *line, struct strspan *ret)
{
	const char *sp;

	while (line->len && line->p[0] == ' ') {
		line->p++;
		line->len--;
	}
	if (!line->len)
		return false;
	sp = memchr(line->p, ' ', line->len);
	ret->p = line->p;
	ret->len = sp ? (size_t)(sp - line->p) : line->len;
	line->p += ret->len;
	line->len -= ret->len;
	return true;
}
