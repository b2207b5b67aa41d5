/* SPDX-License-Identifier: MIT */
/*
 * The streamed listing (src/cli/list_stream.c): when nothing needs every
 * row at once, the rows are rendered and flushed batch by batch as the
 * dump brings them (snapshot_stream(), fmt_stream_begin()), so memory does
 * not grow with the sockets listed.
 */
#ifndef LSOCK_LIST_STREAM_H
#define LSOCK_LIST_STREAM_H

#include <stdbool.h>

#include "lsock/plan.h"

/*
 * Whether plan p's listing streams: text (without --explain), --json or
 * --ndjson; no --sort, no owners (-p, or a pid/comm filter), no summary
 * or audit, no extension records (-e -i -m -o with them), lsock's own
 * network namespace only, and p->batch_rows not 0.  Everything else needs
 * the whole table (an order, an owner walk matched against every row,
 * totals) and takes it.
 */
bool list_streams(const struct query_plan *p);

/* Lists as list() in main.c does, streaming.  Returns the exit status:
 * 0 listed, 1 nothing matched, 3 a runtime error (reported on stderr). */
int list_stream(const struct query_plan *p);

#endif
