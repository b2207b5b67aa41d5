/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/collect.h"
#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "lsock/procnet.h"
#include "lsock/proto.h"
#include "lsock/u32set.h"
#include "collect_stream.h"
#include "procnet_internal.h"

bool collect_is_quiet_fallback(int err)
{
	switch (-err) {
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
	case EPERM:
	case EACCES:
	case ENOENT:   /* no diag handler for the protocol: DONE(-ENOENT) */
	case EINVAL:   /* old kernel or unknown family */
	case EOPNOTSUPP:
		return true;
	}
	return false;
}

bool collect_spec_wants(const struct collect_spec *s, enum sock_proto proto, uint8_t family)
{
	const struct proto_desc *d = proto_get(proto);

	if (!d || !(s->protos & SOCK_PROTO_BIT(proto)))
		return false;
	if (!d->inet)
		return family == AF_UNIX;
	return (family == AF_INET && s->inet4) || (family == AF_INET6 && s->inet6);
}

const struct collect_slot *collect_slot_of(const struct collect_report *r, enum sock_proto proto,
					   uint8_t family)
{
	size_t i;

	for (i = 0; i < r->nslots; i++)
		if (r->slots[i].proto == proto && r->slots[i].family == family)
			return &r->slots[i];
	return NULL;
}

/* A table a kernel may legitimately lack: an optional protocol, or IPv6. */
static bool slot_optional(const struct proto_desc *d, uint8_t family)
{
	return d->optional || family == AF_INET6;
}

/*
 * Moves the AF_INET6 entries of t[from..) after the AF_INET ones, keeping
 * the order within each family: what one dump per family would have
 * appended.  Returns 0 or -ENOMEM (t is then unchanged).
 */
static int partition_inet4_first(struct sock_table *t, size_t from)
{
	struct sock_entry *v6;
	size_t i, j, n6 = 0;

	for (i = from; i < t->len; i++)
		n6 += t->entries[i].family == AF_INET6;
	if (n6 == 0 || n6 == t->len - from)
		return 0;
	v6 = malloc(n6 * sizeof(*v6));
	if (!v6)
		return -ENOMEM;
	for (i = j = from, n6 = 0; i < t->len; i++) {
		if (t->entries[i].family == AF_INET6)
			v6[n6++] = t->entries[i];
		else
			t->entries[j++] = t->entries[i];
	}
	memcpy(&t->entries[j], v6, n6 * sizeof(*v6));
	free(v6);
	return 0;
}

/* One dump into t, or, streaming (k not NULL), into k's rows. */
static int dump_netlink(struct nl_transport *nl, const struct collect_spec *s,
			const struct proto_desc *d, enum sock_proto proto, uint8_t family,
			struct sock_table *t, struct stream_sink *k, size_t *ret_dropped)
{
	size_t start = t->len;
	int r;

	*ret_dropped = 0;
	switch (d->diag) {
	case PROTO_DIAG_INET:
		/* The sink puts IPv6 rows after IPv4 ones itself (hold6). */
		if (k)
			return diag_inet_collect_rows(nl, family, proto, s->states, &k->rows,
						      ret_dropped);
		if (s->ext)
			return diag_inet_collect_ext(nl, family, proto, s->states, s->ext, t,
						     ret_dropped);
		r = diag_inet_collect(nl, family, proto, s->states, t, ret_dropped);
		/* Both families in one dump: each family's records in walk
		 * order, as the cookie dedupe finds them cheapest (they were
		 * handed out in that order, see sock_table_dedupe_cookie()). */
		if (r == 0 && family == AF_UNSPEC) {
			r = partition_inet4_first(t, start);
			if (r < 0)
				sock_table_truncate(t, start);
		}
		return r;
	case PROTO_DIAG_UNIX:
		if (k)
			return diag_unix_collect_rows(nl, s->states, &k->rows, ret_dropped);
		if (s->ext)
			return diag_unix_collect_ext(nl, s->states, s->ext, t, ret_dropped);
		return diag_unix_collect(nl, s->states, t, ret_dropped);
	case PROTO_DIAG_NONE:
		break;
	}
	/* What the kernel answers for a protocol it has no handler for. */
	return -ENOENT;
}

/* Whether no socket count moved (a socket that closes and one that opens
 * between the two readings cancel out: a sign, not a proof). */
static bool sockstat_equal(const struct procnet_sockstat *a, const struct procnet_sockstat *b)
{
	return a->unix_inuse == b->unix_inuse && a->tcp_inuse == b->tcp_inuse &&
	       a->tcp_tw == b->tcp_tw && a->udp_inuse == b->udp_inuse &&
	       a->udplite_inuse == b->udplite_inuse && a->raw_inuse == b->raw_inuse;
}

/*
 * Whether some UNIX row of t[from..) names a peer that t[from..) lacks.
 * In one consistent walk of every state that never happens: the kernel
 * reports a peer's inode only while the peer has one (sock_i_ino() of a
 * closed peer is 0), peers share the namespace, and embryos (inode 0) are
 * nobody's reported peer.  So a missing peer means that the pass saw one
 * end of a pair but not the other: sockets came or went under it.
 * Returns 1, 0, or -ENOMEM.
 */
static int unix_peer_missing(const struct sock_table *t, size_t from)
{
	uint32_t *inodes, *peers;
	size_t i, n = 0, np = 0;
	int r;

	if (from >= t->len)
		return 0;
	inodes = malloc(2 * (t->len - from) * sizeof(*inodes));
	if (!inodes)
		return -ENOMEM;
	peers = inodes + (t->len - from);
	for (i = from; i < t->len; i++) {
		const struct sock_entry *e = &t->entries[i];

		if (e->inode)
			inodes[n++] = e->inode;
		if ((e->flags & SOCK_F_PEER_KNOWN) && e->peer_inode)
			peers[np++] = e->peer_inode;
	}
	r = u32_any_missing(inodes, n, peers, np);
	free(inodes);
	return r;
}

/*
 * Where the passes of a slot go: the table t, from mark on, or, streaming
 * (k not NULL), k, which dedupes and merges the rows as they come
 * (collect_stream.h), so that the table's steps are nothing there.
 */
struct pass_target {
	struct sock_table *t; /* streaming: k's batch */
	struct stream_sink *k;
	size_t mark;          /* t->len when the slot began */
	size_t pass_mark;     /* t->len when this pass began */
};

/*
 * One pass: a dump into g (peers: a UNIX dump of every state, whose peers
 * the pass is judged by; later: not the slot's first).  A failed later
 * pass leaves nothing: the collector restores the table, and the stream
 * holds the pass's rows until it completed.  Returns as dump_netlink(),
 * or, streaming, the error of handing the rows on.
 */
static int target_dump(struct pass_target *g, struct nl_transport *nl,
		       const struct collect_spec *s, const struct proto_desc *d,
		       enum sock_proto proto, uint8_t family, bool peers, bool later,
		       size_t *ret_dropped)
{
	int r, end;

	g->pass_mark = g->t->len;
	if (g->k)
		stream_pass_begin(g->k, peers, later);
	r = dump_netlink(nl, s, d, proto, family, g->t, g->k, ret_dropped);
	if (g->k && later) {
		end = stream_pass_end(g->k, r == 0);
		if (r == 0)
			r = end;
	}
	return r;
}

/* Drops the rows this pass sent twice; *ret_n counts them (a sign of
 * churn).  Returns 0 or -ENOMEM. */
static int target_pass_repeats(struct pass_target *g, size_t *ret_n)
{
	if (g->k) {
		*ret_n = g->k->repeats;
		return 0;
	}
	return sock_table_dedupe_cookie(g->t, g->pass_mark, ret_n);
}

/* unix_peer_missing() of this pass: 1, 0, or -ENOMEM. */
static int target_peer_missing(struct pass_target *g)
{
	return g->k ? stream_peer_missing(g->k) : unix_peer_missing(g->t, g->pass_mark);
}

/* Merges the slot's passes: a socket an earlier one had is dropped.
 * Returns 0 or -ENOMEM. */
static int target_merge(struct pass_target *g)
{
	size_t n;

	return g->k ? 0 : sock_table_dedupe_cookie(g->t, g->mark, &n);
}

/*
 * The sock_diag part of a slot, with the churn handling collect_run()
 * documents, into the table t or, streaming (k not NULL), into k (t is
 * then k's batch).  A failed later pass is dropped (target_dump()) and
 * leaves the slot unsettled.  Returns 0, -ENOMEM, the first pass's error
 * (t is then as before), or, streaming, an error that made k fatal.
 */
static int dump_settled(struct nl_transport *nl, const struct collect_spec *s,
			const struct proto_desc *d, enum sock_proto proto, uint8_t family,
			struct sock_table *t, struct stream_sink *k, struct collect_slot *slot)
{
	bool peers = proto == SOCK_PROTO_UNIX && (s->states & SOCK_STATES_ALL) == SOCK_STATES_ALL;
	struct pass_target g = { .t = t, .k = k, .mark = t->len };
	struct procnet_sockstat before, after;
	bool have_before, have_after, churn;
	size_t n, dropped, reads;
	int r;

	/* One small file read per dump: the counts a pass is judged by. */
	have_before = procnet_sock_counts_read(s->proc_root, family, &before) == 0;
	r = target_dump(&g, nl, s, d, proto, family, peers, false, &slot->netlink_dropped);
	if (r < 0)
		return r;
	slot->netlink_passes = 1;
	slot->netlink_reads = nl_transport_last_datagrams(nl);
	reads = slot->netlink_reads;
	for (;;) {
		if (reads <= 1) {
			/* One walk: consistent on its own; merge it, done. */
			r = target_merge(&g);
			slot->netlink_unsettled = false;
			return r;
		}
		have_after = procnet_sock_counts_read(s->proc_root, family, &after) == 0;
		/* Repeats inside this pass are a sign of churn... */
		r = target_pass_repeats(&g, &n);
		if (r < 0)
			return r;
		slot->netlink_repeats += n;
		churn = n > 0 || (have_before && have_after && !sockstat_equal(&before, &after));
		if (!churn && peers) {
			r = target_peer_missing(&g);
			if (r < 0)
				return r;
			churn = r == 1;
		}
		/* ...while a later pass meeting an earlier one's sockets is
		 * the merge, and says nothing (the first pass has no earlier
		 * one: it was deduplicated just above). */
		if (g.pass_mark != g.mark) {
			r = target_merge(&g);
			if (r < 0)
				return r;
		}
		slot->netlink_unsettled = churn;
		if (!churn || slot->netlink_passes >= COLLECT_MAX_PASSES)
			return 0;
		before = after;
		have_before = have_after;
		r = target_dump(&g, nl, s, d, proto, family, peers, true, &dropped);
		if (r == -ENOMEM || (k && k->fatal))
			return r;
		if (r < 0)
			return 0; /* keep what the earlier passes had */
		slot->netlink_passes++;
		if (dropped > slot->netlink_dropped)
			slot->netlink_dropped = dropped;
		reads = nl_transport_last_datagrams(nl);
		if (reads > slot->netlink_reads)
			slot->netlink_reads = reads;
	}
}

/*
 * One slot: sock_diag first (unless SOURCE_PROC), then /proc/net.  Returns 0
 * when the slot is settled (served, or legitimately absent), -ENOMEM, or the
 * error that makes the slot a failure.
 */
static int collect_slot(struct nl_transport *nl, int transport_error, const struct collect_spec *s,
			enum sock_proto proto, uint8_t family, struct sock_table *t,
			struct stream_sink *k, struct collect_slot *slot)
{
	const struct proto_desc *d = proto_get(proto);
	struct procnet_stats st = { 0 };
	size_t mark = t->len;
	int r;

	if (k)
		stream_slot_begin(k, false);
	if (s->source != SOURCE_PROC) {
		if (!nl)
			r = transport_error;
		else
			r = dump_settled(nl, s, d, proto, family, t, k, slot);
		if (r == 0) {
			slot->served = true;
			slot->source = SOCK_SOURCE_NETLINK;
			return k ? stream_slot_end(k) : 0;
		}
		/* Rows handed on cannot be taken back, nor listed twice by
		 * another source. */
		if (k && !stream_slot_undo(k)) {
			slot->netlink_error = r;
			return r;
		}
		/* Out of memory after a pass was appended (the merge): a slot
		 * that failed leaves nothing behind. */
		sock_table_truncate(t, mark);
		if (r == -ENOMEM)
			return r;
		slot->netlink_error = r;
		if (s->source == SOURCE_NETLINK) {
			/* No diag handler (e.g. no CONFIG_INET_RAW_DIAG) for a
			 * protocol the user did not name: nothing to list,
			 * not a failure of the sources asked for. */
			return r == -ENOENT && !s->protos_given ? 0 : r;
		}
		/* Malformed, truncated or interrupted dumps are worth a
		 * warning; "not available here" is not. */
		slot->noisy_fallback = !collect_is_quiet_fallback(r);
	}
	mark = t->len;
	r = procnet_collect_stats(s->proc_root, family, proto, s->states, t, &st);
	if (r == 0) {
		slot->proc_skipped = st.malformed;
		slot->proc_duplicates = st.duplicates;
		slot->proc_unaccounted = st.unaccounted;
		slot->served = true;
		slot->source = SOCK_SOURCE_PROC;
		return k ? stream_slot_end(k) : 0;
	}
	/* A read that failed half-way leaves nothing behind. */
	sock_table_truncate(t, mark);
	if (r == -ENOMEM)
		return r;
	slot->proc_error = r;
	/* Neither source knows the protocol: this kernel has none of those
	 * sockets (UDP-Lite or IPv6 compiled out, no raw table).  tcp, udp
	 * and unix always exist where /proc is mounted, so their absence
	 * means no /proc: a failure. */
	if (r == -ENOENT && slot_optional(d, family) &&
	    (slot->netlink_error == 0 || collect_is_quiet_fallback(slot->netlink_error)))
		return 0;
	return r;
}

/*
 * Both TCP slots from one dump of both families (diag_inet_build_request()
 * with AF_UNSPEC), settled as one: half the kernel's walking for the
 * commonest question.  slot4 and slot6 (proto and family set) are filled as
 * two per-family dumps would fill them.  Returns 0, -ENOMEM, or the dump's
 * error; on error t and both slots are as before, for the per-family path.
 */
static int collect_tcp_both(struct nl_transport *nl, const struct collect_spec *s,
			    struct sock_table *t, struct stream_sink *k, struct collect_slot *slot4,
			    struct collect_slot *slot6)
{
	const struct proto_desc *d = proto_get(SOCK_PROTO_TCP);
	const struct collect_slot empty4 = *slot4;
	size_t mark = t->len;
	int r;

	if (k) {
		stream_slot_begin(k, true);
		r = dump_settled(nl, s, d, SOCK_PROTO_TCP, AF_UNSPEC, t, k, slot4);
		if (r == 0)
			r = stream_slot_end(k);
		if (r < 0 && !stream_slot_undo(k)) {
			slot4->netlink_error = r;
			return r;
		}
	} else {
		r = dump_settled(nl, s, d, SOCK_PROTO_TCP, AF_UNSPEC, t, NULL, slot4);
		if (r == 0)
			r = partition_inet4_first(t, mark);
	}
	if (r < 0) {
		sock_table_truncate(t, mark);
		*slot4 = empty4;
		return r;
	}
	slot4->served = true;
	slot4->source = SOCK_SOURCE_NETLINK;
	*slot6 = *slot4;
	slot6->family = AF_INET6;
	return 0;
}

/* collect_run() into t, or, streaming (k not NULL), into k (t is k's batch). */
static int collect_run_to(const struct collect_spec *s, struct sock_table *t,
			  struct stream_sink *k, struct collect_report *ret_report)
{
	struct nl_transport *nl = NULL;
	struct collect_report *rep = ret_report;
	int first_err = 0, r;
	size_t proto, f, nfams;

	memset(rep, 0, sizeof(*rep));
	if (s->source != SOURCE_PROC) {
		rep->transport_error = nl_transport_open(&nl);
		if (rep->transport_error == -ENOMEM)
			return -ENOMEM;
	}

	/* Protocol-table order is output order: tcp, tcp6, udp, ... unix. */
	for (proto = 0; proto < _SOCK_PROTO_MAX; proto++) {
		uint8_t fams[2];

		nfams = proto_families((enum sock_proto)proto, fams);
		/* The combined dump is the old tcp_diag request, kept for the
		 * plain listing: extensions go through the per-family path. */
		if (proto == SOCK_PROTO_TCP && nl && s->source != SOURCE_PROC && !s->ext &&
		    collect_spec_wants(s, SOCK_PROTO_TCP, AF_INET) &&
		    collect_spec_wants(s, SOCK_PROTO_TCP, AF_INET6)) {
			struct collect_slot *slot4 = &rep->slots[rep->nslots];
			struct collect_slot *slot6 = slot4 + 1;

			slot4->proto = slot6->proto = SOCK_PROTO_TCP;
			slot4->family = AF_INET;
			slot6->family = AF_INET6;
			r = collect_tcp_both(nl, s, t, k, slot4, slot6);
			if (r == -ENOMEM || (k && k->fatal)) {
				/* The tcp slot is the one that failed. */
				memset(slot6, 0, sizeof(*slot6));
				rep->nslots++;
				first_err = r;
				goto out;
			}
			if (r == 0) {
				rep->nslots += 2;
				continue;
			}
			/* A kernel or a filter that refuses the old request:
			 * one dump per family, as ss does. */
			memset(slot4, 0, 2 * sizeof(*slot4));
		}
		for (f = 0; f < nfams; f++) {
			struct collect_slot *slot;

			if (!collect_spec_wants(s, (enum sock_proto)proto, fams[f]))
				continue;
			slot = &rep->slots[rep->nslots++];
			slot->proto = (uint8_t)proto;
			slot->family = fams[f];
			r = collect_slot(nl, rep->transport_error, s, (enum sock_proto)proto, fams[f], t,
					 k, slot);
			if (r == -ENOMEM || (k && k->fatal)) {
				first_err = r;
				goto out;
			}
			if (r < 0 && !first_err)
				first_err = r;
		}
	}
out:
	nl_transport_close(nl);
	return first_err;
}

int collect_run(const struct collect_spec *s, struct sock_table *t,
		struct collect_report *ret_report)
{
	return collect_run_to(s, t, NULL, ret_report);
}

int collect_run_stream(const struct collect_spec *s, const struct collect_stream *st,
		       struct collect_report *ret_report)
{
	struct stream_sink k;
	int r;

	memset(ret_report, 0, sizeof(*ret_report));
	if (s->ext || !st || !st->emit || st->batch_rows == 0)
		return -EINVAL;
	stream_sink_init(&k, st);
	r = collect_run_to(s, &k.batch, &k, ret_report);
	/* The last rows; after a failure the listing stops where it was. */
	if (r == 0)
		r = stream_flush(&k);
	stream_sink_free(&k);
	return r;
}

int collect_unix_lookup(const uint32_t *inodes, size_t n, bool by_dump, struct sock_table *t,
			size_t *ret_found)
{
	struct nl_transport *nl = NULL;
	struct sock_table all = { 0 };
	size_t i, dropped, mark = t->len;
	int r;

	*ret_found = 0;
	if (n == 0)
		return 0;
	r = nl_transport_open(&nl);
	if (r < 0)
		return r;
	if (!by_dump) {
		r = diag_unix_fetch(nl, inodes, n, t, ret_found);
		nl_transport_close(nl);
		return r;
	}
	r = diag_unix_collect(nl, SOCK_STATES_ALL, &all, &dropped);
	nl_transport_close(nl);
	for (i = 0; r == 0 && i < all.len; i++) {
		const struct sock_entry *e = &all.entries[i];

		if (!e->inode || !u32_sorted_has(inodes, n, e->inode))
			continue;
		r = sock_table_add(t, e, sock_table_name(&all, e), e->path_len);
	}
	sock_table_free(&all);
	if (r < 0) {
		sock_table_truncate(t, mark);
		return r;
	}
	/* A resumed dump may have sent one of them twice. */
	r = sock_table_dedupe_cookie(t, mark, &dropped);
	if (r < 0) {
		sock_table_truncate(t, mark);
		return r;
	}
	*ret_found = t->len - mark;
	return 0;
}

int collect_inet_inodes(uint32_t protos, uint32_t **ret, size_t *ret_len)
{
	struct nl_transport *nl = NULL;
	uint32_t *v = NULL;
	size_t len = 0, cap = 0, i;
	unsigned int proto;
	int r;

	*ret = NULL;
	*ret_len = 0;
	r = nl_transport_open(&nl);
	if (r < 0)
		return r;
	for (proto = 0; proto < _SOCK_PROTO_MAX && r != -ENOMEM; proto++) {
		const struct proto_desc *d = proto_get((enum sock_proto)proto);
		static const uint8_t fams[] = { AF_INET, AF_INET6 };

		if (!d || d->diag != PROTO_DIAG_INET || !(protos & SOCK_PROTO_BIT(proto)))
			continue;
		/* TCP: both families in one walk when the kernel takes it. */
		if (proto == SOCK_PROTO_TCP) {
			r = diag_inet_collect_inodes(nl, AF_UNSPEC, SOCK_PROTO_TCP, &v, &len, &cap);
			if (r == 0 || r == -ENOMEM)
				continue;
		}
		/* A table the kernel lacks (no handler, no IPv6) has none. */
		for (i = 0; i < 2 && r != -ENOMEM; i++)
			r = diag_inet_collect_inodes(nl, fams[i], (enum sock_proto)proto, &v, &len,
						     &cap);
	}
	nl_transport_close(nl);
	if (r == -ENOMEM) {
		free(v);
		return r;
	}
	*ret = v;
	*ret_len = u32_sort_unique(v, len);
	return 0;
}
