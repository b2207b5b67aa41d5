/* SPDX-License-Identifier: MIT */
/*
 * The netlink dump loop against a scripted kernel: mnl_socket_* are wrapped
 * (test_nl_transport.wrap) and, while a script is active, answer from a
 * queue of datagrams and errnos.  Without a script the wrappers pass through
 * to libmnl, which the live tests at the end use.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "lsock/diag.h"
#include "lsock/nl_transport.h"

#define FAKE_PORTID 4242u

/* ---- the scripted kernel ---------------------------------------------- */

struct step {
	int err; /* recvfrom fails with this errno */
	size_t len;
	uint8_t data[2048] __attribute__((aligned(8)));
};

struct script {
	bool active;
	struct step steps[16];
	size_t n, pos;
	uint32_t seq; /* of the last request sent */
	unsigned int sends, opens, closes;
};

/* Test-only state shared with the --wrap functions (they cannot take it as
 * an argument). */
static struct script S;

static struct mnl_socket *fake_sock(void)
{
	return (struct mnl_socket *)&S;
}

struct mnl_socket *__real_mnl_socket_open(int bus);
int __real_mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid);
int __real_mnl_socket_close(struct mnl_socket *nl);
int __real_mnl_socket_get_fd(const struct mnl_socket *nl);
unsigned int __real_mnl_socket_get_portid(const struct mnl_socket *nl);
ssize_t __real_mnl_socket_sendto(const struct mnl_socket *nl, const void *req, size_t siz);
ssize_t __real_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t siz);

struct mnl_socket *__wrap_mnl_socket_open(int bus);
int __wrap_mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid);
int __wrap_mnl_socket_close(struct mnl_socket *nl);
int __wrap_mnl_socket_get_fd(const struct mnl_socket *nl);
unsigned int __wrap_mnl_socket_get_portid(const struct mnl_socket *nl);
ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl, const void *req, size_t siz);
ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t siz);

struct mnl_socket *__wrap_mnl_socket_open(int bus)
{
	if (!S.active)
		return __real_mnl_socket_open(bus);
	S.opens++;
	return fake_sock();
}

int __wrap_mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid)
{
	if (nl != fake_sock())
		return __real_mnl_socket_bind(nl, groups, pid);
	return 0;
}

int __wrap_mnl_socket_close(struct mnl_socket *nl)
{
	if (nl != fake_sock())
		return __real_mnl_socket_close(nl);
	S.closes++;
	return 0;
}

int __wrap_mnl_socket_get_fd(const struct mnl_socket *nl)
{
	if (nl != fake_sock())
		return __real_mnl_socket_get_fd(nl);
	return -1;
}

unsigned int __wrap_mnl_socket_get_portid(const struct mnl_socket *nl)
{
	if (nl != fake_sock())
		return __real_mnl_socket_get_portid(nl);
	return FAKE_PORTID;
}

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl, const void *req, size_t siz)
{
	const struct nlmsghdr *h = req;

	if (nl != fake_sock())
		return __real_mnl_socket_sendto(nl, req, siz);
	assert_true(siz >= sizeof(*h));
	assert_int_equal(h->nlmsg_pid, FAKE_PORTID);
	assert_int_not_equal(h->nlmsg_seq, 0);
	S.seq = h->nlmsg_seq;
	S.sends++;
	return (ssize_t)siz;
}

/* Messages are scripted with nlmsg_seq as an offset from the request's seq
 * and nlmsg_pid 0 for "ours"; fill in the real values. */
static void patch(uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off + NLMSG_HDRLEN <= len) {
		struct nlmsghdr *h = (struct nlmsghdr *)(p + off);

		if (h->nlmsg_len < NLMSG_HDRLEN)
			break; /* garbage under test: leave it to the transport */
		h->nlmsg_seq += S.seq;
		if (h->nlmsg_pid == 0)
			h->nlmsg_pid = FAKE_PORTID;
		/* not NLMSG_ALIGN(): it wraps 0xffffffff to 0 in size_t */
		off += ((size_t)h->nlmsg_len + 3) & ~(size_t)3;
	}
}

ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t siz)
{
	struct step *st;

	if (nl != fake_sock())
		return __real_mnl_socket_recvfrom(nl, buf, siz);
	if (S.pos >= S.n) {
		errno = EAGAIN; /* a silent kernel: the receive timeout fired */
		return -1;
	}
	st = &S.steps[S.pos++];
	if (st->err) {
		errno = st->err;
		return -1;
	}
	assert_true(st->len <= siz);
	memcpy(buf, st->data, st->len);
	patch(buf, st->len);
	return (ssize_t)st->len;
}

static void script_start(void)
{
	memset(&S, 0, sizeof(S));
	S.active = true;
}

static struct step *step_new(void)
{
	assert_true(S.n < sizeof(S.steps) / sizeof(S.steps[0]));
	return &S.steps[S.n++];
}

static void step_errno(int err)
{
	step_new()->err = err;
}

static void put_msg(struct step *st, uint16_t type, uint16_t flags, uint32_t seq_off,
		    uint32_t pid, const void *payload, size_t plen)
{
	struct nlmsghdr h = {
		.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + plen),
		.nlmsg_type = type,
		.nlmsg_flags = flags,
		.nlmsg_seq = seq_off,
		.nlmsg_pid = pid,
	};

	memcpy(st->data + st->len, &h, sizeof(h));
	if (plen)
		memcpy(st->data + st->len + NLMSG_HDRLEN, payload, plen);
	st->len += NLMSG_ALIGN(h.nlmsg_len);
}

/* A data record carrying a u32 id. */
static void put_rec(struct step *st, uint32_t id, uint16_t extra_flags)
{
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI | extra_flags, 0, 0, &id, sizeof(id));
}

static void put_done(struct step *st, int32_t err, uint16_t extra_flags)
{
	put_msg(st, NLMSG_DONE, NLM_F_MULTI | extra_flags, 0, 0, &err, sizeof(err));
}

static void put_error(struct step *st, int32_t err)
{
	struct nlmsgerr e = { .error = err };

	put_msg(st, NLMSG_ERROR, 0, 0, 0, &e, sizeof(e));
}

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

static int teardown(void **state)
{
	S.active = false;
	return 0;
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

/* ---- collectors over the scripted kernel ------------------------------ */

static void put_unix(struct step *st, uint32_t ino, const char *name, size_t name_len,
		     uint16_t extra_flags)
{
	uint8_t p[256] __attribute__((aligned(4)));
	struct unix_diag_msg m = { .udiag_family = AF_UNIX, .udiag_type = SOCK_STREAM,
				   .udiag_state = SOCK_STATE_LISTEN, .udiag_ino = ino };
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + name_len),
			    .nla_type = UNIX_DIAG_NAME };
	size_t plen = sizeof(m);

	memcpy(p, &m, sizeof(m));
	if (name_len) {
		memcpy(p + plen, &a, sizeof(a));
		memcpy(p + plen + sizeof(a), name, name_len);
		plen += NLA_ALIGN(sizeof(a) + name_len);
	}
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI | extra_flags, 0, 0, p, plen);
}

static void test_unix_collect_error_keeps_table(void **state)
{
	struct sock_table t = { .len = 0 };
	struct sock_entry pre = { .inode = 1 };
	struct nl_transport *nl;
	struct step *st;

	assert_int_equal(sock_table_add(&t, &pre, "/pre", 4), 0);
	script_start();
	st = step_new();
	put_unix(st, 10, "/a", 2, 0);
	put_unix(st, 11, "/bb", 3, 0);
	put_error(step_new(), -EACCES);

	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(diag_unix_collect(nl, SOCK_STATES_ALL, &t), -EACCES);
	assert_int_equal(t.len, 1);
	assert_int_equal(t.strings_len, 4);
	assert_int_equal(t.entries[0].inode, 1);
	nl_transport_close(nl);
	sock_table_free(&t);
}

static void test_unix_collect_redump(void **state)
{
	struct sock_table t = { .len = 0 };
	struct sock_entry pre = { .inode = 1 };
	struct nl_transport *nl;
	struct step *st;

	assert_int_equal(sock_table_add(&t, &pre, "/pre", 4), 0);
	script_start();
	st = step_new();
	put_unix(st, 10, "/a", 2, 0);
	put_unix(st, 11, "/bb", 3, NLM_F_DUMP_INTR);
	put_done(st, 0, 0);
	st = step_new();
	put_unix(st, 10, "/a", 2, 0);
	put_unix(st, 11, "/bb", 3, 0);
	put_done(st, 0, 0);

	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(diag_unix_collect(nl, SOCK_STATES_ALL, &t), 0);
	assert_int_equal(S.sends, 2);
	/* no duplicates from the discarded partial dump */
	assert_int_equal(t.len, 3);
	assert_int_equal(t.strings_len, 4 + 2 + 3);
	assert_int_equal(t.entries[1].inode, 10);
	assert_int_equal(t.entries[2].inode, 11);
	assert_memory_equal(sock_table_name(&t, &t.entries[2]), "/bb", 3);
	nl_transport_close(nl);
	sock_table_free(&t);
}

static void test_inet_collect_bad_record(void **state)
{
	struct sock_table t = { .len = 0 };
	struct nl_transport *nl;
	struct inet_diag_msg m = { .idiag_family = AF_INET, .idiag_inode = 5 };
	uint32_t junk = 0;
	struct step *st;

	script_start();
	st = step_new();
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, &m, sizeof(m));
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, &m, sizeof(m));
	/* a record too short for struct inet_diag_msg */
	put_msg(step_new(), SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 0, 0, &junk, 4);
	assert_int_equal(nl_transport_open(&nl), 0);
	assert_int_equal(diag_inet_collect(nl, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t),
			 -EBADMSG);
	assert_int_equal(t.len, 0);
	nl_transport_close(nl);
	sock_table_free(&t);
}

/* ---- live kernel ------------------------------------------------------ */

/* Opens the real transport, in a private netns when we may create one, so
 * that only sockets made here exist.  Skips if netlink is unavailable. */
static struct nl_transport *live_open(void)
{
	struct nl_transport *nl;
	int r;

	S.active = false;
	(void)unshare(CLONE_NEWNET);
	r = nl_transport_open(&nl);
	if (r < 0) {
		print_message("no NETLINK_SOCK_DIAG: %s\n", strerror(-r));
		skip();
	}
	return nl;
}

static void test_live_tcp(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	struct sock_table t = { .len = 0 };
	struct nl_transport *nl = live_open();
	const struct sock_entry *e = NULL;
	struct stat st;
	size_t i;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 9) < 0) {
		/* loopback down in a fresh netns: unbound listener on any */
		close(fd);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(listen(fd, 9), 0);
	}
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	assert_int_equal(fstat(fd, &st), 0);

	assert_int_equal(diag_inet_collect(nl, AF_INET, SOCK_PROTO_TCP,
					   SOCK_STATE_BIT(SOCK_STATE_LISTEN), &t), 0);
	for (i = 0; i < t.len; i++)
		if (t.entries[i].inode == st.st_ino)
			e = &t.entries[i];
	assert_non_null(e);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_int_equal(e->lport, ntohs(a.sin_port));
	assert_memory_equal(e->laddr, &a.sin_addr, 4);
	assert_int_equal(e->wqueue, 9);
	assert_int_equal(e->uid, getuid());

	/* Several dumps on one transport, and the RAW answer is an error or
	 * a list, never a hang. */
	i = t.len;
	assert_int_equal(diag_inet_collect(nl, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t), 0);
	assert_true(t.len >= 2 * i);
	(void)diag_inet_collect(nl, AF_INET, SOCK_PROTO_RAW, SOCK_STATES_ALL, &t);

	close(fd);
	nl_transport_close(nl);
	sock_table_free(&t);
}

static void test_live_unix(void **state)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct sock_table t = { .len = 0 };
	struct nl_transport *nl = live_open();
	const struct sock_entry *e = NULL;
	static const char abs_name[] = "\0lsock-test\0x";
	struct stat st;
	size_t i;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memcpy(a.sun_path, abs_name, sizeof(abs_name) - 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&a,
			      offsetof(struct sockaddr_un, sun_path) + sizeof(abs_name) - 1), 0);
	assert_int_equal(listen(fd, 3), 0);
	assert_int_equal(fstat(fd, &st), 0);

	assert_int_equal(diag_unix_collect(nl, SOCK_STATES_ALL, &t), 0);
	for (i = 0; i < t.len; i++)
		if (t.entries[i].inode == st.st_ino)
			e = &t.entries[i];
	assert_non_null(e);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_true(e->flags & SOCK_F_ABSTRACT);
	assert_int_equal(e->path_len, sizeof(abs_name) - 1);
	assert_memory_equal(sock_table_name(&t, e), abs_name, sizeof(abs_name) - 1);
	assert_int_equal(e->wqueue, 3);

	close(fd);
	nl_transport_close(nl);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_clean_dump, teardown),
		cmocka_unit_test_teardown(test_done_enoent, teardown),
		cmocka_unit_test_teardown(test_done_without_payload, teardown),
		cmocka_unit_test_teardown(test_error_mid_dump, teardown),
		cmocka_unit_test_teardown(test_ack_and_noise_ignored, teardown),
		cmocka_unit_test_teardown(test_foreign_seq_portid_ignored, teardown),
		cmocka_unit_test_teardown(test_dump_intr_once, teardown),
		cmocka_unit_test_teardown(test_dump_intr_on_done, teardown),
		cmocka_unit_test_teardown(test_dump_intr_persistent, teardown),
		cmocka_unit_test_teardown(test_recv_eintr_retried, teardown),
		cmocka_unit_test_teardown(test_silent_kernel_times_out, teardown),
		cmocka_unit_test_teardown(test_lone_message_ends_dump, teardown),
		cmocka_unit_test_teardown(test_enobufs, teardown),
		cmocka_unit_test_teardown(test_overrun, teardown),
		cmocka_unit_test_teardown(test_msg_trunc, teardown),
		cmocka_unit_test_teardown(test_cb_error_and_reopen, teardown),
		cmocka_unit_test_teardown(test_bad_request, teardown),
		cmocka_unit_test_teardown(test_garbage, teardown),
		cmocka_unit_test_teardown(test_parse_direct, teardown),
		cmocka_unit_test_teardown(test_unix_collect_error_keeps_table, teardown),
		cmocka_unit_test_teardown(test_unix_collect_redump, teardown),
		cmocka_unit_test_teardown(test_inet_collect_bad_record, teardown),
		cmocka_unit_test(test_live_tcp),
		cmocka_unit_test(test_live_unix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
