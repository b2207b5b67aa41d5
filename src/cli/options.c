/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/columns.h"
#include "lsock/escape.h"
#include "lsock/i18n.h"
#include "lsock/options.h"
#include "lsock/owner.h"
#include "lsock/proto.h"

enum {
	OPT_JSON = 0x100,
	OPT_NDJSON,
	OPT_SORT,
	OPT_SOURCE,
	OPT_AUDIT,
	OPT_EXPLAIN,
	OPT_COLOR,
	OPT_FORMAT,
	OPT_OUTPUT_FILE,
	OPT_OWNERS,
	OPT_PROTO_BASE = 0x200, /* + enum sock_proto: a protocol flag */
};

/* Options that are not protocols; the protocol table adds its own.  The
 * leading ":" makes getopt return ":" for a missing argument. */
static const char short_opts[] = ":lanpe46WHk:svhVoOimGN:c::EK";

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
	{ "columns", required_argument, NULL, 'k' },
	{ "timers", no_argument, NULL, 'o' },
	{ "options", no_argument, NULL, 'o' }, /* ss's long name */
	{ "oneline", no_argument, NULL, 'O' },
	{ "info", no_argument, NULL, 'i' },
	{ "memory", no_argument, NULL, 'm' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "ndjson", no_argument, NULL, OPT_NDJSON },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "summary", no_argument, NULL, 's' },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "owners", required_argument, NULL, OPT_OWNERS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "all-netns", no_argument, NULL, 'G' },
	{ "netns", required_argument, NULL, 'N' },
	{ "audit", no_argument, NULL, OPT_AUDIT },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "watch", optional_argument, NULL, 'c' },
	{ "events", no_argument, NULL, 'E' },
	{ "kill", no_argument, NULL, 'K' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
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

static const char help_head[] = N_(
	"Usage: lsock [OPTIONS] [FILTER]\n"
	"List sockets (TCP, UDP, UDP-Lite, RAW, ICMP, UNIX) and the processes that own them.\n"
	"\n"
	"Protocols (none of them: all):\n");

static const char help_body[] = N_(
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
	"  -e, --extend       add the User and Inode columns, the socket cookie (sk), the\n"
	"                     shutdown state, and for UNIX the bound path's device and\n"
	"                     inode (vfs) and a listener's pending connections\n"
	"  -W, --wide         accepted for netstat compatibility; nothing is truncated\n"
	"  -H, --no-header    no title or header lines\n"
	"  -k, --columns LIST text columns, comma-separated (see Columns)\n"
	"  -o, --timers       show TCP timers, as ss -o and netstat -o (also --options)\n"
	"  -i, --info         show TCP internals (tcp_info, congestion algorithm), as ss -i\n"
	"  -m, --memory       show socket memory (skmem), as ss -m\n"
	"  -O, --oneline      accepted for ss compatibility; every socket is one line\n"
	"      --sort KEYS    sort keys, comma-separated (see Sort keys)\n"
	"      --json         one JSON document (schema 1, see lsock-json(7))\n"
	"      --ndjson       one JSON object per socket per line\n"
	"  -s, --summary      counts by protocol, family and state, the kernel's socket\n"
	"                     figures and trouble counters, and full listeners\n"
	"\n"
	"Network namespaces (default: lsock's own; a note says when listeners hide in others):\n"
	"  -G, --all-netns    every network namespace on the host, with a NetNS column:\n"
	"                     the ip netns name, the container (docker:web, podman:db,\n"
	"                     k8s:NS/POD/CONTAINER, lxc:NAME, nspawn:NAME), host, or\n"
	"                     net:[INODE]; without root, those lsock may enter\n"
	"  -N, --netns NAME|PATH|PID\n"
	"                     one namespace: an ip netns NAME, an nsfs PATH, or a PID's\n"
	"                     network namespace\n"
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
	"Audit and explanations:\n"
	"      --audit        listening sockets by exposure, most exposed first, with\n"
	"                     their owners, units and services (see lsock(8) AUDIT)\n"
	"      --explain      numbered notes after the table on what appears in it\n"
	"      --color=auto|always|never\n"
	"                     colour the states, exposed listeners and note markers;\n"
	"                     auto (default): on a terminal, unless NO_COLOR is set\n"
	"\n"
	"Modes:\n"
	"  -c, --watch [SECONDS]\n"
	"                     list, then every SECONDS (default 1, at least 0.1) print\n"
	"                     only what changed: + new, - closed, state changes\n"
	"  -E, --events       print TCP and UDP sockets as the kernel destroys them\n"
	"  -K, --kill         close every socket the FILTER selects (SOCK_DESTROY;\n"
	"                     needs CAP_NET_ADMIN; a FILTER is required)\n"
	"      --format=text|json|ndjson|prometheus\n"
	"                     prometheus: listener and socket-count metrics for\n"
	"                     node_exporter's textfile collector\n"
	"      --output-file FILE\n"
	"                     write the metrics to FILE atomically (--format=prometheus)\n"
	"\n"
	"  -h, --help         this help\n"
	"  -V, --version      version\n"
	"\n");

static const char help_tail[] = N_(
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
	"Exit status: 0 sockets listed, 1 nothing matched, 2 usage error, 3 runtime failure.\n"
	"  --kill: 0 every selected socket killed, 1 none matched, 3 some kill failed.\n");

void options_help(struct outbuf *o)
{
	size_t p;

	outbuf_puts(o, _(help_head));
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
		outbuf_puts(o, _(d->help));
		outbuf_putc(o, '\n');
	}
	outbuf_puts(o, _(help_body));
	column_help(o);
	outbuf_puts(o, _(help_tail));
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
/*
 * Whether getopt_long's error is about the long option word (argv[optind -
 * 1] after the error) rather than about a letter of a short cluster: in a
 * cluster ("-Zt") glibc does not advance optind past it, so the word before
 * it may be an earlier, valid long option.  glibc sets optopt to 0 for an
 * unknown or ambiguous long option, and to the option's val when a known
 * one is misused ("--tcp=1").
 */
static bool long_word_error(const struct option_set *s, const char *word, int opt)
{
	const char *name = word + 2, *eq;
	size_t n, i;

	if (strncmp(word, "--", 2))
		return false;
	if (opt == 0 || opt == '?')
		return true;
	eq = strchr(name, '=');
	n = eq ? (size_t)(eq - name) : strlen(name);
	for (i = 0; n && s->longs[i].name; i++)
		if (!strncmp(s->longs[i].name, name, n) && s->longs[i].val == opt)
			return true;
	return false;
}

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
	set_err(err, errlen, _("option '--%s' is ambiguous; possibilities: %s"),
		esc_text_cstr(typed, shown, sizeof(shown)), list);
	return true;
}

static int set_format(struct lsock_options *o, enum output_format f, char *err, size_t errlen)
{
	if (o->format != OUTPUT_TEXT && o->format != f) {
		set_err(err, errlen, _("--json and --ndjson cannot be used together"));
		return -EINVAL;
	}
	o->format = f;
	return 0;
}

/* Sets the mode, refusing a second one. */
static int set_mode(struct lsock_options *o, enum lsock_mode m, char *err, size_t errlen)
{
	if (o->mode != MODE_LIST && o->mode != m) {
		set_err(err, errlen, _("--watch, --events, --kill and --format=prometheus cannot be combined"));
		return -EINVAL;
	}
	o->mode = m;
	return 0;
}

/*
 * A --watch interval: decimal seconds with at most three decimals
 * ("0.2", "5").  Below WATCH_MIN_MS it is refused rather than quietly
 * raised: a snapshot of a busy host takes tens of milliseconds, and an
 * interval the tool cannot keep would be a claim it does not meet.
 */
static int parse_interval(const char *s, unsigned *ret_ms, char *err, size_t errlen)
{
	unsigned long whole = 0, frac = 0, scale = 1000;
	const char *p = s;
	char word[80];

	*ret_ms = 0;
	while (*p >= '0' && *p <= '9' && whole <= WATCH_MAX_MS / 1000)
		whole = whole * 10 + (unsigned long)(*p++ - '0');
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9' && scale > 1) {
			scale /= 10;
			frac += (unsigned long)(*p++ - '0') * scale;
		}
	}
	if (*p || p == s || (p == s + 1 && *s == '.')) {
		set_err(err, errlen, _("invalid --watch interval '%s' (expected seconds, e.g. 0.5)"),
			esc_text_cstr(s, word, sizeof(word)));
		return -EINVAL;
	}
	if (whole * 1000 + frac < WATCH_MIN_MS || whole * 1000 + frac > WATCH_MAX_MS) {
		set_err(err, errlen, _("--watch interval '%s' is out of range (0.1 to 86400 seconds)"),
			esc_text_cstr(s, word, sizeof(word)));
		return -EINVAL;
	}
	*ret_ms = (unsigned)(whole * 1000 + frac);
	return 0;
}

/* What the modes cannot be combined with. */
static int check_mode(const struct lsock_options *o, char *err, size_t errlen)
{
	if (o->mode != MODE_LIST && o->summary) {
		set_err(err, errlen, _("--summary cannot be used with --watch, --events, --kill or --format=prometheus"));
		return -EINVAL;
	}
	/* The destroy groups multicast to listeners in the socket's own
	 * namespace only (sock_diag_broadcast_destroy() uses sock_net(sk)), so
	 * --events sees lsock's namespace and no other: refused rather than
	 * quietly showing another namespace's events than the one asked for. */
	if (o->mode == MODE_EVENTS && (o->all_netns || o->netns)) {
		set_err(err, errlen, _("--events cannot be used with --all-netns or --netns (the "
				     "kernel sends destroy events only to lsock's own network namespace)"));
		return -EINVAL;
	}
	if ((o->mode == MODE_WATCH || o->mode == MODE_EVENTS) && o->format == OUTPUT_JSON) {
		set_err(err, errlen, "--%s streams: use --ndjson, not --json",
			o->mode == MODE_WATCH ? "watch" : "events");
		return -EINVAL;
	}
	if (o->mode == MODE_KILL && o->nwords == 0) {
		/* ss -K with no filter closes every socket it lists. */
		set_err(err, errlen, _("--kill needs a FILTER (it closes every socket it selects), "
				     "e.g. lsock -K -t dport = :8080"));
		return -EINVAL;
	}
	if (o->mode == MODE_PROMETHEUS && o->format != OUTPUT_TEXT) {
		set_err(err, errlen, _("--format=prometheus cannot be used with --json or --ndjson"));
		return -EINVAL;
	}
	if (o->output_file && o->mode != MODE_PROMETHEUS) {
		set_err(err, errlen, _("--output-file needs --format=prometheus"));
		return -EINVAL;
	}
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

	o.watch_ms = WATCH_DEFAULT_MS;
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
		case 'k':
			o.columns = optarg;
			break;
		case 'o':
			o.timers = true;
			break;
		case 'O':
			break; /* lsock always prints one line per socket */
		case 'i':
			o.info = true;
			break;
		case 'm':
			o.memory = true;
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
				set_err(err, errlen, _("invalid --source '%s' (expected auto, netlink or proc)"),
					esc_text_cstr(optarg, word, sizeof(word)));
				return -EINVAL;
			}
			break;
		case OPT_AUDIT:
			o.audit = true;
			break;
		case OPT_EXPLAIN:
			o.explain = true;
			break;
		case OPT_COLOR:
			if (!strcmp(optarg, "auto")) {
				o.color = COLOR_AUTO;
			} else if (!strcmp(optarg, "always")) {
				o.color = COLOR_ALWAYS;
			} else if (!strcmp(optarg, "never")) {
				o.color = COLOR_NEVER;
			} else {
				set_err(err, errlen, _("invalid --color '%s' (expected auto, always or never)"),
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
				set_err(err, errlen, _("invalid --owners '%s' (expected auto, bpf or proc)"),
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
		case 'G':
			o.all_netns = true;
			break;
		case 'N':
			o.netns = optarg;
			break;
		case 'c':
			if (set_mode(&o, MODE_WATCH, err, errlen) < 0)
				return -EINVAL;
			/* "--watch 0.2" as well as "--watch=0.2" and "-c0.2":
			 * a next word that starts like a number is the interval
			 * (no filter word does). */
			if (!optarg && optind < argc && argv[optind][0] &&
			    strchr("0123456789.", argv[optind][0]))
				optarg = argv[optind++];
			if (optarg && parse_interval(optarg, &o.watch_ms, err, errlen) < 0)
				return -EINVAL;
			break;
		case 'E':
			if (set_mode(&o, MODE_EVENTS, err, errlen) < 0)
				return -EINVAL;
			break;
		case 'K':
			if (set_mode(&o, MODE_KILL, err, errlen) < 0)
				return -EINVAL;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "prometheus")) {
				if (set_mode(&o, MODE_PROMETHEUS, err, errlen) < 0)
					return -EINVAL;
			} else if (!strcmp(optarg, "json") || !strcmp(optarg, "ndjson")) {
				if (set_format(&o, optarg[0] == 'j' ? OUTPUT_JSON : OUTPUT_NDJSON, err,
					       errlen) < 0)
					return -EINVAL;
			} else if (strcmp(optarg, "text")) {
				set_err(err, errlen, _("invalid --format '%s' (expected text, json, ndjson or prometheus)"),
					esc_text_cstr(optarg, word, sizeof(word)));
				return -EINVAL;
			}
			break;
		case OPT_OUTPUT_FILE:
			o.output_file = optarg;
			break;
		case ':':
			set_err(err, errlen, _("option '%s' needs an argument"),
				esc_text_cstr(argv[optind - 1], word, sizeof(word)));
			return -EINVAL;
		default:
			/* A long option (unknown, ambiguous, or "--tcp=1") is named
			 * by its word; glibc's optopt would point at the wrong
			 * letter.  An unknown short option is named by optopt: its
			 * word may be a cluster. */
			if (long_word_error(&set, argv[optind - 1], optopt) || !optopt ||
			    optopt == '?') {
				if (!strncmp(argv[optind - 1], "--", 2) &&
				    ambiguous(&set, argv[optind - 1], err, errlen))
					return -EINVAL;
				set_err(err, errlen, _("unknown option or bad use of '%s' (see lsock --help)"),
					esc_text_cstr(argv[optind - 1], word, sizeof(word)));
			} else {
				char opt[3] = { '-', (char)optopt, 0 };

				set_err(err, errlen, _("unknown option '%s' (see lsock --help)"),
					esc_text_cstr(opt, word, sizeof(word)));
			}
			return -EINVAL;
		}
	}
	if (o.all_netns && o.netns) {
		set_err(err, errlen, _("--all-netns and --netns cannot be used together"));
		return -EINVAL;
	}
	if (o.audit && (o.summary || o.columns)) {
		set_err(err, errlen, _("--audit cannot be used with %s"),
			o.summary ? "--summary" : "-k/--columns");
		return -EINVAL;
	}
	if (o.summary && o.format == OUTPUT_NDJSON) {
		set_err(err, errlen, _("--summary and --ndjson cannot be used together (use --json)"));
		return -EINVAL;
	}
	o.nwords = argc - optind;
	o.words = argv + optind;
	if (check_mode(&o, err, errlen) < 0)
		return -EINVAL;
	*ret = o;
	return 0;
}
