/* SPDX-License-Identifier: MIT */
/*
 * Collectors: for each (protocol, family) the spec asks for, try sock_diag
 * and fall back to /proc/net, per slot, recording which source served it.
 * Collectors never print: what happened is returned in a report that the
 * CLI turns into messages.
 */
#ifndef LSOCK_COLLECT_H
#define LSOCK_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/sock_table.h"

enum source_mode {
	SOURCE_AUTO,    /* sock_diag, falling back to /proc/net per slot */
	SOURCE_NETLINK, /* sock_diag only */
	SOURCE_PROC,    /* /proc/net only */
};

/* What to collect: the plan's answer to "which sockets", and nothing about
 * how they are shown. */
struct collect_spec {
	uint32_t protos;      /* SOCK_PROTO_BIT mask, never 0 */
	bool protos_given;    /* protocols were named (-t -u ...), not defaulted */
	bool inet4;
	bool inet6;
	uint32_t states;      /* SOCK_STATE_BIT mask pushed to the kernel and checked after */
	enum source_mode source;
	const char *proc_root; /* normally "/proc" */
};

/* Whether spec s lists sockets of (proto, family). */
bool collect_spec_wants(const struct collect_spec *s, enum sock_proto proto, uint8_t family);

/* One (protocol, family) dump. */
struct collect_slot {
	uint8_t proto;      /* enum sock_proto */
	uint8_t family;     /* AF_INET, AF_INET6 or AF_UNIX */
	bool served;        /* some source delivered this slot */
	uint8_t source;     /* enum sock_source that served it */
	int netlink_error;  /* -errno from sock_diag, 0 if it served or was not tried */
	size_t netlink_dropped; /* malformed sock_diag records left out of a dump that served */
	int proc_error;     /* -errno from /proc/net, 0 if it served or was not tried */
	size_t proc_skipped; /* malformed /proc lines skipped */
	size_t proc_duplicates; /* sockets listed twice by a non-atomic /proc read, dropped */
	size_t proc_unaccounted; /* unix: /proc rows beyond the kernel's socket count (forged
				  * by names holding '\n', or churn; see procnet_collect_stats()) */
	bool noisy_fallback; /* fell back for a reason the user should hear about */
};

#define COLLECT_SLOTS_MAX (2 * _SOCK_PROTO_MAX)

struct collect_report {
	int transport_error;    /* -errno opening NETLINK_SOCK_DIAG, 0 if fine or unused */
	size_t nslots;          /* the asked slots, in collection order */
	struct collect_slot slots[COLLECT_SLOTS_MAX];
};

/*
 * Appends the sockets s asks for to t, in protocol-table order.  *ret_report
 * is written on every path (on -ENOMEM it describes the slots tried so far).
 * Returns 0 when every asked slot was served (or does not exist on this
 * kernel), -ENOMEM, or, when some slot could not be served, the error of the
 * first such slot (the report says which).  With SOURCE_NETLINK, a sock_diag
 * failure is that error.
 */
int collect_run(const struct collect_spec *s, struct sock_table *t,
		struct collect_report *ret_report);

/* The slot of (proto, family), or NULL if it was not asked for. */
const struct collect_slot *collect_slot_of(const struct collect_report *r, enum sock_proto proto,
					   uint8_t family);

/* Whether err (negative) from sock_diag means "not available here": fall
 * back quietly (EPROTONOSUPPORT, EAFNOSUPPORT, EPERM, EACCES, ENOENT, EINVAL,
 * EOPNOTSUPP). */
bool collect_is_quiet_fallback(int err);

#endif
