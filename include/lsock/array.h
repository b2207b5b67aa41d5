/* SPDX-License-Identifier: MIT */
/* Amortized growth for the project's plain C arrays (no per-element malloc). */
#ifndef LSOCK_ARRAY_H
#define LSOCK_ARRAY_H

#include <stddef.h>

/*
 * Makes *p (an array of *cap elements of elem bytes) hold at least need
 * elements, doubling from first.  On success *p and *cap may change; on
 * failure they are untouched.  Returns 0 or -ENOMEM (also on overflow).
 */
int array_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first);

#endif
