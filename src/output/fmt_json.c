/* SPDX-License-Identifier: MIT */
/* JSON and NDJSON: the document around the column table's socket objects. */
#include "lsock/fmt.h"
#include "lsock/json_writer.h"

void fmt_json(struct outbuf *o, const struct render_ctx *c, bool owners_complete)
{
	struct json_writer w;
	size_t i;

	json_init(&w, o);
	json_begin_object(&w);
	json_key(&w, "schema");
	json_u64(&w, LSOCK_JSON_SCHEMA);
	if (c->owners) {
		json_key(&w, "owners_complete");
		json_bool(&w, owners_complete);
	}
	json_key(&w, "sockets");
	json_begin_array(&w);
	for (i = 0; i < c->table->len; i++)
		column_json_socket(c, &c->table->entries[i], &w);
	json_end_array(&w);
	json_end_object(&w);
	outbuf_putc(o, '\n');
}

void fmt_ndjson(struct outbuf *o, const struct render_ctx *c)
{
	struct json_writer w;
	size_t i;

	json_init(&w, o);
	for (i = 0; i < c->table->len; i++) {
		json_reset(&w);
		column_json_socket(c, &c->table->entries[i], &w);
		outbuf_putc(o, '\n');
	}
}
