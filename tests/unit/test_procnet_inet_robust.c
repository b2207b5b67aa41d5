/* SPDX-License-Identifier: MIT */
/*
 * procnet_inet_parse() on bad input: malformed lines are rejected whole
 * and counted, bad headers refuse the file, and CRLF, NULs, cut last
 * lines, duplicates and read errors are handled.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lsock/procnet.h"

#include "procnet_fixture.h"

static void test_malformed_lines(void **state)
{
	static const char *const bad[] = {
		"",
		"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0",
		"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0",
		/* non-hex digit in the address */
		"   2: 0100007G:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 1",
		/* address one digit short / long */
		"   2: 100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 1",
		"   2: 0100007F0:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 1",
		/* port too wide, port empty */
		"   2: 0100007F:11F90 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 1",
		"   2: 0100007F: 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 1",
		/* state 0, state 13, state not hex */
		"   2: 0100007F:1F90 00000000:0000 00 00000000:00000000 00:00000000 0 0 0 1",
		"   2: 0100007F:1F90 00000000:0000 0D 00000000:00000000 00:00000000 0 0 0 1",
		"   2: 0100007F:1F90 00000000:0000 -1 00000000:00000000 00:00000000 0 0 0 1",
		/* queue overflowing 32 bits, queue separator missing */
		"   2: 0100007F:1F90 00000000:0000 0A 100000000:00000000 00:00000000 0 0 0 1",
		"   2: 0100007F:1F90 00000000:0000 0A 0000000000000000 00:00000000 0 0 0 1",
		/* uid, inode overflowing 32 bits; negative; hex in a decimal field */
		"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0 4294967296 0 1",
		"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 4294967296",
		"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 -1",
		"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 1a",
		"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0 +0 0 1",
		/* sl without its colon, sl not a number */
		"   2 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 1",
		"   x: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 1",
	};
	struct sock_entry e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0x5a, sizeof(e));
		if (procnet_inet_parse_line(bad[i], AF_INET, SOCK_PROTO_TCP, &e) != -EINVAL)
			fail_msg("accepted bad line %zu: %s", i, bad[i]);
		/* *ret is written only on success. */
		assert_int_equal(e.inode, 0x5a5a5a5a);
	}
	/* The largest values that fit are fine. */
	assert_int_equal(procnet_inet_parse_line("0: FFFFFFFF:FFFF FFFFFFFF:FFFF 0C "
						 "FFFFFFFF:FFFFFFFF 00:00000000 0 "
						 "4294967295 0 4294967295",
						 AF_INET, SOCK_PROTO_TCP, &e),
			 0);
	assert_int_equal(e.inode, UINT32_MAX);
	assert_int_equal(e.uid, UINT32_MAX);
	assert_int_equal(e.wqueue, UINT32_MAX);
	assert_addr(e.laddr, AF_INET, "255.255.255.255");
	assert_int_equal(e.state, SOCK_STATE_NEW_SYN_RECV);
}

/* Malformed lines in a file are skipped and counted; the rest survive. */
static void test_file_skips_and_counts(void **state)
{
	struct sock_table t = { 0 };
	struct procnet_stats st;
	char longline[PROCNET_LINE_MAX + 100];
	char buf[4096];

	(void)state;
	memset(longline, ' ', sizeof(longline) - 2);
	memcpy(longline, ROW_LISTEN, strlen(ROW_LISTEN) - 1);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	snprintf(buf, sizeof(buf), "%s%s%s%s%s%s", TCP_HDR,
		 "   0: 0100007F:1F9G 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 7\n",
		 "   1: 0100007F:1F90\n", longline, ROW_TW,
		 "   9: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 8\n");
	parse_str(buf, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t, &st);
	assert_int_equal(st.malformed, 3);
	assert_int_equal(st.duplicates, 0);
	assert_int_equal(t.len, 2);
	assert_int_equal(t.entries[0].state, SOCK_STATE_TIME_WAIT);
	assert_int_equal(t.entries[1].inode, 8);
	assert_int_equal(t.entries[1].lport, 22);
	sock_table_free(&t);
}

/* The kernel never prints NUL; a line holding one (psutil #766) is not trusted,
 * even when the NUL sits in a trailing field the parser would ignore. */
static void test_embedded_nul(void **state)
{
	static const char data[] = TCP_HDR "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 "
					   "00:00000000 0 0 0 7 1 \0junk\n" ROW_LISTEN;
	struct sock_table t = { 0 };
	struct procnet_stats st;
	FILE *f = fmemopen((void *)data, sizeof(data) - 1, "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(procnet_inet_parse_stats(f, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL,
						  &t, &st),
			 0);
	fclose(f);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(t.len, 1);
	assert_int_equal(t.entries[0].inode, 2085625);
	sock_table_free(&t);
}

static void test_bad_header(void **state)
{
	static const char *const bad[] = {
		"",
		ROW_LISTEN,
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n",
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt  "
		"timeout inode\n",
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when   uid  timeout "
		"inode\n",
		"Num       RefCount Protocol Flags    Type St Inode Path\n",
		/* a header without its newline is a cut read */
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
		"timeout inode",
	};
	struct sock_table t = { 0 };
	size_t i, skipped = 42;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = bad[i][0] ? open_mem(bad[i]) : fopen("/dev/null", "re");
		assert_non_null(f);
		if (procnet_inet_parse(f, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t,
				       &skipped) != -EBADMSG)
			fail_msg("accepted bad header %zu", i);
		fclose(f);
	}
	/* *ret_skipped is written only on success. */
	assert_int_equal(skipped, 42);
	assert_int_equal(t.len, 0);

	f = open_mem(TCP_HDR);
	assert_int_equal(procnet_inet_parse(f, AF_INET, 9, SOCK_STATES_ALL, &t, &skipped),
			 -EINVAL);
	fclose(f);
}

/* Columns after "retrnsmt" are located by name: extra, moved or trailing. */
static void test_header_layout(void **state)
{
	static const char data[] =
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt new1 "
		"uid  timeout new2 inode extra1 extra2\n"
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 zz "
		"1000 0 yy 4242 1 2 3 4 5 6 7 8 9\n";
	struct sock_table t = { 0 };
	struct procnet_stats st;

	(void)state;
	parse_str(data, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t, &st);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(t.len, 1);
	assert_int_equal(t.entries[0].uid, 1000);
	assert_int_equal(t.entries[0].inode, 4242);
	sock_table_free(&t);
}

static void test_crlf(void **state)
{
	static const char data[] =
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
		"timeout inode\r\n"
		"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0  "
		"      0 2085625\r\n"
		"   5: 0100007F:9C42 0100007F:1F90 06 00000000:00000000 03:00001740 00000000     0  "
		"      0 0 3 00000000e4a32de2\r\n";
	struct sock_table t = { 0 };
	struct procnet_stats st;

	(void)state;
	parse_str(data, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t, &st);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(t.len, 2);
	assert_int_equal(t.entries[0].inode, 2085625);
	assert_int_equal(t.entries[1].state, SOCK_STATE_TIME_WAIT);
	sock_table_free(&t);
}

/* A last line without '\n' was cut: "2085625" could have been read as "20856". */
static void test_truncated_last_line(void **state)
{
	static const char data[] = TCP_HDR ROW_TW
		"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0  "
		"      0 20856";
	struct sock_table t = { 0 };
	struct procnet_stats st;

	(void)state;
	parse_str(data, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t, &st);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(t.len, 1);
	assert_int_equal(t.entries[0].state, SOCK_STATE_TIME_WAIT);
	sock_table_free(&t);
}

static void test_duplicates(void **state)
{
	static const char data[] = TCP_HDR ROW_LISTEN ROW_TW ROW_LISTEN ROW_TW ROW_LISTEN;
	struct sock_table t = { 0 };
	struct procnet_stats st;
	size_t skipped;
	FILE *f;

	(void)state;
	parse_str(data, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t, &st);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.duplicates, 2);
	/* inode 0 rows cannot be deduplicated: both TIME_WAIT rows stay. */
	assert_int_equal(t.len, 3);
	sock_table_free(&t);

	/* A filtered-out socket is still seen: its repeat counts too. */
	f = open_mem(data);
	assert_int_equal(procnet_inet_parse(f, AF_INET, SOCK_PROTO_TCP,
					    SOCK_STATE_BIT(SOCK_STATE_TIME_WAIT), &t, &skipped),
			 0);
	fclose(f);
	assert_int_equal(skipped, 2);
	assert_int_equal(t.len, 2);
	sock_table_free(&t);
}

static ssize_t failing_read(void *cookie, char *buf, size_t size)
{
	size_t *left = cookie;
	size_t n = strlen(TCP_HDR);

	(void)size;
	if (*left == 0) {
		errno = EIO;
		return -1;
	}
	*left = 0;
	assert_true(size >= n);
	memcpy(buf, TCP_HDR, n);
	return (ssize_t)n;
}

static void test_read_error(void **state)
{
	cookie_io_functions_t io = { .read = failing_read };
	struct sock_table t = { 0 };
	size_t left = 1, skipped = 42;
	FILE *f = fopencookie(&left, "r", io);

	(void)state;
	assert_non_null(f);
	assert_int_equal(procnet_inet_parse(f, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t,
					    &skipped),
			 -EIO);
	fclose(f);
	assert_int_equal(skipped, 42);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_file_skips_and_counts),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_header_layout),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_truncated_last_line),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_read_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
