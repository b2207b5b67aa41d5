/* SPDX-License-Identifier: MIT */
/*
 * Command line -> struct lsock_options.  No globals: main() owns the struct.
 */
#ifndef LSOCK_OPTIONS_H
#define LSOCK_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/collect.h"
#include "lsock/outbuf.h"

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
	OUTPUT_NDJSON,
};

/* -4 / -6 */
#define OPT_FAMILY_INET4 (1u << 0)
#define OPT_FAMILY_INET6 (1u << 1)

/* --color=WHEN */
enum color_when {
	COLOR_AUTO, /* default: a tty, NO_COLOR unset or empty, TERM set and not "dumb" */
	COLOR_ALWAYS,
	COLOR_NEVER,
};

/* Which states -l / -a select before any filter words. */
enum state_select {
	STATES_CONNECTED, /* default, like netstat: SOCK_STATES_CONNECTED */
	STATES_LISTENING, /* -l */
	STATES_ALL,       /* -a */
};

/* What lsock does: list once (the default), or one of the modes of
 * watch.c, events.c, kill.c, prom_run.c. */
enum lsock_mode {
	MODE_LIST,
	MODE_WATCH,      /* -c/--watch [SECONDS] */
	MODE_EVENTS,     /* -E/--events */
	MODE_KILL,       /* -K/--kill */
	MODE_PROMETHEUS, /* --format=prometheus */
};

/* --watch: the default interval, and the shortest one accepted. */
#define WATCH_DEFAULT_MS 1000u
#define WATCH_MIN_MS 100u
#define WATCH_MAX_MS (24u * 3600u * 1000u)

struct lsock_options {
	uint32_t protos;   /* SOCK_PROTO_BIT mask from the protocol flags; 0: none given */
	uint32_t families; /* OPT_FAMILY_* from -4 -6; 0: none given */
	enum state_select states;
	bool numeric;
	bool programs;
	bool extend;
	bool no_header;
	bool verbose;
	bool summary;      /* -s: the summary instead of the list */
	bool timers;       /* -o: the timer column, as ss -o and netstat -o */
	bool info;         /* -i: the tcp_info column, as ss -i */
	bool memory;       /* -m: the skmem column, as ss -m */
	bool help;
	bool version;
	enum output_format format;
	enum source_mode source;
	uint8_t owner_source; /* enum owner_source (lsock/owner.h): --owners */
	const char *columns; /* -k/--columns LIST, NULL if not given */
	const char *sort;    /* --sort KEYS, NULL if not given */
	const char *proc_root;
	bool all_netns;      /* -G: every network namespace */
	const char *netns;   /* -N NAME|PATH|PID, NULL if not given */
	bool audit;          /* --audit: listeners by exposure */
	bool explain;        /* --explain: numbered notes after the table */
	enum color_when color;
	enum lsock_mode mode;
	unsigned watch_ms;   /* --watch interval in milliseconds */
	const char *output_file; /* --output-file FILE, NULL if not given */
	int nwords;          /* filter words after the options */
	char **words;
};

/*
 * Parses argv.  *ret is written on every path.  On error returns -EINVAL
 * and writes a one-line message (without "lsock: " and without newline,
 * user input escaped) into err.  proc_root defaults to "/proc", or
 * $LSOCK_PROC_ROOT if set (a test seam, like ss's PROC_ROOT).
 */
int options_parse(int argc, char **argv, struct lsock_options *ret, char *err, size_t errlen);

/* Writes the --help text. */
void options_help(struct outbuf *o);

#endif
