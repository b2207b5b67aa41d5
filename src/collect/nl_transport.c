/* SPDX-License-Identifier: MIT */
/*
 * The netlink transport: socket, request, receive loop and the validating
 * message walker.  libmnl is used for the socket only; every byte that comes
 * back is bounds-checked here first, because libmnl 1.0.4's mnl_nlmsg_ok()
 * casts nlmsg_len to int (a length >= 2^31 passes and the next header is
 * read from a wild pointer) and mnl_attr_for_each() bounds attributes by
 * MNL_ALIGN(nlmsg_len), over-reading an unaligned last message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "lsock/nl_transport.h"

/* Zeroed bytes after the receive buffer, so that even a reader that trusts
 * an aligned length by mistake stays inside our allocation. */
#define NL_TRANSPORT_SLACK 8u

/* Plausible errno range in NLMSG_ERROR/NLMSG_DONE payloads (MAX_ERRNO). */
#define NL_ERRNO_MAX 4095

struct nl_transport {
	struct mnl_socket *sock;
	int bus; /* NETLINK_SOCK_DIAG, or NETLINK_ROUTE for the address table */
	uint32_t portid;
	uint32_t seq;
	bool stale; /* a dump ended abnormally: reopen before the next one */
	size_t datagrams; /* data-carrying datagrams of the last complete dump */
	uint8_t req[NL_TRANSPORT_BATCH_MAX] __attribute__((aligned(4)));
	uint8_t *buf; /* NL_TRANSPORT_BUFSIZE + NL_TRANSPORT_SLACK, 4-aligned */
};

/*
 * Rounds up to 4 in size_t.  Not NLMSG_ALIGN(): its mask ~(NLMSG_ALIGNTO - 1)
 * is an unsigned int, which zero-extends and clears the upper half of a
 * 64-bit length, so NLMSG_ALIGN((size_t)0xffffffff) is 0 (found by
 * fuzz_nl_dump).
 */
static size_t align4(size_t len)
{
	return (len + 3) & ~(size_t)3;
}

/* State of one walk over received datagrams. */
struct nl_walk {
	uint32_t seq;
	uint32_t portid;
	nl_record_cb cb; /* NULL: discard data messages (draining a dump) */
	void *data;
	uint32_t nseq;     /* messages of seq .. seq + nseq - 1 are ours (0 counts as 1) */
	bool requests;     /* answers to single requests, not a dump: see walk_answer() */
	int request_error; /* out (requests): first error answer other than ENOENT */
	bool stop_on_intr; /* return -EINTR at the first NLM_F_DUMP_INTR */
	bool intr;         /* out: some message carried NLM_F_DUMP_INTR */
	size_t records;    /* out: data messages seen (handed to cb or not) */
	size_t answers;    /* out: data or NLMSG_ERROR messages seen */
	int last_error;    /* out: the error of the last NLMSG_ERROR seen (0: an ack) */
};

static int sock_open(int bus, struct mnl_socket **ret_sock, uint32_t *ret_portid)
{
	struct timeval tv = { .tv_sec = NL_TRANSPORT_RCVTIMEO_SEC };
	struct mnl_socket *sock;
	int r;

	sock = mnl_socket_open(bus);
	if (!sock)
		return errno ? -errno : -ENOMEM;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = errno ? -errno : -EINVAL;
		mnl_socket_close(sock);
		return r;
	}
	/* A receive timeout turns a kernel that never answers into EAGAIN
	 * (counted by the loop) instead of a hang.  Failure is not fatal. */
	(void)setsockopt(mnl_socket_get_fd(sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	*ret_sock = sock;
	*ret_portid = mnl_socket_get_portid(sock);
	return 0;
}

int nl_transport_open(struct nl_transport **ret_nl)
{
	return nl_transport_open_bus(NETLINK_SOCK_DIAG, ret_nl);
}

int nl_transport_open_bus(int bus, struct nl_transport **ret_nl)
{
	struct nl_transport *nl;
	int r;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->buf = aligned_alloc(8, NL_TRANSPORT_BUFSIZE + NL_TRANSPORT_SLACK);
	if (!nl->buf) {
		free(nl);
		return -ENOMEM;
	}
	memset(nl->buf, 0, NL_TRANSPORT_BUFSIZE + NL_TRANSPORT_SLACK);
	nl->bus = bus;
	r = sock_open(bus, &nl->sock, &nl->portid);
	if (r < 0) {
		free(nl->buf);
		free(nl);
		return r;
	}
	/* Start somewhere other than 0 or 1 so replies to an earlier user of
	 * this port id can never match; the seq is never 0. */
	nl->seq = (uint32_t)time(NULL) | 1u;
	*ret_nl = nl;
	return 0;
}

void nl_transport_close(struct nl_transport *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	free(nl);
}

static int reopen(struct nl_transport *nl)
{
	struct mnl_socket *sock;
	uint32_t portid;
	int r;

	r = sock_open(nl->bus, &sock, &portid);
	if (r < 0)
		return r;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = sock;
	nl->portid = portid;
	nl->stale = false;
	return 0;
}

/* Reads the int at the start of an NLMSG_ERROR/NLMSG_DONE payload. */
static int payload_errno(const struct nlmsghdr *nlh, int *ret_err)
{
	int32_t err;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(err))
		return -ENODATA;
	memcpy(&err, (const uint8_t *)nlh + NLMSG_HDRLEN, sizeof(err));
	/* The kernel only ever puts -errno (or 0) here; anything else is
	 * garbage, and negating INT_MIN would be undefined. */
	if (err > 0 || err < -NL_ERRNO_MAX)
		return -EBADMSG;
	*ret_err = err;
	return 0;
}

/* Handles one message whose length has been validated.
 * Returns 1 to go on, 0 at the end of the dump, or -errno. */
static int walk_one(const struct nlmsghdr *nlh, struct nl_walk *w)
{
	int err = 0, r;

	if (nlh->nlmsg_seq - w->seq >= (w->nseq ? w->nseq : 1) || nlh->nlmsg_pid != w->portid)
		return 1; /* a reply to someone else's (or an earlier) request */
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
		/* The kernel saw the table change under the dump (sequence
		 * check in nl_dump_check_consistent()); what we got so far
		 * may have holes or duplicates. */
		w->intr = true;
		if (w->stop_on_intr)
			return -EINTR;
		w->cb = NULL;
	}

	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		return 1;
	case NLMSG_ERROR:
		r = payload_errno(nlh, &err);
		if (r < 0)
			return -EBADMSG;
		w->answers++;
		w->last_error = err;
		if (w->requests) {
			/* ENOENT: no such socket (it closed, or is not in
			 * this namespace), an answer like any other. */
			if (err < 0 && err != -ENOENT && !w->request_error)
				w->request_error = err;
			return 1;
		}
		return err < 0 ? err : 1; /* error 0 is an ack */
	case NLMSG_DONE:
		if (w->requests)
			return 1; /* no dump was asked for: not ours */
		/* Unlike libmnl's mnl_cb_stop(), read the error the kernel
		 * may put in the DONE payload: inet_diag answers a protocol it
		 * has no handler for (no CONFIG_INET_RAW_DIAG) with
		 * DONE(-ENOENT), which would otherwise read as "no sockets". */
		r = payload_errno(nlh, &err);
		if (r == -EBADMSG)
			return r;
		return err < 0 ? err : 0;
	case NLMSG_OVERRUN:
		return -ENOBUFS;
	default:
		break;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return 1; /* reserved control types carry nothing for us */
	w->records++;
	w->answers++;
	if (w->cb) {
		r = w->cb(nlh, w->data);
		if (r < 0)
			return r;
	}
	/* A dump reply is always multipart; a lone message is the whole
	 * answer, and waiting for a DONE that never comes would hang.  The
	 * answers to a batch of requests are counted by the caller. */
	return (w->requests || (nlh->nlmsg_flags & NLM_F_MULTI)) ? 1 : 0;
}

static int walk_datagram(const void *buf, size_t len, struct nl_walk *w)
{
	const uint8_t *p = buf;
	size_t rem = len;
	int r;

	if ((uintptr_t)buf & (NLMSG_ALIGNTO - 1))
		return -EINVAL;
	while (rem >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
		size_t mlen = nlh->nlmsg_len, alen;

		if (mlen < NLMSG_HDRLEN)
			return -EBADMSG; /* would never advance */
		/* Unsigned, in size_t, so 0xd2000a01 is simply too long.  The
		 * kernel pads every message to 4 bytes; an unaligned length
		 * without its padding is a truncated datagram too (and
		 * alen >= mlen, so this also bounds mlen). */
		alen = align4(mlen);
		if (alen > rem)
			return -EBADMSG;
		r = walk_one(nlh, w);
		if (r <= 0)
			return r;
		p += alen;
		rem -= alen;
	}
	if (rem)
		return -EBADMSG; /* remnant shorter than a header */
	return 1;
}

int nl_transport_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		       nl_record_cb cb, void *data)
{
	struct nl_walk w = {
		.seq = seq,
		.portid = portid,
		.cb = cb,
		.data = data,
		.stop_on_intr = true,
	};

	return walk_datagram(buf, len, &w);
}

static int send_request(struct nl_transport *nl, size_t req_len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)nl->req;
	ssize_t n;

	nl->seq++;
	if (nl->seq == 0)
		nl->seq = 1;
	nlh->nlmsg_seq = nl->seq;
	nlh->nlmsg_pid = nl->portid;
	n = mnl_socket_sendto(nl->sock, nl->req, req_len);
	if (n < 0)
		return errno ? -errno : -EIO;
	if ((size_t)n != req_len)
		return -EIO;
	return 0;
}

/* Receives one datagram.  Returns its length (> 0) or -errno. */
static ssize_t recv_datagram(struct nl_transport *nl)
{
	unsigned int timeouts = 0;
	ssize_t n;

	for (;;) {
		errno = 0;
		n = mnl_socket_recvfrom(nl->sock, nl->buf, NL_TRANSPORT_BUFSIZE);
		if (n > 0)
			return n;
		if (n == 0)
			return -EBADMSG; /* netlink never sends empty datagrams */
		switch (errno) {
		case EINTR:
			continue;
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
			if (++timeouts >= NL_TRANSPORT_MAX_EAGAIN)
				return -ETIMEDOUT;
			continue;
		case ENOSPC:
			/* libmnl reports MSG_TRUNC as ENOSPC. */
			return -EMSGSIZE;
		case 0:
			return -EIO;
		default:
			return -errno;
		}
	}
}

/* One attempt: send, then receive until the dump ends.
 * Returns 0, -errno, or -EINTR if the dump was interrupted (fully drained). */
static int dump_once(struct nl_transport *nl, size_t req_len, nl_record_cb cb, void *data)
{
	struct nl_walk w = { .cb = cb, .data = data };
	ssize_t n;
	int r;

	nl->datagrams = 0;
	r = send_request(nl, req_len);
	if (r < 0)
		return r;
	w.seq = nl->seq;
	w.portid = nl->portid;
	for (;;) {
		size_t before;

		n = recv_datagram(nl);
		if (n < 0)
			return (int)n;
		/* After NLM_F_DUMP_INTR the walk goes on without cb until
		 * DONE: the kernel refuses a new dump (-EBUSY) while this
		 * one is still running. */
		before = w.records;
		r = walk_datagram(nl->buf, (size_t)n, &w);
		if (w.records != before)
			nl->datagrams++;
		if (r < 0)
			return r;
		if (r == 0)
			return w.intr ? -EINTR : 0;
	}
}

int nl_transport_dump(struct nl_transport *nl, const void *req, size_t req_len,
		      nl_record_cb cb, nl_reset_cb reset, void *data)
{
	const struct nlmsghdr *rh = req;
	unsigned int attempt;
	int r;

	if (!nl || !req || !cb || req_len < NLMSG_HDRLEN || req_len > NL_TRANSPORT_REQ_MAX)
		return -EINVAL;
	if (rh->nlmsg_len != req_len)
		return -EINVAL;
	if (nl->stale) {
		r = reopen(nl);
		if (r < 0)
			return r;
	}
	memcpy(nl->req, req, req_len);

	for (attempt = 0;; attempt++) {
		r = dump_once(nl, req_len, cb, data);
		if (r != -EINTR || attempt >= NL_TRANSPORT_MAX_REDUMP)
			break;
		if (reset)
			reset(data);
	}
	/* Anything but a clean end (DONE or NLMSG_ERROR, both of which
	 * finish the kernel's dump) may leave a dump half-read. */
	if (r < 0 && r != -EINTR)
		nl->stale = true;
	return r;
}

size_t nl_transport_last_datagrams(const struct nl_transport *nl)
{
	return nl ? nl->datagrams : 0;
}

/* Checks a batch: nreq whole messages filling exactly len bytes, none of
 * them a dump (its answers could not be counted). */
static bool batch_ok(const uint8_t *p, size_t len, size_t nreq)
{
	size_t off = 0, i;

	for (i = 0; i < nreq; i++) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(p + off);

		if (len - off < NLMSG_HDRLEN || h->nlmsg_len < NLMSG_HDRLEN ||
		    align4(h->nlmsg_len) > len - off || (h->nlmsg_flags & NLM_F_DUMP))
			return false;
		off += align4(h->nlmsg_len);
	}
	return off == len;
}

int nl_transport_request(struct nl_transport *nl, const void *reqs, size_t len, size_t nreq,
			 nl_record_cb cb, void *data)
{
	struct nl_walk w = { .cb = cb, .data = data, .requests = true };
	size_t off = 0, i;
	ssize_t n;
	int r;

	if (!nl || !reqs || !cb || nreq == 0 || nreq > NL_TRANSPORT_BATCH_REQS ||
	    len > NL_TRANSPORT_BATCH_MAX || ((uintptr_t)reqs & (NLMSG_ALIGNTO - 1)) ||
	    !batch_ok(reqs, len, nreq))
		return -EINVAL;
	if (nl->stale) {
		r = reopen(nl);
		if (r < 0)
			return r;
	}
	memcpy(nl->req, reqs, len);
	/* One sequence number per request, consecutive, never 0. */
	if (nl->seq > UINT32_MAX - NL_TRANSPORT_BATCH_REQS - 1)
		nl->seq = 0;
	w.seq = nl->seq + 1;
	w.nseq = (uint32_t)nreq;
	w.portid = nl->portid;
	for (i = 0; i < nreq; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)(nl->req + off);

		h->nlmsg_seq = w.seq + (uint32_t)i;
		h->nlmsg_pid = nl->portid;
		off += align4(h->nlmsg_len);
	}
	nl->seq = w.seq + (uint32_t)nreq - 1;
	/* The kernel runs the requests one after another (netlink_rcv_skb())
	 * and answers each with one unicast message: the socket's record, or
	 * NLMSG_ERROR.  A batch of NL_TRANSPORT_BATCH_REQS small answers fits
	 * the default receive buffer, so none is dropped for lack of room. */
	n = mnl_socket_sendto(nl->sock, nl->req, len);
	if (n < 0 || (size_t)n != len) {
		r = n < 0 && errno ? -errno : -EIO;
		goto fail;
	}
	while (w.answers < nreq) {
		n = recv_datagram(nl);
		if (n < 0) {
			r = (int)n;
			goto fail;
		}
		r = walk_datagram(nl->buf, (size_t)n, &w);
		if (r < 0)
			goto fail;
	}
	return w.request_error;
fail:
	nl->stale = true;
	return r;
}

int nl_transport_parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
			     const struct nl_attr_policy *policy, size_t ntypes,
			     const struct nlattr **tb)
{
	const uint8_t *p;
	size_t rem, off;

	memset(tb, 0, ntypes * sizeof(*tb));
	off = NLMSG_HDRLEN + align4(hdrlen);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + hdrlen)
		return -EBADMSG;
	if (nlh->nlmsg_len <= off)
		return 0; /* no room for attributes (header ends unaligned) */
	p = (const uint8_t *)nlh + off;
	rem = nlh->nlmsg_len - off;
	while (rem >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t alen = a->nla_len, plen, step;
		uint16_t type = a->nla_type & NLA_TYPE_MASK;

		if (alen < NLA_HDRLEN || alen > rem)
			return -EBADMSG;
		plen = alen - NLA_HDRLEN;
		if (type < ntypes) {
			if (plen < policy[type].min_len)
				return -EBADMSG;
			if (policy[type].max_len && plen > policy[type].max_len)
				return -EBADMSG;
			tb[type] = a;
		}
		step = align4(alen);
		if (step >= rem)
			break;
		p += step;
		rem -= step;
	}
	return 0;
}

int nl_transport_fd(const struct nl_transport *nl)
{
	return nl && nl->sock ? mnl_socket_get_fd(nl->sock) : -1;
}

int nl_transport_subscribe(struct nl_transport *nl, const unsigned *groups, size_t n)
{
	/* Bursts of destroy notifications (a service restart closing
	 * thousands of sockets) overflow the default 208 KiB receive buffer;
	 * ask for more (capped by net.core.rmem_max, no privilege needed). */
	int rcvbuf = 4 * 1024 * 1024;
	size_t i;

	if (!nl || !nl->sock)
		return -EINVAL;
	(void)setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			 sizeof(rcvbuf));
	for (i = 0; i < n; i++) {
		int g = (int)groups[i];

		if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0)
			return errno ? -errno : -EINVAL;
	}
	return 0;
}

int nl_transport_recv_events(struct nl_transport *nl, nl_record_cb cb, void *data)
{
	/* Notifications carry nlmsg_seq 0 and nlmsg_pid 0 (the kernel). */
	struct nl_walk w = { .cb = cb, .data = data, .requests = true };
	ssize_t n;

	if (!nl || !nl->sock || !cb)
		return -EINVAL;
	n = recv_datagram(nl);
	if (n < 0)
		return (int)n;
	return walk_datagram(nl->buf, (size_t)n, &w) < 0 ? -EBADMSG : 0;
}

int nl_transport_ack(struct nl_transport *nl, const void *req, size_t len, int *ret_err)
{
	struct nl_walk w = { .requests = true };
	struct nlmsghdr *h;
	ssize_t n;
	int r;

	*ret_err = 0;
	if (!nl || !req || len < NLMSG_HDRLEN || len > NL_TRANSPORT_REQ_MAX ||
	    ((const struct nlmsghdr *)req)->nlmsg_len != len ||
	    (((const struct nlmsghdr *)req)->nlmsg_flags & NLM_F_DUMP))
		return -EINVAL;
	if (nl->stale) {
		r = reopen(nl);
		if (r < 0)
			return r;
	}
	memcpy(nl->req, req, len);
	h = (struct nlmsghdr *)nl->req;
	/* The kernel acks a successful request only when asked to
	 * (netlink_rcv_skb()); an error it always answers. */
	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r = send_request(nl, len);
	if (r < 0)
		goto fail;
	w.seq = nl->seq;
	w.portid = nl->portid;
	while (w.answers == 0) {
		n = recv_datagram(nl);
		if (n < 0) {
			r = (int)n;
			goto fail;
		}
		r = walk_datagram(nl->buf, (size_t)n, &w);
		if (r < 0)
			goto fail;
	}
	*ret_err = w.last_error;
	return 0;
fail:
	nl->stale = true;
	return r;
}

struct nlmsghdr *nl_transport_put_request(void *buf, size_t buflen, size_t len, uint16_t type,
					  uint16_t flags, size_t hdr_len)
{
	struct nlmsghdr *nlh;

	if (buflen < len)
		return NULL;
	memset(buf, 0, len);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	mnl_nlmsg_put_extra_header(nlh, hdr_len);
	return nlh;
}
