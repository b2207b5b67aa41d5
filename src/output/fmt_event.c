/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/fmt_event.h"
#include "lsock/json_writer.h"
#include "lsock/sock_names.h"

const char *fmt_event_time(const struct timespec *ts, char buf[FMT_EVENT_TIME_MAX])
{
	struct tm tm;

	if (!gmtime_r(&ts->tv_sec, &tm)) {
		snprintf(buf, FMT_EVENT_TIME_MAX, "1970-01-01T00:00:00.000Z");
		return buf;
	}
	snprintf(buf, FMT_EVENT_TIME_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(ts->tv_nsec / 1000000 % 1000));
	return buf;
}

/* "EPERM" for -EPERM (glibc 2.32+), or the number. */
static const char *errno_name(int err, char buf[16])
{
	const char *n = strerrorname_np(-err);

	if (n)
		return n;
	snprintf(buf, 16, "%d", -err);
	return buf;
}

void fmt_event_text(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c,
		    const struct sock_entry *e, const struct fmt_event *ev)
{
	const struct column_list *cols =
		l->single_table || e->family != AF_UNIX ? &l->inet_cols : &l->unix_cols;
	bool state_shown = false;
	char tbuf[FMT_EVENT_TIME_MAX], nbuf[16];
	size_t i;

	if (ev->time) {
		outbuf_puts(o, fmt_event_time(ev->time, tbuf));
		outbuf_putc(o, ' ');
	}
	if (ev->sign) {
		outbuf_putc(o, ev->sign);
		outbuf_putc(o, ' ');
	} else if (ev->event) {
		outbuf_puts(o, ev->event);
		outbuf_putc(o, ' ');
	}
	for (i = 0; i < cols->len; i++) {
		const struct column *col = column_get(cols->ids[i]);

		if (i)
			outbuf_putc(o, ' ');
		if (cols->ids[i] == COL_STATE && ev->has_from) {
			outbuf_puts(o, sock_state_name(ev->from_state));
			outbuf_puts(o, " -> ");
			state_shown = true;
		}
		col->text(c, e, i + 1 == cols->len, o);
	}
	if (ev->has_from && !state_shown) {
		outbuf_puts(o, " (");
		outbuf_puts(o, sock_state_name(ev->from_state));
		outbuf_puts(o, " -> ");
		outbuf_puts(o, sock_state_name(e->state));
		outbuf_putc(o, ')');
	}
	if (ev->error) {
		outbuf_puts(o, ": ");
		outbuf_puts(o, strerror(-ev->error));
		outbuf_puts(o, " (");
		outbuf_puts(o, errno_name(ev->error, nbuf));
		outbuf_putc(o, ')');
	}
	outbuf_putc(o, '\n');
}

void fmt_event_ndjson(struct outbuf *o, const struct render_ctx *c, const struct sock_entry *e,
		      const struct fmt_event *ev)
{
	struct json_writer w;
	char tbuf[FMT_EVENT_TIME_MAX], nbuf[16];

	json_init(&w, o);
	json_begin_object(&w);
	json_key(&w, "event");
	json_cstring(&w, ev->event);
	if (ev->time) {
		json_key(&w, "time");
		json_cstring(&w, fmt_event_time(ev->time, tbuf));
	}
	json_key(&w, "socket");
	column_json_socket(c, e, &w);
	json_key(&w, "from_state");
	json_cstring(&w, ev->has_from ? sock_state_name(ev->from_state) : NULL);
	if (ev->error) {
		json_key(&w, "error");
		json_cstring(&w, errno_name(ev->error, nbuf));
		json_key(&w, "message");
		json_cstring(&w, strerror(-ev->error));
	}
	json_end_object(&w);
	outbuf_putc(o, '\n');
}
