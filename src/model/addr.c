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

static size_t put_u32(char *p, uint32_t v)
{
	char tmp[10];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
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
