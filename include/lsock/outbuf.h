/* SPDX-License-Identifier: MIT */
/*
 * One output buffer, written to its fd in large chunks.  Write errors
 * (EPIPE with SIGPIPE ignored, ENOSPC on /dev/full, ...) are sticky: after the
 * first one, further output is dropped and outbuf_error() reports it, so the
 * caller checks once at the end instead of after every field.
 *
 * With a real fd, the buffer is written as soon as OUTBUF_CHUNK bytes have
 * accumulated (write(2) loop: EINTR and short writes are retried, an
 * O_NONBLOCK fd is waited on with poll), so memory stays at one chunk however
 * much is printed and every write but the last carries at least one chunk.
 * Nothing is written before that or before outbuf_flush(); outbuf_free()
 * does not flush.
 */
#ifndef LSOCK_OUTBUF_H
#define LSOCK_OUTBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define OUTBUF_CHUNK (64u * 1024u)

struct outbuf {
	char *buf; /* buf[len] is always '\0' (when buf is not NULL) */
	size_t len;
	size_t cap;
	int fd;    /* -1: memory only (tests); nothing is ever flushed */
	int error; /* first write error, as -errno; 0 if none */
};

/*
 * fd = -1 keeps everything in memory (tests read buf/len). Returns 0 or
 * -ENOMEM; on -ENOMEM the outbuf is still usable (everything is dropped and
 * outbuf_error() is -ENOMEM) and outbuf_free() is still right.
 */
int outbuf_init(struct outbuf *o, int fd);
/* Frees the buffer without writing it; the fd is not closed. */
void outbuf_free(struct outbuf *o);

/* Appenders.  They never fail visibly: an allocation failure or a write
 * error is recorded in o->error (-ENOMEM, -EPIPE, ...). */
void outbuf_put(struct outbuf *o, const void *s, size_t len);
void outbuf_puts(struct outbuf *o, const char *s);
void outbuf_putc(struct outbuf *o, char c);
void outbuf_u64(struct outbuf *o, uint64_t v);      /* decimal, locale-free */
void outbuf_i64(struct outbuf *o, int64_t v);       /* decimal, '-' if negative */
void outbuf_pad(struct outbuf *o, size_t n);        /* n spaces */

/* Writes what is buffered (retrying EINTR and short writes). Returns 0 or -errno
 * (the sticky error if one was recorded before).  A no-op for fd = -1. */
int outbuf_flush(struct outbuf *o);

/* Records err (-errno; a positive errno is taken as its negative) unless an
 * error is already recorded; later output is dropped.  For layers above (the
 * JSON writer records misuse). */
void outbuf_set_error(struct outbuf *o, int err);

/* The first error recorded (-errno), 0 if none. */
static inline int outbuf_error(const struct outbuf *o)
{
	return o->error;
}

#endif
