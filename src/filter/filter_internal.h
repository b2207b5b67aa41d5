/* SPDX-License-Identifier: MIT */
/* Internal interfaces of the filter module: lexer, host/port parsing, node tree. */
#ifndef LSOCK_FILTER_INTERNAL_H
#define LSOCK_FILTER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "lsock/filter.h"

/* Hard bounds: filters are typed by people, anything bigger is an error. */
#define FILTER_MAX_TOKENS 1024
#define FILTER_MAX_BYTES 16384
#define FILTER_MAX_DEPTH 64

enum filter_tok_kind {
	FT_WORD,       /* anything that is not a keyword: an address, a port, a state name */
	FT_AND,        /* and && & */
	FT_OR,         /* or || | */
	FT_NOT,        /* not ! */
	FT_LPAREN,
	FT_RPAREN,
	FT_SRC,
	FT_DST,
	FT_SPORT,
	FT_DPORT,
	FT_DEV,
	FT_EQ,         /* = == eq */
	FT_NE,         /* != ne neq */
	FT_GT,         /* > gt */
	FT_LT,         /* < lt */
	FT_GE,         /* >= ge geq */
	FT_LE,         /* <= le leq */
	FT_STATE,
	FT_EXCLUDE,
	FT_UNSUPPORTED, /* ss predicates lsock does not implement: autobound fwmark cgroup */
	FT_PID,        /* lsock extensions: the owner process and the socket's user */
	FT_COMM,
	FT_UID,
	FT_USER,
};

struct filter_token {
	const char *text; /* NUL-terminated, backslash escapes removed */
	int word;         /* index of the argv word it came from */
	uint8_t kind;     /* enum filter_tok_kind */
};

struct filter_tokens {
	struct filter_token *tok;
	int len;
	char *buf; /* owns every token's text */
};

/*
 * Splits words into tokens like ss does: every word is split again on spaces
 * and tabs (so '( sport = :22 )' may be one argv word), a backslash escapes
 * the next byte, empty words vanish.  Returns 0, -EINVAL (too long: *ret_err
 * filled) or -ENOMEM.
 */
int filter_lex(int nwords, char *const words[], struct filter_tokens *ret,
	       struct filter_error *ret_err);

/*
 * Fills *ret_err for the token (NULL or "" at the end of the words) of argv
 * word `word` (-1 at the end), including the whole printable line, so the
 * message is complete where the error is found.  Returns -EINVAL.
 */
int filter_error_set(struct filter_error *ret_err, int word, const char *token, const char *msg);

/* Frees what filter_lex allocated; a zeroed struct is fine. */
void filter_tokens_free(struct filter_tokens *t);

enum filter_node_type {
	FN_AND,
	FN_OR,
	FN_NOT,
	FN_HOST,    /* src/dst address, port, or both; also sport/dport = and != */
	FN_PORT,    /* sport/dport ordering comparison */
	FN_DEV,     /* bound device index */
	FN_DEV_NAME, /* bound device name: its index in each row's own namespace */
	FN_FAMILY,  /* implicit: a FAMILY: prefix restricts the whole query, as in ss */
	FN_PID,     /* some owner has pid value */
	FN_COMM,    /* some owner's comm matches the glob at strings + value */
	FN_UID,     /* the socket's uid is value (cmp 1: is not) */
};

enum filter_side {
	FILTER_SIDE_SRC,
	FILTER_SIDE_DST,
};

enum filter_cmp {
	FILTER_CMP_GE,
	FILTER_CMP_LE,
	FILTER_CMP_GT,
	FILTER_CMP_LT,
};

#define FILTER_PORT_ANY (-1)

/* A parsed host condition: [FAMILY:]ADDR[/PLEN][:PORT] or a UNIX glob. */
struct filter_host {
	int64_t port;       /* FILTER_PORT_ANY, else 0..UINT32_MAX (UNIX: an inode) */
	uint32_t glob_off;  /* AF_UNIX: offset of the NUL-terminated glob in filter strings */
	uint8_t family;     /* AF_UNSPEC (any address), AF_INET, AF_INET6, AF_UNIX */
	uint8_t explicit_family; /* AF_UNSPEC, or the family the word or caller forced */
	uint8_t plen;       /* prefix length in bits; 0 = any address */
	uint8_t addr[16];   /* network order */
};

struct filter_node {
	uint8_t type;  /* enum filter_node_type */
	uint8_t side;  /* enum filter_side */
	uint8_t cmp;   /* FN_PORT: enum filter_cmp; FN_DEV(_NAME), FN_UID: 1 for != */
	uint8_t family; /* FN_FAMILY only */
	int32_t left;  /* child node indices (FN_AND, FN_OR; FN_NOT uses left) */
	int32_t right;
	uint32_t value; /* FN_PORT: the port; FN_DEV: ifindex; FN_PID: pid; FN_UID: uid;
			 * FN_COMM: offset of the glob in strings; FN_DEV_NAME: of the name */
	uint32_t ifindex; /* FN_DEV_NAME: the name's index in lsock's own namespace when
			   * parsed (0: none there), for a match with no namespace at hand */
	struct filter_host host;
};

struct filter {
	int root;
	int len;
	int cap;
	char *strings; /* UNIX and comm globs, NUL-terminated */
	size_t strings_len;
	size_t strings_cap;
	struct filter_node nodes[];
};

/*
 * Parses a host word for src/dst (is_port false) or a port word for
 * sport/dport (is_port true) into *ret.  family is the caller's preferred
 * family (AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX).  A UNIX glob is copied
 * into f's string arena.  Returns 0, -EINVAL with msg filled (msglen bytes),
 * or -ENOMEM.
 */
int filter_host_parse(struct filter *f, const char *word, bool is_port, int family,
		      struct filter_host *ret, char *msg, size_t msglen);

/* Copies the NUL-terminated s into f's string arena at *ret_off.  Returns 0
 * or -ENOMEM. */
int filter_string_store(struct filter *f, const char *s, uint32_t *ret_off);

/* Parses a port number (decimal, 0x hex or 0 octal, as ss's strtol base 0) or a
 * service name; returns 0 or -EINVAL. */
int filter_port_parse(const char *s, uint32_t *ret);

/* Whether host condition h matches the src (or dst) side of e. */
bool filter_host_match(const struct filter *f, const struct filter_host *h, enum filter_side side,
		       const struct sock_entry *e, const struct sock_table *t);

#endif
