/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/addr.h"
#include "lsock/escape.h"
#include "lsock/fmt.h"
#include "lsock/json_writer.h"
#include "lsock/owner.h"
#include "lsock/sock_names.h"

/* A user-controlled name: exact when valid UTF-8; otherwise U+FFFD in the
 * display field plus "<key>_hex" with the exact bytes. */
static void json_name(struct json_writer *w, const char *key, const char *hex_key, const char *prefix,
		      const uint8_t *s, size_t len)
{
	bool valid = utf8_valid(s, len);

	json_key(w, key);
	if (prefix) {
		/* '@' + name: build it in a small buffer (names are <= 108 bytes). */
		uint8_t buf[1 + 128];
		size_t n = len > 127 ? 127 : len;

		buf[0] = (uint8_t)prefix[0];
		memcpy(buf + 1, s, n);
		json_string(w, buf, n + 1);
	} else {
		json_string(w, s, len);
	}
	if (!valid) {
		json_key(w, hex_key);
		json_hex(w, s, len);
	}
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

static void json_owners(struct json_writer *w, const struct render_ctx *c, const struct sock_entry *e)
{
	const struct owner *first;
	size_t i, n = owner_map_find(c->owners, e->inode, &first);

	json_key(w, "owners");
	json_begin_array(w);
	for (i = 0; i < n; i++) {
		const struct owner_proc *pr = &c->owners->procs[first[i].proc];

		json_begin_object(w);
		json_key(w, "pid");
		json_i64(w, pr->pid);
		json_key(w, "fd");
		json_i64(w, first[i].fd);
		json_name(w, "comm", "comm_hex", NULL, pr->comm, pr->comm_len);
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_opt_u64(struct json_writer *w, const char *key, bool known, uint64_t v)
{
	json_key(w, key);
	if (known)
		json_u64(w, v);
	else
		json_null(w);
}

static void json_socket(struct json_writer *w, const struct render_ctx *c, const struct sock_entry *e)
{
	bool queues = e->flags & SOCK_F_QUEUES_KNOWN;

	json_begin_object(w);
	json_key(w, "proto");
	json_cstring(w, sock_proto_name(e->proto));
	json_key(w, "family");
	json_cstring(w, sock_family_name(e->family));
	if (e->family == AF_UNIX) {
		json_key(w, "type");
		json_cstring(w, sock_type_name(e->type));
	}
	json_key(w, "state");
	json_cstring(w, sock_state_name(e->state));
	json_opt_u64(w, "recv_q", queues, e->rqueue);
	json_opt_u64(w, "send_q", queues, e->wqueue);
	if (e->family == AF_UNIX) {
		const uint8_t *name = sock_table_name(c->table, e);
		bool abstract = e->flags & SOCK_F_ABSTRACT;

		if (e->path_len == 0) {
			json_key(w, "path");
			json_null(w);
		} else if (abstract) {
			json_name(w, "path", "path_hex", "@", name + 1, e->path_len - 1u);
		} else {
			json_name(w, "path", "path_hex", NULL, name, e->path_len);
		}
		json_key(w, "abstract");
		json_bool(w, abstract);
		json_opt_u64(w, "peer_inode", e->flags & SOCK_F_PEER_KNOWN, e->peer_inode);
	} else {
		json_endpoint(w, "local", e->family, e->laddr, e->lport);
		json_endpoint(w, "remote", e->family, e->raddr, e->rport);
		if (e->family == AF_INET6) {
			json_key(w, "v6only");
			if (e->flags & SOCK_F_V6ONLY_KNOWN)
				json_bool(w, e->flags & SOCK_F_V6ONLY);
			else
				json_null(w);
		}
	}
	json_opt_u64(w, "uid", e->flags & SOCK_F_UID_KNOWN, e->uid);
	json_key(w, "inode");
	json_u64(w, e->inode);
	json_opt_u64(w, "cookie", e->flags & SOCK_F_COOKIE_KNOWN, e->cookie);
	if (c->owners)
		json_owners(w, c, e);
	json_key(w, "source");
	json_cstring(w, sock_source_name(e->source));
	json_end_object(w);
}

void fmt_json(struct outbuf *o, const struct query_plan *p, const struct render_ctx *c,
	      bool owners_complete)
{
	struct json_writer w;
	size_t i;

	json_init(&w, o);
	json_begin_object(&w);
	json_key(&w, "schema");
	json_u64(&w, LSOCK_JSON_SCHEMA);
	if (c->owners) {
		json_key(&w, "owners_complete");
		json_bool(&w, owners_complete);
	}
	json_key(&w, "sockets");
	json_begin_array(&w);
	for (i = 0; i < c->table->len; i++)
		json_socket(&w, c, &c->table->entries[i]);
	json_end_array(&w);
	json_end_object(&w);
	outbuf_putc(o, '\n');
}

void fmt_ndjson(struct outbuf *o, const struct query_plan *p, const struct render_ctx *c)
{
	struct json_writer w;
	size_t i;

	json_init(&w, o);
	for (i = 0; i < c->table->len; i++) {
		json_reset(&w);
		json_socket(&w, c, &c->table->entries[i]);
		outbuf_putc(o, '\n');
	}
}
