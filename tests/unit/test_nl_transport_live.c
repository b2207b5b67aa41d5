/* SPDX-License-Identifier: MIT */
/*
 * The netlink transport and the diag collectors against the live kernel:
 * sockets made here are found with the state, address, backlog and name
 * they were given.  Runs in a private netns when one can be made, and skips
 * when NETLINK_SOCK_DIAG is unavailable.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "lsock/diag.h"
#include "lsock/nl_transport.h"

/* Opens the real transport, in a private netns when we may create one, so
 * that only sockets made here exist.  Skips if netlink is unavailable. */
static struct nl_transport *live_open(void)
{
	struct nl_transport *nl;
	int r;

	(void)unshare(CLONE_NEWNET);
	r = nl_transport_open(&nl);
	if (r < 0) {
		print_message("no NETLINK_SOCK_DIAG: %s\n", strerror(-r));
		skip();
	}
	return nl;
}

static void test_live_tcp(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	struct sock_table t = { .len = 0 };
	struct nl_transport *nl = live_open();
	const struct sock_entry *e = NULL;
	struct stat st;
	size_t dropped;
	size_t i;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 9) < 0) {
		/* loopback down in a fresh netns: unbound listener on any */
		close(fd);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(listen(fd, 9), 0);
	}
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	assert_int_equal(fstat(fd, &st), 0);

	assert_int_equal(diag_inet_collect(nl, AF_INET, SOCK_PROTO_TCP,
					   SOCK_STATE_BIT(SOCK_STATE_LISTEN), &t, &dropped), 0);
	for (i = 0; i < t.len; i++)
		if (t.entries[i].inode == st.st_ino)
			e = &t.entries[i];
	assert_non_null(e);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_int_equal(e->lport, ntohs(a.sin_port));
	assert_memory_equal(e->laddr, &a.sin_addr, 4);
	assert_int_equal(e->wqueue, 9);
	assert_int_equal(e->uid, getuid());

	/* Several dumps on one transport, and the RAW answer is an error or
	 * a list, never a hang. */
	i = t.len;
	assert_int_equal(diag_inet_collect(nl, AF_INET, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t, &dropped),
			 0);
	assert_true(t.len >= 2 * i);
	(void)diag_inet_collect(nl, AF_INET, SOCK_PROTO_RAW, SOCK_STATES_ALL, &t, &dropped);

	close(fd);
	nl_transport_close(nl);
	sock_table_free(&t);
}

/* One TCP dump for both families (AF_UNSPEC: the tcp_diag request) lists
 * an IPv4 and an IPv6 listener, each with its own family. */
static void test_live_tcp_both_families(void **state)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sock_table t = { .len = 0 };
	struct nl_transport *nl = live_open();
	struct stat st4, st6;
	bool seen4 = false, seen6 = false;
	size_t dropped, i;
	int fd4, fd6;

	fd4 = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd4 >= 0);
	assert_int_equal(listen(fd4, 2), 0);
	assert_int_equal(fstat(fd4, &st4), 0);
	fd6 = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd6 < 0) {
		close(fd4);
		nl_transport_close(nl);
		print_message("no IPv6\n");
		skip();
	}
	(void)bind(fd6, (struct sockaddr *)&a6, sizeof(a6));
	assert_int_equal(listen(fd6, 2), 0);
	assert_int_equal(fstat(fd6, &st6), 0);

	assert_int_equal(diag_inet_collect(nl, AF_UNSPEC, SOCK_PROTO_TCP, SOCK_STATES_ALL, &t,
					   &dropped), 0);
	assert_int_equal(dropped, 0);
	for (i = 0; i < t.len; i++) {
		if (t.entries[i].inode == st4.st_ino) {
			assert_int_equal(t.entries[i].family, AF_INET);
			seen4 = true;
		}
		if (t.entries[i].inode == st6.st_ino) {
			assert_int_equal(t.entries[i].family, AF_INET6);
			seen6 = true;
		}
	}
	assert_true(seen4);
	assert_true(seen6);
	close(fd4);
	close(fd6);
	nl_transport_close(nl);
	sock_table_free(&t);
}

static void test_live_unix(void **state)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct sock_table t = { .len = 0 };
	struct nl_transport *nl = live_open();
	const struct sock_entry *e = NULL;
	static const char abs_name[] = "\0lsock-test\0x";
	struct stat st;
	size_t dropped;
	size_t i;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memcpy(a.sun_path, abs_name, sizeof(abs_name) - 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&a,
			      offsetof(struct sockaddr_un, sun_path) + sizeof(abs_name) - 1), 0);
	assert_int_equal(listen(fd, 3), 0);
	assert_int_equal(fstat(fd, &st), 0);

	assert_int_equal(diag_unix_collect(nl, SOCK_STATES_ALL, &t, &dropped), 0);
	for (i = 0; i < t.len; i++)
		if (t.entries[i].inode == st.st_ino)
			e = &t.entries[i];
	assert_non_null(e);
	assert_int_equal(e->state, SOCK_STATE_LISTEN);
	assert_true(e->flags & SOCK_F_ABSTRACT);
	assert_int_equal(e->path_len, sizeof(abs_name) - 1);
	assert_memory_equal(sock_table_name(&t, e), abs_name, sizeof(abs_name) - 1);
	assert_int_equal(e->wqueue, 3);

	close(fd);
	nl_transport_close(nl);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_tcp),
		cmocka_unit_test(test_live_tcp_both_families),
		cmocka_unit_test(test_live_unix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
