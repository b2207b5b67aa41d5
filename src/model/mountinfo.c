/* SPDX-License-Identifier: MIT */
/* mountinfo lines field by field; see lsock/mountinfo.h. */
#include <string.h>

#include "lsock/mountinfo.h"

bool mountinfo_next_line(struct strspan *text, struct strspan *ret_line)
{
	const char *nl;

	if (!text->len)
		return false;
	nl = memchr(text->p, '\n', text->len);
	ret_line->p = text->p;
	ret_line->len = nl ? (size_t)(nl - text->p) : text->len;
	text->p += ret_line->len + (nl ? 1 : 0);
	text->len -= ret_line->len + (nl ? 1 : 0);
	return true;
}

bool mountinfo_parse_line(struct strspan line, struct mountinfo_line *ret)
{
	struct strspan f;

	/* (1) mount id, (2) parent id */
	if (!strspan_next_field(&line, &f) || !strspan_next_field(&line, &f))
		return false;
	if (!strspan_next_field(&line, &ret->dev) || !strspan_next_field(&line, &ret->root) ||
	    !strspan_next_field(&line, &ret->mountpoint) || !strspan_next_field(&line, &ret->mnt_opts))
		return false;
	/* Optional fields (shared:N, master:N, ...), ended by a lone "-". */
	do {
		if (!strspan_next_field(&line, &f))
			return false;
	} while (!strspan_eq(f, "-"));
	return strspan_next_field(&line, &ret->fstype) && strspan_next_field(&line, &ret->source) &&
	       strspan_next_field(&line, &ret->super_opts);
}

bool mountinfo_unescape(struct strspan f, char *buf, size_t size, size_t *ret_len)
{
	size_t i = 0, j = 0;

	while (i < f.len) {
		unsigned char c = (unsigned char)f.p[i];

		if (c == '\\' && i + 3 < f.len && f.p[i + 1] >= '0' && f.p[i + 1] <= '3' &&
		    f.p[i + 2] >= '0' && f.p[i + 2] <= '7' && f.p[i + 3] >= '0' && f.p[i + 3] <= '7') {
			c = (unsigned char)((f.p[i + 1] - '0') << 6 | (f.p[i + 2] - '0') << 3 |
					    (f.p[i + 3] - '0'));
			i += 4;
		} else {
			i++;
		}
		if (j + 1 >= size)
			return false;
		buf[j++] = (char)c;
	}
	if (size == 0)
		return false;
	buf[j] = '\0';
	*ret_len = j;
	return true;
}
