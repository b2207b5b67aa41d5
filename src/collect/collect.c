/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/collect.h"
#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "lsock/procnet.h"
#include "lsock/proto.h"

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

bool collect_spec_wants(const struct collect_spec *s, enum sock_proto proto, uint8_t family)
{
	const struct proto_desc *d = proto_get(proto);

	if (!d || !(s->protos & SOCK_PROTO_BIT(proto)))
		return false;
	if (!d->inet)
		return family == AF_UNIX;
	return (family == AF_INET && s->inet4) || (family == AF_INET6 && s->inet6);
}

const struct collect_slot *collect_slot_of(const struct collect_report *r, enum sock_proto proto,
					   uint8_t family)
{
	size_t i;

	for (i = 0; i < r->nslots; i++)
		if (r->slots[i].proto == proto && r->slots[i].family == family)
			return &r->slots[i];
	return NULL;
}

/* A table a kernel may legitimately lack: an optional protocol, or IPv6. */
static bool slot_optional(const struct proto_desc *d, uint8_t family)
{
	return d->optional || family == AF_INET6;
}

static int dump_netlink(struct nl_transport *nl, const struct collect_spec *s,
			const struct proto_desc *d, enum sock_proto proto, uint8_t family,
			struct sock_table *t, size_t *ret_dropped)
{
	*ret_dropped = 0;
	switch (d->diag) {
	case PROTO_DIAG_INET:
		return diag_inet_collect(nl, family, proto, s->states, t, ret_dropped);
	case PROTO_DIAG_UNIX:
		return diag_unix_collect(nl, s->states, t, ret_dropped);
	case PROTO_DIAG_NONE:
		break;
	}
	/* What the kernel answers for a protocol it has no handler for. */
	return -ENOENT;
}

/*
 * One slot: sock_diag first (unless SOURCE_PROC), then /proc/net.  Returns 0
 * when the slot is settled (served, or legitimately absent), -ENOMEM, or the
 * error that makes the slot a failure.
 */
static int collect_slot(struct nl_transport *nl, int transport_error, const struct collect_spec *s,
			enum sock_proto proto, uint8_t family, struct sock_table *t,
			struct collect_slot *slot)
{
	const struct proto_desc *d = proto_get(proto);
	struct procnet_stats st = { 0 };
	size_t mark;
	int r;

	if (s->source != SOURCE_PROC) {
		r = nl ? dump_netlink(nl, s, d, proto, family, t, &slot->netlink_dropped) :
			 transport_error;
		if (r == 0) {
			slot->served = true;
			slot->source = SOCK_SOURCE_NETLINK;
			return 0;
		}
		if (r == -ENOMEM)
			return r;
		slot->netlink_error = r;
		if (s->source == SOURCE_NETLINK) {
			/* No diag handler (e.g. no CONFIG_INET_RAW_DIAG) for a
			 * protocol the user did not name: nothing to list,
			 * not a failure of the sources asked for. */
			return r == -ENOENT && !s->protos_given ? 0 : r;
		}
		/* Malformed, truncated or interrupted dumps are worth a
		 * warning; "not available here" is not. */
		slot->noisy_fallback = !collect_is_quiet_fallback(r);
	}
	mark = t->len;
	r = procnet_collect_stats(s->proc_root, family, proto, s->states, t, &st);
	if (r == 0) {
		slot->proc_skipped = st.malformed;
		slot->proc_duplicates = st.duplicates;
		slot->proc_unaccounted = st.unaccounted;
		slot->served = true;
		slot->source = SOCK_SOURCE_PROC;
		return 0;
	}
	/* A read that failed half-way leaves nothing behind. */
	sock_table_truncate(t, mark);
	if (r == -ENOMEM)
		return r;
	slot->proc_error = r;
	/* Neither source knows the protocol: this kernel has none of those
	 * sockets (UDP-Lite or IPv6 compiled out, no raw table).  tcp, udp
	 * and unix always exist where /proc is mounted, so their absence
	 * means no /proc: a failure. */
	if (r == -ENOENT && slot_optional(d, family) &&
	    (slot->netlink_error == 0 || collect_is_quiet_fallback(slot->netlink_error)))
		return 0;
	return r;
}

int collect_run(const struct collect_spec *s, struct sock_table *t,
		struct collect_report *ret_report)
{
	struct nl_transport *nl = NULL;
	struct collect_report *rep = ret_report;
	int first_err = 0, r;
	size_t proto, f, nfams;

	memset(rep, 0, sizeof(*rep));
	if (s->source != SOURCE_PROC) {
		rep->transport_error = nl_transport_open(&nl);
		if (rep->transport_error == -ENOMEM)
			return -ENOMEM;
	}

	/* Protocol-table order is output order: tcp, tcp6, udp, ... unix. */
	for (proto = 0; proto < _SOCK_PROTO_MAX; proto++) {
		uint8_t fams[2];

		nfams = proto_families((enum sock_proto)proto, fams);
		for (f = 0; f < nfams; f++) {
			struct collect_slot *slot;

			if (!collect_spec_wants(s, (enum sock_proto)proto, fams[f]))
				continue;
			slot = &rep->slots[rep->nslots++];
			slot->proto = (uint8_t)proto;
			slot->family = fams[f];
			r = collect_slot(nl, rep->transport_error, s, (enum sock_proto)proto, fams[f], t,
					 slot);
			if (r == -ENOMEM) {
				first_err = r;
				goto out;
			}
			if (r < 0 && !first_err)
				first_err = r;
		}
	}
out:
	nl_transport_close(nl);
	return first_err;
}
