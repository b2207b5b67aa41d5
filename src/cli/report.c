/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lsock/procnet.h"
#include "lsock/proto.h"
#include "lsock/report.h"
#include "lsock/sock_names.h"

/* The file of <proc_root>/net that holds the sockets of slot sl. */
static const char *slot_proc_file(const struct collect_slot *sl)
{
	const struct proto_desc *d = proto_get(sl->proto);

	return d ? d->proc_file[proto_family_index(sl->family)] : "UNKNOWN";
}

void report_collect(const struct collect_spec *s, const struct collect_report *rep, bool verbose)
{
	size_t i;

	for (i = 0; i < rep->nslots; i++) {
		const struct collect_slot *sl = &rep->slots[i];
		const char *label = sock_proto_label(sl->proto, sl->family);

		if (sl->netlink_dropped)
			fprintf(stderr, "lsock: warning: left out %zu malformed sock_diag record(s) for %s\n",
				sl->netlink_dropped, label);
		/* The kernel has a handler (this was no quiet "not here"), yet we
		 * read /proc/net/unix, where a name holding a newline can pass for
		 * a row of its own. */
		if (sl->noisy_fallback)
			fprintf(stderr, "lsock: warning: sock_diag dump of %s failed (%s); using /proc/net%s\n",
				label, strerror(-sl->netlink_error),
				sl->proto == SOCK_PROTO_UNIX ?
					", where UNIX names may be ambiguous (see lsock(8))" : "");
		if (sl->proc_duplicates)
			fprintf(stderr, "lsock: warning: /proc/net snapshot of %s was inconsistent "
					"(%zu socket(s) listed twice, kept once)\n",
				label, sl->proc_duplicates);
		if (sl->proc_skipped)
			fprintf(stderr, "lsock: warning: skipped %zu malformed line(s) in /proc/net for %s\n",
				sl->proc_skipped, label);
		if (!verbose)
			continue;
		if (sl->served)
			fprintf(stderr, "lsock: %s: %s%s%s%s\n", label, sock_source_name(sl->source),
				sl->netlink_error ? " (sock_diag: " : "",
				sl->netlink_error ? strerror(-sl->netlink_error) : "",
				sl->netlink_error ? ")" : "");
		else
			fprintf(stderr, "lsock: %s: not available on this system\n", label);
	}
}

int report_snapshot_failure(const struct collect_spec *s, const struct collect_report *rep,
			    int owners_error, int err)
{
	size_t i;

	if (err == -ENOMEM) {
		fprintf(stderr, "lsock: out of memory\n");
		return 3;
	}
	if (owners_error) {
		fprintf(stderr, "lsock: cannot resolve owners from %s: %s\n", s->proc_root,
			strerror(-owners_error));
		return 3;
	}
	for (i = 0; i < rep->nslots; i++) {
		const struct collect_slot *sl = &rep->slots[i];
		const char *label = sock_proto_label(sl->proto, sl->family);

		if (sl->served)
			continue;
		if (s->source == SOURCE_NETLINK && sl->netlink_error) {
			fprintf(stderr, "lsock: sock_diag netlink unavailable for %s: %s\n", label,
				strerror(-sl->netlink_error));
			return 3;
		}
		if (sl->proc_error == -PROCNET_NOT_REGULAR) {
			fprintf(stderr, "lsock: cannot read %s sockets: %s/net/%s is not a regular file "
					"(a FIFO or a device?); refused it\n",
				label, s->proc_root, slot_proc_file(sl));
			return 3;
		}
		if (sl->proc_error) {
			fprintf(stderr, "lsock: cannot read %s sockets from %s/net: %s\n", label,
				s->proc_root, strerror(-sl->proc_error));
			return 3;
		}
	}
	fprintf(stderr, "lsock: %s\n", strerror(-err));
	return 3;
}

void report_owner_note(const struct owner_map *m, enum output_format format)
{
	/* Only a fake tree has a FIFO or a device where /proc has a file; one
	 * line for all of them. */
	if (m->n_irregular)
		fprintf(stderr, "lsock: warning: refused %u file(s) of the /proc tree that are not "
				"regular files (a FIFO or a device?); owners may be missing ('-')\n",
			m->n_irregular);
	/* A second line when a foreign PID namespace adds to another reason. */
	if (m->foreign_pidns)
		fprintf(stderr, "lsock: note: running in a PID namespace; processes outside it are "
				"invisible, so their sockets show no owner ('-')\n");
	if (m->n_denied == 0 && m->privileged)
		return; /* the PID namespace or refused files were the only gap */
	if (m->hidepid && !m->privileged)
		fprintf(stderr, "lsock: note: /proc is mounted with hidepid, so other users' processes are "
				"invisible; their sockets show no owner ('-')\n");
	else if (geteuid() != 0)
		fprintf(stderr, "lsock: note: not all processes could be identified; sockets of other "
				"users' processes show no owner ('-'); run as root to see them all\n");
	else if (m->n_denied == 0)
		fprintf(stderr, "lsock: note: running without CAP_SYS_PTRACE, so other users' processes "
				"may be hidden; their sockets would show no owner ('-')\n");
	else
		fprintf(stderr, "lsock: note: %u process(es) could not be inspected (permission denied); "
				"their sockets show no owner ('-')\n", m->n_denied);
}
