/* SPDX-License-Identifier: MIT */
/*
 * THE column table.  Each column is one row of data: its name (for --columns and
 * --sort), text header and alignment, its JSON key and type, what it needs
 * collected, a text renderer, a JSON emitter, a sort comparison and a
 * one-line description.  The text and JSON formatters, the plan (what to
 * collect), --sort, --help and the docs test all read this table; adding a
 * column is one row plus its value function.
 *
 * JSON is a contract (schema 1, lsock-json(7)): the rows that carry a JSON
 * key are emitted in table order, whatever --columns says, so the key order is the
 * table's order.
 */
#ifndef LSOCK_COLUMNS_H
#define LSOCK_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "lsock/json_writer.h"
#include "lsock/outbuf.h"
#include "lsock/sock_table.h"
#include "lsock/sort.h"

struct owner_map;
struct services;
struct protoname_cache;
struct user_cache;
struct ifname_cache;
struct snapshot_netns;

enum column_id {
	COL_PROTO,
	COL_FAMILY,
	COL_TYPE,
	COL_STATE,
	COL_RECV_Q,
	COL_SEND_Q,
	COL_PATH,
	COL_PEER,
	COL_LOCAL,
	COL_REMOTE,
	COL_V6ONLY,
	COL_INTERFACE,
	COL_UID,
	COL_INODE,
	COL_COOKIE,
	COL_OWNERS,
	COL_SOURCE,
	COL_USER,
	COL_PID,
	COL_PROGRAM,
	COL_NETNS,
	COL_UNIT,
	/* extensions (-o, -e, -m, -i; lsock-json(7)) */
	COL_TIMER,
	COL_SK,
	COL_SHUTDOWN,
	COL_PEER_OWNERS,
	COL_VFS,
	COL_PENDING,
	COL_SKMEM,
	COL_TCP_INFO,
	_COL_MAX,
};

/* What a column needs collected beyond the socket dump. */
enum column_need {
	NEED_OWNERS = 1u << 0,   /* the /proc/[pid]/fd walk */
	NEED_SERVICES = 1u << 1, /* the services database (unless -n) */
	NEED_USERS = 1u << 2,    /* uid -> user name (unless -n) */
	/* sock_diag extensions (struct sock_ext records) */
	NEED_TIMERS = 1u << 3,     /* timer, expiry, retransmits (no request bit) */
	NEED_SHUTDOWN = 1u << 4,   /* shutdown state (no request bit) */
	NEED_TCP_INFO = 1u << 5,   /* idiag_ext INFO, VEGASINFO, CONG */
	NEED_SKMEM = 1u << 6,      /* idiag_ext MEMINFO, SKMEMINFO; UDIAG_SHOW_MEMINFO */
	NEED_UNIX_VFS = 1u << 7,   /* UDIAG_SHOW_VFS */
	NEED_UNIX_ICONS = 1u << 8, /* UDIAG_SHOW_ICONS, asked listener by listener */
	NEED_NETNS = 1u << 9,      /* the namespaces' names */
	NEED_UNITS = 1u << 10,     /* the owners' systemd units (with NEED_OWNERS) */
};
#define NEED_EXT_ALL                                                                               \
	(NEED_TIMERS | NEED_SHUTDOWN | NEED_TCP_INFO | NEED_SKMEM | NEED_UNIX_VFS | NEED_UNIX_ICONS)

enum column_align {
	ALIGN_LEFT,
	ALIGN_RIGHT,
};

/* The JSON type of a column's value (lsock-json(7)); null is always allowed
 * where the model does not know the value. */
enum column_json_type {
	JSON_TYPE_NONE,   /* not in JSON */
	JSON_TYPE_STRING,
	JSON_TYPE_NUMBER,
	JSON_TYPE_BOOL,
	JSON_TYPE_OBJECT,
	JSON_TYPE_ARRAY,
};

/* Which sockets a JSON key is written for. */
enum column_applies {
	APPLIES_INET4 = 1u << 0,
	APPLIES_INET6 = 1u << 1,
	APPLIES_UNIX = 1u << 2,
	APPLIES_INET = APPLIES_INET4 | APPLIES_INET6,
	APPLIES_ALL = APPLIES_INET | APPLIES_UNIX,
};

/* Everything a renderer may read besides the entry. */
struct render_ctx {
	const struct sock_table *table;
	const struct owner_map *owners;  /* NULL unless owners were collected */
	const struct services *services; /* NULL with -n */
	struct protoname_cache *protonames; /* RAW protocol names; NULL with -n */
	struct user_cache *users;        /* NULL with -n */
	struct ifname_cache *ifnames;    /* looked up lazily, only for bound sockets */
	bool owners_complete;            /* with owners: every process's fds were seen */
	struct snapshot_netns *netns;    /* the namespaces (names, interfaces); may be NULL */
	unsigned collected;              /* enum column_need collected beyond owners (JSON
					  * keys needing more are left out) */
	const struct owner_span *spans;  /* with owners: each row's holders resolved
					  * (owner_map_spans()); NULL: looked up per cell */
	const struct owner_labels *labels; /* owners' names escaped once; NULL: per cell */
};

/*
 * Each process's comm escaped for text once, not once per cell: in a middle
 * column (text[2i]) and in the last (text[2i + 1], where inner spaces may
 * stay), both with ',' escaped, the owners' separator.  For map only.
 */
struct owner_labels {
	const struct owner_map *map;
	char *text;     /* the labels, back to back */
	uint32_t *off;  /* label k is text[off[k] .. off[k + 1]) */
	size_t nprocs;
};

/* Builds *ret for m (NULL: an empty set).  Returns 0 or -ENOMEM; *ret is
 * always written, and freed with owner_labels_free(). */
int owner_labels_build(const struct owner_map *m, struct owner_labels *ret);
void owner_labels_free(struct owner_labels *l);

/* The interface names of e's own network namespace (an ifindex means
 * nothing elsewhere): its view's cache under -G/-N, else c->ifnames. */
struct ifname_cache *render_ifnames(const struct render_ctx *c, const struct sock_entry *e);

struct owner;
/*
 * The holders of e (of its peer if peer), as owner_map_find() on c->owners
 * answers: from c->spans when e is a row of c->table, else looked up.
 * 0 without owners.
 */
size_t render_owners(const struct render_ctx *c, const struct sock_entry *e, bool peer,
		     const struct owner **ret_first);

struct owner_proc;
/* The same, and *ret_one the process of all of them when the spans know
 * they are one (else NULL: read each holder's). */
size_t render_owner_procs(const struct render_ctx *c, const struct sock_entry *e, bool peer,
			  const struct owner **ret_first, const struct owner_proc **ret_one);

/* Writes the cell of e.  last: the cell ends the row, so inner spaces in a
 * name cannot be mistaken for a column break.  Never writes nothing: an
 * unknown value is "-". */
typedef void (*column_text_fn)(const struct render_ctx *c, const struct sock_entry *e, bool last,
			       struct outbuf *o);
/* Writes the column's key(s) and value(s) into the open socket object. */
typedef void (*column_json_fn)(const struct render_ctx *c, const struct sock_entry *e,
			       struct json_writer *w);

struct column {
	const char *name;     /* for --columns and --sort */
	const char *header;   /* text header */
	enum column_align align;
	const char *json_key; /* the (first) key it writes, NULL if not in JSON */
	enum column_json_type json_type;
	unsigned json_applies; /* enum column_applies */
	unsigned json_needs;  /* written only when these enum column_need were collected */
	unsigned needs;       /* enum column_need for the text cell */
	column_text_fn text;
	column_json_fn json;
	sort_cmp_fn cmp;
	unsigned cmp_needs;   /* enum column_need the comparison reads */
	const char *help;     /* one line for --help, lsock(8), completions */
};

/* At most this many columns in one --columns list (a name may repeat). */
#define COLUMNS_MAX 64

/* An ordered selection of columns for one text table. */
struct column_list {
	enum column_id ids[COLUMNS_MAX];
	size_t len;
};

const struct column *column_get(enum column_id id);

/*
 * Parses "--columns a,b,c".  Returns 0, or -EINVAL with the whole one-line message
 * in err (an unknown name, escaped for the terminal, or more than
 * COLUMNS_MAX columns).
 */
int column_list_parse(const char *spec, struct column_list *ret, char *err, size_t errlen);

/* The netstat layouts. */
void column_list_default_inet(struct column_list *ret, bool extend, bool programs);
void column_list_default_unix(struct column_list *ret, bool extend, bool programs);

/*
 * Adds the extension columns that needs (NEED_EXT_ALL bits, from -o, -e,
 * -m, -i) select to a default layout, in ss's order: timer, sk and
 * shutdown, (UNIX: peer owners with owners, vfs, pending), skmem,
 * tcp_info.  For UNIX (is_unix) they go before a trailing path column, so
 * that a path keeps its spaces; with owners, UNIX also gets peer_owners.
 */
void column_list_add_ext(struct column_list *l, bool is_unix, unsigned needs, bool owners);

/* The sock_ext parts (enum sock_ext_part) that needs (enum column_need) ask
 * the collectors for. */
unsigned column_needs_ext_parts(unsigned needs);

/* OR of the needs of the listed columns. */
unsigned column_list_needs(const struct column_list *l);

/* OR of what the JSON keys need collected (JSON always carries every key;
 * owners are asked for with -p only). */
unsigned column_json_needs(void);

/*
 * Parses "--sort KEY[,KEY...]": every column name, plus the aliases lport,
 * rport and queue; '-' before a key reverses it.  Returns 0, or -EINVAL with
 * the whole one-line message in err (an unknown key, escaped, or more than
 * SORT_KEYS_MAX keys).  *ret_needs is what the keys need collected.
 */
int column_sort_parse(const char *spec, struct sort_spec *ret, unsigned *ret_needs, char *err,
		      size_t errlen);

/* Writes the --help block that lists every column with its description and
 * the sort keys. */
void column_help(struct outbuf *o);

/* JSON: the socket object of e, keys in table order. */
void column_json_socket(const struct render_ctx *c, const struct sock_entry *e,
			struct json_writer *w);

/* Keys a mode adds at the end of each socket object (--audit's exposure). */
typedef void (*column_json_extra_fn)(const struct sock_entry *e, struct json_writer *w,
				     const void *data);

/* column_json_socket(), then extra(e, w, data) (if not NULL) before the
 * object closes. */
void column_json_socket_extra(const struct render_ctx *c, const struct sock_entry *e,
			      struct json_writer *w, column_json_extra_fn extra, const void *data);

#endif
