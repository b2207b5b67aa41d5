/* SPDX-License-Identifier: MIT */
/*
 * SIOCGSKNS on a real socket whose creator moved to another namespace:
 * the namespace has no process, no mount and no nsfs fd left, only the
 * socket.  Needs root (unshare(CLONE_NEWNET)); skipped otherwise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "netns_tree.h"

#define ALL_SCANS (NETNS_SRC_PROC | NETNS_SRC_MOUNT | NETNS_SRC_FD)

struct child {
	pid_t pid;
	int sock_fd;        /* in the child */
	uint32_t sock_ino;
	uint64_t ns_dev, ns_ino; /* of the namespace the socket is in */
	int pipe_fd;        /* in the child: a non-socket */
	int go;             /* write end: closing it ends the child */
};

struct report {
	int err;
	int sock_fd, pipe_fd;
	uint32_t sock_ino;
	uint64_t ns_dev, ns_ino;
};

/* The child: a socket in a fresh namespace, then back home. */
static void child_main(int out, int in)
{
	struct report rep = { 0 };
	struct stat st;
	int home, p[2];
	char c;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || unshare(CLONE_NEWNET) < 0) {
		rep.err = errno;
		goto out;
	}
	stat("/proc/thread-self/ns/net", &st);
	rep.ns_dev = st.st_dev;
	rep.ns_ino = st.st_ino;
	rep.sock_fd = socket(AF_INET, SOCK_STREAM, 0);
	fstat(rep.sock_fd, &st);
	rep.sock_ino = (uint32_t)st.st_ino;
	if (setns(home, CLONE_NEWNET) < 0) {
		rep.err = errno;
		goto out;
	}
	close(home);
	if (pipe(p) < 0)
		rep.err = errno;
	rep.pipe_fd = p[0];
out:
	if (write(out, &rep, sizeof(rep)) != sizeof(rep))
		_exit(1);
	while (read(in, &c, 1) > 0)
		;
	_exit(0);
}

static int child_setup(void **state)
{
	struct child *ch = calloc(1, sizeof(*ch));
	struct report rep;
	int up[2], down[2];

	if (geteuid() != 0 || !ch)
		return free(ch), *state = NULL, 0;
	if (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0)
		return -1;
	ch->pid = fork();
	if (ch->pid == 0) {
		close(up[0]);
		close(down[1]);
		child_main(up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], &rep, sizeof(rep)) != sizeof(rep) || rep.err) {
		close(up[0]);
		close(down[1]);
		waitpid(ch->pid, NULL, 0);
		free(ch);
		*state = NULL; /* no namespaces here (a container): skip */
		return 0;
	}
	close(up[0]);
	ch->sock_fd = rep.sock_fd;
	ch->sock_ino = rep.sock_ino;
	ch->ns_dev = rep.ns_dev;
	ch->ns_ino = rep.ns_ino;
	ch->pipe_fd = rep.pipe_fd;
	ch->go = down[1];
	*state = ch;
	return 0;
}

static int child_teardown(void **state)
{
	struct child *ch = *state;

	if (!ch)
		return 0;
	close(ch->go);
	waitpid(ch->pid, NULL, 0);
	free(ch);
	return 0;
}

static void test_socket_open(void **state)
{
	struct child *ch = *state;
	struct stat st, here;
	int fd = 99;

	if (!ch)
		skip();
	assert_int_equal(netns_socket_open(ch->pid, 0, ch->sock_fd, ch->sock_ino, &fd), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_dev, ch->ns_dev);
	assert_int_equal(st.st_ino, ch->ns_ino);
	assert_int_equal(stat("/proc/self/ns/net", &here), 0);
	assert_true(st.st_ino != here.st_ino);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	/* inode 0: no check. */
	assert_int_equal(netns_socket_open(ch->pid, 0, ch->sock_fd, 0, &fd), 0);
	close(fd);
	/* Another socket now under that number: refused. */
	assert_int_equal(netns_socket_open(ch->pid, 0, ch->sock_fd, ch->sock_ino + 1, &fd), -ESTALE);
	assert_int_equal(fd, -1);
	assert_int_equal(netns_socket_open(ch->pid, 0, ch->pipe_fd, ch->sock_ino, &fd), -ENOTSOCK);
	assert_int_equal(netns_socket_open(ch->pid, 0, ch->pipe_fd, 0, &fd), -ENOTSOCK);
	assert_int_equal(netns_socket_open(ch->pid, 0, 1000, 0, &fd), -EBADF);
	assert_int_equal(fd, -1);
}

static bool only_ours(uint32_t inode, void *data)
{
	return inode != *(uint32_t *)data; /* everything else counts as explained */
}

static void test_scan_sockets(void **state)
{
	struct child *ch = *state;
	struct netns_set s;
	struct netns *ns;
	int fd;

	if (!ch)
		skip();
	/* Nothing else holds that namespace. */
	assert_int_equal(netns_discover("/proc", ALL_SCANS, &s), 0);
	assert_null(netns_set_find(&s, ch->ns_dev, ch->ns_ino));
	assert_int_equal(netns_scan_sockets("/proc", &s, only_ours, &ch->sock_ino), 0);
	ns = netns_set_find(&s, ch->ns_dev, ch->ns_ino);
	assert_non_null(ns);
	assert_int_equal(ns->sources, NETNS_SRC_SOCKET);
	assert_int_equal(ns->npaths, 1);
	assert_int_equal(ns->paths[0].kind, NETNS_PATH_SOCKET);
	assert_int_equal(ns->paths[0].pid, ch->pid);
	assert_int_equal(ns->paths[0].fd, ch->sock_fd);
	assert_int_equal(ns->paths[0].sock_inode, ch->sock_ino);
	assert_null(ns->paths[0].path);
	/* It opens again later, through the socket. */
	assert_int_equal(netns_open(ns, &fd), 0);
	close(fd);
	/* And it is named by its inode. */
	assert_int_equal(netns_set_name(&s, "/proc", "/nonexistent"), 0);
	assert_int_equal(ns->label_kind, NETNS_LABEL_INODE);
	netns_set_free(&s);
}

static void test_scan_needs_our_proc(void **state)
{
	struct netns_set s = { 0 };

	/* A procfs whose "self" is not us (a fake tree here): pids would
	 * name other processes. */
	assert_int_equal(netns_scan_sockets("/tmp", &s, NULL, NULL), -EXDEV);
	assert_int_equal(netns_scan_sockets("/nonexistent", &s, NULL, NULL), -ENOENT);
	assert_int_equal(s.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_socket_open, child_setup, child_teardown),
		cmocka_unit_test_setup_teardown(test_scan_sockets, child_setup, child_teardown),
		cmocka_unit_test(test_scan_needs_our_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
