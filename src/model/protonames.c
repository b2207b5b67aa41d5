/* SPDX-License-Identifier: MIT */
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/protonames.h"
#include "lsock/strparse.h"

const char *protoname_cache_name(struct protoname_cache *c, unsigned int proto)
{
	struct protoent pe, *res = NULL;
	char buf[1024];
	uint8_t bit;

	if (proto > 255)
		return NULL;
	bit = (uint8_t)(1u << (proto % 8));
	if (c->looked_up[proto / 8] & bit)
		return c->names[proto][0] ? c->names[proto] : NULL;
	if (!c->names) {
		c->names = calloc(256, sizeof(*c->names));
		if (!c->names)
			return NULL;
	}
	c->looked_up[proto / 8] |= bit;
	/* The name goes into an aligned column unescaped: plain names only
	 * (the database's are letters, digits, '-', '.' and '+'). */
	if (getprotobynumber_r((int)proto, &pe, buf, sizeof(buf), &res) == 0 && res &&
	    strparse_plain_name(res->p_name, PROTONAME_MAX, "+"))
		strcpy(c->names[proto], res->p_name);
	return c->names[proto][0] ? c->names[proto] : NULL;
}

void protoname_cache_free(struct protoname_cache *c)
{
	if (!c)
		return;
	free(c->names);
	c->names = NULL;
	memset(c->looked_up, 0, sizeof(c->looked_up));
}
