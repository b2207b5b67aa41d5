/* SPDX-License-Identifier: MIT */
/*
 * LD_PRELOAD=nl_drop_unix.so LSOCK_TEST_DROP_UNIX=INO[,INO...] CMD
 *
 * Makes every unix_diag *dump* that CMD reads skip the UNIX sockets of
 * those inodes, as a dump resumed under churn skips a socket when others
 * before it in its hash chain close between two datagrams (unix_diag_dump()
 * resumes at a bucket and a position in it, net/unix/diag.c).  Exact
 * requests by inode (unix_diag_get_exact(), whose answer is no multipart
 * message) are left alone, so a lister that looks the skipped socket up by
 * inode finds it.  Real churn does this about once in fifteen runs at best
 * (tests/stress/test_churn.py); this makes it happen every time.
 *
 * Wraps recvmsg() (libmnl's mnl_socket_recvfrom() calls it): a message is
 * taken out of the datagram only if another one stays in it, so that no
 * read returns 0 bytes.  Test code only: never linked into lsock.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#define DROP_MAX 64

typedef ssize_t (*recvmsg_fn)(int, struct msghdr *, int);

static int parse_drop(uint32_t *v)
{
	const char *s = getenv("LSOCK_TEST_DROP_UNIX");
	int n = 0;

	while (s && *s && n < DROP_MAX) {
		char *end;
		unsigned long x = strtoul(s, &end, 10);

		if (end == s)
			break;
		v[n++] = (uint32_t)x;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

static int is_sock_diag(int fd)
{
	int proto = -1, dom = -1;
	socklen_t len = sizeof(proto);

	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) < 0)
		return 0;
	len = sizeof(dom);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) < 0)
		return 0;
	return dom == AF_NETLINK && proto == NETLINK_SOCK_DIAG;
}

static int wanted(const struct nlmsghdr *h, const uint32_t *drop, int ndrop)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	int i;

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || !(h->nlmsg_flags & NLM_F_MULTI) ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->udiag_family != AF_UNIX)
		return 0;
	for (i = 0; i < ndrop; i++)
		if (m->udiag_ino == drop[i])
			return 1;
	return 0;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static recvmsg_fn real;
	uint32_t drop[DROP_MAX];
	int ndrop;
	ssize_t n;
	char *buf;
	size_t off = 0, len;

	if (!real)
		real = (recvmsg_fn)dlsym(RTLD_NEXT, "recvmsg");
	n = real(fd, msg, flags);
	if (n <= 0 || (flags & MSG_PEEK) || msg->msg_iovlen != 1 || !is_sock_diag(fd))
		return n;
	ndrop = parse_drop(drop);
	buf = msg->msg_iov[0].iov_base;
	len = (size_t)n;
	if ((size_t)n > msg->msg_iov[0].iov_len)
		return n; /* truncated (MSG_TRUNC): leave it to the caller */
	while (off + NLMSG_HDRLEN <= len) {
		struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
		size_t step = NLMSG_ALIGN(h->nlmsg_len);

		if (h->nlmsg_len < NLMSG_HDRLEN || off + h->nlmsg_len > len)
			break;
		if (step > len - off)
			step = len - off;
		if (wanted(h, drop, ndrop) && len - step > 0) {
			memmove(buf + off, buf + off + step, len - off - step);
			len -= step;
			continue;
		}
		off += step;
	}
	return (ssize_t)len;
}
