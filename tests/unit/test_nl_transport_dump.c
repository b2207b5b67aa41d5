/* SPDX-License-Identifier: MIT */
/*
 * The netlink dump loop against a scripted kernel (nl_script.h; the
 * mnl_socket_* wraps are in test_nl_transport_dump.wrap): clean dumps,
 * DONE and ERROR payloads, NLM_F_DUMP_INTR re-dumps, receive errors and
 * timeouts, and garbage datagrams.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "lsock/diag.h"
#include "lsock/nl_transport.h"

#include "nl_script.h"

/* ---- the consumer ----------------------------------------------------- */

struct sink {
	uint32_t ids[64];
	size_t n;
	unsigned int calls;
	unsigned int resets;
	int fail_at; /* return -ENOMEM on this call (1-based), 0: never */
};

static int sink_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sink *s = data;
	uint32_t id;

	s->calls++;
	if (s->fail_at && s->calls == (unsigned int)s->fail_at)
		return -ENOMEM;
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + sizeof(id));
	memcpy(&id, mnl_nlmsg_get_payload(nlh), sizeof(id));
	assert_true(s->n < 64);
	s->ids[s->n++] = id;
	return 0;
}

static void sink_reset(void *data)
{
	struct sink *s = data;

	s->resets++;
	s->n = 0;
}

static int run_dump(struct sink *s)
{
	uint8_t req[DIAG_REQ_MAX] __attribute__((aligned(4)));
	struct nl_transport *nl;
	int len, r;

	len = diag_inet_build_request(req, sizeof(req), AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL);
	assert_true(len > 0);
	assert_int_equal(nl_transport_open(&nl), 0);
	r = nl_transport_dump(nl, req, (size_t)len, sink_cb, sink_reset, s);
	nl_transport_close(nl);
	return r;
}

/* ---- fault cases ------------------------------------------------------ */

static void test_clean_dump(void **state)
{
	struct sink s = { .n = 0 };
	struct step *st;

	script_start();
	st = step_new();
	put_rec(st, 1, 0);
	put_rec(st, 2, 0);
	st = step_new();
	put_rec(st, 3, 0);
	put_done(st, 0, 0);
	assert_int_equal(run_dump(&s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ids[0], 1);
	assert_int_equal(s.ids[2], 3);
	assert_int_equal(S.sends, 1);
	assert_int_equal(S.pos, 2);
	assert_int_equal(S.closes, 1);
}

static void test_done_enoent(void **state)
{
	struct sink s = { .n = 0 };

	script_start();
	put_done(step_new(), -ENOENT, 0);
	assert_int_equal(run_dump(&s), -ENOENT);
	assert_int_equal(s.calls, 0);
}

static void test_done_without_payload(void **state)
{
	struct sink s = { .n = 0 };
	struct step *st;

	script_start();
	st = step_new();
	put_rec(st, 1, 0);
	put_msg(st, NLMSG_DONE, NLM_F_MULTI, 0, 0, NULL, 0);
	assert_int_equal(run_dump(&s), 0);
	assert_int_equal(s.n, 1);
}

static void test_error_mid_dump(void **state)
{
	struct sink s = { .n = 0 };
	struct step *st;

	script_start();
	st = step_new();
	put_rec(st, 1, 0);
	put_rec(st, 2, 0);
	st = step_new();
	put_error(st, -EINVAL);
	put_rec(st, 3, 0); /* never reached */
	assert_int_equal(run_dump(&s), -EINVAL);
	assert_int_equal(s.n, 2);
}

static void test_ack_and_noise_ignored(void **state)
{
	struct sink s = { .n = 0 };
	struct step *st;

	script_start();
	st = step_new();
	put_error(st, 0);                               /* an ack */
	put_msg(st, NLMSG_NOOP, 0, 0, 0, NULL, 0);      /* noop */
	put_msg(st, 7, NLM_F_MULTI, 0, 0, "abcd", 4);   /* reserved control type */
	put_rec(st, 1, 0);
	put_done(st, 0, 0);
	assert_int_equal(run_dump(&s), 0);
	assert_int_equal(s.n, 1);
}

static void test_foreign_seq_portid_ignored(void **state)
{
	struct sink s = { .n = 0 };
	struct step *st;
	uint32_t id = 99;
	int32_t err = -EIO;

	script_start();
	st = step_new();
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 5, 0, &id, 4);    /* other seq */
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 777, &id, 4);  /* other portid */
	put_msg(st, NLMSG_DONE, NLM_F_MULTI, (uint32_t)-1, 0, &err, 4); /* earlier dump's DONE */
	put_error(st, 0);
	((struct nlmsghdr *)(st->data + st->len - 36))->nlmsg_pid = 1; /* someone else's error */
	((struct nlmsgerr *)(st->data + st->len - 20))->error = -EPERM;
	put_rec(st, 1, 0);
	st = step_new();
	put_done(st, 0, 0);
	assert_int_equal(run_dump(&s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], 1);
}

static void test_dump_intr_once(void **state)
{
	struct sink s = { .n = 0 };
	struct step *st;

	script_start();
	/* attempt 1: the 2nd record says the table changed under the dump */
	st = step_new();
	put_rec(st, 1, 0);
	put_rec(st, 2, NLM_F_DUMP_INTR);
	put_rec(st, 3, 0);
	st = step_new();
	put_rec(st, 4, 0);
	put_done(st, 0, 0);
	/* attempt 2: clean */
	st = step_new();
	put_rec(st, 1, 0);
	put_rec(st, 2, 0);
	st = step_new();
	put_rec(st, 3, 0);
	put_done(st, 0, 0);

	assert_int_equal(run_dump(&s), 0);
	assert_int_equal(S.sends, 2);
	assert_int_equal(s.resets, 1);
	/* only record 1 reached cb before the interruption was seen */
	assert_int_equal(s.calls, 1 + 3);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ids[0], 1);
	assert_int_equal(s.ids[1], 2);
	assert_int_equal(s.ids[2], 3);
	assert_int_equal(S.pos, S.n); /* the interrupted dump was drained */
}

static void test_dump_intr_on_done(void **state)
{
	struct sink s = { .n = 0 };
	struct step *st;

	script_start();
	st = step_new();
	put_rec(st, 1, 0);
	put_done(st, 0, NLM_F_DUMP_INTR);
	st = step_new();
	put_rec(st, 1, 0);
	put_done(st, 0, 0);
	assert_int_equal(run_dump(&s), 0);
	assert_int_equal(S.sends, 2);
	assert_int_equal(s.resets, 1);
	assert_int_equal(s.n, 1);
}

static void test_dump_intr_persistent(void **state)
{
	struct sink s = { .n = 0 };
	unsigned int i;

	script_start();
	for (i = 0; i < NL_TRANSPORT_MAX_REDUMP + 2; i++) {
		struct step *st = step_new();

		put_rec(st, 1, NLM_F_DUMP_INTR);
		put_done(st, 0, 0);
	}
	assert_int_equal(run_dump(&s), -EINTR);
	assert_int_equal(S.sends, 1 + NL_TRANSPORT_MAX_REDUMP);
	assert_int_equal(s.resets, NL_TRANSPORT_MAX_REDUMP);
	assert_int_equal(s.calls, 0);
}

static void test_recv_eintr_retried(void **state)
{
	struct sink s = { .n = 0 };
	struct step *st;

	script_start();
	step_errno(EINTR);
	st = step_new();
	put_rec(st, 1, 0);
	step_errno(EINTR);
	step_errno(EAGAIN);
	st = step_new();
	put_done(st, 0, 0);
	assert_int_equal(run_dump(&s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(S.sends, 1);
}

static void test_silent_kernel_times_out(void **state)
{
	struct sink s = { .n = 0 };

	script_start();
	put_rec(step_new(), 1, 0); /* ... and then nothing, forever */
	assert_int_equal(run_dump(&s), -ETIMEDOUT);
	assert_int_equal(S.pos, 1);
}

static void test_lone_message_ends_dump(void **state)
{
	struct sink s = { .n = 0 };
	uint32_t id = 5;

	script_start();
	/* no NLM_F_MULTI and no DONE: must not wait for more */
	put_msg(step_new(), SOCK_DIAG_BY_FAMILY, 0, 0, 0, &id, 4);
	assert_int_equal(run_dump(&s), 0);
	assert_int_equal(s.n, 1);
}

static void test_enobufs(void **state)
{
	struct sink s = { .n = 0 };

	script_start();
	put_rec(step_new(), 1, 0);
	step_errno(ENOBUFS);
	assert_int_equal(run_dump(&s), -ENOBUFS);
}

static void test_overrun(void **state)
{
	struct sink s = { .n = 0 };

	script_start();
	put_msg(step_new(), NLMSG_OVERRUN, 0, 0, 0, NULL, 0);
	assert_int_equal(run_dump(&s), -ENOBUFS);
}

static void test_msg_trunc(void **state)
{
	struct sink s = { .n = 0 };

	script_start();
	step_errno(ENOSPC); /* libmnl's translation of MSG_TRUNC */
	assert_int_equal(run_dump(&s), -EMSGSIZE);
}

static void test_cb_error_and_reopen(void **state)
{
	uint8_t req[DIAG_REQ_MAX] __attribute__((aligned(4)));
	struct sink s = { .fail_at = 2 };
	struct nl_transport *nl;
	struct step *st;
	int len;

	script_start();
	st = step_new();
	put_rec(st, 1, 0);
	put_rec(st, 2, 0);
	put_rec(st, 3, 0);
	st = step_new();
	put_rec(st, 7, 0);
	put_done(st, 0, 0);

	len = diag_inet_build_request(req, sizeof(req), AF_INET, SOCK_PROTO_TCP, 2);
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(nl_transport_dump(nl, req, (size_t)len, sink_cb, sink_reset, &s),
			 -ENOMEM);
	assert_int_equal(s.calls, 2);
	assert_int_equal(S.opens, 1);
	/* The abandoned dump may still be running in the kernel: the next
	 * dump gets a fresh socket. */
	s.fail_at = 0;
	s.n = 0;
	assert_int_equal(nl_transport_dump(nl, req, (size_t)len, sink_cb, sink_reset, &s), 0);
	assert_int_equal(S.opens, 2);
	assert_int_equal(S.closes, 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], 7);
	nl_transport_close(nl);
	assert_int_equal(S.closes, 2);
}

static void test_bad_request(void **state)
{
	uint8_t req[DIAG_REQ_MAX] __attribute__((aligned(4)));
	struct sink s = { .n = 0 };
	struct nl_transport *nl;
	int len;

	script_start();
	len = diag_inet_build_request(req, sizeof(req), AF_INET, SOCK_PROTO_TCP, 2);
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(nl_transport_dump(nl, req, (size_t)len - 4, sink_cb, sink_reset, &s),
			 -EINVAL);
	assert_int_equal(nl_transport_dump(nl, req, 8, sink_cb, sink_reset, &s), -EINVAL);
	assert_int_equal(S.sends, 0);
	nl_transport_close(nl);
}

/* Garbage datagrams: each must give -EBADMSG without calling cb on it. */
static void bad_datagram(void (*fill)(struct step *st), unsigned int want_calls)
{
	struct sink s = { .n = 0 };
	struct step *st;

	script_start();
	st = step_new();
	fill(st);
	assert_int_equal(run_dump(&s), -EBADMSG);
	assert_int_equal(s.calls, want_calls);
}

static void fill_huge_len(struct step *st)
{
	put_rec(st, 1, 0);
	put_rec(st, 2, 0);
	/* 0xd2000a01 passes libmnl 1.0.4's (int) cast check */
	((struct nlmsghdr *)(st->data + 20))->nlmsg_len = 0xd2000a01u;
}

static void fill_len_ffffffff(struct step *st)
{
	put_rec(st, 1, 0);
	put_rec(st, 2, 0);
	/* NLMSG_ALIGN() of this in size_t is 0: fuzz_nl_dump's first find */
	((struct nlmsghdr *)(st->data + 20))->nlmsg_len = 0xffffffffu;
}

static void fill_unaligned_last(struct step *st)
{
	put_rec(st, 1, 0);
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, "xyzzy", 5);
	st->len -= 3; /* the datagram ends at nlmsg_len 21, without padding */
}

static void fill_remnant(struct step *st)
{
	put_rec(st, 1, 0);
	memset(st->data + st->len, 0, 8);
	st->len += 8;
}

static void fill_zero_len(struct step *st)
{
	put_rec(st, 1, 0);
	put_rec(st, 2, 0);
	((struct nlmsghdr *)(st->data + 20))->nlmsg_len = 0; /* would loop forever */
}

static void fill_short_error(struct step *st)
{
	put_msg(st, NLMSG_ERROR, 0, 0, 0, "ab", 2);
}

static void fill_bogus_errno(struct step *st)
{
	put_done(st, 12345678, 0);
}

static void test_garbage(void **state)
{
	bad_datagram(fill_huge_len, 1);
	bad_datagram(fill_len_ffffffff, 1);
	bad_datagram(fill_unaligned_last, 1);
	bad_datagram(fill_remnant, 1);
	bad_datagram(fill_zero_len, 1);
	bad_datagram(fill_short_error, 0);
	bad_datagram(fill_bogus_errno, 0);
}

static void test_parse_direct(void **state)
{
	static struct step st; /* static: 2 KiB */
	struct sink s = { .n = 0 };

	memset(&st, 0, sizeof(st));
	put_rec(&st, 1, 0);
	put_rec(&st, 2, NLM_F_DUMP_INTR);
	put_done(&st, 0, 0);
	/* seq/portid are compared exactly: the scripted 0/0 are not ours */
	assert_int_equal(nl_transport_parse(st.data, st.len, 0, FAKE_PORTID, sink_cb, &s), 1);
	assert_int_equal(s.calls, 0);
	/* pid 0 in the header, seq 0: now they match */
	assert_int_equal(nl_transport_parse(st.data, st.len, 0, 0, sink_cb, &s), -EINTR);
	assert_int_equal(s.calls, 1);
	/* a misaligned buffer is refused, not read */
	assert_int_equal(nl_transport_parse(st.data + 1, st.len - 1, 0, 0, sink_cb, &s), -EINVAL);
	/* an empty datagram holds nothing and ends nothing */
	assert_int_equal(nl_transport_parse(st.data, 0, 0, 0, sink_cb, &s), 1);
}

/* ---- datagram count -------------------------------------------------- */

static size_t dump_datagrams(struct sink *s, int want_r)
{
	uint8_t req[DIAG_REQ_MAX] __attribute__((aligned(4)));
	struct nl_transport *nl;
	size_t n;
	int len;

	len = diag_inet_build_request(req, sizeof(req), AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL);
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(nl_transport_last_datagrams(nl), 0);
	assert_int_equal(nl_transport_dump(nl, req, (size_t)len, sink_cb, sink_reset, s), want_r);
	n = nl_transport_last_datagrams(nl);
	nl_transport_close(nl);
	return n;
}

/* Datagrams that carried records: the DONE-only datagram the kernel sends
 * after the last step does not count, and an interrupted attempt's do not
 * either. */
static void test_datagrams_counted(void **state)
{
	struct sink s = { .n = 0 };
	struct step *st;

	script_start();
	put_rec(st = step_new(), 1, 0);
	put_done(st, 0, 0);
	assert_int_equal(dump_datagrams(&s, 0), 1);

	script_start();
	put_rec(step_new(), 1, 0);
	put_rec(st = step_new(), 2, 0);
	put_rec(st, 3, 0);
	put_rec(step_new(), 4, 0);
	put_done(step_new(), 0, 0);
	assert_int_equal(dump_datagrams(&s, 0), 3);

	script_start();
	put_rec(step_new(), 1, 0);
	put_rec(st = step_new(), 2, NLM_F_DUMP_INTR);
	put_done(st, 0, 0);
	put_rec(st = step_new(), 1, 0);
	put_rec(st, 2, 0);
	put_done(st, 0, 0);
	assert_int_equal(dump_datagrams(&s, 0), 1);

	/* An empty table: no datagram carried a record. */
	script_start();
	put_done(step_new(), 0, 0);
	assert_int_equal(dump_datagrams(&s, 0), 0);
}

/* ---- single requests ---------------------------------------------------- */

/* n exact requests for inodes 100, 101, ... back to back; returns the length. */
static size_t build_batch(uint8_t *buf, size_t size, size_t n)
{
	size_t len = 0, i;

	for (i = 0; i < n; i++) {
		int m = diag_unix_build_exact_request(buf + len, size - len, 100 + (uint32_t)i);

		assert_true(m > 0);
		len += (size_t)m;
	}
	return len;
}

/* The answer to request i: a lone record (no NLM_F_MULTI) carrying id. */
static void put_answer(struct step *st, uint32_t i, uint32_t id)
{
	put_msg(st, SOCK_DIAG_BY_FAMILY, 0, i, 0, &id, sizeof(id));
}

static void put_error_for(struct step *st, uint32_t i, int32_t err)
{
	struct nlmsgerr e = { .error = err };

	put_msg(st, NLMSG_ERROR, 0, i, 0, &e, sizeof(e));
}

/* One datagram of three requests, numbered in a row; three answers, each
 * in its own datagram as the kernel unicasts them, in any order; ENOENT is
 * an answer; other traffic is not. */
static void test_request_batch(void **state)
{
	uint8_t batch[NL_TRANSPORT_BATCH_MAX] __attribute__((aligned(4)));
	struct sink s = { .n = 0 };
	struct nl_transport *nl;
	size_t len, off, i;
	struct step *st;

	script_start();
	put_answer(step_new(), 2, 72);
	st = step_new();
	put_msg(st, SOCK_DIAG_BY_FAMILY, 0, 3, 0, &(uint32_t){ 1 }, sizeof(uint32_t));
	put_msg(st, SOCK_DIAG_BY_FAMILY, 0, 0, 777, &(uint32_t){ 2 }, sizeof(uint32_t));
	put_error_for(step_new(), 1, -ENOENT);
	put_answer(step_new(), 0, 70);

	len = build_batch(batch, sizeof(batch), 3);
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(nl_transport_request(nl, batch, len, 3, sink_cb, &s), 0);
	/* Seq 3 (not ours) and pid 777 (someone else's) were skipped. */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], 72);
	assert_int_equal(s.ids[1], 70);
	assert_int_equal(S.sends, 1);
	assert_int_equal(S.pos, 4);
	assert_int_equal(S.sent_len, len);
	for (i = 0, off = 0; i < 3; i++) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(S.sent + off);

		assert_int_equal(h->nlmsg_seq, S.seq + i);
		assert_int_equal(h->nlmsg_pid, FAKE_PORTID);
		assert_false(h->nlmsg_flags & NLM_F_DUMP);
		off += NLMSG_ALIGN(h->nlmsg_len);
	}

	/* The next batch is numbered after it: stale answers cannot match. */
	script_start();
	put_answer(step_new(), 0, 5);
	s.n = 0;
	len = build_batch(batch, sizeof(batch), 1);
	assert_int_equal(nl_transport_request(nl, batch, len, 1, sink_cb, &s), 0);
	assert_int_equal(s.n, 1);
	nl_transport_close(nl);
}

/* An error answer other than ENOENT is returned once every request has
 * been answered; the socket stays usable. */
static void test_request_error_answer(void **state)
{
	uint8_t batch[NL_TRANSPORT_BATCH_MAX] __attribute__((aligned(4)));
	struct sink s = { .n = 0 };
	struct nl_transport *nl;
	size_t len;

	script_start();
	put_error_for(step_new(), 0, -EPERM);
	put_answer(step_new(), 1, 9);
	len = build_batch(batch, sizeof(batch), 2);
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(nl_transport_request(nl, batch, len, 2, sink_cb, &s), -EPERM);
	assert_int_equal(s.n, 1);
	assert_int_equal(S.pos, 2);
	put_answer(step_new(), 0, 10);
	len = build_batch(batch, sizeof(batch), 1);
	assert_int_equal(nl_transport_request(nl, batch, len, 1, sink_cb, &s), 0);
	assert_int_equal(S.opens, 1);
	nl_transport_close(nl);
}

/* A kernel that never answers, or breaks the stream: the error, and the
 * next call gets a fresh socket.  A callback's error ends the batch. */
static void test_request_failures(void **state)
{
	uint8_t batch[NL_TRANSPORT_BATCH_MAX] __attribute__((aligned(4)));
	struct sink s = { .fail_at = 1 };
	struct nl_transport *nl;
	size_t len;

	script_start();
	put_answer(step_new(), 0, 1);
	len = build_batch(batch, sizeof(batch), 2);
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(nl_transport_request(nl, batch, len, 2, sink_cb, &s), -ENOMEM);
	s.fail_at = 0;
	/* One of two answered, then silence. */
	put_answer(step_new(), 0, 1);
	assert_int_equal(nl_transport_request(nl, batch, len, 2, sink_cb, &s), -ETIMEDOUT);
	assert_int_equal(S.opens, 2);
	step_errno(ENOBUFS);
	assert_int_equal(nl_transport_request(nl, batch, len, 2, sink_cb, &s), -ENOBUFS);
	assert_int_equal(S.opens, 3);
	nl_transport_close(nl);
}

/* Batches that are not whole messages, hold a dump, or are too big. */
static void test_request_bad_batch(void **state)
{
	uint8_t batch[NL_TRANSPORT_BATCH_MAX + 64] __attribute__((aligned(4)));
	uint8_t dump[DIAG_REQ_MAX] __attribute__((aligned(4)));
	struct sink s = { .n = 0 };
	struct nl_transport *nl;
	size_t len;
	int dlen;

	script_start();
	assert_int_equal(nl_transport_open(&nl), 0);
	len = build_batch(batch, sizeof(batch), 2);
	assert_int_equal(nl_transport_request(nl, batch, len, 3, sink_cb, &s), -EINVAL);
	assert_int_equal(nl_transport_request(nl, batch, len, 1, sink_cb, &s), -EINVAL);
	assert_int_equal(nl_transport_request(nl, batch, len - 4, 2, sink_cb, &s), -EINVAL);
	assert_int_equal(nl_transport_request(nl, batch, len, 0, sink_cb, &s), -EINVAL);
	assert_int_equal(nl_transport_request(nl, batch, len, 2, NULL, &s), -EINVAL);
	assert_int_equal(nl_transport_request(nl, batch + 2, len, 2, sink_cb, &s), -EINVAL);
	dlen = diag_unix_build_request(dump, sizeof(dump), SOCK_STATES_ALL);
	memcpy(batch + len, dump, (size_t)dlen);
	assert_int_equal(nl_transport_request(nl, batch, len + (size_t)dlen, 3, sink_cb, &s),
			 -EINVAL);
	len = build_batch(batch, sizeof(batch), NL_TRANSPORT_BATCH_REQS + 1);
	assert_int_equal(nl_transport_request(nl, batch, len, NL_TRANSPORT_BATCH_REQS + 1, sink_cb,
					      &s), -EINVAL);
	assert_int_equal(S.sends, 0);
	nl_transport_close(nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_clean_dump, script_teardown),
		cmocka_unit_test_teardown(test_done_enoent, script_teardown),
		cmocka_unit_test_teardown(test_done_without_payload, script_teardown),
		cmocka_unit_test_teardown(test_error_mid_dump, script_teardown),
		cmocka_unit_test_teardown(test_ack_and_noise_ignored, script_teardown),
		cmocka_unit_test_teardown(test_foreign_seq_portid_ignored, script_teardown),
		cmocka_unit_test_teardown(test_dump_intr_once, script_teardown),
		cmocka_unit_test_teardown(test_dump_intr_on_done, script_teardown),
		cmocka_unit_test_teardown(test_dump_intr_persistent, script_teardown),
		cmocka_unit_test_teardown(test_recv_eintr_retried, script_teardown),
		cmocka_unit_test_teardown(test_silent_kernel_times_out, script_teardown),
		cmocka_unit_test_teardown(test_lone_message_ends_dump, script_teardown),
		cmocka_unit_test_teardown(test_enobufs, script_teardown),
		cmocka_unit_test_teardown(test_overrun, script_teardown),
		cmocka_unit_test_teardown(test_msg_trunc, script_teardown),
		cmocka_unit_test_teardown(test_cb_error_and_reopen, script_teardown),
		cmocka_unit_test_teardown(test_bad_request, script_teardown),
		cmocka_unit_test_teardown(test_garbage, script_teardown),
		cmocka_unit_test_teardown(test_parse_direct, script_teardown),
		cmocka_unit_test_teardown(test_datagrams_counted, script_teardown),
		cmocka_unit_test_teardown(test_request_batch, script_teardown),
		cmocka_unit_test_teardown(test_request_error_answer, script_teardown),
		cmocka_unit_test_teardown(test_request_failures, script_teardown),
		cmocka_unit_test_teardown(test_request_bad_batch, script_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
