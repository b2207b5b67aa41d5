/* SPDX-License-Identifier: MIT */
/*
 * A small streaming JSON writer over an outbuf: it tracks nesting and commas,
 * escapes strings through esc_json(), and prints numbers locale-free.
 * It never builds a document in memory.
 */
#ifndef LSOCK_JSON_WRITER_H
#define LSOCK_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/outbuf.h"

#define JSON_MAX_DEPTH 16

struct json_writer {
	struct outbuf *out;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

void json_init(struct json_writer *w, struct outbuf *out);

/* Containers.  Inside an object, call json_key() before each value. */
void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
void json_key(struct json_writer *w, const char *key); /* key: trusted ASCII */

/* Values. */
void json_string(struct json_writer *w, const void *s, size_t len);
void json_cstring(struct json_writer *w, const char *s);
void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* Resets the writer to depth 0 (for NDJSON: one document per line). */
void json_reset(struct json_writer *w);

#endif
