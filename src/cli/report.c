/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lsock/escape.h"
#include "lsock/report.h"
#include "lsock/sock_names.h"

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
		if (sl->proc_error) {
			fprintf(stderr, "lsock: cannot read %s sockets from %s/net: %s\n", label,
				s->proc_root, strerror(-sl->proc_error));
			return 3;
		}
	}
	fprintf(stderr, "lsock: %s\n", strerror(-err));
	return 3;
}

/* What a socket of an invisible process looks like in the output produced:
 * text shows "-" (netstat's word), JSON an owners array without it. */
static const char *owner_gap(enum output_format format)
{
	switch (format) {
	case OUTPUT_JSON:
		return "lack those owners (\"owners_complete\": false)";
	case OUTPUT_NDJSON:
		return "lack those owners (\"owners_complete\": false on every line)";
	case OUTPUT_TEXT:
		break;
	}
	return "show no owner ('-')";
}

/*
 * The processes that could not be inspected: with verbose, the first few
 * by pid and comm (escaped: a comm is any bytes), else a hint.  Writes
 * into buf, "" when none were counted.
 */
static const char *denied_list(const struct owner_map *m, bool verbose, char *buf, size_t len)
{
	unsigned i, kept = m->n_denied < OWNER_DENIED_KEPT ? m->n_denied : OWNER_DENIED_KEPT;
	size_t n = 0;

	buf[0] = '\0';
	if (m->n_denied == 0)
		return buf;
	if (!verbose) {
		snprintf(buf, len, "; -v names them");
		return buf;
	}
	n += (size_t)snprintf(buf + n, len - n, ":");
	for (i = 0; i < kept && n < len; i++) {
		const struct owner_denied *d = &m->denied[i];
		char comm[OWNER_COMM_MAX + 1], shown[4 * OWNER_COMM_MAX + 1];

		n += (size_t)snprintf(buf + n, len - n, "%s %d", i ? "," : "", (int)d->pid);
		if (!d->comm_known || n >= len)
			continue;
		memcpy(comm, d->comm, d->comm_len);
		comm[d->comm_len] = '\0';
		n += (size_t)snprintf(buf + n, len - n, " (%s)",
				      d->comm_len ? esc_text_cstr(comm, shown, sizeof(shown)) : "\"\"");
	}
	if (m->n_denied > kept && n < len)
		snprintf(buf + n, len - n, " and %u more", m->n_denied - kept);
	return buf;
}

void report_owner_note(const struct owner_map *m, enum output_format format, bool verbose)
{
	const char *gap = owner_gap(format);
	char denied[1536];

	denied_list(m, verbose, denied, sizeof(denied));
	/* A second line when a foreign PID namespace adds to another reason. */
	if (m->foreign_pidns)
		fprintf(stderr, "lsock: note: running in a PID namespace; processes outside it are "
				"invisible, so their sockets %s\n", gap);
	if (m->n_denied == 0 && m->privileged)
		return; /* the PID namespace was the only gap */
	if (m->hidepid && !m->privileged)
		fprintf(stderr, "lsock: note: /proc is mounted with hidepid, so other users' processes are "
				"invisible; their sockets %s\n", gap);
	else if (geteuid() != 0)
		fprintf(stderr, "lsock: note: not all processes could be identified%s%s%s; sockets of "
				"other users' processes %s; run as root to see them all\n",
			m->n_denied && verbose ? " (permission denied" : "",
			m->n_denied && verbose ? denied : "", m->n_denied && verbose ? ")" : "", gap);
	else if (m->n_denied == 0)
		fprintf(stderr, "lsock: note: running without CAP_SYS_PTRACE, so other users' processes "
				"may be hidden; their sockets would %s\n", gap);
	else
		fprintf(stderr, "lsock: note: %u process(es) could not be inspected (permission "
				"denied%s); their sockets %s\n", m->n_denied, denied, gap);
}
