/* SPDX-License-Identifier: MIT */
/*
 * The column table and what reads it: --columns and --sort parsing, the netstat
 * layouts, --help's column list, and the JSON socket object.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "column_cells.h"
#include "column_ext.h"
#include "lsock/escape.h"
#include "lsock/sock_ext.h"
#include "lsock/sort_ext.h"
#include "lsock/i18n.h"

#define TEXT_ONLY .json_type = JSON_TYPE_NONE

static const struct column columns[_COL_MAX] = {
	[COL_PROTO] = { .name = "proto", .header = "Proto", .json_key = "proto",
		.json_type = JSON_TYPE_STRING, .json_applies = APPLIES_ALL,
		.text = cell_text_proto, .json = cell_json_proto, .cmp = sort_cmp_proto,
		.help = "protocol label: tcp, tcp6, udp, udp6, udpl, udpl6, raw, raw6, icmp, icmp6, unix" },
	[COL_FAMILY] = { .name = "family", .header = "Family", .json_key = "family",
		.json_type = JSON_TYPE_STRING, .json_applies = APPLIES_ALL,
		.text = cell_text_family, .json = cell_json_family, .cmp = sort_cmp_family,
		.help = "address family: inet, inet6 or unix" },
	[COL_TYPE] = { .name = "type", .header = "Type", .json_key = "type",
		.json_type = JSON_TYPE_STRING, .json_applies = APPLIES_UNIX,
		.text = cell_text_type, .json = cell_json_type, .cmp = sort_cmp_type,
		.help = "socket type: stream, dgram, seqpacket or raw" },
	[COL_STATE] = { .name = "state", .header = "State", .json_key = "state",
		.json_type = JSON_TYPE_STRING, .json_applies = APPLIES_ALL,
		.text = cell_text_state, .json = cell_json_state, .cmp = sort_cmp_state,
		.help = "socket state: LISTEN, ESTABLISHED, UNCONN, TIME_WAIT, ..." },
	[COL_RECV_Q] = { .name = "recv_q", .header = "Recv-Q", .align = ALIGN_RIGHT,
		.json_key = "recv_q", .json_type = JSON_TYPE_NUMBER, .json_applies = APPLIES_ALL,
		.text = cell_text_recv_q, .json = cell_json_recv_q, .cmp = sort_cmp_recv_q,
		.help = "bytes waiting to be read; for LISTEN, connections waiting to be accepted" },
	[COL_SEND_Q] = { .name = "send_q", .header = "Send-Q", .align = ALIGN_RIGHT,
		.json_key = "send_q", .json_type = JSON_TYPE_NUMBER, .json_applies = APPLIES_ALL,
		.text = cell_text_send_q, .json = cell_json_send_q, .cmp = sort_cmp_send_q,
		.help = "bytes not yet sent or acknowledged; for LISTEN, the maximum backlog" },
	[COL_PATH] = { .name = "path", .header = "Path", .json_key = "path",
		.json_type = JSON_TYPE_STRING, .json_applies = APPLIES_UNIX,
		.text = cell_text_path, .json = cell_json_path, .cmp = sort_cmp_path,
		.help = "UNIX socket path, or @name for an abstract name" },
	[COL_PEER] = { .name = "peer", .header = "Peer", .align = ALIGN_RIGHT,
		.json_key = "peer_inode", .json_type = JSON_TYPE_NUMBER, .json_applies = APPLIES_UNIX,
		.text = cell_text_peer, .json = cell_json_peer, .cmp = sort_cmp_peer,
		.help = "inode of the connected UNIX peer" },
	[COL_LOCAL] = { .name = "local", .header = "Local Address", .needs = NEED_SERVICES,
		.json_key = "local", .json_type = JSON_TYPE_OBJECT, .json_applies = APPLIES_INET,
		.text = cell_text_local, .json = cell_json_local, .cmp = sort_cmp_local,
		.help = "local address and port; for UNIX, the bound name" },
	[COL_REMOTE] = { .name = "remote", .header = "Foreign Address", .needs = NEED_SERVICES,
		.json_key = "remote", .json_type = JSON_TYPE_OBJECT, .json_applies = APPLIES_INET,
		.text = cell_text_remote, .json = cell_json_remote, .cmp = sort_cmp_remote,
		.help = "remote address and port; for UNIX, the peer's inode" },
	[COL_V6ONLY] = { .name = "v6only", .header = "V6only", .json_key = "v6only",
		.json_type = JSON_TYPE_BOOL, .json_applies = APPLIES_INET6,
		.text = cell_text_v6only, .json = cell_json_v6only, .cmp = sort_cmp_v6only,
		.help = "IPv6 only (1) or also IPv4 (0), for IPv6 sockets" },
	[COL_INTERFACE] = { .name = "interface", .header = "Interface", .json_key = "interface",
		.json_type = JSON_TYPE_STRING, .json_applies = APPLIES_INET,
		.text = cell_text_interface, .json = cell_json_interface, .cmp = sort_cmp_interface,
		.help = "network interface the socket is bound to" },
	[COL_UID] = { .name = "uid", .header = "UID", .align = ALIGN_RIGHT, .json_key = "uid",
		.json_type = JSON_TYPE_NUMBER, .json_applies = APPLIES_ALL,
		.text = cell_text_uid, .json = cell_json_uid, .cmp = sort_cmp_uid,
		.help = "numeric uid that owns the socket" },
	[COL_INODE] = { .name = "inode", .header = "Inode", .align = ALIGN_RIGHT,
		.json_key = "inode", .json_type = JSON_TYPE_NUMBER, .json_applies = APPLIES_ALL,
		.text = cell_text_inode, .json = cell_json_inode, .cmp = sort_cmp_inode,
		.help = "socket inode number" },
	[COL_COOKIE] = { .name = "cookie", .header = "Cookie", .align = ALIGN_RIGHT,
		.json_key = "cookie", .json_type = JSON_TYPE_NUMBER, .json_applies = APPLIES_ALL,
		.text = cell_text_cookie, .json = cell_json_cookie, .cmp = sort_cmp_cookie,
		.help = "kernel socket cookie, unique while the system runs" },
	[COL_OWNERS] = { .name = "owners", .header = "PID/Program name", .needs = NEED_OWNERS,
		.json_key = "owners", .json_type = JSON_TYPE_ARRAY, .json_applies = APPLIES_ALL,
		.json_needs = NEED_OWNERS, .text = cell_text_owners, .json = cell_json_owners,
		.cmp = sort_cmp_pid, .cmp_needs = NEED_OWNERS,
		.help = "owning processes as PID/name, comma-separated" },
	[COL_SOURCE] = { .name = "source", .header = "Source", .json_key = "source",
		.json_type = JSON_TYPE_STRING, .json_applies = APPLIES_ALL,
		.text = cell_text_source, .json = cell_json_source, .cmp = sort_cmp_source,
		.help = "where the row came from: netlink or proc" },
	[COL_USER] = { .name = "user", .header = "User", .needs = NEED_USERS, TEXT_ONLY,
		.text = cell_text_user, .cmp = sort_cmp_user, .cmp_needs = NEED_USERS,
		.help = "user name of the socket's uid" },
	[COL_PID] = { .name = "pid", .header = "PID", .needs = NEED_OWNERS, TEXT_ONLY,
		.text = cell_text_pid, .cmp = sort_cmp_pid, .cmp_needs = NEED_OWNERS,
		.help = "PIDs of the owning processes" },
	[COL_PROGRAM] = { .name = "program", .header = "Program", .needs = NEED_OWNERS, TEXT_ONLY,
		.text = cell_text_program, .cmp = sort_cmp_program, .cmp_needs = NEED_OWNERS,
		.help = "names of the owning processes" },
	[COL_NETNS] = { .name = "netns", .header = "NetNS", .needs = NEED_NETNS,
		.json_key = "netns", .json_type = JSON_TYPE_OBJECT, .json_applies = APPLIES_ALL,
		.json_needs = NEED_NETNS, .text = cell_text_netns, .json = cell_json_netns,
		.cmp = sort_cmp_netns, .cmp_needs = NEED_NETNS,
		.help = "network namespace: ip netns name, container, host or net:[INODE]" },
	[COL_UNIT] = { .name = "unit", .header = "Unit", .needs = NEED_OWNERS | NEED_UNITS,
		TEXT_ONLY, .text = cell_text_unit, .cmp = sort_cmp_pid, .cmp_needs = NEED_OWNERS,
		.help = "systemd units of the owning processes (JSON: each owner's unit)" },
	/* Extensions: collected only when shown (-o, -e, -m, -i, or named). */
	[COL_TIMER] = { .name = "timer", .header = "Timer", .needs = NEED_TIMERS,
		.json_key = "timer", .json_type = JSON_TYPE_OBJECT, .json_applies = APPLIES_INET,
		.json_needs = NEED_TIMERS, .text = cell_text_timer, .json = cell_json_timer,
		.cmp = sort_cmp_timer, .cmp_needs = NEED_TIMERS,
		.help = "TCP timer as ss -o: timer:(kind,expiry,retransmits) (-o)" },
	[COL_SK] = { .name = "sk", .header = "Sk", TEXT_ONLY, .text = cell_text_sk,
		.cmp = sort_cmp_cookie, .help = "socket cookie in hex, as ss -e: sk:1a2b (-e)" },
	[COL_SHUTDOWN] = { .name = "shutdown", .header = "Shutdown", .needs = NEED_SHUTDOWN,
		.json_key = "shutdown", .json_type = JSON_TYPE_OBJECT, .json_applies = APPLIES_ALL,
		.json_needs = NEED_SHUTDOWN, .text = cell_text_shutdown, .json = cell_json_shutdown,
		.cmp = sort_cmp_shutdown, .cmp_needs = NEED_SHUTDOWN,
		.help = "directions still open: <-> both, --> no reading, <-- no writing, --- none (-e)" },
	[COL_PEER_OWNERS] = { .name = "peer_owners", .header = "Peer", .needs = NEED_OWNERS,
		.json_key = "peer", .json_type = JSON_TYPE_OBJECT, .json_applies = APPLIES_UNIX,
		.json_needs = NEED_OWNERS, .text = cell_text_peer_owners,
		.json = cell_json_peer_owners, .cmp = sort_cmp_peer_owners, .cmp_needs = NEED_OWNERS,
		.help = "processes holding the connected UNIX peer: ->PID/name (-x -p)" },
	[COL_VFS] = { .name = "vfs", .header = "VFS", .needs = NEED_UNIX_VFS,
		.json_key = "vfs", .json_type = JSON_TYPE_OBJECT, .json_applies = APPLIES_UNIX,
		.json_needs = NEED_UNIX_VFS, .text = cell_text_vfs, .json = cell_json_vfs,
		.cmp = sort_cmp_vfs, .cmp_needs = NEED_UNIX_VFS,
		.help = "device and inode of a UNIX socket's bound path: vfs:(maj:min,ino) (-e)" },
	[COL_PENDING] = { .name = "pending", .header = "Pending", .needs = NEED_UNIX_ICONS,
		.json_key = "pending", .json_type = JSON_TYPE_ARRAY, .json_applies = APPLIES_UNIX,
		.json_needs = NEED_UNIX_ICONS, .text = cell_text_pending, .json = cell_json_pending,
		.cmp = sort_cmp_pending, .cmp_needs = NEED_UNIX_ICONS,
		.help = "inodes of a UNIX listener's pending connections: icons:(ino,...) (-e)" },
	[COL_SKMEM] = { .name = "skmem", .header = "Skmem", .needs = NEED_SKMEM,
		.json_key = "skmem", .json_type = JSON_TYPE_OBJECT, .json_applies = APPLIES_ALL,
		.json_needs = NEED_SKMEM, .text = cell_text_skmem, .json = cell_json_skmem,
		.cmp = sort_cmp_skmem, .cmp_needs = NEED_SKMEM,
		.help = "socket memory as ss -m: skmem:(r,rb,t,tb,f,w,o,bl,d) (-m)" },
	[COL_TCP_INFO] = { .name = "tcp_info", .header = "TCP-Info", .needs = NEED_TCP_INFO,
		.json_key = "tcp_info", .json_type = JSON_TYPE_OBJECT, .json_applies = APPLIES_INET,
		.json_needs = NEED_TCP_INFO, .text = cell_text_tcp_info, .json = cell_json_tcp_info,
		.cmp = sort_cmp_tcp_info, .cmp_needs = NEED_TCP_INFO,
		.help = "TCP internals as ss -i: congestion algorithm, rtt, cwnd, rates... (-i)" },
};

/* Sort keys that are not columns, kept from earlier releases. */
static const struct {
	const char *name;
	sort_cmp_fn cmp;
} sort_aliases[] = {
	{ "lport", sort_cmp_lport }, /* local port */
	{ "rport", sort_cmp_rport }, /* remote port */
	{ "queue", sort_cmp_queue }, /* recv_q, then send_q */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const struct column *column_get(enum column_id id)
{
	return (unsigned)id < _COL_MAX ? &columns[id] : NULL;
}

static int column_find(const char *p, size_t n)
{
	int id;

	for (id = 0; id < _COL_MAX; id++)
		if (strlen(columns[id].name) == n && !strncmp(columns[id].name, p, n))
			return id;
	return -1;
}

/* The whole message, with the bad name escaped for the terminal (one line
 * whatever was typed): "unknown <what> 'x'<where> (see lsock --help)". */
static void bad_name(char *err, size_t errlen, const char *what, const char *where,
		     const char *p, size_t n)
{
	char word[80], shown[96];

	snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) - 1 ? n : sizeof(word) - 1), p);
	snprintf(err, errlen, _("unknown %s '%s'%s (see lsock --help)"), _(what),
		 esc_text_cstr(word, shown, sizeof(shown)), *where ? _(where) : where);
}

int column_list_parse(const char *spec, struct column_list *ret, char *err, size_t errlen)
{
	struct column_list l = { .len = 0 };
	const char *p = spec;

	ret->len = 0;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int id = column_find(p, n);

		if (id < 0) {
			bad_name(err, errlen, N_("column"), N_(" in --columns"), p, n);
			return -EINVAL;
		}
		if (l.len >= COLUMNS_MAX) {
			snprintf(err, errlen, _("too many columns (at most %d)"), COLUMNS_MAX);
			return -EINVAL;
		}
		l.ids[l.len++] = (enum column_id)id;
		if (!end)
			break;
		p = end + 1;
	}
	*ret = l;
	return 0;
}

static void push(struct column_list *l, enum column_id id)
{
	if (l->len < COLUMNS_MAX)
		l->ids[l->len++] = id;
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

void column_list_add_ext(struct column_list *l, bool is_unix, unsigned needs, bool owners)
{
	static const struct {
		enum column_id id;
		unsigned need;
		unsigned applies;
	} order[] = {
		{ COL_TIMER, NEED_TIMERS, APPLIES_INET },
		{ COL_SK, NEED_SHUTDOWN, APPLIES_ALL },
		{ COL_SHUTDOWN, NEED_SHUTDOWN, APPLIES_ALL },
		{ COL_PEER_OWNERS, NEED_OWNERS, APPLIES_UNIX },
		{ COL_VFS, NEED_UNIX_VFS, APPLIES_UNIX },
		{ COL_PENDING, NEED_UNIX_ICONS, APPLIES_UNIX },
		{ COL_SKMEM, NEED_SKMEM, APPLIES_ALL },
		{ COL_TCP_INFO, NEED_TCP_INFO, APPLIES_INET },
	};
	unsigned applies = is_unix ? APPLIES_UNIX : APPLIES_INET;
	bool path_last = l->len && l->ids[l->len - 1] == COL_PATH;
	size_t i;

	if (owners)
		needs |= NEED_OWNERS;
	if (path_last)
		l->len--;
	for (i = 0; i < ARRAY_SIZE(order); i++)
		if ((order[i].need & needs) && (order[i].applies & applies))
			push(l, order[i].id);
	if (path_last)
		push(l, COL_PATH);
}

unsigned column_needs_ext_parts(unsigned needs)
{
	unsigned parts = 0;

	if (needs & NEED_TIMERS)
		parts |= SOCK_EXT_TIMER;
	if (needs & NEED_SHUTDOWN)
		parts |= SOCK_EXT_SHUTDOWN;
	if (needs & NEED_TCP_INFO)
		parts |= SOCK_EXT_INFO;
	if (needs & NEED_SKMEM)
		parts |= SOCK_EXT_MEMORY;
	if (needs & NEED_UNIX_VFS)
		parts |= SOCK_EXT_VFS;
	if (needs & NEED_UNIX_ICONS)
		parts |= SOCK_EXT_ICONS;
	return parts;
}

unsigned column_list_needs(const struct column_list *l)
{
	unsigned needs = 0;
	size_t i;

	for (i = 0; i < l->len; i++)
		needs |= columns[l->ids[i]].needs;
	return needs;
}

unsigned column_json_needs(void)
{
	unsigned needs = 0;
	size_t id;

	for (id = 0; id < _COL_MAX; id++)
		if (columns[id].json)
			needs |= columns[id].json_needs;
	return needs;
}

int column_sort_parse(const char *spec, struct sort_spec *ret, unsigned *ret_needs, char *err,
		      size_t errlen)
{
	struct sort_spec s = { .len = 0 };
	unsigned needs = 0;
	const char *p = spec;

	ret->len = 0;
	*ret_needs = 0;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p), i;
		sort_cmp_fn cmp = NULL;
		bool reverse = false;
		int id;

		if (n && *p == '-') {
			reverse = true;
			p++;
			n--;
		}
		id = column_find(p, n);
		if (id >= 0) {
			cmp = columns[id].cmp;
			needs |= columns[id].cmp_needs;
		}
		for (i = 0; !cmp && i < ARRAY_SIZE(sort_aliases); i++)
			if (strlen(sort_aliases[i].name) == n && !strncmp(sort_aliases[i].name, p, n))
				cmp = sort_aliases[i].cmp;
		if (!cmp) {
			bad_name(err, errlen, N_("sort key"), "", p, n);
			return -EINVAL;
		}
		if (s.len >= SORT_KEYS_MAX) {
			snprintf(err, errlen, _("too many sort keys (at most %d)"), SORT_KEYS_MAX);
			return -EINVAL;
		}
		s.keys[s.len].cmp = cmp;
		s.keys[s.len].reverse = reverse;
		s.len++;
		if (!end)
			break;
		p = end + 1;
	}
	*ret = s;
	*ret_needs = needs;
	return 0;
}

void column_help(struct outbuf *o)
{
	size_t id, i, width = 0;

	/* The help texts line up after the longest name, whatever it is. */
	for (id = 0; id < _COL_MAX; id++)
		if (strlen(columns[id].name) > width)
			width = strlen(columns[id].name);
	outbuf_puts(o, _("Columns (for -k/--columns; every column is also a --sort key):\n"));
	for (id = 0; id < _COL_MAX; id++) {
		size_t n = strlen(columns[id].name);

		outbuf_puts(o, "  ");
		outbuf_puts(o, columns[id].name);
		outbuf_pad(o, width + 1 - n);
		outbuf_puts(o, _(columns[id].help));
		outbuf_putc(o, '\n');
	}
	outbuf_puts(o, _("Sort keys: the column names, plus"));
	for (i = 0; i < ARRAY_SIZE(sort_aliases); i++) {
		outbuf_puts(o, i == 0 ? " " : i + 1 == ARRAY_SIZE(sort_aliases) ? _(" and ") : ", ");
		outbuf_puts(o, sort_aliases[i].name);
	}
	outbuf_puts(o, _("; prefix '-' to reverse.\n"));
}

static unsigned applies_of(uint8_t family)
{
	switch (family) {
	case AF_INET:
		return APPLIES_INET4;
	case AF_INET6:
		return APPLIES_INET6;
	case AF_UNIX:
		return APPLIES_UNIX;
	}
	return 0;
}

void column_json_socket(const struct render_ctx *c, const struct sock_entry *e,
			struct json_writer *w)
{
	column_json_socket_extra(c, e, w, NULL, NULL);
}

void column_json_socket_extra(const struct render_ctx *c, const struct sock_entry *e,
			      struct json_writer *w, column_json_extra_fn extra, const void *data)
{
	unsigned applies = applies_of(e->family);
	unsigned have = (c->owners ? NEED_OWNERS : 0) | (c->collected & NEED_EXT_ALL);
	size_t id;

	if (c->netns)
		have |= NEED_NETNS;

	json_begin_object(w);
	for (id = 0; id < _COL_MAX; id++) {
		const struct column *col = &columns[id];

		if (!col->json || !(col->json_applies & applies))
			continue;
		if ((col->json_needs & have) != col->json_needs)
			continue;
		col->json(c, e, w);
	}
	if (extra)
		extra(e, w, data);
	json_end_object(w);
}
