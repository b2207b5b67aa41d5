/* SPDX-License-Identifier: MIT */
/*
 * Formatters: the netstat-style text table and JSON/NDJSON.  They read the
 * (filtered, sorted) table and write to an outbuf; they never fail visibly,
 * write errors are sticky in the outbuf.
 */
#ifndef LSOCK_FMT_H
#define LSOCK_FMT_H

#include <stdbool.h>
#include <stdint.h>

#include "lsock/columns.h"
#include "lsock/outbuf.h"

/*
 * --explain's hooks into the text table: a last column, "Notes", whose cell
 * for e is what row() writes (markers such as "[1,3]"; nothing for none; row NULL: no Notes column),
 * and an optional gloss written after the state token ("LISTEN
 * (escuchando)").  data is handed back to both.
 */
struct text_notes {
	void (*row)(const struct sock_entry *e, struct outbuf *cell, const void *data);
	const char *(*state_gloss)(uint8_t state); /* NULL or returning NULL: no gloss */
	const void *data;
};

/* How the text table looks: what the plan decided, nothing else. */
struct text_layout {
	bool header;          /* titles and column headers (not -H) */
	bool single_table;    /* -o: one table for every socket */
	bool inet_section;    /* an inet protocol was asked for */
	bool unix_section;    /* UNIX was asked for */
	uint32_t states;      /* the selected states, for the titles */
	struct column_list inet_cols; /* with single_table: the one table's columns */
	struct column_list unix_cols;
	bool color;           /* SGR colour on the state and the note markers */
	const struct text_notes *notes; /* --explain; NULL: no Notes column */
};

/* Text: netstat's sections (Internet, then UNIX), or one table with -o. */
void fmt_text(struct outbuf *o, const struct text_layout *l, const struct render_ctx *c);

/*
 * JSON schema 1 (lsock-json(7)): {"schema":1,[ "owners_complete":B,]"sockets":[...]}.
 * owners_complete is written only when owners were collected.
 */
void fmt_json(struct outbuf *o, const struct render_ctx *c, bool owners_complete);

/* NDJSON: the same socket objects, one per line. */
void fmt_ndjson(struct outbuf *o, const struct render_ctx *c);

#define LSOCK_JSON_SCHEMA 1

/*
 * A listing written batch by batch as the rows come (snapshot_stream()),
 * so that memory does not grow with them: begin, then rows() for each
 * batch (c->table is the batch), then end.  JSON and NDJSON are what
 * fmt_json() (without owners) and fmt_ndjson() write over the whole
 * table, byte for byte.  Text is fmt_text()'s, but a section's widths fit
 * the rows printed so far and the current batch (they only grow, as ss's
 * do): the same bytes when the first batch holds the widest cell of each
 * column, which one batch always does (the rows fmt_stream_ahead() was
 * shown before a batch count as the batch's).  No --explain notes.
 */
enum fmt_stream_kind {
	FMT_STREAM_TEXT,
	FMT_STREAM_JSON,
	FMT_STREAM_NDJSON,
};

/*
 * A text section's work space: one cell, and the cells the width pass
 * rendered, kept for the row pass so that it prints them instead of
 * rendering every cell a second time.  Bounded (TEXT_CACHE_BYTES): a
 * stream's batch fits whole, a long table keeps its first rows and renders
 * the rest twice.  Set up with text_scratch_init(), freed with
 * text_scratch_free() (fmt_text_internal.h).
 */
struct text_scratch {
	struct outbuf cell;  /* a cell at a time */
	struct outbuf text;  /* the kept cells, back to back */
	uint32_t *cells;     /* per kept cell: its end in text, then its width */
	size_t ncells, cells_cap;
	size_t nrows;        /* rows kept, in the order the width pass met them */
	size_t per_row;      /* cells kept per row */
	const struct sock_table *table; /* what the cells are of */
	const struct column_list *cols;
	size_t table_len;
	int section;
	size_t budget;       /* most bytes of cells kept (TEXT_CACHE_BYTES) */
	bool full;           /* the budget ran out: later rows are not kept */
};

/* Frees what s holds; s may be freed again. */
void text_scratch_free(struct text_scratch *s);

struct fmt_stream {
	struct outbuf *o;
	enum fmt_stream_kind kind;
	const struct text_layout *l;
	struct json_writer w;
	struct text_scratch scratch;        /* text */
	size_t widths[2][COLUMNS_MAX + 1];  /* text: per section */
	bool opened[2];                     /* text: the section's header is out */
	size_t rows;
};

/* l: the text layout (l->notes must be NULL); unused for JSON. */
void fmt_stream_begin(struct fmt_stream *s, struct outbuf *o, enum fmt_stream_kind kind,
		      const struct text_layout *l);
void fmt_stream_rows(struct fmt_stream *s, const struct render_ctx *c);
/* Rows that will come in a later batch (collect_stream.ahead): text fits
 * its widths to them now, so that the rows before them align with them. */
void fmt_stream_ahead(struct fmt_stream *s, const struct render_ctx *c);
/* Closes the document (JSON) or the sections (text); frees what s holds. */
void fmt_stream_end(struct fmt_stream *s);

#endif
