/* SPDX-License-Identifier: MIT */
/*
 * The modes beside the one-shot listing: each returns lsock's exit status
 * and says on stderr what went wrong.
 */
#ifndef LSOCK_MODES_H
#define LSOCK_MODES_H

#include "lsock/plan.h"

/* -c/--watch: the listing, then the changes every plan->watch_ms until
 * SIGINT or SIGTERM (exit 0). */
int watch_run(const struct query_plan *plan);

/* -E/--events: TCP and UDP sockets as the kernel destroys them, until
 * SIGINT or SIGTERM (exit 0). */
int events_run(const struct query_plan *plan);

/* -K/--kill: SOCK_DESTROY for every selected socket.  0 all killed, 1
 * none matched, 3 some kill failed. */
int kill_run(const struct query_plan *plan);

/* --format=prometheus: the metrics, to stdout or plan->output_file. */
int prom_run(const struct query_plan *plan);

/* Runs plan's mode. */
int modes_run(const struct query_plan *plan);

#endif
