/* SPDX-License-Identifier: MIT */
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/array.h"
#include "lsock/strparse.h"
#include "lsock/users.h"

/* Names go into an aligned column; accept what useradd accepts, else print the uid. */
static bool name_ok(const char *s)
{
	return strparse_plain_name(s, sizeof(((struct user_cache_entry *)0)->name), "$");
}

const char *user_cache_name(struct user_cache *c, uint32_t uid)
{
	struct user_cache_entry *e;
	struct passwd pw, *res = NULL;
	char buf[1024];
	size_t i;

	/* Few distinct uids own sockets: a linear scan is cheapest. */
	for (i = 0; i < c->len; i++)
		if (c->v[i].uid == uid)
			return c->v[i].name[0] ? c->v[i].name : NULL;
	if (array_grow((void **)&c->v, &c->cap, c->len + 1, sizeof(*c->v), 16) < 0)
		return NULL;
	e = &c->v[c->len++];
	e->uid = uid;
	e->name[0] = '\0';
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res && name_ok(res->pw_name))
		strcpy(e->name, res->pw_name);
	return e->name[0] ? e->name : NULL;
}

void user_cache_free(struct user_cache *c)
{
	if (!c)
		return;
	free(c->v);
	c->v = NULL;
	c->len = c->cap = 0;
}
