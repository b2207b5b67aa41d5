/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/procnet.h"

#define UNIX_HDR "Num       RefCount Protocol Flags    Type St Inode Path\n"
#define ROW(inode_and_name) "0000000047c05ead: 00000002 00000000 00000000 0001 01 " inode_and_name "\n"

static const struct sock_entry *find_inode(const struct sock_table *t, uint32_t inode)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->entries[i].inode == inode)
			return &t->entries[i];
	return NULL;
}

static void assert_name(const struct sock_table *t, const struct sock_entry *e, const void *name,
			size_t len)
{
	assert_non_null(e);
	assert_int_equal(e->path_len, len);
	assert_memory_equal(sock_table_name(t, e), name, len);
}

static void parse_str(const char *s, size_t len, uint32_t mask, struct sock_table *t,
		      struct procnet_stats *st)
{
	FILE *f = fmemopen((void *)s, len, "r");

	assert_non_null(f);
	assert_int_equal(procnet_unix_parse_stats(f, mask, t, st), 0);
	fclose(f);
}

static void test_fixture(void **state)
{
	static const char seq[] = "/tmp/cap/u/seq packet.sock";
	struct sock_table t = { 0 };
	const struct sock_entry *e;
	char path[1024];
	size_t skipped = 99, i;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/proc_net_unix.txt", LSOCK_FIXTURES);
	f = fopen(path, "re");
	assert_non_null(f);
	assert_int_equal(procnet_unix_parse(f, SOCK_STATES_ALL, &t, &skipped), 0);
	fclose(f);
	/* 11 lines, 2 of them embryos (inode 0): skipped, not malformed. */
	assert_int_equal(skipped, 0);
	assert_int_equal(t.len, 9);
	for (i = 0; i < t.len; i++) {
		e = &t.entries[i];
		assert_int_not_equal(e->inode, 0);
		assert_int_equal(e->family, AF_UNIX);
		assert_int_equal(e->proto, SOCK_PROTO_UNIX);
		assert_int_equal(e->source, SOCK_SOURCE_PROC);
		/* /proc/net/unix has no uid, queues or peer. */
		assert_int_equal(e->flags & (SOCK_F_UID_KNOWN | SOCK_F_QUEUES_KNOWN |
					     SOCK_F_PEER_KNOWN | SOCK_F_V6ONLY_KNOWN |
					     SOCK_F_COOKIE_KNOWN),
				 0);
	}

	e = find_inode(&t, 2085642);
	assert_name(&t, e, "/tmp/cap/u/stream.sock", 22);
	assert_int_equal(e->type, SOCK_STREAM);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_int_equal(e->flags, SOCK_F_HAS_PATH);

	e = find_inode(&t, 2085645);
	assert_name(&t, e, "/tmp/cap/u/dgram.sock", 21);
	assert_int_equal(e->type, SOCK_DGRAM);
	assert_int_equal(e->state, SOCK_STATE_CLOSE);

	e = find_inode(&t, 2085646);
	assert_name(&t, e, seq, sizeof(seq) - 1);
	assert_int_equal(e->type, SOCK_SEQPACKET);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);

	e = find_inode(&t, 2085643);
	assert_non_null(e);
	assert_int_equal(e->path_len, 0);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->state, SOCK_STATE_ESTABLISHED);

	e = find_inode(&t, 2085647);
	assert_name(&t, e, "\0lsock-abstract", 15);
	assert_int_equal(e->flags, SOCK_F_HAS_PATH | SOCK_F_ABSTRACT);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);

	/* Bound to "\0abs\0nul": /proc shows the inner NUL as '@' (lossy). */
	e = find_inode(&t, 2085648);
	assert_name(&t, e, "\0abs@nul", 8);
	assert_int_equal(e->type, SOCK_DGRAM);
	sock_table_free(&t);

	f = fopen(path, "re");
	assert_non_null(f);
	assert_int_equal(procnet_unix_parse(f, SOCK_STATE_BIT(SOCK_STATE_LISTEN), &t, &skipped),
			 0);
	fclose(f);
	assert_int_equal(t.len, 3);
	sock_table_free(&t);
}

static void test_parse_line_states(void **state)
{
	static const struct {
		const char *line;
		int type;
		int state;
	} cases[] = {
		{ "0: 00000002 00000000 00000000 0001 01 5", SOCK_STREAM, SOCK_STATE_CLOSE },
		{ "0: 00000002 00000000 00000000 0001 02 5", SOCK_STREAM, SOCK_STATE_SYN_SENT },
		{ "0: 00000002 00000000 00000000 0002 03 5", SOCK_DGRAM, SOCK_STATE_ESTABLISHED },
		{ "0: 00000002 00000000 00000000 0005 04 5", SOCK_SEQPACKET, SOCK_STATE_CLOSING },
		/* __SO_ACCEPTCON wins over St */
		{ "0: 00000002 00000000 00010000 0001 01 5", SOCK_STREAM, SOCK_STATE_LISTEN },
		{ "0: 00000002 00000000 00010000 0005 03 5", SOCK_SEQPACKET, SOCK_STATE_LISTEN },
	};
	uint8_t name[108];
	struct sock_entry e;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = 77;
		assert_int_equal(procnet_unix_parse_line(cases[i].line, &e, name, &len), 0);
		assert_int_equal(e.type, cases[i].type);
		assert_int_equal(e.state, cases[i].state);
		assert_int_equal(e.inode, 5);
		assert_int_equal(len, 0);
	}
}

static void test_parse_line_names(void **state)
{
	static const struct {
		const char *line;
		const char *name;
		size_t len;
		uint8_t flags;
	} cases[] = {
		/* spaces inside, around, and leading the path are kept */
		{ "0: 2 0 0 1 1 7 /a b  c \n", "/a b  c ", 8, SOCK_F_HAS_PATH },
		{ "0: 2 0 0 1 1 7  lead", " lead", 5, SOCK_F_HAS_PATH },
		{ "0: 2 0 0 1 1 7 tab\there", "tab\there", 8, SOCK_F_HAS_PATH },
		/* only the final '\n' goes; a CR in a path is a path byte */
		{ "0: 2 0 0 1 1 7 cr\r\n", "cr\r", 3, SOCK_F_HAS_PATH },
		{ "0: 2 0 0 1 1 7 @", "\0", 1, SOCK_F_HAS_PATH | SOCK_F_ABSTRACT },
		{ "0: 2 0 0 1 1 7 @@x", "\0@x", 3, SOCK_F_HAS_PATH | SOCK_F_ABSTRACT },
		{ "0: 2 0 0 1 1 7 rel@", "rel@", 4, SOCK_F_HAS_PATH },
		{ "0: 2 0 0 1 1     7\n", "", 0, 0 },
	};
	uint8_t name[108];
	struct sock_entry e;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(name, 0x5a, sizeof(name));
		if (procnet_unix_parse_line(cases[i].line, &e, name, &len) != 0)
			fail_msg("rejected line %zu", i);
		assert_int_equal(len, cases[i].len);
		assert_memory_equal(name, cases[i].name, len);
		assert_int_equal(e.flags, cases[i].flags);
		assert_int_equal(e.inode, 7);
	}
}

static void test_name_lengths(void **state)
{
	char line[256];
	uint8_t name[108];
	struct sock_entry e;
	size_t len, n;

	(void)state;
	n = (size_t)snprintf(line, sizeof(line), "0: 2 0 0 1 1 7 ");
	memset(line + n, 'p', 108);
	line[n + 108] = '\0';
	assert_int_equal(procnet_unix_parse_line(line, &e, name, &len), 0);
	assert_int_equal(len, 108);
	assert_int_equal(name[107], 'p');
	/* 109 bytes cannot be a sun_path */
	line[n + 108] = 'p';
	line[n + 109] = '\0';
	len = 99;
	assert_int_equal(procnet_unix_parse_line(line, &e, name, &len), -EINVAL);
	assert_int_equal(len, 99);
}

static void test_malformed_lines(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"0: 2 0 0 1 1",                /* no inode */
		"0 2 0 0 1 1 7",               /* Num without its colon */
		"zz: 2 0 0 1 1 7",             /* Num not hex */
		"00000000000000000: 2 0 0 1 1 7", /* Num wider than a pointer */
		"0: 2 0 0 3 1 7",              /* SOCK_RAW is not a unix type */
		"0: 2 0 0 10001 1 7",          /* Type wider than %04X */
		"0: 2 0 0 1 0 7",              /* St 0 (SS_FREE) is never printed */
		"0: 2 0 0 1 5 7",              /* St beyond SS_DISCONNECTING */
		"0: 2 0 0 1 100 7",            /* St wider than %02X */
		"0: 2 0 100000000 1 1 7",      /* Flags over 32 bits */
		"0: 2 0 0 1 1 4294967296",     /* inode over 32 bits */
		"0: 2 0 0 1 1 -7",
		"0: 2 0 0 1 1 7x /p",
		"0: 2 0 0 1 1 7 ",             /* a separator and no name */
		"0: 2 0 0 1 1 7 \n",
		"0: 2 0 0 1 1 7\t/p",          /* the separator is one space */
		"0: 2 0 0 1 1 7\r",
		"0: 2 0 0 1 1 7 a\nb",         /* two kernel lines, not one */
	};
	uint8_t name[108];
	struct sock_entry e;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0x5a, sizeof(e));
		len = 99;
		if (procnet_unix_parse_line(bad[i], &e, name, &len) != -EINVAL)
			fail_msg("accepted bad line %zu: %s", i, bad[i]);
		assert_int_equal(len, 99);
		assert_int_equal(e.inode, 0x5a5a5a5a);
	}
}

static void test_file_edges(void **state)
{
	static const char data[] = UNIX_HDR
		ROW("   11 /srv/a socket")
		"garbage line\n"
		"00000000a159fbed: 00000003 00000000 00000000 0001 02     0 /srv/listener\n"
		ROW("   12 @abstract name")
		ROW("   11 /srv/a socket") /* duplicate */
		"0000000000000000: 00000002 00000000 00000000 0001 01\0 13 /nul\n"
		ROW("   14 /truncated/path/cut-sh");
	struct sock_table t = { 0 };
	struct procnet_stats st;

	(void)state;
	/* drop the final '\n': the last line is a cut read */
	parse_str(data, sizeof(data) - 2, SOCK_STATES_ALL, &t, &st);
	assert_int_equal(st.malformed, 3);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(t.len, 2);
	assert_name(&t, find_inode(&t, 11), "/srv/a socket", 13);
	assert_name(&t, find_inode(&t, 12), "\0abstract name", 14);
	sock_table_free(&t);
}

/* A converted file: every line ends in CRLF, and the CR is not part of a path. */
static void test_crlf(void **state)
{
	static const char data[] =
		"Num       RefCount Protocol Flags    Type St Inode Path\r\n"
		"0000000047c05ead: 00000002 00000000 00000000 0001 01    21 /x y\r\n"
		"0000000047c05ead: 00000002 00000000 00000000 0001 03    22\r\n"
		"0000000047c05ead: 00000002 00000000 00010000 0001 01    23 @srv\r\n";
	struct sock_table t = { 0 };
	struct procnet_stats st;

	(void)state;
	parse_str(data, sizeof(data) - 1, SOCK_STATES_ALL, &t, &st);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(t.len, 3);
	assert_name(&t, find_inode(&t, 21), "/x y", 4);
	assert_int_equal(find_inode(&t, 22)->path_len, 0);
	assert_name(&t, find_inode(&t, 23), "\0srv", 4);
	assert_int_equal(find_inode(&t, 23)->state, SOCK_STATE_LISTEN);
	sock_table_free(&t);
}

static void test_bad_header(void **state)
{
	static const char *const bad[] = {
		/* the pre-2.6 format had no Inode column */
		"Num       RefCount Protocol Flags    Type St Path\n",
		"Num       RefCount Protocol Flags    Type St Inode Path Extra\n",
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n",
		ROW("   11 /srv/a"),
		"Num       RefCount Protocol Flags    Type St Inode Path",
	};
	struct sock_table t = { 0 };
	size_t i, skipped = 42;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = fmemopen((void *)bad[i], strlen(bad[i]), "r");
		assert_non_null(f);
		if (procnet_unix_parse(f, SOCK_STATES_ALL, &t, &skipped) != -EBADMSG)
			fail_msg("accepted bad header %zu", i);
		fclose(f);
	}
	f = fopen("/dev/null", "re");
	assert_non_null(f);
	assert_int_equal(procnet_unix_parse(f, SOCK_STATES_ALL, &t, &skipped), -EBADMSG);
	fclose(f);
	assert_int_equal(skipped, 42);
	assert_int_equal(t.len, 0);
}

/*
 * Documented limit of the /proc source (lsock(8)): a path holding '\n' ends
 * the line, and what follows parses as a socket of its own.  Nothing in the
 * file tells the two apart; that is why netlink is the primary source.  Only
 * procnet_collect_stats() can notice that the file has more rows than the
 * kernel has sockets (test_procnet_common.c, test_unix_forged_row.py).
 */
static void test_forged_newline_is_undetectable(void **state)
{
	static const char data[] = UNIX_HDR
		"00000000a49e79ea: 00000002 00000000 00000000 0001 01 30 /tmp/f\n"
		"0000000000000000: 00000002 00000000 00010000 0001 01 424242 @spoofed-listener\n";
	struct sock_table t = { 0 };
	struct procnet_stats st;

	(void)state;
	parse_str(data, sizeof(data) - 1, SOCK_STATES_ALL, &t, &st);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(t.len, 2);
	assert_name(&t, find_inode(&t, 30), "/tmp/f", 6);
	assert_non_null(find_inode(&t, 424242));
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_parse_line_states),
		cmocka_unit_test(test_parse_line_names),
		cmocka_unit_test(test_name_lengths),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_file_edges),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_forged_newline_is_undetectable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
