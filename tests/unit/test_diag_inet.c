/* SPDX-License-Identifier: MIT */
/*
 * inet_diag builder and parser: hand-built messages and recorded dumps
 * (tests/fixtures/diag_*.nl, see README-nl.md) replayed through
 * nl_transport_parse().  Expected values for the recordings come from
 * fstat()/SO_COOKIE on the sockets at capture time, not from our parser.
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
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "nl_builder.h"

static void inet_msg(struct mb *b, uint8_t family, uint8_t state, uint16_t sport)
{
	struct inet_diag_msg m;

	memset(&m, 0, sizeof(m));
	m.idiag_family = family;
	m.idiag_state = state;
	m.id.idiag_sport = htons(sport);
	m.id.idiag_dport = htons(443);
	m.idiag_inode = 4711;
	m.idiag_uid = 1000;
	m.id.idiag_cookie[0] = 0x89abcdefu;
	m.id.idiag_cookie[1] = 0x01234567u;
	if (family == AF_INET) {
		m.id.idiag_src[0] = htonl(0x0a000001);
		m.id.idiag_dst[0] = htonl(0xc0a80102);
	} else {
		m.id.idiag_src[0] = htonl(0x20010db8);
		m.id.idiag_src[3] = htonl(1);
		m.id.idiag_dst[2] = htonl(0xffff);
		m.id.idiag_dst[3] = htonl(0x7f000001);
	}
	mb_begin(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 1, 2);
	mb_put(b, &m, sizeof(m));
}

/* ---- fixture replay --------------------------------------------------- */

struct replay {
	struct sock_table t;
	enum sock_proto proto;
	int calls;
};

/* Counts the calls, then runs the live dump's own record callback. */
static int replay_cb(const struct nlmsghdr *nlh, void *data)
{
	struct replay *rp = data;
	struct diag_sink sink = { .t = &rp->t, .base = 0, .proto = rp->proto };

	rp->calls++;
	return diag_inet_record(nlh, &sink);
}

/* Replays a recorded dump with the seq/portid it was recorded with. */
static int replay_fixture(const char *name, enum sock_proto proto, struct replay *rp)
{
	const struct nlmsghdr *h;
	uint8_t *buf;
	size_t len;
	int r;

	memset(rp, 0, sizeof(*rp));
	rp->proto = proto;
	buf = load_fixture(name, &len);
	h = (const struct nlmsghdr *)buf;
	r = nl_transport_parse(buf, len, h->nlmsg_seq, h->nlmsg_pid, replay_cb, rp);
	free(buf);
	return r;
}

static const uint8_t lo4[4] = { 127, 0, 0, 1 };
static const uint8_t zero16[16];

static void test_replay_tcp4(void **state)
{
	struct replay rp;
	const struct sock_entry *e;
	const uint16_t flags = SOCK_F_UID_KNOWN | SOCK_F_COOKIE_KNOWN | SOCK_F_QUEUES_KNOWN |
			       SOCK_F_IFINDEX_KNOWN;

	assert_int_equal(replay_fixture("diag_tcp4.nl", SOCK_PROTO_TCP, &rp), 0);
	assert_int_equal(rp.t.len, 3);

	e = &rp.t.entries[0]; /* listener 127.0.0.1:40001, backlog 7 */
	assert_int_equal(e->family, AF_INET);
	assert_int_equal(e->proto, SOCK_PROTO_TCP);
	assert_int_equal(e->type, SOCK_STREAM);
	assert_int_equal(e->source, SOCK_SOURCE_NETLINK);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_memory_equal(e->laddr, lo4, 4);
	assert_memory_equal(e->laddr + 4, zero16, 12);
	assert_memory_equal(e->raddr, zero16, 16);
	assert_int_equal(e->lport, 40001);
	assert_int_equal(e->rport, 0);
	assert_int_equal(e->inode, 2089620);
	assert_int_equal(e->cookie, 612438);
	assert_int_equal(e->rqueue, 0);
	assert_int_equal(e->wqueue, 7);
	assert_int_equal(e->uid, 0);
	assert_int_equal(e->ifindex, 0);
	assert_int_equal(e->flags, flags); /* AF_INET: no SKV6ONLY attribute */

	e = &rp.t.entries[1]; /* client 40002 -> 40001 */
	assert_int_equal(e->state, SOCK_STATE_ESTABLISHED);
	assert_int_equal(e->lport, 40002);
	assert_int_equal(e->rport, 40001);
	assert_memory_equal(e->raddr, lo4, 4);
	assert_int_equal(e->inode, 2089621);
	assert_int_equal(e->cookie, 612439);

	e = &rp.t.entries[2]; /* accepted, 5 unread bytes */
	assert_int_equal(e->state, SOCK_STATE_ESTABLISHED);
	assert_int_equal(e->lport, 40001);
	assert_int_equal(e->rport, 40002);
	assert_int_equal(e->inode, 2089622);
	assert_int_equal(e->cookie, 612440);
	assert_int_equal(e->rqueue, 5);
	assert_int_equal(e->wqueue, 0);
	sock_table_free(&rp.t);
}

static void test_replay_tcp6(void **state)
{
	static const uint8_t lo6[16] = { [15] = 1 };
	static const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };
	struct replay rp;
	const struct sock_entry *e;

	assert_int_equal(replay_fixture("diag_tcp6.nl", SOCK_PROTO_TCP, &rp), 0);
	assert_int_equal(rp.t.len, 3);

	e = &rp.t.entries[0]; /* [::1]:40011, IPV6_V6ONLY=1 */
	assert_int_equal(e->family, AF_INET6);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_memory_equal(e->laddr, lo6, 16);
	assert_int_equal(e->lport, 40011);
	assert_int_equal(e->wqueue, 3);
	assert_int_equal(e->inode, 2089632);
	assert_int_equal(e->cookie, 612441);
	assert_true(e->flags & SOCK_F_V6ONLY_KNOWN);
	assert_true(e->flags & SOCK_F_V6ONLY);

	e = &rp.t.entries[1]; /* [::]:40012, IPV6_V6ONLY=0 */
	assert_memory_equal(e->laddr, zero16, 16);
	assert_int_equal(e->lport, 40012);
	assert_int_equal(e->wqueue, 4);
	assert_int_equal(e->inode, 2089633);
	assert_true(e->flags & SOCK_F_V6ONLY_KNOWN);
	assert_false(e->flags & SOCK_F_V6ONLY);

	e = &rp.t.entries[2]; /* accepted from 127.0.0.1:40013: v4-mapped */
	assert_int_equal(e->state, SOCK_STATE_ESTABLISHED);
	assert_memory_equal(e->laddr, mapped, 16);
	assert_memory_equal(e->raddr, mapped, 16);
	assert_int_equal(e->lport, 40012);
	assert_int_equal(e->rport, 40013);
	assert_int_equal(e->inode, 2089635);
	assert_int_equal(e->cookie, 612443);
	/* the kernel sent no SKV6ONLY for this v4-mapped child: unknown, not false */
	assert_false(e->flags & SOCK_F_V6ONLY_KNOWN);
	sock_table_free(&rp.t);
}

static void test_replay_udp4(void **state)
{
	struct replay rp;
	const struct sock_entry *e;

	assert_int_equal(replay_fixture("diag_udp4.nl", SOCK_PROTO_UDP, &rp), 0);
	assert_int_equal(rp.t.len, 2);

	e = &rp.t.entries[0]; /* unconnected, one 10-byte datagram queued */
	assert_int_equal(e->type, SOCK_DGRAM);
	assert_int_equal(e->proto, SOCK_PROTO_UDP);
	assert_int_equal(e->state, SOCK_STATE_CLOSE);
	assert_int_equal(e->lport, 40021);
	assert_int_equal(e->rqueue, 832); /* skb truesize, as the kernel counts */
	assert_int_equal(e->inode, 2089637);
	assert_int_equal(e->cookie, 612444);
	assert_int_equal(e->ifindex, 0);

	e = &rp.t.entries[1]; /* connected, SO_BINDTODEVICE lo */
	assert_int_equal(e->state, SOCK_STATE_ESTABLISHED);
	assert_int_equal(e->lport, 40022);
	assert_int_equal(e->rport, 40021);
	assert_int_equal(e->ifindex, 1);
	assert_int_equal(e->inode, 2089638);
	assert_int_equal(e->cookie, 612445);
	sock_table_free(&rp.t);
}

static void test_replay_raw_enoent(void **state)
{
	struct replay rp;

	/* No CONFIG_INET_RAW_DIAG: the answer is DONE carrying -ENOENT. */
	assert_int_equal(replay_fixture("diag_raw4_enoent.nl", SOCK_PROTO_RAW, &rp), -ENOENT);
	assert_int_equal(rp.calls, 0);
	sock_table_free(&rp.t);
}

/* ---- hand-built messages ---------------------------------------------- */

static void test_parse_v4(void **state)
{
	static const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 192, 168, 1, 2 };
	struct mb b = { .len = 0 };
	struct sock_entry e;
	const struct nlmsghdr *h;

	inet_msg(&b, AF_INET, SOCK_STATE_SYN_SENT, 51000);
	h = mb_end(&b);
	assert_int_equal(diag_inet_parse(h, SOCK_PROTO_UDPLITE, &e), 0);
	assert_int_equal(e.family, AF_INET);
	assert_int_equal(e.proto, SOCK_PROTO_UDPLITE);
	assert_int_equal(e.type, SOCK_DGRAM);
	assert_int_equal(e.state, SOCK_STATE_SYN_SENT);
	assert_memory_equal(e.laddr, src, 4);
	assert_memory_equal(e.raddr, dst, 4);
	assert_memory_equal(e.laddr + 4, zero16, 12);
	assert_int_equal(e.lport, 51000);
	assert_int_equal(e.rport, 443);
	assert_int_equal(e.inode, 4711);
	assert_int_equal(e.uid, 1000);
	assert_true(e.cookie == 0x0123456789abcdefull);
	assert_int_equal(e.flags, SOCK_F_UID_KNOWN | SOCK_F_COOKIE_KNOWN | SOCK_F_QUEUES_KNOWN |
					  SOCK_F_IFINDEX_KNOWN);
}

static void test_parse_raw_port_is_protocol(void **state)
{
	struct mb b = { .len = 0 };
	struct sock_entry e;

	inet_msg(&b, AF_INET, SOCK_STATE_CLOSE, IPPROTO_ICMP);
	assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_RAW, &e), 0);
	assert_int_equal(e.type, SOCK_RAW);
	assert_int_equal(e.proto, SOCK_PROTO_RAW);
	assert_int_equal(e.lport, IPPROTO_ICMP);
}

static void test_parse_v6only(void **state)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };
	uint8_t on = 1, off = 0, shut = 0;
	struct mb b = { .len = 0 };
	struct sock_entry e;

	inet_msg(&b, AF_INET6, SOCK_STATE_LISTEN, 22);
	mb_attr(&b, INET_DIAG_SHUTDOWN, &shut, 1);
	mb_attr(&b, INET_DIAG_SKV6ONLY, &on, 1);
	assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_TCP, &e), 0);
	assert_int_equal(e.family, AF_INET6);
	assert_memory_equal(e.laddr, src, 16);
	assert_memory_equal(e.raddr, dst, 16);
	assert_int_equal(e.flags & (SOCK_F_V6ONLY_KNOWN | SOCK_F_V6ONLY),
			 SOCK_F_V6ONLY_KNOWN | SOCK_F_V6ONLY);

	b.len = 0;
	inet_msg(&b, AF_INET6, SOCK_STATE_LISTEN, 22);
	mb_attr(&b, INET_DIAG_SKV6ONLY, &off, 1);
	assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_TCP, &e), 0);
	assert_int_equal(e.flags & (SOCK_F_V6ONLY_KNOWN | SOCK_F_V6ONLY), SOCK_F_V6ONLY_KNOWN);

	/* Unknown attribute types (from a newer kernel) are skipped. */
	b.len = 0;
	inet_msg(&b, AF_INET6, SOCK_STATE_LISTEN, 22);
	mb_attr(&b, 200, "abcdefgh", 8);
	assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_TCP, &e), 0);
	assert_false(e.flags & SOCK_F_V6ONLY_KNOWN);
}

/*
 * Time-wait and request sockets: inet_twsk_diag_fill() and
 * inet_req_diag_fill() write uid 0 and inode 0 and no attribute, where a
 * full socket always carries INET_DIAG_SHUTDOWN.  Their uid is unknown,
 * not root.
 */
static void test_parse_minisock_uid_unknown(void **state)
{
	static const uint8_t mini_states[] = { SOCK_STATE_TIME_WAIT, SOCK_STATE_FIN_WAIT2,
					       SOCK_STATE_SYN_RECV };
	static const uint8_t full_states[] = { SOCK_STATE_FIN_WAIT2, SOCK_STATE_SYN_RECV,
					       SOCK_STATE_ESTABLISHED, SOCK_STATE_TIME_WAIT };
	struct mb b;
	struct sock_entry e;
	uint8_t shut = 1;
	size_t i;

	for (i = 0; i < sizeof(mini_states); i++) {
		b.len = 0;
		inet_msg(&b, AF_INET, mini_states[i], 40000);
		assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_TCP, &e), 0);
		assert_int_equal(e.state, mini_states[i]);
		assert_false(e.flags & SOCK_F_UID_KNOWN);
		/* what else the kernel fills in is kept */
		assert_true(e.flags & SOCK_F_COOKIE_KNOWN);
		assert_true(e.flags & SOCK_F_QUEUES_KNOWN);
	}
	/* A full socket in the same states (a half-closed FIN_WAIT2, a Fast
	 * Open child in SYN_RECV) has the attribute and a real uid. */
	for (i = 0; i < sizeof(full_states); i++) {
		b.len = 0;
		inet_msg(&b, AF_INET6, full_states[i], 40000);
		mb_attr(&b, INET_DIAG_SHUTDOWN, &shut, 1);
		assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_TCP, &e), 0);
		assert_true(e.flags & SOCK_F_UID_KNOWN);
		assert_int_equal(e.uid, 1000);
	}
	/* Other states never come from a minisock, attribute or not. */
	b.len = 0;
	inet_msg(&b, AF_INET, SOCK_STATE_LISTEN, 22);
	assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_TCP, &e), 0);
	assert_true(e.flags & SOCK_F_UID_KNOWN);
}

static void test_parse_malformed(void **state)
{
	struct sock_entry e, keep;
	struct mb b = { .len = 0 };
	struct nlmsghdr *h;
	struct nlattr *a;
	uint8_t on = 1;

	memset(&keep, 0x5a, sizeof(keep));

	/* SKV6ONLY with an empty payload: too short for its u8. */
	inet_msg(&b, AF_INET6, SOCK_STATE_LISTEN, 22);
	mb_attr(&b, INET_DIAG_SKV6ONLY, NULL, 0);
	e = keep;
	assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_TCP, &e), -EBADMSG);
	assert_memory_equal(&e, &keep, sizeof(e)); /* ret untouched on error */

	/* Truncated attribute: nla_len runs past nlmsg_len. */
	b.len = 0;
	inet_msg(&b, AF_INET6, SOCK_STATE_LISTEN, 22);
	mb_attr(&b, INET_DIAG_SKV6ONLY, &on, 1);
	h = mb_end(&b);
	a = (struct nlattr *)((uint8_t *)h + NLMSG_HDRLEN + sizeof(struct inet_diag_msg));
	a->nla_len = 12;
	assert_int_equal(diag_inet_parse(h, SOCK_PROTO_TCP, &e), -EBADMSG);
	a->nla_len = 3; /* shorter than its own header */
	assert_int_equal(diag_inet_parse(h, SOCK_PROTO_TCP, &e), -EBADMSG);

	/* Message too short for struct inet_diag_msg. */
	b.len = 0;
	inet_msg(&b, AF_INET, SOCK_STATE_LISTEN, 22);
	h = mb_end(&b);
	h->nlmsg_len -= 4;
	assert_int_equal(diag_inet_parse(h, SOCK_PROTO_TCP, &e), -EBADMSG);

	/* Not an inet family. */
	b.len = 0;
	inet_msg(&b, AF_UNIX, SOCK_STATE_LISTEN, 22);
	assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_TCP, &e), -EBADMSG);

	/* Bad proto from the caller. */
	b.len = 0;
	inet_msg(&b, AF_INET, SOCK_STATE_LISTEN, 22);
	assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_UNIX, &e), -EINVAL);
}

static void test_parse_state_clamped(void **state)
{
	struct mb b = { .len = 0 };
	struct sock_entry e;

	inet_msg(&b, AF_INET, 13 /* TCP_BOUND_INACTIVE */, 22);
	assert_int_equal(diag_inet_parse(mb_end(&b), SOCK_PROTO_TCP, &e), 0);
	assert_int_equal(e.state, SOCK_STATE_UNKNOWN);
}

static void test_bad_nlmsg_len_through_parse(void **state)
{
	struct replay rp = { .proto = SOCK_PROTO_TCP };
	struct mb b = { .len = 0 };
	struct nlmsghdr *h;

	inet_msg(&b, AF_INET, SOCK_STATE_LISTEN, 22);
	h = mb_end(&b);
	h->nlmsg_len = (uint32_t)b.len + 4; /* claims more than was received */
	assert_int_equal(nl_transport_parse(b.buf, b.len, 1, 2, replay_cb, &rp), -EBADMSG);
	h->nlmsg_len = 0xd2000a01u; /* negative as an int: libmnl's SEGV */
	assert_int_equal(nl_transport_parse(b.buf, b.len, 1, 2, replay_cb, &rp), -EBADMSG);
	assert_int_equal(rp.calls, 0);
}

/* ---- request builder -------------------------------------------------- */

static void test_build_tcp(void **state)
{
	uint8_t buf[DIAG_REQ_MAX] __attribute__((aligned(4)));
	const struct nlmsghdr *h = (const void *)buf;
	const struct inet_diag_req_v2 *req = (const void *)(buf + NLMSG_HDRLEN);
	uint32_t mask = SOCK_STATE_BIT(SOCK_STATE_LISTEN) | SOCK_STATE_BIT(SOCK_STATE_SYN_RECV);
	int len;

	len = diag_inet_build_request(buf, sizeof(buf), AF_INET6, SOCK_PROTO_TCP, mask);
	assert_int_equal(len, NLMSG_HDRLEN + sizeof(*req));
	assert_int_equal(h->nlmsg_len, len);
	assert_int_equal(h->nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(req->sdiag_family, AF_INET6);
	assert_int_equal(req->sdiag_protocol, IPPROTO_TCP);
	assert_int_equal(req->idiag_ext, 0);
	/* SYN_RECV brings NEW_SYN_RECV along (request sockets). */
	assert_int_equal(req->idiag_states, mask | SOCK_STATE_BIT(SOCK_STATE_NEW_SYN_RECV));

	len = diag_inet_build_request(buf, sizeof(buf), AF_INET, SOCK_PROTO_UDP,
				      SOCK_STATE_BIT(SOCK_STATE_CLOSE));
	assert_int_equal(len, NLMSG_HDRLEN + sizeof(*req));
	assert_int_equal(req->sdiag_protocol, IPPROTO_UDP);
	assert_int_equal(req->idiag_states, SOCK_STATE_BIT(SOCK_STATE_CLOSE));

	len = diag_inet_build_request(buf, sizeof(buf), AF_INET, SOCK_PROTO_UDPLITE, 2);
	assert_true(len > 0);
	assert_int_equal(req->sdiag_protocol, 136);

	/* -l (LISTEN | CLOSE): TCP asks LISTEN alone, which spares the
	 * kernel the walk of the established hash; UDP keeps its UNCONN. */
	len = diag_inet_build_request(buf, sizeof(buf), AF_INET, SOCK_PROTO_TCP,
				      SOCK_STATES_LISTENING);
	assert_true(len > 0);
	assert_int_equal(req->idiag_states, SOCK_STATE_BIT(SOCK_STATE_LISTEN));
	len = diag_inet_build_request(buf, sizeof(buf), AF_INET, SOCK_PROTO_UDP,
				      SOCK_STATES_LISTENING);
	assert_true(len > 0);
	assert_int_equal(req->idiag_states, SOCK_STATES_LISTENING);
	/* Any other mask is sent as it is. */
	len = diag_inet_build_request(buf, sizeof(buf), AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL);
	assert_true(len > 0);
	assert_int_equal(req->idiag_states, SOCK_STATES_ALL);
}

/* Both TCP families in one dump: the original tcp_diag request, whose
 * dump the kernel runs with sdiag_family AF_UNSPEC (inet_diag_dump_compat). */
static void test_build_tcp_both_families(void **state)
{
	uint8_t buf[DIAG_REQ_MAX] __attribute__((aligned(4)));
	const struct nlmsghdr *h = (const void *)buf;
	const struct inet_diag_req *req = (const void *)(buf + NLMSG_HDRLEN);
	uint32_t mask = SOCK_STATE_BIT(SOCK_STATE_LISTEN) | SOCK_STATE_BIT(SOCK_STATE_SYN_RECV);
	int len;

	len = diag_inet_build_request(buf, sizeof(buf), AF_UNSPEC, SOCK_PROTO_TCP, mask);
	assert_int_equal(len, NLMSG_HDRLEN + sizeof(*req));
	assert_int_equal(sizeof(*req), 60);
	assert_int_equal(h->nlmsg_len, len);
	assert_int_equal(h->nlmsg_type, TCPDIAG_GETSOCK);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(req->idiag_ext, 0);
	assert_int_equal(req->idiag_dbs, 0);
	assert_int_equal(req->id.idiag_cookie[0], 0);
	assert_int_equal(req->idiag_states, mask | SOCK_STATE_BIT(SOCK_STATE_NEW_SYN_RECV));
	len = diag_inet_build_request(buf, sizeof(buf), AF_UNSPEC, SOCK_PROTO_TCP,
				      SOCK_STATES_LISTENING);
	assert_true(len > 0);
	assert_int_equal(req->idiag_states, SOCK_STATE_BIT(SOCK_STATE_LISTEN));
	/* Only TCP has it. */
	assert_int_equal(diag_inet_build_request(buf, sizeof(buf), AF_UNSPEC, SOCK_PROTO_UDP, mask),
			 -EINVAL);
	assert_int_equal(diag_inet_build_request(buf, NLMSG_HDRLEN + sizeof(*req) - 1, AF_UNSPEC,
						 SOCK_PROTO_TCP, mask),
			 -ENOBUFS);
}

static void test_build_raw(void **state)
{
	uint8_t buf[DIAG_REQ_MAX] __attribute__((aligned(4)));
	const struct inet_diag_req_v2 *req = (const void *)(buf + NLMSG_HDRLEN);
	const struct nlattr *a = (const void *)(buf + NLMSG_HDRLEN + sizeof(*req));
	uint32_t proto;
	int len;

	len = diag_inet_build_request(buf, sizeof(buf), AF_INET, SOCK_PROTO_RAW, SOCK_STATES_ALL);
	assert_int_equal(len, NLMSG_HDRLEN + sizeof(*req) + NLA_HDRLEN + 4);
	assert_int_equal(req->sdiag_protocol, IPPROTO_RAW);
	assert_int_equal(req->pad, 0);
	assert_int_equal(a->nla_type, INET_DIAG_REQ_PROTOCOL);
	assert_int_equal(a->nla_len, NLA_HDRLEN + 4); /* the kernel wants exactly a u32 */
	memcpy(&proto, (const uint8_t *)a + NLA_HDRLEN, 4);
	assert_int_equal(proto, IPPROTO_RAW);
}

static void test_build_errors(void **state)
{
	uint8_t buf[DIAG_REQ_MAX] __attribute__((aligned(4)));

	assert_int_equal(diag_inet_build_request(buf, sizeof(buf), AF_UNIX, SOCK_PROTO_TCP, 2),
			 -EINVAL);
	assert_int_equal(diag_inet_build_request(buf, sizeof(buf), AF_INET, SOCK_PROTO_UNIX, 2),
			 -EINVAL);
	assert_int_equal(diag_inet_build_request(buf, 71, AF_INET, SOCK_PROTO_TCP, 2), -ENOBUFS);
	assert_int_equal(diag_inet_build_request(buf, 79, AF_INET, SOCK_PROTO_RAW, 2), -ENOBUFS);
	assert_int_equal(diag_inet_build_request(buf, 80, AF_INET, SOCK_PROTO_RAW, 2), 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_tcp4),
		cmocka_unit_test(test_replay_tcp6),
		cmocka_unit_test(test_replay_udp4),
		cmocka_unit_test(test_replay_raw_enoent),
		cmocka_unit_test(test_parse_v4),
		cmocka_unit_test(test_parse_raw_port_is_protocol),
		cmocka_unit_test(test_parse_v6only),
		cmocka_unit_test(test_parse_minisock_uid_unknown),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_state_clamped),
		cmocka_unit_test(test_bad_nlmsg_len_through_parse),
		cmocka_unit_test(test_build_tcp),
		cmocka_unit_test(test_build_tcp_both_families),
		cmocka_unit_test(test_build_raw),
		cmocka_unit_test(test_build_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
