/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/addr.h"

bool addr_is_any(uint8_t family, const uint8_t *addr)
{
	static const uint8_t zero[16];

	return memcmp(addr, zero, family == AF_INET ? 4 : 16) == 0;
}

/* Decimal digits of v, most significant first, with no NUL: the length
 * first, then two digits a step from the end (ports and octets have at
 * most five and three; this runs four times per address, twice a row). */
static size_t put_u32(char *p, uint32_t v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	size_t n = 1, k;
	uint32_t t;

	for (t = v; t >= 10; t /= 10)
		n++;
	for (k = n; v >= 100; v /= 100) {
		k -= 2;
		p[k] = pairs[2 * (v % 100)];
		p[k + 1] = pairs[2 * (v % 100) + 1];
	}
	if (v >= 10) {
		p[0] = pairs[2 * v];
		p[1] = pairs[2 * v + 1];
	} else {
		p[0] = (char)('0' + v);
	}
	return n;
}

size_t addr_format(char *buf, uint8_t family, const uint8_t *addr)
{
	size_t n = 0;
	int i;

	if (family == AF_INET) {
		/* Hand-rolled: this runs twice per row at 100k rows. */
		for (i = 0; i < 4; i++) {
			if (i)
				buf[n++] = '.';
			n += put_u32(buf + n, addr[i]);
		}
		buf[n] = '\0';
		return n;
	}
	if (!inet_ntop(AF_INET6, addr, buf, INET6_ADDRSTRLEN)) {
		strcpy(buf, "?");
		return 1;
	}
	return strlen(buf);
}

size_t addr_format_host(char *buf, const struct sock_entry *e, bool local)
{
	const uint8_t *addr = local ? e->laddr : e->raddr;
	size_t n = 0;

	if (e->family == AF_INET6) {
		bool dual = local && addr_is_any(AF_INET6, addr) &&
			    (e->flags & SOCK_F_V6ONLY_KNOWN) && !(e->flags & SOCK_F_V6ONLY);
		if (dual) {
			buf[n++] = '*';
		} else {
			buf[n++] = '[';
			n += addr_format(buf + n, AF_INET6, addr);
			buf[n++] = ']';
		}
	} else {
		n += addr_format(buf + n, AF_INET, addr);
	}
	buf[n] = '\0';
	return n;
}

size_t addr_format_port(char *buf, uint16_t port, const char *service)
{
	size_t n = 0;

	if (service) {
		size_t sl = strnlen(service, 32);

		memcpy(buf + n, service, sl);
		n += sl;
	} else if (port == 0) {
		buf[n++] = '*';
	} else {
		n += put_u32(buf + n, port);
	}
	buf[n] = '\0';
	return n;
}

size_t addr_format_endpoint(char *buf, const struct sock_entry *e, bool local, const char *service)
{
	size_t n = addr_format_host(buf, e, local);

	buf[n++] = ':';
	return n + addr_format_port(buf + n, local ? e->lport : e->rport, service);
}
