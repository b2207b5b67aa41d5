/* SPDX-License-Identifier: MIT */
/* A tiny netlink message builder and fixture loader for the sock_diag parser tests. */
#ifndef LSOCK_TEST_NL_BUILDER_H
#define LSOCK_TEST_NL_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Reads a recorded dump from tests/fixtures into an 8-aligned buffer (free()
 * it).  Uses cmocka's asserts: include <cmocka.h> before this header. */
static inline uint8_t *load_fixture(const char *name, size_t *ret_len)
{
	char path[512];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", LSOCK_FIXTURES, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = aligned_alloc(8, ((size_t)n + 7) & ~(size_t)7);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

#endif
