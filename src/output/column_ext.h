/* SPDX-License-Identifier: MIT */
/*
 * Value functions of the extension columns (timer, sk, shutdown,
 * peer_owners, vfs, pending, skmem, tcp_info): ss's key:value vocabulary in
 * text, typed objects with units in the key names in JSON.  Private to
 * src/output/; the rows are in columns.c.
 */
#ifndef LSOCK_COLUMN_EXT_H
#define LSOCK_COLUMN_EXT_H

#include "column_cells.h"

CELL_TEXT(timer);
CELL_TEXT(sk);
CELL_TEXT(shutdown);
CELL_TEXT(peer_owners);
CELL_TEXT(vfs);
CELL_TEXT(pending);
CELL_TEXT(skmem);
CELL_TEXT(tcp_info);

CELL_JSON(timer);
CELL_JSON(shutdown);
CELL_JSON(peer_owners);
CELL_JSON(vfs);
CELL_JSON(pending);
CELL_JSON(skmem);
CELL_JSON(tcp_info);

#endif
