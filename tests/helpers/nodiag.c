/* SPDX-License-Identifier: MIT */
/*
 * nodiag ERRNO -- CMD [ARGS...]
 *
 * Runs CMD with socket(AF_NETLINK, *, NETLINK_SOCK_DIAG) failing with ERRNO
 * (a name such as EPROTONOSUPPORT, EPERM, EACCES, EAFNOSUPPORT, or a number);
 * every other system call is allowed.  This is what a container or systemd
 * sandbox that refuses sock_diag looks like to a socket lister, so the
 * integration tests use it to force the /proc/net fallback of both lsock and
 * ss.  A raw seccomp BPF filter is used (no libseccomp): the filter is
 * inherited across execve, and PR_SET_NO_NEW_PRIVS lets an unprivileged
 * caller install it.
 *
 * Exit status: 2 on usage errors, 1 if the filter cannot be installed or CMD
 * cannot be executed, otherwise whatever CMD returns.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define NODIAG_AUDIT_ARCH AUDIT_ARCH_X86_64
#endif

struct errno_name {
	const char *name;
	int value;
};

static const struct errno_name errno_names[] = {
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT },
	{ "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "EPERM", EPERM },
	{ "EACCES", EACCES },
	{ "ENOENT", ENOENT },
	{ "EINVAL", EINVAL },
	{ "ENOSYS", ENOSYS },
	{ "ENOMEM", ENOMEM },
	{ "ENOBUFS", ENOBUFS },
};

/* Parses an errno name or a decimal number in 1..4095 (SECCOMP_RET_DATA
 * holds 16 bits, but the kernel only maps -4095..-1 to errors). */
static int nodiag_parse_errno(const char *s, int *ret_errno)
{
	char *end;
	long v;
	size_t i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (strcmp(s, errno_names[i].name) == 0) {
			*ret_errno = errno_names[i].value;
			return 0;
		}
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 4095)
		return -EINVAL;
	*ret_errno = (int)v;
	return 0;
}

#ifdef NODIAG_AUDIT_ARCH
static int nodiag_install(int err)
{
	/*
	 * The syscall number is only meaningful for the arch it was made
	 * under, so anything that is not native x86_64 (i386 int 0x80, which
	 * also has socketcall(2)) is killed rather than let through.  x32
	 * calls carry the x86_64 audit arch but set __X32_SYSCALL_BIT; they
	 * are killed too.  socket()'s int arguments are compared on their low
	 * 32 bits, which is what the kernel uses.
	 */
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NODIAG_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NETLINK_SOCK_DIAG, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned int)err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(insns) / sizeof(insns[0]),
		.filter = insns,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return -errno;
	return 0;
}
#else
static int nodiag_install(int err)
{
	(void)err;
	return -ENOTSUP;
}
#endif

int main(int argc, char **argv)
{
	int err, r;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: nodiag ERRNO -- CMD [ARGS...]\n");
		return 2;
	}
	if (nodiag_parse_errno(argv[1], &err) < 0) {
		fprintf(stderr, "nodiag: bad errno '%s'\n", argv[1]);
		return 2;
	}
	r = nodiag_install(err);
	if (r < 0) {
		fprintf(stderr, "nodiag: cannot install seccomp filter: %s\n", strerror(-r));
		return 1;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "nodiag: cannot execute %s: %s\n", argv[3], strerror(errno));
	return 1;
}
