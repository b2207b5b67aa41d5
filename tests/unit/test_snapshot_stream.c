/* SPDX-License-Identifier: MIT */
/* snapshot_stream() (src/snapshot/snapshot_stream.c): a snapshot handed on in
 * pruned batches, checked on a /proc/net/tcp fixture (source proc). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/snapshot.h"

struct seen {
	size_t rows;
	size_t batches;
};

static int emit(struct sock_table *batch, void *data)
{
	struct seen *s = data;

	s->rows += batch->len;
	s->batches++;
	return 0;
}

/* Keeps the LISTEN rows. */
static void listeners(struct sock_table *t, void *data)
{
	size_t i, n = 0;

	(void)data;
	for (i = 0; i < t->len; i++)
		if (t->entries[i].state == SOCK_STATE_LISTEN)
			t->entries[n++] = t->entries[i];
	t->len = n;
}

/* A proc root whose net/tcp is the fixture, removed after the test even
 * when it fails (teardown). */
static char root[64]; /* (one test at a time) */

static int root_setup(void **state)
{
	char dst[512], cmd[1200];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/lsock-test-snapstream.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(dst, sizeof(dst), "%s/net", root);
	if (mkdir(dst, 0755) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "cp %s/proc_net_tcp.txt %s/tcp", LSOCK_FIXTURES, dst);
	return system(cmd) == 0 ? 0 : -1;
}

static int root_teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

static struct snapshot_request request(const char *proc_root)
{
	struct snapshot_request req = {
		.collect = { .protos = SOCK_PROTO_BIT(SOCK_PROTO_TCP), .protos_given = true,
			     .inet4 = true, .states = SOCK_STATES_ALL, .source = SOURCE_PROC,
			     .proc_root = proc_root },
	};

	return req;
}

/* The rows the table would hold, pruned, reach emit(); the table stays empty. */
static void test_streams_pruned_batches(void **state)
{
	struct snapshot_request req;
	struct sock_table all = { 0 };
	struct collect_report rep;
	struct seen s = { 0 };
	struct collect_stream st = { .batch_rows = 1, .emit = emit, .data = &s };
	struct snapshot snap;
	size_t i, listening = 0;

	(void)state;
	req = request(root);
	assert_int_equal(collect_run(&req.collect, &all, &rep), 0);
	for (i = 0; i < all.len; i++)
		listening += all.entries[i].state == SOCK_STATE_LISTEN;
	assert_true(listening > 0 && listening < all.len);
	req.prune = listeners;
	assert_int_equal(snapshot_stream(&req, &st, &snap), 0);
	assert_int_equal(s.rows, listening);
	/* (a /proc slot is one pass, handed on whole: batch_rows is "about") */
	assert_true(s.batches >= 1 && s.batches <= listening);
	assert_int_equal(snap.table.len, 0);
	snapshot_free(&snap);
	sock_table_free(&all);
}

/* A missing stream, or one without emit() or with batches of 0 rows, is
 * refused before anything reads it; *ret is written all the same. */
static void test_bad_stream(void **state)
{
	struct snapshot_request req = request("/nonexistent");
	struct collect_stream no_emit = { .batch_rows = 10 };
	struct seen s = { 0 };
	struct collect_stream no_rows = { .batch_rows = 0, .emit = emit, .data = &s };
	struct snapshot snap;

	(void)state;
	memset(&snap, 0xa5, sizeof(snap));
	assert_int_equal(snapshot_stream(&req, NULL, &snap), -EINVAL);
	assert_int_equal(snap.table.len, 0);
	assert_null(snap.netns.v);
	snapshot_free(&snap);
	assert_int_equal(snapshot_stream(&req, &no_emit, &snap), -EINVAL);
	snapshot_free(&snap);
	assert_int_equal(snapshot_stream(&req, &no_rows, &snap), -EINVAL);
	assert_int_equal(s.batches, 0);
	snapshot_free(&snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_streams_pruned_batches, root_setup, root_teardown),
		cmocka_unit_test(test_bad_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
