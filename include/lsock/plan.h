/* SPDX-License-Identifier: MIT */
/*
 * options -> query plan: what to collect (protocols, families, states pushed
 * to the kernel, whether to walk /proc for owners) and how to show it.  The
 * visible columns decide what is collected.
 */
#ifndef LSOCK_PLAN_H
#define LSOCK_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/columns.h"
#include "lsock/options.h"
#include "lsock/sort.h"

struct filter;

struct query_plan {
	uint32_t protos;      /* SOCK_PROTO_BIT mask, never 0 */
	bool protos_given;    /* protocols were named (-t -u -U -w -x), not defaulted */
	bool inet4;
	bool inet6;
	uint32_t states;      /* SOCK_STATE_BIT mask pushed to the kernel and checked after */
	enum state_select state_select;
	enum source_mode source;
	enum output_format format;
	unsigned needs;       /* enum column_need */
	bool header;
	bool verbose;
	const char *proc_root;
	bool single_table;    /* -o: one table for every socket */
	struct column_list inet_cols;
	struct column_list unix_cols;
	struct sort_spec sort;
	struct filter *filter; /* owned; NULL if no expression */
};

/*
 * Builds the plan.  Usage errors (bad -o column, bad --sort key, bad filter)
 * return -EINVAL with a one-line message in err; -ENOMEM otherwise.
 */
int plan_build(const struct lsock_options *o, struct query_plan *ret, char *err, size_t errlen);

void plan_free(struct query_plan *p);

/* Whether plan p lists sockets of (proto, family). */
bool plan_wants(const struct query_plan *p, enum sock_proto proto, uint8_t family);

#endif
