/* SPDX-License-Identifier: MIT */
/*
 * The compiled BPF object (src/bpf/owner_iter.bpf.c), embedded as bytes:
 * owner_bpf.c hands them to bpf_object__open_mem().  LSOCK_BPF_OBJECT is
 * its path in the build tree, set by cmake/LsockBpf.cmake, which also
 * makes this file depend on it.  Built only with LSOCK_BPF.
 */
#define LSOCK_STR2(x) #x
#define LSOCK_STR(x) LSOCK_STR2(x)

__asm__(".section .rodata\n"
	".balign 8\n"
	".globl owner_bpf_obj\n"
	".type owner_bpf_obj, @object\n"
	"owner_bpf_obj:\n"
	".incbin \"" LSOCK_STR(LSOCK_BPF_OBJECT) "\"\n"
	".globl owner_bpf_obj_end\n"
	".type owner_bpf_obj_end, @object\n"
	"owner_bpf_obj_end:\n"
	".previous\n");
