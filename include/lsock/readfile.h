/* SPDX-License-Identifier: MIT */
/*
 * Bounded reads of small kernel and state files, for every layer.
 *
 * Only regular files are read.  Every file of a real /proc is one (S_IFREG,
 * st_size 0 for seq_files), so anything else comes from a fake tree
 * (LSOCK_PROC_ROOT, LSOCK_STATE_ROOT) or a hostile state directory: a FIFO
 * blocks open(2) until a writer comes and read(2) until it writes, and a
 * character device such as /dev/zero never ends.  O_NONBLOCK makes open(2)
 * of a FIFO return at once and is ignored for regular files (seq_read()
 * never looks at it); O_NOCTTY keeps a terminal from becoming ours.
 */
#ifndef LSOCK_READFILE_H
#define LSOCK_READFILE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What the functions below return (negated) for a file that is not
 * regular: no open(2) or read(2) of a /proc path returns it itself. */
#define FILE_NOT_REGULAR EMEDIUMTYPE

/* Opens rel (relative to dirfd, or absolute) read-only if it is a regular
 * file.  Returns 0, -FILE_NOT_REGULAR or -errno; *ret_fd is -1 on failure. */
int file_open_regular(int dirfd, const char *rel, int *ret_fd);

/*
 * Reads fd to its end into a malloc'd, NUL-terminated buffer.  More than
 * max bytes: -EFBIG, or with truncate the first max bytes or so (the caller
 * judges what it has).  Returns 0, -EFBIG, -ENOMEM or -errno; *ret is NULL
 * and *ret_len 0 on failure.
 */
int file_read_fd(int fd, size_t max, bool truncate, char **ret, size_t *ret_len);

/* file_open_regular() + file_read_fd(); a file whose st_size is already
 * past max is refused (-EFBIG) before any of it is read, unless truncate. */
int file_read_at(int dirfd, const char *rel, size_t max, bool truncate, char **ret, size_t *ret_len);

/* Reads the regular file rel whole into buf (not NUL-terminated).  Returns
 * its length, -EFBIG if it fills all size bytes (it may be longer), or
 * -FILE_NOT_REGULAR / -errno. */
ssize_t file_read_into(int dirfd, const char *rel, void *buf, size_t size);

#endif
