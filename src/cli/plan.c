/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/escape.h"
#include "lsock/filter.h"
#include "lsock/plan.h"
#include "lsock/proto.h"

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
	char tok[96];
	int r;

	r = filter_parse_family(o->nwords, o->words, preferred_family(o), p->spec.states, &p->filter,
				&p->spec.states, &fe);
	if (r == -EINVAL) {
		/* One line, whatever bytes the user typed. */
		if (fe.token[0])
			snprintf(err, errlen, "bad filter at '%s': %s",
				 esc_text_cstr(fe.token, tok, sizeof(tok)), fe.message);
		else
			snprintf(err, errlen, "bad filter: %s", fe.message);
	} else if (r < 0) {
		snprintf(err, errlen, "%s", strerror(-r));
	}
	return r;
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
	};
	unsigned sort_needs = 0;
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
		p.needs = column_json_needs() & (o->programs ? ~0u : ~(unsigned)NEED_OWNERS);
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
	if (o->nwords) {
		r = plan_filter(o, &p, err, errlen);
		if (r < 0)
			return r;
	}
	p.spec.states = sock_states_widen(p.spec.states);
	p.layout.states = p.spec.states;
	*ret = p;
	return 0;
}

void plan_free(struct query_plan *p)
{
	if (!p)
		return;
	filter_free(p->filter);
	p->filter = NULL;
}
