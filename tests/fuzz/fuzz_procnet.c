/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the /proc/net parsers: arbitrary bytes go through
 * fmemopen() to the inet parser (both families) and the unix parser, once
 * as they are and once behind a valid header so the fuzzer reaches the
 * data-line code without having to discover the header first; and, as a
 * C string, to each line parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/procnet.h"

static const char tcp_hdr[] = "  sl  local_address rem_address   st tx_queue rx_queue tr "
			      "tm->when retrnsmt   uid  timeout inode\n";
static const char unix_hdr[] = "Num       RefCount Protocol Flags    Type St Inode Path\n";

/* Checks invariants the consumers rely on. */
static void check_table(const struct sock_table *t, uint8_t family)
{
	size_t i;

	for (i = 0; i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];

		if (e->family != family || e->state == 0 || e->state >= _SOCK_STATE_MAX ||
		    e->source != SOCK_SOURCE_PROC || e->path_len > 108 ||
		    (e->path_len && (size_t)e->path_off + e->path_len > t->strings_len))
			abort();
	}
}

static void run_file(const uint8_t *data, size_t size, const char *hdr)
{
	static const struct {
		uint8_t family;
		enum sock_proto proto;
	} runs[] = {
		{ AF_INET, SOCK_PROTO_TCP },
		{ AF_INET6, SOCK_PROTO_UDP },
		{ AF_UNIX, SOCK_PROTO_UNIX },
	};
	size_t hlen = hdr ? strlen(hdr) : 0, i;
	struct procnet_stats st;
	char *buf;

	buf = malloc(hlen + size + 1);
	if (!buf)
		return;
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct sock_table t = { 0 };
		size_t n = 0;
		FILE *f;

		if (hdr) {
			const char *h = runs[i].family == AF_UNIX ? unix_hdr : tcp_hdr;

			n = strlen(h);
			memcpy(buf, h, n);
		}
		memcpy(buf + n, data, size);
		n += size;
		if (n == 0)
			continue;
		f = fmemopen(buf, n, "r");
		if (!f)
			continue;
		if (runs[i].family == AF_UNIX)
			procnet_unix_parse_stats(f, SOCK_STATES_ALL, &t, &st);
		else
			procnet_inet_parse_stats(f, runs[i].family, runs[i].proto,
						 SOCK_STATES_ALL, &t, &st);
		fclose(f);
		check_table(&t, runs[i].family);
		sock_table_free(&t);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_entry e;
	uint8_t name[108];
	size_t name_len;
	char *line;

	run_file(data, size, NULL);
	run_file(data, size, tcp_hdr);

	line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	procnet_inet_parse_line(line, AF_INET, SOCK_PROTO_TCP, &e);
	procnet_inet_parse_line(line, AF_INET6, SOCK_PROTO_RAW, &e);
	if (procnet_unix_parse_line(line, &e, name, &name_len) == 0 && name_len > sizeof(name))
		abort();
	free(line);
	return 0;
}
