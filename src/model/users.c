/* SPDX-License-Identifier: MIT */
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/users.h"

/* Names go into an aligned column; accept what useradd accepts, else print the uid. */
static bool name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= sizeof(((struct user_cache_entry *)0)->name))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '$'))
			return false;
	}
	return true;
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
	if (c->len == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct user_cache_entry *nv = realloc(c->v, ncap * sizeof(*nv));

		if (!nv)
			return NULL;
		c->v = nv;
		c->cap = ncap;
	}
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
