/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/escape.h"
#include "lsock/fmt.h"

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

static void render(const struct render_ctx *c, const struct column_list *cols, size_t k,
		   const struct sock_entry *e, struct outbuf *scratch)
{
	scratch->len = 0;
	column_get(cols->ids[k])->text(c, e, k + 1 == cols->len, scratch);
}

/*
 * Writes one cell.  Padding is owed, not written, until more text follows
 * on the row, so a row never ends in blanks (they pollute grep and diff),
 * even when its last cells are empty.
 */
static void put_cell(struct outbuf *o, const struct column *col, const char *s, size_t len,
		     size_t width, size_t *pending)
{
	size_t w = display_width(s, len);
	size_t pad = width > w ? width - w : 0;

	if (col->align == ALIGN_RIGHT)
		*pending += pad;
	if (len) {
		outbuf_pad(o, *pending);
		*pending = 0;
		outbuf_put(o, s, len);
	}
	if (col->align == ALIGN_LEFT)
		*pending += pad;
	*pending += COL_SEP;
}

static size_t print_section(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c,
			    const struct column_list *cols, int section, const char *title)
{
	const struct sock_table *t = c->table;
	size_t widths[COLUMNS_MAX];
	struct outbuf scratch;
	size_t i, k, rows = 0;

	if (outbuf_init(&scratch, -1) < 0) {
		outbuf_set_error(o, -ENOMEM);
		return 0;
	}
	for (k = 0; k < cols->len; k++)
		widths[k] = l->header ? strlen(column_get(cols->ids[k])->header) : 0;

	/* Pass 1: widths over the whole section. */
	for (i = 0; i < t->len; i++) {
		if (!row_in_section(&t->entries[i], section))
			continue;
		rows++;
		for (k = 0; k < cols->len; k++) {
			size_t w;

			render(c, cols, k, &t->entries[i], &scratch);
			w = display_width(scratch.buf, scratch.len);
			if (w > widths[k])
				widths[k] = w;
		}
	}

	if (l->header) {
		if (title) {
			outbuf_puts(o, title);
			outbuf_putc(o, '\n');
		}
		size_t pending = 0;

		for (k = 0; k < cols->len; k++) {
			const struct column *col = column_get(cols->ids[k]);

			put_cell(o, col, col->header, strlen(col->header), widths[k], &pending);
		}
		outbuf_putc(o, '\n');
	}

	/* Pass 2: the rows. */
	for (i = 0; i < t->len; i++) {
		size_t pending = 0;

		if (!row_in_section(&t->entries[i], section))
			continue;
		for (k = 0; k < cols->len; k++) {
			const struct column *col = column_get(cols->ids[k]);

			render(c, cols, k, &t->entries[i], &scratch);
			put_cell(o, col, scratch.buf, scratch.len, widths[k], &pending);
		}
		outbuf_putc(o, '\n');
	}
	if (outbuf_error(&scratch) == -ENOMEM)
		outbuf_set_error(o, -ENOMEM);
	outbuf_free(&scratch);
	return rows;
}

static const char *title_suffix(uint32_t states)
{
	if (!(states & SOCK_STATES_LISTENING))
		return "(w/o servers)";
	if (!(states & ~SOCK_STATES_LISTENING))
		return "(only servers)";
	return "(servers and established)";
}

void fmt_text(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c)
{
	char title[96];

	/* -H and nothing to show: print nothing at all, so `[ -z "$(lsock -H ...)" ]` works. */
	if (!l->header && c->table->len == 0)
		return;
	if (l->single_table) {
		print_section(o, l, c, &l->inet_cols, -1, NULL);
		return;
	}
	if (l->inet_section) {
		snprintf(title, sizeof(title), "Active Internet connections %s", title_suffix(l->states));
		print_section(o, l, c, &l->inet_cols, 0, title);
	}
	if (l->unix_section) {
		snprintf(title, sizeof(title), "Active UNIX domain sockets %s", title_suffix(l->states));
		print_section(o, l, c, &l->unix_cols, 1, title);
	}
}
