/* SPDX-License-Identifier: MIT */
/*
 * sock_diag extensions (timers, tcp_info, congestion control, socket
 * memory, shutdown, UNIX VFS and pending connections) into the extension
 * records of the socket table.  Only run when a shown column asks for one:
 * without, the collectors of diag_inet.c and diag_unix.c run as they are.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "lsock/array.h"
#include "lsock/diag.h"
#include "lsock/nl_transport.h"
#include "lsock/sock_ext.h"

/*
 * Attributes as the kernel encodes them.  INFO has no minimum: an older
 * kernel sends a shorter tcp_info (and a newer one a longer), of which we
 * keep what we know.  SKMEMINFO is SK_MEMINFO_VARS words, fewer on kernels
 * before SK_MEMINFO_DROPS (4.x): at least the first eight.  CONG is a
 * NUL-terminated name (nla_put_string()) of at most TCP_CA_NAME_MAX.
 */
#define INET_EXT_NTYPES (INET_DIAG_BBRINFO + 1)
static const struct nl_attr_policy inet_ext_policy[INET_EXT_NTYPES] = {
	[INET_DIAG_MEMINFO] = { .min_len = sizeof(struct inet_diag_meminfo) },
	[INET_DIAG_VEGASINFO] = { .min_len = sizeof(struct tcpvegas_info) },
	[INET_DIAG_CONG] = { .min_len = 1, .max_len = 64 },
	[INET_DIAG_SKMEMINFO] = { .min_len = 8 * sizeof(uint32_t) },
	[INET_DIAG_SHUTDOWN] = { .min_len = 1 },
	[INET_DIAG_DCTCPINFO] = { .min_len = sizeof(struct tcp_dctcp_info) },
	[INET_DIAG_BBRINFO] = { .min_len = sizeof(struct tcp_bbr_info) },
};

static const struct nl_attr_policy unix_ext_policy[UNIX_DIAG_UID + 1] = {
	[UNIX_DIAG_VFS] = { .min_len = sizeof(struct unix_diag_vfs) },
	[UNIX_DIAG_MEMINFO] = { .min_len = 8 * sizeof(uint32_t) },
	[UNIX_DIAG_SHUTDOWN] = { .min_len = 1 },
};

unsigned diag_inet_ext_bits(unsigned parts)
{
	unsigned ext = 0;

	if (parts & SOCK_EXT_INFO)
		ext |= DIAG_INET_EXT_INFO | DIAG_INET_EXT_VEGASINFO | DIAG_INET_EXT_CONG;
	if (parts & SOCK_EXT_MEMORY)
		ext |= DIAG_INET_EXT_MEMINFO | DIAG_INET_EXT_SKMEMINFO;
	return ext;
}

unsigned diag_unix_show_bits(unsigned parts)
{
	unsigned show = 0;

	if (parts & SOCK_EXT_MEMORY)
		show |= UDIAG_SHOW_MEMINFO;
	if (parts & SOCK_EXT_VFS)
		show |= UDIAG_SHOW_VFS;
	return show;
}

static void take_skmem(const struct nlattr *a, struct sock_ext *x)
{
	size_t n = mnl_attr_get_payload_len(a) / sizeof(uint32_t);

	if (n > _SOCK_SKMEM_MAX)
		n = _SOCK_SKMEM_MAX;
	memcpy(x->skmem, mnl_attr_get_payload(a), n * sizeof(uint32_t));
	x->skmem_n = (uint8_t)n;
	x->have |= SOCK_EXT_HAVE_SKMEM;
}

/* A congestion control name, as module names are; anything else is not
 * one (and would reach a terminal). */
static bool take_cong(const struct nlattr *a, struct sock_ext *x)
{
	const char *p = mnl_attr_get_payload(a);
	size_t len = mnl_attr_get_payload_len(a), i;

	for (i = 0; i < len && p[i]; i++) {
		bool ok = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
			  (p[i] >= '0' && p[i] <= '9') || p[i] == '_' || p[i] == '-';

		if (!ok || i + 1 >= SOCK_CONG_MAX)
			return false;
	}
	if (i == 0)
		return false;
	memcpy(x->cong, p, i);
	x->cong[i] = '\0';
	x->have |= SOCK_EXT_HAVE_CONG;
	return true;
}

static void take_u32s(const struct nlattr *a, uint32_t *dst, size_t n)
{
	memcpy(dst, mnl_attr_get_payload(a), n * sizeof(uint32_t));
}

int diag_inet_parse_ext(const struct nlmsghdr *nlh, unsigned parts, struct sock_ext *ret)
{
	const struct nlattr *tb[INET_EXT_NTYPES];
	const struct inet_diag_msg *m;
	struct sock_ext x;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*m))
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	r = nl_transport_parse_attrs(nlh, sizeof(*m), inet_ext_policy, INET_EXT_NTYPES, tb);
	if (r < 0)
		return r;
	memset(&x, 0, sizeof(x));
	if (parts & SOCK_EXT_TIMER) {
		/* In the base message for every socket (timer 0: none). */
		x.timer_kind = m->idiag_timer;
		x.timer_retrans = m->idiag_retrans;
		x.timer_expires_ms = m->idiag_expires;
		x.have |= SOCK_EXT_HAVE_TIMER;
	}
	if ((parts & SOCK_EXT_SHUTDOWN) && tb[INET_DIAG_SHUTDOWN]) {
		x.shutdown = *(const uint8_t *)mnl_attr_get_payload(tb[INET_DIAG_SHUTDOWN]) & 3;
		x.have |= SOCK_EXT_HAVE_SHUTDOWN;
	}
	if ((parts & SOCK_EXT_INFO) && tb[INET_DIAG_INFO]) {
		size_t len = mnl_attr_get_payload_len(tb[INET_DIAG_INFO]);

		/* Kernel and header need not agree on the size (ss pads too). */
		if (len > sizeof(x.info))
			len = sizeof(x.info);
		memcpy(&x.info, mnl_attr_get_payload(tb[INET_DIAG_INFO]), len);
		x.info_len = (uint16_t)len;
		x.have |= SOCK_EXT_HAVE_INFO;
	}
	if ((parts & SOCK_EXT_INFO) && tb[INET_DIAG_CONG])
		(void)take_cong(tb[INET_DIAG_CONG], &x);
	if ((parts & SOCK_EXT_INFO) && tb[INET_DIAG_BBRINFO]) {
		take_u32s(tb[INET_DIAG_BBRINFO], x.cc, 5);
		x.have |= SOCK_EXT_HAVE_BBR;
	} else if ((parts & SOCK_EXT_INFO) && tb[INET_DIAG_DCTCPINFO]) {
		struct tcp_dctcp_info d;

		memcpy(&d, mnl_attr_get_payload(tb[INET_DIAG_DCTCPINFO]), sizeof(d));
		x.cc[0] = d.dctcp_enabled;
		x.cc[1] = d.dctcp_ce_state;
		x.cc[2] = d.dctcp_alpha;
		x.cc[3] = d.dctcp_ab_ecn;
		x.cc[4] = d.dctcp_ab_tot;
		x.have |= SOCK_EXT_HAVE_DCTCP;
	} else if ((parts & SOCK_EXT_INFO) && tb[INET_DIAG_VEGASINFO]) {
		take_u32s(tb[INET_DIAG_VEGASINFO], x.cc, 4);
		x.have |= SOCK_EXT_HAVE_VEGAS;
	}
	if ((parts & SOCK_EXT_MEMORY) && tb[INET_DIAG_SKMEMINFO])
		take_skmem(tb[INET_DIAG_SKMEMINFO], &x);
	if ((parts & SOCK_EXT_MEMORY) && tb[INET_DIAG_MEMINFO]) {
		take_u32s(tb[INET_DIAG_MEMINFO], x.meminfo, 4);
		x.have |= SOCK_EXT_HAVE_MEMINFO;
	}
	*ret = x;
	return 0;
}

int diag_unix_parse_ext(const struct nlmsghdr *nlh, unsigned parts, struct sock_ext *ret,
			const uint32_t **ret_icons, size_t *ret_n_icons)
{
	const struct nlattr *tb[UNIX_DIAG_UID + 1];
	const struct unix_diag_msg *m;
	struct sock_ext x;
	int r;

	memset(ret, 0, sizeof(*ret));
	*ret_icons = NULL;
	*ret_n_icons = 0;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*m))
		return -EBADMSG;
	r = nl_transport_parse_attrs(nlh, sizeof(*m), unix_ext_policy, UNIX_DIAG_UID + 1, tb);
	if (r < 0)
		return r;
	memset(&x, 0, sizeof(x));
	/* unix_diag sends SHUTDOWN with every record (sk_diag_fill()). */
	if ((parts & SOCK_EXT_SHUTDOWN) && tb[UNIX_DIAG_SHUTDOWN]) {
		x.shutdown = *(const uint8_t *)mnl_attr_get_payload(tb[UNIX_DIAG_SHUTDOWN]) & 3;
		x.have |= SOCK_EXT_HAVE_SHUTDOWN;
	}
	if ((parts & SOCK_EXT_MEMORY) && tb[UNIX_DIAG_MEMINFO])
		take_skmem(tb[UNIX_DIAG_MEMINFO], &x);
	if ((parts & SOCK_EXT_VFS) && tb[UNIX_DIAG_VFS]) {
		struct unix_diag_vfs v;

		memcpy(&v, mnl_attr_get_payload(tb[UNIX_DIAG_VFS]), sizeof(v));
		x.vfs_ino = v.udiag_vfs_ino;
		x.vfs_dev = v.udiag_vfs_dev;
		x.have |= SOCK_EXT_HAVE_VFS;
	}
	if ((parts & SOCK_EXT_ICONS) && tb[UNIX_DIAG_ICONS]) {
		/* An array of u32 inodes (sk_diag_dump_icons()); the payload is
		 * 4-aligned within the message, as every attribute's. */
		size_t len = mnl_attr_get_payload_len(tb[UNIX_DIAG_ICONS]);

		if (len % sizeof(uint32_t))
			return -EBADMSG;
		*ret_icons = mnl_attr_get_payload(tb[UNIX_DIAG_ICONS]);
		*ret_n_icons = len / sizeof(uint32_t);
		x.have |= SOCK_EXT_HAVE_ICONS;
	}
	*ret = x;
	return 0;
}

/* Appends e with its record x (and icons). */
static int add_with_ext(struct sock_table *t, struct sock_entry *e, const struct sock_ext *x,
			const uint32_t *icons, size_t n_icons, const uint8_t *name, size_t name_len)
{
	uint32_t idx;
	int r = sock_table_add_ext(t, x, icons, n_icons, &idx);

	if (r < 0)
		return r;
	e->ext_idx = idx;
	return sock_table_add(t, e, name, name_len);
}

int diag_inet_record_ext(const struct nlmsghdr *nlh, void *data)
{
	struct diag_ext_sink *c = data;
	struct sock_entry e;
	struct sock_ext x;
	int r;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return diag_sink_drop(&c->base);
	r = diag_inet_parse(nlh, c->base.proto, &e);
	if (r == 0)
		r = diag_inet_parse_ext(nlh, c->parts, &x);
	if (r == -EBADMSG)
		return diag_sink_drop(&c->base);
	if (r < 0)
		return r;
	return add_with_ext(c->base.t, &e, &x, NULL, 0, NULL, 0);
}

int diag_unix_record_ext(const struct nlmsghdr *nlh, void *data)
{
	struct diag_ext_sink *c = data;
	const uint32_t *icons;
	const uint8_t *name;
	size_t name_len, n_icons;
	struct sock_entry e;
	struct sock_ext x;
	int r;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return diag_sink_drop(&c->base);
	r = diag_unix_parse(nlh, &e, &name, &name_len);
	if (r == 0)
		r = diag_unix_parse_ext(nlh, c->parts, &x, &icons, &n_icons);
	if (r == -EBADMSG)
		return diag_sink_drop(&c->base);
	if (r < 0)
		return r;
	return add_with_ext(c->base.t, &e, &x, icons, n_icons, name, name_len);
}

int diag_inet_collect_ext(struct nl_transport *nl, uint8_t family, enum sock_proto proto,
			  uint32_t state_mask, unsigned parts, struct sock_table *t,
			  size_t *ret_dropped)
{
	uint8_t req[DIAG_REQ_MAX] __attribute__((aligned(4)));
	struct diag_ext_sink c = { .base = { .t = t, .base = t->len, .proto = proto },
				   .parts = parts };
	int len, r;

	*ret_dropped = 0;
	len = diag_inet_build_request_ext(req, sizeof(req), family, proto, state_mask,
					  diag_inet_ext_bits(parts));
	if (len < 0)
		return len;
	r = nl_transport_dump(nl, req, (size_t)len, diag_inet_record_ext, diag_sink_reset, &c);
	*ret_dropped = r < 0 ? 0 : c.base.dropped;
	if (r < 0)
		sock_table_truncate(t, c.base.base);
	return r;
}

/* Where the answers to the per-listener ICONS requests go. */
struct icons_sink {
	struct sock_table *t;
	size_t from; /* the rows of this dump */
};

/* Moves the listener's list into the table's inode arena, and points its
 * record at it. */
static int icons_record(const struct nlmsghdr *nlh, void *data)
{
	struct icons_sink *s = data;
	const struct unix_diag_msg *m;
	const uint32_t *icons;
	struct sock_ext x;
	size_t n, i;
	int r;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return 0;
	if (diag_unix_parse_ext(nlh, SOCK_EXT_ICONS, &x, &icons, &n) < 0 || !icons)
		return 0; /* that listener keeps no list */
	m = mnl_nlmsg_get_payload(nlh);
	for (i = s->from; i < s->t->len; i++) {
		struct sock_entry *e = &s->t->entries[i];
		struct sock_ext *own;

		if (e->inode != m->udiag_ino || !(own = sock_table_ext_mut(s->t, e)))
			continue;
		if (n > UINT32_MAX - s->t->ext_inodes_len)
			return 0;
		r = array_grow((void **)&s->t->ext_inodes, &s->t->ext_inodes_cap,
			       s->t->ext_inodes_len + n, sizeof(*s->t->ext_inodes), 256);
		if (r < 0)
			return r;
		memcpy(s->t->ext_inodes + s->t->ext_inodes_len, icons, n * sizeof(*icons));
		own->icons_off = (uint32_t)s->t->ext_inodes_len;
		own->icons_n = (uint32_t)n;
		own->have |= SOCK_EXT_HAVE_ICONS;
		s->t->ext_inodes_len += n;
		break;
	}
	return 0;
}

/*
 * Asks each listener of rows [from, len) for its pending connections.  A
 * listener whose backlog is empty has none (its record says so without a
 * request).  The answers are best effort: an error leaves that listener
 * without a list.  Returns 0 or -ENOMEM.
 */
static int fetch_icons(struct nl_transport *nl, struct sock_table *t, size_t from)
{
	uint8_t batch[NL_TRANSPORT_BATCH_MAX] __attribute__((aligned(4)));
	struct icons_sink s = { .t = t, .from = from };
	size_t i = from;
	int r = 0;

	while (i < t->len) {
		size_t len = 0, k = 0;

		for (; i < t->len && k < NL_TRANSPORT_BATCH_REQS; i++) {
			const struct sock_entry *e = &t->entries[i];
			struct sock_ext *x = sock_table_ext_mut(t, e);
			int m;

			if (!x || e->state != SOCK_STATE_LISTEN || !e->inode)
				continue;
			if ((e->flags & SOCK_F_QUEUES_KNOWN) && e->rqueue == 0) {
				x->have |= SOCK_EXT_HAVE_ICONS; /* none pending */
				continue;
			}
			m = diag_unix_build_request_show(batch + len, sizeof(batch) - len, 0,
							 UDIAG_SHOW_ICONS, e->inode);
			if (m < 0)
				break;
			len += (size_t)m;
			k++;
		}
		if (!k)
			continue;
		r = nl_transport_request(nl, batch, len, k, icons_record, &s);
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

int diag_unix_collect_ext(struct nl_transport *nl, uint32_t state_mask, unsigned parts,
			  struct sock_table *t, size_t *ret_dropped)
{
	uint8_t req[DIAG_REQ_MAX] __attribute__((aligned(4)));
	struct diag_ext_sink c = {
		.base = { .t = t, .base = t->len, .proto = SOCK_PROTO_UNIX },
		.parts = parts,
	};
	int len, r;

	*ret_dropped = 0;
	len = diag_unix_build_request_show(req, sizeof(req), state_mask, diag_unix_show_bits(parts),
					   0);
	if (len < 0)
		return len;
	r = nl_transport_dump(nl, req, (size_t)len, diag_unix_record_ext, diag_sink_reset, &c);
	if (r == 0 && (parts & SOCK_EXT_ICONS))
		r = fetch_icons(nl, t, c.base.base);
	*ret_dropped = r < 0 ? 0 : c.base.dropped;
	if (r < 0)
		sock_table_truncate(t, c.base.base);
	return r;
}
