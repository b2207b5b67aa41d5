/* SPDX-License-Identifier: MIT */
/*
 * inet_diag (TCP, UDP, UDP-Lite, RAW over AF_INET/AF_INET6): request builder,
 * message parser and the collector that feeds the socket table.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "lsock/array.h"
#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "lsock/proto.h"

/* Attributes we read, with the smallest payload we accept for each. */
static const struct nl_attr_policy inet_policy[INET_DIAG_SKV6ONLY + 1] = {
	[INET_DIAG_SHUTDOWN] = { .min_len = 1 },
	[INET_DIAG_PROTOCOL] = { .min_len = 1 },
	[INET_DIAG_SKV6ONLY] = { .min_len = 1 },
};

/* The protocol row, if inet_diag serves proto. */
static const struct proto_desc *inet_proto(enum sock_proto proto)
{
	const struct proto_desc *d = proto_get(proto);

	return d && d->diag == PROTO_DIAG_INET ? d : NULL;
}

/*
 * The original tcp_diag request (TCPDIAG_GETSOCK, struct inet_diag_req).
 * inet_diag_dump_compat() sets sdiag_family = AF_UNSPEC for it, and
 * inet_diag_dump_icsk() then lets sockets of both families through: one
 * walk of the listening and established hashes instead of one per family.
 * The hashes are shared by the families (and by every namespace), and the
 * walk over their buckets is most of what a TCP dump costs the kernel.
 * The replies are ordinary inet_diag_msg records, of type TCPDIAG_GETSOCK.
 */
/*
 * The state mask to send for proto.  TCP: CLOSE only with LISTEN is
 * dropped.  No dump can meet a TCP socket in CLOSE: tcp_set_state()
 * unhashes a socket as it enters CLOSE, and one that is only bound sits in
 * the bind hash, which inet_diag walks only for TCP_BOUND_INACTIVE (6.8+,
 * never asked for).  But a CLOSE bit makes inet_diag_dump_icsk() walk the
 * whole established hash after the listeners (it skips it only for a
 * LISTEN-only mask): every bucket (262,144 on a 23 GB machine) and every
 * socket of every namespace in it, about 35 ms per dump beside 100,000
 * connections.  -l asks LISTEN | CLOSE (UDP's UNCONN is CLOSE), as does
 * the hidden-listeners note for each other namespace.
 */
static uint32_t request_states(enum sock_proto proto, uint32_t state_mask)
{
	uint32_t mask = sock_states_widen(state_mask);

	if (proto == SOCK_PROTO_TCP && mask == SOCK_STATES_LISTENING)
		mask = SOCK_STATE_BIT(SOCK_STATE_LISTEN);
	return mask;
}

static int build_tcp_compat_request(void *buf, size_t buflen, uint32_t state_mask)
{
	struct inet_diag_req *req;
	struct nlmsghdr *nlh;
	size_t len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*req));

	nlh = nl_transport_put_request(buf, buflen, len, TCPDIAG_GETSOCK, NLM_F_REQUEST | NLM_F_DUMP,
				       sizeof(*req));
	if (!nlh)
		return -ENOBUFS;
	req = mnl_nlmsg_get_payload(nlh);
	req->idiag_family = AF_INET; /* ignored by the kernel, see above */
	req->idiag_states = request_states(SOCK_PROTO_TCP, state_mask);
	return (int)nlh->nlmsg_len;
}

int diag_inet_build_request(void *buf, size_t buflen, uint8_t family,
			    enum sock_proto proto, uint32_t state_mask)
{
	return diag_inet_build_request_ext(buf, buflen, family, proto, state_mask, 0);
}

int diag_inet_build_request_ext(void *buf, size_t buflen, uint8_t family, enum sock_proto proto,
				uint32_t state_mask, unsigned ext)
{
	const struct proto_desc *d = inet_proto(proto);
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;
	size_t len;

	if (family == AF_UNSPEC && proto == SOCK_PROTO_TCP)
		return build_tcp_compat_request(buf, buflen, state_mask);
	if ((family != AF_INET && family != AF_INET6) || !d)
		return -EINVAL;
	len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*req));
	if (d->diag_req_protocol)
		len += MNL_ATTR_HDRLEN + sizeof(uint32_t);
	nlh = nl_transport_put_request(buf, buflen, len, SOCK_DIAG_BY_FAMILY,
				       NLM_F_REQUEST | NLM_F_DUMP, sizeof(*req));
	if (!nlh)
		return -ENOBUFS;
	req = mnl_nlmsg_get_payload(nlh);
	req->sdiag_family = family;
	req->sdiag_protocol = d->ipproto[proto_family_index(family)];
	/* Since 4.4 tcp_diag widens a SYN_RECV request to NEW_SYN_RECV
	 * itself; widen it here too so the mask we send says what we mean. */
	req->idiag_states = request_states(proto, state_mask);
	req->idiag_ext = (uint8_t)ext;
	if (d->diag_req_protocol) {
		/*
		 * The kernel takes the handler from INET_DIAG_REQ_PROTOCOL (a
		 * u32, exactly 4 bytes, or the request fails with -EINVAL)
		 * when present, else from sdiag_protocol; send both, as they
		 * agree.  For raw_diag the sdiag_raw_protocol byte (alias of
		 * pad) only matters for single-socket lookups, so it stays 0.
		 */
		mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, d->diag_req_protocol);
	}
	return (int)nlh->nlmsg_len;
}

/* The states a time-wait or request socket reports (tw_substate, or
 * TCP_SYN_RECV for a request). */
static bool is_minisock_state(uint8_t state)
{
	return state == SOCK_STATE_TIME_WAIT || state == SOCK_STATE_FIN_WAIT2 ||
	       state == SOCK_STATE_SYN_RECV;
}

int diag_inet_parse(const struct nlmsghdr *nlh, enum sock_proto proto, struct sock_entry *ret)
{
	const struct proto_desc *d = inet_proto(proto);
	const struct nlattr *tb[INET_DIAG_SKV6ONLY + 1];
	const struct inet_diag_msg *m;
	struct sock_entry e;
	size_t alen;
	int r;

	if (!d)
		return -EINVAL;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*m))
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family == AF_INET)
		alen = 4;
	else if (m->idiag_family == AF_INET6)
		alen = 16;
	else
		return -EBADMSG;
	r = nl_transport_parse_attrs(nlh, sizeof(*m), inet_policy, INET_DIAG_SKV6ONLY + 1, tb);
	if (r < 0)
		return r;

	memset(&e, 0, sizeof(e));
	e.family = m->idiag_family;
	e.proto = (uint8_t)proto;
	e.type = d->type;
	e.source = SOCK_SOURCE_NETLINK;
	/* Kernel states beyond ours (TCP_BOUND_INACTIVE, 6.8+) are only sent
	 * when asked for; clamp anyway rather than index tables with them. */
	e.state = m->idiag_state < _SOCK_STATE_MAX ? m->idiag_state : SOCK_STATE_UNKNOWN;
	/* idiag_src/dst are __be32[4]: already network order, AF_INET uses
	 * the first word only. */
	memcpy(e.laddr, m->id.idiag_src, alen);
	memcpy(e.raddr, m->id.idiag_dst, alen);
	/* RAW: inet_create() sets inet_sport = htons(protocol), so the local
	 * "port" is the IP protocol number, as /proc/net/raw shows it. */
	e.lport = ntohs(m->id.idiag_sport);
	e.rport = ntohs(m->id.idiag_dport);
	e.ifindex = m->id.idiag_if;
	e.cookie = (uint64_t)m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32;
	e.inode = m->idiag_inode;
	e.uid = m->idiag_uid;
	e.rqueue = m->idiag_rqueue;
	e.wqueue = m->idiag_wqueue;
	e.flags = SOCK_F_COOKIE_KNOWN | SOCK_F_QUEUES_KNOWN | SOCK_F_IFINDEX_KNOWN;
	/*
	 * For a time-wait socket (TIME_WAIT, or FIN_WAIT2 once its process
	 * closed it) and a request socket (SYN_RECV), inet_twsk_diag_fill()
	 * and inet_req_diag_fill() write idiag_uid = 0 and idiag_inode = 0:
	 * the kernel does not know them, and 0 is not root.  Only full
	 * sockets go through inet_diag_msg_attrs_fill(), which always puts
	 * INET_DIAG_SHUTDOWN; its absence in those states marks the minisock.
	 * (The inode needs no flag: 0 is never a real one, see sock_table.h.)
	 */
	if (tb[INET_DIAG_SHUTDOWN] || !is_minisock_state(e.state))
		e.flags |= SOCK_F_UID_KNOWN;
	/* Only AF_INET6 sockets carry it (inet_diag_msg_attrs_fill()). */
	if (tb[INET_DIAG_SKV6ONLY]) {
		e.flags |= SOCK_F_V6ONLY_KNOWN;
		if (*(const uint8_t *)mnl_attr_get_payload(tb[INET_DIAG_SKV6ONLY]))
			e.flags |= SOCK_F_V6ONLY;
	}
	*ret = e;
	return 0;
}

int diag_inet_record(const struct nlmsghdr *nlh, void *data)
{
	struct diag_sink *c = data;
	struct sock_entry e;
	int r;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY &&
	    !(nlh->nlmsg_type == TCPDIAG_GETSOCK && c->proto == SOCK_PROTO_TCP))
		return diag_sink_drop(c);
	r = diag_inet_parse(nlh, c->proto, &e);
	if (r == -EBADMSG)
		return diag_sink_drop(c);
	if (r < 0)
		return r;
	if (c->rows)
		return c->rows->add(c->rows, &e, NULL, 0);
	return sock_table_add(c->t, &e, NULL, 0);
}

/* One inet dump into sink c (a table, or rows). */
static int inet_dump(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
		     uint32_t state_mask, struct diag_sink *c, size_t *ret_dropped)
{
	uint8_t req[DIAG_REQ_MAX] __attribute__((aligned(4)));
	int len, r;

	*ret_dropped = 0;
	len = diag_inet_build_request(req, sizeof(req), family, proto, state_mask);
	if (len < 0)
		return len;
	r = nl_transport_dump(nl, req, (size_t)len, diag_inet_record, diag_sink_reset, c);
	*ret_dropped = r < 0 ? 0 : c->dropped;
	if (r < 0 && !c->rows)
		sock_table_truncate(c->t, c->base);
	return r;
}

int diag_inet_collect(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
		      uint32_t state_mask, struct sock_table *t, size_t *ret_dropped)
{
	struct diag_sink c = { .t = t, .base = t->len, .proto = proto };

	return inet_dump(nl, family, proto, state_mask, &c, ret_dropped);
}

int diag_inet_collect_rows(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
			   uint32_t state_mask, struct diag_rows *rows, size_t *ret_dropped)
{
	struct diag_sink c = { .proto = proto, .rows = rows };

	return inet_dump(nl, family, proto, state_mask, &c, ret_dropped);
}

/* Where diag_inet_collect_inodes() puts what it reads. */
struct inode_sink {
	uint32_t *v;
	size_t len;
	size_t cap;
	size_t base; /* len when this dump began, for a restart */
};

static int inode_record(const struct nlmsghdr *nlh, void *data)
{
	struct inode_sink *s = data;
	const struct inet_diag_msg *m;
	int r;

	/* Only the inode is wanted: a record too short to carry one, or of
	 * another type, is skipped like a malformed one. */
	if ((nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY && nlh->nlmsg_type != TCPDIAG_GETSOCK) ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*m))
		return 0;
	m = mnl_nlmsg_get_payload(nlh);
	if (!m->idiag_inode)
		return 0; /* TIME_WAIT, request sockets: no fd holds them */
	r = array_grow((void **)&s->v, &s->cap, s->len + 1, sizeof(*s->v), 1024);
	if (r < 0)
		return r;
	s->v[s->len++] = m->idiag_inode;
	return 0;
}

static void inode_reset(void *data)
{
	struct inode_sink *s = data;

	s->len = s->base;
}

int diag_inet_collect_inodes(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
			     uint32_t **v, size_t *len, size_t *cap)
{
	uint8_t req[DIAG_REQ_MAX] __attribute__((aligned(4)));
	struct inode_sink s = { .v = *v, .len = *len, .cap = *cap, .base = *len };
	int n, r;

	n = diag_inet_build_request(req, sizeof(req), family, proto, SOCK_STATES_ALL);
	if (n < 0)
		return n;
	r = nl_transport_dump(nl, req, (size_t)n, inode_record, inode_reset, &s);
	*v = s.v;
	*cap = s.cap;
	*len = r < 0 ? s.base : s.len;
	return r;
}
