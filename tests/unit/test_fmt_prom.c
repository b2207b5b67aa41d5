/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/fmt_prom.h"
#include "lsock/owner.h"

static char *label_value(struct outbuf *o, const void *s, size_t len)
{
	assert_int_equal(outbuf_init(o, -1), 0);
	fmt_prom_label_value(o, s, len);
	return o->buf;
}

/* The exposition format escapes exactly \, " and newline. */
static void test_label_escaping(void **state)
{
	struct outbuf o;
	const char nul[] = { 'a', 0, 'b' };

	assert_string_equal(label_value(&o, "plain", 5), "plain");
	outbuf_free(&o);
	assert_string_equal(label_value(&o, "a\"b\\c\nd", 7), "a\\\"b\\\\c\\nd");
	outbuf_free(&o);
	/* Tabs and UTF-8 pass through; they need no escape. */
	assert_string_equal(label_value(&o, "t\tq\xc3\xa9", 5), "t\tq\xc3\xa9");
	outbuf_free(&o);
	/* Not UTF-8: U+FFFD per bad byte, as label values are UTF-8. */
	assert_string_equal(label_value(&o, "x\xff\xc3", 3), "x\xef\xbf\xbd\xef\xbf\xbd");
	outbuf_free(&o);
	assert_string_equal(label_value(&o, nul, 3), "a@b");
	outbuf_free(&o);
}

static void add_inet(struct sock_table *t, uint8_t state, const char *addr, uint16_t lport,
		     uint16_t rport, uint32_t inode, uint32_t rq, uint32_t wq)
{
	struct sock_entry e = {
		.family = AF_INET,
		.proto = SOCK_PROTO_TCP,
		.state = state,
		.lport = lport,
		.rport = rport,
		.inode = inode,
		.rqueue = rq,
		.wqueue = wq,
		.flags = SOCK_F_QUEUES_KNOWN,
	};

	assert_int_equal(inet_pton(AF_INET, addr, e.laddr), 1);
	assert_int_equal(sock_table_add(t, &e, NULL, 0), 0);
}

static const char *unit_fixed(const struct sock_entry *e, void *data)
{
	(void)data;
	return e->inode == 10 ? "web.service" : NULL;
}

static void test_exposition(void **state)
{
	struct sock_table t = { 0 };
	struct owner_proc procs[2] = { { .pid = 40, .comm_len = 5, .comm = "nginx" },
				       { .pid = 41, .comm_len = 7, .comm = "ev\"il\\\n" } };
	struct owner owners[3] = { { .inode = 10, .fd = 3, .proc = 0 },
				   { .inode = 11, .fd = 4, .proc = 0 },
				   { .inode = 12, .fd = 5, .proc = 1 } };
	struct owner_map m = { .owners = owners, .len = 3, .procs = procs, .nprocs = 2 };
	struct render_ctx c = { .table = &t, .owners = &m };
	struct prom_scrape s = { .duration_ns = 1500000, .when = { .sec = 1700000000, .msec = 5 },
				 .netns = "", .unit_of = unit_fixed };
	struct outbuf o;
	const char *want =
		"# HELP lsock_listener_info A listening socket (LISTEN, or unconnected and bound): "
		"value 1, one series per distinct label set.\n"
		"# TYPE lsock_listener_info gauge\n"
		"lsock_listener_info{netns=\"\",proto=\"tcp\",family=\"inet\",address=\"0.0.0.0\","
		"port=\"80\",program=\"nginx\",unit=\"web.service\"} 1\n"
		"lsock_listener_info{netns=\"\",proto=\"tcp\",family=\"inet\",address=\"0.0.0.0\","
		"port=\"8080\",program=\"ev\\\"il\\\\\\n\",unit=\"\"} 1\n"
		"# HELP lsock_listener_accept_queue Connections waiting to be accepted by a LISTEN "
		"socket (summed over listeners with the same labels).\n"
		"# TYPE lsock_listener_accept_queue gauge\n"
		"lsock_listener_accept_queue{netns=\"\",proto=\"tcp\",family=\"inet\",address=\"0.0.0.0\","
		"port=\"80\",program=\"nginx\",unit=\"web.service\"} 3\n"
		"lsock_listener_accept_queue{netns=\"\",proto=\"tcp\",family=\"inet\",address=\"0.0.0.0\","
		"port=\"8080\",program=\"ev\\\"il\\\\\\n\",unit=\"\"} 0\n"
		"# HELP lsock_listener_backlog Maximum accept backlog of a LISTEN socket, as listen(2) "
		"set it (summed over listeners with the same labels).\n"
		"# TYPE lsock_listener_backlog gauge\n"
		"lsock_listener_backlog{netns=\"\",proto=\"tcp\",family=\"inet\",address=\"0.0.0.0\","
		"port=\"80\",program=\"nginx\",unit=\"web.service\"} 1024\n"
		"lsock_listener_backlog{netns=\"\",proto=\"tcp\",family=\"inet\",address=\"0.0.0.0\","
		"port=\"8080\",program=\"ev\\\"il\\\\\\n\",unit=\"\"} 16\n"
		"# HELP lsock_sockets Sockets by network namespace, protocol and state.\n"
		"# TYPE lsock_sockets gauge\n"
		"lsock_sockets{netns=\"\",proto=\"tcp\",state=\"ESTABLISHED\"} 2\n"
		"lsock_sockets{netns=\"\",proto=\"tcp\",state=\"LISTEN\"} 3\n"
		"# HELP lsock_scrape_duration_seconds How long lsock took to collect the sockets.\n"
		"# TYPE lsock_scrape_duration_seconds gauge\n"
		"lsock_scrape_duration_seconds 0.001500000\n"
		"# HELP lsock_last_scrape_timestamp_seconds When lsock collected the sockets, in "
		"seconds since the Unix epoch.\n"
		"# TYPE lsock_last_scrape_timestamp_seconds gauge\n"
		"lsock_last_scrape_timestamp_seconds 1700000000.005\n";

	/* Two listeners of one SO_REUSEPORT group: one series, queues added
	 * up.  Connections get no series of their own. */
	add_inet(&t, SOCK_STATE_LISTEN, "0.0.0.0", 80, 0, 10, 1, 512);
	add_inet(&t, SOCK_STATE_LISTEN, "0.0.0.0", 80, 0, 10, 2, 512);
	add_inet(&t, SOCK_STATE_ESTABLISHED, "10.0.0.1", 80, 5555, 11, 0, 0);
	add_inet(&t, SOCK_STATE_ESTABLISHED, "10.0.0.1", 80, 5556, 0, 0, 0);
	add_inet(&t, SOCK_STATE_LISTEN, "0.0.0.0", 8080, 0, 12, 0, 16);
	assert_int_equal(outbuf_init(&o, -1), 0);
	fmt_prom(&o, &c, &s);
	assert_int_equal(outbuf_error(&o), 0);
	assert_string_equal(o.buf, want);
	outbuf_free(&o);
	sock_table_free(&t);
}

static void test_listeners(void **state)
{
	struct sock_entry e = { .family = AF_INET, .proto = SOCK_PROTO_UDP, .state = SOCK_STATE_CLOSE };

	assert_false(fmt_prom_is_listener(&e)); /* unbound */
	e.lport = 53;
	assert_true(fmt_prom_is_listener(&e));
	e.state = SOCK_STATE_ESTABLISHED;
	assert_false(fmt_prom_is_listener(&e));
	e = (struct sock_entry){ .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .state = SOCK_STATE_CLOSE };
	assert_false(fmt_prom_is_listener(&e));
	e.path_len = 3;
	assert_true(fmt_prom_is_listener(&e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_exposition),
		cmocka_unit_test(test_listeners),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
