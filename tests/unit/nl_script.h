/* SPDX-License-Identifier: MIT */
/*
 * A scripted kernel for the netlink transport tests: mnl_socket_* are
 * wrapped with ld --wrap and, while a script is active, answer from a queue
 * of datagrams and errnos.  Without a script the wrappers pass through to
 * libmnl.
 *
 * Include it from exactly one .c file per test executable (it defines the
 * __wrap_ functions), and list the seven mnl_socket_* symbols below in that
 * test's test_<name>.wrap.  Include <cmocka.h> before this header.
 */
#ifndef LSOCK_TEST_NL_SCRIPT_H
#define LSOCK_TEST_NL_SCRIPT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#define FAKE_PORTID 4242u

struct step {
	int err; /* recvfrom fails with this errno */
	size_t len;
	uint8_t data[2048] __attribute__((aligned(8)));
};

struct script {
	bool active;
	struct step steps[48];
	size_t n, pos;
	uint32_t seq; /* of the last request sent (the first message of it) */
	unsigned int sends, opens, closes;
	uint8_t sent[2048] __attribute__((aligned(4))); /* the last datagram sent */
	size_t sent_len;
};

/* Test-only state shared with the --wrap functions (they cannot take it as
 * an argument). */
static struct script S;

static inline struct mnl_socket *fake_sock(void)
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
	assert_true(siz <= sizeof(S.sent));
	memcpy(S.sent, req, siz);
	S.sent_len = siz;
	return (ssize_t)siz;
}

/* Messages are scripted with nlmsg_seq as an offset from the request's seq
 * and nlmsg_pid 0 for "ours"; fill in the real values. */
static inline void script_patch(uint8_t *p, size_t len)
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
	script_patch(buf, st->len);
	return (ssize_t)st->len;
}

/* Starts a fresh script: mnl_socket_open() now returns the fake socket. */
static inline void script_start(void)
{
	memset(&S, 0, sizeof(S));
	S.active = true;
}

/* Appends a step: one datagram (filled with put_*) or one errno, which the
 * fake recvfrom returns in turn; after the last step it times out. */
static inline struct step *step_new(void)
{
	assert_true(S.n < sizeof(S.steps) / sizeof(S.steps[0]));
	return &S.steps[S.n++];
}

/* A step where recvfrom fails with err. */
static inline void step_errno(int err)
{
	step_new()->err = err;
}

/* Appends one message to st: seq_off is added to the request's seq, pid 0
 * becomes our portid. */
static inline void put_msg(struct step *st, uint16_t type, uint16_t flags, uint32_t seq_off,
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
static inline void put_rec(struct step *st, uint32_t id, uint16_t extra_flags)
{
	put_msg(st, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI | extra_flags, 0, 0, &id, sizeof(id));
}

/* NLMSG_DONE carrying err, as the kernel puts it after a dump. */
static inline void put_done(struct step *st, int32_t err, uint16_t extra_flags)
{
	put_msg(st, NLMSG_DONE, NLM_F_MULTI | extra_flags, 0, 0, &err, sizeof(err));
}

/* NLMSG_ERROR carrying err (0: an ack). */
static inline void put_error(struct step *st, int32_t err)
{
	struct nlmsgerr e = { .error = err };

	put_msg(st, NLMSG_ERROR, 0, 0, 0, &e, sizeof(e));
}

/* A cmocka teardown: ends the script, so later tests talk to libmnl. */
static inline int script_teardown(void **state)
{
	S.active = false;
	return 0;
}

#endif
