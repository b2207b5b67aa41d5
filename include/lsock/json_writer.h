/* SPDX-License-Identifier: MIT */
/*
 * A small streaming JSON writer over an outbuf: it tracks nesting and commas,
 * escapes strings through esc_json(), and prints numbers locale-free.
 * It never builds a document in memory.  Output is compact:
 * {"a":1,"b":[1,2]}.
 *
 * Misuse (a key outside an object, a value in an object without a key,
 * unbalanced or too deep nesting) is a programming error: it is recorded as
 * the outbuf's sticky error (-EINVAL, or -EOVERFLOW past JSON_MAX_DEPTH), so
 * output stops and the caller's one outbuf_error() check at the end sees it,
 * instead of silently emitting invalid JSON.
 */
#ifndef LSOCK_JSON_WRITER_H
#define LSOCK_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/outbuf.h"

#define JSON_MAX_DEPTH 16 /* open containers at most */

struct json_writer {
	struct outbuf *out;
	int depth;                              /* open containers; 0 = top level */
	bool need_comma[JSON_MAX_DEPTH + 1];    /* per level: a value was written */
	bool in_object[JSON_MAX_DEPTH + 1];     /* per level: object (else array) */
	bool after_key;                         /* json_key() awaits its value */
};

/* Starts a writer at the top level over @out (which it does not own). */
void json_init(struct json_writer *w, struct outbuf *out);

/* Containers.  Inside an object, call json_key() before each value. */
void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
/* Writes "key": (with a comma if needed).  key: trusted ASCII, escaped anyway. */
void json_key(struct json_writer *w, const char *key);

/* Values.  Strings go through esc_json(): any bytes, always valid UTF-8 out. */
void json_string(struct json_writer *w, const void *s, size_t len);
void json_cstring(struct json_writer *w, const char *s); /* NULL writes null */
/* s[0..len) as a string of lowercase hex digits (esc_hex), for *_hex fields. */
void json_hex(struct json_writer *w, const void *s, size_t len);
void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/*
 * Closes every open container (completing a dangling key with null), so an
 * interrupted dump (SIGINT, ENOMEM) still ends as a valid document.
 */
void json_end_all(struct json_writer *w);

/* Resets the writer to depth 0 (for NDJSON: one document per line).  Writes nothing. */
void json_reset(struct json_writer *w);

#endif
