/* SPDX-License-Identifier: MIT */
/*
 * outbuf: number formatting against snprintf, growth, padding, chunked
 * flushing to real fds (pipe, /dev/full, closed pipe, closed fd), and faults
 * injected through ld --wrap (test_outbuf.wrap): short writes, EINTR, EAGAIN,
 * write returning 0, malloc/realloc failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsock/outbuf.h"

/* Fault injection state for the wrapped write(2), malloc(3) and realloc(3). */
struct fake_io {
	bool active;         /* off: the real calls, untouched */
	size_t max_write;    /* > 0: cap each write at this many bytes */
	int eintr_left;      /* fail this many writes with EINTR first */
	int eagain_left;     /* then this many with EAGAIN */
	bool write_zero;     /* write returns 0 */
	bool fail_alloc;
	size_t nwrites;
	size_t write_sizes[4096]; /* requested sizes, in order */
};

static struct fake_io fake;

ssize_t __real_write(int fd, const void *p, size_t n);
void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);

ssize_t __wrap_write(int fd, const void *p, size_t n)
{
	if (!fake.active)
		return __real_write(fd, p, n);
	if (fake.nwrites < sizeof(fake.write_sizes) / sizeof(fake.write_sizes[0]))
		fake.write_sizes[fake.nwrites] = n;
	fake.nwrites++;
	if (fake.eintr_left > 0) {
		fake.eintr_left--;
		errno = EINTR;
		return -1;
	}
	if (fake.eagain_left > 0) {
		fake.eagain_left--;
		errno = EAGAIN;
		return -1;
	}
	if (fake.write_zero)
		return 0;
	if (fake.max_write && n > fake.max_write)
		n = fake.max_write;
	return __real_write(fd, p, n);
}

void *__wrap_malloc(size_t n)
{
	if (fake.fail_alloc)
		return NULL;
	return __real_malloc(n);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (fake.fail_alloc)
		return NULL;
	return __real_realloc(p, n);
}

static int reset_fake(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	return 0;
}

/* Reads a pipe to EOF in a thread, so large writes do not block the test. */
struct drain {
	int fd;
	char *data;
	size_t len;
};

static void *drain_thread(void *arg)
{
	struct drain *d = arg;
	size_t cap = 1 << 20;

	d->data = malloc(cap);
	for (;;) {
		ssize_t n;

		if (d->len == cap) {
			cap *= 2;
			d->data = realloc(d->data, cap);
		}
		n = read(d->fd, d->data + d->len, cap - d->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		d->len += (size_t)n;
	}
	return NULL;
}

static void fill_pattern(char *p, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (char)(seed >> 16);
	}
}

static void check_u64(uint64_t v)
{
	struct outbuf o;
	char want[32];

	snprintf(want, sizeof(want), "%" PRIu64, v);
	assert_int_equal(outbuf_init(&o, -1), 0);
	outbuf_u64(&o, v);
	assert_int_equal(o.len, strlen(want));
	assert_memory_equal(o.buf, want, o.len);
	outbuf_free(&o);
}

static void check_i64(int64_t v)
{
	struct outbuf o;
	char want[32];

	snprintf(want, sizeof(want), "%" PRId64, v);
	assert_int_equal(outbuf_init(&o, -1), 0);
	outbuf_i64(&o, v);
	assert_int_equal(o.len, strlen(want));
	assert_memory_equal(o.buf, want, o.len);
	outbuf_free(&o);
}

static void test_numbers(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull, p10 = 1;

	(void)state;
	for (uint64_t v = 0; v < 2000; v++)
		check_u64(v);
	for (int i = 0; i < 20; i++, p10 *= 10) {
		check_u64(p10 - 1);
		check_u64(p10);
		check_u64(p10 + 1);
		check_i64(-(int64_t)p10);
	}
	check_u64(UINT64_MAX);
	check_u64(UINT64_MAX - 1);
	check_i64(INT64_MIN);
	check_i64(INT64_MIN + 1);
	check_i64(INT64_MAX);
	check_i64(-1);
	check_i64(0);
	for (int i = 0; i < 5000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check_u64(x >> (i % 64));
		check_i64((int64_t)(x >> (i % 64)) * ((i & 1) ? -1 : 1));
	}
}

static void test_numbers_concatenate(void **state)
{
	struct outbuf o;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1), 0);
	outbuf_u64(&o, 42);
	outbuf_putc(&o, ' ');
	outbuf_i64(&o, -7);
	outbuf_putc(&o, ' ');
	outbuf_u64(&o, 0);
	assert_string_equal(o.buf, "42 -7 0");
	outbuf_free(&o);
}

static void test_memory_growth(void **state)
{
	size_t total = 3u << 20, off = 0, step = 1;
	char *want = malloc(total);
	struct outbuf o;

	(void)state;
	fill_pattern(want, total, 7);
	assert_int_equal(outbuf_init(&o, -1), 0);
	/* Mixed sizes: single bytes, small puts and blocks larger than a chunk. */
	while (off < total) {
		size_t n = step < total - off ? step : total - off;

		if (n == 1)
			outbuf_putc(&o, want[off]);
		else
			outbuf_put(&o, want + off, n);
		off += n;
		step = step * 3 % 200003 + 1;
	}
	assert_int_equal(outbuf_error(&o), 0);
	assert_int_equal(o.len, total);
	assert_memory_equal(o.buf, want, total);
	assert_int_equal(o.buf[o.len], '\0');
	/* Flushing a memory outbuf writes nothing and keeps the contents. */
	assert_int_equal(outbuf_flush(&o), 0);
	assert_int_equal(o.len, total);
	outbuf_free(&o);
	free(want);
}

static void test_embedded_nul_and_puts(void **state)
{
	struct outbuf o;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1), 0);
	outbuf_put(&o, "a\0b", 3);
	outbuf_puts(&o, "cd");
	outbuf_put(&o, NULL, 0);
	outbuf_puts(&o, "");
	assert_int_equal(o.len, 5);
	assert_memory_equal(o.buf, "a\0bcd", 6);
	outbuf_free(&o);
}

static size_t count_spaces(const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += p[i] == ' ';
	return n;
}

static void test_pad(void **state)
{
	static const size_t sizes[] = { 0, 1, 3, 63, 64, 65, 4095, 4096, 200000 };
	struct outbuf o;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(outbuf_init(&o, -1), 0);
		outbuf_putc(&o, '|');
		outbuf_pad(&o, sizes[i]);
		outbuf_putc(&o, '|');
		assert_int_equal(o.len, sizes[i] + 2);
		assert_int_equal(count_spaces(o.buf, o.len), sizes[i]);
		assert_int_equal(o.buf[0], '|');
		assert_int_equal(o.buf[o.len - 1], '|');
		outbuf_free(&o);
	}
}

static void test_pipe_small_needs_flush(void **state)
{
	struct outbuf o;
	char got[16];
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_int_equal(outbuf_init(&o, p[1]), 0);
	outbuf_puts(&o, "hello ");
	outbuf_u64(&o, 12);
	/* Below one chunk nothing may reach the fd before the flush. */
	assert_int_equal(read(p[0], got, sizeof(got)), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(outbuf_flush(&o), 0);
	assert_int_equal(read(p[0], got, sizeof(got)), 8);
	assert_memory_equal(got, "hello 12", 8);
	assert_int_equal(o.len, 0);
	/* A second flush has nothing to write. */
	assert_int_equal(outbuf_flush(&o), 0);
	outbuf_free(&o);
	close(p[0]);
	close(p[1]);
}

/* Pushes @total pattern bytes through a pipe in mixed sizes; returns what arrived. */
static void pipe_roundtrip(size_t total, bool check_chunks)
{
	char *want = malloc(total);
	struct drain d = { 0 };
	struct outbuf o;
	size_t off = 0, step = 1;
	pthread_t t;
	int p[2];

	fill_pattern(want, total, 99);
	assert_int_equal(pipe(p), 0);
	d.fd = p[0];
	assert_int_equal(pthread_create(&t, NULL, drain_thread, &d), 0);
	assert_int_equal(outbuf_init(&o, p[1]), 0);
	while (off < total) {
		size_t n = step < total - off ? step : total - off;

		outbuf_put(&o, want + off, n);
		off += n;
		/* Mostly small puts, now and then one bigger than a chunk. */
		step = (step * 7 + 3) % 1000 + 1;
		if (off % 13 == 0)
			step = 150000;
		/* Memory stays bounded: never a chunk or more left buffered. */
		assert_true(o.len < OUTBUF_CHUNK);
	}
	assert_int_equal(outbuf_flush(&o), 0);
	assert_int_equal(outbuf_error(&o), 0);
	outbuf_free(&o);
	close(p[1]);
	assert_int_equal(pthread_join(t, NULL), 0);
	close(p[0]);
	assert_int_equal(d.len, total);
	assert_memory_equal(d.data, want, total);
	if (check_chunks) {
		/* Every write but the final flush carries at least one chunk. */
		assert_true(fake.nwrites > 8);
		for (size_t i = 0; i + 1 < fake.nwrites; i++)
			assert_true(fake.write_sizes[i] >= OUTBUF_CHUNK);
	}
	free(d.data);
	free(want);
}

static void test_pipe_large_chunks(void **state)
{
	(void)state;
	fake.active = true;
	pipe_roundtrip(8u << 20, true);
}

static void test_pipe_large_short_writes_and_eintr(void **state)
{
	(void)state;
	fake.active = true;
	fake.max_write = 1000;
	fake.eintr_left = 5;
	pipe_roundtrip(3u << 20, false);
	assert_int_equal(fake.eintr_left, 0);
}

static void test_eagain_waits(void **state)
{
	struct outbuf o;
	char got[8];
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(outbuf_init(&o, p[1]), 0);
	fake.active = true;
	fake.eagain_left = 3;
	outbuf_puts(&o, "abc");
	assert_int_equal(outbuf_flush(&o), 0);
	assert_int_equal(fake.eagain_left, 0);
	assert_int_equal(read(p[0], got, sizeof(got)), 3);
	assert_memory_equal(got, "abc", 3);
	outbuf_free(&o);
	close(p[0]);
	close(p[1]);
}

static void test_write_zero_is_eio(void **state)
{
	struct outbuf o;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(outbuf_init(&o, p[1]), 0);
	fake.active = true;
	fake.write_zero = true;
	outbuf_puts(&o, "abc");
	assert_int_equal(outbuf_flush(&o), -EIO);
	assert_int_equal(outbuf_error(&o), -EIO);
	outbuf_free(&o);
	close(p[0]);
	close(p[1]);
}

static void test_dev_full_sticky(void **state)
{
	struct outbuf o;
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	(void)state;
	if (fd < 0)
		skip();
	assert_int_equal(outbuf_init(&o, fd), 0);
	outbuf_puts(&o, "row 1\n");
	assert_int_equal(outbuf_error(&o), 0);
	assert_int_equal(outbuf_flush(&o), -ENOSPC);
	assert_int_equal(outbuf_error(&o), -ENOSPC);
	/* Later output is dropped and the first error stays. */
	fake.active = true;
	outbuf_puts(&o, "row 2\n");
	outbuf_u64(&o, 1);
	outbuf_pad(&o, 10);
	outbuf_putc(&o, 'x');
	assert_int_equal(o.len, 0);
	assert_int_equal(outbuf_flush(&o), -ENOSPC);
	assert_int_equal(fake.nwrites, 0);
	outbuf_set_error(&o, EPIPE);
	assert_int_equal(outbuf_error(&o), -ENOSPC);
	outbuf_free(&o);
	close(fd);
}

static void test_dev_full_without_flush(void **state)
{
	char *big = calloc(1, 3 * OUTBUF_CHUNK);
	struct outbuf o;
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	(void)state;
	if (fd < 0)
		skip();
	assert_int_equal(outbuf_init(&o, fd), 0);
	/* Crossing a chunk writes on its own and records the error then. */
	for (size_t i = 0; i < OUTBUF_CHUNK; i += 100)
		outbuf_put(&o, big, 100);
	assert_int_equal(outbuf_error(&o), -ENOSPC);
	outbuf_free(&o);
	/* One put bigger than the buffer goes straight to the fd. */
	assert_int_equal(outbuf_init(&o, fd), 0);
	outbuf_put(&o, big, 3 * OUTBUF_CHUNK);
	assert_int_equal(outbuf_error(&o), -ENOSPC);
	outbuf_free(&o);
	close(fd);
	free(big);
}

static void test_epipe_with_sigpipe_ignored(void **state)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	struct outbuf o;
	int p[2];

	(void)state;
	assert_int_equal(sigaction(SIGPIPE, &ign, &old), 0);
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	assert_int_equal(outbuf_init(&o, p[1]), 0);
	outbuf_puts(&o, "tcp 0 0 ...\n");
	assert_int_equal(outbuf_flush(&o), -EPIPE);
	assert_int_equal(outbuf_error(&o), -EPIPE);
	outbuf_puts(&o, "more");
	assert_int_equal(o.len, 0);
	assert_int_equal(outbuf_flush(&o), -EPIPE);
	outbuf_free(&o);
	close(p[1]);
	assert_int_equal(sigaction(SIGPIPE, &old, NULL), 0);
}

static void test_ebadf(void **state)
{
	struct outbuf o;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	close(p[1]);
	assert_int_equal(outbuf_init(&o, p[1]), 0);
	outbuf_putc(&o, 'x');
	assert_int_equal(outbuf_flush(&o), -EBADF);
	assert_int_equal(outbuf_error(&o), -EBADF);
	outbuf_free(&o);
}

static void test_enomem(void **state)
{
	char block[10000] = { 0 };
	struct outbuf o;

	(void)state;
	fake.fail_alloc = true;
	assert_int_equal(outbuf_init(&o, -1), -ENOMEM);
	assert_int_equal(outbuf_error(&o), -ENOMEM);
	outbuf_puts(&o, "dropped");
	outbuf_putc(&o, 'x');
	outbuf_pad(&o, 3);
	assert_int_equal(o.len, 0);
	assert_int_equal(outbuf_flush(&o), -ENOMEM);
	outbuf_free(&o);

	/* Growth failure: recorded, and sticky even for puts that would fit. */
	fake.fail_alloc = false;
	assert_int_equal(outbuf_init(&o, -1), 0);
	outbuf_puts(&o, "ab");
	fake.fail_alloc = true;
	outbuf_put(&o, block, sizeof(block));
	assert_int_equal(outbuf_error(&o), -ENOMEM);
	fake.fail_alloc = false;
	outbuf_putc(&o, 'c');
	assert_int_equal(o.len, 2);
	assert_string_equal(o.buf, "ab");
	outbuf_free(&o);
}

static void test_set_error_sign(void **state)
{
	struct outbuf o;

	(void)state;
	assert_int_equal(outbuf_init(&o, -1), 0);
	outbuf_set_error(&o, 0);
	assert_int_equal(outbuf_error(&o), 0);
	outbuf_set_error(&o, -EINVAL);
	assert_int_equal(outbuf_error(&o), -EINVAL);
	outbuf_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_numbers, reset_fake),
		cmocka_unit_test_setup(test_numbers_concatenate, reset_fake),
		cmocka_unit_test_setup(test_memory_growth, reset_fake),
		cmocka_unit_test_setup(test_embedded_nul_and_puts, reset_fake),
		cmocka_unit_test_setup(test_pad, reset_fake),
		cmocka_unit_test_setup(test_pipe_small_needs_flush, reset_fake),
		cmocka_unit_test_setup(test_pipe_large_chunks, reset_fake),
		cmocka_unit_test_setup(test_pipe_large_short_writes_and_eintr, reset_fake),
		cmocka_unit_test_setup(test_eagain_waits, reset_fake),
		cmocka_unit_test_setup(test_write_zero_is_eio, reset_fake),
		cmocka_unit_test_setup(test_dev_full_sticky, reset_fake),
		cmocka_unit_test_setup(test_dev_full_without_flush, reset_fake),
		cmocka_unit_test_setup(test_epipe_with_sigpipe_ignored, reset_fake),
		cmocka_unit_test_setup(test_ebadf, reset_fake),
		cmocka_unit_test_setup(test_enomem, reset_fake),
		cmocka_unit_test_setup(test_set_error_sign, reset_fake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
