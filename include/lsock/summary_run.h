/* SPDX-License-Identifier: MIT */
/*
 * What -s gathers beyond the snapshot: the counts of its table, the
 * kernel's figures and counters, and the full listeners with their owners.
 * The owner walk runs only when some listener is more than half full, and
 * records only those listeners' inodes.
 */
#ifndef LSOCK_SUMMARY_RUN_H
#define LSOCK_SUMMARY_RUN_H

#include "lsock/ifnames.h"
#include "lsock/owner.h"
#include "lsock/plan.h"
#include "lsock/summary.h"

struct summary_run {
	struct summary_counts counts;
	struct sockstat kernel;
	struct summary_ns *ns;    /* -G, -N: one per namespace listed */
	struct sockstat *ns_kernel; /* -G, -N: their figures, parallel to ns */
	struct sock_table full;   /* copies of the full listeners */
	struct owner_map owners;
	struct ifname_cache ifnames;
	struct render_ctx ctx;    /* over full */
	struct summary sum;       /* what the formatters read */
};

/*
 * Fills *ret (written on every path; release it with summary_run_free())
 * from the table collected for plan (list->table; list->netns, the
 * namespaces it was collected in: with --all-netns or --netns, their
 * figures, each read from inside it, and counts per namespace).  A failed
 * owner walk is said on stderr and leaves the listeners without owners; an
 * incomplete one gets the usual note.  Returns 0 or -ENOMEM.
 */
int summary_run_build(const struct query_plan *plan, const struct render_ctx *list,
		      struct summary_run *ret);

void summary_run_free(struct summary_run *r);

/*
 * The whole of -s for the listing list: builds the run, writes the summary in the
 * plan's format to o, and frees the run.  Out of memory becomes o's sticky
 * error (-ENOMEM), which the caller reports when it flushes.
 */
void summary_write(struct outbuf *o, const struct query_plan *plan, const struct render_ctx *list);

#endif
