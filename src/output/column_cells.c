/* SPDX-License-Identifier: MIT */
/*
 * Column values: each text renderer writes exactly one cell, never an empty
 * one ("-" when the value is unknown, "*" for "none" where netstat prints
 * it: an unnamed UNIX socket, a wildcard port), so every row has as many
 * fields as there are columns; each JSON emitter writes its key(s) and
 * value(s).  Formatting happens here, late; the model only holds what the
 * kernel said.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "column_cells.h"
#include "lsock/addr.h"
#include "lsock/escape.h"
#include "lsock/ifnames.h"
#include "lsock/owner.h"
#include "lsock/proto.h"
#include "lsock/protonames.h"
#include "lsock/services.h"
#include "lsock/sock_names.h"
#include "lsock/snapshot_netns.h"
#include "lsock/users.h"

static void put_dash(struct outbuf *o)
{
	outbuf_putc(o, '-');
}

static bool is_inet(const struct sock_entry *e)
{
	return e->family == AF_INET || e->family == AF_INET6;
}

static void put_known_u64(struct outbuf *o, bool known, uint64_t v)
{
	if (known)
		outbuf_u64(o, v);
	else
		put_dash(o);
}

static void json_opt_u64(struct json_writer *w, const char *key, bool known, uint64_t v)
{
	json_key(w, key);
	if (known)
		json_u64(w, v);
	else
		json_null(w);
}

CELL_TEXT(proto)
{
	outbuf_puts(o, sock_proto_label(e->proto, e->family));
}

CELL_JSON(proto)
{
	json_key(w, "proto");
	json_cstring(w, sock_proto_name(e->proto));
}

CELL_TEXT(family)
{
	outbuf_puts(o, sock_family_name(e->family));
}

CELL_JSON(family)
{
	json_key(w, "family");
	json_cstring(w, sock_family_name(e->family));
}

CELL_TEXT(type)
{
	outbuf_puts(o, sock_type_name(e->type));
}

CELL_JSON(type)
{
	json_key(w, "type");
	json_cstring(w, sock_type_name(e->type));
}

CELL_TEXT(state)
{
	outbuf_puts(o, sock_state_name(e->state));
}

CELL_JSON(state)
{
	json_key(w, "state");
	json_cstring(w, sock_state_name(e->state));
}

CELL_TEXT(recv_q)
{
	put_known_u64(o, e->flags & SOCK_F_QUEUES_KNOWN, e->rqueue);
}

CELL_JSON(recv_q)
{
	json_opt_u64(w, "recv_q", e->flags & SOCK_F_QUEUES_KNOWN, e->rqueue);
}

CELL_TEXT(send_q)
{
	put_known_u64(o, e->flags & SOCK_F_QUEUES_KNOWN, e->wqueue);
}

CELL_JSON(send_q)
{
	json_opt_u64(w, "send_q", e->flags & SOCK_F_QUEUES_KNOWN, e->wqueue);
}

/*
 * A name chosen by users (a UNIX path, a process, user or interface name)
 * as a cell or as part of one.  esc_text_name() keeps it from faking a
 * column or an owner and writes a name "-" as \x2d; on top of that, a cell
 * is never empty and never reads as a placeholder: an empty name (a comm
 * set with prctl(PR_SET_NAME, "")) is written as "", and a name that is
 * exactly "*" (the relative path "*", an interface so named) or exactly ""
 * is escaped, so that neither can pass for "none" or for an empty name.
 */
static void put_name(struct outbuf *o, const void *s, size_t len, bool last, char sep)
{
	if (len == 0)
		outbuf_puts(o, "\"\"");
	else if (len == 1 && *(const char *)s == '*')
		outbuf_puts(o, "\\x2a");
	else if (len == 2 && memcmp(s, "\"\"", 2) == 0)
		outbuf_puts(o, "\\x22\\x22");
	else
		esc_text_name(o, s, len, last, sep);
}

/* The UNIX name as text: abstract names as '@' + the rest, escaped ('@'
 * alone for the empty abstract name); e->path_len must not be 0. */
static void put_unix_name(const struct render_ctx *c, const struct sock_entry *e, bool last,
			  struct outbuf *o)
{
	uint8_t name[SOCK_DISPLAY_NAME_MAX];
	size_t len = sock_table_display_name(c->table, e, name);

	if (e->flags & SOCK_F_ABSTRACT) {
		outbuf_putc(o, '@');
		esc_text_name(o, name + 1, len - 1, last, 0);
	} else {
		put_name(o, name, len, last, 0);
	}
}

/* "*" for an unnamed UNIX socket, as the Local Address column (and netstat,
 * and ss) show it; "-" for the sockets that have no path at all. */
CELL_TEXT(path)
{
	if (e->family != AF_UNIX)
		put_dash(o);
	else if (e->path_len)
		put_unix_name(c, e, last, o);
	else
		outbuf_putc(o, '*');
}

/* A user-controlled name: exact when valid UTF-8; otherwise U+FFFD in the
 * display field plus "<key>_hex" with the exact bytes (of the name as the
 * kernel holds it, without the '@' we show for abstract names). */
static void json_name(struct json_writer *w, const char *key, const char *hex_key,
		      const uint8_t *shown, size_t shown_len, const uint8_t *raw, size_t raw_len)
{
	json_key(w, key);
	json_string(w, shown, shown_len);
	if (!utf8_valid(raw, raw_len)) {
		json_key(w, hex_key);
		json_hex(w, raw, raw_len);
	}
}

CELL_JSON(path)
{
	uint8_t name[SOCK_DISPLAY_NAME_MAX];
	size_t len = sock_table_display_name(c->table, e, name);
	bool abstract = e->flags & SOCK_F_ABSTRACT;

	if (len == 0) {
		json_key(w, "path");
		json_null(w);
	} else {
		json_name(w, "path", "path_hex", name, len, name + abstract, len - abstract);
	}
	json_key(w, "abstract");
	json_bool(w, abstract);
}

CELL_TEXT(peer)
{
	put_known_u64(o, e->family == AF_UNIX && (e->flags & SOCK_F_PEER_KNOWN), e->peer_inode);
}

CELL_JSON(peer)
{
	json_opt_u64(w, "peer_inode", e->flags & SOCK_F_PEER_KNOWN, e->peer_inode);
}

/* The interface a socket is bound to, or NULL: not bound, unknown, or gone. */
static const char *bound_ifname(const struct render_ctx *c, const struct sock_entry *e)
{
	struct ifname_cache *cache = render_ifnames(c, e);

	if (!cache || !(e->flags & SOCK_F_IFINDEX_KNOWN) || !e->ifindex)
		return NULL;
	return ifname_cache_name(cache, e->ifindex);
}

static void put_endpoint(const struct render_ctx *c, const struct sock_entry *e, bool local,
			 struct outbuf *o)
{
	const struct proto_desc *d = proto_get(e->proto);
	char buf[ADDR_ENDPOINT_MAX];
	const char *service = NULL, *ifname = local ? bound_ifname(c, e) : NULL;
	uint16_t port = local ? e->lport : e->rport;

	/* RAW's "port" is an IP protocol number, shown by name as ss and
	 * netstat do; ICMP's an echo id: no name. */
	if (c->services && port && d && d->port_is_service)
		service = services_lookup(c->services, port, d->service_udp);
	else if (c->protonames && local && port && e->proto == SOCK_PROTO_RAW)
		service = protoname_cache_name(c->protonames, port);
	outbuf_put(o, buf, addr_format_host(buf, e, local));
	/* The scope, as ss prints it: 127.0.0.1%lo:2408, [fe80::1]%eth0:22.
	 * A device name may hold any byte but '/', ':' and blanks. */
	if (ifname) {
		outbuf_putc(o, '%');
		esc_text_name(o, ifname, strlen(ifname), false, 0);
	}
	outbuf_putc(o, ':');
	outbuf_put(o, buf, addr_format_port(buf, port, service));
}

CELL_TEXT(local)
{
	if (is_inet(e))
		put_endpoint(c, e, true, o);
	else if (e->path_len)
		put_unix_name(c, e, last, o);
	else
		outbuf_putc(o, '*');
}

CELL_TEXT(remote)
{
	if (is_inet(e))
		put_endpoint(c, e, false, o);
	else if ((e->flags & SOCK_F_PEER_KNOWN) && e->peer_inode)
		outbuf_u64(o, e->peer_inode);
	else
		outbuf_putc(o, '*');
}

static void json_endpoint(struct json_writer *w, const char *key, uint8_t family, const uint8_t *addr,
			  uint16_t port)
{
	char buf[INET6_ADDRSTRLEN];
	size_t n = addr_format(buf, family, addr);

	json_key(w, key);
	json_begin_object(w);
	json_key(w, "address");
	json_string(w, buf, n);
	json_key(w, "port");
	json_u64(w, port);
	json_end_object(w);
}

CELL_JSON(local)
{
	json_endpoint(w, "local", e->family, e->laddr, e->lport);
}

CELL_JSON(remote)
{
	json_endpoint(w, "remote", e->family, e->raddr, e->rport);
}

CELL_TEXT(v6only)
{
	if (e->family == AF_INET6 && (e->flags & SOCK_F_V6ONLY_KNOWN))
		outbuf_putc(o, (e->flags & SOCK_F_V6ONLY) ? '1' : '0');
	else
		put_dash(o);
}

CELL_JSON(v6only)
{
	json_key(w, "v6only");
	if (e->flags & SOCK_F_V6ONLY_KNOWN)
		json_bool(w, e->flags & SOCK_F_V6ONLY);
	else
		json_null(w);
}

/* "*" for a socket bound to no device, "-" where the source cannot say. */
CELL_TEXT(interface)
{
	const char *name = bound_ifname(c, e);

	if (name)
		put_name(o, name, strlen(name), last, 0);
	else if (!is_inet(e) || !(e->flags & SOCK_F_IFINDEX_KNOWN))
		put_dash(o);
	else if (e->ifindex)
		outbuf_u64(o, e->ifindex); /* the device is gone: its index */
	else
		outbuf_putc(o, '*');
}

CELL_JSON(interface)
{
	json_key(w, "interface");
	json_cstring(w, bound_ifname(c, e));
}

CELL_TEXT(uid)
{
	put_known_u64(o, e->flags & SOCK_F_UID_KNOWN, e->uid);
}

CELL_JSON(uid)
{
	json_opt_u64(w, "uid", e->flags & SOCK_F_UID_KNOWN, e->uid);
}

CELL_TEXT(user)
{
	const char *name = NULL;

	if (!(e->flags & SOCK_F_UID_KNOWN)) {
		put_dash(o);
		return;
	}
	if (c->users)
		name = user_cache_name(c->users, e->uid);
	/* From the passwd database or NSS: escaped like any other name. */
	if (name)
		put_name(o, name, strlen(name), last, 0);
	else
		outbuf_u64(o, e->uid);
}

/*
 * Inode 0 is "none": sock_i_ino() is 0 for a socket no file refers to
 * (inet_twsk_diag_fill() and inet_req_diag_fill() write 0 for time-wait
 * and request sockets; a connection not yet accepted and a socket its
 * process closed while the connection winds down have no struct socket),
 * and sockfs never hands out inode 0 (get_next_ino() skips it).
 */
CELL_TEXT(inode)
{
	put_known_u64(o, e->inode != 0, e->inode);
}

CELL_JSON(inode)
{
	json_opt_u64(w, "inode", e->inode != 0, e->inode);
}

CELL_TEXT(cookie)
{
	put_known_u64(o, e->flags & SOCK_F_COOKIE_KNOWN, e->cookie);
}

CELL_JSON(cookie)
{
	json_opt_u64(w, "cookie", e->flags & SOCK_F_COOKIE_KNOWN, e->cookie);
}

CELL_TEXT(source)
{
	outbuf_puts(o, sock_source_name(e->source));
}

CELL_JSON(source)
{
	json_key(w, "source");
	json_cstring(w, sock_source_name(e->source));
}

enum owner_part {
	OWNER_PID = 1,
	OWNER_COMM = 2,
};

/* All holders, one per process (a process holding the socket on two fds is
 * one owner here; JSON lists every fd), comma-separated; "-" if none seen. */
int owner_labels_build(const struct owner_map *m, struct owner_labels *ret)
{
	struct outbuf o;
	size_t i, k;

	memset(ret, 0, sizeof(*ret));
	if (!m || !m->nprocs)
		return 0;
	if (m->nprocs > (UINT32_MAX - 1) / 2 || outbuf_init(&o, -1) < 0)
		return -ENOMEM;
	ret->off = malloc((2 * m->nprocs + 1) * sizeof(*ret->off));
	for (i = 0; ret->off && i < m->nprocs; i++) {
		for (k = 0; k < 2; k++) {
			ret->off[2 * i + k] = (uint32_t)o.len;
			put_name(&o, m->procs[i].comm, m->procs[i].comm_len, k == 1, ',');
		}
	}
	/* A comm is at most 64 bytes, 256 escaped: no label set nears 4 GB. */
	if (!ret->off || outbuf_error(&o) < 0 || o.len > UINT32_MAX) {
		outbuf_free(&o);
		free(ret->off);
		ret->off = NULL;
		return -ENOMEM;
	}
	ret->off[2 * m->nprocs] = (uint32_t)o.len;
	ret->text = o.buf; /* the outbuf's buffer is ours now */
	ret->map = m;
	ret->nprocs = m->nprocs;
	return 0;
}

void owner_labels_free(struct owner_labels *l)
{
	free(l->text);
	free(l->off);
	memset(l, 0, sizeof(*l));
}

/* p's comm as put_name() writes it: from the labels when they are m's. */
static void put_comm(const struct render_ctx *c, const struct owner_proc *p, bool last,
		     struct outbuf *o)
{
	const struct owner_labels *l = c->labels;

	if (l && l->map == c->owners && p >= c->owners->procs &&
	    p < c->owners->procs + l->nprocs) {
		size_t k = 2 * (size_t)(p - c->owners->procs) + last;

		outbuf_put(o, l->text + l->off[k], l->off[k + 1] - l->off[k]);
		return;
	}
	put_name(o, p->comm, p->comm_len, last, ',');
}

/* The holders' processes of e (of its peer: "->" first), each once. */
static void put_owners(const struct render_ctx *c, const struct sock_entry *e, bool peer,
		       unsigned parts, bool last, struct outbuf *o)
{
	const struct owner_proc *one = NULL;
	const struct owner *first;
	size_t i, n = 0;
	int32_t last_pid = -1;
	bool any = false;

	if (!peer || (c->owners && e->family == AF_UNIX && (e->flags & SOCK_F_PEER_KNOWN) &&
		      e->peer_inode))
		n = render_owner_procs(c, e, peer, &first, &one);
	for (i = 0; i < n; i++) {
		const struct owner_proc *p = one ? one : owner_map_proc(c->owners, &first[i]);

		if (p->pid == last_pid)
			continue;
		last_pid = p->pid;
		if (any || peer)
			outbuf_puts(o, any ? "," : "->");
		any = true;
		if (parts & OWNER_PID)
			outbuf_i64(o, p->pid);
		if (parts == (OWNER_PID | OWNER_COMM))
			outbuf_putc(o, '/');
		/* Spaces only in the last column (a comm "x  /run/fake" must not
		 * pass for a Path column), and never the owners' separator (a
		 * comm "x,999/sshd" must not pass for a second owner). */
		if (parts & OWNER_COMM)
			put_comm(c, p, last, o);
		if (one)
			break;
	}
	if (!any)
		put_dash(o);
}

CELL_TEXT(owners)
{
	put_owners(c, e, false, OWNER_PID | OWNER_COMM, last, o);
}

CELL_TEXT(pid)
{
	put_owners(c, e, false, OWNER_PID, last, o);
}

CELL_TEXT(program)
{
	put_owners(c, e, false, OWNER_COMM, last, o);
}

CELL_JSON(owners)
{
	const struct owner *first;
	size_t i, n = render_owners(c, e, false, &first);

	json_key(w, "owners");
	json_begin_array(w);
	for (i = 0; i < n; i++) {
		const struct owner_proc *pr = owner_map_proc(c->owners, &first[i]);

		json_begin_object(w);
		json_key(w, "pid");
		json_i64(w, pr->pid);
		json_key(w, "fd");
		json_i64(w, first[i].fd);
		json_name(w, "comm", "comm_hex", pr->comm, pr->comm_len, pr->comm, pr->comm_len);
		cell_json_owner_unit(c, e, &first[i], w);
		json_end_object(w);
	}
	json_end_array(w);
	/* The document's owners_complete, in every socket: an NDJSON line has
	 * no document, and an empty array must say whether it means "none". */
	json_key(w, "owners_complete");
	json_bool(w, c->owners_complete);
}

/* ---- UNIX peer owners (-x -p): from the same owner map, no second walk -- */

CELL_TEXT(peer_owners)
{
	put_owners(c, e, true, OWNER_PID | OWNER_COMM, last, o);
}

CELL_JSON(peer_owners)
{
	const struct owner *first;
	size_t i, n;

	json_key(w, "peer");
	if (!(e->flags & SOCK_F_PEER_KNOWN) || !e->peer_inode) {
		json_null(w);
		return;
	}
	n = render_owners(c, e, true, &first);
	json_begin_object(w);
	json_key(w, "inode");
	json_u64(w, e->peer_inode);
	json_key(w, "owners");
	json_begin_array(w);
	for (i = 0; i < n; i++) {
		const struct owner_proc *pr = owner_map_proc(c->owners, &first[i]);

		json_begin_object(w);
		json_key(w, "pid");
		json_i64(w, pr->pid);
		json_key(w, "fd");
		json_i64(w, first[i].fd);
		json_name(w, "comm", "comm_hex", pr->comm, pr->comm_len, pr->comm, pr->comm_len);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}
