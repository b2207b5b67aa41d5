/* SPDX-License-Identifier: MIT */
/*
 * Test helper linked with lsock_core: runs the netns library (no CLI) and
 * prints what it found, one JSON object per namespace and a last "summary"
 * line, for tests/integration/test_netns_*.py.
 *
 *   netns_probe [--proc-root DIR] [--state-root DIR] [--scans LIST] [--sockets]
 *       LIST: comma-separated procs,mounts,fds (default all three);
 *       --sockets also runs netns_scan_sockets() over every socket.
 *   netns_probe --sockns PID FD INODE
 *       prints the inode of that socket's network namespace (SIOCGSKNS).
 *   netns_probe --unit PID
 *       prints the systemd unit and user unit of PID (/proc/PID/cgroup).
 *
 * Byte strings (labels, names, paths) are printed with every byte outside
 * printable ASCII, and '"' and '\', as \u00XX, so that a reader gets the
 * exact bytes back with .encode("latin-1").  Exit 0, 1 on a library error,
 * 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/netns.h"
#include "lsock/unit.h"

static void put_bytes(const char *p, size_t len)
{
	size_t i;

	putchar('"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void put_str_or_null(const char *p, size_t len)
{
	if (p)
		put_bytes(p, len);
	else
		fputs("null", stdout);
}

static void put_name(const char *key, const struct container_name *n)
{
	printf(",\"%s\":", key);
	put_str_or_null(n->set ? n->bytes : NULL, n->len);
}

static void put_container(const struct container *c)
{
	if (c->runtime == CONTAINER_NONE) {
		fputs("null", stdout);
		return;
	}
	printf("{\"runtime\":\"%s\",\"id\":\"%s\",\"pod_uid\":\"%s\",\"sandbox\":%s",
	       container_runtime_name(c->runtime), c->id, c->pod_uid,
	       c->is_sandbox ? "true" : "false");
	put_name("name", &c->name);
	put_name("pod", &c->pod);
	put_name("pod_ns", &c->pod_ns);
	putchar('}');
}

static void put_ns(const struct netns *ns)
{
	static const char *const kinds[] = { "mount", "proc", "fd", "socket" };
	static const char *const labels[] = { "none", "ipnetns", "host", "container", "inode" };
	static const char *const srcs[] = { "proc", "mount", "fd", "socket" };
	struct stat st;
	bool first = true;
	size_t i;
	int fd, r;

	printf("{\"dev\":%llu,\"ino\":%llu,\"initial\":%s,\"sources\":[",
	       (unsigned long long)ns->dev, (unsigned long long)ns->ino,
	       ns->is_initial ? "true" : "false");
	for (i = 0; i < 4; i++) {
		if (ns->sources & (1u << i)) {
			printf("%s\"%s\"", first ? "" : ",", srcs[i]);
			first = false;
		}
	}
	fputs("],\"pids\":[", stdout);
	for (i = 0; i < ns->npids; i++)
		printf("%s%d", i ? "," : "", (int)ns->pids[i]);
	fputs("],\"ipnetns\":", stdout);
	put_str_or_null(ns->ipnetns, ns->ipnetns_len);
	fputs(",\"label\":", stdout);
	put_str_or_null(ns->label, ns->label_len);
	printf(",\"label_kind\":\"%s\",\"container\":", labels[ns->label_kind]);
	put_container(&ns->container);
	fputs(",\"paths\":[", stdout);
	for (i = 0; i < ns->npaths; i++) {
		const struct netns_path *p = &ns->paths[i];

		printf("%s{\"kind\":\"%s\",\"pid\":%d,\"fd\":%d,\"path\":", i ? "," : "",
		       kinds[p->kind], (int)p->pid, (int)p->fd);
		put_str_or_null(p->path, p->path ? strlen(p->path) : 0);
		putchar('}');
	}
	/* Whether it opens now, and is what it claims to be. */
	r = netns_open(ns, &fd);
	if (r == 0) {
		if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != ns->ino)
			r = -EIO;
		close(fd);
	}
	printf("],\"open\":%d}\n", r);
}

static int sockns(char **argv)
{
	struct stat st;
	int fd, r;

	r = netns_socket_open(atoi(argv[0]), 0, atoi(argv[1]), (uint32_t)strtoul(argv[2], NULL, 10),
			      &fd);
	if (r < 0) {
		printf("{\"error\":%d}\n", r);
		return 1;
	}
	fstat(fd, &st);
	printf("{\"ino\":%llu}\n", (unsigned long long)st.st_ino);
	close(fd);
	return 0;
}

static int unit(const char *pid)
{
	struct unit_info u;
	char rel[64];
	int r;

	snprintf(rel, sizeof(rel), "/proc/%s/cgroup", pid);
	r = unit_read_at(AT_FDCWD, rel, &u);
	if (r < 0) {
		printf("{\"error\":%d}\n", r);
		return 1;
	}
	fputs("{\"unit\":", stdout);
	put_str_or_null(u.unit[0] ? u.unit : NULL, strlen(u.unit));
	fputs(",\"user_unit\":", stdout);
	put_str_or_null(u.user_unit[0] ? u.user_unit : NULL, strlen(u.user_unit));
	puts("}");
	return 0;
}

static unsigned parse_scans(const char *s)
{
	unsigned v = 0;

	if (strstr(s, "procs"))
		v |= NETNS_SRC_PROC;
	if (strstr(s, "mounts"))
		v |= NETNS_SRC_MOUNT;
	if (strstr(s, "fds"))
		v |= NETNS_SRC_FD;
	return v;
}

int main(int argc, char **argv)
{
	const char *proc_root = "/proc", *state_root = NULL;
	unsigned scans = NETNS_SRC_PROC | NETNS_SRC_MOUNT | NETNS_SRC_FD;
	bool sockets = false;
	struct netns_set s;
	int i, r, rs = 0;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sockns") == 0 && argc - i == 4)
			return sockns(argv + i + 1);
		else if (strcmp(argv[i], "--unit") == 0 && argc - i == 2)
			return unit(argv[i + 1]);
		else if (strcmp(argv[i], "--proc-root") == 0 && i + 1 < argc)
			proc_root = argv[++i];
		else if (strcmp(argv[i], "--state-root") == 0 && i + 1 < argc)
			state_root = argv[++i];
		else if (strcmp(argv[i], "--scans") == 0 && i + 1 < argc)
			scans = parse_scans(argv[++i]);
		else if (strcmp(argv[i], "--sockets") == 0)
			sockets = true;
		else {
			fprintf(stderr, "netns_probe: bad usage at %s\n", argv[i]);
			return 2;
		}
	}
	r = netns_discover(proc_root, scans, &s);
	if (r < 0) {
		fprintf(stderr, "netns_probe: netns_discover: %s\n", strerror(-r));
		return 1;
	}
	if (sockets)
		rs = netns_scan_sockets(proc_root, &s, NULL, NULL);
	r = netns_set_name(&s, proc_root, state_root);
	if (r < 0) {
		fprintf(stderr, "netns_probe: netns_set_name: %s\n", strerror(-r));
		netns_set_free(&s);
		return 1;
	}
	for (k = 0; k < s.len; k++)
		put_ns(&s.v[k]);
	printf("{\"summary\":{\"len\":%zu,\"denied_procs\":%u,\"denied_mounts\":%u,"
	       "\"denied_fds\":%u,\"denied_sockets\":%u,\"scan_sockets\":%d,\"json\":%s}}\n",
	       s.len, s.n_denied_procs, s.n_denied_mounts, s.n_denied_fds, s.n_denied_sockets, rs,
	       container_json_supported() ? "true" : "false");
	netns_set_free(&s);
	return 0;
}
