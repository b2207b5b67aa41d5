/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/addr.h"
#include "lsock/escape.h"
#include "lsock/fmt_prom.h"
#include "lsock/owner.h"
#include "lsock/snapshot_netns.h"
#include "lsock/sock_names.h"

/* Length of the UTF-8 sequence at s[0..len), 0 if it is not valid. */
static size_t utf8_seq(const uint8_t *s, size_t len)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;

	if (!n || n > len)
		return 0;
	return utf8_valid(s, n) ? n : 0;
}

void fmt_prom_label_value(struct outbuf *o, const void *s, size_t len)
{
	const uint8_t *p = s;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq(p + i, len - i);

		if (n == 0) {
			outbuf_puts(o, "\xef\xbf\xbd"); /* U+FFFD */
			i++;
			continue;
		}
		if (p[i] == '\\')
			outbuf_puts(o, "\\\\");
		else if (p[i] == '"')
			outbuf_puts(o, "\\\"");
		else if (p[i] == '\n')
			outbuf_puts(o, "\\n");
		else if (p[i] == 0)
			outbuf_putc(o, '@');
		else
			outbuf_put(o, p + i, n);
		i += n;
	}
}

static void label(struct outbuf *o, const char *key, const char *v, size_t len, bool first)
{
	if (!first)
		outbuf_putc(o, ',');
	outbuf_puts(o, key);
	outbuf_puts(o, "=\"");
	fmt_prom_label_value(o, v, len);
	outbuf_putc(o, '"');
}

bool fmt_prom_is_listener(const struct sock_entry *e)
{
	if (e->state == SOCK_STATE_LISTEN)
		return true;
	if (e->state != SOCK_STATE_CLOSE)
		return false;
	if (e->family == AF_UNIX)
		return e->path_len > 0;
	return e->lport != 0;
}

/* The labels of one listener, as owned strings, and its queues. */
struct listener {
	char *address, *port, *program, *unit;
	size_t address_len, program_len;
	const char *netns; /* into the namespace list (lives as long as c) */
	size_t netns_len;
	const char *proto, *family;
	uint64_t accept_queue, backlog;
	bool is_listen; /* LISTEN: the queues mean something */
};

static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	return r ? r : (alen > blen) - (alen < blen);
}

static int cmp_listener(const void *x, const void *y)
{
	const struct listener *a = x, *b = y;
	int r;

	if ((r = cmp_bytes(a->netns, a->netns_len, b->netns, b->netns_len)) ||
	    (r = strcmp(a->proto, b->proto)) || (r = strcmp(a->family, b->family)) ||
	    (r = cmp_bytes(a->address, a->address_len, b->address, b->address_len)) ||
	    (r = strcmp(a->port, b->port)) ||
	    (r = cmp_bytes(a->program, a->program_len, b->program, b->program_len)))
		return r;
	return strcmp(a->unit, b->unit);
}

static void free_listeners(struct listener *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].address);
		free(v[i].port);
		free(v[i].program);
		free(v[i].unit);
	}
	free(v);
}

static char *dup_bytes(const void *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		if (len)
			memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* The netns label of e: its namespace's name as the NetNS column shows
 * it (host, an ip netns name, docker:web, net:[4026532249]...), else the
 * scrape's default. */
static const char *netns_label(const struct render_ctx *c, const struct prom_scrape *s,
			       uint16_t idx, size_t *ret_len)
{
	const struct snapshot_ns *v = snapshot_netns_of(c->netns, idx);

	if (v && v->ns && v->ns->label) {
		*ret_len = v->ns->label_len;
		return v->ns->label;
	}
	*ret_len = s->netns ? strlen(s->netns) : 0;
	return s->netns ? s->netns : "";
}

static int listener_of(const struct render_ctx *c, const struct prom_scrape *s,
		       const struct sock_entry *e, struct listener *ret)
{
	char addr[ADDR_ENDPOINT_MAX], port[8];
	uint8_t name[SOCK_DISPLAY_NAME_MAX];
	const struct owner *first = NULL;
	const char *prog = "", *unit = NULL;
	size_t alen, plen = 0;

	memset(ret, 0, sizeof(*ret));
	ret->netns = netns_label(c, s, e->netns_idx, &ret->netns_len);
	ret->proto = sock_proto_name(e->proto);
	ret->family = sock_family_name(e->family);
	if (e->family == AF_UNIX) {
		alen = sock_table_display_name(c->table, e, name);
		ret->address = dup_bytes(name, alen);
		port[0] = '\0';
	} else {
		alen = addr_format(addr, e->family, e->laddr);
		ret->address = dup_bytes(addr, alen);
		snprintf(port, sizeof(port), "%u", (unsigned)e->lport);
	}
	ret->address_len = alen;
	/* The holders are sorted by pid: the first is the lowest (the
	 * master of a pre-forking server). */
	if (render_owners(c, e, false, &first)) {
		const struct owner_proc *p = owner_map_proc(c->owners, first);

		prog = (const char *)p->comm;
		plen = p->comm_len;
	}
	if (s->unit_of)
		unit = s->unit_of(e, s->unit_data);
	ret->program = dup_bytes(prog, plen);
	ret->program_len = plen;
	ret->port = dup_bytes(port, strlen(port));
	ret->unit = dup_bytes(unit ? unit : "", unit ? strlen(unit) : 0);
	ret->is_listen = e->state == SOCK_STATE_LISTEN && (e->flags & SOCK_F_QUEUES_KNOWN);
	if (ret->is_listen) {
		ret->accept_queue = e->rqueue;
		ret->backlog = e->wqueue;
	}
	if (!ret->address || !ret->program || !ret->port || !ret->unit)
		return -ENOMEM;
	return 0;
}

static void listener_labels(struct outbuf *o, const struct listener *l)
{
	outbuf_putc(o, '{');
	label(o, "netns", l->netns, l->netns_len, true);
	label(o, "proto", l->proto, strlen(l->proto), false);
	label(o, "family", l->family, strlen(l->family), false);
	label(o, "address", l->address, l->address_len, false);
	label(o, "port", l->port, strlen(l->port), false);
	label(o, "program", l->program, l->program_len, false);
	label(o, "unit", l->unit, strlen(l->unit), false);
	outbuf_putc(o, '}');
}

static void header(struct outbuf *o, const char *name, const char *help)
{
	outbuf_puts(o, "# HELP ");
	outbuf_puts(o, name);
	outbuf_putc(o, ' ');
	outbuf_puts(o, help);
	outbuf_puts(o, "\n# TYPE ");
	outbuf_puts(o, name);
	outbuf_puts(o, " gauge\n");
}

/* The listeners of the table, sorted and merged by labels. */
static int gather(const struct render_ctx *c, const struct prom_scrape *s, struct listener **ret,
		  size_t *ret_len)
{
	struct listener *v = calloc(c->table->len + 1, sizeof(*v));
	size_t i, n = 0, m;
	int r;

	*ret = NULL;
	*ret_len = 0;
	if (!v)
		return -ENOMEM;
	for (i = 0; i < c->table->len; i++) {
		const struct sock_entry *e = &c->table->entries[i];

		if (!fmt_prom_is_listener(e))
			continue;
		r = listener_of(c, s, e, &v[n++]);
		if (r < 0) {
			free_listeners(v, n);
			return r;
		}
	}
	qsort(v, n, sizeof(*v), cmp_listener);
	for (i = 0, m = 0; i < n; i++) {
		if (m && !cmp_listener(&v[m - 1], &v[i])) {
			v[m - 1].accept_queue += v[i].accept_queue;
			v[m - 1].backlog += v[i].backlog;
			v[m - 1].is_listen |= v[i].is_listen;
			free(v[i].address);
			free(v[i].port);
			free(v[i].program);
			free(v[i].unit);
			continue;
		}
		v[m++] = v[i];
	}
	*ret = v;
	*ret_len = m;
	return 0;
}

static void metric_listeners(struct outbuf *o, const struct listener *v, size_t n, int which)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (which && !v[i].is_listen)
			continue;
		outbuf_puts(o, which == 0 ? "lsock_listener_info" :
			       which == 1 ? "lsock_listener_accept_queue" :
					    "lsock_listener_backlog");
		listener_labels(o, &v[i]);
		outbuf_putc(o, ' ');
		outbuf_u64(o, which == 0 ? 1 : which == 1 ? v[i].accept_queue : v[i].backlog);
		outbuf_putc(o, '\n');
	}
}

/* A namespace of the list and its label, for the per-namespace counts. */
struct ns_label {
	const char *label;
	size_t len;
	size_t idx;   /* netns_idx */
	size_t group; /* namespaces with equal labels count as one series */
};

static int cmp_ns_label(const void *x, const void *y)
{
	const struct ns_label *a = x, *b = y;
	int r = cmp_bytes(a->label, a->len, b->label, b->len);

	return r ? r : (a->idx > b->idx) - (a->idx < b->idx);
}

typedef uint64_t sock_counts[_SOCK_PROTO_MAX][_SOCK_STATE_MAX];

/*
 * lsock_sockets, one set of series per namespace label, in label order.
 * Two namespaces whose labels are equal (a label names what the NetNS
 * column shows, not the inode) are one series: a scrape must not hold
 * the same series twice.
 */
static int metric_sockets(struct outbuf *o, const struct render_ctx *c, const struct prom_scrape *s)
{
	size_t nns = c->netns && c->netns->len ? c->netns->len : 1, i, p, st, g, ngroups = 0;
	struct ns_label *ns = calloc(nns, sizeof(*ns));
	size_t *group_of = calloc(nns, sizeof(*group_of));
	sock_counts *count = calloc(nns, sizeof(*count));

	if (!ns || !group_of || !count) {
		free(ns);
		free(group_of);
		free(count);
		return -ENOMEM;
	}
	for (i = 0; i < nns; i++) {
		ns[i].idx = i;
		ns[i].label = netns_label(c, s, (uint16_t)i, &ns[i].len);
	}
	qsort(ns, nns, sizeof(*ns), cmp_ns_label);
	for (i = 0; i < nns; i++) {
		if (i && cmp_bytes(ns[i - 1].label, ns[i - 1].len, ns[i].label, ns[i].len))
			ngroups++;
		ns[i].group = ngroups;
		group_of[ns[i].idx] = ngroups;
	}
	for (i = 0; i < c->table->len; i++) {
		const struct sock_entry *e = &c->table->entries[i];
		size_t gi = e->netns_idx < nns ? group_of[e->netns_idx] : 0;

		if (e->proto < _SOCK_PROTO_MAX && e->state < _SOCK_STATE_MAX)
			count[gi][e->proto][e->state]++;
	}
	for (i = 0; i < nns; i++) {
		if (i && ns[i].group == ns[i - 1].group)
			continue;
		g = ns[i].group;
		for (p = 0; p < _SOCK_PROTO_MAX; p++) {
			for (st = 0; st < _SOCK_STATE_MAX; st++) {
				const char *pn = sock_proto_name((uint8_t)p), *sn;

				if (!count[g][p][st])
					continue;
				sn = sock_state_name((uint8_t)st);
				outbuf_puts(o, "lsock_sockets{");
				label(o, "netns", ns[i].label, ns[i].len, true);
				label(o, "proto", pn, strlen(pn), false);
				label(o, "state", sn, strlen(sn), false);
				outbuf_puts(o, "} ");
				outbuf_u64(o, count[g][p][st]);
				outbuf_putc(o, '\n');
			}
		}
	}
	free(ns);
	free(group_of);
	free(count);
	return 0;
}

/* v / 10^digits as a decimal with that many digits (no locale, no float). */
static void put_fixed(struct outbuf *o, uint64_t whole, uint64_t frac, unsigned digits)
{
	char buf[16];

	outbuf_u64(o, whole);
	snprintf(buf, sizeof(buf), ".%0*llu", (int)digits, (unsigned long long)frac);
	outbuf_puts(o, buf);
}

void fmt_prom(struct outbuf *o, const struct render_ctx *c, const struct prom_scrape *s)
{
	struct listener *v;
	size_t n;
	int r;

	r = gather(c, s, &v, &n);
	if (r < 0) {
		outbuf_set_error(o, r);
		return;
	}
	header(o, "lsock_listener_info",
	       "A listening socket (LISTEN, or unconnected and bound): value 1, one series per "
	       "distinct label set.");
	metric_listeners(o, v, n, 0);
	header(o, "lsock_listener_accept_queue",
	       "Connections waiting to be accepted by a LISTEN socket (summed over listeners "
	       "with the same labels).");
	metric_listeners(o, v, n, 1);
	header(o, "lsock_listener_backlog",
	       "Maximum accept backlog of a LISTEN socket, as listen(2) set it (summed over "
	       "listeners with the same labels).");
	metric_listeners(o, v, n, 2);
	header(o, "lsock_sockets", "Sockets by network namespace, protocol and state.");
	r = metric_sockets(o, c, s);
	if (r < 0) {
		outbuf_set_error(o, r);
		free_listeners(v, n);
		return;
	}
	header(o, "lsock_scrape_duration_seconds", "How long lsock took to collect the sockets.");
	outbuf_puts(o, "lsock_scrape_duration_seconds ");
	put_fixed(o, s->duration_ns / 1000000000u, s->duration_ns % 1000000000u, 9);
	outbuf_putc(o, '\n');
	header(o, "lsock_last_scrape_timestamp_seconds",
	       "When lsock collected the sockets, in seconds since the Unix epoch.");
	outbuf_puts(o, "lsock_last_scrape_timestamp_seconds ");
	put_fixed(o, (uint64_t)(s->when.sec < 0 ? 0 : s->when.sec), s->when.msec, 3);
	outbuf_putc(o, '\n');
	free_listeners(v, n);
}
