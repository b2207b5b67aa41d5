/* SPDX-License-Identifier: MIT */
/*
 * Formatters: the netstat-style text table and JSON/NDJSON.  They read the
 * (filtered, sorted) table and write to an outbuf; they never fail visibly,
 * write errors are sticky in the outbuf.
 */
#ifndef LSOCK_FMT_H
#define LSOCK_FMT_H

#include <stdbool.h>

#include "lsock/columns.h"
#include "lsock/outbuf.h"
#include "lsock/plan.h"

/* Text: netstat's sections (Internet, then UNIX), or one table with -o. */
void fmt_text(struct outbuf *o, const struct query_plan *p, const struct render_ctx *c);

/*
 * JSON schema 1 (lsock-json(7)): {"schema":1,[ "owners_complete":B,]"sockets":[...]}.
 * owners_complete is written only when owners were collected.
 */
void fmt_json(struct outbuf *o, const struct query_plan *p, const struct render_ctx *c,
	      bool owners_complete);

/* NDJSON: the same socket objects, one per line. */
void fmt_ndjson(struct outbuf *o, const struct query_plan *p, const struct render_ctx *c);

#define LSOCK_JSON_SCHEMA 1

#endif
