/* SPDX-License-Identifier: MIT */
/* The summary (-s): counts of the listed table, the kernel's figures and
 * counters, and the listeners that are about to refuse connections. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/fmt.h"
#include "lsock/i18n.h"
#include "lsock/json_writer.h"
#include "lsock/proto.h"
#include "lsock/sock_names.h"
#include "lsock/summary.h"

static enum summary_family family_slot(uint8_t family)
{
	if (family == AF_INET6)
		return SUMMARY_INET6;
	return family == AF_UNIX ? SUMMARY_UNIX : SUMMARY_INET;
}

static const uint8_t slot_family[_SUMMARY_FAMILY_MAX] = {
	[SUMMARY_INET] = AF_INET,
	[SUMMARY_INET6] = AF_INET6,
	[SUMMARY_UNIX] = AF_UNIX,
};

static void count_one(const struct sock_entry *e, struct summary_counts *ret)
{
	enum summary_family f = family_slot(e->family);

	ret->total++;
	ret->family[f]++;
	if (e->proto >= _SOCK_PROTO_MAX || e->state >= _SOCK_STATE_MAX)
		return;
	ret->proto[e->proto]++;
	ret->proto_family[e->proto][f]++;
	ret->proto_state[e->proto][e->state]++;
	ret->state[e->state]++;
}

void summary_count(const struct sock_table *t, struct summary_counts *ret)
{
	size_t i;

	*ret = (struct summary_counts){ 0 };
	for (i = 0; i < t->len; i++)
		count_one(&t->entries[i], ret);
}

void summary_count_netns(const struct sock_table *t, struct summary_ns *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i].counts = (struct summary_counts){ 0 };
	for (i = 0; i < t->len; i++)
		if (t->entries[i].netns_idx < n)
			count_one(&t->entries[i], &v[t->entries[i].netns_idx].counts);
}

/* A row of namespace idx, to ask the netns column for its name. */
static struct sock_entry ns_row(size_t idx)
{
	return (struct sock_entry){ .netns_idx = (uint16_t)idx };
}

bool summary_listener_is_full(const struct sock_entry *e)
{
	return e->state == SOCK_STATE_LISTEN && e->source == SOCK_SOURCE_NETLINK &&
	       (e->flags & SOCK_F_QUEUES_KNOWN) && 2 * (uint64_t)e->rqueue > e->wqueue;
}

/* Whether the family slot f is listed for proto p. */
static bool slot_listed(const struct summary *s, enum sock_proto p, enum summary_family f)
{
	const struct proto_desc *d = proto_get(p);

	if (f == SUMMARY_UNIX)
		return d && !d->inet;
	return d && d->inet && (f == SUMMARY_INET ? s->inet4 : s->inet6);
}

static bool proto_listed(const struct summary *s, enum sock_proto p)
{
	return (s->protos & SOCK_PROTO_BIT(p)) != 0;
}

/* ---- text ---- */

static size_t digits(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* v right-aligned in width. */
static void put_num(struct outbuf *o, uint64_t v, size_t width)
{
	size_t n = digits(v);

	outbuf_pad(o, n < width ? width - n : 0);
	outbuf_u64(o, v);
}

/* v right-aligned in width, or "-" when it is not known. */
static void put_figure_value(struct outbuf *o, bool known, uint64_t v, size_t width)
{
	if (known) {
		put_num(o, v, width);
		return;
	}
	outbuf_pad(o, width - 1);
	outbuf_putc(o, '-');
}

/* Figure f (-1: none, blank) right-aligned in width. */
static void put_figure(struct outbuf *o, const struct sockstat *k, int f, size_t width)
{
	if (f < 0)
		outbuf_pad(o, width);
	else
		put_figure_value(o, sockstat_has_figure(k, (enum sockstat_figure)f), k->figures[f],
				 width);
}

static void put_label(struct outbuf *o, const char *s, size_t width)
{
	size_t n = strlen(s);

	outbuf_puts(o, s);
	outbuf_pad(o, n < width ? width - n : 1);
}

static void text_counts(struct outbuf *o, const struct summary *s)
{
	const struct summary_counts *c = s->counts;
	size_t p, f, st;

	outbuf_puts(o, _("Sockets listed: "));
	outbuf_u64(o, c->total);
	outbuf_puts(o, " (inet ");
	outbuf_u64(o, c->family[SUMMARY_INET]);
	outbuf_puts(o, ", inet6 ");
	outbuf_u64(o, c->family[SUMMARY_INET6]);
	outbuf_puts(o, ", unix ");
	outbuf_u64(o, c->family[SUMMARY_UNIX]);
	outbuf_puts(o, ")\n  Proto        Total    IPv4    IPv6  States\n");
	for (p = 0; p < _SOCK_PROTO_MAX; p++) {
		bool first = true;

		if (!proto_listed(s, (enum sock_proto)p))
			continue;
		outbuf_puts(o, "  ");
		put_label(o, sock_proto_name((uint8_t)p), 9);
		put_num(o, c->proto[p], 8);
		for (f = SUMMARY_INET; f <= SUMMARY_INET6; f++) {
			if (slot_listed(s, (enum sock_proto)p, (enum summary_family)f)) {
				put_num(o, c->proto_family[p][f], 8);
			} else {
				outbuf_pad(o, 7);
				outbuf_putc(o, '-');
			}
		}
		outbuf_puts(o, "  ");
		for (st = 0; st < _SOCK_STATE_MAX; st++) {
			if (!c->proto_state[p][st])
				continue;
			outbuf_puts(o, first ? "" : ", ");
			outbuf_puts(o, sock_state_name((uint8_t)st));
			outbuf_putc(o, ' ');
			outbuf_u64(o, c->proto_state[p][st]);
			first = false;
		}
		if (first)
			outbuf_putc(o, '-');
		outbuf_putc(o, '\n');
	}
}

struct figure_row {
	const char *label;
	int v4, v6;        /* enum sockstat_figure, -1: none */
	const char *note;
};

static const struct figure_row figure_rows[] = {
	{ "TCP in use", SOCKSTAT_TCP_INUSE, SOCKSTAT_TCP6_INUSE, N_("listening or connected") },
	{ "UDP in use", SOCKSTAT_UDP_INUSE, SOCKSTAT_UDP6_INUSE, NULL },
	{ "UDP-Lite in use", SOCKSTAT_UDPLITE_INUSE, SOCKSTAT_UDPLITE6_INUSE, NULL },
	{ "RAW in use", SOCKSTAT_RAW_INUSE, SOCKSTAT_RAW6_INUSE, NULL },
	{ "FRAG in use", SOCKSTAT_FRAG_INUSE, SOCKSTAT_FRAG6_INUSE,
	  N_("datagrams being reassembled") },
	{ "FRAG memory", SOCKSTAT_FRAG_MEMORY, SOCKSTAT_FRAG6_MEMORY, N_("bytes") },
	{ "TCP time-wait", SOCKSTAT_TCP_TW, -1, N_("TIME_WAIT, both families") },
	{ "TCP orphaned", SOCKSTAT_TCP_ORPHAN, -1,
	  N_("closed by their process, not yet by TCP; host-wide") },
	{ "TCP allocated", SOCKSTAT_TCP_ALLOC, -1, N_("host-wide, TIME_WAIT not included") },
	{ "TCP memory", SOCKSTAT_TCP_MEM, -1, N_("pages, host-wide") },
	{ "UDP memory", SOCKSTAT_UDP_MEM, -1, N_("pages, host-wide") },
	{ "sockets used", SOCKSTAT_SOCKETS_USED, -1, N_("every family, this network namespace") },
};

/* With several namespaces: how the figures of each were put together. */
static void text_summed(struct outbuf *o, const struct summary *s)
{
	if (s->nns < 2)
		return;
	char line[160];

	snprintf(line, sizeof(line),
		 P_("  (%zu network namespace: the host-wide figures once, the others summed)\n",
		    "  (%zu network namespaces: the host-wide figures once, the others summed)\n",
		    s->nns), s->nns);
	outbuf_puts(o, line);
}

static void text_figures(struct outbuf *o, const struct summary *s)
{
	const struct sockstat *k = s->kernel;
	uint64_t closed;
	bool closed_known;
	size_t i;

	outbuf_puts(o, "\n");
	outbuf_puts(o, _("Kernel figures (/proc/net/sockstat, sockstat6)"));
	outbuf_putc(o, '\n');
	text_summed(o, s);
	outbuf_puts(o, "                      IPv4    IPv6\n");
	for (i = 0; i < sizeof(figure_rows) / sizeof(figure_rows[0]); i++) {
		const struct figure_row *r = &figure_rows[i];

		outbuf_puts(o, "  ");
		put_label(o, r->label, 16);
		put_figure(o, k, r->v4, 8);
		put_figure(o, k, r->v6, 8);
		if (r->note) {
			outbuf_puts(o, "  ");
			outbuf_puts(o, _(r->note));
		}
		outbuf_putc(o, '\n');
	}
	outbuf_puts(o, "  ");
	put_label(o, "TCP closed", 16);
	/* Not in one call: the order arguments are evaluated in is unspecified,
	 * and closed must be read after sockstat_tcp_closed() wrote it. */
	closed_known = sockstat_tcp_closed(k, &closed);
	put_figure_value(o, closed_known, closed, 8);
	outbuf_pad(o, 8);
	outbuf_puts(o, "  ");
	outbuf_puts(o, _("allocated minus in use; TIME_WAIT is not closed (lsock(8))"));
	outbuf_putc(o, '\n');
}

static void text_counters(struct outbuf *o, const struct summary *s)
{
	const struct sockstat *k = s->kernel;
	size_t i;

	outbuf_puts(o, "\n");
	outbuf_puts(o, _("Counters since this network namespace began (/proc/net/snmp, netstat)"));
	outbuf_putc(o, '\n');
	text_summed(o, s);
	for (i = 0; i < _SOCKSTAT_COUNTER_MAX; i++) {
		const struct sockstat_counter_desc *d = sockstat_counter_get((enum sockstat_counter)i);

		outbuf_puts(o, "  ");
		put_label(o, d->key, 16);
		put_figure_value(o, sockstat_has_counter(k, (enum sockstat_counter)i), k->counters[i],
				 12);
		outbuf_puts(o, "  ");
		outbuf_puts(o, _(d->meaning));
		outbuf_putc(o, '\n');
	}
}

/* -G, -N: the namespace of row e, then two blanks. */
static void text_full_netns(struct outbuf *o, const struct summary *s, const struct sock_entry *e)
{
	if (!s->ns)
		return;
	column_get(COL_NETNS)->text(s->full, e, false, o);
	outbuf_puts(o, "  ");
}

static void text_full(struct outbuf *o, const struct summary *s)
{
	const struct render_ctx *c = s->full;
	size_t i;

	outbuf_puts(o, "\n");
	outbuf_puts(o, _("Listeners with the accept queue more than half full (waiting/backlog)"));
	outbuf_putc(o, '\n');
	if (!c->table->len) {
		outbuf_puts(o, "  ");
		outbuf_puts(o, _("none"));
		outbuf_putc(o, '\n');
	}
	for (i = 0; i < c->table->len; i++) {
		const struct sock_entry *e = &c->table->entries[i];
		const struct column *where = column_get(e->family == AF_UNIX ? COL_PATH : COL_LOCAL);

		outbuf_puts(o, "  ");
		text_full_netns(o, s, e);
		put_label(o, sock_proto_label(e->proto, e->family), 6);
		where->text(c, e, false, o);
		outbuf_puts(o, "  ");
		outbuf_u64(o, e->rqueue);
		outbuf_putc(o, '/');
		outbuf_u64(o, e->wqueue);
		outbuf_puts(o, "  ");
		column_get(COL_OWNERS)->text(c, e, true, o);
		outbuf_putc(o, '\n');
	}
}

/* A figure of k in width, "-" when unknown; two of them added (v6 -1: none). */
static void put_pair(struct outbuf *o, const struct sockstat *k, int v4, int v6, size_t width)
{
	bool known = sockstat_has_figure(k, (enum sockstat_figure)v4) &&
		     (v6 < 0 || sockstat_has_figure(k, (enum sockstat_figure)v6));

	put_figure_value(o, known, k->figures[v4] + (v6 < 0 ? 0 : k->figures[v6]), width);
}

/* -G, -N: one line per namespace, its name last (it may hold blanks). */
static void text_namespaces(struct outbuf *o, const struct summary *s)
{
	size_t i;

	if (!s->ns)
		return;
	outbuf_puts(o, "\n");
	outbuf_puts(o, _("Per network namespace (listed sockets; its own kernel figures)"));
	outbuf_puts(o, "\n    Listed    inet   inet6    unix  TCP-inuse  TCP-tw  UDP-inuse   Used  NetNS\n");
	for (i = 0; i < s->nns; i++) {
		const struct summary_counts *c = &s->ns[i].counts;
		const struct sockstat *k = s->ns[i].kernel;
		struct sock_entry e = ns_row(i);

		put_num(o, c->total, 10);
		put_num(o, c->family[SUMMARY_INET], 8);
		put_num(o, c->family[SUMMARY_INET6], 8);
		put_num(o, c->family[SUMMARY_UNIX], 8);
		put_pair(o, k, SOCKSTAT_TCP_INUSE, SOCKSTAT_TCP6_INUSE, 11);
		put_pair(o, k, SOCKSTAT_TCP_TW, -1, 8);
		put_pair(o, k, SOCKSTAT_UDP_INUSE, SOCKSTAT_UDP6_INUSE, 11);
		put_pair(o, k, SOCKSTAT_SOCKETS_USED, -1, 7);
		outbuf_puts(o, "  ");
		column_get(COL_NETNS)->text(s->full, &e, true, o);
		outbuf_putc(o, '\n');
	}
}

void fmt_summary_text(struct outbuf *o, const struct summary *s)
{
	text_counts(o, s);
	text_figures(o, s);
	text_counters(o, s);
	text_full(o, s);
	text_namespaces(o, s);
}

/* ---- JSON ---- */

static void json_states(struct json_writer *w, const size_t *states)
{
	size_t st;

	json_key(w, "states");
	json_begin_object(w);
	for (st = 0; st < _SOCK_STATE_MAX; st++) {
		if (!states[st])
			continue;
		json_key(w, sock_state_name((uint8_t)st));
		json_u64(w, states[st]);
	}
	json_end_object(w);
}

static void json_counts(struct json_writer *w, const struct summary *s,
			const struct summary_counts *c)
{
	size_t p, f;

	json_key(w, "sockets");
	json_begin_object(w);
	json_key(w, "total");
	json_u64(w, c->total);
	json_key(w, "families");
	json_begin_object(w);
	for (f = 0; f < _SUMMARY_FAMILY_MAX; f++) {
		json_key(w, sock_family_name(slot_family[f]));
		json_u64(w, c->family[f]);
	}
	json_end_object(w);
	json_states(w, c->state);
	json_key(w, "protocols");
	json_begin_object(w);
	for (p = 0; p < _SOCK_PROTO_MAX; p++) {
		if (!proto_listed(s, (enum sock_proto)p))
			continue;
		json_key(w, sock_proto_name((uint8_t)p));
		json_begin_object(w);
		json_key(w, "total");
		json_u64(w, c->proto[p]);
		for (f = 0; f < _SUMMARY_FAMILY_MAX; f++) {
			if (!slot_listed(s, (enum sock_proto)p, (enum summary_family)f))
				continue;
			json_key(w, sock_family_name(slot_family[f]));
			json_u64(w, c->proto_family[p][f]);
		}
		json_states(w, c->proto_state[p]);
		json_end_object(w);
	}
	json_end_object(w);
	json_end_object(w);
}

static void json_opt(struct json_writer *w, const char *key, bool known, uint64_t v)
{
	json_key(w, key);
	if (known)
		json_u64(w, v);
	else
		json_null(w);
}

/* Figures in table order; the table keeps each JSON group contiguous. */
static void json_figures(struct json_writer *w, const struct sockstat *k)
{
	const char *open = NULL;
	uint64_t closed;
	bool closed_known = sockstat_tcp_closed(k, &closed);
	size_t f;

	json_key(w, "sockstat");
	json_begin_object(w);
	for (f = 0; f < _SOCKSTAT_FIGURE_MAX; f++) {
		const struct sockstat_figure_desc *d = sockstat_figure_get((enum sockstat_figure)f);

		if (open && (!d->group || strcmp(open, d->group))) {
			if (!strcmp(open, "tcp"))
				json_opt(w, "closed", closed_known, closed);
			json_end_object(w);
			open = NULL;
		}
		if (d->group && !open) {
			json_key(w, d->group);
			json_begin_object(w);
			open = d->group;
		}
		json_opt(w, d->key, sockstat_has_figure(k, (enum sockstat_figure)f), k->figures[f]);
	}
	if (open)
		json_end_object(w);
	json_end_object(w);
}

static void json_counters(struct json_writer *w, const struct sockstat *k)
{
	size_t i;

	json_key(w, "counters");
	json_begin_object(w);
	for (i = 0; i < _SOCKSTAT_COUNTER_MAX; i++)
		json_opt(w, sockstat_counter_get((enum sockstat_counter)i)->key,
			 sockstat_has_counter(k, (enum sockstat_counter)i), k->counters[i]);
	json_end_object(w);
}

/* -G, -N: "namespaces": [{"netns": {...}, "sockets", "sockstat", "counters"}]. */
static void json_namespaces(struct json_writer *w, const struct summary *s)
{
	size_t i;

	json_key(w, "namespaces");
	json_begin_array(w);
	for (i = 0; i < s->nns; i++) {
		struct sock_entry e = ns_row(i);

		json_begin_object(w);
		column_get(COL_NETNS)->json(s->full, &e, w);
		json_counts(w, s, &s->ns[i].counts);
		json_figures(w, s->ns[i].kernel);
		json_counters(w, s->ns[i].kernel);
		json_end_object(w);
	}
	json_end_array(w);
}

void fmt_summary_json(struct outbuf *o, const struct summary *s)
{
	struct json_writer w;
	size_t i;

	json_init(&w, o);
	json_begin_object(&w);
	json_key(&w, "schema");
	json_u64(&w, LSOCK_JSON_SCHEMA);
	json_key(&w, "summary");
	json_begin_object(&w);
	json_counts(&w, s, s->counts);
	json_figures(&w, s->kernel);
	json_counters(&w, s->kernel);
	json_key(&w, "full_listeners");
	json_begin_array(&w);
	for (i = 0; i < s->full->table->len; i++)
		column_json_socket(s->full, &s->full->table->entries[i], &w);
	json_end_array(&w);
	if (s->ns)
		json_namespaces(&w, s);
	json_end_object(&w);
	json_end_object(&w);
	outbuf_putc(o, '\n');
}
