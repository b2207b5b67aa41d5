/* SPDX-License-Identifier: MIT */
/*
 * The ss filter language, parsed into a small tree and evaluated in user
 * space on the normalized table, so it works the same for every source:
 *
 *   [ state STATE | exclude STATE ]... [ EXPRESSION ]
 *
 * STATE: established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait closed
 *        close-wait last-ack listening closing, and the groups all connected
 *        synchronized bucket big.
 * EXPRESSION: src|dst ADDR[/PLEN][:PORT]  (IPv6 in brackets; UNIX: a glob)
 *             sport|dport OP [:]PORT
 *             OP: = == eq != ne > gt < lt >= ge <= le
 *             and && or || not ! ( )   (parentheses are words of their own)
 */
#ifndef LSOCK_FILTER_H
#define LSOCK_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "lsock/sock_table.h"

struct filter;

struct filter_error {
	int word;            /* index into the words array of the offending word, or -1 at end */
	char message[128];   /* e.g. "expected a port after ':'" */
};

/*
 * Parses words[0..nwords).  On success *ret is the filter (NULL if there were
 * no words) and *ret_states the state mask the words select: if there is no
 * state/exclude word, *ret_states is default_states unchanged; `state X`
 * words start from an empty mask, `exclude X` from default_states (ss does
 * the same).
 * Returns 0, -EINVAL with *ret_err filled, or -ENOMEM.
 */
int filter_parse(int nwords, char *const words[], uint32_t default_states,
		 struct filter **ret, uint32_t *ret_states, struct filter_error *ret_err);

/* Whether entry e matches the expression part (states are matched by the caller). */
bool filter_match(const struct filter *f, const struct sock_entry *e, const struct sock_table *t);

/* NULL is a no-op. */
void filter_free(struct filter *f);

#endif
