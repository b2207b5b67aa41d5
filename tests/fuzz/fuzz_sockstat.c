/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the sockstat/snmp/netstat parsers.  The first byte
 * picks the parser (sockstat, sockstat6, counters); the rest is the text.
 * It checks that the parsers stay inside their input (ASan), never mark a
 * bit beyond their tables, agree with themselves when run twice, and that
 * the closed figure is never above alloc.  Any failure aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/sockstat.h"

#define CHECK(x)                     \
	do {                         \
		if (!(x))            \
			abort();     \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockstat a = { 0 }, b = { 0 };
	const char *text = (const char *)data + 1;
	unsigned which;
	uint64_t closed;
	int ra, rb;

	if (size < 1)
		return 0;
	which = data[0] % 3;
	size--;
	if (which == 2) {
		ra = sockstat_parse_counters(text, size, &a);
		rb = sockstat_parse_counters(text, size, &b);
	} else {
		ra = sockstat_parse_sockstat(text, size, which == 1, &a);
		rb = sockstat_parse_sockstat(text, size, which == 1, &b);
	}
	CHECK(ra == 0 || ra == -22);
	CHECK(ra == rb && memcmp(&a, &b, sizeof(a)) == 0);
	CHECK((a.figures_known >> _SOCKSTAT_FIGURE_MAX) == 0);
	CHECK((a.counters_known >> _SOCKSTAT_COUNTER_MAX) == 0);
	CHECK(which == 2 ? a.figures_known == 0 : a.counters_known == 0);
	if (sockstat_tcp_closed(&a, &closed))
		CHECK(closed <= a.figures[SOCKSTAT_TCP_ALLOC]);
	return 0;
}
