/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/columns.h"
#include "lsock/escape.h"
#include "lsock/options.h"
#include "lsock/owner.h"
#include "lsock/proto.h"

enum {
	OPT_JSON = 0x100,
	OPT_NDJSON,
	OPT_SORT,
	OPT_SOURCE,
	OPT_OWNERS,
	OPT_PROTO_BASE = 0x200, /* + enum sock_proto: a protocol flag */
};

/* Options that are not protocols; the protocol table adds its own.  The
 * leading ":" makes getopt return ":" for a missing argument. */
static const char short_opts[] = ":lanpe46WHo:svhV";

static const struct option fixed_opts[] = {
	{ "listening", no_argument, NULL, 'l' },
	{ "all", no_argument, NULL, 'a' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "programs", no_argument, NULL, 'p' },
	{ "program", no_argument, NULL, 'p' }, /* netstat's man page spelling */
	{ "extend", no_argument, NULL, 'e' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "inet", no_argument, NULL, '4' },    /* netstat's --inet */
	{ "ipv6", no_argument, NULL, '6' },
	{ "inet6", no_argument, NULL, '6' },   /* netstat's --inet6 */
	{ "wide", no_argument, NULL, 'W' },
	{ "no-header", no_argument, NULL, 'H' },
	{ "columns", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "ndjson", no_argument, NULL, OPT_NDJSON },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "summary", no_argument, NULL, 's' },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "owners", required_argument, NULL, OPT_OWNERS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Every long option: the protocol table's, then the fixed ones, then the
 * terminator getopt_long wants. */
struct option_set {
	struct option longs[_SOCK_PROTO_MAX + ARRAY_SIZE(fixed_opts) + 1];
	char shorts[sizeof(short_opts) + _SOCK_PROTO_MAX];
};

static void option_set_build(struct option_set *s)
{
	size_t n = 0, k = 0, p;

	memset(s, 0, sizeof(*s));
	s->shorts[k++] = ':';
	for (p = 0; p < _SOCK_PROTO_MAX; p++) {
		const struct proto_desc *d = proto_get((enum sock_proto)p);

		s->longs[n++] = (struct option){ d->opt_long, no_argument, NULL,
						 OPT_PROTO_BASE + (int)p };
		if (d->opt_short)
			s->shorts[k++] = d->opt_short;
	}
	memcpy(s->longs + n, fixed_opts, sizeof(fixed_opts));
	memcpy(s->shorts + k, short_opts + 1, sizeof(short_opts) - 1);
}

static const char help_head[] =
	"Usage: lsock [OPTIONS] [FILTER]\n"
	"List sockets (TCP, UDP, UDP-Lite, RAW, ICMP, UNIX) and the processes that own them.\n"
	"\n"
	"Protocols (none of them: all):\n";

static const char help_body[] =
	"  -4, --ipv4         IPv4 only (also --inet)\n"
	"  -6, --ipv6         IPv6 only (also --inet6)\n"
	"\n"
	"States (default: connected sockets, i.e. all but listening and unconnected):\n"
	"  -l, --listening    listening TCP/UNIX and unconnected UDP/RAW sockets\n"
	"  -a, --all          sockets in every state\n"
	"\n"
	"Output:\n"
	"  -n, --numeric      numeric ports and users (host names are never resolved)\n"
	"  -p, --programs     show the owning processes (also --program)\n"
	"  -e, --extend       add the User and Inode columns\n"
	"  -W, --wide         accepted for netstat compatibility; nothing is truncated\n"
	"  -H, --no-header    no title or header lines\n"
	"  -o, --columns LIST text columns, comma-separated (see Columns)\n"
	"      --sort KEYS    sort keys, comma-separated (see Sort keys)\n"
	"      --json         one JSON document (schema 1, see lsock-json(7))\n"
	"      --ndjson       one JSON object per socket per line\n"
	"  -s, --summary      counts by protocol, family and state, the kernel's socket\n"
	"                     figures and trouble counters, and full listeners\n"
	"\n"
	"Sources:\n"
	"      --source=auto|netlink|proc\n"
	"                     auto (default): sock_diag, falling back to /proc/net per\n"
	"                     protocol when sock_diag is missing or refused\n"
	"      --owners=auto|bpf|proc\n"
	"                     where -p finds owners; auto (default): the kernel's BPF\n"
	"                     task_file iterator when it can be used (root, BTF), else\n"
	"                     the /proc walk\n"
	"  -v, --verbose      say on stderr which source served which protocol (or why\n"
	"                     none did), and name the processes lsock could not inspect\n"
	"\n"
	"  -h, --help         this help\n"
	"  -V, --version      version\n"
	"\n";

static const char help_tail[] =
	"\n"
	"FILTER is an ss(8) filter: [ state STATE | exclude STATE ]... [ EXPRESSION ]\n"
	"  Keywords:  state exclude excl src dst sport dport dev pid comm uid user and or not\n"
	"  Operators: = == eq != ne neq > gt < lt >= ge geq <= le leq && & || | !\n"
	"  States:    established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait\n"
	"             closed close-wait last-ack listening closing\n"
	"  Groups:    all connected synchronized bucket big\n"
	"  and/or have no precedence, they apply left to right: use parentheses.\n"
	"  e.g. 'sport = :22', 'state established dport != :443', 'src 127.0.0.0/8'.\n"
	"  lsock extensions: pid and comm (a process holding the socket; comm is a glob),\n"
	"  uid and user (the socket's uid), e.g. 'comm = nginx* and not user = root'.\n"
	"\n"
	"Exit status: 0 sockets listed, 1 nothing matched, 2 usage error, 3 runtime failure.\n";

void options_help(struct outbuf *o)
{
	size_t p;

	outbuf_puts(o, help_head);
	for (p = 0; p < _SOCK_PROTO_MAX; p++) {
		const struct proto_desc *d = proto_get((enum sock_proto)p);
		size_t n = strlen(d->opt_long);

		if (d->opt_short) {
			outbuf_puts(o, "  -");
			outbuf_putc(o, d->opt_short);
			outbuf_puts(o, ", --");
		} else {
			outbuf_puts(o, "      --");
		}
		outbuf_puts(o, d->opt_long);
		outbuf_pad(o, n < 13 ? 13 - n : 1);
		outbuf_puts(o, d->help);
		outbuf_putc(o, '\n');
	}
	outbuf_puts(o, help_body);
	column_help(o);
	outbuf_puts(o, help_tail);
}

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * getopt_long refuses an abbreviation that fits several options with the
 * same '?' as an unknown one; say which it was.  Returns true and fills err
 * if word ("--so=x") abbreviates more than one distinct option.
 */
static bool ambiguous(const struct option_set *s, const char *word, char *err, size_t errlen)
{
	const char *name = word + 2, *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name), i, len = 0, hits = 0;
	char list[256], typed[80], shown[96];
	int first_val = 0;
	bool distinct = false;

	list[0] = '\0';
	for (i = 0; n && s->longs[i].name; i++) {
		if (strncmp(s->longs[i].name, name, n))
			continue;
		if (strlen(s->longs[i].name) == n)
			return false; /* an exact match is never ambiguous */
		if (hits++ == 0)
			first_val = s->longs[i].val;
		else if (s->longs[i].val != first_val)
			distinct = true;
		len += (size_t)snprintf(list + len, len < sizeof(list) ? sizeof(list) - len : 0,
					"%s'--%s'", hits > 1 ? ", " : "", s->longs[i].name);
		if (len >= sizeof(list))
			len = sizeof(list) - 1;
	}
	if (!distinct)
		return false;
	snprintf(typed, sizeof(typed), "%.*s", (int)(n < 60 ? n : 60), name);
	set_err(err, errlen, "option '--%s' is ambiguous; possibilities: %s",
		esc_text_cstr(typed, shown, sizeof(shown)), list);
	return true;
}

static int set_format(struct lsock_options *o, enum output_format f, char *err, size_t errlen)
{
	if (o->format != OUTPUT_TEXT && o->format != f) {
		set_err(err, errlen, "--json and --ndjson cannot be used together");
		return -EINVAL;
	}
	o->format = f;
	return 0;
}

int options_parse(int argc, char **argv, struct lsock_options *ret, char *err, size_t errlen)
{
	struct lsock_options o = {
		.states = STATES_CONNECTED,
		.format = OUTPUT_TEXT,
		.source = SOURCE_AUTO,
		.proc_root = "/proc",
	};
	/* secure_getenv: should lsock ever run with file capabilities, a user
	 * must not point its privileged /proc reads at a tree of their own. */
	const char *env = secure_getenv("LSOCK_PROC_ROOT");
	struct option_set set;
	char word[80];
	int c;

	*ret = o;
	if (env && *env)
		o.proc_root = env;
	option_set_build(&set);

	/* We report errors ourselves, in one line, with exit status 2. */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, set.shorts, set.longs, NULL)) != -1) {
		if (c >= OPT_PROTO_BASE && c < OPT_PROTO_BASE + _SOCK_PROTO_MAX) {
			o.protos |= SOCK_PROTO_BIT(c - OPT_PROTO_BASE);
			continue;
		}
		if (c > 0 && c < 0x100 && strchr(set.shorts, c)) {
			size_t p;

			for (p = 0; p < _SOCK_PROTO_MAX; p++)
				if (proto_get((enum sock_proto)p)->opt_short == c)
					break;
			if (p < _SOCK_PROTO_MAX) {
				o.protos |= SOCK_PROTO_BIT(p);
				continue;
			}
		}
		switch (c) {
		case '4':
			o.families |= OPT_FAMILY_INET4;
			break;
		case '6':
			o.families |= OPT_FAMILY_INET6;
			break;
		case 'l':
			/* netstat: -a wins over -l whatever the order */
			if (o.states != STATES_ALL)
				o.states = STATES_LISTENING;
			break;
		case 'a':
			o.states = STATES_ALL;
			break;
		case 'n':
			o.numeric = true;
			break;
		case 'p':
			o.programs = true;
			break;
		case 'e':
			o.extend = true;
			break;
		case 'W':
			break;
		case 'H':
			o.no_header = true;
			break;
		case 'o':
			o.columns = optarg;
			break;
		case OPT_JSON:
			if (set_format(&o, OUTPUT_JSON, err, errlen) < 0)
				return -EINVAL;
			break;
		case OPT_NDJSON:
			if (set_format(&o, OUTPUT_NDJSON, err, errlen) < 0)
				return -EINVAL;
			break;
		case OPT_SORT:
			o.sort = optarg;
			break;
		case 's':
			o.summary = true;
			break;
		case OPT_SOURCE:
			if (!strcmp(optarg, "auto")) {
				o.source = SOURCE_AUTO;
			} else if (!strcmp(optarg, "netlink")) {
				o.source = SOURCE_NETLINK;
			} else if (!strcmp(optarg, "proc")) {
				o.source = SOURCE_PROC;
			} else {
				set_err(err, errlen, "invalid --source '%s' (expected auto, netlink or proc)",
					esc_text_cstr(optarg, word, sizeof(word)));
				return -EINVAL;
			}
			break;
		case OPT_OWNERS:
			if (!strcmp(optarg, "auto")) {
				o.owner_source = OWNER_SOURCE_AUTO;
			} else if (!strcmp(optarg, "bpf")) {
				o.owner_source = OWNER_SOURCE_BPF;
			} else if (!strcmp(optarg, "proc")) {
				o.owner_source = OWNER_SOURCE_PROC;
			} else {
				set_err(err, errlen, "invalid --owners '%s' (expected auto, bpf or proc)",
					esc_text_cstr(optarg, word, sizeof(word)));
				return -EINVAL;
			}
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			o.help = true;
			break;
		case 'V':
			o.version = true;
			break;
		case ':':
			set_err(err, errlen, "option '%s' needs an argument",
				esc_text_cstr(argv[optind - 1], word, sizeof(word)));
			return -EINVAL;
		default:
			/* A long option (unknown, ambiguous, or "--tcp=1") is named
			 * by its word; glibc's optopt would point at the wrong
			 * letter.  An unknown short option is named by optopt: its
			 * word may be a cluster. */
			if (!strncmp(argv[optind - 1], "--", 2) || !optopt || optopt == '?') {
				if (!strncmp(argv[optind - 1], "--", 2) &&
				    ambiguous(&set, argv[optind - 1], err, errlen))
					return -EINVAL;
				set_err(err, errlen, "unknown option or bad use of '%s' (see lsock --help)",
					esc_text_cstr(argv[optind - 1], word, sizeof(word)));
			} else {
				char opt[3] = { '-', (char)optopt, 0 };

				set_err(err, errlen, "unknown option '%s' (see lsock --help)",
					esc_text_cstr(opt, word, sizeof(word)));
			}
			return -EINVAL;
		}
	}
	if (o.summary && o.format == OUTPUT_NDJSON) {
		set_err(err, errlen, "--summary and --ndjson cannot be used together (use --json)");
		return -EINVAL;
	}
	o.nwords = argc - optind;
	o.words = argv + optind;
	*ret = o;
	return 0;
}
