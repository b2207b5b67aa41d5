/* SPDX-License-Identifier: MIT */
/*
 * Address formatting, done late: the model keeps bytes, these turn them into
 * text only when a formatter asks.
 */
#ifndef LSOCK_ADDR_H
#define LSOCK_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/sock_table.h"

/* Enough for "[" INET6_ADDRSTRLEN "]:" and a 32-byte service name. */
#define ADDR_ENDPOINT_MAX 96


/* True if addr is the wildcard (0.0.0.0 or ::) for family. */
bool addr_is_any(uint8_t family, const uint8_t *addr);

/*
 * Writes addr as inet_ntop does (v4-mapped stays "::ffff:1.2.3.4"), NUL-
 * terminated.  buf must hold INET6_ADDRSTRLEN bytes.  Returns the length.
 */
size_t addr_format(char *buf, uint8_t family, const uint8_t *addr);

/*
 * Writes the netstat-style endpoint of e (local or remote) into buf
 * (ADDR_ENDPOINT_MAX bytes), NUL-terminated, and returns its length:
 *   IPv4 "1.2.3.4:22", IPv6 "[::1]:22", port 0 as "*";
 *   a local :: wildcard that is known dual-stack (v6only off) as "*:22";
 *   a v6only (or unknown) one as "[::]:22".
 * service, if not NULL, replaces the port number.
 */
size_t addr_format_endpoint(char *buf, const struct sock_entry *e, bool local, const char *service);

/* The two halves of addr_format_endpoint(), for callers that put something
 * (the "%dev" scope) between them: the host part ("1.2.3.4", "[::1]", "*"),
 * and the port part ("22", "*", or service), each NUL-terminated. */
size_t addr_format_host(char *buf, const struct sock_entry *e, bool local);
size_t addr_format_port(char *buf, uint16_t port, const char *service);

#endif
