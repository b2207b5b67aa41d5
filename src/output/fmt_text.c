/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/array.h"
#include "lsock/color.h"
#include "lsock/escape.h"
#include "lsock/fmt.h"
#include "lsock/i18n.h"
#include "fmt_text_internal.h"

/* Columns are separated by two spaces; widths fit the content (nothing is
 * ever truncated, which is what netstat's -W asks for). */
#define COL_SEP 2

/* Display width of escaped output: escaping leaves only visible text, so
 * this is the sum of its code points' terminal widths (0, 1 or 2). */
static size_t display_width(const char *s, size_t len)
{
	return utf8_display_width(s, len);
}

static bool row_in_section(const struct sock_entry *e, int section)
{
	/* section: -1 all, 0 Internet, 1 UNIX */
	if (section < 0)
		return true;
	return (e->family == AF_UNIX) == (section == 1);
}

/* Whether the table has --explain's Notes column. */
static bool has_notes(const struct text_layout *l)
{
	return l->notes && l->notes->row;
}

/* Cell k of e; k == cols->len is the Notes column of --explain.  The
 * state's gloss follows its token, which stays first and untranslated. */
static void render(const struct text_layout *l, const struct render_ctx *c,
		   const struct column_list *cols, size_t k, const struct sock_entry *e,
		   struct outbuf *scratch)
{
	const char *gloss;

	scratch->len = 0;
	if (k == cols->len) {
		l->notes->row(e, scratch, l->notes->data);
		return;
	}
	column_get(cols->ids[k])->text(c, e, k + 1 == cols->len && !has_notes(l), scratch);
	if (l->notes && l->notes->state_gloss && cols->ids[k] == COL_STATE) {
		gloss = l->notes->state_gloss(e->state);
		if (gloss) {
			outbuf_puts(scratch, " (");
			outbuf_puts(scratch, gloss);
			outbuf_putc(scratch, ')');
		}
	}
}

/* The colour of cell k of e, or NULL. */
static const char *cell_color(const struct text_layout *l, const struct column_list *cols, size_t k,
			      const struct sock_entry *e)
{
	if (!l->color)
		return NULL;
	if (k == cols->len)
		return COLOR_MARK;
	return cols->ids[k] == COL_STATE ? color_state(e->state) : NULL;
}

/*
 * Writes one cell.  Padding is owed, not written, until more text follows
 * on the row, so a row never ends in blanks (they pollute grep and diff),
 * even when its last cells are empty.
 */
static void put_cell(struct outbuf *o, enum column_align align, const char *s, size_t len,
		     size_t w, size_t width, const char *sgr, size_t *pending)
{
	size_t pad = width > w ? width - w : 0;

	if (align == ALIGN_RIGHT)
		*pending += pad;
	if (len) {
		outbuf_pad(o, *pending);
		*pending = 0;
		/* Colour wraps the text only: widths never count it. */
		if (sgr)
			outbuf_puts(o, sgr);
		outbuf_put(o, s, len);
		if (sgr)
			outbuf_puts(o, COLOR_RESET);
	}
	if (align == ALIGN_LEFT)
		*pending += pad;
	*pending += COL_SEP;
}

/* The header of cell k (translated; the Notes column's past the last). */
static const char *header_of(const struct column_list *cols, size_t k)
{
	return k == cols->len ? _("Notes") : _(column_get(cols->ids[k])->header);
}

static enum column_align align_of(const struct column_list *cols, size_t k)
{
	return k == cols->len ? ALIGN_LEFT : column_get(cols->ids[k])->align;
}

void text_widths_init(const struct text_layout *l, const struct column_list *cols, size_t *widths)
{
	size_t k, ncells = cols->len + has_notes(l);

	for (k = 0; k < ncells; k++) {
		const char *h = header_of(cols, k);

		widths[k] = l->header ? display_width(h, strlen(h)) : 0;
	}
}

int text_scratch_init(struct text_scratch *s)
{
	memset(s, 0, sizeof(*s));
	s->budget = TEXT_CACHE_BYTES;
	if (outbuf_init(&s->cell, -1) < 0 || outbuf_init(&s->text, -1) < 0)
		return -ENOMEM;
	return 0;
}

void text_scratch_free(struct text_scratch *s)
{
	outbuf_free(&s->cell);
	outbuf_free(&s->text);
	free(s->cells);
	memset(s, 0, sizeof(*s));
}

int text_scratch_error(const struct text_scratch *s)
{
	return outbuf_error(&s->cell) == -ENOMEM ? -ENOMEM : 0;
}

/* Starts keeping the cells of a width pass over (c->table, cols, section). */
static void keep_begin(struct text_scratch *s, const struct sock_table *t,
		       const struct column_list *cols, int section, size_t per_row)
{
	s->text.len = 0;
	s->ncells = 0;
	s->nrows = 0;
	s->per_row = per_row;
	s->table = t;
	s->table_len = t->len;
	s->cols = cols;
	s->section = section;
	/* A memory outbuf that failed once ignores what follows: nothing kept. */
	s->full = outbuf_error(&s->text) < 0;
}

/* Whether the next row's cells may be kept: room for them, within budget. */
static bool keep_room(struct text_scratch *s)
{
	if (s->full || s->text.len >= s->budget ||
	    array_grow((void **)&s->cells, &s->cells_cap, 2 * (s->ncells + s->per_row),
		       sizeof(*s->cells), 1024) < 0)
		s->full = true;
	return !s->full;
}

static void keep_cell(struct text_scratch *s, size_t width)
{
	outbuf_put(&s->text, s->cell.buf, s->cell.len);
	s->cells[2 * s->ncells] = (uint32_t)s->text.len;
	s->cells[2 * s->ncells + 1] = (uint32_t)width;
	s->ncells++;
}

/* The row's cells are kept, unless the text ran out of memory on the way. */
static void keep_row_end(struct text_scratch *s)
{
	if (outbuf_error(&s->text) < 0) {
		s->ncells -= s->per_row;
		s->full = true;
		return;
	}
	s->nrows++;
}

size_t text_widths_fit(const struct text_layout *l, const struct render_ctx *c,
		       const struct column_list *cols, int section, size_t *widths,
		       struct text_scratch *scratch, bool keep)
{
	const struct sock_table *t = c->table;
	size_t i, k, rows = 0, ncells = cols->len + has_notes(l);
	/* A left-aligned last cell is never padded: its width is not needed,
	 * and rendering it twice doubled the cost of long cells such as
	 * tcp_info (-i).  The others are kept for text_rows(). */
	size_t nfit = ncells && align_of(cols, ncells - 1) == ALIGN_LEFT ? ncells - 1 : ncells;

	scratch->table = NULL;
	if (keep)
		keep_begin(scratch, t, cols, section, nfit);
	for (i = 0; i < t->len; i++) {
		bool kept;

		if (!row_in_section(&t->entries[i], section))
			continue;
		rows++;
		/* Fitted already, when it was held back (fmt_stream_ahead()). */
		if (t->entries[i].flags & SOCK_F_FITTED)
			continue;
		kept = keep && keep_room(scratch);
		for (k = 0; k < nfit; k++) {
			size_t w;

			render(l, c, cols, k, &t->entries[i], &scratch->cell);
			w = display_width(scratch->cell.buf, scratch->cell.len);
			if (w > widths[k])
				widths[k] = w;
			if (kept)
				keep_cell(scratch, w);
		}
		if (kept)
			keep_row_end(scratch);
	}
	return rows;
}

void text_header(struct outbuf *o, const struct text_layout *l, const struct column_list *cols,
		 const char *title, const size_t *widths)
{
	size_t k, pending = 0, ncells = cols->len + has_notes(l);

	if (!l->header)
		return;
	if (title) {
		outbuf_puts(o, title);
		outbuf_putc(o, '\n');
	}
	for (k = 0; k < ncells; k++) {
		const char *h = header_of(cols, k);

		put_cell(o, align_of(cols, k), h, strlen(h), display_width(h, strlen(h)), widths[k],
			 NULL, &pending);
	}
	outbuf_putc(o, '\n');
}

void text_rows(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c,
	       const struct column_list *cols, int section, const size_t *widths,
	       struct text_scratch *scratch)
{
	const struct sock_table *t = c->table;
	size_t i, k, ncells = cols->len + has_notes(l), r = 0, cell = 0;
	/* The cells the width pass kept are of this very pass's rows. */
	bool cache = scratch->table == t && scratch->table_len == t->len &&
		     scratch->cols == cols && scratch->section == section;

	for (i = 0; i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];
		size_t pending = 0;
		bool kept = false;

		if (!row_in_section(e, section))
			continue;
		/* The width pass kept the first rows it rendered: the rows it
		 * did not skip as fitted already, in order. */
		if (cache && !(e->flags & SOCK_F_FITTED))
			kept = r++ < scratch->nrows;
		for (k = 0; k < ncells; k++) {
			const char *s;
			size_t len, w;

			if (kept && k < scratch->per_row) {
				size_t from = cell ? scratch->cells[2 * (cell - 1)] : 0;

				s = scratch->text.buf + from;
				len = scratch->cells[2 * cell] - from;
				w = scratch->cells[2 * cell + 1];
				cell++;
			} else {
				render(l, c, cols, k, e, &scratch->cell);
				s = scratch->cell.buf;
				len = scratch->cell.len;
				w = display_width(s, len);
			}
			put_cell(o, align_of(cols, k), s, len, w, widths[k], cell_color(l, cols, k, e),
				 &pending);
		}
		outbuf_putc(o, '\n');
	}
	scratch->table = NULL;
}

static size_t print_section(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c,
			    const struct column_list *cols, int section, const char *title)
{
	size_t widths[COLUMNS_MAX + 1];
	struct text_scratch scratch;
	size_t rows;

	if (text_scratch_init(&scratch) < 0) {
		text_scratch_free(&scratch);
		outbuf_set_error(o, -ENOMEM);
		return 0;
	}
	/* Pass 1: widths over the whole section; pass 2: the rows. */
	text_widths_init(l, cols, widths);
	rows = text_widths_fit(l, c, cols, section, widths, &scratch, true);
	text_header(o, l, cols, title, widths);
	text_rows(o, l, c, cols, section, widths, &scratch);
	if (text_scratch_error(&scratch) < 0)
		outbuf_set_error(o, -ENOMEM);
	text_scratch_free(&scratch);
	return rows;
}

/* The section's title as netstat words it, whole, so that a translation
 * can word it whole ("Conexiones activas de Internet (solo servidores)"). */
const char *text_title(bool unix_section, uint32_t states)
{
	if (!(states & SOCK_STATES_LISTENING))
		return unix_section ? _("Active UNIX domain sockets (w/o servers)") :
				      _("Active Internet connections (w/o servers)");
	if (!(states & ~SOCK_STATES_LISTENING))
		return unix_section ? _("Active UNIX domain sockets (only servers)") :
				      _("Active Internet connections (only servers)");
	return unix_section ? _("Active UNIX domain sockets (servers and established)") :
			      _("Active Internet connections (servers and established)");
}

void fmt_text(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c)
{
	/* -H and nothing to show: print nothing at all, so `[ -z "$(lsock -H ...)" ]` works. */
	if (!l->header && c->table->len == 0)
		return;
	if (l->single_table) {
		print_section(o, l, c, &l->inet_cols, -1, NULL);
		return;
	}
	if (l->inet_section)
		print_section(o, l, c, &l->inet_cols, 0, text_title(false, l->states));
	if (l->unix_section)
		print_section(o, l, c, &l->unix_cols, 1, text_title(true, l->states));
}
