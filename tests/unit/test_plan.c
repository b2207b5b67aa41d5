/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/plan.h"
#include "lsock/sock_ext.h"

#define PLAN(p, err, ...)                                                                          \
	build((p), (err), sizeof(err), (int)(sizeof((char *[]){ "lsock", __VA_ARGS__ }) / sizeof(char *)), \
	      (char *[]){ "lsock", __VA_ARGS__, NULL })

/* The blocks the code under test holds (ld --wrap, test_plan.wrap), counted
 * while `counting`: a failing plan_build() must leave none. */
static struct {
	bool counting;
	long live;
} A;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
void __wrap_free(void *p);

static void *counted(void *p)
{
	if (p && A.counting)
		A.live++;
	return p;
}

void *__wrap_malloc(size_t n)
{
	return counted(__real_malloc(n));
}

void *__wrap_calloc(size_t n, size_t size)
{
	return counted(__real_calloc(n, size));
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q = __real_realloc(p, n);

	/* a grown block is the same block; realloc(NULL) is a new one */
	return p ? q : counted(q);
}

char *__wrap_strdup(const char *s)
{
	return counted(__real_strdup(s));
}

void __wrap_free(void *p)
{
	if (p && A.counting)
		A.live--;
	__real_free(p);
}

static int build(struct query_plan *p, char *err, size_t errlen, int argc, char **argv)
{
	struct lsock_options o;
	int r = options_parse(argc, argv, &o, err, errlen);

	if (r < 0)
		return r;
	return plan_build(&o, p, err, errlen);
}

static void test_no_protocol_means_all(void **state)
{
	struct query_plan p;
	char err[256];

	assert_int_equal(PLAN(&p, err, "-n"), 0);
	assert_int_equal(p.spec.protos, SOCK_PROTOS_ALL);
	assert_true(plan_wants(&p, SOCK_PROTO_RAW, AF_INET6));
	assert_true(plan_wants(&p, SOCK_PROTO_UNIX, AF_UNIX));
	assert_int_equal(p.spec.states, SOCK_STATES_CONNECTED | SOCK_STATE_BIT(SOCK_STATE_NEW_SYN_RECV));
	plan_free(&p);
	/* -4 alone: inet only, as netstat --inet */
	assert_int_equal(PLAN(&p, err, "-4"), 0);
	assert_false(plan_wants(&p, SOCK_PROTO_UNIX, AF_UNIX));
	assert_true(plan_wants(&p, SOCK_PROTO_TCP, AF_INET));
	assert_false(plan_wants(&p, SOCK_PROTO_TCP, AF_INET6));
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-t6"), 0);
	assert_false(plan_wants(&p, SOCK_PROTO_UDP, AF_INET6));
	assert_true(plan_wants(&p, SOCK_PROTO_TCP, AF_INET6));
	assert_false(plan_wants(&p, SOCK_PROTO_TCP, AF_INET));
	plan_free(&p);
}

static void test_columns_decide_collection(void **state)
{
	struct query_plan p;
	char err[256];

	assert_int_equal(PLAN(&p, err, "-tln"), 0);
	assert_false(p.needs & NEED_OWNERS);
	assert_false(p.needs & NEED_SERVICES);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-tl"), 0);
	assert_true(p.needs & NEED_SERVICES);
	assert_false(p.needs & NEED_OWNERS);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-tlpn"), 0);
	assert_true(p.needs & NEED_OWNERS);
	plan_free(&p);
	/* -k program asks for owners even without -p */
	assert_int_equal(PLAN(&p, err, "-tn", "-k", "local,program"), 0);
	assert_true(p.needs & NEED_OWNERS);
	assert_true(p.layout.single_table);
	plan_free(&p);
	/* JSON: owners (and their units) only with -p, never services; every
	 * socket's namespace is named */
	assert_int_equal(PLAN(&p, err, "-t", "--json"), 0);
	assert_int_equal(p.needs, NEED_NETNS);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-tp", "--json"), 0);
	assert_int_equal(p.needs, NEED_OWNERS | NEED_NETNS | NEED_UNITS);
	plan_free(&p);
	/* sorting by owner needs owners */
	assert_int_equal(PLAN(&p, err, "-tn", "--sort", "pid"), 0);
	assert_true(p.needs & NEED_OWNERS);
	plan_free(&p);
}

/* What is shown decides what is collected: no extension, no request bits. */
static void test_extension_needs(void **state)
{
	struct query_plan p;
	char err[256];

	(void)state;
	assert_int_equal(PLAN(&p, err, "-tan"), 0);
	assert_int_equal(p.spec.ext, 0);
	assert_false(p.needs & NEED_EXT_ALL);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-tan", "--json"), 0);
	assert_int_equal(p.spec.ext, 0);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-tano"), 0);
	assert_int_equal(p.spec.ext, SOCK_EXT_TIMER);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-tani"), 0);
	assert_int_equal(p.spec.ext, SOCK_EXT_INFO);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-tanm", "--json"), 0);
	assert_int_equal(p.spec.ext, SOCK_EXT_MEMORY);
	assert_true(p.needs & NEED_SKMEM);
	assert_false(p.needs & NEED_TCP_INFO);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-xae"), 0);
	assert_int_equal(p.spec.ext, SOCK_EXT_SHUTDOWN | SOCK_EXT_VFS | SOCK_EXT_ICONS);
	plan_free(&p);
	/* a named column, or a sort key, is enough */
	assert_int_equal(PLAN(&p, err, "-tn", "-k", "local,tcp_info"), 0);
	assert_int_equal(p.spec.ext, SOCK_EXT_INFO);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-tn", "--sort", "timer"), 0);
	assert_int_equal(p.spec.ext, SOCK_EXT_TIMER);
	plan_free(&p);
	/* -s lists nothing: no extension */
	assert_int_equal(PLAN(&p, err, "-s", "-i"), 0);
	assert_int_equal(p.spec.ext, 0);
	plan_free(&p);
}

static void test_usage_errors(void **state)
{
	struct query_plan p;
	char err[256];

	assert_int_equal(PLAN(&p, err, "-k", "proto,nope"), -EINVAL);
	assert_non_null(strstr(err, "nope"));
	assert_int_equal(PLAN(&p, err, "--sort", "inode,zzz"), -EINVAL);
	assert_non_null(strstr(err, "zzz"));
	assert_int_equal(PLAN(&p, err, "-t", "sport", "=", ":"), -EINVAL);
	assert_non_null(strstr(err, "filter"));
	assert_null(strchr(err, '\n'));
}

static void test_filter_states(void **state)
{
	struct query_plan p;
	char err[256];

	assert_int_equal(PLAN(&p, err, "-t", "state", "listening"), 0);
	assert_int_equal(p.spec.states, SOCK_STATE_BIT(SOCK_STATE_LISTEN));
	plan_free(&p);
	/* syn-recv also asks the kernel for request sockets (NEW_SYN_RECV) */
	assert_int_equal(PLAN(&p, err, "-t", "state", "syn-recv"), 0);
	assert_true(p.spec.states & SOCK_STATE_BIT(SOCK_STATE_NEW_SYN_RECV));
	plan_free(&p);
}

/* -s counts every state unless -l or -a or a filter says otherwise, and
 * walks no owners for the table (only for full listeners, later). */
static void test_summary_states(void **state)
{
	struct query_plan p;
	char err[256];

	(void)state;
	assert_int_equal(PLAN(&p, err, "-s", "-tp"), 0);
	assert_true(p.summary);
	assert_int_equal(p.spec.states, SOCK_STATES_ALL);
	assert_int_equal(p.needs, 0);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "--summary", "-l"), 0);
	assert_int_equal(p.spec.states, SOCK_STATES_LISTENING);
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-s", "state", "listening"), 0);
	assert_int_equal(p.spec.states, SOCK_STATE_BIT(SOCK_STATE_LISTEN));
	plan_free(&p);
	assert_int_equal(PLAN(&p, err, "-s", "--ndjson"), -EINVAL);
	assert_non_null(strstr(err, "--summary and --ndjson"));
	assert_int_equal(PLAN(&p, err, "-tn"), 0);
	assert_false(p.summary);
	plan_free(&p);
}

/* A bad LSOCK_BATCH_ROWS, after the filter and the namespace's path were
 * built: a usage error in one line, *ret the zeroed plan, no block kept
 * (the wrapped allocator counts them; LeakSanitizer too under
 * LSOCK_SANITIZE). */
static void test_bad_batch_rows(void **state)
{
	struct lsock_options o;
	struct query_plan p;
	char err[256];
	char *argv[] = { "lsock", "-N", "/proc/self/ns/net", "-t", "sport", "=", ":22", NULL };
	int r;

	(void)state;
	assert_int_equal(options_parse(7, argv, &o, err, sizeof(err)), 0);
	assert_int_equal(setenv("LSOCK_BATCH_ROWS", "bogus", 1), 0);
	memset(&p, 0xa5, sizeof(p));
	A.live = 0;
	A.counting = true;
	r = plan_build(&o, &p, err, sizeof(err));
	A.counting = false;
	assert_int_equal(r, -EINVAL);
	assert_int_equal(A.live, 0);
	assert_non_null(strstr(err, "LSOCK_BATCH_ROWS"));
	assert_null(strchr(err, '\n'));
	assert_null(p.filter);
	assert_null(p.netns.path);
	plan_free(&p);
	/* The same plan with a good value keeps both. */
	assert_int_equal(setenv("LSOCK_BATCH_ROWS", "7", 1), 0);
	assert_int_equal(plan_build(&o, &p, err, sizeof(err)), 0);
	assert_int_equal(p.batch_rows, 7);
	assert_non_null(p.filter);
	assert_non_null(p.netns.path);
	plan_free(&p);
	assert_int_equal(unsetenv("LSOCK_BATCH_ROWS"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_protocol_means_all),
		cmocka_unit_test(test_columns_decide_collection),
		cmocka_unit_test(test_extension_needs),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_filter_states),
		cmocka_unit_test(test_summary_states),
		cmocka_unit_test(test_bad_batch_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
