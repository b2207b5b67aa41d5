/* SPDX-License-Identifier: MIT */
/*
 * The uid -> user name cache.  getpwuid_r and realloc are wrapped
 * (test_users.wrap): uids in fake_users[] get the entry (or the error)
 * listed there, so that names the system could not hold are testable;
 * every other uid goes to the real NSS lookup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "lsock/users.h"

#define NO_SUCH_UID 5009u

static const struct fake_user {
	uint32_t uid;
	const char *name; /* NULL: no such user */
	int err;          /* getpwuid_r fails with this */
} fake_users[] = {
	{ 5001, "e\033[31mvil", 0 },                         /* a terminal escape */
	{ 5002, "two words", 0 },                            /* a space breaks the column */
	{ 5003, "abcdefghijabcdefghijabcdefghijabc", 0 },    /* 33 bytes: too long */
	{ 5004, "abcdefghijabcdefghijabcdefghijab", 0 },     /* 32 bytes: the most that fits */
	{ 5005, "", 0 },
	{ 5006, "svc.Web_1-$", 0 },                          /* every allowed punctuation */
	{ 5007, "na\xc3\xafve", 0 },                         /* UTF-8 is not in the rule */
	{ 5008, NULL, ERANGE },
	{ NO_SUCH_UID, NULL, 0 },
};

/* Test-only state shared with the --wrap functions (they cannot take it as
 * an argument). */
static struct {
	unsigned int lookups; /* getpwuid_r calls, real or fake */
	bool fail_realloc;
} fake;

int __real_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
		      struct passwd **ret);
int __wrap_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
		      struct passwd **ret);
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

int __wrap_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
		      struct passwd **ret)
{
	size_t i;

	fake.lookups++;
	for (i = 0; i < sizeof(fake_users) / sizeof(fake_users[0]); i++) {
		const struct fake_user *f = &fake_users[i];

		if (f->uid != uid)
			continue;
		*ret = NULL;
		if (f->err)
			return f->err;
		if (!f->name)
			return 0; /* getpwuid_r(3): no entry is 0 with *result NULL */
		assert_true(strlen(f->name) < len);
		memset(pw, 0, sizeof(*pw));
		strcpy(buf, f->name);
		pw->pw_name = buf;
		pw->pw_uid = uid;
		*ret = pw;
		return 0;
	}
	return __real_getpwuid_r(uid, pw, buf, len, ret);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (fake.fail_realloc)
		return NULL;
	return __real_realloc(p, n);
}

static int reset_fake(void **state)
{
	memset(&fake, 0, sizeof(fake));
	return 0;
}

static void test_root(void **state)
{
	struct user_cache c = { .len = 0 };
	const char *name = user_cache_name(&c, 0);

	assert_non_null(name);
	assert_string_equal(name, "root");
	assert_int_equal(fake.lookups, 1);
	user_cache_free(&c);
}

static void test_no_user(void **state)
{
	struct user_cache c = { .len = 0 };

	assert_null(user_cache_name(&c, NO_SUCH_UID));
	/* A failed lookup says "no name" too: the uid is printed instead. */
	assert_null(user_cache_name(&c, 5008));
	/* A real uid nobody has, if this system has none for it. */
	if (getpwuid(4000000000u) == NULL)
		assert_null(user_cache_name(&c, 4000000000u));
	user_cache_free(&c);
}

static void test_cached(void **state)
{
	struct user_cache c = { .len = 0 };
	const char *a, *b;
	unsigned int n;
	uint32_t uid;

	a = user_cache_name(&c, 0);
	b = user_cache_name(&c, 0);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_int_equal(fake.lookups, 1);

	/* "No such user" is remembered as well. */
	assert_null(user_cache_name(&c, NO_SUCH_UID));
	assert_null(user_cache_name(&c, NO_SUCH_UID));
	assert_int_equal(fake.lookups, 2);
	assert_int_equal(c.len, 2);

	/* Past the first growth (16 entries) every name is still there, and
	 * none is looked up again. */
	for (uid = 6000; uid < 6100; uid++)
		(void)user_cache_name(&c, uid);
	n = fake.lookups;
	assert_int_equal(n, 2 + 100);
	assert_string_equal(user_cache_name(&c, 0), "root");
	assert_null(user_cache_name(&c, NO_SUCH_UID));
	assert_int_equal(fake.lookups, n);
	assert_int_equal(c.len, 102);
	user_cache_free(&c);
}

/* users.c's name_ok(): 1 to 32 bytes of [A-Za-z0-9._$-], as useradd
 * accepts; anything else would break the aligned column or the terminal,
 * so the uid is printed instead. */
static void test_unsafe_names(void **state)
{
	static const struct {
		uint32_t uid;
		const char *want;
	} cases[] = {
		{ 5001, NULL },
		{ 5002, NULL },
		{ 5003, NULL },
		{ 5004, "abcdefghijabcdefghijabcdefghijab" },
		{ 5005, NULL },
		{ 5006, "svc.Web_1-$" },
		{ 5007, NULL },
	};
	struct user_cache c = { .len = 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = user_cache_name(&c, cases[i].uid);

		if (!cases[i].want) {
			if (got)
				fail_msg("uid %u: accepted unsafe name \"%s\"", cases[i].uid, got);
			continue;
		}
		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
	}
	user_cache_free(&c);
}

static void test_enomem(void **state)
{
	struct user_cache c = { .len = 0 };

	fake.fail_realloc = true;
	assert_null(user_cache_name(&c, 0));
	assert_int_equal(c.len, 0);
	assert_int_equal(fake.lookups, 0);
	/* Nothing half-made is cached: the next try looks it up. */
	fake.fail_realloc = false;
	assert_string_equal(user_cache_name(&c, 0), "root");
	assert_int_equal(c.len, 1);
	user_cache_free(&c);
}

static void test_cache_free(void **state)
{
	struct user_cache c = { .len = 0 };

	user_cache_free(NULL);
	assert_non_null(user_cache_name(&c, 0));
	user_cache_free(&c);
	assert_null(c.v);
	assert_int_equal(c.len, 0);
	assert_int_equal(c.cap, 0);
	/* A freed cache is empty and can be used again. */
	assert_string_equal(user_cache_name(&c, 0), "root");
	assert_int_equal(fake.lookups, 2);
	user_cache_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_root, reset_fake),
		cmocka_unit_test_setup(test_no_user, reset_fake),
		cmocka_unit_test_setup(test_cached, reset_fake),
		cmocka_unit_test_setup(test_unsafe_names, reset_fake),
		cmocka_unit_test_setup(test_enomem, reset_fake),
		cmocka_unit_test_setup(test_cache_free, reset_fake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
