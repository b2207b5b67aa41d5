/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lsock/escape.h"
#include "lsock/filter.h"
#include "lsock/i18n.h"
#include "lsock/plan.h"
#include "lsock/proto.h"
#include "lsock/strparse.h"

static uint32_t default_states(enum state_select s)
{
	switch (s) {
	case STATES_LISTENING:
		return SOCK_STATES_LISTENING;
	case STATES_ALL:
		return SOCK_STATES_ALL;
	case STATES_CONNECTED:
		break;
	}
	return SOCK_STATES_CONNECTED;
}

/* ss's "preferred family" for filter words: -4/-6, or UNIX when only UNIX
 * protocols were asked for. */
static int preferred_family(const struct lsock_options *o)
{
	if (o->families == OPT_FAMILY_INET4)
		return AF_INET;
	if (o->families == OPT_FAMILY_INET6)
		return AF_INET6;
	if (o->protos && !(o->protos & proto_mask_inet()))
		return AF_UNIX;
	return AF_UNSPEC;
}

bool plan_wants(const struct query_plan *p, enum sock_proto proto, uint8_t family)
{
	return collect_spec_wants(&p->spec, proto, family);
}

static int plan_filter(const struct lsock_options *o, struct query_plan *p, char *err, size_t errlen)
{
	struct filter_error fe = { .word = -1 };
	int r;

	r = filter_parse_flags(o->nwords, o->words, preferred_family(o),
			       o->netns || o->all_netns ? FILTER_PARSE_ANY_DEV : 0, p->spec.states,
			       &p->filter, &p->spec.states, &fe);
	if (r == -EINVAL)
		snprintf(err, errlen, "%s", fe.line);
	else if (r < 0) {
		snprintf(err, errlen, "%s", strerror(-r));
	}
	return r;
}

/* Prepends the NetNS column to a default layout (with --all-netns). */
static void prepend_netns(struct column_list *l)
{
	if (l->len >= COLUMNS_MAX)
		return;
	memmove(l->ids + 1, l->ids, l->len * sizeof(l->ids[0]));
	l->ids[0] = COL_NETNS;
	l->len++;
}

/* Which namespaces, and what to learn about them (see netns_request). */
static int plan_netns(const struct lsock_options *o, struct query_plan *p, char *err, size_t errlen)
{
	struct netns_request *nr = &p->netns;
	char word[96];
	char *path;
	int r;

	if (o->netns) {
		r = snapshot_netns_resolve(o->netns, o->proc_root, &path);
		if (r == -EINVAL)
			snprintf(err, errlen,
				 _("no network namespace '%s' (expected an ip netns NAME, an nsfs PATH "
				   "or a PID)"), esc_text_cstr(o->netns, word, sizeof(word)));
		if (r < 0)
			return r;
		nr->select = NETNS_SELECT_ONE;
		nr->path = path;
		p->netns_arg = o->netns;
	} else if (o->all_netns) {
		nr->select = NETNS_SELECT_ALL;
		if (!o->columns && p->format == OUTPUT_TEXT) {
			prepend_netns(&p->layout.inet_cols);
			prepend_netns(&p->layout.unix_cols);
			p->needs |= NEED_NETNS;
		}
	}
	if (p->format != OUTPUT_TEXT) {
		p->needs |= NEED_NETNS;
		if (p->needs & NEED_OWNERS)
			p->needs |= NEED_UNITS;
	}
	nr->label = (p->needs & NEED_NETNS) != 0;
	nr->units = (p->needs & NEED_UNITS) && (p->needs & NEED_OWNERS);
	/* The note: only when listeners are shown, and never for -s. */
	nr->note_states = p->spec.states & SOCK_STATES_LISTENING;
	nr->note = nr->select == NETNS_SELECT_CURRENT && nr->note_states && !p->summary;
	nr->sockstat = p->summary && nr->select != NETNS_SELECT_CURRENT;
	nr->addrs = p->audit && nr->select != NETNS_SELECT_CURRENT;
	return 0;
}

/* LSOCK_BATCH_ROWS: the rows of a streamed batch (lsock(8), ENVIRONMENT);
 * 0 never streams.  Unset or empty: PLAN_BATCH_ROWS. */
static int plan_batch_rows(struct query_plan *p, char *err, size_t errlen)
{
	const char *env = getenv("LSOCK_BATCH_ROWS");
	uint64_t v;

	p->batch_rows = PLAN_BATCH_ROWS;
	if (!env || !*env)
		return 0;
	if (strparse_dec(env, strlen(env), PLAN_BATCH_ROWS_MAX, false, &v) < 0) {
		snprintf(err, errlen, _("LSOCK_BATCH_ROWS must be a number of rows from 0 to %u: %s"),
			 PLAN_BATCH_ROWS_MAX, env);
		return -EINVAL;
	}
	p->batch_rows = (size_t)v;
	return 0;
}

bool plan_color(enum color_when when, enum output_format format)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");

	if (format != OUTPUT_TEXT || when == COLOR_NEVER)
		return false;
	if (when == COLOR_ALWAYS)
		return true;
	return isatty(STDOUT_FILENO) && !(no_color && *no_color) && term && *term &&
	       strcmp(term, "dumb") != 0;
}

/* --audit: listeners (whatever -l/-a said) of the protocols a network
 * reaches, with their owners and service names. */
static int plan_audit(const struct lsock_options *o, struct query_plan *p, char *err, size_t errlen)
{
	p->audit = true;
	p->spec.protos &= PLAN_AUDIT_PROTOS;
	if (!p->spec.protos) {
		snprintf(err, errlen, _("--audit covers TCP, UDP, UDP-Lite and RAW sockets only"));
		return -EINVAL;
	}
	p->spec.states = SOCK_STATES_LISTENING;
	p->needs |= NEED_OWNERS | NEED_SERVICES;
	return 0;
}

int plan_build(const struct lsock_options *o, struct query_plan *ret, char *err, size_t errlen)
{
	struct query_plan p = {
		.spec = {
			.protos = o->protos,
			.protos_given = o->protos != 0,
			.source = o->source,
			.proc_root = o->proc_root,
			.owner_source = o->owner_source,
		},
		.format = o->format,
		.verbose = o->verbose,
		.summary = o->summary,
		.layout = { .header = !o->no_header },
		.explain = o->explain,
		.color = plan_color(o->color, o->format),
	};
	unsigned sort_needs = 0;
	/* The extension columns -o, -i, -m and -e add (ss's flags). */
	unsigned ext = (o->timers ? NEED_TIMERS : 0) | (o->info ? NEED_TCP_INFO : 0) |
		       (o->memory ? NEED_SKMEM : 0) |
		       (o->extend ? NEED_SHUTDOWN | NEED_UNIX_VFS | NEED_UNIX_ICONS : 0);
	int r;

	memset(ret, 0, sizeof(*ret));
	/* -4/-6 alone mean "inet only", as in netstat; no protocol flag means all. */
	if (!p.spec.protos) {
		p.spec.protos = SOCK_PROTOS_ALL;
		if (o->families)
			p.spec.protos &= proto_mask_inet();
	}
	p.spec.inet4 = !o->families || (o->families & OPT_FAMILY_INET4);
	p.spec.inet6 = !o->families || (o->families & OPT_FAMILY_INET6);
	p.layout.inet_section = (p.spec.protos & proto_mask_inet()) != 0;
	p.layout.unix_section = (p.spec.protos & proto_mask_unix()) != 0;

	if (o->columns) {
		r = column_list_parse(o->columns, &p.layout.inet_cols, err, errlen);
		if (r < 0)
			return r;
		p.layout.unix_cols = p.layout.inet_cols;
		p.layout.single_table = true;
	} else {
		column_list_default_inet(&p.layout.inet_cols, o->extend, o->programs);
		column_list_default_unix(&p.layout.unix_cols, o->extend, o->programs);
		column_list_add_ext(&p.layout.inet_cols, false, ext, o->programs);
		column_list_add_ext(&p.layout.unix_cols, true, ext, o->programs);
	}
	if (o->sort) {
		r = column_sort_parse(o->sort, &p.sort, &sort_needs, err, errlen);
		if (r < 0)
			return r;
	}

	/* The visible columns decide what gets collected. */
	if (p.format == OUTPUT_TEXT)
		p.needs = column_list_needs(&p.layout.inet_cols) | column_list_needs(&p.layout.unix_cols);
	else
		p.needs = column_json_needs() & (o->programs ? ~0u : ~(unsigned)NEED_OWNERS) &
			  ~(NEED_EXT_ALL & ~ext);
	p.needs |= sort_needs;
	if (o->numeric)
		p.needs &= ~(unsigned)(NEED_SERVICES | NEED_USERS);

	p.spec.states = default_states(o->states);
	/* -s counts every state unless -l or -a said otherwise (as ss -s); its
	 * owner walk, for full listeners only, is the summary's own. */
	if (o->summary) {
		p.needs = 0;
		if (o->states == STATES_CONNECTED)
			p.spec.states = SOCK_STATES_ALL;
	}
	if (o->audit) {
		r = plan_audit(o, &p, err, errlen);
		if (r < 0)
			return r;
	}
	/* The modes: --watch and --events show owners (a change line says
	 * who), --events and Prometheus look at every state (a destroyed
	 * socket is reported in its last state; the metrics count them all),
	 * Prometheus names programs, not services or users. */
	p.mode = o->mode;
	p.watch_ms = o->watch_ms;
	p.output_file = o->output_file;
	if (o->mode == MODE_WATCH || o->mode == MODE_EVENTS) {
		p.needs |= NEED_OWNERS;
		if (!o->columns) {
			column_list_default_inet(&p.layout.inet_cols, o->extend, true);
			column_list_default_unix(&p.layout.unix_cols, o->extend, true);
		}
	}
	if (o->mode == MODE_EVENTS) {
		p.spec.protos &= SOCK_PROTO_BIT(SOCK_PROTO_TCP) | SOCK_PROTO_BIT(SOCK_PROTO_UDP);
		p.spec.states = SOCK_STATES_ALL;
		if (!p.spec.protos) {
			snprintf(err, errlen, "%s", _("--events reports TCP and UDP sockets only"));
			return -EINVAL;
		}
	}
	if (o->mode == MODE_PROMETHEUS) {
		p.needs = NEED_OWNERS;
		if (o->states == STATES_CONNECTED)
			p.spec.states = SOCK_STATES_ALL;
	}
	/* From here on p owns memory (the filter, the namespace's path):
	 * every failure frees it, and *ret stays the zeroed plan. */
	if (o->nwords) {
		r = plan_filter(o, &p, err, errlen);
		if (r < 0)
			goto fail;
	}
	/* What is shown decides what is collected: no extension, plain requests. */
	p.spec.ext = column_needs_ext_parts(p.needs);
	p.spec.states = sock_states_widen(p.spec.states);
	p.layout.states = p.spec.states;
	r = plan_netns(o, &p, err, errlen);
	if (r < 0)
		goto fail;
	r = plan_batch_rows(&p, err, errlen);
	if (r < 0)
		goto fail;
	*ret = p;
	return 0;
fail:
	plan_free(&p);
	return r;
}

void plan_free(struct query_plan *p)
{
	if (!p)
		return;
	filter_free(p->filter);
	p->filter = NULL;
	free((char *)p->netns.path);
	p->netns.path = NULL;
}
