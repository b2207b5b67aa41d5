/* SPDX-License-Identifier: MIT */
/*
 * The escaping policy.  Every string that comes from users or the kernel
 * (UNIX names, process names, command lines) reaches output only through
 * one of these functions.
 *
 * Text: printable ASCII and valid visible UTF-8 pass through; every byte
 *   below 0x20, DEL, backslash, and every byte that is not part of valid
 *   UTF-8 becomes a visible C-style escape: \n \t \r \\ and \xHH for the rest
 *   (always two lowercase hex digits).  Every other code point that would be
 *   invisible or move the cursor is written as \u{x...}: general category
 *   Cc (the C1 controls U+0080..U+009F), Cf (format: U+200B..U+200F, the
 *   bidi controls, U+FEFF, U+E0001...), Zl (U+2028), Zp (U+2029), Zs but
 *   U+0020 (U+00A0, U+3000...), Co (private use) and Cn (unassigned and
 *   noncharacters), as of the Unicode version in unicode_tables.h.  The hex
 *   is lowercase, at least four digits, without leading zeros past four:
 *   \u{00a0}, \u{2028}, \u{e0001}, \u{10ffff}.  A row is therefore always
 *   one line, and the escaping is reversible.  Spaces are not escaped.
 * Width: what a terminal shows, independent of the locale: 0 columns for
 *   combining marks (Mn, Me) and conjoining Hangul vowels and finals, 2 for
 *   East Asian Wide and Fullwidth, 1 for the rest.
 * JSON: always valid UTF-8 JSON.  Valid UTF-8 comes out exact: control
 *   characters become \n \t \r or \u00xx, DEL \u007f, C1 controls, U+2028,
 *   U+2029 and the bidi controls U+202A..U+202E, U+2066..U+2069 \uxxxx, '"'
 *   and '\' \" and \\; all decode back to the same bytes.  Each
 *   byte of an invalid sequence becomes U+FFFD; callers add a *_hex sibling
 *   field (esc_hex) so scripts can recover the exact bytes.
 * "Invalid" means not well-formed UTF-8: overlongs (C0 80, E0 80 80),
 * surrogates (ED A0..BF xx), code points past U+10FFFF (F4 90.., F5..FF),
 * lone continuation bytes and sequences cut short.  Each such byte is
 * escaped on its own: E2 82 41 is \xe2\x82A.
 */
#ifndef LSOCK_ESCAPE_H
#define LSOCK_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "lsock/outbuf.h"

/* True if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool utf8_valid(const void *s, size_t len);

/* Appends s[0..len) to o with the text escapes above (no quotes added). */
void esc_text(struct outbuf *o, const void *s, size_t len);

/*
 * esc_text() for a name shown in a text column (UNIX names, process names):
 * spaces are written as \x20 too, so a name can never look like two
 * columns.  With inner_spaces_ok (the name is the row's last column, where
 * netstat prints paths as they are), only leading and trailing spaces are
 * escaped: they would otherwise be invisible.  sep, if not 0, is a list
 * separator the name must not contain either (',' between owners): it is
 * written as \xHH.  A name that is exactly "-" is written as \x2d, since
 * text columns show "-" for "none".
 */
void esc_text_name(struct outbuf *o, const void *s, size_t len, bool inner_spaces_ok, char sep);

/*
 * Returns the display width of what esc_text() would write for s: escapes
 * are ASCII, one column a byte; code points passed through count as
 * utf8_display_width() says.
 */
size_t esc_text_width(const void *s, size_t len);

/*
 * Returns the columns s[0..len) takes on a terminal, for text that
 * esc_text() wrote (or plain ASCII): the sum of the code points' widths
 * (above).  Bytes that are not UTF-8, and code points esc_text() escapes,
 * count one column each; escaped text has neither.
 */
size_t utf8_display_width(const void *s, size_t len);

/*
 * Writes the esc_text() form of the C string s (NULL reads as "") into
 * buf[0..len), NUL-terminated, for error messages that echo user input.
 * If it does not fit, it is cut after the last whole unit (an escape or a
 * code point is never split) that leaves room for "..." (fewer dots when
 * len < 4), and the dots follow.  Writes nothing if len is 0.  Returns buf.
 */
const char *esc_text_cstr(const char *s, char *buf, size_t len);

/* The Unicode version the escape and width tables were generated from ("15.0.0"). */
const char *esc_unicode_version(void);

/* Appends s[0..len) as a quoted JSON string (with the surrounding quotes). */
void esc_json(struct outbuf *o, const void *s, size_t len);

/* Appends s[0..len) as a quoted string of lowercase hex digits. */
void esc_hex(struct outbuf *o, const void *s, size_t len);

#endif
