/* SPDX-License-Identifier: MIT */
/* Headers, rows and small helpers shared by the /proc/net/{tcp,udp,raw}* parser tests.
 * Include <cmocka.h> before this header. */
#ifndef LSOCK_TEST_PROCNET_FIXTURE_H
#define LSOCK_TEST_PROCNET_FIXTURE_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lsock/procnet.h"

#define TCP_HDR                                                                              \
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  " \
	"timeout inode\n"
#define TCP6_HDR                                                                             \
	"  sl  local_address                         remote_address                        " \
	"st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
/* A real LISTEN row from proc_net_tcp.txt (inode 2085625, 127.0.0.1:8080). */
#define ROW_LISTEN                                                                           \
	"   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0  " \
	"      0 2085625 1 00000000b8d6c5ea 100 0 0 10 0\n"
#define ROW_TW                                                                               \
	"   5: 0100007F:9C42 0100007F:1F90 06 00000000:00000000 03:00001740 00000000     0  " \
	"      0 0 3 00000000e4a32de2\n"

/* Opens tests/fixtures/<name> for reading. */
static inline FILE *open_fixture(const char *name)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", LSOCK_FIXTURES, name);
	f = fopen(path, "re");
	assert_non_null(f);
	return f;
}

/* A read-only stream over the string s (without its NUL). */
static inline FILE *open_mem(const char *s)
{
	FILE *f = fmemopen((void *)s, strlen(s), "r");

	assert_non_null(f);
	return f;
}

/* The first entry with this inode, or NULL. */
static inline const struct sock_entry *find_inode(const struct sock_table *t, uint32_t inode)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->entries[i].inode == inode)
			return &t->entries[i];
	return NULL;
}

/* The first entry with this local port and state, or NULL. */
static inline const struct sock_entry *find_lport(const struct sock_table *t, uint16_t lport,
						  uint8_t state)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->entries[i].lport == lport && t->entries[i].state == state)
			return &t->entries[i];
	return NULL;
}

/* Compares the entry's address bytes with what inet_pton() makes. */
static inline void assert_addr(const uint8_t *got, int family, const char *text)
{
	uint8_t want[16] = { 0 };

	assert_int_equal(inet_pton(family, text, want), 1);
	assert_memory_equal(got, want, 16);
}

/* procnet_inet_parse_stats() over the string s; it must succeed. */
static inline void parse_str(const char *s, uint8_t family, enum sock_proto proto,
			     uint32_t mask, struct sock_table *t, struct procnet_stats *st)
{
	FILE *f = open_mem(s);

	assert_int_equal(procnet_inet_parse_stats(f, family, proto, mask, t, st), 0);
	fclose(f);
}

#endif
