/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "lsock/ifaddr_dump.h"
#include "lsock/nl_transport.h"

struct ifaddr_req {
	struct nlmsghdr nlh;
	struct ifaddrmsg ifa;
};

size_t ifaddr_dump_build_request(void *buf, size_t len)
{
	struct ifaddr_req req = {
		.nlh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETADDR,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		},
		/* AF_UNSPEC: the kernel walks every family (rtnl_dump_all()). */
		.ifa = { .ifa_family = AF_UNSPEC },
	};

	if (len < sizeof(req))
		return 0;
	memcpy(buf, &req, sizeof(req));
	return sizeof(req);
}

static const struct nl_attr_policy ifa_policy[IFA_LOCAL + 1] = {
	[IFA_ADDRESS] = { .min_len = 4, .max_len = 16 },
	[IFA_LOCAL] = { .min_len = 4, .max_len = 16 },
};

int ifaddr_dump_record(const struct nlmsghdr *nlh, void *data)
{
	struct ifaddr_table *t = data;
	const struct nlattr *tb[IFA_LOCAL + 1];
	const struct ifaddrmsg *ifa = (const void *)((const uint8_t *)nlh + NLMSG_HDRLEN);
	const struct nlattr *a;
	struct ifaddr_entry e = { 0 };
	size_t want;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return 0;
	if (nl_transport_parse_attrs(nlh, sizeof(*ifa), ifa_policy, IFA_LOCAL + 1, tb) < 0)
		return 0; /* a malformed record names no interface: skip it */
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 0;
	/* IFA_LOCAL is the address of this host; IFA_ADDRESS is the peer's
	 * on a point-to-point link, and the only one IPv6 usually sends
	 * (inet6_fill_ifaddr() adds IFA_LOCAL only with a peer). */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	want = ifa->ifa_family == AF_INET ? 4 : 16;
	if (!a || (size_t)a->nla_len - NLA_HDRLEN != want)
		return 0;
	e.ifindex = ifa->ifa_index;
	e.family = ifa->ifa_family;
	e.prefixlen = ifa->ifa_prefixlen;
	memcpy(e.addr, (const uint8_t *)a + NLA_HDRLEN, want);
	return ifaddr_table_add(t, &e);
}

static void ifaddr_reset(void *data)
{
	struct ifaddr_table *t = data;

	t->len = 0;
}

int ifaddr_dump(struct ifaddr_table *t)
{
	struct ifaddr_req req;
	struct nl_transport *nl;
	size_t len = ifaddr_dump_build_request(&req, sizeof(req));
	int r;

	r = nl_transport_open_bus(NETLINK_ROUTE, &nl);
	if (r < 0)
		return r;
	r = nl_transport_dump(nl, &req, len, ifaddr_dump_record, ifaddr_reset, t);
	nl_transport_close(nl);
	return r;
}
