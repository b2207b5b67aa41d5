/* SPDX-License-Identifier: MIT */
/* Small bounded parsers and checks shared by the /proc, owner and name code. */
#ifndef LSOCK_STRPARSE_H
#define LSOCK_STRPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parses exactly s[0..len) as decimal digits (no sign, no blanks) into
 * *ret.  canonical also refuses leading zeros ("0" itself is fine), as the
 * kernel never prints them in a pid or an fd number.  Returns 0, -EINVAL
 * for an empty, non-digit or non-canonical field, or -ERANGE above max.
 * *ret is written only on success.
 */
int strparse_dec(const char *s, size_t len, uint64_t max, bool canonical, uint64_t *ret);

/*
 * Like strparse_dec, but with C's prefixes as strtoul(s, NULL, 0) reads
 * them (ss reads port numbers so): 0x/0X hexadecimal, a leading 0 octal.
 * No sign, no blanks; "0x" alone is -EINVAL.
 */
int strparse_c_number(const char *s, size_t len, uint64_t max, uint64_t *ret);

/*
 * Whether s is a name safe to print unescaped in an aligned column: 1 to
 * size - 1 bytes of ASCII letters, digits, '.', '_', '-' and the bytes in
 * extra (service names allow '+', user names '$').
 */
bool strparse_plain_name(const char *s, size_t size, const char *extra);

/* A run of bytes inside a larger text, for field-by-field parsers. */
struct strspan {
	const char *p;
	size_t len;
};

/* Whether s is exactly the C string lit. */
bool strspan_eq(struct strspan s, const char *lit);

/* Takes the next ' '-separated field of *line (as /proc/PID/mountinfo
 * separates them) into *ret; false when none is left. */
bool strspan_next_field(struct strspan *line, struct strspan *ret);

#endif
