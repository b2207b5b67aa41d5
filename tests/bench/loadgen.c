// SPDX-License-Identifier: MIT
/*
 * loadgen: hold a large, realistic socket population for the lsock benchmark.
 *
 * Run it inside a private network namespace with lo up (tests/bench/run.sh
 * does that).  It forks P worker processes; each worker builds its share of
 *   - TCP listeners (ports LISTEN_PORT_BASE + j; every 10th one IPv6, half of
 *     those v6only),
 *   - loopback TCP connections to its own listeners (client end and accepted
 *     end both held, so one connection = two sockets), spread over eight
 *     127.0.0.x destinations, IPv6 listeners reached over ::1 (and over IPv4
 *     for dual-stack ones, which gives v4-mapped accepted sockets),
 *   - UDP sockets (bound to an ephemeral port, every 4th connected),
 *   - UNIX socketpairs (mostly stream, some dgram and seqpacket),
 * then reports to the parent through a shared anonymous mapping (no fd, so a
 * worker may use its whole RLIMIT_NOFILE budget: it closes stdin, stdout and
 * stderr).  Once every worker holds its sockets the parent prints
 * "ready ..." on stdout (and writes -r FILE), then waits for SIGTERM/SIGINT/
 * SIGHUP and tears everything down.
 *
 * Usage: loadgen [-c CONNS] [-l LISTENERS] [-u UDP] [-x UNIX] [-P MINPROCS] [-r FILE]
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LISTEN_PORT_BASE	2000u
/* Listener ports must stay below the ephemeral range run.sh sets (10000-65000). */
#define LISTEN_PORT_MAX		9999u
#define MAX_WORKERS		4096u
#define ERRMSG_LEN		200u
#define N_V4_DESTS		8u
#define MIN_WORKERS_DEFAULT	6u

struct load_config {
	unsigned long conns;
	unsigned long listeners;
	unsigned long udp;
	unsigned long unix_socks;
	unsigned long min_workers;
	const char *ready_file;
};

/* One worker's share of the load. */
struct worker_share {
	unsigned int index;
	unsigned int nworkers;
	unsigned long conns;
	unsigned long udp;
	unsigned long unix_pairs;
	unsigned long listeners; /* global listener j belongs to worker j % nworkers */
	unsigned long total_listeners;
};

/* Shared (MAP_SHARED) between the parent and its workers. */
struct shared_status {
	atomic_uint ready;
	atomic_uint failed;
	char errmsg[MAX_WORKERS][ERRMSG_LEN];
};

static unsigned long share_of(unsigned long total, unsigned int n, unsigned int i)
{
	return total / n + (i < total % n ? 1 : 0);
}

static void share_compute(const struct load_config *cfg, unsigned int nworkers, unsigned int i,
			  struct worker_share *ret)
{
	struct worker_share s = {
		.index = i,
		.nworkers = nworkers,
		.conns = share_of(cfg->conns, nworkers, i),
		.udp = share_of(cfg->udp, nworkers, i),
		.unix_pairs = share_of(cfg->unix_socks / 2, nworkers, i),
		.listeners = share_of(cfg->listeners, nworkers, i),
		.total_listeners = cfg->listeners,
	};
	*ret = s;
}

static unsigned long share_fds(const struct worker_share *s)
{
	return s->listeners + 2 * s->conns + s->udp + 2 * s->unix_pairs;
}

/* Smallest worker count >= min that fits every share into budget fds. */
static int workers_needed(const struct load_config *cfg, unsigned long budget, unsigned int *ret_n)
{
	unsigned int n;

	for (n = cfg->min_workers ? cfg->min_workers : 1; n <= MAX_WORKERS; n++) {
		bool fits = true;
		unsigned int i;

		for (i = 0; i < n && fits; i++) {
			struct worker_share s;

			share_compute(cfg, n, i, &s);
			fits = share_fds(&s) <= budget && (s.conns == 0 || s.listeners > 0);
		}
		if (fits) {
			*ret_n = n;
			return 0;
		}
		/* More workers than listeners can never give every connecting worker one. */
		if (cfg->conns && n >= cfg->listeners)
			return -EINVAL;
	}
	return -E2BIG;
}

static int listener_open(unsigned long j, int *ret_family)
{
	bool v6 = j % 10 == 9;
	int v6only = (j / 10) % 2;
	int one = 1;
	int fd;

	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6) {
		struct sockaddr_in6 a = {
			.sin6_family = AF_INET6,
			.sin6_port = htons((uint16_t)(LISTEN_PORT_BASE + j)),
			.sin6_addr = IN6ADDR_ANY_INIT,
		};

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0 ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			goto fail;
	} else {
		struct sockaddr_in a = {
			.sin_family = AF_INET,
			.sin_port = htons((uint16_t)(LISTEN_PORT_BASE + j)),
			.sin_addr.s_addr = htonl(INADDR_ANY),
		};

		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			goto fail;
	}
	/* Every connection is accepted right after connect(), so a modest backlog is enough. */
	if (listen(fd, 1024) < 0)
		goto fail;
	*ret_family = v6 ? (v6only ? 6 : 46) : 4;
	return fd;
fail:
	{
		int err = -errno;

		close(fd);
		return err;
	}
}

/*
 * Teardown closes with RST instead of FIN: no TIME_WAIT sockets linger in the
 * namespace, so a second load built right after the first is counted exactly.
 */
static void linger_abort(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

/* Connect to listener port @port (family kind @kind), the k-th connection; accept it. */
static int conn_make(int lfd, unsigned int port, int kind, unsigned long k)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} a;
	socklen_t alen;
	int cfd, sfd;
	bool use_v6 = kind == 6 || (kind == 46 && k % 2 == 0);

	memset(&a, 0, sizeof(a));
	if (use_v6) {
		a.v6.sin6_family = AF_INET6;
		a.v6.sin6_port = htons((uint16_t)port);
		a.v6.sin6_addr = in6addr_loopback;
		alen = sizeof(a.v6);
	} else {
		a.v4.sin_family = AF_INET;
		a.v4.sin_port = htons((uint16_t)port);
		/* 127.0.0.1 .. 127.0.0.8: more 4-tuples per ephemeral port. */
		a.v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (uint32_t)(k % N_V4_DESTS));
		alen = sizeof(a.v4);
	}
	cfd = socket(use_v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0)
		return -errno;
	linger_abort(cfd);
	if (connect(cfd, (struct sockaddr *)&a, alen) < 0) {
		int err = -errno;

		close(cfd);
		return err;
	}
	sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (sfd < 0) {
		int err = -errno;

		close(cfd);
		return err;
	}
	linger_abort(sfd);
	return 0;
}

static int udp_make(unsigned long k)
{
	bool v6 = k % 10 == 9;
	int fd;

	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (v6) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };

		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return -errno;
	} else {
		struct sockaddr_in a = {
			.sin_family = AF_INET,
			.sin_addr.s_addr = htonl(k % 2 ? INADDR_LOOPBACK : INADDR_ANY),
		};

		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return -errno;
	}
	if (k % 4 == 1) {
		/* UDP connect() sends nothing; it only fixes the peer (state ESTABLISHED). */
		struct sockaddr_in p = {
			.sin_family = AF_INET,
			.sin_port = htons(9),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		};

		if (!v6 && connect(fd, (struct sockaddr *)&p, sizeof(p)) < 0)
			return -errno;
	}
	return 0;
}

static int unix_pair_make(unsigned long k)
{
	int type = k % 16 == 15 ? SOCK_SEQPACKET : k % 8 == 7 ? SOCK_DGRAM : SOCK_STREAM;
	int sv[2];

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	return 0;
}

static int worker_build(const struct worker_share *s, char *err, size_t errlen)
{
	int lfd[64];
	unsigned int lport[64];
	int lkind[64];
	unsigned long mine = 0, j, k;
	int r;

	/* Listeners j with j % nworkers == index; keep up to 64 for connecting. */
	for (j = s->index; j < s->total_listeners; j += s->nworkers) {
		int kind = 0;
		int fd = listener_open(j, &kind);

		if (fd < 0) {
			snprintf(err, errlen, "listener port %lu: %s", LISTEN_PORT_BASE + j,
				 strerror(-fd));
			return fd;
		}
		if (mine < 64) {
			lfd[mine] = fd;
			lport[mine] = (unsigned int)(LISTEN_PORT_BASE + j);
			lkind[mine] = kind;
		}
		mine++;
	}
	if (mine > 64)
		mine = 64;
	for (k = 0; k < s->conns; k++) {
		unsigned long l = k % mine;

		r = conn_make(lfd[l], lport[l], lkind[l], k / mine);
		if (r < 0) {
			snprintf(err, errlen, "connection %lu to port %u: %s", k, lport[l],
				 strerror(-r));
			return r;
		}
	}
	for (k = 0; k < s->udp; k++) {
		r = udp_make(k * s->nworkers + s->index);
		if (r < 0) {
			snprintf(err, errlen, "udp socket %lu: %s", k, strerror(-r));
			return r;
		}
	}
	for (k = 0; k < s->unix_pairs; k++) {
		r = unix_pair_make(k);
		if (r < 0) {
			snprintf(err, errlen, "unix socketpair %lu: %s", k, strerror(-r));
			return r;
		}
	}
	return 0;
}

static void worker_run(const struct worker_share *s, struct shared_status *st, pid_t parent)
{
	char *err = st->errmsg[s->index];
	struct rlimit rl;
	char name[16];

	/* Die with the parent, so a killed run never leaves holders behind. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	snprintf(name, sizeof(name), "loadgen-w%u", s->index);
	prctl(PR_SET_NAME, name);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			snprintf(err, ERRMSG_LEN, "setrlimit: %s", strerror(errno));
			goto fail;
		}
	}
	/*
	 * The whole fd budget goes to sockets: drop stdio and anything inherited
	 * from the caller; errors travel through shared memory instead.
	 */
	if (close_range(0, ~0u, 0) < 0) {
		snprintf(err, ERRMSG_LEN, "close_range: %s", strerror(errno));
		goto fail;
	}
	if (worker_build(s, err, ERRMSG_LEN) < 0)
		goto fail;
	atomic_fetch_add(&st->ready, 1);
	for (;;)
		pause();
fail:
	atomic_fetch_add(&st->failed, 1);
	_exit(1);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: loadgen [-c CONNS] [-l LISTENERS] [-u UDP] [-x UNIX] [-P MINPROCS] [-r FILE]\n"
		"  -c N  loopback TCP connections, 2 sockets each (default 50000)\n"
		"  -l N  TCP listeners (default 100)\n"
		"  -u N  UDP sockets (default 100)\n"
		"  -x N  UNIX sockets, as N/2 socketpairs (default 10000)\n"
		"  -P N  at least N worker processes (default 6; more if RLIMIT_NOFILE needs it)\n"
		"  -r F  write F once every worker holds its sockets\n");
}

static int parse_ulong(const char *s, unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct load_config *cfg)
{
	int opt;

	while ((opt = getopt(argc, argv, "c:l:u:x:P:r:h")) != -1) {
		unsigned long *dst = NULL;

		switch (opt) {
		case 'c': dst = &cfg->conns; break;
		case 'l': dst = &cfg->listeners; break;
		case 'u': dst = &cfg->udp; break;
		case 'x': dst = &cfg->unix_socks; break;
		case 'P': dst = &cfg->min_workers; break;
		case 'r': cfg->ready_file = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: return -EINVAL;
		}
		if (dst && parse_ulong(optarg, dst) < 0) {
			fprintf(stderr, "loadgen: bad number for -%c: %s\n", opt, optarg);
			return -EINVAL;
		}
	}
	if (optind != argc)
		return -EINVAL;
	if (cfg->listeners > LISTEN_PORT_MAX - LISTEN_PORT_BASE + 1) {
		fprintf(stderr, "loadgen: at most %u listeners\n", LISTEN_PORT_MAX - LISTEN_PORT_BASE + 1);
		return -EINVAL;
	}
	if (cfg->conns && !cfg->listeners) {
		fprintf(stderr, "loadgen: connections need at least one listener\n");
		return -EINVAL;
	}
	if (cfg->unix_socks % 2) {
		fprintf(stderr, "loadgen: -x must be even (socketpairs)\n");
		return -EINVAL;
	}
	return 0;
}

static int ready_file_write(const char *path, const char *line)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fputs(line, f);
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		return -errno;
	return 0;
}

static void workers_stop(const pid_t *pids, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
}

/* Any worker gone before teardown is a failure of the whole load. */
static bool worker_died(pid_t *pids, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (pids[i] > 0 && waitpid(pids[i], NULL, WNOHANG) == pids[i]) {
			pids[i] = -1;
			return true;
		}
	}
	return false;
}

int main(int argc, char **argv)
{
	struct load_config cfg = {
		.conns = 50000, .listeners = 100, .udp = 100, .unix_socks = 10000,
		.min_workers = MIN_WORKERS_DEFAULT,
	};
	struct shared_status *st;
	struct timespec t0, t1;
	struct rlimit rl;
	unsigned long budget, total;
	unsigned int n, i;
	sigset_t stop;
	pid_t *pids;
	char line[256];
	int r, sig;

	if (parse_args(argc, argv, &cfg) < 0) {
		usage(stderr);
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		perror("loadgen: getrlimit");
		return 1;
	}
	/* Workers close 0-2, so they own all of 0 .. hard-1. */
	budget = rl.rlim_max == RLIM_INFINITY ? 1ul << 20 : (unsigned long)rl.rlim_max;
	r = workers_needed(&cfg, budget, &n);
	if (r < 0) {
		if (r == -EINVAL)
			fprintf(stderr, "loadgen: every connecting process needs a listener of its "
				"own and %lu fds are not enough: raise -l\n", budget);
		else
			fprintf(stderr, "loadgen: the load needs more than %u processes of %lu fds\n",
				MAX_WORKERS, budget);
		return 2;
	}
	total = cfg.listeners + 2 * cfg.conns + cfg.udp + cfg.unix_socks;
	fprintf(stderr, "loadgen: %lu sockets (%lu tcp conns, %lu listeners, %lu udp, %lu unix) "
		"in %u processes, fd limit %lu\n", total, cfg.conns, cfg.listeners, cfg.udp,
		cfg.unix_socks, n, budget);

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pids = calloc(n, sizeof(*pids));
	if (st == MAP_FAILED || !pids) {
		fprintf(stderr, "loadgen: out of memory\n");
		return 1;
	}
	/* Block the stop signals before forking: sigwait() below consumes them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		struct worker_share s;
		pid_t parent = getpid();

		share_compute(&cfg, n, i, &s);
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("loadgen: fork");
			workers_stop(pids, i);
			return 1;
		}
		if (pids[i] == 0) {
			sigprocmask(SIG_UNBLOCK, &stop, NULL);
			worker_run(&s, st, parent);
		}
	}
	while (atomic_load(&st->ready) + atomic_load(&st->failed) < n) {
		struct timespec tick = { .tv_nsec = 20 * 1000 * 1000 };
		struct timespec left;

		if (sigtimedwait(&stop, NULL, &(struct timespec){ 0 }) > 0) {
			fprintf(stderr, "loadgen: interrupted while building\n");
			workers_stop(pids, n);
			return 1;
		}
		if (atomic_load(&st->failed) == 0 && worker_died(pids, n)) {
			fprintf(stderr, "loadgen: a worker died while building\n");
			workers_stop(pids, n);
			return 1;
		}
		nanosleep(&tick, &left);
	}
	if (atomic_load(&st->failed)) {
		for (i = 0; i < n; i++)
			if (st->errmsg[i][0])
				fprintf(stderr, "loadgen: worker %u: %.*s\n", i, (int)ERRMSG_LEN,
					st->errmsg[i]);
		workers_stop(pids, n);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	snprintf(line, sizeof(line), "ready sockets=%lu processes=%u build_s=%.2f\n", total, n,
		 (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	fputs(line, stdout);
	fflush(stdout);
	if (cfg.ready_file) {
		r = ready_file_write(cfg.ready_file, line);
		if (r < 0) {
			fprintf(stderr, "loadgen: %s: %s\n", cfg.ready_file, strerror(-r));
			workers_stop(pids, n);
			return 1;
		}
	}
	for (;;) {
		struct timespec tick = { .tv_sec = 1 };

		sig = sigtimedwait(&stop, NULL, &tick);
		if (sig > 0)
			break;
		if (worker_died(pids, n)) {
			fprintf(stderr, "loadgen: a worker died; tearing down\n");
			workers_stop(pids, n);
			return 1;
		}
	}
	workers_stop(pids, n);
	free(pids);
	munmap(st, sizeof(*st));
	return 0;
}
