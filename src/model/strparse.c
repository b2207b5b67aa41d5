/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "lsock/strparse.h"

int strparse_dec(const char *s, size_t len, uint64_t max, bool canonical, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || (canonical && s[0] == '0' && len > 1))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return -EINVAL;
		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
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
