/* SPDX-License-Identifier: MIT */
/* A listing written batch by batch; see fmt_stream_begin() in lsock/fmt.h. */
#include <errno.h>
#include <string.h>

#include "fmt_text_internal.h"
#include "lsock/fmt.h"

/* The text sections in print order: (section, columns, title). */
struct section {
	int which; /* -1 every row (-o), 0 Internet, 1 UNIX */
	const struct column_list *cols;
	const char *title;
};

static size_t sections_of(const struct text_layout *l, struct section v[2])
{
	size_t n = 0;

	if (l->single_table) {
		v[n++] = (struct section){ -1, &l->inet_cols, NULL };
		return n;
	}
	if (l->inet_section)
		v[n++] = (struct section){ 0, &l->inet_cols, text_title(false, l->states) };
	if (l->unix_section)
		v[n++] = (struct section){ 1, &l->unix_cols, text_title(true, l->states) };
	return n;
}

void fmt_stream_begin(struct fmt_stream *s, struct outbuf *o, enum fmt_stream_kind kind,
		      const struct text_layout *l)
{
	struct section v[2];
	size_t i, n;

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->kind = kind;
	s->l = l;
	json_init(&s->w, o);
	if (kind == FMT_STREAM_JSON) {
		json_begin_object(&s->w);
		json_key(&s->w, "schema");
		json_u64(&s->w, LSOCK_JSON_SCHEMA);
		json_key(&s->w, "sockets");
		json_begin_array(&s->w);
		return;
	}
	if (kind != FMT_STREAM_TEXT)
		return;
	if (text_scratch_init(&s->scratch) < 0)
		outbuf_set_error(o, -ENOMEM);
	n = sections_of(l, v);
	for (i = 0; i < n; i++)
		text_widths_init(l, v[i].cols, s->widths[i]);
}

/* Opens section i of v (its header, at the widths so far) if it is not. */
static void open_section(struct fmt_stream *s, const struct section *v, size_t i)
{
	if (s->opened[i])
		return;
	text_header(s->o, s->l, v[i].cols, v[i].title, s->widths[i]);
	s->opened[i] = true;
}

static void text_batch(struct fmt_stream *s, const struct render_ctx *c)
{
	struct section v[2];
	size_t i, j, n = sections_of(s->l, v);

	/* The collectors list Internet sockets before UNIX ones, so a
	 * section's rows come after the previous section's. */
	for (i = 0; i < n; i++) {
		if (!text_widths_fit(s->l, c, v[i].cols, v[i].which, s->widths[i], &s->scratch, true))
			continue;
		for (j = 0; j <= i; j++)
			open_section(s, v, j);
		text_rows(s->o, s->l, c, v[i].cols, v[i].which, s->widths[i], &s->scratch);
	}
}

void fmt_stream_rows(struct fmt_stream *s, const struct render_ctx *c)
{
	size_t i;

	s->rows += c->table->len;
	switch (s->kind) {
	case FMT_STREAM_TEXT:
		text_batch(s, c);
		break;
	case FMT_STREAM_JSON:
		for (i = 0; i < c->table->len; i++)
			column_json_socket(c, &c->table->entries[i], &s->w);
		break;
	case FMT_STREAM_NDJSON:
		for (i = 0; i < c->table->len; i++) {
			json_reset(&s->w);
			column_json_socket(c, &c->table->entries[i], &s->w);
			outbuf_putc(s->o, '\n');
		}
		break;
	}
}

void fmt_stream_ahead(struct fmt_stream *s, const struct render_ctx *c)
{
	struct section v[2];
	size_t i, n;

	if (s->kind != FMT_STREAM_TEXT)
		return;
	n = sections_of(s->l, v);
	for (i = 0; i < n; i++)
		text_widths_fit(s->l, c, v[i].cols, v[i].which, s->widths[i], &s->scratch, false);
}

void fmt_stream_end(struct fmt_stream *s)
{
	struct section v[2];
	size_t i, n;

	if (s->kind == FMT_STREAM_JSON) {
		json_end_array(&s->w);
		json_end_object(&s->w);
		outbuf_putc(s->o, '\n');
	} else if (s->kind == FMT_STREAM_TEXT) {
		/* -H and nothing to show: nothing at all, as fmt_text(). */
		n = s->l->header || s->rows ? sections_of(s->l, v) : 0;
		for (i = 0; i < n; i++)
			open_section(s, v, i);
		if (text_scratch_error(&s->scratch) < 0)
			outbuf_set_error(s->o, -ENOMEM);
		text_scratch_free(&s->scratch);
	}
}
