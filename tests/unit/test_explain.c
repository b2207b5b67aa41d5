/* SPDX-License-Identifier: MIT */
/* --explain's notes and markers, --audit's text table, and colour in the
 * text table (golden output; the C locale: no translation). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fmt_fixture.h"
#include "lsock/color.h"
#include "lsock/explain.h"
#include "lsock/fmt.h"
#include "lsock/fmt_audit.h"
#include "lsock/ifnames.h"

static void text_layout_of(struct text_layout *l, bool programs)
{
	memset(l, 0, sizeof(*l));
	l->header = true;
	l->inet_section = true;
	l->states = SOCK_STATES_ALL;
	column_list_default_inet(&l->inet_cols, false, programs);
	column_list_default_unix(&l->unix_cols, false, programs);
}

/* Drops every SGR sequence of s, in place. */
static void strip_sgr(char *s)
{
	char *w = s;

	while (*s) {
		if (*s == '\033') {
			while (*s && *s != 'm')
				s++;
			if (*s)
				s++;
			continue;
		}
		*w++ = *s++;
	}
	*w = '\0';
}

static void test_notes_exactly_when(void **state)
{
	struct sock_table t = { 0 };
	struct owner_map m;
	struct render_ctx c = { .table = &t, .owners = &m, .owners_complete = true };
	struct text_layout l;
	struct explain x;
	struct text_notes hooks;
	struct outbuf o;

	fx_owners(&m);
	m.privileged = true;
	/* LISTEN on 0.0.0.0:22 (inode 100, owned); a TIME_WAIT to it from an
	 * ephemeral port (inode 0); and a client in CLOSE_WAIT (inode 999, no
	 * owner seen). */
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET, "0.0.0.0", 22, "0.0.0.0", 0, SOCK_STATE_LISTEN, 100, 0);
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET, "127.0.0.1", 40001, "127.0.0.1", 22,
		SOCK_STATE_TIME_WAIT, 0, 0);
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET, "127.0.0.1", 5000, "127.0.0.1", 6000,
		SOCK_STATE_CLOSE_WAIT, 999, 0);
	text_layout_of(&l, true);
	explain_prepare(&c, &l, 40000, 40999, &x);
	assert_int_equal(x.number[NOTE_LISTEN_QUEUES], 1);
	assert_int_equal(x.number[NOTE_ANY_V4], 2);
	assert_int_equal(x.number[NOTE_PRIVILEGED], 3);
	assert_int_equal(x.number[NOTE_EPHEMERAL], 4);
	assert_int_equal(x.number[NOTE_TIME_WAIT], 5);
	assert_int_equal(x.number[NOTE_CLOSE_WAIT], 6);
	assert_int_equal(x.number[NOTE_NO_HOLDER], 7);
	assert_int_equal(x.number[NOTE_OWNER_HIDDEN], 8);
	assert_int_equal(x.number[NOTE_ANY_DUAL], 0);
	assert_int_equal(x.number[NOTE_UNCONN], 0);
	assert_int_equal(x.number[NOTE_V4MAPPED], 0);

	hooks = explain_hooks(&x);
	l.notes = &hooks;
	assert_int_equal(outbuf_init(&o, -1), 0);
	fmt_text(&o, &l, &c);
	explain_write(&o, &x);
	assert_non_null(strstr(o.buf, "State       PID/Program name  Notes\n"));
	assert_non_null(strstr(o.buf, "LISTEN      10/sshd,11/sshd   [1,2,3]\n"));
	assert_non_null(strstr(o.buf, "TIME_WAIT   -                 [4,5,7]\n"));
	assert_non_null(strstr(o.buf, "CLOSE_WAIT  -                 [6,8]\n"));
	assert_non_null(strstr(o.buf, "\nNotes:\n[1] LISTEN: Recv-Q is the accept queue"));
	assert_non_null(strstr(o.buf, "[4] A local port in 40000-40999, the ephemeral range"));
	assert_non_null(strstr(o.buf, "[8] Owner '-': a process holds this socket, but the process"));
	outbuf_free(&o);

	/* Without an owner column, no owner note; without a range, no
	 * ephemeral note; and the other numbers close up. */
	text_layout_of(&l, false);
	explain_prepare(&c, &l, 0, 0, &x);
	assert_int_equal(x.number[NOTE_NO_HOLDER], 0);
	assert_int_equal(x.number[NOTE_OWNER_HIDDEN], 0);
	assert_int_equal(x.number[NOTE_EPHEMERAL], 0);
	assert_int_equal(x.number[NOTE_TIME_WAIT], 4);
	sock_table_free(&t);
}

static void test_no_notes_no_column(void **state)
{
	struct sock_table t = { 0 };
	struct render_ctx c = { .table = &t };
	struct text_layout l;
	struct explain x;
	struct text_notes hooks;
	struct outbuf o;

	fx_inet(&t, SOCK_PROTO_TCP, AF_INET, "127.0.0.1", 5000, "127.0.0.1", 6000,
		SOCK_STATE_ESTABLISHED, 5, 0);
	text_layout_of(&l, false);
	explain_prepare(&c, &l, 40000, 40999, &x);
	hooks = explain_hooks(&x);
	assert_null(hooks.row);
	l.notes = &hooks;
	assert_int_equal(outbuf_init(&o, -1), 0);
	fmt_text(&o, &l, &c);
	explain_write(&o, &x);
	assert_null(strstr(o.buf, "Notes"));
	outbuf_free(&o);
	sock_table_free(&t);
}

static void test_color_keeps_columns(void **state)
{
	struct sock_table t = { 0 };
	struct render_ctx c = { .table = &t };
	struct text_layout l;
	struct outbuf plain, colour;

	fx_inet(&t, SOCK_PROTO_TCP, AF_INET, "0.0.0.0", 22, "0.0.0.0", 0, SOCK_STATE_LISTEN, 1, 0);
	fx_inet(&t, SOCK_PROTO_UDP, AF_INET, "127.0.0.1", 53, "0.0.0.0", 0, SOCK_STATE_CLOSE, 2, 0);
	text_layout_of(&l, false);
	assert_int_equal(outbuf_init(&plain, -1), 0);
	assert_int_equal(outbuf_init(&colour, -1), 0);
	fmt_text(&plain, &l, &c);
	l.color = true;
	fmt_text(&colour, &l, &c);
	assert_non_null(strstr(colour.buf, "\033[34mLISTEN\033[0m\n"));
	assert_null(strstr(plain.buf, "\033"));
	strip_sgr(colour.buf);
	assert_string_equal(colour.buf, plain.buf);
	outbuf_free(&plain);
	outbuf_free(&colour);
	sock_table_free(&t);
}

static void test_audit_text(void **state)
{
	struct sock_table t = { 0 };
	struct owner_map m;
	struct ifname_cache ifn = { 0 };
	struct render_ctx c = { .table = &t, .owners = &m, .ifnames = &ifn };
	struct audit_row rows[2];
	struct audit_view v = { .rows = rows, .len = 2, .header = true };
	struct outbuf o;

	fx_owners(&m);
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET, "0.0.0.0", 22, "0.0.0.0", 0, SOCK_STATE_LISTEN, 100, 0);
	fx_inet(&t, SOCK_PROTO_UDP, AF_INET6, "::1", 53, "::", 0, SOCK_STATE_CLOSE, 7, 0);
	rows[0] = (struct audit_row){ .e = &t.entries[0], .v = { .verdict = EXPOSURE_ALL_INTERFACES },
				      .unit = "ssh.service" };
	rows[1] = (struct audit_row){ .e = &t.entries[1], .v = { .verdict = EXPOSURE_LOOPBACK } };
	assert_int_equal(outbuf_init(&o, -1), 0);
	fmt_audit_text(&o, &v, &c);
	assert_string_equal(o.buf,
		"Listening sockets, most exposed first\n"
		"Exposure        Interface  Proto  Local Address  Service  PID/Program name  Unit\n"
		"all-interfaces  *          tcp    0.0.0.0:22     -        10/sshd,11/sshd   ssh.service\n"
		"loopback        *          udp6   [::1]:53       -        -                 -\n");
	outbuf_free(&o);
	ifname_cache_free(&ifn);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notes_exactly_when),
		cmocka_unit_test(test_no_notes_no_column),
		cmocka_unit_test(test_color_keeps_columns),
		cmocka_unit_test(test_audit_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
