/* SPDX-License-Identifier: MIT */
/*
 * The CLI's output modes beyond the plain table and JSON, each in its own
 * file of src/cli/: --audit (audit_run.c), the text table with --explain
 * (explain_run.c), and the message catalogue (i18n_run.c).
 */
#ifndef LSOCK_CLI_MODES_H
#define LSOCK_CLI_MODES_H

#include "lsock/columns.h"
#include "lsock/i18n.h"
#include "lsock/outbuf.h"
#include "lsock/plan.h"

/*
 * --audit: reads the kernel's address table (a failure is a warning on
 * stderr: interfaces are then unknown) and the owners' units, orders the
 * listeners of c->table most exposed first, and writes them as text or
 * JSON as p says.
 */
void audit_write(struct outbuf *o, const struct query_plan *p, const struct render_ctx *c);

/*
 * The text table as p says, coloured if p->color, and with --explain its
 * Notes column and the notes after it (the ephemeral range is read from
 * <proc_root>/sys/net/ipv4/ip_local_port_range).
 */
void text_write(struct outbuf *o, const struct query_plan *p, const struct render_ctx *c);

/*
 * Messages in the user's language: setlocale(LC_ALL, ""), LC_NUMERIC back
 * to "C", and the "lsock" text domain bound to the locale dir (or
 * $LSOCK_LOCALEDIR, a test seam).  A no-op without ENABLE_NLS.
 */
void i18n_setup(void);

#endif
