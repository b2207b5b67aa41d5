/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/fmt_event.h"

static const struct timespec when = { .tv_sec = 1700000000, .tv_nsec = 123999999 };

static void setup(struct sock_table *t, struct text_layout *l, struct render_ctx *c)
{
	struct sock_entry e = { .family = AF_INET, .proto = SOCK_PROTO_TCP,
				.state = SOCK_STATE_CLOSE_WAIT, .lport = 80, .rport = 4000,
				.cookie = 7, .flags = SOCK_F_COOKIE_KNOWN };
	char err[64];

	inet_pton(AF_INET, "127.0.0.1", e.laddr);
	inet_pton(AF_INET, "127.0.0.1", e.raddr);
	memset(t, 0, sizeof(*t));
	assert_int_equal(sock_table_add(t, &e, NULL, 0), 0);
	memset(l, 0, sizeof(*l));
	assert_int_equal(column_list_parse("proto,local,state", &l->inet_cols, err, sizeof(err)), 0);
	l->unix_cols = l->inet_cols;
	*c = (struct render_ctx){ .table = t };
}

static void test_time(void **state)
{
	char buf[FMT_EVENT_TIME_MAX];

	assert_string_equal(fmt_event_time(&when, buf), "2023-11-14T22:13:20.123Z");
}

static void test_text(void **state)
{
	struct sock_table t;
	struct text_layout l;
	struct render_ctx c;
	struct outbuf o;
	struct fmt_event ev = { .event = "state", .sign = '~', .time = &when, .has_from = true,
				.from_state = SOCK_STATE_ESTABLISHED };

	setup(&t, &l, &c);
	assert_int_equal(outbuf_init(&o, -1), 0);
	fmt_event_text(&o, &l, &c, &t.entries[0], &ev);
	ev = (struct fmt_event){ .event = "kill_failed", .error = -EPERM };
	fmt_event_text(&o, &l, &c, &t.entries[0], &ev);
	assert_string_equal(o.buf, "2023-11-14T22:13:20.123Z ~ tcp 127.0.0.1:80 ESTABLISHED -> CLOSE_WAIT\n"
				   "kill_failed tcp 127.0.0.1:80 CLOSE_WAIT: Operation not permitted (EPERM)\n");
	outbuf_free(&o);
	sock_table_free(&t);
}

static void test_ndjson(void **state)
{
	struct sock_table t;
	struct text_layout l;
	struct render_ctx c;
	struct outbuf o;
	struct fmt_event ev = { .event = "new", .sign = '+', .time = &when };

	setup(&t, &l, &c);
	assert_int_equal(outbuf_init(&o, -1), 0);
	fmt_event_ndjson(&o, &c, &t.entries[0], &ev);
	assert_true(!strncmp(o.buf, "{\"event\":\"new\",\"time\":\"2023-11-14T22:13:20.123Z\",\"socket\":{\"proto\":\"tcp\"", 72));
	assert_non_null(strstr(o.buf, "\"cookie\":7"));
	assert_non_null(strstr(o.buf, "},\"from_state\":null}\n"));
	outbuf_free(&o);
	assert_int_equal(outbuf_init(&o, -1), 0);
	ev = (struct fmt_event){ .event = "state", .has_from = true, .from_state = SOCK_STATE_ESTABLISHED };
	fmt_event_ndjson(&o, &c, &t.entries[0], &ev);
	assert_non_null(strstr(o.buf, "\"from_state\":\"ESTABLISHED\"}"));
	assert_null(strstr(o.buf, "\"time\""));
	outbuf_free(&o);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_ndjson),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
