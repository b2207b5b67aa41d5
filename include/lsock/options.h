/* SPDX-License-Identifier: MIT */
/*
 * Command line -> struct lsock_options.  No globals: main() owns the struct.
 */
#ifndef LSOCK_OPTIONS_H
#define LSOCK_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
	OUTPUT_NDJSON,
};

enum source_mode {
	SOURCE_AUTO,
	SOURCE_NETLINK,
	SOURCE_PROC,
};

/* -4 / -6 */
#define OPT_FAMILY_INET4 (1u << 0)
#define OPT_FAMILY_INET6 (1u << 1)

enum state_select {
	STATES_CONNECTED, /* default, like netstat */
	STATES_LISTENING, /* -l */
	STATES_ALL,       /* -a */
};

struct lsock_options {
	uint32_t protos;   /* SOCK_PROTO_BIT mask from -t -u -x -w -U; 0: none given */
	uint32_t families; /* OPT_FAMILY_* from -4 -6; 0: none given */
	enum state_select states;
	bool numeric;
	bool programs;
	bool extend;
	bool no_header;
	bool verbose;
	bool help;
	bool version;
	enum output_format format;
	enum source_mode source;
	const char *columns; /* -o LIST, NULL if not given */
	const char *sort;    /* --sort KEYS, NULL if not given */
	const char *proc_root;
	int nwords;          /* filter words after the options */
	char **words;
};

/*
 * Parses argv.  On error returns -EINVAL and writes a one-line message
 * (without "lsock: " and without newline) into err.
 * proc_root defaults to "/proc", or $LSOCK_PROC_ROOT if set (a test seam,
 * like ss's PROC_ROOT).
 */
int options_parse(int argc, char **argv, struct lsock_options *ret, char *err, size_t errlen);

/* Copies s into buf (len bytes) with every byte outside printable ASCII
 * as '?', for a one-line error message that echoes what the user typed. */
const char *options_printable(const char *s, char *buf, size_t len);

/* The --help text. */
const char *options_help(void);

#endif
