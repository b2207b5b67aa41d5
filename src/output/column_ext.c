/* SPDX-License-Identifier: MIT */
/*
 * The extension columns.  Text follows ss's vocabulary (timer:(...),
 * skmem:(...), sk:, the tcp_info key:value words in ss's order and with
 * ss's rules for what is shown); JSON keeps the kernel's numbers, with the
 * unit in the key, and null for what the kernel did not send (an older
 * kernel's shorter tcp_info, a socket without a record).
 *
 * A cell that is not the last of its row must stay one field: the spaces
 * between ss's words become ',' there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "column_ext.h"
#include "lsock/sock_ext.h"

static const struct sock_ext *ext_of(const struct render_ctx *c, const struct sock_entry *e,
				     unsigned have)
{
	const struct sock_ext *x = sock_table_ext(c->table, e);

	return x && (x->have & have) ? x : NULL;
}

/* ---- timer ---------------------------------------------------------------- */

/*
 * ss's form of a time in ms, quirks included, so that scripts written for
 * ss read it: minutes ("119min"), then seconds only below ten minutes, then
 * milliseconds only below ten seconds and without minutes.  Seconds with
 * milliseconds are "S." and "MMMms" ("4.936ms" is 4.936 s); whole seconds
 * are "Ssec"; 0 is "".
 */
static void put_ms_timer(struct outbuf *o, uint32_t ms)
{
	char buf[48];
	uint32_t minutes = ms / 60000, secs = ms / 1000 % 60, msecs = ms % 1000;
	size_t n = 0;

	buf[0] = '\0';
	if (minutes) {
		msecs = 0;
		n += (size_t)snprintf(buf, sizeof(buf), "%umin", minutes);
		if (minutes > 9)
			secs = 0;
	}
	if (secs) {
		if (secs > 9)
			msecs = 0;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%u%s", secs, msecs ? "." : "sec");
	}
	if (msecs)
		snprintf(buf + n, sizeof(buf) - n, "%03ums", msecs);
	outbuf_puts(o, buf);
}

CELL_TEXT(timer)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_TIMER);

	(void)last;
	if (!x || x->timer_kind == SOCK_TIMER_OFF) {
		outbuf_putc(o, '-');
		return;
	}
	outbuf_puts(o, "timer:(");
	outbuf_puts(o, sock_timer_name(x->timer_kind));
	outbuf_putc(o, ',');
	put_ms_timer(o, x->timer_expires_ms);
	outbuf_putc(o, ',');
	outbuf_u64(o, x->timer_retrans);
	outbuf_putc(o, ')');
}

CELL_JSON(timer)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_TIMER);

	json_key(w, "timer");
	if (!x || x->timer_kind == SOCK_TIMER_OFF) {
		json_null(w);
		return;
	}
	json_begin_object(w);
	json_key(w, "kind");
	json_cstring(w, sock_timer_name(x->timer_kind));
	json_key(w, "expires_ms");
	json_u64(w, x->timer_expires_ms);
	json_key(w, "retrans");
	json_u64(w, x->timer_retrans);
	json_end_object(w);
}

/* ---- sk, shutdown ---------------------------------------------------------- */

CELL_TEXT(sk)
{
	char buf[32];

	(void)c;
	(void)last;
	if (!(e->flags & SOCK_F_COOKIE_KNOWN)) {
		outbuf_putc(o, '-');
		return;
	}
	snprintf(buf, sizeof(buf), "sk:%llx", (unsigned long long)e->cookie);
	outbuf_puts(o, buf);
}

/* ss's arrows: '<' while the socket still reads, '>' while it still
 * writes; a '-' for each direction shut down (RCV_SHUTDOWN 1, SEND 2). */
CELL_TEXT(shutdown)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_SHUTDOWN);

	(void)last;
	if (!x) {
		outbuf_putc(o, '-');
		return;
	}
	outbuf_putc(o, x->shutdown & 1 ? '-' : '<');
	outbuf_putc(o, '-');
	outbuf_putc(o, x->shutdown & 2 ? '-' : '>');
}

CELL_JSON(shutdown)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_SHUTDOWN);

	json_key(w, "shutdown");
	if (!x) {
		json_null(w);
		return;
	}
	json_begin_object(w);
	json_key(w, "read");
	json_bool(w, x->shutdown & 1);
	json_key(w, "write");
	json_bool(w, x->shutdown & 2);
	json_end_object(w);
}

/* ---- UNIX vfs, pending connections ------------------------------------------ */

/* The kernel's new_encode_dev(): minor in bits 0-7 and 20-31, major in 8-19. */
static unsigned dev_major(uint32_t dev)
{
	return (dev & 0xfff00) >> 8;
}

static unsigned dev_minor(uint32_t dev)
{
	return (dev & 0xff) | ((dev >> 12) & 0xfff00);
}

CELL_TEXT(vfs)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_VFS);
	char buf[64];

	(void)last;
	if (!x) {
		outbuf_putc(o, '-');
		return;
	}
	snprintf(buf, sizeof(buf), "vfs:(%u:%u,%u)", dev_major(x->vfs_dev), dev_minor(x->vfs_dev),
		 x->vfs_ino);
	outbuf_puts(o, buf);
}

CELL_JSON(vfs)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_VFS);

	json_key(w, "vfs");
	if (!x) {
		json_null(w);
		return;
	}
	json_begin_object(w);
	json_key(w, "dev_major");
	json_u64(w, dev_major(x->vfs_dev));
	json_key(w, "dev_minor");
	json_u64(w, dev_minor(x->vfs_dev));
	json_key(w, "inode");
	json_u64(w, x->vfs_ino);
	json_end_object(w);
}

CELL_TEXT(pending)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_ICONS);
	const uint32_t *v;
	size_t i;

	(void)last;
	if (!x) {
		outbuf_putc(o, '-');
		return;
	}
	v = sock_table_ext_icons(c->table, x);
	outbuf_puts(o, "icons:(");
	for (i = 0; v && i < x->icons_n; i++) {
		if (i)
			outbuf_putc(o, ',');
		outbuf_u64(o, v[i]);
	}
	outbuf_putc(o, ')');
}

CELL_JSON(pending)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_ICONS);
	const uint32_t *v;
	size_t i;

	json_key(w, "pending");
	if (!x) {
		json_null(w);
		return;
	}
	v = sock_table_ext_icons(c->table, x);
	json_begin_array(w);
	for (i = 0; v && i < x->icons_n; i++)
		json_u64(w, v[i]);
	json_end_array(w);
}

/* ---- skmem ------------------------------------------------------------------- */

static const char *const skmem_text[_SOCK_SKMEM_MAX] = {
	"r", "rb", "t", "tb", "f", "w", "o", "bl", "d",
};

static const char *const skmem_keys[_SOCK_SKMEM_MAX] = {
	"rmem_alloc", "rcvbuf", "wmem_alloc", "sndbuf", "fwd_alloc",
	"wmem_queued", "optmem", "backlog", "drops",
};

CELL_TEXT(skmem)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_SKMEM);
	size_t i;

	(void)last;
	if (!x) {
		outbuf_putc(o, '-');
		return;
	}
	outbuf_puts(o, "skmem:(");
	for (i = 0; i < x->skmem_n && i < _SOCK_SKMEM_MAX; i++) {
		if (i)
			outbuf_putc(o, ',');
		outbuf_puts(o, skmem_text[i]);
		outbuf_u64(o, x->skmem[i]);
	}
	outbuf_putc(o, ')');
}

CELL_JSON(skmem)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_SKMEM);
	size_t i;

	json_key(w, "skmem");
	if (!x) {
		json_null(w);
		return;
	}
	json_begin_object(w);
	for (i = 0; i < _SOCK_SKMEM_MAX; i++) {
		json_key(w, skmem_keys[i]);
		if (i < x->skmem_n)
			json_u64(w, x->skmem[i]);
		else
			json_null(w);
	}
	json_end_object(w);
}

/* ---- tcp_info: text ----------------------------------------------------------- */

/* TCPI_OPT_* (include/uapi/linux/tcp.h). */
#define OPT_TIMESTAMPS 1u
#define OPT_SACK 2u
#define OPT_WSCALE 4u
#define OPT_ECN 8u
#define OPT_ECN_SEEN 16u
#define OPT_SYN_DATA 32u

/* Writes ss's words, separated by a space (or ',' inside a row). */
struct words {
	struct outbuf *o;
	bool last;
	bool any;
};

static void word(struct words *w, const char *s)
{
	if (w->any)
		outbuf_putc(w->o, w->last ? ' ' : ',');
	w->any = true;
	outbuf_puts(w->o, s);
}

__attribute__((format(printf, 2, 3))) static void wordf(struct words *w, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* "send 10Mbps" is one word of ss's; inside a row it must not split */
	for (i = 0; !w->last && buf[i]; i++)
		if (buf[i] == ' ')
			buf[i] = ':';
	word(w, buf);
}

/* ss's rate: raw bits per second with -n, else K/M/G with one decimal. */
static void sprint_bw(char *buf, size_t len, double bw, bool numeric)
{
	if (numeric)
		snprintf(buf, len, "%.0f", bw);
	else if (bw > 1000000000.)
		snprintf(buf, len, "%.1fG", bw / 1000000000.);
	else if (bw > 1000000.)
		snprintf(buf, len, "%.1fM", bw / 1000000.);
	else if (bw > 1000.)
		snprintf(buf, len, "%.1fK", bw / 1000.);
	else
		snprintf(buf, len, "%g", bw);
}

/* ss's computed send rate: cwnd * mss * 8 bits per rtt, in bits/s; 0 when
 * any of them is unknown or 0. */
static double send_rate_bps(const struct sock_ext *x)
{
	const struct sock_tcp_info *i = &x->info;

	if (!sock_ext_info_has(x, snd_cwnd) || !i->rtt || !i->snd_mss || !i->snd_cwnd)
		return 0;
	return (double)i->snd_cwnd * (double)i->snd_mss * 8000000. / (double)i->rtt;
}

#define HAS(f) sock_ext_info_has(x, f)

static void text_cc(struct words *w, const struct sock_ext *x, bool numeric)
{
	char bw[32];

	if (x->have & SOCK_EXT_HAVE_BBR) {
		double b = (double)((uint64_t)x->cc[1] << 32 | x->cc[0]) * 8.;

		char gains[64] = "";
		size_t n = 0;

		/* ss leaves out a gain of 0 */
		if (x->cc[3])
			n += (size_t)snprintf(gains, sizeof(gains), ",pacing_gain:%g",
					      (double)x->cc[3] / 256.);
		if (x->cc[4] && n < sizeof(gains))
			snprintf(gains + n, sizeof(gains) - n, ",cwnd_gain:%g", (double)x->cc[4] / 256.);
		sprint_bw(bw, sizeof(bw), b, numeric);
		wordf(w, "bbr:(bw:%sbps,mrtt:%g%s)", bw, (double)x->cc[2] / 1000., gains);
	} else if ((x->have & SOCK_EXT_HAVE_DCTCP) && x->cc[0]) {
		wordf(w, "dctcp:(ce_state:%u,alpha:%u,ab_ecn:%u,ab_tot:%u)", x->cc[1], x->cc[2],
		      x->cc[3], x->cc[4]);
	} else if (x->have & SOCK_EXT_HAVE_DCTCP) {
		word(w, "dctcp:fallback_mode");
	}
}

/* The words of ss -i, in ss's order, each only when non-zero (ss's rule;
 * rto hidden at its 3 s default, ssthresh only below 0xffff, reordering
 * only when not 3). */
static void text_info(struct words *w, const struct sock_ext *x, bool numeric)
{
	const struct sock_tcp_info *i = &x->info;
	char a[32], b[32];
	double send;

	if (HAS(options)) {
		if (i->options & OPT_TIMESTAMPS)
			word(w, "ts");
		if (i->options & OPT_SACK)
			word(w, "sack");
		if (i->options & OPT_ECN)
			word(w, "ecn");
		if (i->options & OPT_ECN_SEEN)
			word(w, "ecnseen");
		if (i->options & OPT_SYN_DATA)
			word(w, "fastopen");
	}
	if (x->have & SOCK_EXT_HAVE_CONG)
		word(w, x->cong);
	if (HAS(wscale) && (i->options & OPT_WSCALE))
		wordf(w, "wscale:%u,%u", i->wscale & 0xf, i->wscale >> 4);
	if (HAS(rto) && i->rto && i->rto != 3000000)
		wordf(w, "rto:%g", (double)i->rto / 1000.);
	if (HAS(backoff) && i->backoff)
		wordf(w, "backoff:%u", i->backoff);
	if (HAS(rttvar) && i->rtt)
		wordf(w, "rtt:%g/%g", (double)i->rtt / 1000., (double)i->rttvar / 1000.);
	if (HAS(ato) && i->ato)
		wordf(w, "ato:%g", (double)i->ato / 1000.);
	if (HAS(snd_mss) && i->snd_mss)
		wordf(w, "mss:%u", i->snd_mss);
	if (HAS(pmtu) && i->pmtu)
		wordf(w, "pmtu:%u", i->pmtu);
	if (HAS(rcv_mss) && i->rcv_mss)
		wordf(w, "rcvmss:%u", i->rcv_mss);
	if (HAS(advmss) && i->advmss)
		wordf(w, "advmss:%u", i->advmss);
	if (HAS(snd_cwnd) && i->snd_cwnd)
		wordf(w, "cwnd:%u", i->snd_cwnd);
	if (HAS(snd_ssthresh) && i->snd_ssthresh && i->snd_ssthresh < 0xffff)
		wordf(w, "ssthresh:%u", i->snd_ssthresh);
	if (HAS(bytes_sent) && i->bytes_sent)
		wordf(w, "bytes_sent:%llu", (unsigned long long)i->bytes_sent);
	if (HAS(bytes_retrans) && i->bytes_retrans)
		wordf(w, "bytes_retrans:%llu", (unsigned long long)i->bytes_retrans);
	if (HAS(bytes_acked) && i->bytes_acked)
		wordf(w, "bytes_acked:%llu", (unsigned long long)i->bytes_acked);
	if (HAS(bytes_received) && i->bytes_received)
		wordf(w, "bytes_received:%llu", (unsigned long long)i->bytes_received);
	if (HAS(segs_out) && i->segs_out)
		wordf(w, "segs_out:%u", i->segs_out);
	if (HAS(segs_in) && i->segs_in)
		wordf(w, "segs_in:%u", i->segs_in);
	if (HAS(data_segs_out) && i->data_segs_out)
		wordf(w, "data_segs_out:%u", i->data_segs_out);
	if (HAS(data_segs_in) && i->data_segs_in)
		wordf(w, "data_segs_in:%u", i->data_segs_in);
	text_cc(w, x, numeric);
	send = send_rate_bps(x);
	if (send > 0) {
		sprint_bw(a, sizeof(a), send, numeric);
		wordf(w, "send %sbps", a);
	}
	if (HAS(last_data_sent) && i->last_data_sent)
		wordf(w, "lastsnd:%u", i->last_data_sent);
	if (HAS(last_data_recv) && i->last_data_recv)
		wordf(w, "lastrcv:%u", i->last_data_recv);
	if (HAS(last_ack_recv) && i->last_ack_recv)
		wordf(w, "lastack:%u", i->last_ack_recv);
	if (HAS(pacing_rate) && i->pacing_rate && i->pacing_rate != UINT64_MAX) {
		sprint_bw(a, sizeof(a), (double)i->pacing_rate * 8., numeric);
		if (HAS(max_pacing_rate) && i->max_pacing_rate != UINT64_MAX) {
			sprint_bw(b, sizeof(b), (double)i->max_pacing_rate * 8., numeric);
			wordf(w, "pacing_rate %sbps/%sbps", a, b);
		} else {
			wordf(w, "pacing_rate %sbps", a);
		}
	}
	if (HAS(delivery_rate) && i->delivery_rate) {
		sprint_bw(a, sizeof(a), (double)i->delivery_rate * 8., numeric);
		wordf(w, "delivery_rate %sbps", a);
	}
	if (HAS(delivered) && i->delivered)
		wordf(w, "delivered:%u", i->delivered);
	if (HAS(delivered_ce) && i->delivered_ce)
		wordf(w, "delivered_ce:%u", i->delivered_ce);
	if (HAS(rate_flags) && (i->rate_flags & 1))
		word(w, "app_limited");
	if (HAS(busy_time) && i->busy_time) {
		wordf(w, "busy:%llums", (unsigned long long)(i->busy_time / 1000));
		if (HAS(rwnd_limited) && i->rwnd_limited)
			wordf(w, "rwnd_limited:%llums(%.1f%%)",
			      (unsigned long long)(i->rwnd_limited / 1000),
			      100.0 * (double)i->rwnd_limited / (double)i->busy_time);
		if (HAS(sndbuf_limited) && i->sndbuf_limited)
			wordf(w, "sndbuf_limited:%llums(%.1f%%)",
			      (unsigned long long)(i->sndbuf_limited / 1000),
			      100.0 * (double)i->sndbuf_limited / (double)i->busy_time);
	}
	if (HAS(unacked) && i->unacked)
		wordf(w, "unacked:%u", i->unacked);
	if (HAS(total_retrans) && (i->retrans || i->total_retrans))
		wordf(w, "retrans:%u/%u", i->retrans, i->total_retrans);
	if (HAS(lost) && i->lost)
		wordf(w, "lost:%u", i->lost);
	/* A listener's sacked is its backlog limit (tcp_get_info()): ss hides it. */
	if (HAS(sacked) && i->sacked && i->state != 10 /* TCP_LISTEN */)
		wordf(w, "sacked:%u", i->sacked);
	if (HAS(dsack_dups) && i->dsack_dups)
		wordf(w, "dsack_dups:%u", i->dsack_dups);
	if (HAS(fackets) && i->fackets)
		wordf(w, "fackets:%u", i->fackets);
	if (HAS(reordering) && i->reordering != 3)
		wordf(w, "reordering:%u", i->reordering);
	if (HAS(reord_seen) && i->reord_seen)
		wordf(w, "reord_seen:%u", i->reord_seen);
	if (HAS(rcv_rtt) && i->rcv_rtt)
		wordf(w, "rcv_rtt:%g", (double)i->rcv_rtt / 1000.);
	if (HAS(rcv_space) && i->rcv_space)
		wordf(w, "rcv_space:%u", i->rcv_space);
	if (HAS(rcv_ssthresh) && i->rcv_ssthresh)
		wordf(w, "rcv_ssthresh:%u", i->rcv_ssthresh);
	if (HAS(notsent_bytes) && i->notsent_bytes)
		wordf(w, "notsent:%u", i->notsent_bytes);
	if (HAS(min_rtt) && i->min_rtt && i->min_rtt != UINT32_MAX)
		wordf(w, "minrtt:%g", (double)i->min_rtt / 1000.);
	if (HAS(snd_wnd) && i->snd_wnd)
		wordf(w, "snd_wnd:%u", i->snd_wnd);
	if (HAS(rcv_wnd) && i->rcv_wnd)
		wordf(w, "rcv_wnd:%u", i->rcv_wnd);
	if (HAS(rehash) && i->rehash)
		wordf(w, "rehash:%u", i->rehash);
}

CELL_TEXT(tcp_info)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_INFO | SOCK_EXT_HAVE_CONG);
	struct words w = { .o = o, .last = last };

	if (x && (x->have & SOCK_EXT_HAVE_INFO))
		text_info(&w, x, c->services == NULL);
	else if (x)
		word(&w, x->cong);
	if (!w.any)
		outbuf_putc(o, '-');
}

/* ---- tcp_info: JSON -------------------------------------------------------------- */

/* A tcp_info field as JSON: its key (with its unit), where it is, and the
 * factor to the unit (8: bytes/s to bits/s). */
struct info_field {
	const char *key;
	uint16_t off;
	uint8_t size;
	uint8_t mul;
};

#define F(k, f, m)                                                                                 \
	{ k, offsetof(struct sock_tcp_info, f), sizeof(((struct sock_tcp_info *)0)->f), m }

/* In struct order; the bit fields (wscale, app_limited, fastopen_client_fail)
 * and the options bits are written apart. */
static const struct info_field info_fields[] = {
	F("retransmits", retransmits, 1),
	F("probes", probes, 1),
	F("backoff", backoff, 1),
	F("rto_us", rto, 1),
	F("ato_us", ato, 1),
	F("snd_mss", snd_mss, 1),
	F("rcv_mss", rcv_mss, 1),
	F("unacked", unacked, 1),
	F("sacked", sacked, 1),
	F("lost", lost, 1),
	F("retrans", retrans, 1),
	F("fackets", fackets, 1),
	F("last_data_sent_ms", last_data_sent, 1),
	F("last_data_recv_ms", last_data_recv, 1),
	F("last_ack_recv_ms", last_ack_recv, 1),
	F("pmtu", pmtu, 1),
	F("rcv_ssthresh", rcv_ssthresh, 1),
	F("rtt_us", rtt, 1),
	F("rttvar_us", rttvar, 1),
	F("snd_ssthresh", snd_ssthresh, 1),
	F("snd_cwnd", snd_cwnd, 1),
	F("advmss", advmss, 1),
	F("reordering", reordering, 1),
	F("rcv_rtt_us", rcv_rtt, 1),
	F("rcv_space", rcv_space, 1),
	F("total_retrans", total_retrans, 1),
	F("pacing_rate_bps", pacing_rate, 8),
	F("max_pacing_rate_bps", max_pacing_rate, 8),
	F("bytes_acked", bytes_acked, 1),
	F("bytes_received", bytes_received, 1),
	F("segs_out", segs_out, 1),
	F("segs_in", segs_in, 1),
	F("notsent_bytes", notsent_bytes, 1),
	F("min_rtt_us", min_rtt, 1),
	F("data_segs_in", data_segs_in, 1),
	F("data_segs_out", data_segs_out, 1),
	F("delivery_rate_bps", delivery_rate, 8),
	F("busy_time_us", busy_time, 1),
	F("rwnd_limited_us", rwnd_limited, 1),
	F("sndbuf_limited_us", sndbuf_limited, 1),
	F("delivered", delivered, 1),
	F("delivered_ce", delivered_ce, 1),
	F("bytes_sent", bytes_sent, 1),
	F("bytes_retrans", bytes_retrans, 1),
	F("dsack_dups", dsack_dups, 1),
	F("reord_seen", reord_seen, 1),
	F("rcv_ooopack", rcv_ooopack, 1),
	F("snd_wnd", snd_wnd, 1),
	F("rcv_wnd", rcv_wnd, 1),
	F("rehash", rehash, 1),
	F("total_rto", total_rto, 1),
	F("total_rto_recoveries", total_rto_recoveries, 1),
	F("total_rto_time_ms", total_rto_time, 1),
	F("received_ce", received_ce, 1),
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t field_value(const struct sock_tcp_info *i, const struct info_field *f)
{
	const uint8_t *p = (const uint8_t *)i + f->off;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	switch (f->size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	}
	memcpy(&v64, p, 8);
	return v64;
}

/* tcp_ca_state (include/net/tcp.h: TCP_CA_Open ... TCP_CA_Loss). */
static const char *const ca_states[] = { "open", "disorder", "cwr", "recovery", "loss" };

static void json_opt_bool(struct json_writer *w, const char *key, bool known, bool v)
{
	json_key(w, key);
	if (known)
		json_bool(w, v);
	else
		json_null(w);
}

static void json_cc(struct json_writer *w, const struct sock_ext *x)
{
	json_key(w, "bbr");
	if (x->have & SOCK_EXT_HAVE_BBR) {
		json_begin_object(w);
		json_key(w, "bw_bps");
		json_u64(w, ((uint64_t)x->cc[1] << 32 | x->cc[0]) * 8);
		json_key(w, "min_rtt_us");
		json_u64(w, x->cc[2]);
		json_key(w, "pacing_gain_x256");
		json_u64(w, x->cc[3]);
		json_key(w, "cwnd_gain_x256");
		json_u64(w, x->cc[4]);
		json_end_object(w);
	} else {
		json_null(w);
	}
	json_key(w, "dctcp");
	if (x->have & SOCK_EXT_HAVE_DCTCP) {
		json_begin_object(w);
		json_key(w, "enabled");
		json_bool(w, x->cc[0] != 0);
		json_key(w, "ce_state");
		json_u64(w, x->cc[1]);
		json_key(w, "alpha");
		json_u64(w, x->cc[2]);
		json_key(w, "ab_ecn");
		json_u64(w, x->cc[3]);
		json_key(w, "ab_tot");
		json_u64(w, x->cc[4]);
		json_end_object(w);
	} else {
		json_null(w);
	}
}

CELL_JSON(tcp_info)
{
	const struct sock_ext *x = ext_of(c, e, SOCK_EXT_HAVE_INFO | SOCK_EXT_HAVE_CONG);
	const struct sock_tcp_info *i;
	bool wscale;
	size_t k;
	double send;

	json_key(w, "tcp_info");
	if (!x) {
		json_null(w);
		return;
	}
	i = &x->info;
	json_begin_object(w);
	json_key(w, "congestion");
	json_cstring(w, x->have & SOCK_EXT_HAVE_CONG ? x->cong : NULL);
	json_key(w, "ca_state");
	if (HAS(ca_state))
		json_cstring(w, i->ca_state < ARRAY_SIZE(ca_states) ? ca_states[i->ca_state]
								   : "unknown");
	else
		json_null(w);
	json_opt_bool(w, "ts", HAS(options), i->options & OPT_TIMESTAMPS);
	json_opt_bool(w, "sack", HAS(options), i->options & OPT_SACK);
	json_opt_bool(w, "ecn", HAS(options), i->options & OPT_ECN);
	json_opt_bool(w, "ecn_seen", HAS(options), i->options & OPT_ECN_SEEN);
	json_opt_bool(w, "fastopen", HAS(options), i->options & OPT_SYN_DATA);
	wscale = HAS(wscale) && (i->options & OPT_WSCALE);
	json_key(w, "snd_wscale");
	if (wscale)
		json_u64(w, i->wscale & 0xf);
	else
		json_null(w);
	json_key(w, "rcv_wscale");
	if (wscale)
		json_u64(w, i->wscale >> 4);
	else
		json_null(w);
	json_opt_bool(w, "delivery_rate_app_limited", HAS(rate_flags), i->rate_flags & 1);
	json_key(w, "fastopen_client_fail");
	if (HAS(rate_flags))
		json_u64(w, (i->rate_flags >> 1) & 3);
	else
		json_null(w);
	for (k = 0; k < ARRAY_SIZE(info_fields); k++) {
		const struct info_field *f = &info_fields[k];
		uint64_t v;

		json_key(w, f->key);
		if (x->info_len < f->off + f->size) {
			json_null(w);
			continue;
		}
		v = field_value(i, f);
		/* ~0 is "unlimited" (max_pacing_rate, pacing_rate without pacing) */
		if (f->mul > 1 && v > UINT64_MAX / f->mul)
			json_null(w);
		else
			json_u64(w, v * f->mul);
	}
	send = send_rate_bps(x);
	json_key(w, "send_rate_bps");
	if (send > 0)
		json_u64(w, (uint64_t)send);
	else
		json_null(w);
	json_cc(w, x);
	json_end_object(w);
}
