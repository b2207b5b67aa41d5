/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lsock/diag.h"
#include "lsock/diag_cgroup.h"
#include "lsock/nl_transport.h"

struct cgroup_sink {
	const uint32_t *inodes;
	size_t n;
	uint64_t *ids;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static const struct nl_attr_policy cgroup_policy[INET_DIAG_CGROUP_ID + 1] = {
	[INET_DIAG_CGROUP_ID] = { .min_len = 8, .max_len = 8 },
};

static int cgroup_record(const struct nlmsghdr *nlh, void *data)
{
	struct cgroup_sink *s = data;
	const struct nlattr *tb[INET_DIAG_CGROUP_ID + 1];
	const struct inet_diag_msg *m;
	const uint32_t *p;
	uint64_t id;

	/* A record we cannot read is no answer, not an error: the socket
	 * simply gets no unit. */
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*m))
		return 0;
	m = mnl_nlmsg_get_payload(nlh);
	p = s->n ? bsearch(&m->idiag_inode, s->inodes, s->n, sizeof(*s->inodes), cmp_u32) : NULL;
	if (!p || nl_transport_parse_attrs(nlh, sizeof(*m), cgroup_policy,
					   INET_DIAG_CGROUP_ID + 1, tb) < 0 ||
	    !tb[INET_DIAG_CGROUP_ID])
		return 0;
	memcpy(&id, mnl_attr_get_payload(tb[INET_DIAG_CGROUP_ID]), sizeof(id));
	s->ids[p - s->inodes] = id;
	return 0;
}

int diag_cgroup_ids(uint32_t protos, uint32_t state_mask, const uint32_t *inodes, size_t n,
		    uint64_t *ret_ids)
{
	static const enum sock_proto wanted[] = { SOCK_PROTO_TCP, SOCK_PROTO_UDP,
						  SOCK_PROTO_UDPLITE };
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	uint8_t req[256] __attribute__((aligned(4)));
	struct cgroup_sink s = { .inodes = inodes, .n = n, .ids = ret_ids };
	struct nl_transport *nl;
	size_t i, f;
	int r, len;

	memset(ret_ids, 0, n * sizeof(*ret_ids));
	if (!n)
		return 0;
	r = nl_transport_open(&nl);
	if (r < 0)
		return r;
	for (i = 0; r == 0 && i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (!(protos & SOCK_PROTO_BIT(wanted[i])))
			continue;
		for (f = 0; r == 0 && f < sizeof(families); f++) {
			len = diag_inet_build_request(req, sizeof(req), families[f], wanted[i],
						      state_mask);
			if (len < 0)
				continue;
			r = nl_transport_dump(nl, req, (size_t)len, cgroup_record, NULL, &s);
			/* A protocol this kernel cannot dump has no sockets to name. */
			if (r == -ENOENT || r == -EPROTONOSUPPORT || r == -EINVAL)
				r = 0;
		}
	}
	nl_transport_close(nl);
	return r;
}
