// SPDX-License-Identifier: MIT
/*
 * Host and port words: [FAMILY:]ADDR[/PLEN][:PORT], [FAMILY:][:]PORT, UNIX globs.
 *
 * The accepted forms follow ss (misc/ss.c parse_hostcond), checked against
 * ss 6.1 on kernel 6.18:
 *   - `[v6]` or `[v6/plen]` in brackets; an unbracketed address is split at
 *     its last ':' (after the '/' if there is one), so `::/0` and `::1/128`
 *     work but `::1` does not; we say so instead of guessing.
 *   - `*` or an empty address means any address of any family; a `*` port
 *     means any port.  Unlike ss, an empty port after ':' (`sport = :`) is
 *     an error, see filter_port_after_colon().
 *   - IPv4 may be short: `127/8` is 127.0.0.0/8 and `127.1` is 127.1.0.0.
 *   - `inet:`, `inet6:` and `unix:` force a family; ss then restricts the
 *     whole query to that family (see FN_FAMILY in filter_parse.c).
 *   - no prefix length means the full length (`src 0.0.0.0` is an exact match).
 * Extensions: `[::1]/128` (ss rejects it), and a word starting with '/' or
 * '@' is a UNIX glob even without `unix:` (it cannot be an inet address).
 * Hostnames are not supported: they would make the filter depend on DNS.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter_internal.h"
#include "lsock/array.h"
#include "lsock/i18n.h"
#include "lsock/strparse.h"

#define HOST_WORD_MAX 256

static int filter_service_parse(const char *name, uint32_t *ret)
{
	static const char *const protos[] = { "tcp", "udp" };
	int found = -1;
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		struct servent se, *res = NULL;
		char buf[1024];

		if (getservbyname_r(name, protos[i], &se, buf, sizeof(buf), &res) || !res)
			continue;
		/* ss refuses a name that means different ports for TCP and UDP. */
		if (found >= 0 && found != ntohs((uint16_t)res->s_port))
			return -EINVAL;
		found = ntohs((uint16_t)res->s_port);
	}
	if (found < 0)
		return -EINVAL;
	*ret = (uint32_t)found;
	return 0;
}

int filter_port_parse(const char *s, uint32_t *ret)
{
	uint64_t v;
	int r;

	if (!*s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		/* Up to 32 bits: for UNIX sockets ss compares "ports" with inodes. */
		r = strparse_c_number(s, strlen(s), UINT32_MAX, &v);
		if (r)
			return -EINVAL;
		*ret = (uint32_t)v;
		return 0;
	}
	return filter_service_parse(s, ret);
}

/* IPv4 as iproute2 reads it: 1 to 4 dotted decimal bytes, missing ones are 0. */
static int filter_ipv4_parse(const char *s, uint8_t ret[4])
{
	uint8_t a[4] = { 0 };
	int i = 0;

	for (;;) {
		unsigned int v = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned int)(*s++ - '0');
			digits++;
		}
		if (!digits || v > 255 || i >= 4)
			return -EINVAL;
		a[i++] = (uint8_t)v;
		if (!*s)
			break;
		if (*s++ != '.')
			return -EINVAL;
	}
	memcpy(ret, a, 4);
	return 0;
}

/* ADDR[/PLEN] with the family forced to `family` unless AF_UNSPEC. */
static int filter_prefix_parse(char *s, int family, struct filter_host *h, char *msg, size_t msglen)
{
	char *slash = strchr(s, '/');
	unsigned int max;
	uint64_t plen;

	if (slash)
		*slash++ = '\0';
	if (!*s || strcmp(s, "*") == 0) {
		if (slash) {
			snprintf(msg, msglen, "%s", _("a prefix length needs an address"));
			return -EINVAL;
		}
		h->family = (uint8_t)family;
		h->plen = 0;
		return 0;
	}
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, h->addr) != 1) {
			snprintf(msg, msglen, "%s", _("not an IPv6 address"));
			return -EINVAL;
		}
		h->family = AF_INET6;
		max = 128;
	} else if (isdigit((unsigned char)s[0])) {
		if (filter_ipv4_parse(s, h->addr)) {
			snprintf(msg, msglen, "%s", _("not an IPv4 address"));
			return -EINVAL;
		}
		h->family = AF_INET;
		max = 32;
	} else {
		snprintf(msg, msglen, "%s", _("host names are not supported, use a numeric address"));
		return -EINVAL;
	}
	if (family != AF_UNSPEC && family != h->family) {
		snprintf(msg, msglen, _("an %s address is expected"), family == AF_INET ? "IPv4" : "IPv6");
		return -EINVAL;
	}
	h->plen = (uint8_t)max;
	if (slash) {
		/* Plain decimal: ss reads `08` as bad octal; we reject leading zeros. */
		if (strparse_dec(slash, strlen(slash), max, true, &plen)) {
			snprintf(msg, msglen, _("bad prefix length (0-%u)"), max);
			return -EINVAL;
		}
		h->plen = (uint8_t)plen;
	}
	return 0;
}

static int filter_port_part(const char *p, struct filter_host *h, char *msg, size_t msglen)
{
	uint32_t port;

	if (!*p || strcmp(p, "*") == 0) {
		h->port = FILTER_PORT_ANY;
		return 0;
	}
	if (filter_port_parse(p, &port)) {
		snprintf(msg, msglen, "%s", isdigit((unsigned char)*p) ? _("bad port number") :
			 _("unknown port or service name"));
		return -EINVAL;
	}
	h->port = port;
	return 0;
}

/*
 * A port that follows an explicit ':'.  ss reads an empty one (`sport = :`,
 * `src 10.0.0.1:`) as "any port" and so silently matches everything; a
 * script whose variable came out empty would then think the port is busy.
 * We call it what it is: a malformed filter (`:*` still means any port).
 */
static int filter_port_after_colon(const char *p, struct filter_host *h, char *msg, size_t msglen)
{
	if (!*p) {
		snprintf(msg, msglen, "%s", _("expected a port number after ':'"));
		return -EINVAL;
	}
	return filter_port_part(p, h, msg, msglen);
}

/* A port word: ":PORT" (an empty port is malformed), or "PORT" / "" as is. */
static int filter_port_word(const char *p, struct filter_host *h, char *msg, size_t msglen)
{
	if (*p == ':')
		return filter_port_after_colon(p + 1, h, msg, msglen);
	return filter_port_part(p, h, msg, msglen);
}

int filter_string_store(struct filter *f, const char *s, uint32_t *ret_off)
{
	size_t n = strlen(s) + 1;
	int r;

	r = array_grow((void **)&f->strings, &f->strings_cap, f->strings_len + n, 1, 128);
	if (r < 0)
		return r;
	memcpy(f->strings + f->strings_len, s, n);
	*ret_off = (uint32_t)f->strings_len;
	f->strings_len += n;
	return 0;
}

static int filter_glob_store(struct filter *f, const char *glob, struct filter_host *h)
{
	return filter_string_store(f, glob, &h->glob_off);
}

int filter_host_parse(struct filter *f, const char *word, bool is_port, int family,
		      struct filter_host *ret, char *msg, size_t msglen)
{
	struct filter_host h = { .port = FILTER_PORT_ANY };
	char buf[HOST_WORD_MAX];
	char *addr = buf, *port = NULL;
	size_t n = strlen(word);
	int r;

	if (n >= sizeof(buf)) {
		snprintf(msg, msglen, "%s", _("address too long"));
		return -EINVAL;
	}
	memcpy(buf, word, n + 1);

	if (strncmp(addr, "unix:", 5) == 0) {
		family = AF_UNIX;
		addr += 5;
		h.explicit_family = AF_UNIX;
	} else if (strncmp(addr, "inet:", 5) == 0) {
		family = AF_INET;
		addr += 5;
		h.explicit_family = AF_INET;
	} else if (strncmp(addr, "inet6:", 6) == 0) {
		family = AF_INET6;
		addr += 6;
		h.explicit_family = AF_INET6;
	} else if (strncmp(addr, "link:", 5) == 0 || strncmp(addr, "netlink:", 8) == 0 ||
		   strncmp(addr, "vsock:", 6) == 0) {
		snprintf(msg, msglen, "%s", _("only inet, inet6 and unix addresses are supported"));
		return -EINVAL;
	} else if (family != AF_UNSPEC) {
		/* ss: the preferred family (-4, -6, -x alone) applies as if written. */
		h.explicit_family = (uint8_t)family;
	}

	if (family == AF_UNIX || (family == AF_UNSPEC && !is_port && (addr[0] == '/' || addr[0] == '@'))) {
		if (is_port) {
			/* ss compares UNIX "ports" with inodes: keep the number. */
			r = filter_port_word(addr, &h, msg, msglen);
			if (r)
				return r;
			h.family = AF_UNSPEC;
			*ret = h;
			return 0;
		}
		h.family = AF_UNIX;
		r = filter_glob_store(f, addr, &h);
		if (r)
			return r;
		*ret = h;
		return 0;
	}

	if (is_port) {
		r = filter_port_word(addr, &h, msg, msglen);
		if (r)
			return r;
		h.family = (uint8_t)family;
		*ret = h;
		return 0;
	}

	if (addr[0] == '[') {
		addr++;
		port = strchr(addr, ']');
		if (!port) {
			snprintf(msg, msglen, "%s", _("missing ']'"));
			return -EINVAL;
		}
		*port++ = '\0';
		if (*port == '/') {
			/* Extension: `[::1]/128` means `[::1/128]`; shift "/PLEN" left over ']'. */
			char *colon = strchr(port, ':');

			if (colon)
				*colon = '\0';
			memmove(port - 1, port, strlen(port) + 1);
			port = (colon && colon[1]) ? colon + 1 : NULL;
		} else if (*port == ':') {
			port++;
		} else if (*port) {
			snprintf(msg, msglen, "%s", _("expected ':PORT' after ']'"));
			return -EINVAL;
		} else {
			port = NULL;
		}
	} else if (addr[0] == '*') {
		/* ss: `*`, `*:PORT`, even `*PORT`; the address is the wildcard. */
		r = filter_port_word(addr + 1, &h, msg, msglen);
		if (r)
			return r;
		h.family = (uint8_t)family;
		*ret = h;
		return 0;
	} else {
		char *slash = strchr(addr, '/');

		port = strrchr(slash ? slash : addr, ':');
		if (port)
			*port++ = '\0';
		if (!slash && strchr(addr, ':')) {
			snprintf(msg, msglen, "%s", _("put IPv6 addresses in brackets, e.g. [::1]:22"));
			return -EINVAL;
		}
	}
	if (port) {
		r = filter_port_after_colon(port, &h, msg, msglen);
		if (r)
			return r;
	}
	r = filter_prefix_parse(addr, family, &h, msg, msglen);
	if (r)
		return r;
	*ret = h;
	return 0;
}
