/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/collect.h"
#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "lsock/procnet.h"

bool collect_is_quiet_fallback(int err)
{
	switch (-err) {
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
	case EPERM:
	case EACCES:
	case ENOENT:   /* no diag handler for the protocol: DONE(-ENOENT) */
	case EINVAL:   /* old kernel or unknown family */
	case EOPNOTSUPP:
		return true;
	}
	return false;
}

/* Tables a kernel may legitimately lack. */
static bool slot_optional(enum sock_proto proto, uint8_t family)
{
	return proto == SOCK_PROTO_UDPLITE || proto == SOCK_PROTO_RAW || family == AF_INET6;
}

static struct collect_slot *slot_of(struct collect_report *r, enum sock_proto proto, uint8_t family)
{
	return &r->slot[proto][family == AF_INET6];
}

const struct collect_slot *collect_slot_of(const struct collect_report *r, enum sock_proto proto,
					   uint8_t family)
{
	return &r->slot[proto][family == AF_INET6];
}

static int dump_netlink(struct nl_transport *nl, const struct query_plan *p, enum sock_proto proto,
			uint8_t family, struct sock_table *t)
{
	if (proto == SOCK_PROTO_UNIX)
		return diag_unix_collect(nl, p->states, t);
	return diag_inet_collect(nl, family, proto, p->states, t);
}

/* Collection order is output order: tcp, tcp6, udp, udp6, ... unix, as netstat. */
static const enum sock_proto order[] = {
	SOCK_PROTO_TCP, SOCK_PROTO_UDP, SOCK_PROTO_UDPLITE, SOCK_PROTO_RAW, SOCK_PROTO_UNIX,
};

int collect_run(const struct query_plan *p, struct sock_table *t, struct collect_report *ret_report)
{
	struct collect_report rep;
	struct nl_transport *nl = NULL;
	int first_err = 0;
	size_t i, f;

	memset(&rep, 0, sizeof(rep));
	if (p->source != SOURCE_PROC) {
		rep.transport_error = nl_transport_open(&nl);
		if (rep.transport_error == -ENOMEM)
			return -ENOMEM;
	}

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum sock_proto proto = order[i];
		static const uint8_t inet_fams[] = { AF_INET, AF_INET6 };
		static const uint8_t unix_fams[] = { AF_UNIX };
		const uint8_t *fams = proto == SOCK_PROTO_UNIX ? unix_fams : inet_fams;
		size_t nfams = proto == SOCK_PROTO_UNIX ? 1 : 2;

		for (f = 0; f < nfams; f++) {
			struct collect_slot *s = slot_of(&rep, proto, fams[f]);
			struct procnet_stats st = { 0 };
			size_t mark;
			int r;

			if (!plan_wants(p, proto, fams[f]))
				continue;
			s->asked = true;
			if (p->source != SOURCE_PROC) {
				r = nl ? dump_netlink(nl, p, proto, fams[f], t) : rep.transport_error;
				if (r == 0) {
					s->served = true;
					s->source = SOCK_SOURCE_NETLINK;
					continue;
				}
				if (r == -ENOMEM) {
					first_err = r;
					goto out;
				}
				s->netlink_error = r;
				if (p->source == SOURCE_NETLINK) {
					/* No diag handler (e.g. no CONFIG_INET_RAW_DIAG) for a
					 * protocol the user did not name: nothing to list,
					 * not a failure of the sources asked for. */
					if (!(r == -ENOENT && !p->protos_given) && !first_err)
						first_err = r;
					continue;
				}
				/* Malformed, truncated or interrupted dumps are worth a
				 * warning; "not available here" is not. */
				s->noisy_fallback = !collect_is_quiet_fallback(r);
			}
			mark = t->len;
			r = procnet_collect_stats(p->proc_root, fams[f], proto, p->states, t, &st);
			if (r == 0) {
				s->proc_skipped = st.malformed;
				s->proc_duplicates = st.duplicates;
				s->served = true;
				s->source = SOCK_SOURCE_PROC;
				continue;
			}
			/* A read that failed half-way leaves nothing behind. */
			sock_table_truncate(t, mark);
			if (r == -ENOMEM) {
				first_err = r;
				goto out;
			}
			s->proc_error = r;
			/* Neither source knows the protocol: this kernel has none
			 * of those sockets (UDP-Lite or IPv6 compiled out, no raw
			 * table).  tcp, udp and unix always exist where /proc is
			 * mounted, so their absence means no /proc: a failure. */
			if (r == -ENOENT && slot_optional(proto, fams[f]) &&
			    (s->netlink_error == 0 || collect_is_quiet_fallback(s->netlink_error)))
				continue;
			if (!first_err)
				first_err = r;
		}
	}
out:
	nl_transport_close(nl);
	*ret_report = rep;
	return first_err;
}
