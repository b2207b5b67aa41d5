/* SPDX-License-Identifier: MIT */
/* Bounded reads of small regular files; see lsock/readfile.h. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/readfile.h"

int file_open_regular(int dirfd, const char *rel, int *ret_fd)
{
	struct stat st;
	int fd, r;

	*ret_fd = -1;
	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -FILE_NOT_REGULAR;
	}
	*ret_fd = fd;
	return 0;
}

int file_read_fd(int fd, size_t max, bool truncate, char **ret, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	int r = 0;

	*ret = NULL;
	*ret_len = 0;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (cap - len < 2) {
			if (cap > max) {
				if (!truncate)
					r = -EFBIG;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max && !truncate) {
			r = -EFBIG;
			break;
		}
	}
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return 0;
}

int file_read_at(int dirfd, const char *rel, size_t max, bool truncate, char **ret, size_t *ret_len)
{
	struct stat st;
	int fd, r;

	*ret = NULL;
	*ret_len = 0;
	r = file_open_regular(dirfd, rel, &fd);
	if (r < 0)
		return r;
	/* procfs says 0; a state file says its size, and a huge one is refused
	 * before any of it is read. */
	if (!truncate && fstat(fd, &st) == 0 && (uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	r = file_read_fd(fd, max, truncate, ret, ret_len);
	close(fd);
	return r;
}

ssize_t file_read_into(int dirfd, const char *rel, void *buf, size_t size)
{
	size_t len = 0;
	int fd, r;

	r = file_open_regular(dirfd, rel, &fd);
	if (r < 0)
		return r;
	while (len < size) {
		ssize_t n = read(fd, (char *)buf + len, size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (r < 0)
		return r;
	return len == size ? -EFBIG : (ssize_t)len;
}
