/* SPDX-License-Identifier: MIT */
/*
 * The normalized socket table: one entry type for every family and source.
 *
 * It keeps what the kernel says (addresses as network-order bytes, ports in
 * host order, UNIX names as raw sun_path bytes) and nothing formatted.
 * Entries are fixed-size and live in one growable array; UNIX names live in
 * one byte arena owned by the table, so the hot path never mallocs per socket.
 */
#ifndef LSOCK_SOCK_TABLE_H
#define LSOCK_SOCK_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sock_proto {
	SOCK_PROTO_TCP,
	SOCK_PROTO_UDP,
	SOCK_PROTO_UDPLITE,
	SOCK_PROTO_RAW,
	SOCK_PROTO_ICMP,
	SOCK_PROTO_UNIX,
	_SOCK_PROTO_MAX,
};
#define SOCK_PROTO_BIT(p) (1u << (p))
#define SOCK_PROTOS_ALL ((1u << _SOCK_PROTO_MAX) - 1)

enum sock_source {
	SOCK_SOURCE_NETLINK,
	SOCK_SOURCE_PROC,
	_SOCK_SOURCE_MAX,
};

/*
 * Kernel socket states (include/net/tcp_states.h).  The kernel reports them
 * for every family: UDP uses CLOSE for unconnected and ESTABLISHED for
 * connected sockets, UNIX uses LISTEN/ESTABLISHED/SYN_SENT/CLOSE.
 */
enum sock_state {
	SOCK_STATE_UNKNOWN = 0,
	SOCK_STATE_ESTABLISHED = 1,
	SOCK_STATE_SYN_SENT,
	SOCK_STATE_SYN_RECV,
	SOCK_STATE_FIN_WAIT1,
	SOCK_STATE_FIN_WAIT2,
	SOCK_STATE_TIME_WAIT,
	SOCK_STATE_CLOSE,
	SOCK_STATE_CLOSE_WAIT,
	SOCK_STATE_LAST_ACK,
	SOCK_STATE_LISTEN,
	SOCK_STATE_CLOSING,
	SOCK_STATE_NEW_SYN_RECV,
	_SOCK_STATE_MAX,
};
#define SOCK_STATE_BIT(s) (1u << (s))
/* Every real state (bits 1..12); bit 0 (UNKNOWN) is never requested. */
#define SOCK_STATES_ALL (((1u << _SOCK_STATE_MAX) - 1) & ~1u)
#define SOCK_STATES_LISTENING (SOCK_STATE_BIT(SOCK_STATE_LISTEN) | SOCK_STATE_BIT(SOCK_STATE_CLOSE))
/* netstat's default: everything but listeners and unconnected sockets
 * (also ss's `connected` group). */
#define SOCK_STATES_CONNECTED (SOCK_STATES_ALL & ~SOCK_STATES_LISTENING)

/*
 * Request sockets (SYN received, not yet accepted) live in the established
 * hash with sk_state TCP_NEW_SYN_RECV but are reported with state
 * TCP_SYN_RECV (inet_req_diag_fill()).  Whoever asks for SYN_RECV must ask
 * for NEW_SYN_RECV too.
 */
static inline uint32_t sock_states_widen(uint32_t mask)
{
	if (mask & SOCK_STATE_BIT(SOCK_STATE_SYN_RECV))
		mask |= SOCK_STATE_BIT(SOCK_STATE_NEW_SYN_RECV);
	return mask;
}

/* sizeof(((struct sockaddr_un *)0)->sun_path): no UNIX name is longer. */
#define SOCK_UNIX_NAME_MAX 108

enum sock_entry_flag {
	SOCK_F_V6ONLY_KNOWN = 1u << 0, /* the v6only bit below is meaningful */
	SOCK_F_V6ONLY = 1u << 1,
	SOCK_F_UID_KNOWN = 1u << 2,
	SOCK_F_COOKIE_KNOWN = 1u << 3,
	SOCK_F_PEER_KNOWN = 1u << 4,    /* UNIX: peer_inode is meaningful */
	SOCK_F_HAS_PATH = 1u << 5,      /* UNIX: bound to a name (path_len > 0) */
	SOCK_F_ABSTRACT = 1u << 6,      /* UNIX: the name is abstract (sun_path[0] == 0) */
	SOCK_F_QUEUES_KNOWN = 1u << 7,  /* rqueue/wqueue are meaningful */
	SOCK_F_IFINDEX_KNOWN = 1u << 8, /* ifindex is meaningful (0: not bound) */
	SOCK_F_FITTED = 1u << 9,        /* streaming: the text widths were fitted to this row
					 * ahead of its batch (collect_stream.ahead), not again */
};

/*
 * One socket.  Keep it small: at 100k sockets every byte here is 100 kB.
 * The fields only one family has share their bytes (the anonymous union):
 * an inet socket has addresses and a device, a UNIX socket a peer and a
 * name.  Read the other family's fields of an entry and you read the
 * bytes of these; every reader checks the family first.
 */
struct sock_entry {
	uint64_t cookie;     /* kernel socket cookie (netlink only) */
	uint32_t inode;      /* socket inode; 0: none (no file refers to the socket:
			      * TIME_WAIT, SYN_RECV requests, embryos, orphans) */
	uint32_t uid;        /* socket owner uid as the kernel reports it; meaningful
			      * only with SOCK_F_UID_KNOWN (the kernel writes 0 for
			      * time-wait and request sockets) */
	uint32_t rqueue;     /* Recv-Q: bytes queued, or accept backlog for LISTEN */
	uint32_t wqueue;     /* Send-Q: bytes queued, or max backlog for LISTEN (netlink) */
	uint32_t ifindex;    /* bound device, 0 if none */
	uint32_t peer_inode; /* UNIX: inode of the peer socket */
	uint32_t path_off;   /* UNIX: offset of the name in sock_table.strings */
	uint32_t ext_idx;    /* 1 + index of its record in sock_table.exts; 0: none */
	uint16_t lport;      /* host order; RAW: the IP protocol number */
	uint16_t rport;      /* host order */
	uint16_t flags;      /* enum sock_entry_flag */
	uint16_t netns_idx;  /* index of the socket's network namespace in the
			      * snapshot's namespace list (0: the one lsock runs in) */
	uint8_t path_len;    /* UNIX: name length in bytes, as in sun_path (abstract: leading NUL) */
	uint8_t family;      /* AF_INET, AF_INET6, AF_UNIX */
	uint8_t proto;       /* enum sock_proto */
	uint8_t type;        /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW */
	uint8_t state;       /* enum sock_state */
	uint8_t source;      /* enum sock_source */
	uint8_t laddr[16];   /* network order; AF_INET uses the first 4 bytes */
	uint8_t raddr[16];
};

struct sock_table {
	struct sock_entry *entries;
	size_t len;
	size_t cap;
	uint8_t *strings; /* arena for UNIX names */
	size_t strings_len;
	size_t strings_cap;
	struct sock_ext *exts; /* extension records, only when asked for (sock_ext.h) */
	size_t exts_len;
	size_t exts_cap;
	uint32_t *ext_inodes;  /* arena for the UNIX pending-connection inodes */
	size_t ext_inodes_len;
	size_t ext_inodes_cap;
};

/* An all-zero struct sock_table is a valid empty table. */
void sock_table_init(struct sock_table *t);

/* Frees everything the table owns; the table is empty (and reusable) after. */
void sock_table_free(struct sock_table *t);

/*
 * Appends a copy of *e.  If name_len > 0, the name bytes are copied into the
 * arena and the new entry's path_off/path_len point at them (e->path_* are
 * ignored).  Returns 0, -ENOMEM, or -E2BIG if name_len > SOCK_UNIX_NAME_MAX.
 */
int sock_table_add(struct sock_table *t, const struct sock_entry *e, const void *name, size_t name_len);

/* Drops entries (and their names) added after the table had `len` entries.
 * Used to discard a partial dump before a re-dump. */
void sock_table_truncate(struct sock_table *t, size_t len);

/* The UNIX name bytes of an entry (path_len bytes, not NUL-terminated).
 * An entry without a name (any inet one: path_off is an address there)
 * points at the arena's start, where no byte is read. */
static inline const uint8_t *sock_table_name(const struct sock_table *t, const struct sock_entry *e)
{
	return e->path_len ? t->strings + e->path_off : t->strings;
}

/* Room for sock_table_display_name(): '@' + an abstract name. */
#define SOCK_DISPLAY_NAME_MAX (SOCK_UNIX_NAME_MAX + 1)

/*
 * The UNIX name as people see it, as ss and netstat print it: a path as it
 * is, an abstract name as '@' followed by its bytes after the leading NUL
 * (NULs inside are kept).  Writes at most SOCK_DISPLAY_NAME_MAX bytes (no
 * terminator) to buf and returns the length; 0 for an unnamed socket.
 */
size_t sock_table_display_name(const struct sock_table *t, const struct sock_entry *e,
			       uint8_t buf[SOCK_DISPLAY_NAME_MAX]);

/*
 * Drops, from entries [from, len), every entry whose socket cookie
 * (SOCK_F_COOKIE_KNOWN) an earlier entry of that range already has, keeping
 * the first one and the order of the rest.  Entries without a known cookie
 * are kept as they are.  A cookie names one socket for the kernel's
 * lifetime, so two records with the same cookie are the same socket: a
 * resumed sock_diag dump can send a record twice, and merging two dumps
 * (append the second, then dedupe) keeps each socket once, as the first
 * dump saw it.  *ret_removed (written on every path) counts what was
 * dropped.  Returns 0 or -ENOMEM (the table is then unchanged).
 */
/* A hash of a socket cookie for the cookie sets (splitmix64's finalizer:
 * the kernel hands cookies out from a counter, so they must be spread). */
static inline uint64_t sock_cookie_hash(uint64_t v)
{
	v ^= v >> 30;
	v *= 0xbf58476d1ce4e5b9ull;
	v ^= v >> 27;
	v *= 0x94d049bb133111ebull;
	return v ^ (v >> 31);
}

int sock_table_dedupe_cookie(struct sock_table *t, size_t from, size_t *ret_removed);

/*
 * Extension records (sock_ext.h).  sock_table_add_ext() appends a copy of
 * *x, with icons[0..n_icons) copied into the table's inode arena (x's
 * icons_off/icons_n are set to them), and writes the record's ext_idx to
 * *ret_idx (0 on failure).  Records are appended in entry order, so
 * sock_table_truncate() drops those of the dropped entries too.  An entry
 * copied into another table must have ext_idx 0 there.
 * Returns 0, -ENOMEM, or -E2BIG past UINT32_MAX records.
 */
struct sock_ext;
int sock_table_add_ext(struct sock_table *t, const struct sock_ext *x, const uint32_t *icons,
		       size_t n_icons, uint32_t *ret_idx);

/* The record of e, or NULL if it has none. */
const struct sock_ext *sock_table_ext(const struct sock_table *t, const struct sock_entry *e);

/* Writable record of e (for collectors that complete it), or NULL. */
struct sock_ext *sock_table_ext_mut(struct sock_table *t, const struct sock_entry *e);

/* The pending-connection inodes of record x (x->icons_n of them). */
const uint32_t *sock_table_ext_icons(const struct sock_table *t, const struct sock_ext *x);

/* Removes entries for which keep() returns false, preserving order. */
void sock_table_filter(struct sock_table *t, bool (*keep)(const struct sock_entry *e, void *data), void *data);

#endif
