// SPDX-License-Identifier: MIT
/*
 * The lsock extensions to the ss filter grammar that select by process and
 * user: pid, comm, uid and user, on a hand-made table and owner map.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/filter.h"
#include "lsock/owner.h"
#include "lsock/snapshot.h"

/* Sockets: inode 10 held by sshd (100) and its child bash (200), inode 20 by
 * nginx (300), inode 30 by nobody, inode 0 a TIME_WAIT; uids 0, 33, 65534. */
enum { S_SHARED, S_NGINX, S_LONELY, S_TW, S_UNIX_NOUID, S_N };

static struct sock_entry entries[S_N];
static struct owner_proc procs[3];
static struct owner holders[3];
static struct owner_map map;

static void proc_set(struct owner_proc *p, int32_t pid, const char *comm)
{
	p->pid = pid;
	p->comm_len = (uint8_t)strlen(comm);
	memcpy(p->comm, comm, p->comm_len);
}

static int setup(void **state)
{
	(void)state;
	memset(entries, 0, sizeof(entries));
	entries[S_SHARED] = (struct sock_entry){ .family = AF_INET, .proto = SOCK_PROTO_TCP,
		.state = SOCK_STATE_LISTEN, .inode = 10, .uid = 0, .flags = SOCK_F_UID_KNOWN };
	entries[S_NGINX] = (struct sock_entry){ .family = AF_INET6, .proto = SOCK_PROTO_TCP,
		.state = SOCK_STATE_LISTEN, .inode = 20, .uid = 33, .flags = SOCK_F_UID_KNOWN };
	entries[S_LONELY] = (struct sock_entry){ .family = AF_INET, .proto = SOCK_PROTO_UDP,
		.state = SOCK_STATE_CLOSE, .inode = 30, .uid = 65534, .flags = SOCK_F_UID_KNOWN };
	/* The kernel writes uid 0 for TIME_WAIT; the collector marks it unknown. */
	entries[S_TW] = (struct sock_entry){ .family = AF_INET, .proto = SOCK_PROTO_TCP,
		.state = SOCK_STATE_TIME_WAIT, .inode = 0, .uid = 0 };
	entries[S_UNIX_NOUID] = (struct sock_entry){ .family = AF_UNIX, .proto = SOCK_PROTO_UNIX,
		.state = SOCK_STATE_ESTABLISHED, .inode = 40 };
	proc_set(&procs[0], 100, "sshd");
	proc_set(&procs[1], 200, "bash");
	proc_set(&procs[2], 300, "nginx: worker");
	holders[0] = (struct owner){ .inode = 10, .fd = 3, .proc = 0 };
	holders[1] = (struct owner){ .inode = 10, .fd = 0, .proc = 1 };
	holders[2] = (struct owner){ .inode = 20, .fd = 5, .proc = 2 };
	map = (struct owner_map){ .owners = holders, .len = 3, .cap = 3, .procs = procs,
				  .nprocs = 3, .procs_cap = 3 };
	return 0;
}

static struct filter *parse(const char *s, int *ret_r, struct filter_error *err)
{
	char buf[512], *words[64], *save = NULL, *p;
	struct filter *f = NULL;
	uint32_t st = 0;
	int n = 0;

	assert_true(strlen(s) < sizeof(buf));
	strcpy(buf, s);
	for (p = strtok_r(buf, " ", &save); p && n < 64; p = strtok_r(NULL, " ", &save))
		words[n++] = p;
	*ret_r = filter_parse(n, words, SOCK_STATES_ALL, &f, &st, err);
	return f;
}

/* The set of entries s selects with the owner map, as a bit mask. */
static unsigned selected(const char *s)
{
	struct filter_error err = { 0 };
	unsigned mask = 0;
	int i, r;
	struct filter *f = parse(s, &r, &err);

	if (r)
		print_error("parse '%s' failed: %s\n", s, err.message);
	assert_int_equal(r, 0);
	for (i = 0; i < S_N; i++)
		if (filter_match_owners(f, &entries[i], NULL, &map))
			mask |= 1u << i;
	filter_free(f);
	return mask;
}

#define B(x) (1u << (x))
#define ALL ((1u << S_N) - 1)

static void test_pid(void **state)
{
	(void)state;
	/* Any holder matches: the shared socket has two. */
	assert_int_equal(selected("pid = 100"), B(S_SHARED));
	assert_int_equal(selected("pid 200"), B(S_SHARED));
	assert_int_equal(selected("pid == 300"), B(S_NGINX));
	assert_int_equal(selected("pid eq 999"), 0);
	/* != is "no holder is N", so sockets without owners match. */
	assert_int_equal(selected("pid != 100"), ALL & ~B(S_SHARED));
	assert_int_equal(selected("not pid = 300"), ALL & ~B(S_NGINX));
	assert_int_equal(selected("pid = 100 or pid = 300"), B(S_SHARED) | B(S_NGINX));
	assert_int_equal(selected("pid = 100 and pid = 200"), B(S_SHARED));
}

static void test_comm(void **state)
{
	(void)state;
	assert_int_equal(selected("comm = sshd"), B(S_SHARED));
	assert_int_equal(selected("comm = bash"), B(S_SHARED));
	/* A glob, on the raw bytes: a space is a byte like any other. */
	assert_int_equal(selected("comm = nginx:*"), B(S_NGINX));
	assert_int_equal(selected("comm = nginx:?worker"), B(S_NGINX));
	assert_int_equal(selected("comm = *sh*"), B(S_SHARED));
	assert_int_equal(selected("comm = ?"), 0);
	/* Names are case-sensitive, unlike UNIX path globs. */
	assert_int_equal(selected("comm = SSHD"), 0);
	assert_int_equal(selected("comm != sshd"), ALL & ~B(S_SHARED));
	assert_int_equal(selected("( comm = sshd or comm = nginx* ) and uid = 33"), B(S_NGINX));
}

static void test_uid_user(void **state)
{
	(void)state;
	assert_int_equal(selected("uid = 0"), B(S_SHARED));
	assert_int_equal(selected("uid 33"), B(S_NGINX));
	assert_int_equal(selected("uid = 65534"), B(S_LONELY));
	/* Like dev: an unknown uid matches neither = nor !=, but `not` inverts. */
	assert_int_equal(selected("uid != 0"), B(S_NGINX) | B(S_LONELY));
	assert_int_equal(selected("not uid = 0"), ALL & ~B(S_SHARED));
	/* root is uid 0 in every passwd database. */
	assert_int_equal(selected("user = root"), B(S_SHARED));
	assert_int_equal(selected("user != root"), B(S_NGINX) | B(S_LONELY));
	assert_int_equal(selected("user = root and comm = bash"), B(S_SHARED));
	/* UNIX: the "port" is the inode (40). */
	assert_int_equal(selected("uid = 33 or pid = 100 or sport = :0"), ALL & ~B(S_UNIX_NOUID));
}

static void test_without_owners(void **state)
{
	struct filter_error err = { 0 };
	int r;
	struct filter *f = parse("pid = 100", &r, &err);

	(void)state;
	assert_int_equal(r, 0);
	assert_true(filter_needs_owners(f));
	/* Without a map nobody holds anything. */
	assert_false(filter_match(f, &entries[S_SHARED], NULL));
	assert_false(filter_match_owners(f, &entries[S_SHARED], NULL, NULL));
	filter_free(f);

	f = parse("uid = 0 and sport = :22", &r, &err);
	assert_int_equal(r, 0);
	assert_false(filter_needs_owners(f));
	filter_free(f);
	f = parse("not ( sport = :22 or comm = x )", &r, &err);
	assert_true(filter_needs_owners(f));
	filter_free(f);
	assert_false(filter_needs_owners(NULL));
}

static void bad(const char *s, const char *token, const char *msg_part)
{
	struct filter_error err = { 0 };
	int r;
	struct filter *f = parse(s, &r, &err);

	assert_int_equal(r, -EINVAL);
	assert_null(f);
	assert_string_equal(err.token, token);
	if (!strstr(err.message, msg_part))
		fail_msg("'%s': message '%s' lacks '%s'", s, err.message, msg_part);
}

static void test_errors(void **state)
{
	(void)state;
	bad("pid = 0", "0", "positive");
	bad("pid = -1", "-1", "positive");
	bad("pid = 2147483648", "2147483648", "positive");
	bad("pid = 0x10", "0x10", "positive");
	bad("pid", "", "expected a process id");
	bad("pid > 5", ">", "only with = or !=");
	bad("uid = 4294967295", "4294967295", "user id");
	bad("uid = root", "root", "user id");
	bad("uid", "", "expected a user id");
	bad("user = no-such-user-lsock", "no-such-user-lsock", "unknown user");
	bad("user", "", "expected a user name");
	bad("comm", "", "expected a command name");
	bad("comm = and", "and", "expected a command name");
}

/* The snapshot plumbing: without an owner predicate the filter runs before
 * the walk and no walk is asked for; with one, after it. */
static void test_prune_request(void **state)
{
	struct snapshot_request req = { 0 };
	struct filter_error err = { 0 };
	struct sock_table t = { 0 };
	struct filter_prune fp = { .states = SOCK_STATES_ALL & ~SOCK_STATE_BIT(SOCK_STATE_CLOSE) };
	size_t i;
	int r;

	(void)state;
	fp.filter = parse("sport = :22", &r, &err);
	filter_prune_request(&req, &fp);
	assert_false(req.owners);
	assert_non_null(req.prune);
	assert_null(req.prune_owned);
	filter_free((struct filter *)fp.filter);

	fp.filter = parse("pid = 300 or comm = bash", &r, &err);
	filter_prune_request(&req, &fp);
	assert_true(req.owners);
	assert_non_null(req.prune_owned);
	for (i = 0; i < S_N; i++)
		assert_int_equal(sock_table_add(&t, &entries[i], NULL, 0), 0);
	/* Before the walk only the states are applied: UDP CLOSE goes. */
	req.prune(&t, req.prune_data);
	assert_int_equal(t.len, S_N - 1);
	req.prune_owned(&t, &map, NULL, req.prune_data);
	assert_int_equal(t.len, 2);
	assert_int_equal(t.entries[0].inode, 10);
	assert_int_equal(t.entries[1].inode, 20);
	sock_table_free(&t);
	filter_free((struct filter *)fp.filter);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pid, setup),
		cmocka_unit_test_setup(test_comm, setup),
		cmocka_unit_test_setup(test_uid_user, setup),
		cmocka_unit_test_setup(test_without_owners, setup),
		cmocka_unit_test_setup(test_errors, setup),
		cmocka_unit_test_setup(test_prune_request, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
