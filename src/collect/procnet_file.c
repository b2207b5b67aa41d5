/* SPDX-License-Identifier: MIT */
/*
 * Opening /proc/net/<file> for a (protocol, family) and running the right
 * scanner over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/proto.h"
#include "procnet_internal.h"

/* One read(2) of a seq_file returns as much as fits, so a big buffer means
 * fewer restarts of the kernel's position-based walk and fewer duplicates
 * or misses under churn (ss uses setbuffer() the same way). */
#define PROCNET_STDIO_BUF (256 * 1024)

/*
 * Opens path for reading, and keeps it only if it is a regular file.  Every
 * file of a real /proc/net is one (S_IFREG with st_size 0: proc_create_net*()
 * files are seq_files), so anything else comes from a fake LSOCK_PROC_ROOT
 * tree: a FIFO blocks open(2) until a writer comes and read(2) until it
 * writes, and a character device such as /dev/zero never ends.  O_NONBLOCK
 * makes open(2) of a FIFO return at once and is ignored for regular files
 * (seq_read() never looks at it); O_NOCTTY keeps a terminal from becoming
 * ours.  Returns 0, PROCNET_NOT_REGULAR (negated), or -errno.
 */
static int open_regular(const char *path, FILE **ret_f)
{
	struct stat st;
	FILE *f;
	int fd, r;

	*ret_f = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -PROCNET_NOT_REGULAR;
	}
	f = fdopen(fd, "r");
	if (!f) {
		r = -errno;
		close(fd);
		return r;
	}
	*ret_f = f;
	return 0;
}

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

	r = open_regular(path, &f);
	if (r < 0)
		return r;
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
