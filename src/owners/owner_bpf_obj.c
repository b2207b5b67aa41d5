/* SPDX-License-Identifier: MIT */
/*
 * The compiled BPF object (src/bpf/owner_iter.bpf.c), embedded as bytes:
 * owner_bpf.c hands them to bpf_object__open_mem().  LSOCK_BPF_OBJECT is
 * its path in the build tree, as a string literal, set by
 * cmake/LsockBpf.cmake, which also makes this file depend on it.  A string,
 * not a stringized token: GNU C predefines `unix` and `linux` as 1, so a
 * path such as /work/wt-unix/build would have become /work/wt-1/build.
 * Built only with LSOCK_BPF.
 */
__asm__(".section .rodata\n"
	".balign 8\n"
	".globl owner_bpf_obj\n"
	".type owner_bpf_obj, @object\n"
	"owner_bpf_obj:\n"
	".incbin \"" LSOCK_BPF_OBJECT "\"\n"
	".globl owner_bpf_obj_end\n"
	".type owner_bpf_obj_end, @object\n"
	"owner_bpf_obj_end:\n"
	".previous\n");
