/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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
		     size_t width, const char *sgr, size_t *pending)
{
	size_t w = display_width(s, len);
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

size_t text_widths_fit(const struct text_layout *l, const struct render_ctx *c,
		       const struct column_list *cols, int section, size_t *widths,
		       struct outbuf *scratch)
{
	const struct sock_table *t = c->table;
	size_t i, k, rows = 0, ncells = cols->len + has_notes(l);

	for (i = 0; i < t->len; i++) {
		if (!row_in_section(&t->entries[i], section))
			continue;
		rows++;
		/* Fitted already, when it was held back (fmt_stream_ahead()). */
		if (t->entries[i].flags & SOCK_F_FITTED)
			continue;
		for (k = 0; k < ncells; k++) {
			size_t w;

			/* A left-aligned last cell is never padded: its width is
			 * not needed, and rendering it twice doubled the cost of
			 * long cells such as tcp_info (-i). */
			if (k == ncells - 1 && align_of(cols, k) == ALIGN_LEFT)
				continue;
			render(l, c, cols, k, &t->entries[i], scratch);
			w = display_width(scratch->buf, scratch->len);
			if (w > widths[k])
				widths[k] = w;
		}
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

		put_cell(o, align_of(cols, k), h, strlen(h), widths[k], NULL, &pending);
	}
	outbuf_putc(o, '\n');
}

void text_rows(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c,
	       const struct column_list *cols, int section, const size_t *widths,
	       struct outbuf *scratch)
{
	const struct sock_table *t = c->table;
	size_t i, k, ncells = cols->len + has_notes(l);

	for (i = 0; i < t->len; i++) {
		size_t pending = 0;

		if (!row_in_section(&t->entries[i], section))
			continue;
		for (k = 0; k < ncells; k++) {
			const struct sock_entry *e = &t->entries[i];

			render(l, c, cols, k, e, scratch);
			put_cell(o, align_of(cols, k), scratch->buf, scratch->len, widths[k],
				 cell_color(l, cols, k, e), &pending);
		}
		outbuf_putc(o, '\n');
	}
}

static size_t print_section(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c,
			    const struct column_list *cols, int section, const char *title)
{
	size_t widths[COLUMNS_MAX + 1];
	struct outbuf scratch;
	size_t rows;

	if (outbuf_init(&scratch, -1) < 0) {
		outbuf_set_error(o, -ENOMEM);
		return 0;
	}
	/* Pass 1: widths over the whole section; pass 2: the rows. */
	text_widths_init(l, cols, widths);
	rows = text_widths_fit(l, c, cols, section, widths, &scratch);
	text_header(o, l, cols, title, widths);
	text_rows(o, l, c, cols, section, widths, &scratch);
	if (outbuf_error(&scratch) == -ENOMEM)
		outbuf_set_error(o, -ENOMEM);
	outbuf_free(&scratch);
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
