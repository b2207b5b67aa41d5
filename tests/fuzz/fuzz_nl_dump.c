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

	if (diag_inet_parse(nlh, (enum sock_proto)(nlh->nlmsg_type % (SOCK_PROTO_RAW + 1)),
			    &e) == 0) {
		if (e.family != AF_INET && e.family != AF_INET6)
			abort();
		if (e.state >= _SOCK_STATE_MAX)
			abort();
		(void)sock_table_add(&c->t, &e, NULL, 0);
	}
	if (diag_unix_parse(nlh, &e, &name, &name_len) == 0) {
		if (name_len > 108 || (name_len && !name) || (!name_len && name))
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
