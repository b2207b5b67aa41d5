/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/options.h"
#include "lsock/sock_table.h"

enum {
	OPT_JSON = 0x100,
	OPT_NDJSON,
	OPT_SORT,
	OPT_SOURCE,
};

/* The leading ":" makes getopt return ":" for a missing argument. */
static const char short_opts[] = ":tuxwUlanpe46WHo:vhV";

static const struct option long_opts[] = {
	{ "tcp", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "unix", no_argument, NULL, 'x' },
	{ "raw", no_argument, NULL, 'w' },
	{ "udplite", no_argument, NULL, 'U' },
	{ "listening", no_argument, NULL, 'l' },
	{ "all", no_argument, NULL, 'a' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "programs", no_argument, NULL, 'p' },
	{ "program", no_argument, NULL, 'p' }, /* netstat's man page spelling */
	{ "extend", no_argument, NULL, 'e' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "inet", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "inet6", no_argument, NULL, '6' },
	{ "wide", no_argument, NULL, 'W' },
	{ "no-header", no_argument, NULL, 'H' },
	{ "columns", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "ndjson", no_argument, NULL, OPT_NDJSON },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 },
};

static const char help_text[] =
	"Usage: lsock [OPTIONS] [FILTER]\n"
	"List sockets (TCP, UDP, UDP-Lite, RAW, UNIX) and the processes that own them.\n"
	"\n"
	"Protocols (none of them: all):\n"
	"  -t, --tcp          TCP sockets\n"
	"  -u, --udp          UDP sockets\n"
	"  -U, --udplite      UDP-Lite sockets\n"
	"  -w, --raw          RAW sockets\n"
	"  -x, --unix         UNIX domain sockets\n"
	"  -4, --ipv4         IPv4 only\n"
	"  -6, --ipv6         IPv6 only\n"
	"\n"
	"States (default: connected sockets, i.e. all but listening and unconnected):\n"
	"  -l, --listening    listening TCP/UNIX and unconnected UDP/RAW sockets\n"
	"  -a, --all          sockets in every state\n"
	"\n"
	"Output:\n"
	"  -n, --numeric      numeric ports (host names are never resolved)\n"
	"  -p, --programs     show the owning processes (PID/Program name)\n"
	"  -e, --extend       add the User and Inode columns\n"
	"  -W, --wide         accepted for netstat compatibility; nothing is truncated\n"
	"  -H, --no-header    no title or header lines\n"
	"  -o, --columns LIST text columns, comma-separated: proto,recv_q,send_q,local,\n"
	"                     remote,state,user,uid,inode,cookie,owners,pid,program,type,\n"
	"                     path,peer,v6only,source,family\n"
	"      --sort KEYS    sort by proto,local,remote,lport,rport,state,pid,program,\n"
	"                     inode,queue (comma-separated; prefix '-' to reverse)\n"
	"      --json         one JSON document (schema 1, see lsock-json(7))\n"
	"      --ndjson       one JSON object per socket per line\n"
	"\n"
	"Sources:\n"
	"      --source=auto|netlink|proc\n"
	"                     auto (default): sock_diag, falling back to /proc/net per\n"
	"                     protocol when sock_diag is missing or refused\n"
	"  -v, --verbose      say on stderr which source served which protocol\n"
	"\n"
	"  -h, --help         this help\n"
	"  -V, --version      version\n"
	"\n"
	"FILTER is an ss(8) filter: [ state STATE | exclude STATE ]... [ EXPRESSION ],\n"
	"e.g. 'sport = :22', 'state established dport != :443', 'src 127.0.0.0/8'.\n"
	"\n"
	"Exit status: 0 sockets listed, 1 nothing matched, 2 usage error, 3 runtime failure.\n";

const char *options_printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

const char *options_help(void)
{
	return help_text;
}

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
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
	char word[80];
	int c;

	if (env && *env)
		o.proc_root = env;

	/* We report errors ourselves, in one line, with exit status 2. */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 't':
			o.protos |= SOCK_PROTO_BIT(SOCK_PROTO_TCP);
			break;
		case 'u':
			o.protos |= SOCK_PROTO_BIT(SOCK_PROTO_UDP);
			break;
		case 'U':
			o.protos |= SOCK_PROTO_BIT(SOCK_PROTO_UDPLITE);
			break;
		case 'w':
			o.protos |= SOCK_PROTO_BIT(SOCK_PROTO_RAW);
			break;
		case 'x':
			o.protos |= SOCK_PROTO_BIT(SOCK_PROTO_UNIX);
			break;
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
			o.format = OUTPUT_JSON;
			break;
		case OPT_NDJSON:
			o.format = OUTPUT_NDJSON;
			break;
		case OPT_SORT:
			o.sort = optarg;
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
					options_printable(optarg, word, sizeof(word)));
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
				options_printable(argv[optind - 1], word, sizeof(word)));
			return -EINVAL;
		default:
			/* A long option (unknown, or "--tcp=1") is named by its word;
			 * glibc's optopt would point at the wrong letter.  An unknown
			 * short option is named by optopt: its word may be a cluster. */
			if (!strncmp(argv[optind - 1], "--", 2) || !optopt || optopt == '?') {
				set_err(err, errlen, "unknown option or bad use of '%s' (see lsock --help)",
					options_printable(argv[optind - 1], word, sizeof(word)));
			} else {
				char opt[3] = { '-', (char)optopt, 0 };

				set_err(err, errlen, "unknown option '%s' (see lsock --help)",
					options_printable(opt, word, sizeof(word)));
			}
			return -EINVAL;
		}
	}
	o.nwords = argc - optind;
	o.words = argv + optind;
	*ret = o;
	return 0;
}
