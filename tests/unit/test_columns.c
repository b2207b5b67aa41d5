/* SPDX-License-Identifier: MIT */
/*
 * The column table (src/output/columns.c) and its value functions
 * (column_cells.c): the table is complete, -o and --sort parse against it,
 * --help lists it, every cell renders what lsock(8) documents, and the JSON
 * socket object has its keys in the table's (the schema's) order.
 *
 * No syscalls: the interface names, user names and services are put into
 * their caches by hand, so no lookup ever reaches the system.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fmt_fixture.h"
#include "lsock/columns.h"
#include "lsock/ifnames.h"
#include "lsock/services.h"
#include "lsock/users.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool has_control_bytes(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

/* ---- the table ---------------------------------------------------------- */

static void test_table_complete(void **state)
{
	size_t id, j;

	assert_null(column_get(_COL_MAX));
	assert_null(column_get((enum column_id)-1));
	for (id = 0; id < _COL_MAX; id++) {
		const struct column *c = column_get((enum column_id)id);
		const char *p;

		assert_non_null(c);
		assert_non_null(c->name);
		assert_non_null(c->header);
		assert_non_null(c->help);
		assert_true(c->name[0] && c->header[0] && c->help[0]);
		/* -o and --sort words: lowercase, digits and '_' only */
		for (p = c->name; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
		/* --help, lsock(8) and the completions show the help as one line */
		assert_null(strchr(c->help, '\n'));
		assert_false(has_control_bytes(c->help) || has_control_bytes(c->header));
		assert_true(c->align == ALIGN_LEFT || c->align == ALIGN_RIGHT);
		assert_non_null(c->text);
		assert_non_null(c->cmp);
		assert_int_equal(c->needs & ~(unsigned)(NEED_OWNERS | NEED_SERVICES | NEED_USERS |
							 NEED_NETNS | NEED_UNITS | NEED_EXT_ALL), 0);
		assert_int_equal(c->cmp_needs & ~(unsigned)(NEED_OWNERS | NEED_SERVICES | NEED_USERS |
							     NEED_NETNS | NEED_EXT_ALL), 0);
		if (c->json_type == JSON_TYPE_NONE) {
			assert_null(c->json_key);
			assert_null(c->json);
			assert_int_equal(c->json_needs, 0);
		} else {
			assert_non_null(c->json_key);
			assert_true(c->json_key[0]);
			assert_non_null(c->json);
			assert_true(c->json_type <= JSON_TYPE_ARRAY);
			assert_int_not_equal(c->json_applies, 0);
			assert_int_equal(c->json_applies & ~(unsigned)APPLIES_ALL, 0);
		}
		for (j = 0; j < id; j++) {
			const struct column *o = column_get((enum column_id)j);

			assert_string_not_equal(c->name, o->name);
			if (c->json_key && o->json_key)
				assert_string_not_equal(c->json_key, o->json_key);
		}
	}
	/* What the columns need to read, they need collected. */
	assert_int_equal(column_get(COL_OWNERS)->needs, NEED_OWNERS);
	assert_int_equal(column_get(COL_PID)->cmp_needs, NEED_OWNERS);
	assert_int_equal(column_get(COL_PROGRAM)->cmp_needs, NEED_OWNERS);
	assert_int_equal(column_get(COL_USER)->needs, NEED_USERS);
	assert_int_equal(column_get(COL_LOCAL)->needs, NEED_SERVICES);
	assert_int_equal(column_get(COL_OWNERS)->json_needs, NEED_OWNERS);
	assert_int_equal(column_json_needs(), NEED_OWNERS | NEED_NETNS | NEED_EXT_ALL);
	/* Each extension is one column's need: -o, -i, -m, -e select them. */
	assert_int_equal(column_get(COL_TIMER)->needs, NEED_TIMERS);
	assert_int_equal(column_get(COL_TCP_INFO)->needs, NEED_TCP_INFO);
	assert_int_equal(column_get(COL_SKMEM)->needs, NEED_SKMEM);
	assert_int_equal(column_get(COL_SHUTDOWN)->needs, NEED_SHUTDOWN);
	assert_int_equal(column_get(COL_VFS)->needs, NEED_UNIX_VFS);
	assert_int_equal(column_get(COL_PENDING)->needs, NEED_UNIX_ICONS);
	assert_int_equal(column_get(COL_PEER_OWNERS)->json_needs, NEED_OWNERS);
}

/* ---- -o ------------------------------------------------------------------ */

static void test_list_parse_every_name(void **state)
{
	struct column_list l;
	char err[64];
	size_t id;

	for (id = 0; id < _COL_MAX; id++) {
		assert_int_equal(column_list_parse(column_get((enum column_id)id)->name, &l, err,
						   sizeof(err)), 0);
		assert_int_equal(l.len, 1);
		assert_int_equal(l.ids[0], id);
	}
	assert_int_equal(column_list_parse("path,proto,path", &l, err, sizeof(err)), 0);
	assert_int_equal(l.len, 3);
	assert_int_equal(l.ids[0], COL_PATH);
	assert_int_equal(l.ids[1], COL_PROTO);
	assert_int_equal(l.ids[2], COL_PATH);
	assert_int_equal(column_list_needs(&l), 0);
	assert_int_equal(column_list_parse("user,program,local", &l, err, sizeof(err)), 0);
	assert_int_equal(column_list_needs(&l), NEED_USERS | NEED_OWNERS | NEED_SERVICES);
}

static void test_list_parse_unknown(void **state)
{
	static const struct {
		const char *spec;
		const char *shown; /* the name in err */
	} cases[] = {
		{ "nope", "nope" },
		{ "proto,nope,local", "nope" },
		{ "Proto", "Proto" },          /* names are case-sensitive */
		{ "proto ", "proto " },
		{ "", "" },                    /* an empty list */
		{ "proto,", "" },              /* an empty name */
		{ ",proto", "" },
		{ "lport", "lport" },          /* a sort alias, not a column */
		{ "local,\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07" },
		{ "a\nb", "a\\nb" },
		{ "\xff\xfe", "\\xff\\xfe" },
		{ "gr\xc3\xbc\xc3\x9f", "gr\xc3\xbc\xc3\x9f" }, /* valid UTF-8 stays */
		{ "\x1b[2J\r", "\\x1b[2J\\r" },
	};
	struct column_list l = { .len = 3 };
	char err[128], want[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(err, 'X', sizeof(err));
		l.len = 7;
		assert_int_equal(column_list_parse(cases[i].spec, &l, err, sizeof(err)), -EINVAL);
		/* The whole message is written where the error is found. */
		snprintf(want, sizeof(want), "unknown column '%s' in --columns (see lsock --help)",
			 cases[i].shown);
		assert_string_equal(err, want);
		assert_int_equal(l.len, 0);
	}
}

/* A long hostile name is cut, never split inside an escape, and stays one line. */
static void test_list_parse_long_name(void **state)
{
	static const char head[] = "unknown column '";
	static const char tail[] = "...' in --columns (see lsock --help)";
	char spec[400], err[160];
	struct column_list l;
	size_t n, k = sizeof(head) - 1;

	memset(spec, '\x1b', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = '\0';
	assert_int_equal(column_list_parse(spec, &l, err, sizeof(err)), -EINVAL);
	n = strlen(err);
	assert_true(n < sizeof(err));
	assert_false(has_control_bytes(err));
	assert_memory_equal(err, head, k);
	assert_memory_equal(err + k, "\\x1b\\x1b", 8);
	assert_true(n > k + sizeof(tail) - 1);
	assert_string_equal(err + n - (sizeof(tail) - 1), tail);
	/* whole escapes, then the dots */
	assert_int_equal((n - k - (sizeof(tail) - 1)) % 4, 0);
}

static void build_list(char *buf, size_t n_names)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n_names; i++)
		strcat(buf, i ? ",inode" : "inode");
}

static void test_list_parse_limit(void **state)
{
	char spec[COLUMNS_MAX * 8 + 16], err[64];
	struct column_list l;

	build_list(spec, COLUMNS_MAX);
	assert_int_equal(column_list_parse(spec, &l, err, sizeof(err)), 0);
	assert_int_equal(l.len, COLUMNS_MAX);
	build_list(spec, COLUMNS_MAX + 1);
	l.len = 5;
	assert_int_equal(column_list_parse(spec, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "too many columns"));
	assert_int_equal(l.len, 0);
}

static void test_default_layouts(void **state)
{
	static const enum column_id inet[] = { COL_PROTO, COL_RECV_Q, COL_SEND_Q, COL_LOCAL,
					       COL_REMOTE, COL_STATE, COL_USER, COL_INODE,
					       COL_OWNERS };
	static const enum column_id unix_[] = { COL_PROTO, COL_RECV_Q, COL_SEND_Q, COL_TYPE,
						COL_STATE, COL_USER, COL_INODE, COL_OWNERS,
						COL_PATH };
	struct column_list l;

	/* netstat -tulpne */
	column_list_default_inet(&l, true, true);
	assert_int_equal(l.len, ARRAY_SIZE(inet));
	assert_memory_equal(l.ids, inet, sizeof(inet));
	column_list_default_inet(&l, false, false);
	assert_int_equal(l.len, 6);
	assert_int_equal(column_list_needs(&l), NEED_SERVICES);
	/* netstat -xpe: the path stays last */
	column_list_default_unix(&l, true, true);
	assert_int_equal(l.len, ARRAY_SIZE(unix_));
	assert_memory_equal(l.ids, unix_, sizeof(unix_));
	column_list_default_unix(&l, false, false);
	assert_int_equal(l.len, 7);
	assert_int_equal(l.ids[5], COL_INODE);
	assert_int_equal(l.ids[6], COL_PATH);
	assert_int_equal(column_list_needs(&l), 0);
}

/* ---- --sort -------------------------------------------------------------- */

static void test_sort_parse_every_key(void **state)
{
	static const struct {
		const char *name;
		sort_cmp_fn cmp;
	} aliases[] = {
		{ "lport", sort_cmp_lport },
		{ "rport", sort_cmp_rport },
		{ "queue", sort_cmp_queue },
	};
	struct sort_spec s;
	unsigned needs;
	char err[64], word[32];
	size_t id, i;

	for (id = 0; id < _COL_MAX; id++) {
		const struct column *c = column_get((enum column_id)id);

		needs = 99;
		assert_int_equal(column_sort_parse(c->name, &s, &needs, err, sizeof(err)), 0);
		assert_int_equal(s.len, 1);
		assert_ptr_equal(s.keys[0].cmp, c->cmp);
		assert_false(s.keys[0].reverse);
		assert_int_equal(needs, c->cmp_needs);
		snprintf(word, sizeof(word), "-%s", c->name);
		assert_int_equal(column_sort_parse(word, &s, &needs, err, sizeof(err)), 0);
		assert_int_equal(s.len, 1);
		assert_ptr_equal(s.keys[0].cmp, c->cmp);
		assert_true(s.keys[0].reverse);
	}
	for (i = 0; i < ARRAY_SIZE(aliases); i++) {
		assert_int_equal(column_sort_parse(aliases[i].name, &s, &needs, err, sizeof(err)), 0);
		assert_int_equal(s.len, 1);
		assert_ptr_equal(s.keys[0].cmp, aliases[i].cmp);
		assert_int_equal(needs, 0);
	}
	/* the keys people sort by, with what they need collected */
	assert_int_equal(column_sort_parse("path", &s, &needs, err, sizeof(err)), 0);
	assert_ptr_equal(s.keys[0].cmp, sort_cmp_path);
	assert_int_equal(column_sort_parse("type", &s, &needs, err, sizeof(err)), 0);
	assert_ptr_equal(s.keys[0].cmp, sort_cmp_type);
	assert_int_equal(column_sort_parse("user", &s, &needs, err, sizeof(err)), 0);
	assert_ptr_equal(s.keys[0].cmp, sort_cmp_user);
	assert_int_equal(needs, NEED_USERS);
	assert_int_equal(column_sort_parse("pid", &s, &needs, err, sizeof(err)), 0);
	assert_int_equal(needs, NEED_OWNERS);
	assert_int_equal(column_sort_parse("program", &s, &needs, err, sizeof(err)), 0);
	assert_int_equal(needs, NEED_OWNERS);
	assert_int_equal(column_sort_parse("owners", &s, &needs, err, sizeof(err)), 0);
	assert_int_equal(needs, NEED_OWNERS);
	/* sorting by the local address needs no services database */
	assert_int_equal(column_sort_parse("local", &s, &needs, err, sizeof(err)), 0);
	assert_int_equal(needs, 0);

	assert_int_equal(column_sort_parse("-user,lport,-queue,program", &s, &needs, err,
					   sizeof(err)), 0);
	assert_int_equal(s.len, 4);
	assert_ptr_equal(s.keys[0].cmp, sort_cmp_user);
	assert_true(s.keys[0].reverse);
	assert_ptr_equal(s.keys[1].cmp, sort_cmp_lport);
	assert_false(s.keys[1].reverse);
	assert_ptr_equal(s.keys[2].cmp, sort_cmp_queue);
	assert_true(s.keys[2].reverse);
	assert_ptr_equal(s.keys[3].cmp, sort_cmp_program);
	assert_int_equal(needs, NEED_USERS | NEED_OWNERS);
}

static void test_sort_parse_errors(void **state)
{
	static const struct {
		const char *spec;
		const char *shown;
	} cases[] = {
		{ "nope", "nope" },
		{ "inode,nope", "nope" },
		{ "-nope", "nope" },
		{ "-", "" },
		{ "--inode", "-inode" },
		{ "", "" },
		{ "inode,", "" },
		{ "+inode", "+inode" },
		{ "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07" },
		{ "-x\ny\xff", "x\\ny\\xff" },
	};
	struct sort_spec s;
	unsigned needs;
	char err[128], want[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s.len = 3;
		needs = 3;
		memset(err, 'X', sizeof(err));
		assert_int_equal(column_sort_parse(cases[i].spec, &s, &needs, err, sizeof(err)),
				 -EINVAL);
		snprintf(want, sizeof(want), "unknown sort key '%s' (see lsock --help)", cases[i].shown);
		assert_string_equal(err, want);
		assert_int_equal(s.len, 0);
		assert_int_equal(needs, 0);
	}
}

static void test_sort_parse_limit(void **state)
{
	char spec[SORT_KEYS_MAX * 8 + 16], err[64];
	struct sort_spec s;
	unsigned needs;

	build_list(spec, SORT_KEYS_MAX);
	assert_int_equal(column_sort_parse(spec, &s, &needs, err, sizeof(err)), 0);
	assert_int_equal(s.len, SORT_KEYS_MAX);
	build_list(spec, SORT_KEYS_MAX + 1);
	assert_int_equal(column_sort_parse(spec, &s, &needs, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "too many sort keys"));
	assert_int_equal(s.len, 0);
}

/* ---- --help -------------------------------------------------------------- */

static void test_help_lists_every_column(void **state)
{
	struct outbuf o;
	char line[256];
	size_t id, lines = 0, width = 0;
	const char *p;

	assert_int_equal(outbuf_init(&o, -1), 0);
	column_help(&o);
	assert_int_equal(outbuf_error(&o), 0);
	for (p = o.buf; *p; p++)
		lines += *p == '\n';
	/* a title, one line per column, the sort keys */
	assert_int_equal(lines, _COL_MAX + 2);
	assert_int_equal(o.buf[o.len - 1], '\n');
	assert_memory_equal(o.buf, "Columns (", 9);
	for (id = 0; id < _COL_MAX; id++)
		if (strlen(column_get((enum column_id)id)->name) > width)
			width = strlen(column_get((enum column_id)id)->name);
	for (id = 0; id < _COL_MAX; id++) {
		const struct column *c = column_get((enum column_id)id);
		size_t n = strlen(c->name);

		/* "  name   help": the descriptions line up one space after the
		 * longest name (peer_owners), so every name has a space after */
		snprintf(line, sizeof(line), "\n  %s%*s%s\n", c->name, (int)(width + 1 - n), "",
			 c->help);
		assert_non_null(strstr(o.buf, line));
	}
	assert_int_equal(width, strlen("peer_owners"));
	assert_non_null(strstr(o.buf, "\n  pid         PIDs of the owning processes\n"));
	assert_non_null(strstr(o.buf, "\n  peer_owners processes holding the connected UNIX peer"));
	assert_non_null(strstr(o.buf, "Sort keys: the column names, plus lport, rport and queue; "
				      "prefix '-' to reverse.\n"));
	outbuf_free(&o);
}

/* ---- cells --------------------------------------------------------------- */

struct cells {
	struct sock_table t;
	struct owner_map m;
	struct services svc;
	struct user_cache users;
	struct user_cache_entry user_v[2];
	struct ifname_cache ifn;
	struct ifname_cache_entry ifn_v[4];
	struct render_ctx ctx;
};

/* A context whose caches answer every lookup the entries below make. */
static void cells_init(struct cells *c)
{
	memset(c, 0, sizeof(*c));
	sock_table_init(&c->t);
	fx_owners(&c->m);
	assert_int_equal(services_add(&c->svc, 22, 0, "ssh"), 0);
	assert_int_equal(services_add(&c->svc, 53, 1, "domain"), 0);
	services_sort(&c->svc);
	c->user_v[0] = (struct user_cache_entry){ .uid = 1000, .name = "alice" };
	c->user_v[1] = (struct user_cache_entry){ .uid = 4242, .name = "" }; /* no such user */
	c->users = (struct user_cache){ .v = c->user_v, .len = 2, .cap = 2 };
	c->ifn_v[0] = (struct ifname_cache_entry){ .ifindex = 1, .name = "lo" };
	c->ifn_v[1] = (struct ifname_cache_entry){ .ifindex = 2, .name = "eth0" };
	c->ifn_v[2] = (struct ifname_cache_entry){ .ifindex = 7, .name = "" }; /* gone */
	c->ifn_v[3] = (struct ifname_cache_entry){ .ifindex = 9, .name = "e\x1bv l" };
	c->ifn = (struct ifname_cache){ .v = c->ifn_v, .len = 4, .cap = 4 };
	c->ctx = (struct render_ctx){ .table = &c->t, .owners = &c->m, .services = &c->svc,
				      .users = &c->users, .ifnames = &c->ifn };
}

static void cells_free(struct cells *c)
{
	/* nothing was looked up that was not in the caches */
	assert_int_equal(c->ifn.len, 4);
	assert_int_equal(c->users.len, 2);
	services_free(&c->svc);
	sock_table_free(&c->t);
}

static const char *cell(const struct render_ctx *ctx, enum column_id id, size_t row, bool last)
{
	static char buf[512];
	struct outbuf o;

	assert_int_equal(outbuf_init(&o, -1), 0);
	column_get(id)->text(ctx, &ctx->table->entries[row], last, &o);
	assert_int_equal(outbuf_error(&o), 0);
	assert_true(o.len > 0 && o.len < sizeof(buf));
	memcpy(buf, o.buf, o.len + 1);
	outbuf_free(&o);
	return buf;
}

static void add_entry(struct sock_table *t, const struct sock_entry *e, const char *name,
		      size_t len)
{
	assert_int_equal(sock_table_add(t, e, name, len), 0);
}

static struct sock_entry inet(uint8_t proto, uint8_t family, const char *l, uint16_t lport,
			      const char *r, uint16_t rport, uint8_t state)
{
	struct sock_entry e = {
		.family = family, .proto = proto, .state = state, .lport = lport, .rport = rport,
		.type = proto == SOCK_PROTO_TCP ? SOCK_STREAM : SOCK_DGRAM, .uid = 1000,
		.inode = 100, .cookie = 77, .rqueue = 3, .wqueue = 128, .source = SOCK_SOURCE_NETLINK,
		.flags = SOCK_F_UID_KNOWN | SOCK_F_QUEUES_KNOWN | SOCK_F_COOKIE_KNOWN |
			 SOCK_F_IFINDEX_KNOWN,
	};

	assert_int_equal(inet_pton(family, l, e.laddr), 1);
	assert_int_equal(inet_pton(family, r, e.raddr), 1);
	return e;
}

static void test_cells_inet(void **state)
{
	struct cells c;
	struct sock_entry e;
	const struct render_ctx *x = &c.ctx;

	cells_init(&c);
	/* 0: a TCP listener on a service port, netlink, not bound to a device */
	e = inet(SOCK_PROTO_TCP, AF_INET, "0.0.0.0", 22, "0.0.0.0", 0, SOCK_STATE_LISTEN);
	add_entry(&c.t, &e, NULL, 0);
	/* 1: bound to lo (SO_BINDTODEVICE): the scope shows in Local Address */
	e = inet(SOCK_PROTO_TCP, AF_INET, "127.0.0.1", 2408, "127.0.0.1", 22,
		 SOCK_STATE_ESTABLISHED);
	e.ifindex = 1;
	e.inode = 300;
	add_entry(&c.t, &e, NULL, 0);
	/* 2: UDP on fe80:: bound to eth0, dns */
	e = inet(SOCK_PROTO_UDP, AF_INET6, "fe80::1", 53, "::", 0, SOCK_STATE_CLOSE);
	e.ifindex = 2;
	e.flags |= SOCK_F_V6ONLY_KNOWN | SOCK_F_V6ONLY;
	e.uid = 4242;
	add_entry(&c.t, &e, NULL, 0);
	/* 3: bound to a device that is gone since the dump */
	e = inet(SOCK_PROTO_TCP, AF_INET6, "::", 80, "::", 0, SOCK_STATE_LISTEN);
	e.ifindex = 7;
	e.flags |= SOCK_F_V6ONLY_KNOWN;
	add_entry(&c.t, &e, NULL, 0);
	/* 4: from /proc: no ifindex, cookie, v6only; a hostile device name
	 * would not show since the index is not known */
	e = inet(SOCK_PROTO_RAW, AF_INET, "10.0.0.1", 1, "0.0.0.0", 0, SOCK_STATE_CLOSE);
	e.flags = SOCK_F_UID_KNOWN | SOCK_F_QUEUES_KNOWN;
	e.ifindex = 9;
	e.source = SOCK_SOURCE_PROC;
	e.inode = 0;
	add_entry(&c.t, &e, NULL, 0);
	/* 5: bound to a device whose name holds an escape and a space */
	e = inet(SOCK_PROTO_UDP, AF_INET, "127.0.0.1", 5353, "0.0.0.0", 0, SOCK_STATE_CLOSE);
	e.ifindex = 9;
	add_entry(&c.t, &e, NULL, 0);

	assert_string_equal(cell(x, COL_PROTO, 0, false), "tcp");
	assert_string_equal(cell(x, COL_PROTO, 2, false), "udp6");
	assert_string_equal(cell(x, COL_PROTO, 4, false), "raw");
	assert_string_equal(cell(x, COL_FAMILY, 0, false), "inet");
	assert_string_equal(cell(x, COL_FAMILY, 3, false), "inet6");
	assert_string_equal(cell(x, COL_TYPE, 0, false), "stream");
	assert_string_equal(cell(x, COL_TYPE, 2, false), "dgram");
	assert_string_equal(cell(x, COL_STATE, 0, false), "LISTEN");
	assert_string_equal(cell(x, COL_STATE, 2, false), "UNCONN");
	assert_string_equal(cell(x, COL_RECV_Q, 0, false), "3");
	assert_string_equal(cell(x, COL_SEND_Q, 0, false), "128");

	/* Local/Foreign Address: services, the %dev scope, ports */
	assert_string_equal(cell(x, COL_LOCAL, 0, false), "0.0.0.0:ssh");
	assert_string_equal(cell(x, COL_REMOTE, 0, false), "0.0.0.0:*");
	assert_string_equal(cell(x, COL_LOCAL, 1, false), "127.0.0.1%lo:2408");
	assert_string_equal(cell(x, COL_REMOTE, 1, false), "127.0.0.1:ssh"); /* no scope remote */
	assert_string_equal(cell(x, COL_LOCAL, 2, false), "[fe80::1]%eth0:domain");
	assert_string_equal(cell(x, COL_REMOTE, 2, false), "[::]:*");
	assert_string_equal(cell(x, COL_LOCAL, 3, false), "*:80"); /* dual-stack [::] */
	assert_string_equal(cell(x, COL_LOCAL, 4, false), "10.0.0.1:1"); /* raw: protocol, no service */
	assert_string_equal(cell(x, COL_LOCAL, 5, false), "127.0.0.1%e\\x1bv\\x20l:5353");
	/* -n: no services */
	c.ctx.services = NULL;
	assert_string_equal(cell(x, COL_LOCAL, 0, false), "0.0.0.0:22");
	assert_string_equal(cell(x, COL_LOCAL, 2, false), "[fe80::1]%eth0:53");
	c.ctx.services = &c.svc;

	/* Interface: name, gone (the index), unbound, unknown */
	assert_string_equal(cell(x, COL_INTERFACE, 0, false), "*");
	assert_string_equal(cell(x, COL_INTERFACE, 1, false), "lo");
	assert_string_equal(cell(x, COL_INTERFACE, 2, false), "eth0");
	assert_string_equal(cell(x, COL_INTERFACE, 3, false), "7");
	assert_string_equal(cell(x, COL_INTERFACE, 4, false), "-");
	assert_string_equal(cell(x, COL_INTERFACE, 5, false), "e\\x1bv\\x20l");
	assert_string_equal(cell(x, COL_INTERFACE, 5, true), "e\\x1bv l");
	/* no cache at all: nothing is looked up, the scope goes */
	c.ctx.ifnames = NULL;
	assert_string_equal(cell(x, COL_LOCAL, 1, false), "127.0.0.1:2408");
	assert_string_equal(cell(x, COL_INTERFACE, 1, false), "1");
	c.ctx.ifnames = &c.ifn;

	assert_string_equal(cell(x, COL_V6ONLY, 0, false), "-"); /* IPv4 */
	assert_string_equal(cell(x, COL_V6ONLY, 2, false), "1");
	assert_string_equal(cell(x, COL_V6ONLY, 3, false), "0");
	assert_string_equal(cell(x, COL_UID, 0, false), "1000");
	assert_string_equal(cell(x, COL_USER, 0, false), "alice");
	assert_string_equal(cell(x, COL_USER, 2, false), "4242"); /* no name */
	c.ctx.users = NULL; /* -n */
	assert_string_equal(cell(x, COL_USER, 0, false), "1000");
	c.ctx.users = &c.users;
	assert_string_equal(cell(x, COL_INODE, 0, false), "100");
	assert_string_equal(cell(x, COL_INODE, 4, false), "-"); /* inode 0: none (issue 9) */
	assert_string_equal(cell(x, COL_COOKIE, 0, false), "77");
	assert_string_equal(cell(x, COL_COOKIE, 4, false), "-");
	assert_string_equal(cell(x, COL_SOURCE, 0, false), "netlink");
	assert_string_equal(cell(x, COL_SOURCE, 4, false), "proc");
	assert_string_equal(cell(x, COL_PATH, 0, false), "-");
	assert_string_equal(cell(x, COL_PEER, 0, false), "-");

	/* Owners: inode 100 is held by 10/sshd and 11/sshd (two fds, one
	 * owner), 300 by a hostile comm; inode 0 by nobody. */
	assert_string_equal(cell(x, COL_OWNERS, 0, false), "10/sshd,11/sshd");
	assert_string_equal(cell(x, COL_PID, 0, false), "10,11");
	assert_string_equal(cell(x, COL_PROGRAM, 0, false), "sshd,sshd");
	assert_string_equal(cell(x, COL_OWNERS, 1, false), "12/ev\\x1b[1m\\n\\xff");
	assert_string_equal(cell(x, COL_OWNERS, 4, false), "-");
	assert_string_equal(cell(x, COL_PID, 4, false), "-");
	assert_string_equal(cell(x, COL_PROGRAM, 4, false), "-");
	c.ctx.owners = NULL; /* not collected */
	assert_string_equal(cell(x, COL_OWNERS, 0, false), "-");
	cells_free(&c);
}

static void test_cells_unix(void **state)
{
	static const char abs_name[] = "\0ab c\x1b";
	struct cells c;
	const struct render_ctx *x = &c.ctx;
	struct sock_entry e = { .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .type = SOCK_STREAM,
				.state = SOCK_STATE_LISTEN, .inode = 100, .uid = 1000,
				.rqueue = 1, .wqueue = 2, .source = SOCK_SOURCE_NETLINK,
				.flags = SOCK_F_QUEUES_KNOWN | SOCK_F_UID_KNOWN | SOCK_F_PEER_KNOWN |
					 SOCK_F_HAS_PATH };

	cells_init(&c);
	/* 0: a path with a space; 1: abstract; 2: unnamed, connected, /proc; 3: "-" */
	add_entry(&c.t, &e, "/run/a b", 8);
	e.flags |= SOCK_F_ABSTRACT;
	e.type = SOCK_SEQPACKET;
	add_entry(&c.t, &e, abs_name, sizeof(abs_name) - 1);
	e = (struct sock_entry){ .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .type = SOCK_DGRAM,
				 .state = SOCK_STATE_ESTABLISHED, .inode = 5, .peer_inode = 6,
				 .source = SOCK_SOURCE_PROC, .flags = SOCK_F_PEER_KNOWN };
	add_entry(&c.t, &e, NULL, 0);
	e.flags = SOCK_F_HAS_PATH;
	add_entry(&c.t, &e, "-", 1);

	assert_string_equal(cell(x, COL_PROTO, 0, false), "unix");
	assert_string_equal(cell(x, COL_FAMILY, 0, false), "unix");
	assert_string_equal(cell(x, COL_TYPE, 0, false), "stream");
	assert_string_equal(cell(x, COL_TYPE, 1, false), "seqpacket");
	assert_string_equal(cell(x, COL_TYPE, 2, false), "dgram");
	assert_string_equal(cell(x, COL_STATE, 2, false), "ESTABLISHED");
	assert_string_equal(cell(x, COL_RECV_Q, 0, false), "1");
	assert_string_equal(cell(x, COL_SEND_Q, 0, false), "2");
	assert_string_equal(cell(x, COL_RECV_Q, 2, false), "-");
	/* the path: inner spaces only in the last column */
	assert_string_equal(cell(x, COL_PATH, 0, true), "/run/a b");
	assert_string_equal(cell(x, COL_PATH, 0, false), "/run/a\\x20b");
	assert_string_equal(cell(x, COL_PATH, 1, true), "@ab c\\x1b");
	assert_string_equal(cell(x, COL_PATH, 3, true), "\\x2d");
	assert_string_equal(cell(x, COL_LOCAL, 0, false), "/run/a\\x20b");
	assert_string_equal(cell(x, COL_LOCAL, 1, false), "@ab\\x20c\\x1b");
	assert_string_equal(cell(x, COL_LOCAL, 2, false), "*");
	assert_string_equal(cell(x, COL_REMOTE, 0, false), "*");   /* no peer */
	assert_string_equal(cell(x, COL_REMOTE, 2, false), "6");
	assert_string_equal(cell(x, COL_PEER, 2, false), "6");
	assert_string_equal(cell(x, COL_V6ONLY, 0, false), "-");
	assert_string_equal(cell(x, COL_INTERFACE, 0, false), "-");
	assert_string_equal(cell(x, COL_UID, 2, false), "-");
	assert_string_equal(cell(x, COL_USER, 2, false), "-");
	assert_string_equal(cell(x, COL_COOKIE, 0, false), "-");
	assert_string_equal(cell(x, COL_SOURCE, 2, false), "proc");
	assert_string_equal(cell(x, COL_OWNERS, 0, false), "10/sshd,11/sshd");
	assert_string_equal(cell(x, COL_OWNERS, 2, false), "-");
	cells_free(&c);
}

/* An unnamed socket's Path is "*", never an empty cell (issue 9). */
static void test_cell_path_unnamed_is_empty(void **state)
{
	struct cells c;
	struct sock_entry e = { .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .type = SOCK_STREAM };
	struct outbuf o;

	cells_init(&c);
	add_entry(&c.t, &e, NULL, 0);
	assert_int_equal(outbuf_init(&o, -1), 0);
	column_get(COL_PATH)->text(&c.ctx, &c.t.entries[0], true, &o);
	assert_int_equal(o.len, 1);
	assert_memory_equal(o.buf, "*", 1);
	outbuf_free(&o);
	cells_free(&c);
}

/* ---- JSON ---------------------------------------------------------------- */

static char *json_socket(const struct render_ctx *c, size_t row, struct outbuf *o)
{
	struct json_writer w;

	assert_int_equal(outbuf_init(o, -1), 0);
	json_init(&w, o);
	column_json_socket(c, &c->table->entries[row], &w);
	assert_int_equal(outbuf_error(o), 0);
	return o->buf;
}

static void test_json_key_order(void **state)
{
	struct cells c;
	struct outbuf o;
	struct sock_entry e;

	cells_init(&c);
	e = inet(SOCK_PROTO_TCP, AF_INET, "127.0.0.1", 2408, "127.0.0.1", 22, SOCK_STATE_ESTABLISHED);
	e.ifindex = 1;
	e.inode = 300;
	add_entry(&c.t, &e, NULL, 0);
	e = inet(SOCK_PROTO_UDP, AF_INET6, "fe80::1", 53, "::", 0, SOCK_STATE_CLOSE);
	e.flags |= SOCK_F_V6ONLY_KNOWN;
	e.inode = 999;
	add_entry(&c.t, &e, NULL, 0);
	e = (struct sock_entry){ .family = AF_UNIX, .proto = SOCK_PROTO_UNIX, .type = SOCK_DGRAM,
				 .state = SOCK_STATE_ESTABLISHED, .inode = 100, .peer_inode = 6,
				 .source = SOCK_SOURCE_PROC,
				 .flags = SOCK_F_PEER_KNOWN | SOCK_F_HAS_PATH | SOCK_F_ABSTRACT };
	add_entry(&c.t, &e, "\0x\xff", 3);

	/* lsock-json(7): the keys in table order, whatever -o says */
	assert_string_equal(json_socket(&c.ctx, 0, &o),
		"{\"proto\":\"tcp\",\"family\":\"inet\",\"state\":\"ESTABLISHED\",\"recv_q\":3,"
		"\"send_q\":128,\"local\":{\"address\":\"127.0.0.1\",\"port\":2408},"
		"\"remote\":{\"address\":\"127.0.0.1\",\"port\":22},\"interface\":\"lo\","
		"\"uid\":1000,\"inode\":300,\"cookie\":77,\"owners\":[{\"pid\":12,\"fd\":5,"
		"\"comm\":\"ev\\u001b[1m\\n\xef\xbf\xbd\",\"comm_hex\":\"65761b5b316d0aff\"}],"
		"\"owners_complete\":false,\"source\":\"netlink\"}");
	outbuf_free(&o);
	assert_string_equal(json_socket(&c.ctx, 1, &o),
		"{\"proto\":\"udp\",\"family\":\"inet6\",\"state\":\"UNCONN\",\"recv_q\":3,"
		"\"send_q\":128,\"local\":{\"address\":\"fe80::1\",\"port\":53},"
		"\"remote\":{\"address\":\"::\",\"port\":0},\"v6only\":false,\"interface\":null,"
		"\"uid\":1000,\"inode\":999,\"cookie\":77,\"owners\":[],\"owners_complete\":false,"
		"\"source\":\"netlink\"}");
	outbuf_free(&o);
	assert_string_equal(json_socket(&c.ctx, 2, &o),
		"{\"proto\":\"unix\",\"family\":\"unix\",\"type\":\"dgram\",\"state\":\"ESTABLISHED\","
		"\"recv_q\":null,\"send_q\":null,\"path\":\"@x\xef\xbf\xbd\",\"path_hex\":\"78ff\","
		"\"abstract\":true,\"peer_inode\":6,\"uid\":null,\"inode\":100,\"cookie\":null,"
		"\"owners\":[{\"pid\":10,\"fd\":3,\"comm\":\"sshd\"},{\"pid\":11,\"fd\":3,"
		"\"comm\":\"sshd\"},{\"pid\":11,\"fd\":4,\"comm\":\"sshd\"}],\"owners_complete\":false,"
		"\"source\":\"proc\",\"peer\":{\"inode\":6,\"owners\":[]}}");
	outbuf_free(&o);
	/* Without -p there is no owners key at all (not an empty list). */
	c.ctx.owners = NULL;
	assert_null(strstr(json_socket(&c.ctx, 0, &o), "owners"));
	assert_non_null(strstr(o.buf, "\"cookie\":77,\"source\":\"netlink\"}"));
	outbuf_free(&o);
	assert_non_null(strstr(json_socket(&c.ctx, 2, &o), "\"cookie\":null,\"source\":\"proc\"}"));
	outbuf_free(&o);
	cells_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_list_parse_every_name),
		cmocka_unit_test(test_list_parse_unknown),
		cmocka_unit_test(test_list_parse_long_name),
		cmocka_unit_test(test_list_parse_limit),
		cmocka_unit_test(test_default_layouts),
		cmocka_unit_test(test_sort_parse_every_key),
		cmocka_unit_test(test_sort_parse_errors),
		cmocka_unit_test(test_sort_parse_limit),
		cmocka_unit_test(test_help_lists_every_column),
		cmocka_unit_test(test_cells_inet),
		cmocka_unit_test(test_cells_unix),
		cmocka_unit_test(test_cell_path_unnamed_is_empty),
		cmocka_unit_test(test_json_key_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
