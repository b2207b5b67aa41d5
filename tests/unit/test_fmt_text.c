/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "fmt_fixture.h"
#include "lsock/fmt.h"
#include "output/fmt_text_internal.h"

static char *render(const struct text_layout *p, const struct render_ctx *c, struct outbuf *o)
{
	assert_int_equal(outbuf_init(o, -1), 0);
	fmt_text(o, p, c);
	outbuf_putc(o, '\0');
	return o->buf;
}

/* render(), and the same through owner labels escaped once (the CLI's
 * path), which must write every comm exactly as the cells do. */
static char *render_labeled(const struct text_layout *p, const struct render_ctx *c,
			    struct outbuf *o)
{
	struct render_ctx lc = *c;
	struct owner_labels l;
	struct outbuf lo;

	render(p, c, o);
	assert_int_equal(owner_labels_build(c->owners, &l), 0);
	assert_non_null(l.text);
	lc.labels = &l;
	assert_string_equal(render(p, &lc, &lo), o->buf);
	outbuf_free(&lo);
	owner_labels_free(&l);
	return o->buf;
}

static struct text_layout plan(uint32_t protos, bool programs, bool header)
{
	struct text_layout p = { .header = header, .states = SOCK_STATES_LISTENING,
				 .inet_section = (protos & ~SOCK_PROTO_BIT(SOCK_PROTO_UNIX)) != 0,
				 .unix_section = (protos & SOCK_PROTO_BIT(SOCK_PROTO_UNIX)) != 0 };

	column_list_default_inet(&p.inet_cols, false, programs);
	column_list_default_unix(&p.unix_cols, false, programs);
	return p;
}

static void test_tulpn_layout(void **state)
{
	struct sock_table t;
	struct owner_map m;
	struct outbuf o;
	struct text_layout p = plan(SOCK_PROTO_BIT(SOCK_PROTO_TCP) | SOCK_PROTO_BIT(SOCK_PROTO_UDP), true, true);
	struct render_ctx c = { .table = &t, .owners = &m };

	sock_table_init(&t);
	fx_owners(&m);
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET, "0.0.0.0", 22, "0.0.0.0", 0, 10, 100, 0);
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET6, "::", 80, "::", 0, 10, 200, SOCK_F_V6ONLY_KNOWN);
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET6, "::", 81, "::", 0, 10, 201,
		SOCK_F_V6ONLY_KNOWN | SOCK_F_V6ONLY);
	fx_inet(&t, SOCK_PROTO_UDP, AF_INET, "127.0.0.1", 53, "0.0.0.0", 0, 7, 300, 0);
	assert_string_equal(render(&p, &c, &o),
		"Active Internet connections (only servers)\n"
		"Proto  Recv-Q  Send-Q  Local Address  Foreign Address  State   PID/Program name\n"
		"tcp         0     128  0.0.0.0:22     0.0.0.0:*        LISTEN  10/sshd,11/sshd\n"
		"tcp6        0     128  *:80           [::]:*           LISTEN  -\n"
		"tcp6        0     128  [::]:81        [::]:*           LISTEN  -\n"
		"udp         0       0  127.0.0.1:53   0.0.0.0:*        UNCONN  12/ev\\x1b[1m\\n\\xff\n");
	outbuf_free(&o);
	sock_table_free(&t);
}

static void test_unix_section_and_escapes(void **state)
{
	struct sock_table t;
	struct outbuf o;
	struct text_layout p = plan(SOCK_PROTO_BIT(SOCK_PROTO_UNIX), false, true);
	struct render_ctx c = { .table = &t };
	const char abs_name[] = "\0abs\0x\a";

	sock_table_init(&t);
	fx_unix(&t, SOCK_STREAM, 10, 5, "/run/a b.sock", 13, false);
	fx_unix(&t, SOCK_DGRAM, 7, 6, abs_name, sizeof(abs_name) - 1, true);
	fx_unix(&t, SOCK_SEQPACKET, 1, 77, NULL, 0, false);
	fx_unix(&t, SOCK_STREAM, 10, 8, "/tmp/x\nfake 0 0 LISTEN", 22, false);
	assert_string_equal(render(&p, &c, &o),
		"Active UNIX domain sockets (only servers)\n"
		"Proto  Recv-Q  Send-Q  Type       State        Inode  Path\n"
		"unix        0       0  stream     LISTEN           5  /run/a b.sock\n"
		"unix        0       0  dgram      UNCONN           6  @abs\\x00x\\x07\n"
		"unix        0       0  seqpacket  ESTABLISHED     77  *\n"
		"unix        0       0  stream     LISTEN           8  /tmp/x\\nfake 0 0 LISTEN\n");
	outbuf_free(&o);
	sock_table_free(&t);
}

/* Names chosen by users must not fake columns or owners: spaces are escaped
 * except inside the row's last cell, commas in a comm always. */
static void test_names_cannot_fake_columns(void **state)
{
	static struct owner ov[] = { { .inode = 5, .fd = 3, .proc = 0 } };
	static struct owner_proc pv[] = { { .pid = 7, .comm_len = 14, .comm = "x  /run,9/fake" } };
	struct owner_map m = { .owners = ov, .len = 1, .procs = pv, .nprocs = 1 };
	struct sock_table t;
	struct outbuf o;
	struct text_layout p = plan(SOCK_PROTO_BIT(SOCK_PROTO_UNIX), true, false);
	struct render_ctx c = { .table = &t, .owners = &m };
	char err[64];

	sock_table_init(&t);
	fx_unix(&t, SOCK_STREAM, 10, 5, " /tmp/a  b ", 11, false);
	/* default layout: PID/Program is not last, Path is */
	assert_string_equal(render_labeled(&p, &c, &o),
		"unix  0  0  stream  LISTEN  5  7/x\\x20\\x20/run\\x2c9/fake  \\x20/tmp/a  b\\x20\n");
	outbuf_free(&o);
	/* -o with the path first and the program last */
	p.single_table = true;
	assert_int_equal(column_list_parse("path,program", &p.inet_cols, err, sizeof(err)), 0);
	assert_string_equal(render_labeled(&p, &c, &o),
		"\\x20/tmp/a\\x20\\x20b\\x20  x  /run\\x2c9/fake\n");
	outbuf_free(&o);
	sock_table_free(&t);
}

/*
 * No cell is ever empty, so `awk` sees as many fields on every row: "*" for
 * an unnamed UNIX socket, "-" for a value the socket has not (no inode, no
 * path); an empty process name is "", and names that would read as those
 * placeholders are escaped.
 */
static void test_no_empty_cells(void **state)
{
	static struct owner ov[] = {
		{ .inode = 5, .fd = 3, .proc = 0 },
		{ .inode = 6, .fd = 3, .proc = 1 },
		{ .inode = 7, .fd = 3, .proc = 2 },
	};
	static struct owner_proc pv[] = {
		{ .pid = 7, .comm_len = 0, .comm = "" },
		{ .pid = 8, .comm_len = 1, .comm = "*" },
		{ .pid = 9, .comm_len = 2, .comm = "\"\"" },
	};
	struct owner_map m = { .owners = ov, .len = 3, .procs = pv, .nprocs = 3 };
	struct sock_table t;
	struct outbuf o;
	struct text_layout p = { .inet_section = true, .unix_section = true, .single_table = true };
	struct render_ctx c = { .table = &t, .owners = &m };
	char err[64];

	sock_table_init(&t);
	fx_unix(&t, SOCK_STREAM, 1, 5, NULL, 0, false);
	fx_unix(&t, SOCK_STREAM, 10, 6, "*", 1, false);
	fx_unix(&t, SOCK_DGRAM, 7, 7, "\"\"", 2, false);
	fx_unix(&t, SOCK_DGRAM, 7, 8, "\0", 1, true);
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET, "127.0.0.1", 80, "127.0.0.1", 4000, 6, 0, 0);
	assert_int_equal(column_list_parse("path,program,pid,owners,local,inode,state", &p.inet_cols,
					   err, sizeof(err)), 0);
	assert_string_equal(render_labeled(&p, &c, &o),
		"*         \"\"        7  7/\"\"        *             5  ESTABLISHED\n"
		"\\x2a      \\x2a      8  8/\\x2a      \\x2a          6  LISTEN\n"
		"\\x22\\x22  \\x22\\x22  9  9/\\x22\\x22  \\x22\\x22      7  UNCONN\n"
		"@         -         -  -           @             8  UNCONN\n"
		"-         -         -  -           127.0.0.1:80  -  TIME_WAIT\n");
	outbuf_free(&o);
	/* A name last on the row too: an unnamed socket's Path is "*". */
	assert_int_equal(column_list_parse("inode,path", &p.inet_cols, err, sizeof(err)), 0);
	assert_string_equal(render_labeled(&p, &c, &o),
		"5  *\n6  \\x2a\n7  \\x22\\x22\n8  @\n-  -\n");
	outbuf_free(&o);
	sock_table_free(&t);
}

static void test_no_header_empty_prints_nothing(void **state)
{
	struct sock_table t;
	struct outbuf o;
	struct text_layout p = plan(SOCK_PROTOS_ALL, false, false);
	struct render_ctx c = { .table = &t };

	sock_table_init(&t);
	assert_string_equal(render(&p, &c, &o), "");
	outbuf_free(&o);
	p.header = true;
	/* With headers, an empty result still shows both sections' headers, as netstat. */
	assert_non_null(strstr(render(&p, &c, &o), "Active UNIX domain sockets"));
	outbuf_free(&o);
	sock_table_free(&t);
}

static void test_columns_option(void **state)
{
	struct sock_table t;
	struct outbuf o;
	struct text_layout p = { .inet_section = true, .unix_section = true, .header = false,
				 .single_table = true };
	struct render_ctx c = { .table = &t };
	char err[64];

	assert_int_equal(column_list_parse("state,local,inode,path", &p.inet_cols, err, sizeof(err)), 0);
	sock_table_init(&t);
	fx_inet(&t, SOCK_PROTO_TCP, AF_INET, "10.0.0.1", 443, "10.0.0.2", 5555, 1, 42, 0);
	fx_unix(&t, SOCK_STREAM, 10, 5, "/s", 2, false);
	assert_string_equal(render(&p, &c, &o),
		"ESTABLISHED  10.0.0.1:443  42  -\n"
		"LISTEN       /s             5  /s\n");
	outbuf_free(&o);
	assert_int_equal(column_list_parse("state,bogus", &p.inet_cols, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown column 'bogus' in --columns (see lsock --help)");
	sock_table_free(&t);
}

/* The two passes of one section over t, keeping at most budget bytes of
 * cells between them; rows with SOCK_F_FITTED were fitted before. */
static char *two_passes(const struct text_layout *p, const struct render_ctx *c, size_t budget,
			struct outbuf *o, size_t *ret_kept)
{
	size_t widths[COLUMNS_MAX + 1];
	struct text_scratch s;

	assert_int_equal(text_scratch_init(&s), 0);
	s.budget = budget;
	assert_int_equal(outbuf_init(o, -1), 0);
	text_widths_init(p, &p->unix_cols, widths);
	text_widths_fit(p, c, &p->unix_cols, 1, widths, &s, true);
	*ret_kept = s.nrows;
	text_rows(o, p, c, &p->unix_cols, 1, widths, &s);
	assert_int_equal(text_scratch_error(&s), 0);
	text_scratch_free(&s);
	text_scratch_free(&s); /* twice is fine (the CLI's error path) */
	outbuf_putc(o, '\0');
	return o->buf;
}

/* The row pass prints what the width pass kept, byte for byte as if it
 * rendered each cell again: with nothing kept, all kept, and the budget
 * running out mid-table; with rows fitted earlier (skipped by the width
 * pass, rendered by the row pass) among them, and multibyte names. */
static void test_kept_cells_same_bytes(void **state)
{
	struct text_layout p = plan(SOCK_PROTO_BIT(SOCK_PROTO_UNIX), true, true);
	struct owner_map m;
	struct render_ctx c;
	struct sock_table t;
	struct outbuf ref, o;
	size_t i, kept;
	char name[64];

	(void)state;
	fx_owners(&m);
	c = (struct render_ctx){ .table = &t, .owners = &m };
	sock_table_init(&t);
	for (i = 0; i < 3000; i++) {
		int n = snprintf(name, sizeof(name), "/run/s\xc3\xa9%zu%s", i * 7919 % 100003,
				 i % 5 ? "" : " x");

		fx_unix(&t, i % 3 ? SOCK_STREAM : SOCK_DGRAM, i % 2 ? 10 : 1,
			i % 4 ? 100 + (uint32_t)i : 300, name, (size_t)n, false);
		if (i % 11 == 0)
			t.entries[t.len - 1].flags |= SOCK_F_FITTED;
	}
	two_passes(&p, &c, 0, &ref, &kept);
	assert_int_equal(kept, 0);
	assert_non_null(strstr(ref.buf, "/run/s\xc3\xa9"));
	assert_string_equal(two_passes(&p, &c, SIZE_MAX, &o, &kept), ref.buf);
	assert_int_equal(kept, 3000 - 273); /* every row but the fitted ones */
	outbuf_free(&o);
	assert_string_equal(two_passes(&p, &c, 20000, &o, &kept), ref.buf);
	assert_true(kept > 0 && kept < 1000);
	outbuf_free(&o);
	outbuf_free(&ref);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tulpn_layout),
		cmocka_unit_test(test_kept_cells_same_bytes),
		cmocka_unit_test(test_unix_section_and_escapes),
		cmocka_unit_test(test_names_cannot_fake_columns),
		cmocka_unit_test(test_no_empty_cells),
		cmocka_unit_test(test_no_header_empty_prints_nothing),
		cmocka_unit_test(test_columns_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
