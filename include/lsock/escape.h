/* SPDX-License-Identifier: MIT */
/*
 * The escaping policy.  Every string that comes from users or the kernel
 * (UNIX names, process names, command lines) reaches output only through
 * one of these functions.
 *
 * Text: printable ASCII and valid printable UTF-8 pass through; every byte
 *   below 0x20, DEL, backslash, and every byte that is not part of valid
 *   UTF-8 becomes a visible C-style escape: \n \t \r \\ and \xHH for the rest
 *   (always two lowercase hex digits).  C1 controls (U+0080..U+009F) and the
 *   bidi controls U+202A..U+202E, U+2066..U+2069 are written as \u{xxxx}
 *   (always four lowercase hex digits).  A row is therefore always one line,
 *   and the escaping is reversible.  Spaces are not escaped.
 * JSON: always valid UTF-8 JSON.  Valid UTF-8 comes out exact: control
 *   characters become \n \t \r or \u00xx, DEL \u007f, C1 and bidi controls
 *   \uxxxx, '"' and '\' \" and \\; all decode back to the same bytes.  Each
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
 * written as \xHH.
 */
void esc_text_name(struct outbuf *o, const void *s, size_t len, bool inner_spaces_ok, char sep);

/*
 * Returns the display width esc_text() would produce for s: one column per
 * code point written (escapes are ASCII).  East Asian wide and combining
 * characters are counted as one column too.
 */
size_t esc_text_width(const void *s, size_t len);

/* Appends s[0..len) as a quoted JSON string (with the surrounding quotes). */
void esc_json(struct outbuf *o, const void *s, size_t len);

/* Appends s[0..len) as a quoted string of lowercase hex digits. */
void esc_hex(struct outbuf *o, const void *s, size_t len);

/*
 * Writes the text escape of the C string s into buf (len bytes), NUL-
 * terminated, cut with "..." at a character boundary if it does not fit;
 * returns buf.  For messages that echo what the user typed.
 */
const char *esc_text_cstr(const char *s, char *buf, size_t len);

#endif
