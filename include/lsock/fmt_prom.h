/* SPDX-License-Identifier: MIT */
/*
 * The Prometheus text exposition format (version 0.0.4), for
 * node_exporter's textfile collector:
 *
 *   lsock_listener_info{netns,proto,family,address,port,program,unit} 1
 *   lsock_listener_accept_queue{same labels}  connections waiting (LISTEN only)
 *   lsock_listener_backlog{same labels}       listen(2) backlog (LISTEN only)
 *   lsock_sockets{netns,proto,state}          sockets per protocol and state
 *   lsock_scrape_duration_seconds, lsock_last_scrape_timestamp_seconds
 *
 * Every metric is a gauge (nothing here only grows, so no _total).  There
 * is no per-connection series and no command line among the labels: the
 * first grows without bound, the second leaks secrets (passwords passed as
 * arguments).  Listeners with the same labels (SO_REUSEPORT groups,
 * a UDP socket per address family bound by one program) are one series;
 * their queues and backlogs add up.
 */
#ifndef LSOCK_FMT_PROM_H
#define LSOCK_FMT_PROM_H

#include <stdint.h>

#include "lsock/columns.h"
#include "lsock/outbuf.h"

struct prom_scrape {
	uint64_t duration_ns;  /* collecting took this long */
	struct timespec_ms {
		int64_t sec;
		uint32_t msec;
	} when;                /* when collecting began (Unix time) */
	const char *netns;     /* the netns label, "" when not known */
	/* The systemd unit of e's owner (the lowest pid, as for the program
	 * label), or NULL or "" when not known.  May be NULL: no units. */
	const char *(*unit_of)(const struct sock_entry *e, void *data);
	void *unit_data;
};

/*
 * Appends s[0..len) as a label value: \ " and newline escaped as the
 * format requires (\\ \" \n); bytes that are not UTF-8 become U+FFFD
 * (label values are UTF-8), and NUL (inside abstract UNIX names) '@', as
 * ss shows it.
 */
void fmt_prom_label_value(struct outbuf *o, const void *s, size_t len);

/* The whole exposition of c's table (the owners, when c has them, name
 * the programs; the lowest pid's comm for a shared socket). */
void fmt_prom(struct outbuf *o, const struct render_ctx *c, const struct prom_scrape *s);

/* Whether e counts as a listener: LISTEN, or an unconnected socket bound
 * to a port (UDP, RAW) or a UNIX name, the sockets -l lists. */
bool fmt_prom_is_listener(const struct sock_entry *e);

#endif
