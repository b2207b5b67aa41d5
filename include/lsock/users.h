/* SPDX-License-Identifier: MIT */
/* uid -> user name, looked up once per distinct uid. */
#ifndef LSOCK_USERS_H
#define LSOCK_USERS_H

#include <stddef.h>
#include <stdint.h>

struct user_cache_entry {
	uint32_t uid;
	char name[33]; /* empty: no such user (print the number) */
};

struct user_cache {
	struct user_cache_entry *v;
	size_t len;
	size_t cap;
};

/* The user name of uid, or NULL if it has none (or on ENOMEM). */
const char *user_cache_name(struct user_cache *c, uint32_t uid);

void user_cache_free(struct user_cache *c);

#endif
