/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/addr.h"
#include "lsock/color.h"
#include "lsock/escape.h"
#include "lsock/fmt.h"
#include "lsock/fmt_audit.h"
#include "lsock/i18n.h"
#include "lsock/ifnames.h"
#include "lsock/proto.h"
#include "lsock/protonames.h"
#include "lsock/services.h"
#include "lsock/sock_names.h"

enum audit_col {
	AUDIT_EXPOSURE,
	AUDIT_INTERFACE,
	AUDIT_PROTO,
	AUDIT_LOCAL,
	AUDIT_SERVICE,
	AUDIT_OWNERS,
	AUDIT_UNIT,
	_AUDIT_COL_MAX,
};

static const char *const audit_headers[_AUDIT_COL_MAX] = {
	[AUDIT_EXPOSURE] = N_("Exposure"),
	[AUDIT_INTERFACE] = N_("Interface"),
	[AUDIT_PROTO] = N_("Proto"),
	[AUDIT_LOCAL] = N_("Local Address"),
	[AUDIT_SERVICE] = N_("Service"),
	[AUDIT_OWNERS] = N_("PID/Program name"),
	[AUDIT_UNIT] = N_("Unit"),
};

#define COL_SEP 2

/* The interface a verdict is about, NULL if none or unknown. */
static const char *verdict_ifname(const struct render_ctx *c, const struct audit_row *r)
{
	struct ifname_cache *cache = render_ifnames(c, r->e);

	if (!r->v.ifindex || !cache)
		return NULL;
	if (r->v.verdict != EXPOSURE_ADDRESS && r->v.verdict != EXPOSURE_DEVICE_BOUND)
		return NULL;
	return ifname_cache_name(cache, r->v.ifindex);
}

/* The well-known name of e's port (a RAW socket's: its IP protocol), or NULL. */
static const char *service_name(const struct render_ctx *c, const struct sock_entry *e)
{
	const struct proto_desc *d = proto_get(e->proto);

	if (!e->lport)
		return NULL;
	if (c->services && d && d->port_is_service)
		return services_lookup(c->services, e->lport, d->service_udp);
	if (c->protonames && e->proto == SOCK_PROTO_RAW)
		return protoname_cache_name(c->protonames, e->lport);
	return NULL;
}

static void put_cell_name(struct outbuf *o, const char *s, bool last)
{
	if (s && *s)
		esc_text_name(o, s, strlen(s), last, 0);
	else
		outbuf_putc(o, '-');
}

static void render(const struct render_ctx *c, const struct audit_row *r, enum audit_col k,
		   struct outbuf *o)
{
	char buf[ADDR_ENDPOINT_MAX];
	bool last = k + 1 == _AUDIT_COL_MAX;
	const char *ifname;

	o->len = 0;
	switch (k) {
	case AUDIT_EXPOSURE:
		outbuf_puts(o, exposure_name(r->v.verdict));
		break;
	case AUDIT_INTERFACE:
		ifname = verdict_ifname(c, r);
		if (ifname)
			esc_text_name(o, ifname, strlen(ifname), false, 0);
		else if (r->v.verdict == EXPOSURE_ADDRESS || r->v.verdict == EXPOSURE_DEVICE_BOUND)
			outbuf_putc(o, '-');
		else
			outbuf_putc(o, '*');
		break;
	case AUDIT_PROTO:
		outbuf_puts(o, sock_proto_label(r->e->proto, r->e->family));
		break;
	case AUDIT_LOCAL:
		outbuf_put(o, buf, addr_format_endpoint(buf, r->e, true, NULL));
		break;
	case AUDIT_SERVICE:
		put_cell_name(o, service_name(c, r->e), false);
		break;
	case AUDIT_OWNERS:
		column_get(COL_OWNERS)->text(c, r->e, false, o);
		break;
	case AUDIT_UNIT:
		put_cell_name(o, r->unit, last);
		break;
	case _AUDIT_COL_MAX:
		break;
	}
	if (o->buf)
		o->buf[o->len] = '\0';
}

/* Writes one left-aligned cell; padding is owed until more text follows,
 * so no row ends in blanks (as fmt_text). */
static void put_cell(struct outbuf *o, const char *s, size_t len, size_t width, const char *sgr,
		     size_t *pending)
{
	size_t w = utf8_display_width(s, len);

	if (len) {
		outbuf_pad(o, *pending);
		*pending = 0;
		if (sgr)
			outbuf_puts(o, sgr);
		outbuf_put(o, s, len);
		if (sgr)
			outbuf_puts(o, COLOR_RESET);
	}
	*pending += (width > w ? width - w : 0) + COL_SEP;
}

void fmt_audit_text(struct outbuf *o, const struct audit_view *v, const struct render_ctx *c)
{
	size_t widths[_AUDIT_COL_MAX], i, k, pending;
	struct outbuf scratch;

	if (!v->header && v->len == 0)
		return;
	if (outbuf_init(&scratch, -1) < 0) {
		outbuf_set_error(o, -ENOMEM);
		return;
	}
	for (k = 0; k < _AUDIT_COL_MAX; k++) {
		const char *h = _(audit_headers[k]);

		widths[k] = v->header ? utf8_display_width(h, strlen(h)) : 0;
	}
	for (i = 0; i < v->len; i++)
		for (k = 0; k < _AUDIT_COL_MAX; k++) {
			size_t w;

			render(c, &v->rows[i], (enum audit_col)k, &scratch);
			w = utf8_display_width(scratch.buf, scratch.len);
			if (w > widths[k])
				widths[k] = w;
		}
	if (v->header) {
		outbuf_puts(o, _("Listening sockets, most exposed first"));
		outbuf_putc(o, '\n');
		pending = 0;
		for (k = 0; k < _AUDIT_COL_MAX; k++) {
			const char *h = _(audit_headers[k]);

			put_cell(o, h, strlen(h), widths[k], NULL, &pending);
		}
		outbuf_putc(o, '\n');
	}
	for (i = 0; i < v->len; i++) {
		pending = 0;
		for (k = 0; k < _AUDIT_COL_MAX; k++) {
			const char *sgr = NULL;

			if (v->color && k == AUDIT_EXPOSURE)
				sgr = color_exposure(v->rows[i].v.verdict);
			render(c, &v->rows[i], (enum audit_col)k, &scratch);
			put_cell(o, scratch.buf, scratch.len, widths[k], sgr, &pending);
		}
		outbuf_putc(o, '\n');
	}
	if (outbuf_error(&scratch) == -ENOMEM)
		outbuf_set_error(o, -ENOMEM);
	outbuf_free(&scratch);
}

struct audit_json {
	const struct render_ctx *c;
	const struct audit_row *r;
};

/* The audit's keys, inside the socket object. */
static void audit_keys(const struct sock_entry *e, struct json_writer *w, const void *data)
{
	const struct audit_json *a = data;

	json_key(w, "exposure");
	json_begin_object(w);
	json_key(w, "verdict");
	json_cstring(w, exposure_name(a->r->v.verdict));
	json_key(w, "interface");
	json_cstring(w, verdict_ifname(a->c, a->r));
	/* The namespace's name, for other-netns, once entries carry one. */
	json_key(w, "netns");
	json_null(w);
	json_end_object(w);
	json_key(w, "service");
	json_cstring(w, service_name(a->c, e));
	json_key(w, "unit");
	json_cstring(w, a->r->unit);
}

void fmt_audit_json(struct outbuf *o, const struct audit_view *v, const struct render_ctx *c,
		    bool ndjson)
{
	struct json_writer w;
	size_t i;

	json_init(&w, o);
	if (!ndjson) {
		json_begin_object(&w);
		json_key(&w, "schema");
		json_u64(&w, LSOCK_JSON_SCHEMA);
		if (c->owners) {
			json_key(&w, "owners_complete");
			json_bool(&w, c->owners_complete);
		}
		json_key(&w, "sockets");
		json_begin_array(&w);
	}
	for (i = 0; i < v->len; i++) {
		struct audit_json a = { .c = c, .r = &v->rows[i] };

		if (ndjson)
			json_reset(&w);
		column_json_socket_extra(c, v->rows[i].e, &w, audit_keys, &a);
		if (ndjson)
			outbuf_putc(o, '\n');
	}
	if (!ndjson) {
		json_end_array(&w);
		json_end_object(&w);
		outbuf_putc(o, '\n');
	}
}
