/* SPDX-License-Identifier: MIT */
/*
 * options -> query plan: what to collect (a collect_spec for the
 * collectors, and whether owners are needed), how to filter and sort it,
 * and how to show it.  The visible columns decide what is collected.
 */
#ifndef LSOCK_PLAN_H
#define LSOCK_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/collect.h"
#include "lsock/columns.h"
#include "lsock/fmt.h"
#include "lsock/options.h"
#include "lsock/snapshot_netns.h"
#include "lsock/sort.h"

struct filter;

struct query_plan {
	struct collect_spec spec; /* what the collectors read */
	enum output_format format;
	unsigned needs;           /* enum column_need: what to collect beyond the dump */
	bool verbose;
	bool summary;             /* -s: count the listed sockets instead of listing them */
	struct text_layout layout;
	struct sort_spec sort;
	struct filter *filter;    /* owned; NULL if no expression */
	struct netns_request netns; /* which network namespaces; netns.path is owned */
	const char *netns_arg;    /* -N as typed, for messages */
	bool audit;               /* --audit: listeners by exposure */
	bool explain;             /* --explain: notes after the text table */
	bool color;               /* --color, resolved against the tty and the environment */
	/* The modes (watch.c, events.c, kill.c, prom_run.c). */
	enum lsock_mode mode;
	unsigned watch_ms;        /* --watch interval */
	const char *output_file;  /* --format=prometheus --output-file, NULL: stdout */
	size_t batch_rows;        /* LSOCK_BATCH_ROWS: rows a streamed listing renders at a
				   * time (list_streams()); 0: never stream */
};

/* The batch a streamed listing renders and flushes at a time: big enough
 * that its widths are nearly always the whole listing's, small enough to
 * stay in the cache (88 bytes a row). */
#define PLAN_BATCH_ROWS 4096
#define PLAN_BATCH_ROWS_MAX (1u << 24)

/* Protocols --audit covers: those whose sockets can be reached from a network. */
#define PLAN_AUDIT_PROTOS                                                                          \
	(SOCK_PROTO_BIT(SOCK_PROTO_TCP) | SOCK_PROTO_BIT(SOCK_PROTO_UDP) |                        \
	 SOCK_PROTO_BIT(SOCK_PROTO_UDPLITE) | SOCK_PROTO_BIT(SOCK_PROTO_RAW))

/*
 * Whether to colour: --color=always, or --color=auto (the default) with
 * stdout a terminal, NO_COLOR unset or empty (no-color.org), and TERM set
 * and not "dumb".  Never for JSON.  Reads the environment and isatty(1).
 */
bool plan_color(enum color_when when, enum output_format format);

/*
 * Builds the plan.  *ret is written on every path (and is safe to
 * plan_free()); on failure it is the zeroed plan and nothing built on the
 * way (filter, namespace path) is kept.  Usage errors (bad -o column, bad --sort key, bad filter)
 * return -EINVAL with a one-line message in err; -ENOMEM otherwise.
 */
int plan_build(const struct lsock_options *o, struct query_plan *ret, char *err, size_t errlen);

void plan_free(struct query_plan *p);

/* Whether plan p lists sockets of (proto, family). */
bool plan_wants(const struct query_plan *p, enum sock_proto proto, uint8_t family);

#endif
