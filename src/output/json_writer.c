/* SPDX-License-Identifier: MIT */
/* Streaming JSON writer: nesting, commas and keys over an outbuf. */
#include <errno.h>
#include <string.h>

#include "lsock/escape.h"
#include "lsock/json_writer.h"

void json_init(struct json_writer *w, struct outbuf *out)
{
	*w = (struct json_writer){ .out = out };
}

void json_reset(struct json_writer *w)
{
	json_init(w, w->out);
}

/*
 * Called before every value and container.  Writes the separating comma and
 * returns false (recording EINVAL) if a value is not allowed here.  Values at
 * the top level are not separated: NDJSON callers write the newline.
 */
static bool json_before_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return true;
	}
	if (w->depth > 0) {
		if (w->in_object[w->depth]) {
			outbuf_set_error(w->out, -EINVAL);
			return false;
		}
		if (w->need_comma[w->depth])
			outbuf_putc(w->out, ',');
		w->need_comma[w->depth] = true;
	}
	return true;
}

static void json_begin(struct json_writer *w, bool object)
{
	if (w->depth >= JSON_MAX_DEPTH) {
		outbuf_set_error(w->out, -EOVERFLOW);
		return;
	}
	if (!json_before_value(w))
		return;
	outbuf_putc(w->out, object ? '{' : '[');
	w->depth++;
	w->in_object[w->depth] = object;
	w->need_comma[w->depth] = false;
}

static void json_end(struct json_writer *w, bool object)
{
	if (w->depth == 0 || w->in_object[w->depth] != object || w->after_key) {
		outbuf_set_error(w->out, -EINVAL);
		return;
	}
	outbuf_putc(w->out, object ? '}' : ']');
	w->depth--;
}

void json_begin_object(struct json_writer *w)
{
	json_begin(w, true);
}

void json_end_object(struct json_writer *w)
{
	json_end(w, true);
}

void json_begin_array(struct json_writer *w)
{
	json_begin(w, false);
}

void json_end_array(struct json_writer *w)
{
	json_end(w, false);
}

void json_key(struct json_writer *w, const char *key)
{
	if (w->depth == 0 || !w->in_object[w->depth] || w->after_key) {
		outbuf_set_error(w->out, -EINVAL);
		return;
	}
	if (w->need_comma[w->depth])
		outbuf_putc(w->out, ',');
	w->need_comma[w->depth] = true;
	esc_json(w->out, key, strlen(key));
	outbuf_putc(w->out, ':');
	w->after_key = true;
}

void json_string(struct json_writer *w, const void *s, size_t len)
{
	if (json_before_value(w))
		esc_json(w->out, s, len);
}

void json_cstring(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_string(w, s, strlen(s));
}

void json_hex(struct json_writer *w, const void *s, size_t len)
{
	if (json_before_value(w))
		esc_hex(w->out, s, len);
}

void json_u64(struct json_writer *w, uint64_t v)
{
	if (json_before_value(w))
		outbuf_u64(w->out, v);
}

void json_i64(struct json_writer *w, int64_t v)
{
	if (json_before_value(w))
		outbuf_i64(w->out, v);
}

void json_bool(struct json_writer *w, bool v)
{
	if (!json_before_value(w))
		return;
	if (v)
		outbuf_put(w->out, "true", 4);
	else
		outbuf_put(w->out, "false", 5);
}

void json_null(struct json_writer *w)
{
	if (json_before_value(w))
		outbuf_put(w->out, "null", 4);
}

void json_end_all(struct json_writer *w)
{
	if (w->after_key)
		json_null(w);
	/* Close directly, not through json_end(): this must terminate even
	 * if the writer's state was already inconsistent. */
	while (w->depth > 0) {
		outbuf_putc(w->out, w->in_object[w->depth] ? '}' : ']');
		w->depth--;
	}
}
