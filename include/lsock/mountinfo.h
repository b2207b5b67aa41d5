/* SPDX-License-Identifier: MIT */
/*
 * One line of /proc/PID/mountinfo, split into its fields (proc(5)):
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)      (6)      (7...)  - (8)     (9)        (10)
 *
 * The kernel's show_mountinfo() octal-escapes space, tab, newline and
 * backslash (\040 \011 \012 \134) in the path fields (4), (5) and (9).
 * The owner walk (hidepid) and the namespace scan (nsfs mounts) read it.
 */
#ifndef LSOCK_MOUNTINFO_H
#define LSOCK_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "lsock/strparse.h"

struct mountinfo_line {
	struct strspan dev;        /* (3) MAJOR:MINOR of the superblock */
	struct strspan root;       /* (4) escaped */
	struct strspan mountpoint; /* (5) escaped */
	struct strspan mnt_opts;   /* (6) */
	struct strspan fstype;     /* (8) */
	struct strspan source;     /* (9) escaped */
	struct strspan super_opts; /* (10) */
};

/* Takes the next '\n'-terminated line of *text (the last may lack the
 * newline) into *ret_line; false when the text is used up. */
bool mountinfo_next_line(struct strspan *text, struct strspan *ret_line);

/* Splits one line; false if it is malformed (too few fields, or the
 * optional fields are not ended by a lone "-").  *ret is then unspecified. */
bool mountinfo_parse_line(struct strspan line, struct mountinfo_line *ret);

/* Undoes the \ooo escapes of a path field into buf (size bytes, with the
 * NUL); false (buf unspecified) if it does not fit. */
bool mountinfo_unescape(struct strspan f, char *buf, size_t size, size_t *ret_len);

#endif
