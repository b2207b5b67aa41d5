/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <sys/socket.h>

#include "lsock/exposure.h"

static const char *const exposure_names[_EXPOSURE_MAX] = {
	[EXPOSURE_ALL_INTERFACES] = "all-interfaces",
	[EXPOSURE_ALL_INTERFACES_IPV6] = "all-interfaces-ipv6",
	[EXPOSURE_ADDRESS] = "address",
	[EXPOSURE_DEVICE_BOUND] = "device-bound",
	[EXPOSURE_OTHER_NETNS] = "other-netns",
	[EXPOSURE_LOOPBACK] = "loopback",
};

const char *exposure_name(enum exposure v)
{
	return (unsigned)v < _EXPOSURE_MAX ? exposure_names[v] : "unknown";
}

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* 127.0.0.0/8 (the kernel routes all of it to lo), ::1, and their
 * v4-mapped form on a dual-stack socket. */
static bool is_loopback(uint8_t family, const uint8_t *a)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (family == AF_INET)
		return a[0] == 127;
	if (!memcmp(a, v6_loopback, 16))
		return true;
	return !memcmp(a, v4mapped_prefix, 12) && a[12] == 127;
}

static bool is_any(uint8_t family, const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, family == AF_INET ? 4 : 16);
}

void exposure_classify(const struct exposure_ctx *c, const struct sock_entry *e, bool other_netns,
		       struct exposure_verdict *ret)
{
	uint32_t dev = (e->flags & SOCK_F_IFINDEX_KNOWN) ? e->ifindex : 0;
	const struct ifaddr_entry *ia;

	*ret = (struct exposure_verdict){ .verdict = EXPOSURE_LOOPBACK };
	if (is_loopback(e->family, e->laddr) || (dev && dev == c->loopback_ifindex))
		return;
	if (other_netns) {
		ret->verdict = EXPOSURE_OTHER_NETNS;
		return;
	}
	if (dev) {
		ret->verdict = EXPOSURE_DEVICE_BOUND;
		ret->ifindex = dev;
		return;
	}
	if (is_any(e->family, e->laddr)) {
		bool v6only = (e->flags & SOCK_F_V6ONLY_KNOWN) && (e->flags & SOCK_F_V6ONLY);

		ret->verdict = e->family == AF_INET6 && v6only ? EXPOSURE_ALL_INTERFACES_IPV6 :
								 EXPOSURE_ALL_INTERFACES;
		return;
	}
	ret->verdict = EXPOSURE_ADDRESS;
	/* A v4-mapped address on a dual-stack socket is the IPv4 address
	 * in the kernel's table. */
	if (e->family == AF_INET6 && !memcmp(e->laddr, v4mapped_prefix, 12))
		ia = c->addrs ? ifaddr_table_find(c->addrs, AF_INET, e->laddr + 12) : NULL;
	else
		ia = c->addrs ? ifaddr_table_find(c->addrs, e->family, e->laddr) : NULL;
	ret->ifindex = ia ? ia->ifindex : 0;
}

bool exposure_is_listener(const struct sock_entry *e)
{
	if (e->family != AF_INET && e->family != AF_INET6)
		return false;
	switch (e->proto) {
	case SOCK_PROTO_TCP:
		return e->state == SOCK_STATE_LISTEN;
	case SOCK_PROTO_UDP:
	case SOCK_PROTO_UDPLITE:
		return e->state == SOCK_STATE_CLOSE && e->lport != 0;
	case SOCK_PROTO_RAW:
		return true;
	}
	return false;
}
