// SPDX-License-Identifier: MIT
/*
 * Fuzz the filter: the input is split into words on NUL and space, parsed,
 * and evaluated against a few fixed entries (v4, v4-mapped v6, UNIX named,
 * abstract and unnamed).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/filter.h"

#define MAX_INPUT 4096
#define MAX_WORDS 512

static void fuzz_entries(struct sock_table *t)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1 };
	struct sock_entry e = { 0 };

	e.family = AF_INET;
	e.proto = SOCK_PROTO_TCP;
	e.state = SOCK_STATE_ESTABLISHED;
	e.lport = 22;
	e.rport = 40000;
	memcpy(e.laddr, lo4, 4);
	memcpy(e.raddr, lo4, 4);
	sock_table_add(t, &e, NULL, 0);

	e.family = AF_INET6;
	memcpy(e.laddr, mapped, 16);
	e.laddr[15] = 2;
	memcpy(e.raddr, mapped, 16);
	e.ifindex = 1;
	sock_table_add(t, &e, NULL, 0);

	memset(&e, 0, sizeof(e));
	e.family = AF_UNIX;
	e.proto = SOCK_PROTO_UNIX;
	e.state = SOCK_STATE_LISTEN;
	e.inode = 1234;
	e.flags = SOCK_F_HAS_PATH;
	sock_table_add(t, &e, "/run/x.sock", 11);
	e.flags = SOCK_F_HAS_PATH | SOCK_F_ABSTRACT | SOCK_F_PEER_KNOWN;
	e.peer_inode = 99;
	sock_table_add(t, &e, "\0ab\0c*[", 7);
	e.flags = 0;
	sock_table_add(t, &e, NULL, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[MAX_INPUT + 1], *words[MAX_WORDS];
	struct sock_table t = { 0 };
	struct filter_error err;
	struct filter *f = NULL;
	uint32_t states;
	int nwords = 0, family, r;
	size_t i, start = 0;

	if (size < 1 || size > MAX_INPUT)
		return 0;
	/* The first byte picks the preferred family. */
	family = (const int[]){ AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX }[data[0] & 3];
	data++;
	size--;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; i <= size && nwords < MAX_WORDS; i++) {
		if (i == size || buf[i] == '\0' || buf[i] == ' ') {
			buf[i] = '\0';
			words[nwords++] = buf + start;
			start = i + 1;
		}
	}

	r = filter_parse_family(nwords, words, family, SOCK_STATES_ALL, &f, &states, &err);
	if (r == 0) {
		fuzz_entries(&t);
		for (i = 0; i < t.len; i++)
			(void)filter_match(f, &t.entries[i], &t);
		sock_table_free(&t);
		filter_free(f);
	} else if (r == -EINVAL) {
		/* The error must point at a real word and be NUL-terminated. */
		if (err.word < -1 || err.word >= nwords ||
		    !memchr(err.message, '\0', sizeof(err.message)) ||
		    !memchr(err.token, '\0', sizeof(err.token)) || !err.message[0])
			abort();
	} else if (r != -ENOMEM) {
		abort();
	}
	return 0;
}
