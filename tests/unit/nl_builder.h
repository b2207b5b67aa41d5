/* SPDX-License-Identifier: MIT */
/* A tiny netlink message builder for the sock_diag parser tests. */
#ifndef LSOCK_TEST_NL_BUILDER_H
#define LSOCK_TEST_NL_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/netlink.h>

struct mb {
	uint8_t buf[4096] __attribute__((aligned(8)));
	size_t len;
	size_t start;
};

static inline void mb_begin(struct mb *b, uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq,
			      .nlmsg_pid = pid };

	b->start = b->len;
	memcpy(b->buf + b->len, &h, sizeof(h));
	b->len += sizeof(h);
}

static inline void mb_put(struct mb *b, const void *p, size_t n)
{
	if (n) /* memcpy(dst, NULL, 0) is undefined behaviour */
		memcpy(b->buf + b->len, p, n);
	b->len += n;
	while (b->len % 4)
		b->buf[b->len++] = 0;
}

static inline void mb_attr(struct mb *b, uint16_t type, const void *p, size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n), .nla_type = type };

	memcpy(b->buf + b->len, &a, sizeof(a));
	b->len += sizeof(a);
	mb_put(b, p, n);
}

static inline struct nlmsghdr *mb_end(struct mb *b)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(b->buf + b->start);

	h->nlmsg_len = (uint32_t)(b->len - b->start);
	return h;
}

#endif
