/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "fmt_fixture.h"
#include "lsock/fmt.h"

static struct outbuf o;

static char *json(const struct render_ctx *c, bool nd, bool complete)
{

	assert_int_equal(outbuf_init(&o, -1), 0);
	if (nd)
		fmt_ndjson(&o, c);
	else
		fmt_json(&o, c, complete);
	outbuf_putc(&o, '\0');
	return o.buf;
}

static void test_inet_socket_and_owners(void **state)
{
	struct sock_table t;
	struct owner_map m;
	struct render_ctx c = { .table = &t, .owners = &m };

	sock_table_init(&t);
	fx_owners(&m);
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET, "0.0.0.0", 22, "0.0.0.0", 0, 10, 100, 0);
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET6, "::ffff:127.0.0.1", 80, "::ffff:127.0.0.1", 4000, 1, 300,
		SOCK_F_V6ONLY_KNOWN);
	assert_string_equal(json(&c, false, false),
		"{\"schema\":1,\"owners_complete\":false,\"sockets\":["
		"{\"proto\":\"tcp\",\"family\":\"inet\",\"state\":\"LISTEN\",\"recv_q\":0,\"send_q\":128,"
		"\"local\":{\"address\":\"0.0.0.0\",\"port\":22},\"remote\":{\"address\":\"0.0.0.0\",\"port\":0},"
		"\"interface\":null,\"uid\":1000,\"inode\":100,\"cookie\":7,\"owners\":["
		"{\"pid\":10,\"fd\":3,\"comm\":\"sshd\"},{\"pid\":11,\"fd\":3,\"comm\":\"sshd\"},"
		"{\"pid\":11,\"fd\":4,\"comm\":\"sshd\"}],\"owners_complete\":false,"
		"\"source\":\"netlink\"},"
		"{\"proto\":\"tcp\",\"family\":\"inet6\",\"state\":\"ESTABLISHED\",\"recv_q\":0,\"send_q\":0,"
		"\"local\":{\"address\":\"::ffff:127.0.0.1\",\"port\":80},"
		"\"remote\":{\"address\":\"::ffff:127.0.0.1\",\"port\":4000},\"v6only\":false,"
		"\"interface\":null,\"uid\":1000,\"inode\":300,\"cookie\":7,\"owners\":["
		"{\"pid\":12,\"fd\":5,\"comm\":\"ev\\u001b[1m\\n\xef\xbf\xbd\",\"comm_hex\":\"65761b5b316d0aff\"}],"
		"\"owners_complete\":false,\"source\":\"netlink\"}]}\n");
	outbuf_free(&o);
	/* NDJSON has no document: each line says it, as each socket does. */
	c.owners_complete = true;
	sock_table_truncate(&t, 1);
	assert_string_equal(json(&c, true, true),
		"{\"proto\":\"tcp\",\"family\":\"inet\",\"state\":\"LISTEN\",\"recv_q\":0,\"send_q\":128,"
		"\"local\":{\"address\":\"0.0.0.0\",\"port\":22},\"remote\":{\"address\":\"0.0.0.0\",\"port\":0},"
		"\"interface\":null,\"uid\":1000,\"inode\":100,\"cookie\":7,\"owners\":["
		"{\"pid\":10,\"fd\":3,\"comm\":\"sshd\"},{\"pid\":11,\"fd\":3,\"comm\":\"sshd\"},"
		"{\"pid\":11,\"fd\":4,\"comm\":\"sshd\"}],\"owners_complete\":true,"
		"\"source\":\"netlink\"}\n");
	outbuf_free(&o);
	sock_table_free(&t);
}

static void test_unix_names_and_unknowns(void **state)
{
	struct sock_table t;
	struct render_ctx c = { .table = &t };
	const char abs_name[] = "\0a\0b";
	struct sock_entry proc = { .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .type = SOCK_DGRAM,
				   .state = 7, .inode = 9, .source = SOCK_SOURCE_PROC };

	sock_table_init(&t);
	fx_unix(&t, SOCK_STREAM, 10, 5, "@lit", 4, false);
	fx_unix(&t, SOCK_STREAM, 10, 6, abs_name, sizeof(abs_name) - 1, true);
	fx_unix(&t, SOCK_STREAM, 10, 7, "/t/\xff", 4, false);
	sock_table_add(&t, &proc, NULL, 0);
	assert_string_equal(json(&c, true, true),
		"{\"proto\":\"unix\",\"family\":\"unix\",\"type\":\"stream\",\"state\":\"LISTEN\",\"recv_q\":0,"
		"\"send_q\":0,\"path\":\"@lit\",\"abstract\":false,\"peer_inode\":0,\"uid\":0,\"inode\":5,"
		"\"cookie\":null,\"source\":\"netlink\"}\n"
		"{\"proto\":\"unix\",\"family\":\"unix\",\"type\":\"stream\",\"state\":\"LISTEN\",\"recv_q\":0,"
		"\"send_q\":0,\"path\":\"@a\\u0000b\",\"abstract\":true,\"peer_inode\":0,\"uid\":0,\"inode\":6,"
		"\"cookie\":null,\"source\":\"netlink\"}\n"
		"{\"proto\":\"unix\",\"family\":\"unix\",\"type\":\"stream\",\"state\":\"LISTEN\",\"recv_q\":0,"
		"\"send_q\":0,\"path\":\"/t/\xef\xbf\xbd\",\"path_hex\":\"2f742fff\",\"abstract\":false,"
		"\"peer_inode\":0,\"uid\":0,\"inode\":7,\"cookie\":null,\"source\":\"netlink\"}\n"
		"{\"proto\":\"unix\",\"family\":\"unix\",\"type\":\"dgram\",\"state\":\"UNCONN\",\"recv_q\":null,"
		"\"send_q\":null,\"path\":null,\"abstract\":false,\"peer_inode\":null,\"uid\":null,\"inode\":9,"
		"\"cookie\":null,\"source\":\"proc\"}\n");
	outbuf_free(&o);
	sock_table_free(&t);
}

/* A time-wait socket: the kernel writes uid 0 and inode 0, which it does
 * not know; JSON says null, not root and not 0. */
static void test_time_wait_unknowns(void **state)
{
	struct sock_table t;
	struct render_ctx c = { .table = &t };
	struct sock_entry tw = { .family = AF_INET, .proto = SOCK_PROTO_TCP, .type = SOCK_STREAM,
				 .state = SOCK_STATE_TIME_WAIT, .lport = 40000, .rport = 80,
				 .laddr = { 127, 0, 0, 1 }, .raddr = { 127, 0, 0, 1 }, .cookie = 9,
				 .flags = SOCK_F_COOKIE_KNOWN | SOCK_F_QUEUES_KNOWN };

	sock_table_init(&t);
	sock_table_add(&t, &tw, NULL, 0);
	assert_string_equal(json(&c, true, true),
		"{\"proto\":\"tcp\",\"family\":\"inet\",\"state\":\"TIME_WAIT\",\"recv_q\":0,"
		"\"send_q\":0,\"local\":{\"address\":\"127.0.0.1\",\"port\":40000},"
		"\"remote\":{\"address\":\"127.0.0.1\",\"port\":80},\"interface\":null,"
		"\"uid\":null,\"inode\":null,\"cookie\":9,\"source\":\"netlink\"}\n");
	outbuf_free(&o);
	sock_table_free(&t);
}

static void test_empty_document(void **state)
{
	struct sock_table t;
	struct render_ctx c = { .table = &t };

	sock_table_init(&t);
	assert_string_equal(json(&c, false, true), "{\"schema\":1,\"sockets\":[]}\n");
	outbuf_free(&o);
	assert_string_equal(json(&c, true, true), "");
	outbuf_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inet_socket_and_owners),
		cmocka_unit_test(test_unix_names_and_unknowns),
		cmocka_unit_test(test_time_wait_unknowns),
		cmocka_unit_test(test_empty_document),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
