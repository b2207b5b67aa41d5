/* SPDX-License-Identifier: MIT */
/*
 * Opening /proc/net/<file> for a (protocol, family) and running the right
 * scanner over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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

/* Opens path as a stdio stream if it is a regular file (lsock/readfile.h
 * says why).  Returns 0, -PROCNET_NOT_REGULAR, or -errno. */
static int open_regular(const char *path, FILE **ret_f)
{
	FILE *f;
	int fd, r;

	*ret_f = NULL;
	r = file_open_regular(AT_FDCWD, path, &fd);
	if (r < 0)
		return r;
	f = fdopen(fd, "r");
	if (!f) {
		r = -errno;
		close(fd);
		return r;
	}
	*ret_f = f;
	return 0;
}

/*
 * Sums the "sockets" column (the third) of the UNIX rows of
 * <proc_root>/net/protocols: proto_seq_show() prints
 * sock_prot_inuse_get(net, prot) there, per network namespace, and every
 * UNIX socket counts in it from creation to destruction, embryos included
 * (checked on 6.18: a listener, its unaccepted embryo, socketpairs and
 * dgram sockets each add one, exactly as many as /proc/net/unix has rows).
 * Returns 0, -ENOMEM, or another -errno when the count cannot be had
 * (no such file, no UNIX row, another layout, a negative sum of the
 * per-CPU counters read while they changed).
 */
static int unix_socket_count(const char *proc_root, size_t *ret_count)
{
	static const char *const header[] = { "protocol", "size", "sockets" };
	struct procnet_cursor c;
	char path[4096], line[PROCNET_LINE_MAX];
	const char *tok;
	size_t len = 0, i, count = 0;
	bool seen = false;
	uint32_t v;
	FILE *f;
	int n, r;

	n = snprintf(path, sizeof(path), "%s/net/protocols", proc_root);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	r = open_regular(path, &f);
	if (r < 0)
		return r;
	r = procnet_read_line(f, line, sizeof(line), &len);
	c = (struct procnet_cursor){ line, line + len };
	for (i = 0; r == PROCNET_LINE_OK && i < 3; i++)
		if (procnet_next_token(&c, &tok, &len) < 0 || !procnet_tok_is(tok, len, header[i]))
			r = -EBADMSG;
	while (r == PROCNET_LINE_OK) {
		r = procnet_read_line(f, line, sizeof(line), &len);
		if (r != PROCNET_LINE_OK)
			break;
		c = (struct procnet_cursor){ line, line + len };
		if (procnet_next_token(&c, &tok, &len) < 0)
			continue;
		if (!procnet_tok_is(tok, len, "UNIX") &&
		    !(len > 5 && memcmp(tok, "UNIX-", 5) == 0))
			continue;
		if (procnet_next_token(&c, &tok, &len) < 0 || procnet_next_token(&c, &tok, &len) < 0 ||
		    procnet_parse_dec_u32(tok, len, &v) < 0) {
			r = -EBADMSG;
			break;
		}
		count += v;
		seen = true;
	}
	fclose(f);
	if (r == PROCNET_LINE_EOF && !seen)
		return -ENOENT; /* no UNIX row: not a count we know how to read */
	if (r == PROCNET_LINE_EOF) {
		*ret_count = count;
		return 0;
	}
	return r < 0 ? r : -EBADMSG;
}

/* One pass over path: open (regular files only), parse, close. */
static int parse_path(const char *path, struct procnet_scan *scan, uint32_t state_mask,
		      struct sock_table *t, struct procnet_stats *ret_stats)
{
	char *iobuf;
	FILE *f;
	int r;

	memset(ret_stats, 0, sizeof(*ret_stats));
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
	r = procnet_parse_file(f, scan, state_mask, t, ret_stats);
	fclose(f);
	free(iobuf);
	return r;
}

/* Passes over /proc/net/unix while rows outnumber the kernel's count. */
#define UNIX_COUNT_PASSES 3

int procnet_collect_stats(const char *proc_root, uint8_t family, enum sock_proto proto,
			  uint32_t state_mask, struct sock_table *t,
			  struct procnet_stats *ret_stats)
{
	const struct proto_desc *d = proto_get(proto);
	size_t before, after, most, mark = t->len;
	struct procnet_scan scan;
	char path[4096];
	int r, n, pass;

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
	if (proto != SOCK_PROTO_UNIX)
		return parse_path(path, &scan, state_mask, t, ret_stats);

	r = unix_socket_count(proc_root, &before);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return parse_path(path, &scan, state_mask, t, ret_stats);
	/*
	 * A forged row is in every pass; rows that churn adds (a socket
	 * closed behind the read and another opened ahead of it) come and go.
	 * So a pass with too many rows is read again, up to a bound, and only
	 * an excess seen in every pass is reported; the last pass is kept.
	 */
	for (pass = 1;; pass++) {
		r = parse_path(path, &scan, state_mask, t, ret_stats);
		if (r < 0)
			return r;
		r = unix_socket_count(proc_root, &after);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return 0;
		most = before > after ? before : after;
		if (ret_stats->rows <= most)
			return 0;
		if (pass == UNIX_COUNT_PASSES) {
			ret_stats->unaccounted = ret_stats->rows - most;
			return 0;
		}
		sock_table_truncate(t, mark);
		before = after;
	}
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
	ssize_t n;

	memset(ret, 0, sizeof(*ret));
	n = snprintf(path, sizeof(path), "%s/net/%s", proc_root, file);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	n = file_read_into(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return family == AF_UNIX ? procnet_protocols_parse(buf, (size_t)n, ret) :
				   procnet_sockstat_parse(buf, (size_t)n, ret);
}
