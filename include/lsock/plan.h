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
	/* The modes (watch.c, events.c, kill.c, prom_run.c). */
	enum lsock_mode mode;
	unsigned watch_ms;        /* --watch interval */
	const char *output_file;  /* --format=prometheus --output-file, NULL: stdout */
};

/*
 * Builds the plan.  *ret is written on every path (and is safe to
 * plan_free()).  Usage errors (bad -o column, bad --sort key, bad filter)
 * return -EINVAL with a one-line message in err; -ENOMEM otherwise.
 */
int plan_build(const struct lsock_options *o, struct query_plan *ret, char *err, size_t errlen);

void plan_free(struct query_plan *p);

/* Whether plan p lists sockets of (proto, family). */
bool plan_wants(const struct query_plan *p, enum sock_proto proto, uint8_t family);

#endif
