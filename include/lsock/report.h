/* SPDX-License-Identifier: MIT */
/*
 * What the CLI says on stderr about a snapshot: the collect report's
 * warnings and verbose lines, failures, and why some owners are missing.
 * The collectors only fill reports; this is where they become words.
 */
#ifndef LSOCK_REPORT_H
#define LSOCK_REPORT_H

#include <stdbool.h>

#include "lsock/collect.h"
#include "lsock/owner.h"
#include "lsock/options.h"
#include "lsock/snapshot.h"

/* Warnings for every slot (fallbacks, skipped lines), and with verbose the
 * source of each slot. */
void report_collect(const struct collect_spec *s, const struct collect_report *rep, bool verbose);

/* The one-line message for a failed snapshot (err from snapshot_take()).
 * Returns the exit status (3). */
int report_snapshot_failure(const struct collect_spec *s, const struct collect_report *rep,
			    int owners_error, int err);

/* One line (two when a PID namespace adds to another reason), as netstat
 * prints, saying why some owners are missing, worded for the output format:
 * '-' in text, the owners arrays and owners_complete in JSON and NDJSON.
 * With verbose, the processes that could not be inspected are named, up to
 * OWNER_DENIED_KEPT of them, with their comm when it could be read. */
/* What the owner walk's check of the UNIX dump could not vouch for (a
 * warning), and with verbose what it recovered. */
void report_churn(const struct snapshot_churn *c, bool verbose);

void report_owner_note(const struct owner_map *m, enum output_format format, bool verbose);

struct query_plan;
/*
 * The network namespace messages (report_netns.c): why --netns could not
 * enter its namespace (returns 3, the exit status), how many namespaces
 * --all-netns could not enter, and the note about listeners in other
 * namespaces.  Returns 0 otherwise.
 */
int report_netns(const struct query_plan *plan, const struct snapshot_netns *n);

/* With verbose, which source served the owners ("bpf" or "proc"), and for
 * proc why the BPF iterator did not (see owner_map_build_from()). */
void report_owner_source(const struct snapshot *snap, bool verbose);

#endif
