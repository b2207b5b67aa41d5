/* SPDX-License-Identifier: MIT */
/*
 * unix_diag: request builder, message parser and the collector that feeds
 * the socket table.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "lsock/diag.h"
#include "lsock/nl_transport.h"

/*
 * Bounds as the kernel encodes them (sk_diag_dump_name() sends
 * addr->len - sizeof(short) bytes), not as the C structs suggest: a path
 * that fills all 108 bytes of sun_path is stored with a terminating NUL
 * (unix_mkname_bsd()), so UNIX_DIAG_NAME carries up to 109 bytes.  Note
 * UNIX_DIAG_NAME is type 0 (there is no UNIX_DIAG_NONE).
 */
static const struct nl_attr_policy unix_policy[UNIX_DIAG_UID + 1] = {
	[UNIX_DIAG_NAME] = { .min_len = 0, .max_len = SOCK_UNIX_NAME_MAX + 1 },
	[UNIX_DIAG_PEER] = { .min_len = sizeof(uint32_t) },
	[UNIX_DIAG_RQLEN] = { .min_len = sizeof(struct unix_diag_rqlen) },
	[UNIX_DIAG_UID] = { .min_len = sizeof(uint32_t) },
};

/* The request both builders share: a dump, or the one socket `inode`. */
static int build_request(void *buf, size_t buflen, uint16_t flags, uint32_t state_mask,
			 uint32_t inode, unsigned show)
{
	struct unix_diag_req *req;
	struct nlmsghdr *nlh;
	size_t len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*req));

	nlh = nl_transport_put_request(buf, buflen, len, SOCK_DIAG_BY_FAMILY, flags, sizeof(*req));
	if (!nlh)
		return -ENOBUFS;
	req = mnl_nlmsg_get_payload(nlh);
	req->sdiag_family = AF_UNIX;
	req->udiag_states = state_mask;
	req->udiag_ino = inode;
	/* Never UDIAG_SHOW_ICONS: sk_diag_dump_icons() fails with -EMSGSIZE
	 * for a listener with many pending connections and the kernel then
	 * silently leaves that listener out of the dump. */
	req->udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID | show;
	if (!(flags & NLM_F_DUMP)) {
		/* INET_DIAG_NOCOOKIE: sock_diag_check_cookie() skips the
		 * check, so the inode alone picks the socket. */
		req->udiag_cookie[0] = UINT32_MAX;
		req->udiag_cookie[1] = UINT32_MAX;
	}
	return (int)nlh->nlmsg_len;
}

int diag_unix_build_request(void *buf, size_t buflen, uint32_t state_mask)
{
	return build_request(buf, buflen, NLM_F_REQUEST | NLM_F_DUMP, state_mask, 0, 0);
}

int diag_unix_build_request_show(void *buf, size_t buflen, uint32_t state_mask, unsigned show,
				 uint32_t exact_inode)
{
	if (exact_inode)
		return build_request(buf, buflen, NLM_F_REQUEST, SOCK_STATES_ALL, exact_inode, show);
	return build_request(buf, buflen, NLM_F_REQUEST | NLM_F_DUMP, state_mask, 0, show);
}

int diag_unix_build_exact_request(void *buf, size_t buflen, uint32_t inode)
{
	if (inode == 0)
		return -EINVAL; /* unix_diag_get_exact() refuses it too */
	/* The kernel ignores udiag_states here (unix_diag_get_exact()):
	 * say "every state" rather than leave a mask that looks meant. */
	return build_request(buf, buflen, NLM_F_REQUEST, SOCK_STATES_ALL, inode, 0);
}

static uint32_t attr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return v;
}

int diag_unix_parse(const struct nlmsghdr *nlh, struct sock_entry *ret,
		    const uint8_t **ret_name, size_t *ret_name_len)
{
	const struct nlattr *tb[UNIX_DIAG_UID + 1];
	const struct unix_diag_msg *m;
	const uint8_t *name = NULL;
	size_t name_len = 0;
	struct sock_entry e;
	int r;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*m))
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->udiag_family != AF_UNIX)
		return -EBADMSG;
	r = nl_transport_parse_attrs(nlh, sizeof(*m), unix_policy, UNIX_DIAG_UID + 1, tb);
	if (r < 0)
		return r;

	memset(&e, 0, sizeof(e));
	e.family = AF_UNIX;
	e.proto = SOCK_PROTO_UNIX;
	e.type = m->udiag_type;
	e.source = SOCK_SOURCE_NETLINK;
	e.state = m->udiag_state < _SOCK_STATE_MAX ? m->udiag_state : SOCK_STATE_UNKNOWN;
	e.inode = m->udiag_ino;
	e.cookie = (uint64_t)m->udiag_cookie[0] | (uint64_t)m->udiag_cookie[1] << 32;
	e.flags = SOCK_F_COOKIE_KNOWN;

	if (tb[UNIX_DIAG_NAME]) {
		/* The kernel sends addr->len - sizeof(sun_family) bytes of
		 * sun_path.  Abstract names start with NUL and are raw bytes
		 * that may hold more NULs: keep them all.  Path names are C
		 * strings and the kernel counts their terminating NUL
		 * (unix_mkname_bsd()), so cut at the first NUL. */
		name = mnl_attr_get_payload(tb[UNIX_DIAG_NAME]);
		name_len = mnl_attr_get_payload_len(tb[UNIX_DIAG_NAME]);
		if (name_len && name[0] == '\0') {
			/* An abstract name has no terminator: at most sun_path. */
			if (name_len > SOCK_UNIX_NAME_MAX)
				return -EBADMSG;
			e.flags |= SOCK_F_ABSTRACT;
		} else {
			const uint8_t *nul = memchr(name, '\0', name_len);

			if (nul)
				name_len = (size_t)(nul - name);
			if (name_len > SOCK_UNIX_NAME_MAX)
				return -EBADMSG;
		}
		if (name_len)
			e.flags |= SOCK_F_HAS_PATH;
		else
			name = NULL;
	}
	if (tb[UNIX_DIAG_PEER]) {
		e.peer_inode = attr_u32(tb[UNIX_DIAG_PEER]);
		e.flags |= SOCK_F_PEER_KNOWN;
	}
	if (tb[UNIX_DIAG_RQLEN]) {
		struct unix_diag_rqlen q;

		/* For a listener: accept backlog and its limit. */
		memcpy(&q, mnl_attr_get_payload(tb[UNIX_DIAG_RQLEN]), sizeof(q));
		e.rqueue = q.udiag_rqueue;
		e.wqueue = q.udiag_wqueue;
		e.flags |= SOCK_F_QUEUES_KNOWN;
	}
	if (tb[UNIX_DIAG_UID]) {
		e.uid = attr_u32(tb[UNIX_DIAG_UID]);
		e.flags |= SOCK_F_UID_KNOWN;
	}
	*ret = e;
	*ret_name = name;
	*ret_name_len = name_len;
	return 0;
}

int diag_unix_record(const struct nlmsghdr *nlh, void *data)
{
	struct diag_sink *c = data;
	const uint8_t *name;
	struct sock_entry e;
	size_t name_len;
	int r;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return diag_sink_drop(c);
	r = diag_unix_parse(nlh, &e, &name, &name_len);
	if (r == -EBADMSG)
		return diag_sink_drop(c);
	if (r < 0)
		return r;
	if (c->rows)
		return c->rows->add(c->rows, &e, name, name_len);
	return sock_table_add(c->t, &e, name, name_len);
}

int diag_sink_drop(struct diag_sink *c)
{
	c->dropped++;
	return 0;
}

void diag_sink_reset(void *data)
{
	struct diag_sink *c = data;

	if (c->rows)
		c->rows->restart(c->rows);
	else
		sock_table_truncate(c->t, c->base);
	c->dropped = 0;
}

/* One UNIX dump into sink c (a table, or rows). */
static int unix_dump(struct nl_transport *nl, uint32_t state_mask, struct diag_sink *c,
		     size_t *ret_dropped)
{
	uint8_t req[DIAG_REQ_MAX] __attribute__((aligned(4)));
	int len, r;

	*ret_dropped = 0;
	len = diag_unix_build_request(req, sizeof(req), state_mask);
	if (len < 0)
		return len;
	r = nl_transport_dump(nl, req, (size_t)len, diag_unix_record, diag_sink_reset, c);
	*ret_dropped = r < 0 ? 0 : c->dropped;
	if (r < 0 && !c->rows)
		sock_table_truncate(c->t, c->base);
	return r;
}

int diag_unix_collect(struct nl_transport *nl, uint32_t state_mask, struct sock_table *t,
		      size_t *ret_dropped)
{
	struct diag_sink c = { .t = t, .base = t->len, .proto = SOCK_PROTO_UNIX };

	return unix_dump(nl, state_mask, &c, ret_dropped);
}

int diag_unix_collect_rows(struct nl_transport *nl, uint32_t state_mask, struct diag_rows *rows,
			   size_t *ret_dropped)
{
	struct diag_sink c = { .proto = SOCK_PROTO_UNIX, .rows = rows };

	return unix_dump(nl, state_mask, &c, ret_dropped);
}

int diag_unix_fetch(struct nl_transport *nl, const uint32_t *inodes, size_t n,
		    struct sock_table *t, size_t *ret_found)
{
	uint8_t batch[NL_TRANSPORT_BATCH_MAX] __attribute__((aligned(4)));
	struct diag_sink c = { .t = t, .base = t->len, .proto = SOCK_PROTO_UNIX };
	size_t i = 0;
	int r = 0;

	*ret_found = 0;
	while (i < n && r == 0) {
		size_t len = 0, k = 0;

		for (; i < n && k < NL_TRANSPORT_BATCH_REQS; i++) {
			int m = diag_unix_build_exact_request(batch + len, sizeof(batch) - len,
							      inodes[i]);

			if (m == -EINVAL)
				continue; /* inode 0: no socket to ask for */
			if (m < 0) {
				r = m;
				break;
			}
			len += (size_t)m;
			k++;
		}
		if (r == 0 && k)
			r = nl_transport_request(nl, batch, len, k, diag_unix_record, &c);
	}
	if (r < 0) {
		sock_table_truncate(t, c.base);
		return r;
	}
	*ret_found = t->len - c.base;
	return 0;
}
