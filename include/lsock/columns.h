/* SPDX-License-Identifier: MIT */
/*
 * THE column table.  Each column is one row of data: its -o name, text
 * header, alignment, the families it applies to, what it needs collected,
 * and its text renderer.  The text formatter and the plan both iterate this
 * table; adding a column is one row plus its renderer.
 *
 * JSON is a contract (schema 1, lsock-json(7)) and has a fixed key set, so
 * fmt_json does not follow -o; it reads the same model through the same
 * helpers.
 */
#ifndef LSOCK_COLUMNS_H
#define LSOCK_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "lsock/outbuf.h"
#include "lsock/sock_table.h"

struct owner_map;
struct services;
struct user_cache;

enum column_id {
	COL_PROTO,
	COL_FAMILY,
	COL_RECV_Q,
	COL_SEND_Q,
	COL_LOCAL,
	COL_REMOTE,
	COL_STATE,
	COL_TYPE,
	COL_USER,
	COL_UID,
	COL_INODE,
	COL_COOKIE,
	COL_V6ONLY,
	COL_PEER,
	COL_SOURCE,
	COL_OWNERS,
	COL_PID,
	COL_PROGRAM,
	COL_PATH,
	_COL_MAX,
};

/* What a column needs collected beyond the socket dump. */
enum column_need {
	NEED_OWNERS = 1u << 0,   /* the /proc/[pid]/fd walk */
	NEED_SERVICES = 1u << 1, /* the services database (unless -n) */
	NEED_USERS = 1u << 2,    /* uid -> user name (unless -n) */
};

enum column_align {
	ALIGN_LEFT,
	ALIGN_RIGHT,
};

/* Everything a renderer may read besides the entry. */
struct render_ctx {
	const struct sock_table *table;
	const struct owner_map *owners;  /* NULL unless NEED_OWNERS was planned */
	const struct services *services; /* NULL with -n */
	struct user_cache *users;        /* NULL with -n */
	bool last_column;                /* the cell ends the row: inner spaces in names
					  * cannot be mistaken for a column break */
};

typedef void (*column_text_fn)(const struct render_ctx *c, const struct sock_entry *e,
			       struct outbuf *o);

struct column {
	const char *name;   /* for -o */
	const char *header; /* text header */
	enum column_align align;
	unsigned needs;     /* enum column_need */
	column_text_fn text;
};

#define COLUMNS_MAX 32

/* An ordered selection of columns for one text table. */
struct column_list {
	enum column_id ids[COLUMNS_MAX];
	size_t len;
};

const struct column *column_get(enum column_id id);

/* Parses "-o a,b,c".  Returns 0, or -EINVAL with the bad name copied to err. */
int column_list_parse(const char *spec, struct column_list *ret, char *err, size_t errlen);

/* The netstat layouts. */
void column_list_default_inet(struct column_list *ret, bool extend, bool programs);
void column_list_default_unix(struct column_list *ret, bool extend, bool programs);

/* OR of the needs of the listed columns. */
unsigned column_list_needs(const struct column_list *l);

#endif
