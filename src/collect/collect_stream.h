/* SPDX-License-Identifier: MIT */
/*
 * The streaming collector's row sink (collect_run_stream()): what stands in
 * for the table when rows are handed on in batches.  It does, row by row,
 * what collect.c does to a slot's rows in a table: the cookie dedupe of a
 * pass and the merge of passes (a set of the slot's cookies, each tagged
 * with the pass that last saw it), the UNIX peer check of a pass, and the
 * IPv4-first order of a dump of both TCP families (the IPv6 rows are held
 * until the slot ends).  The new rows of a later pass are held until that
 * pass completed, since a failed one is dropped.  Internal to src/collect.
 */
#ifndef LSOCK_COLLECT_STREAM_H
#define LSOCK_COLLECT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/collect.h"
#include "lsock/diag.h"

struct stream_sink {
	struct diag_rows rows; /* what the dumps call; first, so rows is the sink */
	const struct collect_stream *st;
	struct sock_table batch; /* the rows not handed on yet; /proc rows go here directly */
	struct sock_table held6; /* a both-family TCP dump's IPv6 rows, until the slot ends */
	size_t held6_shown;      /* of them, those st->ahead() has seen */
	bool hold6;
	uint64_t *cookies;  /* open addressing; 0 empty; top byte: the pass that saw it */
	size_t cookies_cap; /* power of two, or 0 */
	size_t cookies_len;
	uint8_t pass;       /* 1.. within the slot (a restarted dump counts as a pass) */
	bool defer;         /* a later pass: its new rows wait in pending until it ends */
	struct sock_table pending;
	size_t repeats;     /* records of this pass that this pass had sent already */
	bool track_peers;   /* UNIX dump of every state: record inodes and peers */
	uint32_t *inodes;   /* of this pass's rows, when track_peers */
	size_t ninodes, inodes_cap;
	uint32_t *peers;
	size_t npeers, peers_cap;
	size_t slot_mark;   /* batch.len when the slot began (0 once the batch was handed on) */
	bool slot_flushed;  /* some row of this slot was handed on: it cannot be undone */
	bool fatal;         /* stop: a slot failed after handing rows on, or emit() failed */
};

void stream_sink_init(struct stream_sink *k, const struct collect_stream *st);
void stream_sink_free(struct stream_sink *k);

/* A slot begins; hold6: it is the dump of both TCP families. */
void stream_slot_begin(struct stream_sink *k, bool hold6);

/* A pass (one dump) of the slot begins; track_peers: check its UNIX peers;
 * defer: it is a later pass (a re-dump under churn), whose rows are held
 * until stream_pass_end() says whether it completed. */
void stream_pass_begin(struct stream_sink *k, bool track_peers, bool defer);

/* A deferred pass ended: if ok, its rows follow, as they would have come;
 * if not, they are dropped, as the table drops a failed later pass (the
 * slot ends with it).  Returns 0, -ENOMEM, or emit()'s error (fatal). */
int stream_pass_end(struct stream_sink *k, bool ok);

/* Whether some peer the pass reported is a socket it did not list (see
 * unix_peer_missing() in collect.c): 1, 0, or -ENOMEM. */
int stream_peer_missing(struct stream_sink *k);

/* The slot is settled: the held IPv6 rows follow, and a full batch is
 * handed on.  Returns 0 or emit()'s error (fatal). */
int stream_slot_end(struct stream_sink *k);

/* The slot failed: drops its rows and returns true, unless some were
 * handed on (then it sets fatal and returns false). */
bool stream_slot_undo(struct stream_sink *k);

/* Hands the batch on (if it has rows).  Returns 0 or emit()'s error. */
int stream_flush(struct stream_sink *k);

#endif
