/* SPDX-License-Identifier: MIT */
/*
 * churn HOLD TCP_CHURNERS UNIX_CHURNERS FORK_CHURNERS
 *
 * The load of the churn stress test (tests/integration/test_churn.py),
 * after the one issue 11 item 6 describes: long-lived sockets that must be
 * listed on every run, and around them sockets and processes that come and
 * go as fast as the machine allows.
 *
 *   HOLD            long-lived sockets (a multiple of 40), held by 4
 *                   processes; the first one forks a child that keeps a
 *                   copy of its fd table, so its sockets have two owners.
 *                   Each process holds, per group of 10 sockets: a
 *                   UNIX stream pair, a UNIX dgram pair, a UNIX listener
 *                   on an abstract name and one on a path (in the current
 *                   directory), a TCP listener on 127.0.0.1, a TCP
 *                   connection (both ends) and a UDP socket.
 *   TCP_CHURNERS    processes that connect to their own listener on
 *                   127.0.0.1 and accept; every other connection is reset
 *                   (SO_LINGER 0), the rest go through TIME_WAIT.
 *   UNIX_CHURNERS   processes that create UNIX socket pairs, bind
 *                   abstract names, and connect to their own listener.
 *   Each churner keeps its last 512 connections (or pairs, or names) open
 *   and closes the oldest one as it makes a new one.
 *   FORK_CHURNERS   processes that fork a child which exits at once.
 *
 * It prints one line per long-lived socket,
 *   hold INODE KIND PID
 * then "ready", and keeps everything going until stdin reaches EOF.  Then
 * it prints "ops TCP UNIX FORK SECONDS" (operations done by the churners
 * since "ready") and exits 0.  Every process it started dies with it
 * (PR_SET_PDEATHSIG).  Exit status 1 on a system call failure (with a
 * message on stderr), 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define HOLD_PROCS 4
#define GROUP 10 /* sockets per group, see above */

/* Counters the churners share with the parent (one mmap'd page). */
struct shared {
	volatile uint64_t tcp_ops;
	volatile uint64_t unix_ops; /* sockets created */
	volatile uint64_t fork_ops;
	volatile int go; /* set once "ready" was printed */
};

static void die(const char *what)
{
	fprintf(stderr, "churn: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Children die with the parent, and SIGTERM ends them. */
static void child_setup(void)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die("prctl");
	if (getppid() == 1)
		exit(0);
}

static uint64_t inode_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	return (uint64_t)st.st_ino;
}

static int tcp_listener(uint16_t *ret_port, int backlog)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket tcp");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind tcp");
	if (listen(fd, backlog) < 0)
		die("listen tcp");
	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die("getsockname");
	*ret_port = ntohs(a.sin_port);
	return fd;
}

static int tcp_connect(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket tcp");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect tcp");
	return fd;
}

/* An unbound UDP socket is in no hash table and no tool lists it: bind. */
static int udp_bound(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket udp");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind udp");
	return fd;
}

static int unix_listener(const char *name, int abstract)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket unix");
	if (abstract) {
		size_t n = strlen(name);

		memcpy(a.sun_path + 1, name, n);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	} else {
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", name);
		unlink(name);
		len = sizeof(a);
	}
	if (bind(fd, (struct sockaddr *)&a, len) < 0)
		die("bind unix");
	if (listen(fd, 64) < 0)
		die("listen unix");
	return fd;
}

static void say(const char *kind, int fd)
{
	printf("hold %llu %s %d\n", (unsigned long long)inode_of(fd), kind, (int)getpid());
}

/* Makes holder `index`'s share of the long-lived sockets and reports them. */
static void make_held(int index, int groups)
{
	char name[64];
	int g, sv[2];

	for (g = 0; g < groups; g++) {
		uint16_t port;
		int l, c, a, u;

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			die("socketpair");
		say("unix-stream", sv[0]);
		say("unix-stream", sv[1]);
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
			die("socketpair");
		say("unix-dgram", sv[0]);
		say("unix-dgram", sv[1]);
		snprintf(name, sizeof(name), "lsock-churn-held-%d-%d", index, g);
		say("unix-abstract", unix_listener(name, 1));
		snprintf(name, sizeof(name), "held-%d-%d.sock", index, g);
		say("unix-path", unix_listener(name, 0));
		l = tcp_listener(&port, 4);
		say("tcp-listen", l);
		c = tcp_connect(port);
		a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (a < 0)
			die("accept");
		say("tcp-client", c);
		say("tcp-accepted", a);
		u = udp_bound();
		say("udp", u);
	}
}

/*
 * The churners keep a ring of RING open entries and replace the oldest one
 * with a new one at each step, so that sockets close while others that
 * opened long before them stay: a close then shifts every socket behind it
 * in its hash bucket, which is what a resumed dump trips over.
 */
#define RING 512

static void close_pair(int fd[3])
{
	int k;

	for (k = 0; k < 3; k++) {
		if (fd[k] >= 0)
			close(fd[k]);
		fd[k] = -1;
	}
}

static void tcp_churn(struct shared *sh)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int ring[RING][3];
	uint16_t port;
	uint64_t n = 0;
	int l = tcp_listener(&port, 1024);

	memset(ring, 0xff, sizeof(ring));
	for (;;) {
		int *e = ring[n % RING];

		close_pair(e);
		e[0] = tcp_connect(port);
		e[1] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (e[1] < 0)
			die("accept");
		/* Half reset, half through TIME_WAIT: both leave the
		 * established hash, one of them through the TIME_WAIT one. */
		if (n & 1)
			(void)setsockopt(e[0], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		n++;
		if (sh->go)
			__atomic_add_fetch(&sh->tcp_ops, 1, __ATOMIC_RELAXED);
	}
}

/* Opens one ring entry of kind n % 4: a stream pair, a dgram pair, an
 * abstract-bound dgram socket, or a connection to listener l (client and
 * accepted end).  Returns the number of sockets made. */
static int unix_open_entry(int e[3], uint64_t n, int index, int l, const struct sockaddr_un *la,
			   socklen_t lalen)
{
	struct sockaddr_un b = { .sun_family = AF_UNIX };
	int sv[2];

	switch (n % 4) {
	case 0:
	case 1:
		if (socketpair(AF_UNIX, (n & 1) ? SOCK_DGRAM : SOCK_STREAM, 0, sv) < 0)
			die("socketpair");
		e[0] = sv[0];
		e[1] = sv[1];
		return 2;
	case 2:
		e[0] = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (e[0] < 0)
			die("socket unix");
		snprintf(b.sun_path + 1, sizeof(b.sun_path) - 1, "lsock-churn-%d-%llu", index,
			 (unsigned long long)n);
		if (bind(e[0], (const struct sockaddr *)&b,
			 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				     strlen(b.sun_path + 1))) < 0)
			die("bind unix");
		return 1;
	default:
		e[0] = socket(AF_UNIX, SOCK_STREAM, 0);
		if (e[0] < 0)
			die("socket unix");
		if (connect(e[0], (const struct sockaddr *)la, lalen) < 0)
			die("connect unix");
		e[1] = accept(l, NULL, NULL);
		if (e[1] < 0)
			die("accept unix");
		return 3; /* client, embryo (freed on accept), accepted */
	}
}

static void unix_churn(struct shared *sh, int index)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int ring[RING][3];
	char name[64];
	socklen_t alen;
	uint64_t n = 0;
	int l;

	memset(ring, 0xff, sizeof(ring));
	snprintf(name, sizeof(name), "lsock-churn-l-%d", index);
	l = unix_listener(name, 1);
	memcpy(a.sun_path + 1, name, strlen(name));
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	for (;;) {
		int *e = ring[n % RING], made;

		close_pair(e);
		made = unix_open_entry(e, n, index, l, &a, alen);
		n++;
		if (sh->go)
			__atomic_add_fetch(&sh->unix_ops, (uint64_t)made, __ATOMIC_RELAXED);
	}
}

static void fork_churn(struct shared *sh)
{
	for (;;) {
		pid_t p = fork();

		if (p < 0) {
			if (errno == EAGAIN)
				continue;
			die("fork");
		}
		if (p == 0)
			_exit(0);
		while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
			;
		if (sh->go)
			__atomic_add_fetch(&sh->fork_ops, 1, __ATOMIC_RELAXED);
	}
}

static pid_t spawn(void (*fn)(struct shared *, int), struct shared *sh, int index)
{
	pid_t p = fork();

	if (p < 0)
		die("fork");
	if (p == 0) {
		child_setup();
		fn(sh, index);
		_exit(0);
	}
	return p;
}

static void run_tcp(struct shared *sh, int index)
{
	(void)index;
	tcp_churn(sh);
}

static void run_unix(struct shared *sh, int index)
{
	unix_churn(sh, index);
}

static void run_fork(struct shared *sh, int index)
{
	(void)index;
	fork_churn(sh);
}

/* A holder: makes its sockets, reports them through a pipe, then sleeps. */
static pid_t spawn_holder(int index, int groups, int wfd_ready)
{
	pid_t p;

	fflush(stdout);
	p = fork();
	if (p < 0)
		die("fork");
	if (p != 0)
		return p;
	child_setup();
	make_held(index, groups);
	if (index == 0) {
		/* A child with a copy of the fd table: every socket of this
		 * holder has two owners, and stays open if either goes. */
		pid_t c;

		fflush(stdout);
		c = fork();
		if (c < 0)
			die("fork");
		if (c == 0) {
			child_setup();
			for (;;)
				pause();
		}
		printf("child %d %d\n", (int)getpid(), (int)c);
	}
	fflush(stdout);
	if (write(wfd_ready, "x", 1) != 1)
		die("write");
	for (;;)
		pause();
}

static int parse_count(const char *s, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return -1;
	return (int)v;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct shared *sh;
	int hold, ntcp, nunix, nfork, i, ready[2];
	char buf[64];

	if (argc != 5) {
		fprintf(stderr, "usage: churn HOLD TCP_CHURNERS UNIX_CHURNERS FORK_CHURNERS\n");
		return 2;
	}
	hold = parse_count(argv[1], 100000);
	ntcp = parse_count(argv[2], 64);
	nunix = parse_count(argv[3], 64);
	nfork = parse_count(argv[4], 64);
	if (hold < 0 || hold % (HOLD_PROCS * GROUP) || ntcp < 0 || nunix < 0 || nfork < 0) {
		fprintf(stderr, "churn: HOLD must be a multiple of %d, counts at most 64\n",
			HOLD_PROCS * GROUP);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* One write per line: the holders share stdout, and lines shorter
	 * than PIPE_BUF are written atomically, so they never interleave. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	if (pipe(ready) < 0)
		die("pipe");
	for (i = 0; i < HOLD_PROCS; i++)
		spawn_holder(i, hold / (HOLD_PROCS * GROUP), ready[1]);
	for (i = 0; i < HOLD_PROCS; i++)
		if (read(ready[0], buf, 1) != 1)
			die("holder died");
	for (i = 0; i < ntcp; i++)
		spawn(run_tcp, sh, i);
	for (i = 0; i < nunix; i++)
		spawn(run_unix, sh, i);
	for (i = 0; i < nfork; i++)
		spawn(run_fork, sh, i);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sh->go = 1;
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("ops %llu %llu %llu %.3f\n", (unsigned long long)sh->tcp_ops,
	       (unsigned long long)sh->unix_ops, (unsigned long long)sh->fork_ops,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	fflush(stdout);
	/* Every holder and churner goes with us (PR_SET_PDEATHSIG). */
	return 0;
}
