/* SPDX-License-Identifier: MIT */
/*
 * Opening /proc/net/<file> for a (protocol, family) and running the right
 * scanner over it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lsock/proto.h"
#include "procnet_internal.h"

/* One read(2) of a seq_file returns as much as fits, so a big buffer means
 * fewer restarts of the kernel's position-based walk and fewer duplicates
 * or misses under churn (ss uses setbuffer() the same way). */
#define PROCNET_STDIO_BUF (256 * 1024)

int procnet_collect_stats(const char *proc_root, uint8_t family, enum sock_proto proto,
			  uint32_t state_mask, struct sock_table *t,
			  struct procnet_stats *ret_stats)
{
	const struct proto_desc *d = proto_get(proto);
	struct procnet_scan scan;
	char path[4096];
	char *iobuf;
	FILE *f;
	int r, n;

	memset(ret_stats, 0, sizeof(*ret_stats));
	if (!proc_root || !d || (d->inet ? family != AF_INET && family != AF_INET6 : family != AF_UNIX))
		return -EINVAL;
	if (d->inet)
		procnet_inet_scan_init(&scan, family, proto);
	else
		procnet_unix_scan_init(&scan);

	n = snprintf(path, sizeof(path), "%s/net/%s", proc_root,
		     d->proc_file[proto_family_index(family)]);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	iobuf = malloc(PROCNET_STDIO_BUF);
	if (!iobuf) {
		fclose(f);
		return -ENOMEM;
	}
	if (setvbuf(f, iobuf, _IOFBF, PROCNET_STDIO_BUF) != 0) {
		fclose(f);
		free(iobuf);
		return -ENOMEM;
	}
	r = procnet_parse_file(f, &scan, state_mask, t, ret_stats);
	fclose(f);
	free(iobuf);
	return r;
}

int procnet_collect(const char *proc_root, uint8_t family, enum sock_proto proto,
		    uint32_t state_mask, struct sock_table *t, size_t *ret_skipped)
{
	struct procnet_stats st;
	int r;

	r = procnet_collect_stats(proc_root, family, proto, state_mask, t, &st);
	if (r < 0)
		return r;
	*ret_skipped = st.malformed + st.duplicates;
	return 0;
}

int procnet_sock_counts_read(const char *proc_root, uint8_t family, struct procnet_sockstat *ret)
{
	/* sockstat is six short lines, protocols about thirty. */
	char path[4096], buf[16384];
	const char *file = family == AF_UNIX ? "protocols" : "sockstat";
	size_t len = 0;
	ssize_t n;
	int fd, r;

	memset(ret, 0, sizeof(*ret));
	n = snprintf(path, sizeof(path), "%s/net/%s", proc_root, file);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == sizeof(buf))
		return -EFBIG;
	return family == AF_UNIX ? procnet_protocols_parse(buf, len, ret) :
				   procnet_sockstat_parse(buf, len, ret);
}
