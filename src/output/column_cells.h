/* SPDX-License-Identifier: MIT */
/*
 * The value functions of the column table: one text renderer and, for the
 * columns in JSON, one JSON emitter each.  Private to src/output/; the table
 * itself is in columns.c.
 */
#ifndef LSOCK_COLUMN_CELLS_H
#define LSOCK_COLUMN_CELLS_H

#include "lsock/columns.h"

#define CELL_TEXT(name)                                                                            \
	void cell_text_##name(const struct render_ctx *c, const struct sock_entry *e, bool last,   \
			      struct outbuf *o)
#define CELL_JSON(name)                                                                            \
	void cell_json_##name(const struct render_ctx *c, const struct sock_entry *e,              \
			      struct json_writer *w)

CELL_TEXT(proto);
CELL_TEXT(family);
CELL_TEXT(type);
CELL_TEXT(state);
CELL_TEXT(recv_q);
CELL_TEXT(send_q);
CELL_TEXT(path);
CELL_TEXT(peer);
CELL_TEXT(local);
CELL_TEXT(remote);
CELL_TEXT(v6only);
CELL_TEXT(interface);
CELL_TEXT(uid);
CELL_TEXT(user);
CELL_TEXT(inode);
CELL_TEXT(cookie);
CELL_TEXT(source);
CELL_TEXT(owners);
CELL_TEXT(pid);
CELL_TEXT(program);
CELL_TEXT(netns);
CELL_TEXT(unit);

CELL_JSON(proto);
CELL_JSON(family);
CELL_JSON(type);
CELL_JSON(state);
CELL_JSON(recv_q);
CELL_JSON(send_q);
CELL_JSON(path);
CELL_JSON(peer);
CELL_JSON(local);
CELL_JSON(remote);
CELL_JSON(v6only);
CELL_JSON(interface);
CELL_JSON(uid);
CELL_JSON(inode);
CELL_JSON(cookie);
CELL_JSON(owners);
CELL_JSON(source);
CELL_JSON(netns);

/* The "unit" and "user_unit" keys of owner o of e (column_netns.c). */
struct owner;
void cell_json_owner_unit(const struct render_ctx *c, const struct sock_entry *e, const struct owner *o,
			  struct json_writer *w);

#endif
