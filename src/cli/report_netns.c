/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lsock/escape.h"
#include "lsock/plan.h"
#include "lsock/report.h"

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

int report_netns(const struct query_plan *plan, const struct snapshot_netns *n)
{
	const struct netns_request *nr = &plan->netns;
	char shown[128];

	if (nr->select == NETNS_SELECT_ONE && n->enter_error) {
		int e = -n->enter_error;

		fprintf(stderr, "lsock: cannot enter network namespace '%s': %s\n",
			esc_text_cstr(plan->netns_arg, shown, sizeof(shown)),
			e == ESTALE ? "it changed or went away" : strerror(e));
		return 3;
	}
	if (nr->select == NETNS_SELECT_ALL && (n->n_unentered || n->set.n_denied_procs)) {
		fprintf(stderr, "lsock: note: ");
		if (n->n_unentered)
			fprintf(stderr, "%u network %s could not be entered (%s) and %s not shown",
				n->n_unentered, plural(n->n_unentered, "namespace", "namespaces"),
				strerror(-n->unentered_error), plural(n->n_unentered, "is", "are"));
		if (n->n_unentered && n->set.n_denied_procs)
			fprintf(stderr, "; ");
		if (n->set.n_denied_procs)
			fprintf(stderr, "the network namespace of %u %s could not be read",
				n->set.n_denied_procs,
				plural(n->set.n_denied_procs, "process", "processes"));
		fprintf(stderr, "%s\n", geteuid() ? "; run as root to see every namespace" : "");
	}
	if (n->note_checked && n->hidden_listeners)
		fprintf(stderr,
			"lsock: note: %zu listening %s in %u other network %s %s not shown; "
			"use --all-netns\n",
			n->hidden_listeners, plural(n->hidden_listeners, "socket", "sockets"),
			n->hidden_netns, plural(n->hidden_netns, "namespace", "namespaces"),
			plural(n->hidden_listeners, "is", "are"));
	if (plan->verbose && n->note_checked && n->note_unentered)
		fprintf(stderr, "lsock: %u other network %s could not be looked into\n",
			n->note_unentered, plural(n->note_unentered, "namespace", "namespaces"));
	return 0;
}
