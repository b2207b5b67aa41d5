/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/proto.h"

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif

static const struct proto_desc protos[_SOCK_PROTO_MAX] = {
	[SOCK_PROTO_TCP] = {
		.name = "tcp", .label = { "tcp", "tcp6" }, .help = "TCP sockets",
		.opt_short = 't', .opt_long = "tcp", .inet = true,
		.ipproto = { IPPROTO_TCP, IPPROTO_TCP }, .type = SOCK_STREAM,
		.proc_file = { "tcp", "tcp6" }, .diag = PROTO_DIAG_INET,
		.port_is_service = true,
	},
	[SOCK_PROTO_UDP] = {
		.name = "udp", .label = { "udp", "udp6" }, .help = "UDP sockets",
		.opt_short = 'u', .opt_long = "udp", .inet = true,
		.ipproto = { IPPROTO_UDP, IPPROTO_UDP }, .type = SOCK_DGRAM,
		.proc_file = { "udp", "udp6" }, .diag = PROTO_DIAG_INET,
		.port_is_service = true, .service_udp = true,
	},
	[SOCK_PROTO_UDPLITE] = {
		.name = "udplite", .label = { "udpl", "udpl6" }, .help = "UDP-Lite sockets",
		.opt_short = 'U', .opt_long = "udplite", .inet = true,
		.ipproto = { IPPROTO_UDPLITE, IPPROTO_UDPLITE }, .type = SOCK_DGRAM,
		.proc_file = { "udplite", "udplite6" }, .diag = PROTO_DIAG_INET,
		.optional = true, .port_is_service = true, .service_udp = true,
	},
	/*
	 * raw_diag registers under IPPROTO_RAW and its dump returns raw
	 * sockets of every IP protocol.  The kernel takes the handler from
	 * INET_DIAG_REQ_PROTOCOL when present, else from sdiag_protocol; we
	 * send both.  The local "port" is the socket's IP protocol number
	 * (inet_create() sets inet_sport = htons(protocol)).
	 */
	[SOCK_PROTO_RAW] = {
		.name = "raw", .label = { "raw", "raw6" }, .help = "RAW sockets",
		.opt_short = 'w', .opt_long = "raw", .inet = true,
		.ipproto = { IPPROTO_RAW, IPPROTO_RAW }, .type = SOCK_RAW,
		.proc_file = { "raw", "raw6" }, .diag = PROTO_DIAG_INET,
		.diag_req_protocol = IPPROTO_RAW, .optional = true,
	},
	/*
	 * ICMP echo ("ping") sockets, socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP),
	 * for users in net.ipv4.ping_group_range.  No sock_diag handler exists
	 * (inet_diag answers protocols 1 and 58 with DONE(-ENOENT)); ping_v4/v6
	 * print /proc/net/icmp{,6} in the UDP layout.  The "port" is the echo
	 * identifier, not a service.
	 */
	[SOCK_PROTO_ICMP] = {
		.name = "icmp", .label = { "icmp", "icmp6" }, .help = "ICMP echo (ping) sockets",
		.opt_long = "icmp", .inet = true,
		.ipproto = { IPPROTO_ICMP, IPPROTO_ICMPV6 }, .type = SOCK_DGRAM,
		.proc_file = { "icmp", "icmp6" }, .diag = PROTO_DIAG_NONE, .optional = true,
	},
	[SOCK_PROTO_UNIX] = {
		.name = "unix", .label = { "unix", "unix" }, .help = "UNIX domain sockets",
		.opt_short = 'x', .opt_long = "unix", .inet = false,
		.type = 0 /* stream, dgram or seqpacket: per socket */,
		.proc_file = { "unix", "unix" }, .diag = PROTO_DIAG_UNIX,
	},
};

const struct proto_desc *proto_get(enum sock_proto proto)
{
	return (unsigned)proto < _SOCK_PROTO_MAX ? &protos[proto] : NULL;
}

size_t proto_families(enum sock_proto proto, uint8_t ret_families[2])
{
	const struct proto_desc *d = proto_get(proto);

	if (!d)
		return 0;
	if (!d->inet) {
		ret_families[0] = AF_UNIX;
		return 1;
	}
	ret_families[0] = AF_INET;
	ret_families[1] = AF_INET6;
	return 2;
}

int proto_by_name(const char *name)
{
	int p;

	for (p = 0; p < _SOCK_PROTO_MAX; p++)
		if (!strcmp(protos[p].name, name))
			return p;
	return -EINVAL;
}

uint32_t proto_mask_inet(void)
{
	uint32_t m = 0;
	int p;

	for (p = 0; p < _SOCK_PROTO_MAX; p++)
		if (protos[p].inet)
			m |= SOCK_PROTO_BIT(p);
	return m;
}

uint32_t proto_mask_unix(void)
{
	return SOCK_PROTOS_ALL & ~proto_mask_inet();
}
