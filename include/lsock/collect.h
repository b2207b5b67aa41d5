/* SPDX-License-Identifier: MIT */
/*
 * Collectors: for each (protocol, family) the plan wants, try sock_diag and
 * fall back to /proc/net, per slot, recording which source served it.
 * Collectors never print: what happened is returned in a report that main()
 * turns into messages.
 */
#ifndef LSOCK_COLLECT_H
#define LSOCK_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/plan.h"
#include "lsock/sock_table.h"

/* One (protocol, family) dump. */
struct collect_slot {
	bool asked;
	bool served;        /* some source delivered this slot */
	uint8_t source;     /* enum sock_source that served it */
	int netlink_error;  /* -errno from sock_diag, 0 if it served or was not tried */
	int proc_error;     /* -errno from /proc/net, 0 if it served or was not tried */
	size_t proc_skipped; /* malformed /proc lines skipped */
	size_t proc_duplicates; /* sockets listed twice by a non-atomic /proc read, dropped */
	bool noisy_fallback; /* fell back for a reason the user should hear about */
};

struct collect_report {
	int transport_error;    /* -errno opening NETLINK_SOCK_DIAG, 0 if fine or unused */
	/* [proto][0: AF_INET or AF_UNIX, 1: AF_INET6] */
	struct collect_slot slot[_SOCK_PROTO_MAX][2];
};

/*
 * Fills t.  Returns 0 when every asked slot was served (or does not exist
 * on this kernel), -ENOMEM, or, when some slot could not be served, the
 * error of the first such slot (the report says which).  With
 * SOURCE_NETLINK, a sock_diag failure is that error.
 */
int collect_run(const struct query_plan *p, struct sock_table *t, struct collect_report *ret_report);

/* The slot of (proto, family), for report readers. */
const struct collect_slot *collect_slot_of(const struct collect_report *r, enum sock_proto proto,
					   uint8_t family);

/* Whether err (negative) from sock_diag means "not available here": fall
 * back quietly (EPROTONOSUPPORT, EAFNOSUPPORT, EPERM, EACCES, ENOENT, EINVAL,
 * EOPNOTSUPP). */
bool collect_is_quiet_fallback(int err);

#endif
