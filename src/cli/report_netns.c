/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lsock/escape.h"
#include "lsock/i18n.h"
#include "lsock/plan.h"
#include "lsock/report.h"

int report_netns(const struct query_plan *plan, const struct snapshot_netns *n)
{
	const struct netns_request *nr = &plan->netns;
	char shown[128];

	if (nr->select == NETNS_SELECT_ONE && n->enter_error) {
		int e = -n->enter_error;

		fprintf(stderr, _("lsock: cannot enter network namespace '%s': %s\n"),
			esc_text_cstr(plan->netns_arg, shown, sizeof(shown)),
			e == ESTALE ? _("it changed or went away") : strerror(e));
		return 3;
	}
	if (nr->select == NETNS_SELECT_ALL && (n->n_unentered || n->set.n_denied_procs)) {
		fprintf(stderr, "%s", _("lsock: note: "));
		if (n->n_unentered)
			fprintf(stderr, P_("%u network namespace could not be entered (%s) and is not shown",
					   "%u network namespaces could not be entered (%s) and are not shown",
					   n->n_unentered),
				n->n_unentered, strerror(-n->unentered_error));
		if (n->n_unentered && n->set.n_denied_procs)
			fprintf(stderr, "; ");
		if (n->set.n_denied_procs)
			fprintf(stderr, P_("the network namespace of %u process could not be read",
					   "the network namespace of %u processes could not be read",
					   n->set.n_denied_procs),
				n->set.n_denied_procs);
		fprintf(stderr, "%s\n", geteuid() ? _("; run as root to see every namespace") : "");
	}
	if (n->note_checked && n->hidden_listeners) {
		char where[96];

		/* Two counts, each with its own plural: the namespaces first. */
		snprintf(where, sizeof(where), P_("%u other network namespace", "%u other network namespaces",
						  n->hidden_netns), n->hidden_netns);
		fprintf(stderr, P_("lsock: note: %zu listening socket in %s is not shown; use --all-netns\n",
				   "lsock: note: %zu listening sockets in %s are not shown; use --all-netns\n",
				   n->hidden_listeners),
			n->hidden_listeners, where);
	}
	if (plan->verbose && n->note_checked && n->note_unentered)
		fprintf(stderr, P_("lsock: %u other network namespace could not be looked into\n",
				   "lsock: %u other network namespaces could not be looked into\n",
				   n->note_unentered),
			n->note_unentered);
	return 0;
}
