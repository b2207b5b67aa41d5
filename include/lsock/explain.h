/* SPDX-License-Identifier: MIT */
/*
 * --explain: short numbered notes after the text table, each printed
 * exactly when its condition appears in that output, keyed to the rows it
 * concerns by markers in a last "Notes" column.  Text for people: JSON
 * carries none.
 */
#ifndef LSOCK_EXPLAIN_H
#define LSOCK_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "lsock/columns.h"
#include "lsock/fmt.h"
#include "lsock/outbuf.h"

/* The notes, in the order they are numbered (only those that appear). */
enum explain_note {
	NOTE_LISTEN_QUEUES, /* a LISTEN row with Recv-Q or Send-Q shown */
	NOTE_ANY_V4,        /* a local 0.0.0.0 */
	NOTE_ANY_DUAL,      /* a local * (dual-stack ::) */
	NOTE_ANY_V6,        /* a local [::] (v6only, or not known) */
	NOTE_V4MAPPED,      /* a ::ffff:a.b.c.d address */
	NOTE_PRIVILEGED,    /* a local port below 1024 */
	NOTE_EPHEMERAL,     /* a local port in the ephemeral range */
	NOTE_UNCONN,        /* the state UNCONN */
	NOTE_TIME_WAIT,
	NOTE_CLOSE_WAIT,
	NOTE_NO_HOLDER,     /* owner "-": no process holds the socket (inode 0) */
	NOTE_OWNER_HIDDEN,  /* owner "-": a process holds it, lsock could not see which */
	_NOTE_MAX,
};

struct explain {
	const struct render_ctx *c;
	const struct text_layout *l;
	uint16_t eph_lo, eph_hi;      /* the ephemeral range; eph_hi 0: unknown (no note) */
	uint8_t number[_NOTE_MAX];    /* 1-based number of each note shown; 0: not shown */
	bool color;                   /* colour the markers of the notes */
};

/*
 * Decides which notes this output has: walks c's table as fmt_text() will
 * show it (l's columns) and numbers the notes that appear.  eph_lo/eph_hi
 * come from <proc_root>/sys/net/ipv4/ip_local_port_range (0, 0 if it could
 * not be read).  Writes *ret on every path; ret must outlive the table's
 * printing (it is the notes' hook data).
 */
void explain_prepare(const struct render_ctx *c, const struct text_layout *l, uint16_t eph_lo,
		     uint16_t eph_hi, struct explain *ret);

/* The bit set (1u << enum explain_note) of the notes that concern e. */
unsigned explain_notes_of(const struct explain *x, const struct sock_entry *e);

/* The text_notes hooks that put x's markers into the table. */
struct text_notes explain_hooks(const struct explain *x);

/* Writes the notes that appear, numbered, after the table. */
void explain_write(struct outbuf *o, const struct explain *x);

/* A translated gloss of a state ("escuchando" for LISTEN), or NULL when the
 * locale has none (the C locale: the token says it already). */
const char *explain_state_gloss(uint8_t state);

#endif
