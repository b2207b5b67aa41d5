/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/color.h"
#include "lsock/escape.h"
#include "lsock/explain.h"
#include "lsock/i18n.h"
#include "lsock/owner.h"

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool shows(const struct column_list *cols, enum column_id id)
{
	size_t i;

	for (i = 0; i < cols->len; i++)
		if (cols->ids[i] == id)
			return true;
	return false;
}

static bool is_zero(const uint8_t *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i])
			return false;
	return true;
}

static bool is_v4mapped(const struct sock_entry *e, const uint8_t *a)
{
	return e->family == AF_INET6 && !memcmp(a, v4mapped_prefix, 12);
}

/* Protocols whose local port is a port (RAW's is an IP protocol number,
 * ICMP's an echo id). */
static bool has_ports(const struct sock_entry *e)
{
	return (e->family == AF_INET || e->family == AF_INET6) &&
	       (e->proto == SOCK_PROTO_TCP || e->proto == SOCK_PROTO_UDP ||
		e->proto == SOCK_PROTO_UDPLITE);
}

static const struct column_list *cols_of(const struct text_layout *l, const struct sock_entry *e)
{
	return l->single_table || e->family != AF_UNIX ? &l->inet_cols : &l->unix_cols;
}

/* Notes about what the owner columns show: "-" when no holder is known. */
static unsigned owner_notes(const struct explain *x, const struct column_list *cols,
			    const struct sock_entry *e)
{
	const struct owner *first;

	if (!shows(cols, COL_OWNERS) && !shows(cols, COL_PID) && !shows(cols, COL_PROGRAM))
		return 0;
	if (!e->inode)
		return 1u << NOTE_NO_HOLDER;
	if (render_owners(x->c, e, false, &first))
		return 0;
	return 1u << NOTE_OWNER_HIDDEN;
}

unsigned explain_notes_of(const struct explain *x, const struct sock_entry *e)
{
	const struct column_list *cols = cols_of(x->l, e);
	bool local = shows(cols, COL_LOCAL), inet = e->family == AF_INET || e->family == AF_INET6;
	unsigned n = 0;

	if (e->state == SOCK_STATE_LISTEN && (shows(cols, COL_RECV_Q) || shows(cols, COL_SEND_Q)))
		n |= 1u << NOTE_LISTEN_QUEUES;
	if (local && inet && e->family == AF_INET && is_zero(e->laddr, 4))
		n |= 1u << NOTE_ANY_V4;
	if (local && e->family == AF_INET6 && is_zero(e->laddr, 16)) {
		/* As addr_format_endpoint() shows it: "*" only when known dual-stack. */
		bool dual = (e->flags & SOCK_F_V6ONLY_KNOWN) && !(e->flags & SOCK_F_V6ONLY);

		n |= 1u << (dual ? NOTE_ANY_DUAL : NOTE_ANY_V6);
	}
	if ((local && is_v4mapped(e, e->laddr)) || (shows(cols, COL_REMOTE) && is_v4mapped(e, e->raddr)))
		n |= 1u << NOTE_V4MAPPED;
	if (local && has_ports(e) && e->lport && e->lport < 1024)
		n |= 1u << NOTE_PRIVILEGED;
	if (local && has_ports(e) && x->eph_hi && e->lport >= x->eph_lo && e->lport <= x->eph_hi)
		n |= 1u << NOTE_EPHEMERAL;
	if (shows(cols, COL_STATE)) {
		if (e->state == SOCK_STATE_CLOSE)
			n |= 1u << NOTE_UNCONN;
		else if (e->state == SOCK_STATE_TIME_WAIT)
			n |= 1u << NOTE_TIME_WAIT;
		else if (e->state == SOCK_STATE_CLOSE_WAIT)
			n |= 1u << NOTE_CLOSE_WAIT;
	}
	return n | owner_notes(x, cols, e);
}

/* Whether fmt_text() shows e: a row of a section it prints. */
static bool row_shown(const struct text_layout *l, const struct sock_entry *e)
{
	if (l->single_table)
		return true;
	return e->family == AF_UNIX ? l->unix_section : l->inet_section;
}

void explain_prepare(const struct render_ctx *c, const struct text_layout *l, uint16_t eph_lo,
		     uint16_t eph_hi, struct explain *ret)
{
	unsigned all = 0, k, next = 1;
	size_t i;

	*ret = (struct explain){ .c = c, .l = l, .eph_lo = eph_lo, .eph_hi = eph_hi,
				 .color = l->color };
	for (i = 0; i < c->table->len; i++)
		if (row_shown(l, &c->table->entries[i]))
			all |= explain_notes_of(ret, &c->table->entries[i]);
	for (k = 0; k < _NOTE_MAX; k++)
		if (all & (1u << k))
			ret->number[k] = (uint8_t)next++;
}

/* The Notes cell: "[1,3]", or nothing. */
static void row_markers(const struct sock_entry *e, struct outbuf *cell, const void *data)
{
	const struct explain *x = data;
	unsigned n = explain_notes_of(x, e), k;
	bool any = false;

	for (k = 0; k < _NOTE_MAX; k++) {
		if (!(n & (1u << k)) || !x->number[k])
			continue;
		outbuf_putc(cell, any ? ',' : '[');
		outbuf_u64(cell, x->number[k]);
		any = true;
	}
	if (any)
		outbuf_putc(cell, ']');
}

struct text_notes explain_hooks(const struct explain *x)
{
	unsigned k;
	bool any = false;

	for (k = 0; k < _NOTE_MAX; k++)
		any |= x->number[k] != 0;
	/* No note, no Notes column. */
	return (struct text_notes){ .row = any ? row_markers : NULL,
				    .state_gloss = explain_state_gloss, .data = x };
}

static const char *const glosses[_SOCK_STATE_MAX] = {
	[SOCK_STATE_ESTABLISHED] = N_("connected"),
	[SOCK_STATE_SYN_SENT] = N_("connecting"),
	[SOCK_STATE_SYN_RECV] = N_("being accepted"),
	[SOCK_STATE_FIN_WAIT1] = N_("closing"),
	[SOCK_STATE_FIN_WAIT2] = N_("closed here, waiting for the peer"),
	[SOCK_STATE_TIME_WAIT] = N_("waiting after the close"),
	[SOCK_STATE_CLOSE] = N_("unconnected"),
	[SOCK_STATE_CLOSE_WAIT] = N_("closed by the peer, not yet here"),
	[SOCK_STATE_LAST_ACK] = N_("closing, last acknowledgement"),
	[SOCK_STATE_LISTEN] = N_("listening"),
	[SOCK_STATE_CLOSING] = N_("both sides closing"),
	[SOCK_STATE_NEW_SYN_RECV] = N_("being accepted"),
};

const char *explain_state_gloss(uint8_t state)
{
	const char *msgid, *t;

	if (state >= _SOCK_STATE_MAX || !glosses[state])
		return NULL;
	msgid = glosses[state];
	t = _(msgid);
	/* gettext hands back the msgid itself when there is no translation. */
	return t != msgid ? t : NULL;
}

/* Why lsock could not see the holder of a socket, from what the owner walk found. */
static const char *hidden_reason(const struct owner_map *m)
{
	if (m && m->hidepid && !m->privileged)
		return _("/proc is mounted with hidepid, so other users' processes are invisible");
	if (m && m->foreign_pidns)
		return _("lsock runs in a PID namespace, and processes outside it are invisible");
	if (m && !m->privileged)
		return _("lsock is not running as root (or without CAP_SYS_PTRACE), so other "
			 "users' processes are invisible");
	return _("the process refused inspection, or the kernel itself holds the socket "
		 "(an NFS or tunnel socket has no process)");
}

/* Notes are wrapped at this display width, continuation lines indented
 * under the text: they are read in a terminal. */
#define NOTE_WIDTH 78

static void put_note(struct outbuf *o, const struct explain *x, unsigned k, const char *text)
{
	char mark[16];
	size_t indent, col, w;
	const char *p = text;

	indent = (size_t)snprintf(mark, sizeof(mark), "[%u]", x->number[k]) + 1;
	if (x->color)
		outbuf_puts(o, COLOR_MARK);
	outbuf_puts(o, mark);
	if (x->color)
		outbuf_puts(o, COLOR_RESET);
	col = indent - 1;
	while (*p) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		w = utf8_display_width(p, len);
		if (col > indent - 1 && col + 1 + w > NOTE_WIDTH) {
			outbuf_putc(o, '\n');
			outbuf_pad(o, indent);
			col = indent;
		} else {
			outbuf_putc(o, ' ');
			col++;
		}
		outbuf_put(o, p, len);
		col += w;
		p += len;
		while (*p == ' ')
			p++;
	}
	outbuf_putc(o, '\n');
}

void explain_write(struct outbuf *o, const struct explain *x)
{
	char buf[512];
	unsigned k;
	bool any = false;

	for (k = 0; k < _NOTE_MAX; k++)
		any |= x->number[k] != 0;
	if (!any)
		return;
	outbuf_putc(o, '\n');
	outbuf_puts(o, _("Notes:"));
	outbuf_putc(o, '\n');
	for (k = 0; k < _NOTE_MAX; k++) {
		const char *text = NULL;

		if (!x->number[k])
			continue;
		switch ((enum explain_note)k) {
		case NOTE_LISTEN_QUEUES:
			text = _("LISTEN: Recv-Q is the accept queue, the connections that are "
				 "complete and wait for the program to accept() them; Send-Q is "
				 "the backlog, the most that queue may hold (listen(), capped by "
				 "net.core.somaxconn).");
			break;
		case NOTE_ANY_V4:
			text = _("0.0.0.0: every IPv4 address of this host.");
			break;
		case NOTE_ANY_DUAL:
			text = _("*: an IPv6 socket on every address that takes IPv4 as well "
				 "(IPV6_V6ONLY off): every IPv4 and IPv6 address of this host.");
			break;
		case NOTE_ANY_V6:
			text = _("[::]: every IPv6 address of this host; IPv6 only (IPV6_V6ONLY "
				 "on), unless the row comes from /proc, which does not say.");
			break;
		case NOTE_V4MAPPED:
			text = _("::ffff:a.b.c.d: an IPv4 address on a dual-stack IPv6 socket "
				 "(an IPv4-mapped address); the peer speaks IPv4.");
			break;
		case NOTE_PRIVILEGED:
			text = _("A local port below 1024 needs privilege to bind (root or "
				 "CAP_NET_BIND_SERVICE, or net.ipv4.ip_unprivileged_port_start).");
			break;
		case NOTE_EPHEMERAL:
			snprintf(buf, sizeof(buf),
				 _("A local port in %u-%u, the ephemeral range "
				   "(net.ipv4.ip_local_port_range): the kernel chose it, for an "
				   "outgoing connection or a socket bound to port 0."),
				 x->eph_lo, x->eph_hi);
			text = buf;
			break;
		case NOTE_UNCONN:
			text = _("UNCONN: a socket with no peer: a datagram or raw socket "
				 "receives from anyone who sends to its address; a stream socket "
				 "has not connected or listened yet.");
			break;
		case NOTE_TIME_WAIT:
			text = _("TIME_WAIT: the connection is over; the side that closed first "
				 "keeps it for 60 seconds so that late packets cannot be taken for "
				 "a new connection. The kernel holds it, no process.");
			break;
		case NOTE_CLOSE_WAIT:
			text = _("CLOSE_WAIT: the peer has closed and the program has not closed "
				 "its socket yet; many of them mean an application that does not "
				 "close its sockets.");
			break;
		case NOTE_NO_HOLDER:
			text = _("Owner '-': no process holds this socket; the kernel keeps it "
				 "alone (TIME_WAIT, a connection not yet accepted, or one its "
				 "program has closed).");
			break;
		case NOTE_OWNER_HIDDEN:
			snprintf(buf, sizeof(buf), _("Owner '-': a process holds this socket, but %s."),
				 hidden_reason(x->c->owners));
			text = buf;
			break;
		case _NOTE_MAX:
			break;
		}
		if (text)
			put_note(o, x, k, text);
	}
}
