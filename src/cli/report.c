/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lsock/escape.h"
#include "lsock/i18n.h"
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

/*
 * Why sock_diag did not serve sl (which has a netlink_error), in words:
 * the socket could not be had at all; the kernel has no handler for the
 * protocol (it answers DONE(-ENOENT), e.g. raw without CONFIG_INET_RAW_DIAG,
 * and no kernel has one for ping sockets, which lsock does not even ask
 * about); or the dump failed.
 */
static void netlink_reason(const struct collect_report *rep, const struct collect_slot *sl,
			   char *buf, size_t size)
{
	const struct proto_desc *d = proto_get(sl->proto);
	const char *label = sock_proto_label(sl->proto, sl->family);

	if (rep->transport_error && sl->netlink_error == rep->transport_error)
		snprintf(buf, size, _("no sock_diag socket: %s"), strerror(-sl->netlink_error));
	else if (sl->netlink_error == -ENOENT && d && d->diag == PROTO_DIAG_NONE)
		snprintf(buf, size, _("sock_diag has no handler for %s"), label);
	else if (sl->netlink_error == -ENOENT)
		snprintf(buf, size, _("sock_diag has no handler for %s on this kernel"), label);
	else
		snprintf(buf, size, _("sock_diag dump failed: %s"), strerror(-sl->netlink_error));
}

/* Why <proc_root>/net did not serve sl (which has a proc_error), in words. */
static void proc_reason(const struct collect_spec *s, const struct collect_slot *sl, char *buf,
			size_t size)
{
	const char *file = slot_proc_file(sl);

	if (sl->proc_error == -ENOENT)
		snprintf(buf, size, _("%s/net/%s does not exist"), s->proc_root, file);
	else if (sl->proc_error == -PROCNET_NOT_REGULAR)
		snprintf(buf, size, _("%s/net/%s is not a regular file"), s->proc_root, file);
	else
		snprintf(buf, size, _("%s/net/%s: %s"), s->proc_root, file, strerror(-sl->proc_error));
}

/*
 * The -v line of one slot: which source served it and, when sock_diag was
 * passed over, why; or, when nothing served it, what each source said.
 * Every line states what happened, never a guess about the system.
 */
static void report_slot_source(const struct collect_spec *s, const struct collect_report *rep,
			       const struct collect_slot *sl)
{
	const char *label = sock_proto_label(sl->proto, sl->family);
	char nl[160], proc[PATH_MAX + 64];

	if (sl->netlink_error)
		netlink_reason(rep, sl, nl, sizeof(nl));
	else
		snprintf(nl, sizeof(nl), _("sock_diag not asked: --source=proc"));
	if (sl->served && sl->source == SOCK_SOURCE_NETLINK) {
		fprintf(stderr, "lsock: %s: netlink\n", label);
	} else if (sl->served) {
		fprintf(stderr, "lsock: %s: proc (%s)\n", label, nl);
	} else if (s->source == SOURCE_NETLINK && sl->netlink_error) {
		fprintf(stderr, _("lsock: %s: not listed: %s; %s/net/%s not read (--source=netlink)\n"),
			label, nl, s->proc_root, slot_proc_file(sl));
	} else if (sl->proc_error) {
		proc_reason(s, sl, proc, sizeof(proc));
		fprintf(stderr, _("lsock: %s: not listed: %s; %s\n"), label, nl, proc);
	} else {
		/* Collection stopped at this slot (out of memory). */
		fprintf(stderr, _("lsock: %s: not listed\n"), label);
	}
}

void report_collect(const struct collect_spec *s, const struct collect_report *rep, bool verbose)
{
	size_t i;

	for (i = 0; i < rep->nslots; i++) {
		const struct collect_slot *sl = &rep->slots[i];
		const char *label = sock_proto_label(sl->proto, sl->family);

		if (sl->netlink_dropped)
			fprintf(stderr, _("lsock: warning: left out %zu malformed sock_diag record(s) for %s\n"),
				sl->netlink_dropped, label);
		/* The kernel has a handler (this was no quiet "not here"), yet we
		 * read /proc/net/unix, where a name holding a newline can pass for
		 * a row of its own. */
		if (sl->noisy_fallback)
			fprintf(stderr, _("lsock: warning: sock_diag dump of %s failed (%s); using /proc/net%s\n"),
				label, strerror(-sl->netlink_error),
				sl->proto == SOCK_PROTO_UNIX ?
					_(", where UNIX names may be ambiguous (see lsock(8))") : "");
		/* Nothing tells which rows are the forged ones: say so, once. */
		if (sl->proc_unaccounted)
			fprintf(stderr, _("lsock: warning: /proc/net/unix has %zu row(s) more than the "
					"kernel has UNIX sockets: a name holding a newline forges rows "
					"there (or sockets came and went); UNIX names and rows from "
					"/proc may be forged (see lsock(8))\n"),
				sl->proc_unaccounted);
		if (sl->proc_duplicates)
			fprintf(stderr, _("lsock: warning: /proc/net snapshot of %s was inconsistent "
					"(%zu socket(s) listed twice, kept once)\n"),
				label, sl->proc_duplicates);
		if (sl->proc_skipped)
			fprintf(stderr, _("lsock: warning: skipped %zu malformed line(s) in /proc/net for %s\n"),
				sl->proc_skipped, label);
		if (verbose)
			report_slot_source(s, rep, sl);
	}
}

int report_snapshot_failure(const struct collect_spec *s, const struct collect_report *rep,
			    int owners_error, int err)
{
	size_t i;

	if (err == -ENOMEM) {
		fprintf(stderr, _("lsock: out of memory\n"));
		return 3;
	}
	if (owners_error && s->owner_source == OWNER_SOURCE_BPF) {
		fprintf(stderr, _("lsock: --owners=bpf: cannot use the BPF iterator: %s\n"),
			_(owner_bpf_strerror(owners_error)));
		return 3;
	}
	if (owners_error) {
		fprintf(stderr, _("lsock: cannot resolve owners from %s: %s\n"), s->proc_root,
			strerror(-owners_error));
		return 3;
	}
	for (i = 0; i < rep->nslots; i++) {
		const struct collect_slot *sl = &rep->slots[i];
		const char *label = sock_proto_label(sl->proto, sl->family);

		if (sl->served)
			continue;
		if (s->source == SOURCE_NETLINK && sl->netlink_error) {
			char nl[160];

			netlink_reason(rep, sl, nl, sizeof(nl));
			fprintf(stderr, _("lsock: cannot list %s sockets over netlink: %s; "
					"--source=netlink does not read %s/net/%s\n"),
				label, nl, s->proc_root, slot_proc_file(sl));
			return 3;
		}
		if (sl->proc_error == -PROCNET_NOT_REGULAR) {
			fprintf(stderr, _("lsock: cannot read %s sockets: %s/net/%s is not a regular file "
					"(a FIFO or a device?); refused it\n"),
				label, s->proc_root, slot_proc_file(sl));
			return 3;
		}
		if (sl->proc_error) {
			fprintf(stderr, _("lsock: cannot read %s sockets from %s/net: %s\n"), label,
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
		return _("lack those owners (\"owners_complete\": false)");
	case OUTPUT_NDJSON:
		return _("lack those owners (\"owners_complete\": false on every line)");
	case OUTPUT_TEXT:
		break;
	}
	return _("show no owner ('-')");
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
		snprintf(buf, len, _("; -v names them"));
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
		snprintf(buf + n, len - n, _(" and %u more"), m->n_denied - kept);
	return buf;
}

void report_owner_note(const struct owner_map *m, enum output_format format, bool verbose)
{
	const char *gap = owner_gap(format);
	char denied[1536];

	denied_list(m, verbose, denied, sizeof(denied));
	/* Only a fake tree has a FIFO or a device where /proc has a file; one
	 * line for all of them. */
	if (m->n_irregular)
		fprintf(stderr, _("lsock: warning: refused %u file(s) of the /proc tree that are not "
				"regular files (a FIFO or a device?); owners may be missing\n"),
			m->n_irregular);
	/* A second line when a foreign PID namespace adds to another reason. */
	if (m->foreign_pidns)
		fprintf(stderr, _("lsock: note: running in a PID namespace; processes outside it are "
				"invisible, so their sockets %s\n"), gap);
	if (m->n_denied == 0 && m->privileged)
		return; /* the PID namespace or refused files were the only gap */
	if (m->hidepid && !m->privileged)
		fprintf(stderr, _("lsock: note: /proc is mounted with hidepid, so other users' processes are "
				"invisible; their sockets %s\n"), gap);
	else if (geteuid() != 0)
		fprintf(stderr, _("lsock: note: not all processes could be identified%s%s%s; sockets of "
				"other users' processes %s; run as root to see them all\n"),
			m->n_denied && verbose ? _(" (permission denied") : "",
			m->n_denied && verbose ? denied : "", m->n_denied && verbose ? ")" : "", gap);
	else if (m->n_denied == 0)
		fprintf(stderr, _("lsock: note: running without CAP_SYS_PTRACE, so other users' processes "
				"may be hidden; their sockets would %s\n"), gap);
	else
		fprintf(stderr, _("lsock: note: %u process(es) could not be inspected (permission "
				"denied%s); their sockets %s\n"), m->n_denied, denied, gap);
}

void report_churn(const struct snapshot_churn *c, bool verbose)
{
	if (c->unverified)
		fprintf(stderr, _("lsock: warning: %zu UNIX socket(s) held by processes could not be "
				"checked against the sock_diag dump (%s); the listing may miss them\n"),
			c->unverified, c->lookup_error ? strerror(-c->lookup_error) : _("lookup budget"));
	if (verbose && c->recovered)
		fprintf(stderr, _("lsock: unix: %zu socket(s) a dump missed under churn were fetched "
				"by inode\n"), c->recovered);
}

void report_owner_source(const struct snapshot *snap, bool verbose)
{
	const struct owner_map *m = &snap->owners;

	if (!verbose || !snap->owners_walked)
		return;
	if (m->source == OWNER_SOURCE_BPF)
		fprintf(stderr, "lsock: owners: bpf\n");
	else if (m->bpf_error)
		fprintf(stderr, _("lsock: owners: proc (bpf not used: %s)\n"),
			_(owner_bpf_strerror(m->bpf_error)));
	else
		fprintf(stderr, _("lsock: owners: proc (bpf not asked: --owners=proc)\n"));
}
