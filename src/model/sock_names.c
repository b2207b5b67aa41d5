/* SPDX-License-Identifier: MIT */
#include <sys/socket.h>

#include "lsock/proto.h"
#include "lsock/sock_names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const state_names[_SOCK_STATE_MAX] = {
	[SOCK_STATE_UNKNOWN] = "UNKNOWN",
	[SOCK_STATE_ESTABLISHED] = "ESTABLISHED",
	[SOCK_STATE_SYN_SENT] = "SYN_SENT",
	[SOCK_STATE_SYN_RECV] = "SYN_RECV",
	[SOCK_STATE_FIN_WAIT1] = "FIN_WAIT1",
	[SOCK_STATE_FIN_WAIT2] = "FIN_WAIT2",
	[SOCK_STATE_TIME_WAIT] = "TIME_WAIT",
	/* The kernel's CLOSE is what an unconnected UDP or UNIX socket reports. */
	[SOCK_STATE_CLOSE] = "UNCONN",
	[SOCK_STATE_CLOSE_WAIT] = "CLOSE_WAIT",
	[SOCK_STATE_LAST_ACK] = "LAST_ACK",
	[SOCK_STATE_LISTEN] = "LISTEN",
	[SOCK_STATE_CLOSING] = "CLOSING",
	[SOCK_STATE_NEW_SYN_RECV] = "NEW_SYN_RECV",
};

static const char *const source_names[_SOCK_SOURCE_MAX] = {
	[SOCK_SOURCE_NETLINK] = "netlink",
	[SOCK_SOURCE_PROC] = "proc",
};

const char *sock_state_name(uint8_t state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : "UNKNOWN";
}

const char *sock_proto_name(uint8_t proto)
{
	const struct proto_desc *d = proto_get(proto);

	return d ? d->name : "UNKNOWN";
}

const char *sock_proto_label(uint8_t proto, uint8_t family)
{
	const struct proto_desc *d = proto_get(proto);

	return d ? d->label[proto_family_index(family)] : "UNKNOWN";
}

const char *sock_family_name(uint8_t family)
{
	switch (family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	case AF_UNIX:
		return "unix";
	}
	return "UNKNOWN";
}

const char *sock_type_name(uint8_t type)
{
	switch (type) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	case SOCK_RAW:
		return "raw";
	}
	return "UNKNOWN";
}

const char *sock_source_name(uint8_t source)
{
	return source < ARRAY_SIZE(source_names) ? source_names[source] : "UNKNOWN";
}
