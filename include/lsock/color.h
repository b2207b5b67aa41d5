/* SPDX-License-Identifier: MIT */
/*
 * Colour, used sparingly: the state, exposed listeners under --audit, and
 * the markers of --explain.  The formatters write a colour's SGR sequence
 * right before a cell's text and COLOR_RESET right after it, never around
 * the padding, and measure widths on the text alone, so colour never moves
 * a column.  Never in JSON.
 */
#ifndef LSOCK_COLOR_H
#define LSOCK_COLOR_H

#include <stdint.h>

#include "lsock/exposure.h"

#define COLOR_RESET "\033[0m"
#define COLOR_MARK "\033[1;36m" /* --explain's note markers */

/* The SGR sequence for a socket state, or NULL to leave it plain. */
const char *color_state(uint8_t state);

/* The SGR sequence for an exposure verdict, or NULL to leave it plain. */
const char *color_exposure(enum exposure v);

#endif
