/* SPDX-License-Identifier: MIT */
/*
 * The ss filter language, parsed into a small tree and evaluated in user
 * space on the normalized table, so it works the same for every source:
 *
 *   [ state STATE | exclude STATE ]... [ EXPRESSION ]
 *
 * STATE: established syn-sent syn-recv (syn-rcv) fin-wait-1 fin-wait-2
 *        time-wait closed (close, unconnected) close-wait last-ack listening
 *        closing, and the groups all connected synchronized bucket big
 *        (case-insensitive, as in ss).  syn-recv includes NEW_SYN_RECV.
 * EXPRESSION: src|dst [=|!=] [FAMILY:]ADDR[/PLEN][:PORT]
 *                 (IPv6 in brackets: [::1]:22, [::1/128]; `*` = any;
 *                  UNIX: an fnmatch glob, case-insensitive, '@' = abstract)
 *             sport|dport [OP] [FAMILY:][:]PORT   (PORT: number or service name)
 *             dev [=|!=] NAME|INDEX   (NAME: the device of that name in each
 *                 row's own network namespace; INDEX: an index there)
 *             pid [=|!=] PID      comm [=|!=] GLOB   (lsock extensions: some
 *                 process holding the socket; needs the owner map)
 *             uid [=|!=] UID      user [=|!=] NAME   (lsock extensions: the
 *                 socket's uid; NAME is resolved at parse time)
 *             OP: = == eq != ne neq > gt < lt >= ge geq <= le leq
 *             and && &  or || |  not !  ( )   (parentheses are words of their own)
 *
 * Semantics are ss's as verified against ss 6.1 / kernel 6.18:
 *   - and/or have NO relative precedence: the expression is read left to
 *     right (`a or b and c` is `(a or b) and c`); `not` binds to the next
 *     term; adjacent terms are joined by an implicit `and`;
 *   - an IPv4 address also matches v4-mapped IPv6 sockets (::ffff:a.b.c.d);
 *   - a FAMILY: prefix (inet:, inet6:, unix:) restricts the whole result to
 *     that family, as ss restricts its query;
 *   - each argv word is split again on blanks, so '( sport = :22 )' can be
 *     passed as one word; a backslash escapes the next character.
 */
#ifndef LSOCK_FILTER_H
#define LSOCK_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "lsock/sock_table.h"

struct filter;

struct filter_error {
	int word;            /* index into the words array of the offending word, or -1 at end */
	char token[64];      /* the offending token (a word may hold several), "" at end */
	char message[128];   /* e.g. "expected a port number after ':'" */
	/* The whole message as lsock prints it after "lsock: ", written where
	 * the error is found, the token escaped for the terminal: "bad filter
	 * at ':x': expected a port number after ':'". */
	char line[256];
};

/*
 * Parses words[0..nwords).  On success *ret is the filter (NULL if there is
 * no expression) and *ret_states the state mask the words select.  As in ss,
 * the first `state X` starts from an empty mask and the first `exclude X`
 * from all states (not from default_states); without state words
 * *ret_states is default_states, and if the words leave the mask empty it is
 * ss's own default (connected but not TIME-WAIT/SYN-RECV), as ss does.
 * Addresses are read as inet/inet6 (a word starting with '/' or '@' is a
 * UNIX glob).  Returns 0, -EINVAL with *ret_err filled, or -ENOMEM.
 */
int filter_parse(int nwords, char *const words[], uint32_t default_states,
		 struct filter **ret, uint32_t *ret_states, struct filter_error *ret_err);

/*
 * Like filter_parse, with ss's "preferred family": AF_INET or AF_INET6 (-4,
 * -6) or AF_UNIX (only UNIX sockets requested, e.g. -x: `src *.sock` is then
 * a glob).  As in ss, it applies to every address as if written with a
 * FAMILY: prefix.  AF_UNSPEC is filter_parse.
 */
int filter_parse_family(int nwords, char *const words[], int family, uint32_t default_states,
			struct filter **ret, uint32_t *ret_states, struct filter_error *ret_err);

/* A dev NAME unknown in lsock's own namespace is no error: the listing
 * enters other namespaces (--all-netns, --netns), where it may exist. */
#define FILTER_PARSE_ANY_DEV 1u

/* filter_parse_family() with FILTER_PARSE_* flags. */
int filter_parse_flags(int nwords, char *const words[], int family, unsigned flags,
		       uint32_t default_states, struct filter **ret, uint32_t *ret_states,
		       struct filter_error *ret_err);

struct owner_map;

/* Whether entry e matches the expression part (states are matched by the caller).
 * pid and comm predicates see no owner: use filter_match_owners().  A dev
 * NAME is matched by the index it had in lsock's namespace at parse time. */
bool filter_match(const struct filter *f, const struct sock_entry *e, const struct sock_table *t);

/* filter_match() with the owners of the sockets (owner_map_build() on t's
 * inodes; NULL: nobody holds anything) for pid and comm predicates. */
bool filter_match_owners(const struct filter *f, const struct sock_entry *e,
			 const struct sock_table *t, const struct owner_map *owners);

/* Whether f has a pid or comm predicate, so it must be applied after the
 * owner walk (filter_apply_owners()).  NULL is false. */
bool filter_needs_owners(const struct filter *f);

/*
 * Keeps the rows of t whose state is in states and that match f (NULL: no
 * expression).  The kernel filtered states already and /proc did too; this
 * checks again so that every source obeys the same rule.
 */
void filter_apply(struct sock_table *t, uint32_t states, const struct filter *f);

/* filter_apply() with the owner map for pid and comm predicates (see
 * filter_match_owners()). */
void filter_apply_owners(struct sock_table *t, uint32_t states, const struct filter *f,
			 const struct owner_map *owners);

/* What the snapshot's prune callbacks apply (see filter_prune_request()). */
struct filter_prune {
	uint32_t states;
	const struct filter *filter; /* NULL: states only */
};

struct snapshot_request;

/*
 * Makes snapshot request req apply fp (which must outlive the snapshot):
 * before the owner walk, so that it looks only for the rows kept; or, when
 * the filter has a pid or comm predicate, the states before the walk and
 * the expression after it, and the walk is then asked for (req->owners).
 */
void filter_prune_request(struct snapshot_request *req, const struct filter_prune *fp);

/* NULL is a no-op. */
void filter_free(struct filter *f);

#endif
