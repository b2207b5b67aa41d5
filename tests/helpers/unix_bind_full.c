/* SPDX-License-Identifier: MIT */
/*
 * unix_bind_full PATH: binds a UNIX stream socket to PATH using every byte
 * of sun_path (no terminating NUL when PATH is 108 bytes long, which
 * python's socket module refuses), listens, prints "ready <inode>" and
 * waits until killed.  For the 108-byte-path tests (issue 11).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	size_t n;
	int fd;

	if (argc != 2 || (n = strlen(argv[1])) > sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: unix_bind_full PATH (at most %zu bytes)\n", sizeof(sa.sun_path));
		return 2;
	}
	memcpy(sa.sun_path, argv[1], n);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0 ||
	    listen(fd, 1) < 0 || fstat(fd, &st) < 0) {
		perror("unix_bind_full");
		return 1;
	}
	printf("ready %lu\n", (unsigned long)st.st_ino);
	fflush(stdout);
	pause();
	return 0;
}
