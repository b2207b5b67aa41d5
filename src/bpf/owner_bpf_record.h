/* SPDX-License-Identifier: MIT */
/*
 * The record the iter/task_file program writes, one per socket fd; shared
 * by the BPF program and its reader (src/owners/owner_bpf.c).  Fixed-size
 * fields only, so both compilers agree on the layout.
 */
#ifndef LSOCK_OWNER_BPF_RECORD_H
#define LSOCK_OWNER_BPF_RECORD_H

#define OWNER_BPF_COMM_LEN 16 /* TASK_COMM_LEN */

struct owner_bpf_record {
	__u32 pid;   /* tgid, as the reader's PID namespace numbers it */
	__u32 fd;
	__u32 inode; /* the socket's sockfs inode, as in "socket:[INODE]" */
	__u32 reserved;
	char comm[OWNER_BPF_COMM_LEN]; /* the group leader's comm, NUL-padded */
};

#endif
