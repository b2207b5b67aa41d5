/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: arbitrary bytes as one received datagram, walked by
 * nl_transport_parse() with a callback that runs both sock_diag parsers on
 * every data message and appends what they accept to a socket table.
 *
 * The input is copied into an exactly-sized heap buffer so ASan reports any
 * read past the datagram.  seq/portid are taken from the first header, so
 * both the "ours" and "foreign" paths are reachable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "lsock/sock_ext.h"

struct fuzz_ctx {
	struct sock_table t;
	const uint8_t *buf;
	size_t len;
};

static int fuzz_record(const struct nlmsghdr *nlh, void *data)
{
	struct fuzz_ctx *c = data;
	const uint8_t *msg = (const uint8_t *)nlh;
	const uint8_t *name;
	struct sock_entry e;
	size_t name_len;

	/* The transport promised a bounded message. */
	if (msg < c->buf || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    nlh->nlmsg_len > (size_t)(c->buf + c->len - msg))
		abort();

	/* The live dump's own callbacks (the message type check included);
	 * the low bits of the flags pick the inet protocol, as the request
	 * would have. */
	{
		struct diag_sink sink = { .t = &c->t, .base = c->t.len,
					  .proto = (enum sock_proto)(nlh->nlmsg_flags % (SOCK_PROTO_RAW + 1)) };
		size_t before = c->t.len;

		if (diag_inet_record(nlh, &sink) == 0 && c->t.len == before + 1) {
			const struct sock_entry *n = &c->t.entries[before];

			if (n->family != AF_INET && n->family != AF_INET6)
				abort();
			if (n->state >= _SOCK_STATE_MAX)
				abort();
		}
		sink.proto = SOCK_PROTO_UNIX;
		before = c->t.len;
		if (diag_unix_record(nlh, &sink) == 0 && c->t.len == before + 1) {
			const struct sock_entry *n = &c->t.entries[before];

			if (n->family != AF_UNIX || n->path_len > SOCK_UNIX_NAME_MAX)
				abort();
			if (!!(n->flags & SOCK_F_HAS_PATH) != !!n->path_len)
				abort();
		}
	}
	/* The extension parsers and records (-o -i -m -e), every part asked. */
	{
		struct diag_ext_sink xs = { .base = { .t = &c->t, .base = c->t.len,
						      .proto = SOCK_PROTO_TCP },
					    .parts = ~0u };
		const uint32_t *icons;
		struct sock_ext x;
		size_t n, before = c->t.len;

		if (diag_inet_parse_ext(nlh, ~0u, &x) == 0) {
			if (x.info_len > sizeof(x.info) || x.skmem_n > _SOCK_SKMEM_MAX)
				abort();
			if ((x.have & SOCK_EXT_HAVE_CONG) && !memchr(x.cong, '\0', sizeof(x.cong)))
				abort();
		}
		if (diag_unix_parse_ext(nlh, ~0u, &x, &icons, &n) == 0 && n &&
		    ((const uint8_t *)icons < msg ||
		     (const uint8_t *)(icons + n) > msg + nlh->nlmsg_len))
			abort();
		if (diag_inet_record_ext(nlh, &xs) == 0 && c->t.len == before + 1 &&
		    !sock_table_ext(&c->t, &c->t.entries[before]))
			abort();
		xs.base.proto = SOCK_PROTO_UNIX;
		before = c->t.len;
		if (diag_unix_record_ext(nlh, &xs) == 0 && c->t.len == before + 1) {
			const struct sock_ext *r = sock_table_ext(&c->t, &c->t.entries[before]);

			if (!r || (r->icons_n && !sock_table_ext_icons(&c->t, r)))
				abort();
		}
	}
	if (diag_unix_parse(nlh, &e, &name, &name_len) == 0) {
		if (name_len > SOCK_UNIX_NAME_MAX || (name_len && !name) || (!name_len && name))
			abort();
		if (name_len && (name < msg || name + name_len > msg + nlh->nlmsg_len))
			abort();
		if (!!(e.flags & SOCK_F_HAS_PATH) != !!name_len)
			abort();
		if (sock_table_add(&c->t, &e, name, name_len) < 0)
			abort(); /* only -ENOMEM or -E2BIG, and names are <= 108 */
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_ctx c;
	uint32_t seq = 0, portid = 0;
	uint8_t *buf;

	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	if (size >= NLMSG_HDRLEN) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;

		seq = h->nlmsg_seq;
		portid = h->nlmsg_pid;
	}
	memset(&c, 0, sizeof(c));
	c.buf = buf;
	c.len = size;
	(void)nl_transport_parse(buf, size, seq, portid, fuzz_record, &c);
	sock_table_free(&c.t);
	free(buf);
	return 0;
}
