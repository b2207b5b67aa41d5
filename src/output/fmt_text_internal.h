/* SPDX-License-Identifier: MIT */
/*
 * The pieces of a text section (fmt_text.c), for the table, which fits the
 * widths over the whole section before it prints, and for the stream
 * (fmt_stream.c), which fits them batch by batch.  section: -1 every row,
 * 0 the Internet rows, 1 the UNIX rows.  widths has COLUMNS_MAX + 1 cells.
 */
#ifndef LSOCK_FMT_TEXT_INTERNAL_H
#define LSOCK_FMT_TEXT_INTERNAL_H

#include "lsock/fmt.h"

/* The widths of the headers (0 without them). */
void text_widths_init(const struct text_layout *l, const struct column_list *cols, size_t *widths);

/* Most bytes of cells a struct text_scratch keeps. */
#define TEXT_CACHE_BYTES (1u << 20)

/* Returns 0 or -ENOMEM (then s is unusable; free it all the same). */
int text_scratch_init(struct text_scratch *s);
/* -ENOMEM if a cell or the kept cells could not be held, else 0. */
int text_scratch_error(const struct text_scratch *s);

/* Widens widths to fit the section's rows of c->table; returns how many
 * rows the section has there.  keep: the rows follow (text_rows() with the
 * same table, columns and section, nothing changed in between), so keep
 * the cells for it. */
size_t text_widths_fit(const struct text_layout *l, const struct render_ctx *c,
		       const struct column_list *cols, int section, size_t *widths,
		       struct text_scratch *scratch, bool keep);

/* The title (if not NULL) and the column headers, unless -H. */
void text_header(struct outbuf *o, const struct text_layout *l, const struct column_list *cols,
		 const char *title, const size_t *widths);

/* The section's rows of c->table. */
void text_rows(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c,
	       const struct column_list *cols, int section, const size_t *widths,
	       struct text_scratch *scratch);

/* The section's title as netstat words it. */
const char *text_title(bool unix_section, uint32_t states);

#endif
