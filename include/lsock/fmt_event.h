/* SPDX-License-Identifier: MIT */
/*
 * One line per event, for the modes that report what happens to sockets
 * rather than list them: --watch (new, closed, state), --events (closed)
 * and --kill (killed, kill_failed).  Text lines reuse the text columns;
 * NDJSON lines wrap the usual socket object.
 */
#ifndef LSOCK_FMT_EVENT_H
#define LSOCK_FMT_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "lsock/fmt.h"

struct fmt_event {
	const char *event;           /* "new", "closed", "state", "killed", "kill_failed" */
	char sign;                   /* text: '+', '-', '~', or 0 for none */
	const struct timespec *time; /* CLOCK_REALTIME; NULL: no time */
	bool has_from;               /* from_state is meaningful ("state") */
	uint8_t from_state;
	int error;                   /* kill_failed: -errno */
};

/* RFC 3339 in UTC with milliseconds: "2026-12-02T00:50:01.123Z" (24 bytes for
 * and a NUL).  Returns buf. */
#define FMT_EVENT_TIME_MAX 64
const char *fmt_event_time(const struct timespec *ts, char buf[FMT_EVENT_TIME_MAX]);

/*
 * Text: [TIME ]SIGN CELL CELL ...: the cells of l's columns for e's family
 * (the one table's with -k/-o), separated by one space.  For a state
 * change the State cell reads "FROM -> TO" (or, without a State column,
 * " (FROM -> TO)" ends the line); a failed kill ends with ": MESSAGE
 * (ENAME)".  c renders e (its table and owners).
 */
void fmt_event_text(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c,
		    const struct sock_entry *e, const struct fmt_event *ev);

/*
 * NDJSON: {"event":..., "time":..., "socket":{...}, "from_state":...}, and
 * for a failed kill "error" (the errno name) and "message".  from_state is
 * null except for "state".  time is left out without ev->time.
 */
void fmt_event_ndjson(struct outbuf *o, const struct render_ctx *c, const struct sock_entry *e,
		      const struct fmt_event *ev);

#endif
