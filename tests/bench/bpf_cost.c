// SPDX-License-Identifier: MIT
/*
 * bpf_cost OBJECT [N]: what the BPF owner source costs, split as lsock pays
 * it.  Opens OBJECT (build/owner_iter.bpf.o, the object lsock embeds) with
 * libbpf, loads and verifies it (CO-RE relocation against the running
 * kernel's BTF included) and attaches it as an iterator: the one-shot cost,
 * which a --watch loop would pay once.  Then reads the iterator N times
 * (default 5): the per-snapshot cost.  Prints the minimum of each over N
 * rounds, in ms, and how many socket fds one read returned.  Needs root.
 *
 *   cc -O2 -o bpf_cost tests/bench/bpf_cost.c -lbpf
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

int main(int argc, char **argv)
{
	double best_load = 1e9, best_read = 1e9;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	long records = 0;
	static char buf[1 << 16];

	if (argc < 2) {
		fprintf(stderr, "usage: bpf_cost OBJECT [N]\n");
		return 2;
	}
	libbpf_set_print(quiet);
	for (int i = 0; i < rounds; i++) {
		double t0 = now_ms(), t1, t2;
		struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
		struct bpf_link *link;
		ssize_t n;
		long bytes = 0;
		int fd;

		if (!obj || bpf_object__load(obj) != 0) {
			perror("bpf_cost: load");
			return 1;
		}
		link = bpf_program__attach_iter(bpf_object__find_program_by_name(obj, "lsock_task_file"),
						NULL);
		if (!link) {
			perror("bpf_cost: attach");
			return 1;
		}
		t1 = now_ms();
		fd = bpf_iter_create(bpf_link__fd(link));
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			bytes += n;
		close(fd);
		t2 = now_ms();
		records = bytes / 32;
		if (t1 - t0 < best_load)
			best_load = t1 - t0;
		if (t2 - t1 < best_read)
			best_read = t2 - t1;
		bpf_link__destroy(link);
		bpf_object__close(obj);
	}
	printf("load+verify+attach %.1f ms, read %.1f ms (%ld socket fds), min of %d\n", best_load,
	       best_read, records, rounds);
	return 0;
}
