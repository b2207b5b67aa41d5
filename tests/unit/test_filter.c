// SPDX-License-Identifier: MIT
/*
 * Filter tests.  Expected results come from running ss 6.1 (kernel 6.18) in a
 * private netns on a mix of v4/v6/dual-stack/v4-mapped TCP, UDP and UNIX
 * sockets; each case notes what ss did.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/filter.h"
#include "lsock/snapshot.h"

#define ST(s) SOCK_STATE_BIT(SOCK_STATE_##s)

/* Splits a filter on spaces into argv words (ss splits words again anyway). */
static int split(const char *s, char *buf, size_t buflen, char *words[], int max)
{
	int n = 0;
	char *p, *save = NULL;

	assert_true(strlen(s) < buflen);
	strcpy(buf, s);
	for (p = strtok_r(buf, " ", &save); p && n < max; p = strtok_r(NULL, " ", &save))
		words[n++] = p;
	return n;
}

static struct filter *parse_ok_family(const char *s, int family, uint32_t *states)
{
	char buf[512], *words[64];
	struct filter_error err = { 0 };
	struct filter *f = NULL;
	uint32_t st = 0;
	int n = split(s, buf, sizeof(buf), words, 64);
	int r = filter_parse_family(n, words, family, SOCK_STATES_ALL, &f, &st, &err);

	if (r)
		print_error("parse '%s' failed: %d %s\n", s, r, err.message);
	assert_int_equal(r, 0);
	if (states)
		*states = st;
	return f;
}

static struct filter *parse_ok(const char *s)
{
	return parse_ok_family(s, AF_UNSPEC, NULL);
}

static void parse_err(const char *s, int word, const char *token, const char *msg_part)
{
	char buf[512], *words[64];
	struct filter_error err = { 0 };
	struct filter *f = (struct filter *)0x1;
	uint32_t st = 0x5a5a;
	int n = split(s, buf, sizeof(buf), words, 64);
	int r = filter_parse(n, words, SOCK_STATES_ALL, &f, &st, &err);

	if (r != -EINVAL || err.word != word || strcmp(err.token, token) || !strstr(err.message, msg_part))
		print_error("'%s': r=%d word=%d token='%s' msg='%s'\n", s, r, err.word, err.token,
			    err.message);
	assert_int_equal(r, -EINVAL);
	assert_int_equal(err.word, word);
	assert_string_equal(err.token, token);
	assert_non_null(strstr(err.message, msg_part));
	/* The whole line is written where the error is found. */
	{
		char want[320];

		if (token[0])
			snprintf(want, sizeof(want), "bad filter at '%s': %s", token, err.message);
		else
			snprintf(want, sizeof(want), "bad filter: %s", err.message);
		if (!strchr(token, '\\') && !strchr(token, '\x1b'))
			assert_string_equal(err.line, want);
	}
	/* Out-parameters are untouched on failure. */
	assert_ptr_equal(f, (struct filter *)0x1);
	assert_int_equal(st, 0x5a5a);
}

static struct sock_entry inet(int family, int proto, int state, const char *la, int lp,
			      const char *ra, int rp)
{
	struct sock_entry e = { 0 };

	e.family = (uint8_t)family;
	e.proto = (uint8_t)proto;
	e.state = (uint8_t)state;
	e.lport = (uint16_t)lp;
	e.rport = (uint16_t)rp;
	e.flags = SOCK_F_IFINDEX_KNOWN; /* as sock_diag reports it */
	assert_int_equal(inet_pton(family, la, e.laddr), 1);
	assert_int_equal(inet_pton(family, ra, e.raddr), 1);
	return e;
}

/* The socket mix of the ss experiments. */
enum {
	L4_22,      /* tcp LISTEN 127.0.0.1:22 */
	L4_ANY80,   /* tcp LISTEN 0.0.0.0:80 */
	L6_DUAL,    /* tcp LISTEN [::]:5000, v6only=0 (ss shows *:5000) */
	L6_LO,      /* tcp LISTEN [::1]:8443 */
	E4_22,      /* tcp ESTAB 127.0.0.1:22 <- 127.0.0.1:40003 */
	E6M_CLI,    /* tcp ESTAB [::ffff:127.0.0.1]:40003 -> [::ffff:127.0.0.1]:22 */
	E6M_SRV,    /* tcp ESTAB [::ffff:127.0.0.1]:5000 <- [::ffff:127.0.0.1]:40002 */
	E4_CLI5000, /* tcp ESTAB 127.0.0.1:40002 -> 127.0.0.1:5000 */
	E6_LO,      /* tcp ESTAB [::1]:40004 -> [::1]:8443 */
	TW4,        /* tcp TIME-WAIT 127.0.0.1:40006 -> 127.0.0.1:80 */
	U4_ANY53,   /* udp UNCONN 0.0.0.0:53 */
	U4_CONN,    /* udp ESTAB 127.0.0.1:40010 -> 127.0.0.1:53 */
	E4_1023,    /* tcp ESTAB 127.0.0.1:1023 -> 127.0.0.2:1024 */
	NMIX,
};

static void mix(struct sock_entry m[NMIX])
{
	m[L4_22] = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_LISTEN, "127.0.0.1", 22, "0.0.0.0", 0);
	m[L4_ANY80] = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0);
	m[L6_DUAL] = inet(AF_INET6, SOCK_PROTO_TCP, SOCK_STATE_LISTEN, "::", 5000, "::", 0);
	m[L6_LO] = inet(AF_INET6, SOCK_PROTO_TCP, SOCK_STATE_LISTEN, "::1", 8443, "::", 0);
	m[E4_22] = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_ESTABLISHED, "127.0.0.1", 22,
			"127.0.0.1", 40003);
	m[E6M_CLI] = inet(AF_INET6, SOCK_PROTO_TCP, SOCK_STATE_ESTABLISHED, "::ffff:127.0.0.1",
			  40003, "::ffff:127.0.0.1", 22);
	m[E6M_SRV] = inet(AF_INET6, SOCK_PROTO_TCP, SOCK_STATE_ESTABLISHED, "::ffff:127.0.0.1",
			  5000, "::ffff:127.0.0.1", 40002);
	m[E4_CLI5000] = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_ESTABLISHED, "127.0.0.1", 40002,
			     "127.0.0.1", 5000);
	m[E6_LO] = inet(AF_INET6, SOCK_PROTO_TCP, SOCK_STATE_ESTABLISHED, "::1", 40004, "::1", 8443);
	m[TW4] = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_TIME_WAIT, "127.0.0.1", 40006,
		      "127.0.0.1", 80);
	m[U4_ANY53] = inet(AF_INET, SOCK_PROTO_UDP, SOCK_STATE_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0);
	m[U4_CONN] = inet(AF_INET, SOCK_PROTO_UDP, SOCK_STATE_ESTABLISHED, "127.0.0.1", 40010,
			  "127.0.0.1", 53);
	m[E4_1023] = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_ESTABLISHED, "127.0.0.1", 1023,
			  "127.0.0.2", 1024);
}

/* Bitmask of the mix entries the filter matches. */
static unsigned int matches(const char *s)
{
	struct sock_entry m[NMIX];
	struct filter *f = parse_ok(s);
	unsigned int got = 0;
	int i;

	mix(m);
	for (i = 0; i < NMIX; i++)
		if (filter_match(f, &m[i], NULL))
			got |= 1u << i;
	filter_free(f);
	return got;
}

#define B(x) (1u << (x))
#define ALL ((1u << NMIX) - 1)
#define V4 (B(L4_22) | B(L4_ANY80) | B(E4_22) | B(E4_CLI5000) | B(TW4) | B(U4_ANY53) | \
	    B(U4_CONN) | B(E4_1023))
#define V6 (ALL & ~V4)
#define MAPPED (B(E6M_CLI) | B(E6M_SRV))

static void expect(const char *s, unsigned int want)
{
	unsigned int got = matches(s);

	if (got != want)
		print_error("'%s': got 0x%x want 0x%x\n", s, got, want);
	assert_int_equal(got, want);
}

static void test_v4_matches_v4_mapped(void **state)
{
	/* ss: `src 127.0.0.1` lists v4 sockets AND [::ffff:127.0.0.1] v6 ones
	 * (inet_diag compares v4 conditions with v4-mapped addresses). */
	expect("src 127.0.0.1", B(L4_22) | B(E4_22) | MAPPED | B(E4_CLI5000) | B(TW4) |
	       B(U4_CONN) | B(E4_1023));
	/* ss: a v6 condition on a mapped address never matches a v4 socket. */
	expect("src [::ffff:127.0.0.1]", MAPPED);
	expect("dst [::ffff:127.0.0.0/104]", MAPPED);
	/* ss: 0.0.0.0/0 matches all v4 and the v4-mapped v6 sockets, not [::]. */
	expect("dst 0.0.0.0/0", V4 | MAPPED);
	expect("src 0.0.0.0/0", V4 | MAPPED);
	/* ss: ::/0 matches every v6 socket (mapped too), no v4 socket. */
	expect("src [::/0]", V6);
	expect("src ::/0", V6);
	/* ss: without /plen the match is exact: 0.0.0.0 is only the wildcard bind. */
	expect("src 0.0.0.0", B(L4_ANY80) | B(U4_ANY53));
	expect("src [::]", B(L6_DUAL));
	expect("dst [::]", B(L6_DUAL) | B(L6_LO));
	expect("dst 127.0.0.1/32:22", B(E6M_CLI));
	expect("src 127.0.0.0/8", (V4 & ~(B(L4_ANY80) | B(U4_ANY53))) | MAPPED);
	expect("src 127/8", (V4 & ~(B(L4_ANY80) | B(U4_ANY53))) | MAPPED);
	/* ss reads 127.1 as 127.1.0.0 (iproute2), so it matches nothing here. */
	expect("src 127.1", 0);
	expect("dst 127.0.0.2/31", B(E4_1023));
	expect("src 128.0.0.0/1", 0);
}

static void test_ports(void **state)
{
	/* ss: `src :22`, `src *:22`, `sport = :22`, `sport 22` are the same. */
	unsigned int p22 = B(L4_22) | B(E4_22);

	expect("src :22", p22);
	expect("src *:22", p22);
	expect("src 127.0.0.1:22", p22);
	expect("src 127.0.0.0/8:22", p22);
	expect("sport = :22", p22);
	expect("sport == :22", p22);
	expect("sport eq :22", p22);
	expect("sport 22", p22);
	expect("sport :22", p22);
	expect("sport = 22", p22);
	expect("sport = :0x16", p22); /* ss: base-0 numbers */
	expect("sport = :026", p22);
	/* ss: no socket has local port 0; every listener/unconnected has dport 0. */
	expect("sport = :0", 0);
	expect("dport = :0", B(L4_22) | B(L4_ANY80) | B(L6_DUAL) | B(L6_LO) | B(U4_ANY53));
	/* ss: `*` and an empty port mean any port.  lsock: an empty port after
	 * ':' is malformed (issue: `sport = :` must exit 2), see test_errors. */
	expect("sport = :*", ALL);
	expect("src *", ALL);
	expect("dst *:*", ALL);
	expect("sport != :22", ALL & ~p22);
	expect("sport ne :22", ALL & ~p22);
	expect("sport neq :22", ALL & ~p22);
	expect("dport != :80", ALL & ~B(TW4));
	expect("sport > :1023", ALL & ~(p22 | B(L4_ANY80) | B(U4_ANY53) | B(E4_1023)));
	expect("sport gt :40003", B(E6_LO) | B(TW4) | B(U4_CONN));
	expect("sport >= :40003", B(E6M_CLI) | B(E6_LO) | B(TW4) | B(U4_CONN));
	expect("sport ge :40003", B(E6M_CLI) | B(E6_LO) | B(TW4) | B(U4_CONN));
	expect("sport geq :40003", B(E6M_CLI) | B(E6_LO) | B(TW4) | B(U4_CONN));
	expect("sport < :53", p22);
	expect("sport lt :53", p22);
	expect("sport <= :53", p22 | B(U4_ANY53));
	expect("sport le :53", p22 | B(U4_ANY53));
	expect("sport leq :53", p22 | B(U4_ANY53));
	expect("dport > :1023 and dport < :8000", B(E4_CLI5000) | B(E4_1023));
	expect("src [::1]:8443", B(L6_LO));
	expect("src [::1/128]:8443", B(L6_LO));
	expect("src [::1]/128:8443", B(L6_LO)); /* extension: ss rejects this spelling */
	expect("dst [::1]:8443", B(E6_LO));
	expect("src [::ffff:127.0.0.1]:22", 0); /* ss: nothing */
}

static void test_families(void **state)
{
	/* ss: inet: restricts the whole query to AF_INET: no mapped v6 sockets. */
	expect("src inet:127.0.0.1", B(L4_22) | B(E4_22) | B(E4_CLI5000) | B(TW4) | B(U4_CONN) |
	       B(E4_1023));
	expect("src inet:*", V4);
	expect("src inet6:*", V6);
	expect("src inet6:[::1]", B(L6_LO) | B(E6_LO));
	/* ss: `not src inet6:[::1]` shows v6 sockets only. */
	expect("not src inet6:[::1]", V6 & ~(B(L6_LO) | B(E6_LO)));
	expect("sport = inet::5000", 0);
	expect("sport = inet6::5000", B(L6_DUAL) | B(E6M_SRV));
	expect("src unix:/tmp/*", 0);
}

static void test_logic(void **state)
{
	unsigned int p22 = B(L4_22) | B(E4_22);

	/* ss has no and/or precedence: read left to right.  ss showed only the
	 * accepted 8080 socket for `sport = :22 or sport = :8080 and dport = :40001`. */
	expect("sport = :80 or sport = :22 and src 127.0.0.1", p22); /* not L4_ANY80 */
	expect("sport = :22 and src 127.0.0.1 or sport = :80", p22 | B(L4_ANY80));
	expect("sport = :22 or dport = :22 and sport = :22", p22);
	expect("dport = :22 and src 127.0.0.1 or sport = :22", p22 | B(E6M_CLI));
	/* `not` binds to the next term only. */
	expect("! sport = :22 or sport = :22 and sport = :80", B(L4_ANY80));
	expect("not sport = :22 and src inet:127.0.0.1", B(E4_CLI5000) | B(TW4) | B(U4_CONN) |
	       B(E4_1023));
	expect("not not sport = :22", p22);
	/* Implicit and. */
	expect("sport = :22 dport = :40003", B(E4_22));
	expect("src 127.0.0.1 sport = :22 or ( dport = :22 )", p22 | B(E6M_CLI));
	expect("sport = :22 || sport = :80", p22 | B(L4_ANY80));
	expect("sport = :22 | sport = :80", p22 | B(L4_ANY80));
	expect("sport = :22 && src 0.0.0.0/0", p22);
	expect("sport = :22 & src inet6:*", 0);
	expect("( sport = :22 or sport = :80 ) and ( not src 0.0.0.0 )", p22);
	expect("not ( sport = :22 or sport = :80 )", ALL & ~(p22 | B(L4_ANY80)));
	expect("src = 127.0.0.1:22", p22);
	expect("src == 127.0.0.1:22", p22);
	expect("src != 127.0.0.1:22", ALL & ~p22); /* extension: ss has no src != */
}

static void test_one_word_and_escapes(void **state)
{
	char w1[] = "( sport = :22 or", w2[] = "sport = :80 )";
	char *words[] = { w1, w2 };
	char e1[] = "sport", e2[] = "\\=", e3[] = "", e4[] = ":22";
	char *escaped[] = { e1, e2, e3, e4 };
	struct sock_entry m[NMIX];
	struct filter_error err;
	struct filter *f;
	uint32_t st;

	mix(m);
	/* ss re-splits words: `ss '( sport = :22 or' 'sport = :80 )'` works. */
	assert_int_equal(filter_parse(2, words, SOCK_STATES_ALL, &f, &st, &err), 0);
	assert_true(filter_match(f, &m[L4_22], NULL));
	assert_true(filter_match(f, &m[L4_ANY80], NULL));
	assert_false(filter_match(f, &m[E6_LO], NULL));
	filter_free(f);
	/* A backslash escapes; an empty word vanishes. */
	assert_int_equal(filter_parse(4, escaped, SOCK_STATES_ALL, &f, &st, &err), 0);
	assert_true(filter_match(f, &m[L4_22], NULL));
	assert_false(filter_match(f, &m[L4_ANY80], NULL));
	filter_free(f);
}

static void test_states(void **state)
{
	uint32_t st;
	struct filter *f;

	f = parse_ok_family("", AF_UNSPEC, &st);
	assert_null(f);
	assert_int_equal(st, SOCK_STATES_ALL); /* the default passed in */
	parse_ok_family("state listening", AF_UNSPEC, &st);
	assert_int_equal(st, ST(LISTEN));
	parse_ok_family("state ESTABLISHED", AF_UNSPEC, &st); /* ss: case-insensitive */
	assert_int_equal(st, ST(ESTABLISHED));
	parse_ok_family("state syn-recv", AF_UNSPEC, &st);
	assert_int_equal(st, ST(SYN_RECV) | ST(NEW_SYN_RECV));
	parse_ok_family("state syn-rcv", AF_UNSPEC, &st);
	assert_int_equal(st, ST(SYN_RECV) | ST(NEW_SYN_RECV));
	parse_ok_family("state syn-sent state fin-wait-1 state fin-wait-2 state time-wait", AF_UNSPEC, &st);
	assert_int_equal(st, ST(SYN_SENT) | ST(FIN_WAIT1) | ST(FIN_WAIT2) | ST(TIME_WAIT));
	parse_ok_family("state closed state close-wait state last-ack state closing", AF_UNSPEC, &st);
	assert_int_equal(st, ST(CLOSE) | ST(CLOSE_WAIT) | ST(LAST_ACK) | ST(CLOSING));
	parse_ok_family("state close", AF_UNSPEC, &st);
	assert_int_equal(st, ST(CLOSE));
	parse_ok_family("state unconnected", AF_UNSPEC, &st);
	assert_int_equal(st, ST(CLOSE));
	parse_ok_family("state all", AF_UNSPEC, &st);
	assert_int_equal(st, SOCK_STATES_ALL);
	parse_ok_family("state connected", AF_UNSPEC, &st);
	assert_int_equal(st, SOCK_STATES_ALL & ~(ST(LISTEN) | ST(CLOSE)));
	parse_ok_family("state synchronized", AF_UNSPEC, &st);
	assert_int_equal(st, SOCK_STATES_ALL & ~(ST(LISTEN) | ST(CLOSE) | ST(SYN_SENT)));
	parse_ok_family("state bucket", AF_UNSPEC, &st);
	assert_int_equal(st, ST(SYN_RECV) | ST(NEW_SYN_RECV) | ST(TIME_WAIT));
	parse_ok_family("state big", AF_UNSPEC, &st);
	assert_int_equal(st, SOCK_STATES_ALL & ~(ST(SYN_RECV) | ST(NEW_SYN_RECV) | ST(TIME_WAIT)));
	/* ss: exclude starts from ALL, even with -l: `ss -tuln exclude listening`
	 * listed established and UNCONN sockets. */
	parse_ok_family("exclude listening", AF_UNSPEC, &st);
	assert_int_equal(st, SOCK_STATES_ALL & ~ST(LISTEN));
	parse_ok_family("excl established exclude listening", AF_UNSPEC, &st);
	assert_int_equal(st, SOCK_STATES_ALL & ~(ST(LISTEN) | ST(ESTABLISHED)));
	parse_ok_family("exclude listening state listening", AF_UNSPEC, &st);
	assert_int_equal(st, SOCK_STATES_ALL);
	/* ss: an empty mask falls back to its own default (ESTAB only here). */
	parse_ok_family("state listening exclude listening", AF_UNSPEC, &st);
	assert_int_equal(st, SOCK_STATES_ALL & ~(ST(LISTEN) | ST(CLOSE) | ST(TIME_WAIT) |
						 ST(SYN_RECV) | ST(NEW_SYN_RECV)));
	f = parse_ok_family("state established sport = :22", AF_UNSPEC, &st);
	assert_non_null(f);
	assert_int_equal(st, ST(ESTABLISHED));
	filter_free(f);
}

static void test_errors(void **state)
{
	parse_err("sport = :x!y", 2, ":x!y", "unknown port");
	parse_err("sport = :99999999999", 2, ":99999999999", "bad port");
	parse_err("sport > :*", 2, ":*", "needs a port number");
	parse_err("sport = :", 2, ":", "expected a port number after ':'");
	parse_err("dport eq :", 2, ":", "expected a port number after ':'");
	parse_err("src 127.0.0.1:", 1, "127.0.0.1:", "expected a port number after ':'");
	parse_err("dst [::1]:", 1, "[::1]:", "expected a port number after ':'");
	parse_err("src *:", 1, "*:", "expected a port number after ':'");
	parse_err("( sport = :22", 0, "(", "missing ')'");
	parse_err("sport = :22 )", 3, ")", "unbalanced ')'");
	parse_err("( )", 1, ")", "empty");
	parse_err("and sport = :22", 0, "and", "before");
	parse_err("sport = :22 or", -1, "", "after 'or'");
	parse_err("sport = :22 and", -1, "", "after 'and'");
	parse_err("src", -1, "", "address");
	parse_err("sport >", -1, "", "port");
	parse_err("src > 127.0.0.1", 1, ">", "only with = or !=");
	parse_err("bogus", 0, "bogus", "unknown keyword");
	parse_err("= :22", 0, "=", "before an operator");
	parse_err("state", -1, "", "expected a state");
	parse_err("state estab", 1, "estab", "unknown state");
	parse_err("exclude bogus", 1, "bogus", "unknown state");
	parse_err("sport = :22 state listening", 3, "state", "before the expression");
	parse_err("src [::1", 1, "[::1", "missing ']'");
	parse_err("src [::1]x", 1, "[::1]x", "':PORT'");
	parse_err("src ::1", 1, "::1", "brackets");
	parse_err("src 127.0.0.1/33", 1, "127.0.0.1/33", "prefix length");
	parse_err("src 127.0.0.1/08", 1, "127.0.0.1/08", "prefix length");
	parse_err("src [::1/129]", 1, "[::1/129]", "prefix length");
	parse_err("src 256.0.0.1", 1, "256.0.0.1", "IPv4");
	parse_err("src 1.2.3.4.5", 1, "1.2.3.4.5", "IPv4");
	parse_err("src localhost", 1, "localhost", "host names are not supported");
	parse_err("src inet6:127.0.0.1", 1, "inet6:127.0.0.1", "IPv6 address is expected");
	parse_err("src inet:[::1]", 1, "inet:[::1]", "IPv4 address is expected");
	parse_err("src link:lo", 1, "link:lo", "only inet");
	parse_err("autobound", 0, "autobound", "not supported");
	parse_err("dev", -1, "", "device");
	parse_err("dev = no-such-dev0", 2, "no-such-dev0", "unknown device");
	/* The word index is the argv word, even when a word holds several tokens. */
	{
		char w0[] = "sport = :22", w1[] = "or", w2[] = "( src";
		char *words[] = { w0, w1, w2 };
		struct filter_error err;
		struct filter *f;
		uint32_t st;

		assert_int_equal(filter_parse(3, words, 0, &f, &st, &err), -EINVAL);
		assert_int_equal(err.word, -1);
		w2[0] = ')';
		assert_int_equal(filter_parse(3, words, 0, &f, &st, &err), -EINVAL);
		assert_int_equal(err.word, 2);
		assert_string_equal(err.token, ")");
	}
}

/* A token with control bytes is escaped in the line, exact in .token. */
static void test_error_line_escaped(void **state)
{
	char w0[] = "sport", w1[] = "=", w2[] = ":\x1b[2J";
	char *words[] = { w0, w1, w2 };
	struct filter_error err = { 0 };
	struct filter *f = NULL;
	uint32_t st = 0;

	(void)state;
	assert_int_equal(filter_parse(3, words, SOCK_STATES_ALL, &f, &st, &err), -EINVAL);
	assert_string_equal(err.token, ":\x1b[2J");
	assert_null(strchr(err.line, '\x1b'));
	assert_non_null(strstr(err.line, "bad filter at ':\\x1b[2J': "));
}

static void test_limits(void **state)
{
	char *words[300];
	char big[20000];
	struct filter_error err;
	struct filter *f;
	uint32_t st;
	int i;

	/* Deep nesting is refused, not recursed into. */
	for (i = 0; i < 200; i++)
		words[i] = (char *)"(";
	assert_int_equal(filter_parse(200, words, 0, &f, &st, &err), -EINVAL);
	assert_non_null(strstr(err.message, "deeply"));
	for (i = 0; i < 200; i++)
		words[i] = (char *)"!";
	assert_int_equal(filter_parse(200, words, 0, &f, &st, &err), -EINVAL);
	/* Over-long input is refused. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	words[0] = big;
	assert_int_equal(filter_parse(1, words, 0, &f, &st, &err), -EINVAL);
	assert_non_null(strstr(err.message, "too long"));
	/* NULL words are skipped; nwords 0 is no filter. */
	words[0] = NULL;
	assert_int_equal(filter_parse(1, words, 7, &f, &st, &err), 0);
	assert_null(f);
	assert_int_equal(st, 7);
	assert_true(filter_match(NULL, NULL, NULL));
	filter_free(NULL);
}

static void add_unix(struct sock_table *t, const char *name, size_t len, bool abstract,
		     uint32_t inode, uint32_t peer)
{
	struct sock_entry e = { 0 };

	e.family = AF_UNIX;
	e.proto = SOCK_PROTO_UNIX;
	e.type = SOCK_STREAM;
	e.state = SOCK_STATE_LISTEN;
	e.inode = inode;
	e.peer_inode = peer;
	e.flags = SOCK_F_PEER_KNOWN;
	if (len)
		e.flags |= SOCK_F_HAS_PATH;
	if (abstract)
		e.flags |= SOCK_F_ABSTRACT;
	assert_int_equal(sock_table_add(t, &e, name, len), 0);
}

static unsigned int unix_matches(const struct sock_table *t, const char *s, int family)
{
	struct filter *f = parse_ok_family(s, family, NULL);
	unsigned int got = 0;
	size_t i;

	for (i = 0; i < t->len; i++)
		if (filter_match(f, &t->entries[i], t))
			got |= 1u << i;
	filter_free(f);
	return got;
}

static void test_unix(void **state)
{
	struct sock_table t = { 0 };
	struct sock_entry v4 = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_LISTEN, "127.0.0.1", 22,
				    "0.0.0.0", 0);

	add_unix(&t, "/tmp/u/sock", 11, false, 100, 0);       /* 0 */
	add_unix(&t, "/tmp/u/Other.sock", 18, false, 101, 0); /* 1: with its trailing NUL */
	add_unix(&t, "\0lsock-abs", 10, true, 102, 0);        /* 2: ss shows @lsock-abs */
	add_unix(&t, NULL, 0, false, 103, 104);               /* 3: unnamed */
	assert_int_equal(sock_table_add(&t, &v4, NULL, 0), 0); /* 4 */

	/* ss -x: globs (fnmatch, case-insensitive) against the shown name. */
	assert_int_equal(unix_matches(&t, "src /tmp/u/*", AF_UNIX), 0x3);
	assert_int_equal(unix_matches(&t, "src /TMP/U/*", AF_UNIX), 0x3);
	assert_int_equal(unix_matches(&t, "src /tmp/u/[a-z]ock", AF_UNIX), 0x1);
	assert_int_equal(unix_matches(&t, "src *sock", AF_UNIX), 0x3);
	assert_int_equal(unix_matches(&t, "src @lsock*", AF_UNIX), 0x4);
	assert_int_equal(unix_matches(&t, "src lsock*", AF_UNIX), 0);
	assert_int_equal(unix_matches(&t, "src *", AF_UNIX), 0xf);
	/* ss never knows the peer's name: only patterns matching "" match. */
	assert_int_equal(unix_matches(&t, "dst /tmp/u/sock", AF_UNIX), 0);
	assert_int_equal(unix_matches(&t, "dst *", AF_UNIX), 0xf);
	assert_int_equal(unix_matches(&t, "not src /tmp/*", AF_UNIX), 0xc);
	/* ss compares UNIX "ports" with the inode and the peer's inode. */
	assert_int_equal(unix_matches(&t, "sport = :101", AF_UNIX), 0x2);
	assert_int_equal(unix_matches(&t, "sport > :101", AF_UNIX), 0xc);
	assert_int_equal(unix_matches(&t, "dport = :104", AF_UNIX), 0x8);
	/* unix: restricts to UNIX sockets; '/' and '@' words are globs anyway. */
	assert_int_equal(unix_matches(&t, "src unix:@lsock-abs", AF_UNSPEC), 0x4);
	assert_int_equal(unix_matches(&t, "src unix:*", AF_UNSPEC), 0xf);
	assert_int_equal(unix_matches(&t, "src /tmp/u/sock or src 127.0.0.1", AF_UNSPEC), 0x11);
	assert_int_equal(unix_matches(&t, "src @lsock-abs", AF_UNSPEC), 0x4);
	/* An inet condition never matches a UNIX socket, a wildcard does. */
	assert_int_equal(unix_matches(&t, "src 0.0.0.0/0", AF_UNSPEC), 0x10);
	assert_int_equal(unix_matches(&t, "src *", AF_UNSPEC), 0x1f);
	sock_table_free(&t);
}

static void test_preferred_family(void **state)
{
	struct sock_entry m[NMIX];
	struct filter *f;

	mix(m);
	/* -4: every address is inet, and only AF_INET sockets match. */
	f = parse_ok_family("sport = :5000 or dport = :5000", AF_INET, NULL);
	assert_true(filter_match(f, &m[E4_CLI5000], NULL));
	assert_false(filter_match(f, &m[L6_DUAL], NULL));
	filter_free(f);
	f = parse_ok_family("src *", AF_INET6, NULL);
	assert_true(filter_match(f, &m[E6M_CLI], NULL));
	assert_false(filter_match(f, &m[L4_22], NULL));
	filter_free(f);
	{
		char w0[] = "src", w1[] = "127.0.0.1";
		char *words[] = { w0, w1 };
		struct filter_error err;
		uint32_t st;

		assert_int_equal(filter_parse_family(2, words, AF_INET6, 0, &f, &st, &err), -EINVAL);
		assert_int_equal(err.word, 1);
		assert_int_equal(filter_parse_family(2, words, AF_PACKET, 0, &f, &st, &err), -EINVAL);
	}
}

/* dev NAME on rows of the caller's namespace (filter_apply()): looked up here. */
static void f_dev_lo_here(void)
{
	struct sock_entry e = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_LISTEN, "127.0.0.1", 22,
				   "0.0.0.0", 0);
	struct sock_table t = { 0 };
	struct filter *f = parse_ok("dev lo");

	e.ifindex = 1;
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	e.ifindex = 0;
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	filter_apply(&t, SOCK_STATES_ALL, f);
	assert_int_equal(t.len, 1);
	assert_int_equal(t.entries[0].ifindex, 1);
	filter_free(f);
	sock_table_free(&t);
}

static void test_dev(void **state)
{
	struct sock_entry e = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_LISTEN, "127.0.0.1", 22,
				   "0.0.0.0", 0);
	struct filter *f;

	f = parse_ok("dev = 7");
	assert_false(filter_match(f, &e, NULL));
	e.ifindex = 7;
	assert_true(filter_match(f, &e, NULL));
	filter_free(f);
	f = parse_ok("dev != 7");
	assert_false(filter_match(f, &e, NULL));
	filter_free(f);
	f = parse_ok("dev lo"); /* the loopback device exists in every netns */
	e.ifindex = 1;
	assert_true(filter_match(f, &e, NULL));
	filter_free(f);
	/* /proc rows do not say which device: neither = nor != matches them. */
	e.flags &= (uint16_t)~SOCK_F_IFINDEX_KNOWN;
	f = parse_ok("dev != 7");
	assert_false(filter_match(f, &e, NULL));
	filter_free(f);
	f = parse_ok("dev = 1");
	assert_false(filter_match(f, &e, NULL));
	filter_free(f);
}

/* A dev NAME is matched by the name a row's index has in the row's own
 * namespace (with -G, -N), not by one index for all of them. */
static void test_dev_name_netns(void **state)
{
	char buf[256], *words[16];
	struct ifname_cache_entry n0[] = { { 5, "ethX0" } }, n1[] = { { 5, "other" }, { 7, "ethX0" } };
	struct snapshot_ns v[2] = { { .ifnames = { n0, 1, 1 } }, { .ifnames = { n1, 2, 2 } } };
	struct snapshot_netns netns = { .v = v, .len = 2 };
	struct sock_entry e = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_LISTEN, "127.0.0.1", 22,
				   "0.0.0.0", 0);
	struct filter_prune fp = { .states = SOCK_STATES_ALL };
	struct snapshot_request req = { 0 };
	struct filter *f = NULL;
	struct sock_table t = { 0 };
	struct filter_error err;
	uint32_t st;
	int n;

	(void)state;
	/* Unknown here: an error, unless other namespaces are listed. */
	n = split("dev = ethX0 and not pid = 1", buf, sizeof(buf), words, 16);
	assert_int_equal(filter_parse_family(n, words, AF_UNSPEC, SOCK_STATES_ALL, &f, &st, &err),
			 -EINVAL);
	assert_int_equal(filter_parse_flags(n, words, AF_UNSPEC, FILTER_PARSE_ANY_DEV,
					    SOCK_STATES_ALL, &f, &st, &err), 0);
	fp.filter = f;
	e.ifindex = 5; /* ethX0 in namespace 0 */
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	e.netns_idx = 1; /* index 5 is another device in namespace 1 */
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	e.ifindex = 7; /* ethX0 there */
	e.lport = 23;
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	filter_prune_request(&req, &fp);
	assert_non_null(req.prune_owned);
	req.prune_owned(&t, NULL, &netns, req.prune_data);
	assert_int_equal(t.len, 2);
	assert_int_equal(t.entries[0].netns_idx, 0);
	assert_int_equal(t.entries[1].lport, 23);
	/* Without the namespaces: the index the name had here at parse (none). */
	assert_false(filter_match(f, &t.entries[0], NULL));
	filter_free(f);
	sock_table_free(&t);
	/* In the caller's namespace, looked up there: lo is index 1 in every one. */
	f_dev_lo_here();
}

/* A name that resolves to no index here (let through by -G/-N) names no
 * socket: not the unbound ones (index 0), in no evaluation mode. */
static void test_dev_name_unknown(void **state)
{
	char buf[64], *words[4];
	struct sock_entry e = inet(AF_INET, SOCK_PROTO_TCP, SOCK_STATE_LISTEN, "127.0.0.1", 22,
				   "0.0.0.0", 0);
	struct sock_table t = { 0 };
	struct filter *f = NULL;
	struct filter_error err;
	uint32_t st;
	int n;

	(void)state;
	n = split("dev = no-such-dev0", buf, sizeof(buf), words, 4);
	assert_int_equal(filter_parse_flags(n, words, AF_UNSPEC, FILTER_PARSE_ANY_DEV,
					    SOCK_STATES_ALL, &f, &st, &err), 0);
	e.ifindex = 0; /* bound to no device, index known (a sock_diag row) */
	assert_true(e.flags & SOCK_F_IFINDEX_KNOWN);
	/* Without namespaces (--events' filter_match_owners()). */
	assert_false(filter_match(f, &e, NULL));
	/* Looked up in the caller's namespace (filter_apply()). */
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	filter_apply(&t, SOCK_STATES_ALL, f);
	assert_int_equal(t.len, 0);
	filter_free(f);
	/* And != holds for it: no socket has that name. */
	f = NULL;
	n = split("dev != no-such-dev0", buf, sizeof(buf), words, 4);
	assert_int_equal(filter_parse_flags(n, words, AF_UNSPEC, FILTER_PARSE_ANY_DEV,
					    SOCK_STATES_ALL, &f, &st, &err), 0);
	assert_true(filter_match(f, &e, NULL));
	e.ifindex = 1;
	assert_true(filter_match(f, &e, NULL));
	filter_free(f);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_matches_v4_mapped),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_one_word_and_escapes),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_unix),
		cmocka_unit_test(test_preferred_family),
		cmocka_unit_test(test_dev),
		cmocka_unit_test(test_dev_name_netns),
		cmocka_unit_test(test_dev_name_unknown),
		cmocka_unit_test(test_error_line_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
