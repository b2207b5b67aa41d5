/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/addr.h"
#include "lsock/columns.h"
#include "lsock/escape.h"
#include "lsock/owner.h"
#include "lsock/services.h"
#include "lsock/sock_names.h"
#include "lsock/users.h"

static void put_dash(struct outbuf *o)
{
	outbuf_putc(o, '-');
}

static bool is_inet(const struct sock_entry *e)
{
	return e->family == AF_INET || e->family == AF_INET6;
}

static void text_proto(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	outbuf_puts(o, sock_proto_label(e->proto, e->family));
}

static void text_family(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	outbuf_puts(o, sock_family_name(e->family));
}

static void text_recv_q(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	if (e->flags & SOCK_F_QUEUES_KNOWN)
		outbuf_u64(o, e->rqueue);
	else
		put_dash(o);
}

static void text_send_q(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	if (e->flags & SOCK_F_QUEUES_KNOWN)
		outbuf_u64(o, e->wqueue);
	else
		put_dash(o);
}

/* The UNIX name as text: abstract names as '@' + the rest, escaped. */
static void put_unix_name(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	const uint8_t *name = sock_table_name(c->table, e);
	size_t len = e->path_len;

	if (e->flags & SOCK_F_ABSTRACT) {
		outbuf_putc(o, '@');
		name++;
		len--;
	}
	esc_text_name(o, name, len, c->last_column, 0);
}

static void put_endpoint(const struct render_ctx *c, const struct sock_entry *e, bool local,
			 struct outbuf *o)
{
	char buf[ADDR_ENDPOINT_MAX];
	const char *service = NULL;
	uint16_t port = local ? e->lport : e->rport;
	size_t n;

	/* RAW's "port" is an IP protocol number, not a service. */
	if (c->services && port && e->proto != SOCK_PROTO_RAW)
		service = services_lookup(c->services, port, e->proto != SOCK_PROTO_TCP);
	n = addr_format_endpoint(buf, e, local, service);
	outbuf_put(o, buf, n);
}

static void text_local(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	if (is_inet(e))
		put_endpoint(c, e, true, o);
	else if (e->path_len)
		put_unix_name(c, e, o);
	else
		outbuf_putc(o, '*');
}

static void text_remote(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	if (is_inet(e)) {
		put_endpoint(c, e, false, o);
	} else if ((e->flags & SOCK_F_PEER_KNOWN) && e->peer_inode) {
		outbuf_u64(o, e->peer_inode);
	} else {
		outbuf_putc(o, '*');
	}
}

static void text_state(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	outbuf_puts(o, sock_state_name(e->state));
}

static void text_type(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	outbuf_puts(o, sock_type_name(e->type));
}

static void text_uid(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	if (e->flags & SOCK_F_UID_KNOWN)
		outbuf_u64(o, e->uid);
	else
		put_dash(o);
}

static void text_user(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	const char *name = NULL;

	if (!(e->flags & SOCK_F_UID_KNOWN)) {
		put_dash(o);
		return;
	}
	if (c->users)
		name = user_cache_name(c->users, e->uid);
	if (name)
		outbuf_puts(o, name);
	else
		outbuf_u64(o, e->uid);
}

static void text_inode(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	outbuf_u64(o, e->inode);
}

static void text_cookie(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	if (e->flags & SOCK_F_COOKIE_KNOWN)
		outbuf_u64(o, e->cookie);
	else
		put_dash(o);
}

static void text_v6only(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	if (e->family == AF_INET6 && (e->flags & SOCK_F_V6ONLY_KNOWN))
		outbuf_putc(o, (e->flags & SOCK_F_V6ONLY) ? '1' : '0');
	else
		put_dash(o);
}

static void text_peer(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	if (e->family == AF_UNIX && (e->flags & SOCK_F_PEER_KNOWN))
		outbuf_u64(o, e->peer_inode);
	else
		put_dash(o);
}

static void text_source(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	outbuf_puts(o, sock_source_name(e->source));
}

enum owner_part {
	OWNER_PID = 1,
	OWNER_COMM = 2,
};

/* All holders, one per process (a process holding the socket on two fds is
 * one owner here; JSON lists every fd), comma-separated; "-" if none seen. */
static void put_owners(const struct render_ctx *c, const struct sock_entry *e, unsigned parts,
		       struct outbuf *o)
{
	const struct owner *first;
	size_t i, n = 0;
	int32_t last_pid = -1;
	bool any = false;

	if (c->owners)
		n = owner_map_find(c->owners, e->inode, &first);
	for (i = 0; i < n; i++) {
		const struct owner_proc *p = &c->owners->procs[first[i].proc];

		if (p->pid == last_pid)
			continue;
		last_pid = p->pid;
		if (any)
			outbuf_putc(o, ',');
		any = true;
		if (parts & OWNER_PID)
			outbuf_i64(o, p->pid);
		if (parts == (OWNER_PID | OWNER_COMM))
			outbuf_putc(o, '/');
		/* Spaces only in the last column (a comm "x  /run/fake" must not
		 * pass for a Path column), and never the owners' separator (a
		 * comm "x,999/sshd" must not pass for a second owner). */
		if (parts & OWNER_COMM)
			esc_text_name(o, p->comm, p->comm_len, c->last_column, ',');
	}
	if (!any)
		put_dash(o);
}

static void text_owners(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	put_owners(c, e, OWNER_PID | OWNER_COMM, o);
}

static void text_pid(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	put_owners(c, e, OWNER_PID, o);
}

static void text_program(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	put_owners(c, e, OWNER_COMM, o);
}

static void text_path(const struct render_ctx *c, const struct sock_entry *e, struct outbuf *o)
{
	if (e->family == AF_UNIX && e->path_len)
		put_unix_name(c, e, o);
	else if (e->family != AF_UNIX)
		put_dash(o);
}

static const struct column columns[_COL_MAX] = {
	[COL_PROTO] = { .name = "proto", .header = "Proto", .text = text_proto },
	[COL_FAMILY] = { .name = "family", .header = "Family", .text = text_family },
	[COL_RECV_Q] = { .name = "recv_q", .header = "Recv-Q", .align = ALIGN_RIGHT, .text = text_recv_q },
	[COL_SEND_Q] = { .name = "send_q", .header = "Send-Q", .align = ALIGN_RIGHT, .text = text_send_q },
	[COL_LOCAL] = { .name = "local", .header = "Local Address", .needs = NEED_SERVICES,
			.text = text_local },
	[COL_REMOTE] = { .name = "remote", .header = "Foreign Address", .needs = NEED_SERVICES,
			 .text = text_remote },
	[COL_STATE] = { .name = "state", .header = "State", .text = text_state },
	[COL_TYPE] = { .name = "type", .header = "Type", .text = text_type },
	[COL_USER] = { .name = "user", .header = "User", .needs = NEED_USERS, .text = text_user },
	[COL_UID] = { .name = "uid", .header = "UID", .align = ALIGN_RIGHT, .text = text_uid },
	[COL_INODE] = { .name = "inode", .header = "Inode", .align = ALIGN_RIGHT, .text = text_inode },
	[COL_COOKIE] = { .name = "cookie", .header = "Cookie", .align = ALIGN_RIGHT, .text = text_cookie },
	[COL_V6ONLY] = { .name = "v6only", .header = "V6only", .text = text_v6only },
	[COL_PEER] = { .name = "peer", .header = "Peer", .align = ALIGN_RIGHT, .text = text_peer },
	[COL_SOURCE] = { .name = "source", .header = "Source", .text = text_source },
	[COL_OWNERS] = { .name = "owners", .header = "PID/Program name", .needs = NEED_OWNERS,
			 .text = text_owners },
	[COL_PID] = { .name = "pid", .header = "PID", .needs = NEED_OWNERS, .text = text_pid },
	[COL_PROGRAM] = { .name = "program", .header = "Program", .needs = NEED_OWNERS,
			  .text = text_program },
	[COL_PATH] = { .name = "path", .header = "Path", .text = text_path },
};

const struct column *column_get(enum column_id id)
{
	return (unsigned)id < _COL_MAX ? &columns[id] : NULL;
}

static void push(struct column_list *l, enum column_id id)
{
	if (l->len < COLUMNS_MAX)
		l->ids[l->len++] = id;
}

int column_list_parse(const char *spec, struct column_list *ret, char *err, size_t errlen)
{
	struct column_list l = { .len = 0 };
	const char *p = spec;

	while (1) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int id, found = -1;

		for (id = 0; id < _COL_MAX; id++) {
			if (strlen(columns[id].name) == n && !strncmp(columns[id].name, p, n)) {
				found = id;
				break;
			}
		}
		if (found < 0 || l.len >= COLUMNS_MAX) {
			snprintf(err, errlen, "%.*s", (int)(n > 64 ? 64 : n), p);
			return -EINVAL;
		}
		push(&l, (enum column_id)found);
		if (!end)
			break;
		p = end + 1;
	}
	*ret = l;
	return 0;
}

void column_list_default_inet(struct column_list *ret, bool extend, bool programs)
{
	struct column_list l = { .len = 0 };

	push(&l, COL_PROTO);
	push(&l, COL_RECV_Q);
	push(&l, COL_SEND_Q);
	push(&l, COL_LOCAL);
	push(&l, COL_REMOTE);
	push(&l, COL_STATE);
	if (extend) {
		push(&l, COL_USER);
		push(&l, COL_INODE);
	}
	if (programs)
		push(&l, COL_OWNERS);
	*ret = l;
}

void column_list_default_unix(struct column_list *ret, bool extend, bool programs)
{
	struct column_list l = { .len = 0 };

	push(&l, COL_PROTO);
	push(&l, COL_RECV_Q);
	push(&l, COL_SEND_Q);
	push(&l, COL_TYPE);
	push(&l, COL_STATE);
	if (extend)
		push(&l, COL_USER);
	push(&l, COL_INODE);
	if (programs)
		push(&l, COL_OWNERS);
	push(&l, COL_PATH);
	*ret = l;
}

unsigned column_list_needs(const struct column_list *l)
{
	unsigned needs = 0;
	size_t i;

	for (i = 0; i < l->len; i++)
		needs |= columns[l->ids[i]].needs;
	return needs;
}
