/* SPDX-License-Identifier: MIT */
/*
 * --audit: one row per listening socket with its exposure verdict, most
 * exposed first (the caller orders the rows), as text or JSON.
 */
#ifndef LSOCK_FMT_AUDIT_H
#define LSOCK_FMT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "lsock/columns.h"
#include "lsock/exposure.h"
#include "lsock/outbuf.h"

struct audit_row {
	const struct sock_entry *e;
	struct exposure_verdict v;
	const char *unit; /* the first owner's systemd unit; NULL: none known */
};

struct audit_view {
	const struct audit_row *rows;
	size_t len;
	bool header; /* title and column headers (not -H) */
	bool color;  /* SGR colour on the verdicts */
};

/*
 * Text: Exposure, Interface, Proto, Local Address (numeric), Service,
 * PID/Program, Unit.  The Interface column names the interface holding the
 * address (ADDRESS) or the bound device (DEVICE_BOUND), "*" where the
 * verdict is not about one interface, "-" where it is unknown.
 */
void fmt_audit_text(struct outbuf *o, const struct audit_view *v, const struct render_ctx *c);

/*
 * JSON (ndjson false: one document as fmt_json(); true: one object per
 * line): each socket object as --json writes it, plus "exposure":
 * {"verdict", "interface", "netns"}, "service" and "unit".
 */
void fmt_audit_json(struct outbuf *o, const struct audit_view *v, const struct render_ctx *c,
		    bool ndjson);

#endif
