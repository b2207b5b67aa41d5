/* SPDX-License-Identifier: MIT */
/* The shared bounded file reads: sizes, truncation, and non-regular files. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lsock/readfile.h"

struct dir {
	char path[64];
	int fd;
};

static int setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));

	strcpy(d->path, "/tmp/lsock-readfile-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	d->fd = open(d->path, O_RDONLY | O_DIRECTORY);
	assert_true(d->fd >= 0);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct dir *d = *state;
	static const char *const names[] = { "small", "big", "fifo", "eight" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlinkat(d->fd, names[i], 0);
	close(d->fd);
	rmdir(d->path);
	free(d);
	return 0;
}

static void put(int dfd, const char *name, size_t len)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t i;

	assert_true(fd >= 0);
	for (i = 0; i < len; i++)
		assert_int_equal(write(fd, i % 2 ? "b" : "a", 1), 1);
	close(fd);
}

static void test_read_at(void **state)
{
	struct dir *d = *state;
	char *buf = (char *)1;
	size_t len = 99;

	put(d->fd, "small", 5);
	put(d->fd, "big", 10000);
	assert_int_equal(file_read_at(d->fd, "small", 100, false, &buf, &len), 0);
	assert_int_equal(len, 5);
	assert_string_equal(buf, "ababa");
	free(buf);
	/* past max: refused, or the first bytes with truncate */
	assert_int_equal(file_read_at(d->fd, "big", 100, false, &buf, &len), -EFBIG);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_int_equal(file_read_at(d->fd, "big", 5000, true, &buf, &len), 0);
	assert_true(len >= 5000 && len < 10000);
	assert_int_equal(strlen(buf), len);
	free(buf);
	assert_int_equal(file_read_at(d->fd, "big", 10000, false, &buf, &len), 0);
	assert_int_equal(len, 10000);
	free(buf);
	assert_int_equal(file_read_at(d->fd, "missing", 100, false, &buf, &len), -ENOENT);
	assert_null(buf);
}

/* A FIFO with no writer would block open(2) and read(2): refused at once. */
static void test_not_regular(void **state)
{
	struct dir *d = *state;
	char small[16], *buf = (char *)1;
	size_t len = 9;
	int fd = 5;

	assert_int_equal(mkfifoat(d->fd, "fifo", 0600), 0);
	assert_int_equal(file_open_regular(d->fd, "fifo", &fd), -FILE_NOT_REGULAR);
	assert_int_equal(fd, -1);
	assert_int_equal(file_read_at(d->fd, "fifo", 100, false, &buf, &len), -FILE_NOT_REGULAR);
	assert_null(buf);
	assert_int_equal(file_read_into(d->fd, "fifo", small, sizeof(small)), -FILE_NOT_REGULAR);
	assert_int_equal(file_read_into(d->fd, ".", small, sizeof(small)), -FILE_NOT_REGULAR);
}

static void test_read_into(void **state)
{
	struct dir *d = *state;
	char buf[8];

	put(d->fd, "small", 5);
	put(d->fd, "eight", 8);
	assert_int_equal(file_read_into(d->fd, "small", buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "ababa", 5);
	/* filling the buffer means it may be longer */
	assert_int_equal(file_read_into(d->fd, "eight", buf, sizeof(buf)), -EFBIG);
	assert_int_equal(file_read_into(d->fd, "eight", buf, 9 > sizeof(buf) ? sizeof(buf) : 9), -EFBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_at, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_into, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
