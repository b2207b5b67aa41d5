/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/filter.h"
#include "lsock/plan.h"

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

/* ss's "preferred family" for filter words: -4/-6, or UNIX when only -x. */
static int preferred_family(const struct lsock_options *o)
{
	if (o->families == OPT_FAMILY_INET4)
		return AF_INET;
	if (o->families == OPT_FAMILY_INET6)
		return AF_INET6;
	if (o->protos == SOCK_PROTO_BIT(SOCK_PROTO_UNIX))
		return AF_UNIX;
	return AF_UNSPEC;
}

bool plan_wants(const struct query_plan *p, enum sock_proto proto, uint8_t family)
{
	if (!(p->protos & SOCK_PROTO_BIT(proto)))
		return false;
	if (proto == SOCK_PROTO_UNIX)
		return family == AF_UNIX;
	return (family == AF_INET && p->inet4) || (family == AF_INET6 && p->inet6);
}

int plan_build(const struct lsock_options *o, struct query_plan *ret, char *err, size_t errlen)
{
	struct query_plan p = {
		.protos = o->protos,
		.protos_given = o->protos != 0,
		.state_select = o->states,
		.source = o->source,
		.format = o->format,
		.header = !o->no_header,
		.verbose = o->verbose,
		.proc_root = o->proc_root,
	};
	char bad[80], tok[80];
	int r;

	/* -4/-6 alone mean "inet only", as in netstat; no protocol flag means all. */
	if (!p.protos) {
		p.protos = SOCK_PROTOS_ALL;
		if (o->families)
			p.protos &= ~SOCK_PROTO_BIT(SOCK_PROTO_UNIX);
	}
	p.inet4 = !o->families || (o->families & OPT_FAMILY_INET4);
	p.inet6 = !o->families || (o->families & OPT_FAMILY_INET6);

	if (o->columns) {
		r = column_list_parse(o->columns, &p.inet_cols, bad, sizeof(bad));
		if (r < 0) {
			snprintf(err, errlen, "unknown column '%s' in -o (see lsock --help)", bad);
			return r;
		}
		p.unix_cols = p.inet_cols;
		p.single_table = true;
	} else {
		column_list_default_inet(&p.inet_cols, o->extend, o->programs);
		column_list_default_unix(&p.unix_cols, o->extend, o->programs);
	}
	if (o->sort) {
		r = sort_spec_parse(o->sort, &p.sort, bad, sizeof(bad));
		if (r < 0) {
			snprintf(err, errlen, "unknown sort key '%s' (see lsock --help)", bad);
			return r;
		}
	}

	/* The visible columns decide what gets collected. */
	if (p.format == OUTPUT_TEXT) {
		p.needs = column_list_needs(&p.inet_cols) | column_list_needs(&p.unix_cols);
		if (o->numeric)
			p.needs &= ~(unsigned)(NEED_SERVICES | NEED_USERS);
	} else if (o->programs) {
		p.needs = NEED_OWNERS;
	}
	if (sort_spec_needs_owners(&p.sort))
		p.needs |= NEED_OWNERS;

	p.states = default_states(o->states);
	if (o->nwords) {
		struct filter_error fe = { .word = -1 };

		r = filter_parse_family(o->nwords, o->words, preferred_family(o), p.states, &p.filter,
					&p.states, &fe);
		if (r == -EINVAL) {
			/* One line, whatever bytes the user typed. */
			if (fe.token[0])
				snprintf(err, errlen, "bad filter at '%s': %s", options_printable(fe.token, tok, sizeof(tok)),
					 fe.message);
			else
				snprintf(err, errlen, "bad filter: %s", fe.message);
			return r;
		}
		if (r < 0) {
			snprintf(err, errlen, "%s", strerror(-r));
			return r;
		}
	}
	/* The kernel reports request sockets as SYN_RECV but keeps them in
	 * NEW_SYN_RECV (tcp_states.h); ask for both whenever SYN_RECV is wanted. */
	if (p.states & SOCK_STATE_BIT(SOCK_STATE_SYN_RECV))
		p.states |= SOCK_STATE_BIT(SOCK_STATE_NEW_SYN_RECV);
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
