/* SPDX-License-Identifier: MIT */
/*
 * unix_diag builder and parser: hand-built messages and a recorded dump
 * (tests/fixtures/diag_unix.nl, see README-nl.md) replayed through
 * nl_transport_parse().  Expected inodes/cookies come from fstat()/SO_COOKIE
 * at capture time.
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
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "nl_builder.h"

static void unix_msg(struct mb *b, uint8_t family, uint8_t type, uint8_t state)
{
	struct unix_diag_msg m = {
		.udiag_family = family,
		.udiag_type = type,
		.udiag_state = state,
		.udiag_ino = 31337,
		.udiag_cookie = { 0xdeadbeefu, 0x2u },
	};

	mb_begin(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 7, 8);
	mb_put(b, &m, sizeof(m));
}

/* ---- fixture replay --------------------------------------------------- */

struct replay {
	struct sock_table t;
	int calls;
	size_t dropped;
};

/* Counts the calls, then runs the live dump's own record callback. */
static int replay_cb(const struct nlmsghdr *nlh, void *data)
{
	struct replay *rp = data;
	struct diag_sink sink = { .t = &rp->t, .base = 0, .proto = SOCK_PROTO_UNIX };
	int r;

	rp->calls++;
	r = diag_unix_record(nlh, &sink);
	rp->dropped += sink.dropped;
	return r;
}

static const struct sock_entry *find_inode(const struct sock_table *t, uint32_t inode)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->entries[i].inode == inode)
			return &t->entries[i];
	fail_msg("inode %u not in the dump", inode);
	return NULL;
}

static void assert_name(const struct sock_table *t, const struct sock_entry *e, const void *name,
			size_t len)
{
	assert_int_equal(e->path_len, len);
	assert_memory_equal(sock_table_name(t, e), name, len);
}

static void test_replay_unix(void **state)
{
	char longpath[108];
	const uint8_t base = SOCK_F_COOKIE_KNOWN | SOCK_F_UID_KNOWN | SOCK_F_QUEUES_KNOWN;
	const struct sock_entry *e;
	const struct nlmsghdr *h;
	struct replay rp;
	uint8_t *buf;
	size_t len;

	/* the capture bound "/tmp/lsfx/" + 97 'L': 107 bytes + NUL = sun_path */
	memcpy(longpath, "/tmp/lsfx/", 10);
	memset(longpath + 10, 'L', 97);
	memset(&rp, 0, sizeof(rp));
	buf = load_fixture("diag_unix.nl", &len);
	h = (const struct nlmsghdr *)buf;
	assert_int_equal(nl_transport_parse(buf, len, h->nlmsg_seq, h->nlmsg_pid, replay_cb, &rp),
			 0);
	free(buf);
	assert_int_equal(rp.t.len, 7);

	e = find_inode(&rp.t, 2089644); /* stream listener, 1 pending of backlog 5 */
	assert_int_equal(e->family, AF_UNIX);
	assert_int_equal(e->proto, SOCK_PROTO_UNIX);
	assert_int_equal(e->source, SOCK_SOURCE_NETLINK);
	assert_int_equal(e->type, SOCK_STREAM);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_int_equal(e->cookie, 612446);
	assert_int_equal(e->rqueue, 1);
	assert_int_equal(e->wqueue, 5);
	assert_int_equal(e->uid, 0);
	assert_int_equal(e->flags, base | SOCK_F_HAS_PATH);
	assert_name(&rp.t, e, "/tmp/lsfx/l.sock", 16); /* kernel's trailing NUL dropped */

	e = find_inode(&rp.t, 2089645); /* client connected to it, not yet accepted */
	assert_int_equal(e->state, SOCK_STATE_ESTABLISHED);
	assert_int_equal(e->flags, base | SOCK_F_PEER_KNOWN);
	assert_int_equal(e->peer_inode, 0); /* the embryo has no inode yet */
	assert_int_equal(e->path_len, 0);

	e = find_inode(&rp.t, 2089646); /* dgram bound to a 107-byte path */
	assert_int_equal(e->type, SOCK_DGRAM);
	assert_int_equal(e->state, SOCK_STATE_CLOSE);
	assert_name(&rp.t, e, longpath, 107);

	e = find_inode(&rp.t, 2089647); /* seqpacket listener, abstract "\0lsock\0nul" */
	assert_int_equal(e->type, SOCK_SEQPACKET);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_int_equal(e->cookie, 612449);
	assert_int_equal(e->flags, base | SOCK_F_HAS_PATH | SOCK_F_ABSTRACT);
	assert_name(&rp.t, e, "\0lsock\0nul", 10);

	e = find_inode(&rp.t, 2089648); /* socketpair end that sent 3 bytes */
	assert_int_equal(e->peer_inode, 2089649);
	assert_int_equal(e->flags, base | SOCK_F_PEER_KNOWN);
	assert_int_equal(e->rqueue, 0);
	assert_int_equal(e->wqueue, 768);

	e = find_inode(&rp.t, 2089649); /* the other end, 3 bytes queued */
	assert_int_equal(e->peer_inode, 2089648);
	assert_int_equal(e->rqueue, 3);
	assert_int_equal(e->cookie, 612451);

	e = find_inode(&rp.t, 2089650); /* unbound dgram */
	assert_int_equal(e->flags, base);
	assert_int_equal(e->path_len, 0);
	assert_int_equal(e->cookie, 612452);
	sock_table_free(&rp.t);
}

/* ---- hand-built messages ---------------------------------------------- */

static void test_parse_all_attrs(void **state)
{
	struct unix_diag_rqlen q = { .udiag_rqueue = 11, .udiag_wqueue = 22 };
	uint32_t peer = 99, uid = 1234;
	struct mb b = { .len = 0 };
	const uint8_t *name;
	struct sock_entry e;
	size_t name_len;

	unix_msg(&b, AF_UNIX, SOCK_STREAM, SOCK_STATE_ESTABLISHED);
	mb_attr(&b, UNIX_DIAG_NAME, "/run/x.sock", 12);
	mb_attr(&b, UNIX_DIAG_PEER, &peer, 4);
	mb_attr(&b, UNIX_DIAG_RQLEN, &q, sizeof(q));
	mb_attr(&b, UNIX_DIAG_UID, &uid, 4);
	assert_int_equal(diag_unix_parse(mb_end(&b), &e, &name, &name_len), 0);
	assert_int_equal(e.family, AF_UNIX);
	assert_int_equal(e.type, SOCK_STREAM);
	assert_int_equal(e.state, SOCK_STATE_ESTABLISHED);
	assert_int_equal(e.inode, 31337);
	assert_true(e.cookie == 0x2deadbeefull);
	assert_int_equal(e.peer_inode, 99);
	assert_int_equal(e.rqueue, 11);
	assert_int_equal(e.wqueue, 22);
	assert_int_equal(e.uid, 1234);
	assert_int_equal(e.flags, SOCK_F_COOKIE_KNOWN | SOCK_F_PEER_KNOWN | SOCK_F_QUEUES_KNOWN |
					  SOCK_F_UID_KNOWN | SOCK_F_HAS_PATH);
	assert_int_equal(name_len, 11);
	assert_memory_equal(name, "/run/x.sock", 11);
	/* the name points into the message, not into a copy */
	assert_true(name > b.buf && name < b.buf + b.len);
}

static void test_parse_no_attrs(void **state)
{
	struct mb b = { .len = 0 };
	const uint8_t *name = (const uint8_t *)"x";
	struct sock_entry e;
	size_t name_len = 77;

	unix_msg(&b, AF_UNIX, SOCK_DGRAM, SOCK_STATE_CLOSE);
	assert_int_equal(diag_unix_parse(mb_end(&b), &e, &name, &name_len), 0);
	assert_int_equal(e.flags, SOCK_F_COOKIE_KNOWN);
	assert_null(name);
	assert_int_equal(name_len, 0);

	/* An empty UNIX_DIAG_NAME is no name. */
	b.len = 0;
	unix_msg(&b, AF_UNIX, SOCK_DGRAM, SOCK_STATE_CLOSE);
	mb_attr(&b, UNIX_DIAG_NAME, NULL, 0);
	assert_int_equal(diag_unix_parse(mb_end(&b), &e, &name, &name_len), 0);
	assert_false(e.flags & SOCK_F_HAS_PATH);
	assert_int_equal(name_len, 0);
}

static void test_parse_abstract_embedded_nul(void **state)
{
	static const uint8_t abs[] = { 0, 'a', 0, 'b', 0, 0 };
	struct mb b = { .len = 0 };
	const uint8_t *name;
	struct sock_entry e;
	size_t name_len;

	unix_msg(&b, AF_UNIX, SOCK_STREAM, SOCK_STATE_LISTEN);
	mb_attr(&b, UNIX_DIAG_NAME, abs, sizeof(abs));
	assert_int_equal(diag_unix_parse(mb_end(&b), &e, &name, &name_len), 0);
	assert_int_equal(e.flags & (SOCK_F_HAS_PATH | SOCK_F_ABSTRACT),
			 SOCK_F_HAS_PATH | SOCK_F_ABSTRACT);
	assert_int_equal(name_len, sizeof(abs)); /* every byte, trailing NULs too */
	assert_memory_equal(name, abs, sizeof(abs));
}

static void test_parse_name_bounds(void **state)
{
	uint8_t big[112];
	struct mb b = { .len = 0 };
	const uint8_t *name;
	struct sock_entry e;
	size_t name_len;

	/* 108 bytes (a full sun_path, no NUL) is the largest name. */
	memset(big, 'p', sizeof(big));
	big[0] = '/';
	unix_msg(&b, AF_UNIX, SOCK_STREAM, SOCK_STATE_LISTEN);
	mb_attr(&b, UNIX_DIAG_NAME, big, 108);
	assert_int_equal(diag_unix_parse(mb_end(&b), &e, &name, &name_len), 0);
	assert_int_equal(name_len, 108);

	b.len = 0;
	unix_msg(&b, AF_UNIX, SOCK_STREAM, SOCK_STATE_LISTEN);
	mb_attr(&b, UNIX_DIAG_NAME, big, 109);
	name_len = 5;
	assert_int_equal(diag_unix_parse(mb_end(&b), &e, &name, &name_len), -EBADMSG);
	assert_int_equal(name_len, 5); /* untouched on error */

	big[0] = 0; /* abstract: same limit */
	b.len = 0;
	unix_msg(&b, AF_UNIX, SOCK_STREAM, SOCK_STATE_LISTEN);
	mb_attr(&b, UNIX_DIAG_NAME, big, 112);
	assert_int_equal(diag_unix_parse(mb_end(&b), &e, &name, &name_len), -EBADMSG);
}

static void test_parse_malformed(void **state)
{
	uint32_t v = 1;
	struct mb b = { .len = 0 };
	struct nlmsghdr *h;
	const uint8_t *name;
	struct sock_entry e;
	size_t name_len;

	/* RQLEN needs 8 bytes. */
	unix_msg(&b, AF_UNIX, SOCK_STREAM, SOCK_STATE_LISTEN);
	mb_attr(&b, UNIX_DIAG_RQLEN, &v, 4);
	assert_int_equal(diag_unix_parse(mb_end(&b), &e, &name, &name_len), -EBADMSG);

	/* PEER truncated to 2 bytes. */
	b.len = 0;
	unix_msg(&b, AF_UNIX, SOCK_STREAM, SOCK_STATE_LISTEN);
	mb_attr(&b, UNIX_DIAG_PEER, &v, 2);
	assert_int_equal(diag_unix_parse(mb_end(&b), &e, &name, &name_len), -EBADMSG);

	/* UID attribute cut off by nlmsg_len. */
	b.len = 0;
	unix_msg(&b, AF_UNIX, SOCK_STREAM, SOCK_STATE_LISTEN);
	mb_attr(&b, UNIX_DIAG_UID, &v, 4);
	h = mb_end(&b);
	h->nlmsg_len -= 2;
	assert_int_equal(diag_unix_parse(h, &e, &name, &name_len), -EBADMSG);

	/* Too short for struct unix_diag_msg. */
	b.len = 0;
	unix_msg(&b, AF_UNIX, SOCK_STREAM, SOCK_STATE_LISTEN);
	h = mb_end(&b);
	h->nlmsg_len = NLMSG_HDRLEN + sizeof(struct unix_diag_msg) - 1;
	assert_int_equal(diag_unix_parse(h, &e, &name, &name_len), -EBADMSG);

	/* Not AF_UNIX. */
	b.len = 0;
	unix_msg(&b, AF_INET, SOCK_STREAM, SOCK_STATE_LISTEN);
	assert_int_equal(diag_unix_parse(mb_end(&b), &e, &name, &name_len), -EBADMSG);
}

static void test_oversize_name_through_parse(void **state)
{
	struct replay rp;
	uint8_t big[120];
	struct mb b = { .len = 0 };

	memset(&rp, 0, sizeof(rp));
	memset(big, 'q', sizeof(big));
	unix_msg(&b, AF_UNIX, SOCK_STREAM, SOCK_STATE_LISTEN);
	mb_attr(&b, UNIX_DIAG_NAME, big, sizeof(big));
	mb_end(&b);
	/* One bad record costs that record, not the dump (issue 11). */
	assert_true(nl_transport_parse(b.buf, b.len, 7, 8, replay_cb, &rp) >= 0);
	assert_int_equal(rp.t.len, 0);
	assert_int_equal(rp.dropped, 1);
	sock_table_free(&rp.t);
}

/*
 * A path that fills all 108 bytes of sun_path, recorded from the kernel
 * (tests/fixtures/diag_unix108.nl): UNIX_DIAG_NAME carries 109 bytes, the
 * path and the NUL the kernel stores after it.  Any user can bind such a
 * path; it must not cost the dump, and the name must come out exact.
 */
static void test_replay_108_byte_path(void **state)
{
	char path[109];
	const struct sock_entry *e;
	const struct nlmsghdr *h;
	struct replay rp;
	uint8_t *buf;
	size_t len;

	memset(&rp, 0, sizeof(rp));
	memcpy(path, "/tmp/lsfx/", 10);
	memset(path + 10, 'x', 98);
	buf = load_fixture("diag_unix108.nl", &len);
	h = (const struct nlmsghdr *)buf;
	assert_int_equal(nl_transport_parse(buf, len, h->nlmsg_seq, h->nlmsg_pid, replay_cb, &rp),
			 0);
	free(buf);
	assert_int_equal(rp.dropped, 0);
	e = find_inode(&rp.t, 4071520); /* manifest: the listener, cookie 1222343 */
	assert_int_equal(e->cookie, 1222343);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_true(e->flags & SOCK_F_HAS_PATH);
	assert_false(e->flags & SOCK_F_ABSTRACT);
	assert_name(&rp.t, e, path, 108);
	sock_table_free(&rp.t);
}

static void test_build(void **state)
{
	uint8_t buf[DIAG_REQ_MAX] __attribute__((aligned(4)));
	const struct nlmsghdr *h = (const void *)buf;
	const struct unix_diag_req *req = (const void *)(buf + NLMSG_HDRLEN);
	int len;

	len = diag_unix_build_request(buf, sizeof(buf), SOCK_STATES_LISTENING);
	assert_int_equal(len, NLMSG_HDRLEN + sizeof(*req));
	assert_int_equal(h->nlmsg_len, len);
	assert_int_equal(h->nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(req->sdiag_family, AF_UNIX);
	assert_int_equal(req->sdiag_protocol, 0);
	assert_int_equal(req->udiag_states, SOCK_STATES_LISTENING);
	assert_int_equal(req->udiag_ino, 0);
	assert_int_equal(req->udiag_show,
			 UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID);
	assert_false(req->udiag_show & UDIAG_SHOW_ICONS);

	assert_int_equal(diag_unix_build_request(buf, (size_t)len - 1, 2), -ENOBUFS);
}

/* The by-inode request: the exact bytes the kernel's unix_diag_get_exact()
 * reads, and no NLM_F_DUMP (with it the kernel would dump the table). */
static void test_build_exact(void **state)
{
	uint8_t buf[DIAG_REQ_MAX] __attribute__((aligned(4)));
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	const struct unix_diag_req *req = (const struct unix_diag_req *)(buf + NLMSG_HDRLEN);
	static const uint8_t want[] = {
		/* nlmsghdr: len 40, SOCK_DIAG_BY_FAMILY (20), NLM_F_REQUEST,
		 * seq and pid 0 (the transport sets them) */
		40, 0, 0, 0, 20, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		/* family AF_UNIX, protocol 0, pad */
		1, 0, 0, 0,
		/* udiag_states: every state, bits 1..12 (not looked at) */
		0xfe, 0x1f, 0, 0,
		/* udiag_ino 0x89abcdef */
		0xef, 0xcd, 0xab, 0x89,
		/* udiag_show: NAME | PEER | RQLEN | UID */
		0x55, 0, 0, 0,
		/* udiag_cookie: INET_DIAG_NOCOOKIE */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	int len;

	memset(buf, 0xa5, sizeof(buf));
	len = diag_unix_build_exact_request(buf, sizeof(buf), 0x89abcdefu);
	assert_int_equal(len, sizeof(want));
	assert_int_equal(h->nlmsg_len, len);
	assert_memory_equal(buf, want, sizeof(want));
	assert_false(h->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(req->udiag_ino, 0x89abcdefu);
	assert_int_equal(req->udiag_cookie[0], UINT32_MAX);
	assert_int_equal(req->udiag_cookie[1], UINT32_MAX);
	assert_false(req->udiag_show & UDIAG_SHOW_ICONS);

	/* The kernel refuses inode 0 (-EINVAL); so do we, before asking. */
	assert_int_equal(diag_unix_build_exact_request(buf, sizeof(buf), 0), -EINVAL);
	assert_int_equal(diag_unix_build_exact_request(buf, (size_t)len - 1, 7), -ENOBUFS);
	/* The dump request still carries no inode and no cookie. */
	len = diag_unix_build_request(buf, sizeof(buf), SOCK_STATES_ALL);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(req->udiag_ino, 0);
	assert_int_equal(req->udiag_cookie[0], 0);
	assert_int_equal(req->udiag_cookie[1], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_exact),
		cmocka_unit_test(test_replay_unix),
		cmocka_unit_test(test_parse_all_attrs),
		cmocka_unit_test(test_parse_no_attrs),
		cmocka_unit_test(test_parse_abstract_embedded_nul),
		cmocka_unit_test(test_parse_name_bounds),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_oversize_name_through_parse),
		cmocka_unit_test(test_replay_108_byte_path),
		cmocka_unit_test(test_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
