/* SPDX-License-Identifier: MIT */
/*
 * One output buffer, written to its fd in large chunks.  Write errors
 * (EPIPE with SIGPIPE ignored, ENOSPC on /dev/full, ...) are sticky: after the
 * first one, further output is dropped and outbuf_error() reports it, so the
 * caller checks once at the end instead of after every field.
 */
#ifndef LSOCK_OUTBUF_H
#define LSOCK_OUTBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define OUTBUF_CHUNK (64u * 1024u)

struct outbuf {
	char *buf;
	size_t len;
	size_t cap;
	int fd;    /* -1: memory only (tests); nothing is ever flushed */
	int error; /* first write error, as a positive errno; 0 if none */
};

/* fd = -1 keeps everything in memory (tests read buf/len). Returns 0 or -ENOMEM. */
int outbuf_init(struct outbuf *o, int fd);
void outbuf_free(struct outbuf *o);

/* Appenders.  They never fail visibly: an allocation failure or a write
 * error is recorded in o->error (ENOMEM, EPIPE, ...). */
void outbuf_put(struct outbuf *o, const void *s, size_t len);
void outbuf_puts(struct outbuf *o, const char *s);
void outbuf_putc(struct outbuf *o, char c);
void outbuf_u64(struct outbuf *o, uint64_t v);      /* decimal, locale-free */
void outbuf_i64(struct outbuf *o, int64_t v);
void outbuf_pad(struct outbuf *o, size_t n);        /* n spaces */

/* Writes what is buffered (retrying EINTR and short writes). Returns 0 or -errno. */
int outbuf_flush(struct outbuf *o);

/* The first error recorded (positive errno), 0 if none. */
static inline int outbuf_error(const struct outbuf *o)
{
	return o->error;
}

#endif
