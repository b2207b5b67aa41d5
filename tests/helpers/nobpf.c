/* SPDX-License-Identifier: MIT */
/*
 * nobpf -- CMD [ARGS...]
 *
 * Runs CMD with bpf(2) failing with EPERM, and every other system call
 * allowed: what a container runtime's default seccomp profile (Docker's
 * refuses bpf) looks like to lsock, which must then fall back to the /proc
 * walk.  A raw seccomp filter, as in nodiag.c; PR_SET_NO_NEW_PRIVS lets an
 * unprivileged caller install it and it is inherited across execve.
 *
 * Exit status: 2 on usage errors, 1 if the filter cannot be installed or CMD
 * cannot be executed, otherwise whatever CMD returns.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static int nobpf_install(void)
{
#if defined(__x86_64__)
	/* Another arch's (or x32's) syscall numbers mean other calls: kill. */
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
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
#else
	return -ENOTSUP;
#endif
}

int main(int argc, char **argv)
{
	int r;

	if (argc < 3 || strcmp(argv[1], "--") != 0) {
		fprintf(stderr, "usage: nobpf -- CMD [ARGS...]\n");
		return 2;
	}
	r = nobpf_install();
	if (r < 0) {
		fprintf(stderr, "nobpf: cannot install seccomp filter: %s\n", strerror(-r));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "nobpf: cannot execute %s: %s\n", argv[2], strerror(errno));
	return 1;
}
