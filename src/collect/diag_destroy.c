/* SPDX-License-Identifier: MIT */
/*
 * SOCK_DESTROY requests (--kill) and the destroy notifications of the
 * sock_diag multicast groups (--events).
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
#include <linux/unix_diag.h>

#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "lsock/proto.h"

int diag_build_destroy(void *buf, size_t buflen, const struct sock_entry *e)
{
	const struct proto_desc *d = proto_get((enum sock_proto)e->proto);
	struct nlmsghdr *nlh;

	if (!d || d->diag == PROTO_DIAG_NONE)
		return -EOPNOTSUPP;
	if (d->diag == PROTO_DIAG_UNIX) {
		struct unix_diag_req *u;
		size_t len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*u));

		nlh = nl_transport_put_request(buf, buflen, len, SOCK_DESTROY,
					       NLM_F_REQUEST | NLM_F_ACK, sizeof(*u));
		if (!nlh)
			return -ENOBUFS;
		u = mnl_nlmsg_get_payload(nlh);
		u->sdiag_family = AF_UNIX;
		u->udiag_ino = e->inode;
		u->udiag_states = ~0u;
		u->udiag_cookie[0] = (uint32_t)e->cookie;
		u->udiag_cookie[1] = (uint32_t)(e->cookie >> 32);
		/* unix_diag has no destroy handler (the kernel answers
		 * EOPNOTSUPP); the request still goes to the kernel, so the
		 * answer is the kernel's, not a guess of ours. */
		return (int)nlh->nlmsg_len;
	} else {
		struct inet_diag_req_v2 *req;
		size_t alen = e->family == AF_INET6 ? 16 : 4;
		size_t len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*req));

		if (e->family != AF_INET && e->family != AF_INET6)
			return -EINVAL;
		if (d->diag_req_protocol)
			len += MNL_ATTR_HDRLEN + sizeof(uint32_t);
		nlh = nl_transport_put_request(buf, buflen, len, SOCK_DESTROY,
					       NLM_F_REQUEST | NLM_F_ACK, sizeof(*req));
		if (!nlh)
			return -ENOBUFS;
		req = mnl_nlmsg_get_payload(nlh);
		req->sdiag_family = e->family;
		req->sdiag_protocol = d->ipproto[proto_family_index(e->family)];
		req->idiag_states = ~0u;
		memcpy(req->id.idiag_src, e->laddr, alen);
		memcpy(req->id.idiag_dst, e->raddr, alen);
		req->id.idiag_sport = htons(e->lport);
		req->id.idiag_dport = htons(e->rport);
		req->id.idiag_if = e->ifindex;
		/* The cookie makes the kernel check that the socket it found
		 * by address is the one we listed (sock_diag_check_cookie()),
		 * not a newer one on the same ports. */
		if (e->flags & SOCK_F_COOKIE_KNOWN) {
			req->id.idiag_cookie[0] = (uint32_t)e->cookie;
			req->id.idiag_cookie[1] = (uint32_t)(e->cookie >> 32);
		} else {
			req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
			req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
		}
		if (d->diag_req_protocol)
			mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, d->diag_req_protocol);
		return (int)nlh->nlmsg_len;
	}
}

/* Only the attribute that names the protocol is read here. */
static const struct nl_attr_policy event_policy[INET_DIAG_PROTOCOL + 1] = {
	[INET_DIAG_PROTOCOL] = { .min_len = 1 },
};

int diag_parse_destroy_event(const struct nlmsghdr *nlh, struct sock_entry *ret)
{
	const struct nlattr *tb[INET_DIAG_PROTOCOL + 1];
	const struct inet_diag_msg *m;
	enum sock_proto proto;
	uint8_t ipproto;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*m))
		return -EBADMSG;
	r = nl_transport_parse_attrs(nlh, sizeof(*m), event_policy, INET_DIAG_PROTOCOL + 1, tb);
	if (r < 0)
		return r;
	/* inet_diag_handler_get_info() always adds INET_DIAG_PROTOCOL
	 * (sk_protocol): the message itself does not say TCP or UDP. */
	if (!tb[INET_DIAG_PROTOCOL])
		return -EBADMSG;
	ipproto = *(const uint8_t *)mnl_attr_get_payload(tb[INET_DIAG_PROTOCOL]);
	if (ipproto == IPPROTO_TCP)
		proto = SOCK_PROTO_TCP;
	else if (ipproto == IPPROTO_UDP)
		proto = SOCK_PROTO_UDP;
	else if (ipproto == IPPROTO_UDPLITE)
		proto = SOCK_PROTO_UDPLITE;
	else
		return -EPROTONOSUPPORT;
	r = diag_inet_parse(nlh, proto, ret);
	if (r < 0)
		return r;
	/* The notification is filled from a zeroed inet_diag_msg
	 * (inet_diag_handler_get_info()): uid and inode are not set, so the
	 * 0s there are not root and not "no inode". */
	ret->flags &= (uint16_t)~SOCK_F_UID_KNOWN;
	/* The queues of a socket being freed say nothing (udp_diag reads
	 * sk_wmem_alloc - 1 of a socket whose count is 0: 4294967295). */
	ret->flags &= (uint16_t)~SOCK_F_QUEUES_KNOWN;
	ret->rqueue = 0;
	ret->wqueue = 0;
	ret->inode = 0;
	ret->uid = 0;
	return 0;
}
