/* SPDX-License-Identifier: MIT */
/*
 * sock_diag extensions: the request bits, the parsers on recorded dumps
 * (tests/fixtures/diag_*_ext.nl, see README-nl.md) and on hand-made
 * messages (a shorter and a longer tcp_info, bad attributes), the table's
 * extension arena, and the JSON of a short tcp_info (null for what an older
 * kernel does not send).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "lsock/columns.h"
#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "lsock/sock_ext.h"
#include "nl_builder.h"

/* ---- requests ------------------------------------------------------------ */

static void test_request_bits(void **state)
{
	uint8_t a[DIAG_REQ_MAX] __attribute__((aligned(4)));
	uint8_t b[DIAG_REQ_MAX] __attribute__((aligned(4)));
	const struct inet_diag_req_v2 *req;
	const struct unix_diag_req *ureq;
	int la, lb;

	(void)state;
	/* No extension: the very bytes of the plain request (-tan costs nothing). */
	la = diag_inet_build_request(a, sizeof(a), AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL);
	lb = diag_inet_build_request_ext(b, sizeof(b), AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, (size_t)la);
	la = diag_unix_build_request(a, sizeof(a), SOCK_STATES_ALL);
	lb = diag_unix_build_request_show(b, sizeof(b), SOCK_STATES_ALL, 0, 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, (size_t)la);
	la = diag_unix_build_exact_request(a, sizeof(a), 77);
	lb = diag_unix_build_request_show(b, sizeof(b), 0, 0, 77);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, (size_t)la);

	/* What each part asks for, as ss -i and -m do. */
	assert_int_equal(diag_inet_ext_bits(0), 0);
	assert_int_equal(diag_inet_ext_bits(SOCK_EXT_TIMER | SOCK_EXT_SHUTDOWN), 0);
	assert_int_equal(diag_inet_ext_bits(SOCK_EXT_INFO),
			 (1u << (INET_DIAG_INFO - 1)) | (1u << (INET_DIAG_VEGASINFO - 1)) |
				 (1u << (INET_DIAG_CONG - 1)));
	assert_int_equal(diag_inet_ext_bits(SOCK_EXT_MEMORY),
			 (1u << (INET_DIAG_MEMINFO - 1)) | (1u << (INET_DIAG_SKMEMINFO - 1)));
	assert_int_equal(diag_unix_show_bits(SOCK_EXT_MEMORY | SOCK_EXT_VFS),
			 UDIAG_SHOW_MEMINFO | UDIAG_SHOW_VFS);
	/* ICONS never in a dump: asked listener by listener */
	assert_int_equal(diag_unix_show_bits(SOCK_EXT_ICONS), 0);

	lb = diag_inet_build_request_ext(b, sizeof(b), AF_INET6, SOCK_PROTO_TCP, SOCK_STATES_ALL,
					 diag_inet_ext_bits(SOCK_EXT_INFO | SOCK_EXT_MEMORY));
	req = (const struct inet_diag_req_v2 *)(b + NLMSG_HDRLEN);
	assert_int_equal(req->idiag_ext, 0x4f);
	lb = diag_unix_build_request_show(b, sizeof(b), SOCK_STATES_ALL, UDIAG_SHOW_VFS, 0);
	ureq = (const struct unix_diag_req *)(b + NLMSG_HDRLEN);
	assert_int_equal(ureq->udiag_show,
			 UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID |
				 UDIAG_SHOW_VFS);
	lb = diag_unix_build_request_show(b, sizeof(b), 0, UDIAG_SHOW_ICONS, 99);
	ureq = (const struct unix_diag_req *)(b + NLMSG_HDRLEN);
	assert_int_equal(ureq->udiag_ino, 99);
	assert_true(ureq->udiag_show & UDIAG_SHOW_ICONS);
	assert_false(((const struct nlmsghdr *)b)->nlmsg_flags & NLM_F_DUMP);
}

/* ---- recorded dumps ------------------------------------------------------- */

struct replay {
	struct sock_table t;
	struct diag_ext_sink sink;
	bool is_unix;
};

static int replay_cb(const struct nlmsghdr *nlh, void *data)
{
	struct replay *rp = data;

	return rp->is_unix ? diag_unix_record_ext(nlh, &rp->sink)
			   : diag_inet_record_ext(nlh, &rp->sink);
}

static int replay(const char *name, bool is_unix, unsigned parts, struct replay *rp)
{
	const struct nlmsghdr *h;
	uint8_t *buf;
	size_t len;
	int r;

	memset(rp, 0, sizeof(*rp));
	rp->is_unix = is_unix;
	rp->sink.base.t = &rp->t;
	rp->sink.base.proto = is_unix ? SOCK_PROTO_UNIX : SOCK_PROTO_TCP;
	rp->sink.parts = parts;
	buf = load_fixture(name, &len);
	h = (const struct nlmsghdr *)buf;
	r = nl_transport_parse(buf, len, h->nlmsg_seq, h->nlmsg_pid, replay_cb, rp);
	free(buf);
	return r;
}

static const struct sock_entry *by_inode(const struct sock_table *t, uint32_t inode)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->entries[i].inode == inode)
			return &t->entries[i];
	fail_msg("no inode %u", inode);
	return NULL;
}

#define ALL_PARTS                                                                                  \
	(SOCK_EXT_TIMER | SOCK_EXT_SHUTDOWN | SOCK_EXT_INFO | SOCK_EXT_MEMORY | SOCK_EXT_VFS |     \
	 SOCK_EXT_ICONS)

static void test_replay_tcp_ext(void **state)
{
	const struct sock_ext *x;
	struct replay rp;

	(void)state;
	assert_int_equal(replay("diag_tcp4_ext.nl", false, ALL_PARTS, &rp), 0);
	/* the three sockets of this scenario, and the four AF_INET TCP sockets
	 * of diag_tcp4.nl and diag_tcp6.nl, still open */
	assert_int_equal(rp.t.len, 7);
	assert_int_equal(rp.sink.base.dropped, 0);
	assert_int_equal(rp.t.exts_len, 7);

	/* the listener: no timer, a tcp_info, memory */
	x = sock_table_ext(&rp.t, by_inode(&rp.t, 298105562));
	assert_non_null(x);
	assert_true(x->have & SOCK_EXT_HAVE_TIMER);
	assert_int_equal(x->timer_kind, SOCK_TIMER_OFF);
	assert_int_equal(x->info_len, 280);
	assert_int_equal(x->info.state, 10 /* TCP_LISTEN */);
	assert_int_equal(x->info.sacked, 9); /* a listener's backlog limit */

	/* the client: keepalive 600 s, cubic, 1000 bytes sent, FIN received */
	x = sock_table_ext(&rp.t, by_inode(&rp.t, 298105563));
	assert_non_null(x);
	assert_int_equal(x->timer_kind, SOCK_TIMER_KEEPALIVE);
	assert_true(x->timer_expires_ms <= 600000 && x->timer_expires_ms > 590000);
	assert_int_equal(x->timer_retrans, 0);
	assert_true(x->have & SOCK_EXT_HAVE_SHUTDOWN);
	assert_int_equal(x->shutdown, 1); /* RCV_SHUTDOWN */
	assert_true(x->have & SOCK_EXT_HAVE_CONG);
	assert_string_equal(x->cong, "cubic");
	assert_int_equal(x->info_len, sizeof(struct sock_tcp_info));
	assert_true(sock_ext_info_has(x, received_ce));
	assert_int_equal(x->info.bytes_sent, 1000);
	assert_int_equal(x->info.snd_cwnd, 10);
	assert_true(x->info.rtt > 0);
	assert_true(x->have & SOCK_EXT_HAVE_SKMEM);
	assert_int_equal(x->skmem_n, _SOCK_SKMEM_MAX);
	assert_true(x->skmem[SOCK_SKMEM_RCVBUF] > 0 && x->skmem[SOCK_SKMEM_SNDBUF] > 0);
	assert_true(x->have & SOCK_EXT_HAVE_MEMINFO);
	assert_false(x->have & (SOCK_EXT_HAVE_BBR | SOCK_EXT_HAVE_DCTCP));

	/* the accepted end: shut down for writing, 1000 unread bytes */
	x = sock_table_ext(&rp.t, by_inode(&rp.t, 298105564));
	assert_non_null(x);
	assert_int_equal(x->shutdown, 2); /* SEND_SHUTDOWN */
	assert_int_equal(x->info.bytes_received, 1000);
	sock_table_free(&rp.t);

	/* Only what the parts ask for is kept. */
	assert_int_equal(replay("diag_tcp4_ext.nl", false, SOCK_EXT_TIMER, &rp), 0);
	x = sock_table_ext(&rp.t, by_inode(&rp.t, 298105563));
	assert_non_null(x);
	assert_int_equal(x->have, SOCK_EXT_HAVE_TIMER);
	assert_int_equal(x->info_len, 0);
	sock_table_free(&rp.t);
}

static void test_replay_unix_ext(void **state)
{
	const struct sock_entry *e;
	const struct sock_ext *x;
	const uint32_t *icons;
	struct replay rp;

	(void)state;
	assert_int_equal(replay("diag_unix_ext.nl", true, ALL_PARTS, &rp), 0);
	assert_int_equal(rp.sink.base.dropped, 0);
	e = by_inode(&rp.t, 298105566);
	x = sock_table_ext(&rp.t, e);
	assert_non_null(x);
	assert_true(x->have & SOCK_EXT_HAVE_VFS);
	assert_true(x->vfs_ino != 0);
	assert_true(x->have & SOCK_EXT_HAVE_ICONS);
	assert_int_equal(x->icons_n, 2);
	icons = sock_table_ext_icons(&rp.t, x);
	assert_non_null(icons);
	assert_true((icons[0] == 298105567 && icons[1] == 298105568) ||
		    (icons[0] == 298105568 && icons[1] == 298105567));
	assert_true(x->have & SOCK_EXT_HAVE_SKMEM);
	assert_int_equal(x->skmem_n, _SOCK_SKMEM_MAX);
	assert_true(x->have & SOCK_EXT_HAVE_SHUTDOWN);
	assert_int_equal(x->shutdown, 0);
	/* the name is still there, in its own arena */
	assert_int_equal(e->path_len, strlen("/tmp/lsfx/ext.sock"));
	assert_memory_equal(sock_table_name(&rp.t, e), "/tmp/lsfx/ext.sock", e->path_len);
	/* a client has no bound file */
	x = sock_table_ext(&rp.t, by_inode(&rp.t, 298105567));
	assert_false(x->have & (SOCK_EXT_HAVE_VFS | SOCK_EXT_HAVE_ICONS));
	sock_table_free(&rp.t);
}

/* ---- hand-made messages ---------------------------------------------------- */

static void tcp_msg(struct mb *b)
{
	struct inet_diag_msg m;

	memset(&m, 0, sizeof(m));
	m.idiag_family = AF_INET;
	m.idiag_state = SOCK_STATE_ESTABLISHED;
	m.idiag_timer = SOCK_TIMER_ON;
	m.idiag_retrans = 3;
	m.idiag_expires = 1234;
	m.idiag_inode = 42;
	mb_begin(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 1, 2);
	mb_put(b, &m, sizeof(m));
}

static void test_tcp_info_lengths(void **state)
{
	uint8_t info[320];
	struct sock_ext x;
	struct mb b = { .len = 0 };
	struct nlmsghdr *h;
	uint8_t sd = 3;

	(void)state;
	memset(info, 0x11, sizeof(info));
	/* An older kernel: tcp_info up to total_retrans (104 bytes, 4.1-ish). */
	tcp_msg(&b);
	mb_attr(&b, INET_DIAG_INFO, info, 104);
	mb_attr(&b, INET_DIAG_SHUTDOWN, &sd, 1);
	h = mb_end(&b);
	assert_int_equal(diag_inet_parse_ext(h, ALL_PARTS, &x), 0);
	assert_int_equal(x.info_len, 104);
	assert_true(sock_ext_info_has(&x, total_retrans));
	assert_false(sock_ext_info_has(&x, pacing_rate));
	assert_int_equal(x.timer_kind, SOCK_TIMER_ON);
	assert_int_equal(x.timer_retrans, 3);
	assert_int_equal(x.timer_expires_ms, 1234);
	assert_int_equal(x.shutdown, 3);
	/* A newer kernel: longer than we know; keep what we know. */
	b.len = 0;
	tcp_msg(&b);
	mb_attr(&b, INET_DIAG_INFO, info, sizeof(info));
	h = mb_end(&b);
	assert_int_equal(diag_inet_parse_ext(h, ALL_PARTS, &x), 0);
	assert_int_equal(x.info_len, sizeof(struct sock_tcp_info));
	/* An empty one: present, no field known. */
	b.len = 0;
	tcp_msg(&b);
	mb_attr(&b, INET_DIAG_INFO, info, 0);
	h = mb_end(&b);
	assert_int_equal(diag_inet_parse_ext(h, ALL_PARTS, &x), 0);
	assert_true(x.have & SOCK_EXT_HAVE_INFO);
	assert_false(sock_ext_info_has(&x, state));
}

static void test_bad_attributes(void **state)
{
	static const char junk[] = "cu\x1b[1mbic";
	uint32_t words[16] = { 0 };
	struct sock_ext x;
	struct mb b = { .len = 0 };
	const uint32_t *icons;
	size_t n;

	(void)state;
	/* A congestion name that is not a name is left out, not shown. */
	tcp_msg(&b);
	mb_attr(&b, INET_DIAG_CONG, junk, sizeof(junk));
	assert_int_equal(diag_inet_parse_ext(mb_end(&b), ALL_PARTS, &x), 0);
	assert_false(x.have & SOCK_EXT_HAVE_CONG);
	b.len = 0;
	tcp_msg(&b);
	mb_attr(&b, INET_DIAG_CONG, "0123456789abcdefXYZ", 20); /* past TCP_CA_NAME_MAX */
	assert_int_equal(diag_inet_parse_ext(mb_end(&b), ALL_PARTS, &x), 0);
	assert_false(x.have & SOCK_EXT_HAVE_CONG);
	/* Structures shorter than the kernel's: malformed. */
	b.len = 0;
	tcp_msg(&b);
	mb_attr(&b, INET_DIAG_SKMEMINFO, words, 16);
	assert_int_equal(diag_inet_parse_ext(mb_end(&b), ALL_PARTS, &x), -EBADMSG);
	b.len = 0;
	tcp_msg(&b);
	mb_attr(&b, INET_DIAG_BBRINFO, words, 16);
	assert_int_equal(diag_inet_parse_ext(mb_end(&b), ALL_PARTS, &x), -EBADMSG);
	b.len = 0;
	tcp_msg(&b);
	mb_attr(&b, INET_DIAG_MEMINFO, words, 8);
	assert_int_equal(diag_inet_parse_ext(mb_end(&b), ALL_PARTS, &x), -EBADMSG);
	/* SKMEMINFO without the drops word (older kernels): eight words. */
	b.len = 0;
	tcp_msg(&b);
	mb_attr(&b, INET_DIAG_SKMEMINFO, words, 32);
	assert_int_equal(diag_inet_parse_ext(mb_end(&b), ALL_PARTS, &x), 0);
	assert_int_equal(x.skmem_n, 8);
	/* UNIX: ICONS is an array of u32; VFS two of them. */
	{
		struct unix_diag_msg m = { .udiag_family = AF_UNIX, .udiag_type = SOCK_STREAM,
					   .udiag_state = SOCK_STATE_LISTEN, .udiag_ino = 5 };

		b.len = 0;
		mb_begin(&b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 1, 2);
		mb_put(&b, &m, sizeof(m));
		mb_attr(&b, UNIX_DIAG_ICONS, words, 6);
		assert_int_equal(diag_unix_parse_ext(mb_end(&b), ALL_PARTS, &x, &icons, &n),
				 -EBADMSG);
		b.len = 0;
		mb_begin(&b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 1, 2);
		mb_put(&b, &m, sizeof(m));
		mb_attr(&b, UNIX_DIAG_VFS, words, 4);
		assert_int_equal(diag_unix_parse_ext(mb_end(&b), ALL_PARTS, &x, &icons, &n),
				 -EBADMSG);
		b.len = 0;
		mb_begin(&b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 1, 2);
		mb_put(&b, &m, sizeof(m));
		words[0] = 7;
		words[1] = 8;
		mb_attr(&b, UNIX_DIAG_ICONS, words, 8);
		assert_int_equal(diag_unix_parse_ext(mb_end(&b), ALL_PARTS, &x, &icons, &n), 0);
		assert_int_equal(n, 2);
		assert_int_equal(icons[1], 8);
		/* not asked for: not kept */
		assert_int_equal(diag_unix_parse_ext(mb_end(&b), SOCK_EXT_VFS, &x, &icons, &n), 0);
		assert_null(icons);
		assert_int_equal(n, 0);
	}
	/* Too short for the base message. */
	b.len = 0;
	mb_begin(&b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 1, 2);
	mb_put(&b, words, 8);
	assert_int_equal(diag_inet_parse_ext(mb_end(&b), ALL_PARTS, &x), -EBADMSG);
	assert_int_equal(diag_unix_parse_ext(mb_end(&b), ALL_PARTS, &x, &icons, &n), -EBADMSG);
}

/* ---- the arena --------------------------------------------------------------- */

static void test_table_ext_arena(void **state)
{
	struct sock_table t = { 0 };
	struct sock_entry e = { .family = AF_UNIX, .proto = SOCK_PROTO_UNIX };
	struct sock_ext x = { .have = SOCK_EXT_HAVE_ICONS };
	const uint32_t icons[3] = { 1, 2, 3 };
	uint32_t idx;
	size_t i;

	(void)state;
	/* an entry without a record */
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	assert_null(sock_table_ext(&t, &t.entries[0]));
	for (i = 0; i < 3; i++) {
		assert_int_equal(sock_table_add_ext(&t, &x, icons, i + 1, &idx), 0);
		assert_int_equal(idx, i + 1);
		e.ext_idx = idx;
		assert_int_equal(sock_table_add(&t, &e, "ab", 2), 0);
	}
	assert_int_equal(t.ext_inodes_len, 6);
	assert_int_equal(sock_table_ext(&t, &t.entries[3])->icons_n, 3);
	assert_int_equal(sock_table_ext_icons(&t, sock_table_ext(&t, &t.entries[3]))[2], 3);
	/* dropping rows drops their records and inodes */
	sock_table_truncate(&t, 2);
	assert_int_equal(t.exts_len, 1);
	assert_int_equal(t.ext_inodes_len, 1);
	/* a stale index reads as no record */
	e.ext_idx = 5;
	assert_null(sock_table_ext(&t, &e));
	sock_table_free(&t);
	sock_table_free(NULL);
}

/* ---- JSON of a short tcp_info -------------------------------------------------- */

static void test_json_short_info(void **state)
{
	struct sock_table t = { 0 };
	struct sock_entry e = { .family = AF_INET, .proto = SOCK_PROTO_TCP,
				.state = SOCK_STATE_ESTABLISHED };
	struct sock_ext x = { .have = SOCK_EXT_HAVE_INFO | SOCK_EXT_HAVE_CONG, .info_len = 104 };
	struct render_ctx c = { .table = &t, .collected = NEED_TCP_INFO };
	struct json_writer w;
	struct outbuf o;
	uint32_t idx;
	char *s;

	(void)state;
	strcpy(x.cong, "reno");
	x.info.rtt = 1500;
	x.info.snd_mss = 1448;
	x.info.snd_cwnd = 10;
	x.info.pacing_rate = 12345; /* beyond info_len: not sent */
	assert_int_equal(sock_table_add_ext(&t, &x, NULL, 0, &idx), 0);
	e.ext_idx = idx;
	assert_int_equal(sock_table_add(&t, &e, NULL, 0), 0);
	assert_int_equal(outbuf_init(&o, -1), 0);
	json_init(&w, &o);
	json_begin_object(&w);
	column_get(COL_TCP_INFO)->json(&c, &t.entries[0], &w);
	json_end_object(&w);
	s = o.buf;
	assert_non_null(strstr(s, "\"congestion\":\"reno\""));
	assert_non_null(strstr(s, "\"rtt_us\":1500"));
	assert_non_null(strstr(s, "\"pacing_rate_bps\":null"));
	assert_non_null(strstr(s, "\"total_rto\":null"));
	assert_non_null(strstr(s, "\"received_ce\":null"));
	/* ss's send rate: 10 * 1448 * 8 / 1.5 ms */
	assert_non_null(strstr(s, "\"send_rate_bps\":77226666"));
	outbuf_free(&o);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_bits),
		cmocka_unit_test(test_replay_tcp_ext),
		cmocka_unit_test(test_replay_unix_ext),
		cmocka_unit_test(test_tcp_info_lengths),
		cmocka_unit_test(test_bad_attributes),
		cmocka_unit_test(test_table_ext_arena),
		cmocka_unit_test(test_json_short_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
