/* SPDX-License-Identifier: MIT */
/*
 * enum <-> string tables for the model.  Every lookup is bounds-checked and
 * answers "UNKNOWN" (or NULL where documented) for values out of range.
 */
#ifndef LSOCK_SOCK_NAMES_H
#define LSOCK_SOCK_NAMES_H

#include <stdint.h>

#include "lsock/sock_table.h"

/* JSON state names: ESTABLISHED ... NEW_SYN_RECV, and UNCONN for CLOSE. */
const char *sock_state_name(uint8_t state);

/* "tcp", "udp", "udplite", "raw", "unix". */
const char *sock_proto_name(uint8_t proto);

/* netstat's Proto column: tcp/tcp6, udp/udp6, udpl/udpl6, raw/raw6, unix. */
const char *sock_proto_label(uint8_t proto, uint8_t family);

/* "inet", "inet6", "unix", or "UNKNOWN". */
const char *sock_family_name(uint8_t family);

/* "stream", "dgram", "seqpacket", "raw", or "UNKNOWN". */
const char *sock_type_name(uint8_t type);

/* "netlink" or "proc". */
const char *sock_source_name(uint8_t source);

#endif
