/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "lsock/options.h"
#include "lsock/sock_table.h"

#define ARGV(...) ((char *[]){ "lsock", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "lsock", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, err, ...) options_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o), (err), sizeof(err))

static void test_tulpn(void **state)
{
	struct lsock_options o;
	char err[128];

	assert_int_equal(PARSE(&o, err, "-tulpn"), 0);
	assert_int_equal(o.protos, SOCK_PROTO_BIT(SOCK_PROTO_TCP) | SOCK_PROTO_BIT(SOCK_PROTO_UDP));
	assert_int_equal(o.states, STATES_LISTENING);
	assert_true(o.programs);
	assert_true(o.numeric);
	assert_false(o.extend);
	assert_int_equal(o.format, OUTPUT_TEXT);
	assert_int_equal(o.nwords, 0);
}

static void test_long_options(void **state)
{
	struct lsock_options o;
	char err[128];

	assert_int_equal(PARSE(&o, err, "--tcp", "--unix", "--raw", "--udplite", "--all", "--extend",
			       "--no-header", "--json", "--source=proc", "--sort", "local,-queue", "-k",
			       "proto,local", "-6", "--wide"),
			 0);
	assert_int_equal(o.protos, SOCK_PROTO_BIT(SOCK_PROTO_TCP) | SOCK_PROTO_BIT(SOCK_PROTO_UNIX) |
					   SOCK_PROTO_BIT(SOCK_PROTO_RAW) | SOCK_PROTO_BIT(SOCK_PROTO_UDPLITE));
	assert_int_equal(o.states, STATES_ALL);
	assert_true(o.extend);
	assert_true(o.no_header);
	assert_int_equal(o.format, OUTPUT_JSON);
	assert_int_equal(o.source, SOURCE_PROC);
	assert_string_equal(o.sort, "local,-queue");
	assert_string_equal(o.columns, "proto,local");
	assert_int_equal(o.families, OPT_FAMILY_INET6);
}

static void test_all_wins_over_listening(void **state)
{
	struct lsock_options o;
	char err[128];

	assert_int_equal(PARSE(&o, err, "-a", "-l"), 0);
	assert_int_equal(o.states, STATES_ALL);
	assert_int_equal(PARSE(&o, err, "-l"), 0);
	assert_int_equal(o.states, STATES_LISTENING);
	assert_int_equal(PARSE(&o, err, "-t"), 0);
	assert_int_equal(o.states, STATES_CONNECTED);
}

static void test_filter_words_follow(void **state)
{
	struct lsock_options o;
	char err[128];

	assert_int_equal(PARSE(&o, err, "-tn", "sport", "=", ":22"), 0);
	assert_int_equal(o.nwords, 3);
	assert_string_equal(o.words[0], "sport");
	assert_string_equal(o.words[2], ":22");
}

static void test_errors(void **state)
{
	struct lsock_options o;
	char err[128];

	assert_int_equal(PARSE(&o, err, "--bogus"), -EINVAL);
	assert_non_null(strstr(err, "--bogus"));
	assert_int_equal(PARSE(&o, err, "-Q"), -EINVAL);
	assert_non_null(strstr(err, "-Q"));
	assert_int_equal(PARSE(&o, err, "--source=bogus"), -EINVAL);
	assert_non_null(strstr(err, "bogus"));
	assert_int_equal(PARSE(&o, err, "-k"), -EINVAL);
	assert_non_null(strstr(err, "argument"));
	assert_null(strchr(err, '\n'));
}

/* ss's habits: -o is timers, -O is accepted, -i and -m; the columns are -k. */
static void test_ss_extension_flags(void **state)
{
	struct lsock_options o;
	char err[128];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-tonp"), 0);
	assert_true(o.timers);
	assert_true(o.numeric && o.programs);
	assert_null(o.columns);
	assert_int_equal(PARSE(&o, err, "-tiomeO"), 0);
	assert_true(o.timers && o.info && o.memory && o.extend);
	assert_int_equal(PARSE(&o, err, "--timers", "--info", "--memory", "--oneline",
			       "--columns=local"), 0);
	assert_true(o.timers && o.info && o.memory);
	assert_string_equal(o.columns, "local");
	assert_int_equal(PARSE(&o, err, "--options"), 0);
	assert_true(o.timers);
	assert_int_equal(PARSE(&o, err, "-t"), 0);
	assert_false(o.timers || o.info || o.memory);
}

static void test_ndjson_and_help(void **state)
{
	struct lsock_options o;
	char err[128];

	assert_int_equal(PARSE(&o, err, "--ndjson", "-h", "-V"), 0);
	assert_int_equal(o.format, OUTPUT_NDJSON);
	assert_true(o.help);
	assert_true(o.version);
	struct outbuf help;

	assert_int_equal(outbuf_init(&help, -1), 0);
	options_help(&help);
	assert_non_null(strstr(help.buf, "--udplite"));
	outbuf_free(&help);
}

/* The modes of issue 15: --watch's interval, --kill's filter, exclusions. */
static void test_modes(void **state)
{
	struct lsock_options o;
	char err[160];

	assert_int_equal(PARSE(&o, err, "-t"), 0);
	assert_int_equal(o.mode, MODE_LIST);
	assert_int_equal(PARSE(&o, err, "--watch", "0.2", "-t"), 0);
	assert_int_equal(o.mode, MODE_WATCH);
	assert_int_equal(o.watch_ms, 200);
	assert_int_equal(o.nwords, 0);
	assert_int_equal(PARSE(&o, err, "-c"), 0);
	assert_int_equal(o.watch_ms, WATCH_DEFAULT_MS);
	assert_int_equal(PARSE(&o, err, "-c2.5", "sport", "=", ":22"), 0);
	assert_int_equal(o.watch_ms, 2500);
	assert_int_equal(o.nwords, 3);
	assert_int_equal(PARSE(&o, err, "--watch=1"), 0);
	assert_int_equal(o.watch_ms, 1000);
	/* A filter word after --watch is not an interval. */
	assert_int_equal(PARSE(&o, err, "--watch", "state", "established"), 0);
	assert_int_equal(o.watch_ms, WATCH_DEFAULT_MS);
	assert_int_equal(o.nwords, 2);
	/* Below the minimum is refused, not raised. */
	assert_int_equal(PARSE(&o, err, "--watch=0.05"), -EINVAL);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(PARSE(&o, err, "--watch", "0"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--watch", "1.x"), -EINVAL);
	assert_non_null(strstr(err, "invalid --watch interval"));
	assert_int_equal(PARSE(&o, err, "--watch", "."), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--watch=90000"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "-c", "--json"), -EINVAL);
	assert_non_null(strstr(err, "--ndjson"));
	assert_int_equal(PARSE(&o, err, "-E", "--ndjson"), 0);
	assert_int_equal(o.mode, MODE_EVENTS);
	assert_int_equal(PARSE(&o, err, "-E", "-c"), -EINVAL);
	assert_non_null(strstr(err, "cannot be combined"));
	/* The destroy groups are of lsock's own namespace only. */
	assert_int_equal(PARSE(&o, err, "-E", "-G"), -EINVAL);
	assert_non_null(strstr(err, "--events cannot be used with --all-netns or --netns"));
	assert_int_equal(PARSE(&o, err, "--netns", "x", "--events", "dev", "=", "eth9"), -EINVAL);
	assert_non_null(strstr(err, "--events cannot be used with --all-netns or --netns"));
	assert_int_equal(PARSE(&o, err, "-c", "-G"), 0);
	/* ss -K without a filter closes everything; lsock refuses. */
	assert_int_equal(PARSE(&o, err, "-K"), -EINVAL);
	assert_non_null(strstr(err, "--kill needs a FILTER"));
	assert_int_equal(PARSE(&o, err, "-Kt", "dport", "=", ":80"), 0);
	assert_int_equal(o.mode, MODE_KILL);
	assert_int_equal(PARSE(&o, err, "--format=prometheus", "--output-file", "/x.prom"), 0);
	assert_int_equal(o.mode, MODE_PROMETHEUS);
	assert_string_equal(o.output_file, "/x.prom");
	assert_int_equal(PARSE(&o, err, "--output-file", "/x.prom"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--format=prometheus", "--json"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--format=prometheus", "-s"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--format=json"), 0);
	assert_int_equal(o.format, OUTPUT_JSON);
	assert_int_equal(PARSE(&o, err, "--format=yaml"), -EINVAL);
	assert_non_null(strstr(err, "invalid --format"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tulpn),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_ss_extension_flags),
		cmocka_unit_test(test_all_wins_over_listening),
		cmocka_unit_test(test_filter_words_follow),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_ndjson_and_help),
		cmocka_unit_test(test_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
