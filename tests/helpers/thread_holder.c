/* SPDX-License-Identifier: MIT */
/*
 * thread_holder MODE PORT [NTHREADS]
 *
 * Holds TCP listeners on 127.0.0.1 in places that /proc/PID/fd alone does
 * not show, for the owner-walk integration tests:
 *
 *   exit-main       main() opens a listener on PORT, starts a worker and
 *                   calls pthread_exit(): the leader is a zombie whose fd
 *                   table is gone (exit_files()), so /proc/PID/fd lists
 *                   nothing, while the worker keeps the table, and the
 *                   listener, alive under /proc/PID/task/TID/fd.
 *   unshare-files   main() opens a listener on PORT; a worker calls
 *                   unshare(CLONE_FILES), which gives it a copy of the
 *                   table (PORT's fd included, at the same number), then
 *                   opens a listener on PORT+1 that only its own table has.
 *   shared          main() opens a listener on PORT and starts NTHREADS
 *                   (default 8) workers that share its table: the same
 *                   fd seen through many task dirs must count once.
 *
 * Once the layout is in place it prints, one per line,
 *   pid PID
 *   listener PORT FD INODE TID      (TID: a thread whose table holds it)
 *   ready
 * and holds everything until stdin reaches EOF, then exits 0.
 * Exit status 1 on a system call failure (with a message on stderr), 2 on
 * usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_THREADS 256

struct holder {
	const char *mode;
	int port;
	int nthreads;
	pid_t pid;
	int main_fd;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int started; /* workers that have set themselves up */
};

static void die(const char *what)
{
	fprintf(stderr, "thread_holder: %s: %s\n", what, strerror(errno));
	exit(1);
}

static pid_t my_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1, fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("setsockopt");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	if (listen(fd, 4) < 0)
		die("listen");
	return fd;
}

static void report_listener(int port, int fd, pid_t tid)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	printf("listener %d %d %lu %d\n", port, fd, (unsigned long)st.st_ino, (int)tid);
}

/* Blocks until stdin is at EOF (the test closed its end, or died). */
static void hold(void)
{
	char buf[64];

	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
}

/*
 * Waits until the leader is a zombie: its /proc/PID/task/PID/stat state is
 * 'Z' once do_exit() has run exit_files() and exit_notify() for it (it
 * stays unreaped while other threads of the group live).
 */
static void wait_leader_zombie(pid_t pid)
{
	char path[64], buf[512];
	int i;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)pid);
	for (i = 0; i < 10000; i++) {
		FILE *f = fopen(path, "re");
		char *rp;

		if (!f)
			die("fopen leader stat");
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
		rp = strrchr(buf, ')');
		if (rp && rp[1] == ' ' && rp[2] == 'Z')
			return;
		usleep(1000);
	}
	errno = ETIMEDOUT;
	die("leader never became a zombie");
}

static void *exit_main_worker(void *arg)
{
	struct holder *h = arg;

	wait_leader_zombie(h->pid);
	printf("pid %d\n", (int)h->pid);
	report_listener(h->port, h->main_fd, my_tid());
	printf("ready\n");
	fflush(stdout);
	hold();
	exit(0);
}

static void *unshare_worker(void *arg)
{
	struct holder *h = arg;
	int fd;

	if (unshare(CLONE_FILES) < 0)
		die("unshare(CLONE_FILES)");
	fd = listen_on(h->port + 1);
	printf("pid %d\n", (int)h->pid);
	/* PORT's fd was copied into our table: both tables hold it. */
	report_listener(h->port, h->main_fd, h->pid);
	report_listener(h->port + 1, fd, my_tid());
	printf("ready\n");
	fflush(stdout);
	hold();
	exit(0);
}

static void *shared_worker(void *arg)
{
	struct holder *h = arg;

	pthread_mutex_lock(&h->lock);
	h->started++;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	static struct holder h = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	pthread_t t;
	int i, r;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: thread_holder exit-main|unshare-files|shared PORT [NTHREADS]\n");
		return 2;
	}
	h.mode = argv[1];
	h.port = atoi(argv[2]);
	h.nthreads = argc > 3 ? atoi(argv[3]) : 8;
	if (h.port <= 0 || h.port >= 65535 || h.nthreads < 1 || h.nthreads > MAX_THREADS) {
		fprintf(stderr, "thread_holder: bad PORT or NTHREADS\n");
		return 2;
	}
	h.pid = getpid();
	h.main_fd = listen_on(h.port);

	if (strcmp(h.mode, "exit-main") == 0) {
		r = pthread_create(&t, NULL, exit_main_worker, &h);
		if (r != 0) {
			errno = r;
			die("pthread_create");
		}
		pthread_exit(NULL);
	}
	if (strcmp(h.mode, "unshare-files") == 0) {
		r = pthread_create(&t, NULL, unshare_worker, &h);
		if (r != 0) {
			errno = r;
			die("pthread_create");
		}
		hold();
		return 0;
	}
	if (strcmp(h.mode, "shared") == 0) {
		for (i = 0; i < h.nthreads; i++) {
			r = pthread_create(&t, NULL, shared_worker, &h);
			if (r != 0) {
				errno = r;
				die("pthread_create");
			}
		}
		pthread_mutex_lock(&h.lock);
		while (h.started < h.nthreads)
			pthread_cond_wait(&h.cond, &h.lock);
		pthread_mutex_unlock(&h.lock);
		printf("pid %d\n", (int)h.pid);
		report_listener(h.port, h.main_fd, h.pid);
		printf("ready\n");
		fflush(stdout);
		hold();
		return 0;
	}
	fprintf(stderr, "thread_holder: unknown mode '%s'\n", h.mode);
	return 2;
}
