/* SPDX-License-Identifier: MIT */
/*
 * systemd-machined's state file /run/systemd/machines/<name>: an env file
 * of KEY=VALUE lines (NAME=, LEADER=, CLASS=, SERVICE=, SCOPE=, ...) that
 * machined writes for each registered machine.  No JSON, so it is read
 * with or without jansson.
 */
#include <string.h>

#include "lsock/container.h"
#include "netns_internal.h"

bool container_machine_name_valid(const char *s, size_t len)
{
	size_t i;

	/* hostname_is_valid() rules as machined applies them: labels of
	 * [A-Za-z0-9_-] joined by single dots, 64 bytes at most. */
	if (len == 0 || len > 64 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.' && i + 1 < len && s[i + 1] == '.')
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

int container_parse_machine_file(const char *buf, size_t len, struct container_name *ret)
{
	size_t off = 0;

	memset(ret, 0, sizeof(*ret));
	while (off < len) {
		const char *p = buf + off, *nl = memchr(p, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - p) : len - off;

		off += llen + (nl ? 1 : 0);
		if (llen < 5 || memcmp(p, "NAME=", 5) != 0)
			continue;
		/* Only a name machined itself would accept: the file is
		 * trusted for a label and no more. */
		if (!container_machine_name_valid(p + 5, llen - 5))
			return -ENOENT;
		memcpy(ret->bytes, p + 5, llen - 5);
		ret->bytes[llen - 5] = '\0';
		ret->len = (uint16_t)(llen - 5);
		ret->set = true;
		return 0;
	}
	return -ENOENT;
}
