/* SPDX-License-Identifier: MIT */
/*
 * lsock: options -> plan -> collectors -> table (+ owners) -> filter/sort
 * -> formatter.  This is the only file that prints diagnostics or exits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lsock/collect.h"
#include "lsock/columns.h"
#include "lsock/filter.h"
#include "lsock/fmt.h"
#include "lsock/options.h"
#include "lsock/outbuf.h"
#include "lsock/owner.h"
#include "lsock/plan.h"
#include "lsock/services.h"
#include "lsock/sock_names.h"
#include "lsock/sort.h"
#include "lsock/users.h"

enum exit_status {
	EXIT_LISTED = 0,
	EXIT_NO_MATCH = 1,
	EXIT_USAGE = 2,
	EXIT_RUNTIME = 3,
};

struct keep_ctx {
	const struct query_plan *plan;
	const struct sock_table *table;
};

static bool keep_entry(const struct sock_entry *e, void *data)
{
	const struct keep_ctx *k = data;

	/* The kernel filtered states already; /proc did too.  Check again so
	 * every source obeys the same rule. */
	if (!(k->plan->states & SOCK_STATE_BIT(e->state)))
		return false;
	return !k->plan->filter || filter_match(k->plan->filter, e, k->table);
}

/* Sorted inodes of the table, so the /proc walk records only what we show. */
struct inode_set {
	uint32_t *v;
	size_t len;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static bool inode_wanted(uint32_t inode, void *data)
{
	const struct inode_set *s = data;

	return bsearch(&inode, s->v, s->len, sizeof(*s->v), cmp_u32) != NULL;
}

static int inode_set_build(const struct sock_table *t, struct inode_set *ret)
{
	size_t i;

	ret->len = 0;
	ret->v = malloc((t->len ? t->len : 1) * sizeof(*ret->v));
	if (!ret->v)
		return -ENOMEM;
	for (i = 0; i < t->len; i++)
		if (t->entries[i].inode)
			ret->v[ret->len++] = t->entries[i].inode;
	qsort(ret->v, ret->len, sizeof(*ret->v), cmp_u32);
	return 0;
}

static void report_collect(const struct query_plan *p, const struct collect_report *rep)
{
	size_t proto, f;

	for (proto = 0; proto < _SOCK_PROTO_MAX; proto++) {
		for (f = 0; f < 2; f++) {
			const struct collect_slot *s = &rep->slot[proto][f];
			uint8_t family = proto == SOCK_PROTO_UNIX ? AF_UNIX : (f ? AF_INET6 : AF_INET);
			const char *label = sock_proto_label((uint8_t)proto, family);

			if (!s->asked)
				continue;
			if (s->noisy_fallback)
				fprintf(stderr, "lsock: warning: sock_diag dump of %s failed (%s); using /proc/net\n",
					label, strerror(-s->netlink_error));
			if (s->proc_duplicates)
				fprintf(stderr, "lsock: warning: /proc/net snapshot of %s was inconsistent "
						"(%zu socket(s) listed twice, kept once)\n",
					label, s->proc_duplicates);
			if (s->proc_skipped)
				fprintf(stderr, "lsock: warning: skipped %zu malformed line(s) in /proc/net for %s\n",
					s->proc_skipped, label);
			if (!p->verbose)
				continue;
			if (s->served)
				fprintf(stderr, "lsock: %s: %s%s%s%s\n", label, sock_source_name(s->source),
					s->netlink_error ? " (sock_diag: " : "",
					s->netlink_error ? strerror(-s->netlink_error) : "",
					s->netlink_error ? ")" : "");
			else
				fprintf(stderr, "lsock: %s: not available on this system\n", label);
		}
	}
}

static int report_collect_failure(const struct query_plan *p, const struct collect_report *rep, int err)
{
	size_t proto, f;

	if (err == -ENOMEM) {
		fprintf(stderr, "lsock: out of memory\n");
		return EXIT_RUNTIME;
	}

	for (proto = 0; proto < _SOCK_PROTO_MAX; proto++) {
		for (f = 0; f < 2; f++) {
			const struct collect_slot *s = &rep->slot[proto][f];
			uint8_t family = proto == SOCK_PROTO_UNIX ? AF_UNIX : (f ? AF_INET6 : AF_INET);

			if (!s->asked || s->served)
				continue;
			if (p->source == SOURCE_NETLINK && s->netlink_error) {
				fprintf(stderr, "lsock: sock_diag netlink unavailable for %s: %s\n",
					sock_proto_label((uint8_t)proto, family), strerror(-s->netlink_error));
				return EXIT_RUNTIME;
			}
			if (s->proc_error) {
				fprintf(stderr, "lsock: cannot read %s sockets from %s/net: %s\n",
					sock_proto_label((uint8_t)proto, family), p->proc_root,
					strerror(-s->proc_error));
				return EXIT_RUNTIME;
			}
		}
	}
	fprintf(stderr, "lsock: %s\n", strerror(-err));
	return EXIT_RUNTIME;
}

/* One line, as netstat prints, saying why some owners show as '-' (a second one
 * when a foreign PID namespace adds to another reason). */
static void print_owner_note(const struct owner_map *m)
{
	if (m->foreign_pidns)
		fprintf(stderr, "lsock: note: running in a PID namespace; processes outside it are "
				"invisible, so their sockets show no owner ('-')\n");
	if (m->n_denied == 0 && m->privileged)
		return; /* the PID namespace was the only gap */
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

static int write_output(const struct query_plan *p, const struct render_ctx *ctx, bool owners_complete)
{
	struct outbuf out;
	int r;

	if (outbuf_init(&out, STDOUT_FILENO) < 0) {
		fprintf(stderr, "lsock: out of memory\n");
		return EXIT_RUNTIME;
	}
	switch (p->format) {
	case OUTPUT_TEXT:
		fmt_text(&out, p, ctx);
		break;
	case OUTPUT_JSON:
		fmt_json(&out, p, ctx, owners_complete);
		break;
	case OUTPUT_NDJSON:
		fmt_ndjson(&out, p, ctx);
		break;
	}
	r = outbuf_flush(&out);
	if (r == 0 && outbuf_error(&out))
		r = -outbuf_error(&out);
	outbuf_free(&out);
	if (r < 0) {
		/* With SIGPIPE at its default we never get here on a closed pipe;
		 * if the caller ignored SIGPIPE, EPIPE is an error, as in coreutils. */
		fprintf(stderr, "lsock: write error: %s\n", strerror(-r));
		return EXIT_RUNTIME;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct lsock_options opts;
	struct query_plan plan;
	struct sock_table table;
	struct collect_report rep;
	struct owner_map owners = { 0 };
	struct services services = { 0 };
	struct user_cache users = { 0 };
	struct render_ctx ctx = { 0 };
	bool owners_complete = true;
	char err[256];
	int r, status;

	r = options_parse(argc, argv, &opts, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "lsock: %s\n", err);
		return EXIT_USAGE;
	}
	if (opts.help) {
		fputs(options_help(), stdout);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_RUNTIME;
	}
	if (opts.version) {
		printf("lsock %s\n", LSOCK_VERSION);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_RUNTIME;
	}
	r = plan_build(&opts, &plan, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "lsock: %s\n", r == -EINVAL ? err : strerror(-r));
		return r == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	}

	sock_table_init(&table);
	r = collect_run(&plan, &table, &rep);
	report_collect(&plan, &rep);
	if (r < 0) {
		status = report_collect_failure(&plan, &rep, r);
		goto out;
	}

	{
		struct keep_ctx k = { .plan = &plan, .table = &table };

		sock_table_filter(&table, keep_entry, &k);
	}

	ctx.table = &table;
	if (plan.needs & NEED_OWNERS) {
		struct inode_set want;

		r = inode_set_build(&table, &want);
		/* Nothing listed can have an owner (no rows, or only TIME_WAIT):
		 * skip the /proc walk, which ss pays even when nothing matches. */
		if (r == 0 && want.len)
			r = owner_map_build(plan.proc_root, inode_wanted, &want, &owners);
		if (r < 0) {
			free(want.v);
			fprintf(stderr, "lsock: cannot resolve owners from %s: %s\n", plan.proc_root,
				strerror(-r));
			status = EXIT_RUNTIME;
			goto out;
		}
		ctx.owners = &owners;
		if (want.len) {
			owners_complete = owner_map_complete(&owners);
			if (!owners_complete)
				print_owner_note(&owners);
		}
		free(want.v);
	}
	if (plan.needs & NEED_SERVICES) {
		r = services_load(&services);
		if (r < 0) {
			fprintf(stderr, "lsock: out of memory\n");
			status = EXIT_RUNTIME;
			goto out;
		}
		ctx.services = &services;
	}
	if (plan.needs & NEED_USERS)
		ctx.users = &users;

	sort_table(&table, &plan.sort, ctx.owners);

	status = write_output(&plan, &ctx, owners_complete);
	if (status == 0)
		status = table.len ? EXIT_LISTED : EXIT_NO_MATCH;
out:
	user_cache_free(&users);
	services_free(&services);
	owner_map_free(&owners);
	sock_table_free(&table);
	plan_free(&plan);
	return status;
}
