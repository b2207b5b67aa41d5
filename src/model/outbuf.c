/* SPDX-License-Identifier: MIT */
/*
 * The output buffer.  With a real fd the buffer has a fixed size of one
 * chunk and is written out whenever it is full, so the
 * kernel sees few large writes even at 100k rows.  With fd = -1 it grows
 * without bound and is never written (unit tests read buf/len).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsock/outbuf.h"

/* Memory-mode start size; fd mode holds one chunk plus the NUL. */
#define OUTBUF_MEM_INITIAL 4096u

static const char spaces[64] = "                                                                ";

/* "00" "01" ... "99": two digits per division keeps outbuf_u64() cheap. */
static const char digit_pairs[200] = "00010203040506070809"
				     "10111213141516171819"
				     "20212223242526272829"
				     "30313233343536373839"
				     "40414243444546474849"
				     "50515253545556575859"
				     "60616263646566676869"
				     "70717273747576777879"
				     "80818283848586878889"
				     "90919293949596979899";

void outbuf_set_error(struct outbuf *o, int err)
{
	/* Accept a positive errno too: mixing up the sign must not clear or
	 * hide an error. */
	if (err > 0)
		err = -err;
	if (!o->error && err < 0)
		o->error = err;
}

/*
 * A pipe or terminal we inherited may be O_NONBLOCK (another process sharing
 * the open file description set it); wait for room instead of failing.
 */
static int outbuf_wait_writable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	for (;;) {
		int r = poll(&pfd, 1, -1);

		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* Writes all of p[0..len), retrying EINTR, EAGAIN and short writes. */
static int outbuf_write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			if (err == EAGAIN || err == EWOULDBLOCK) {
				err = -outbuf_wait_writable(fd);
				if (!err)
					continue;
			}
			return -err;
		}
		/* write(2) returning 0 for a non-zero count makes no progress:
		 * treat it as an I/O error rather than spinning. */
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes out the buffer; on error records it and drops what was buffered. */
static void outbuf_drain(struct outbuf *o)
{
	int r = outbuf_write_all(o->fd, o->buf, o->len);

	if (r < 0)
		outbuf_set_error(o, r);
	o->len = 0;
	o->buf[0] = '\0';
}

/* Memory mode: makes room for at least @need more bytes plus the NUL. */
static int outbuf_grow(struct outbuf *o, size_t need)
{
	size_t cap = o->cap ? o->cap : OUTBUF_MEM_INITIAL;
	char *p;

	if (need > SIZE_MAX - 1 - o->len)
		return -ENOMEM;
	while (cap < o->len + need + 1) {
		if (cap > SIZE_MAX / 2) {
			cap = o->len + need + 1;
			break;
		}
		cap *= 2;
	}
	p = realloc(o->buf, cap);
	if (!p)
		return -ENOMEM;
	o->buf = p;
	o->cap = cap;
	return 0;
}

int outbuf_init(struct outbuf *o, int fd)
{
	size_t cap = fd < 0 ? OUTBUF_MEM_INITIAL : OUTBUF_CHUNK + 1;

	*o = (struct outbuf){ .fd = fd < 0 ? -1 : fd };
	o->buf = malloc(cap);
	if (!o->buf) {
		o->error = -ENOMEM;
		return -ENOMEM;
	}
	o->cap = cap;
	o->buf[0] = '\0';
	return 0;
}

void outbuf_free(struct outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = 0;
	o->cap = 0;
}

void outbuf_put(struct outbuf *o, const void *s, size_t len)
{
	const char *p = s;

	if (o->error || len == 0)
		return;
	if (o->fd < 0) {
		if (len >= o->cap - o->len && outbuf_grow(o, len) < 0) {
			outbuf_set_error(o, -ENOMEM);
			return;
		}
	} else if (len >= OUTBUF_CHUNK - o->len) {
		/*
		 * Between calls len < OUTBUF_CHUNK.  Top the buffer up to exactly
		 * one chunk and write it; a remainder of a chunk or more goes to
		 * the fd directly, without copying.  So every write(2) but the
		 * final flush carries at least OUTBUF_CHUNK bytes.
		 */
		size_t k = OUTBUF_CHUNK - o->len;

		memcpy(o->buf + o->len, p, k);
		o->len = OUTBUF_CHUNK;
		p += k;
		len -= k;
		outbuf_drain(o);
		if (o->error)
			return;
		if (len >= OUTBUF_CHUNK) {
			int r = outbuf_write_all(o->fd, p, len);

			if (r < 0)
				outbuf_set_error(o, r);
			return;
		}
	}
	memcpy(o->buf + o->len, p, len);
	o->len += len;
	o->buf[o->len] = '\0';
}

void outbuf_puts(struct outbuf *o, const char *s)
{
	outbuf_put(o, s, strlen(s));
}

void outbuf_putc(struct outbuf *o, char c)
{
	/* The common case: room for the byte and the NUL, no memcpy call. */
	if (!o->error && o->cap - o->len > 1) {
		o->buf[o->len++] = c;
		o->buf[o->len] = '\0';
		if (o->fd >= 0 && o->len >= OUTBUF_CHUNK)
			outbuf_drain(o);
		return;
	}
	outbuf_put(o, &c, 1);
}

void outbuf_u64(struct outbuf *o, uint64_t v)
{
	char tmp[20]; /* UINT64_MAX has 20 digits */
	char *p = tmp + sizeof(tmp);

	while (v >= 100) {
		unsigned int i = (unsigned int)(v % 100) * 2;

		v /= 100;
		p -= 2;
		p[0] = digit_pairs[i];
		p[1] = digit_pairs[i + 1];
	}
	if (v >= 10) {
		unsigned int i = (unsigned int)v * 2;

		p -= 2;
		p[0] = digit_pairs[i];
		p[1] = digit_pairs[i + 1];
	} else {
		*--p = (char)('0' + v);
	}
	outbuf_put(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

void outbuf_i64(struct outbuf *o, int64_t v)
{
	if (v < 0) {
		outbuf_putc(o, '-');
		/* Negate in unsigned arithmetic: -INT64_MIN overflows int64_t. */
		outbuf_u64(o, (uint64_t)0 - (uint64_t)v);
		return;
	}
	outbuf_u64(o, (uint64_t)v);
}

void outbuf_pad(struct outbuf *o, size_t n)
{
	if (!o->error && n < o->cap - o->len) {
		memset(o->buf + o->len, ' ', n);
		o->len += n;
		o->buf[o->len] = '\0';
		if (o->fd >= 0 && o->len >= OUTBUF_CHUNK)
			outbuf_drain(o);
		return;
	}
	while (n > 0 && !o->error) {
		size_t k = n < sizeof(spaces) ? n : sizeof(spaces);

		outbuf_put(o, spaces, k);
		n -= k;
	}
}

int outbuf_flush(struct outbuf *o)
{
	if (o->error)
		return o->error;
	if (o->fd < 0 || o->len == 0)
		return 0;
	outbuf_drain(o);
	return o->error;
}
