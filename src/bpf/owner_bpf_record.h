/* SPDX-License-Identifier: MIT */
/*
 * The record the iter/task_file program writes, one per socket fd and one
 * per nsfs fd of a network namespace; shared
 * by the BPF program and its reader (src/owners/owner_bpf.c).  Fixed-size
 * fields only, so both compilers agree on the layout.
 */
#ifndef LSOCK_OWNER_BPF_RECORD_H
#define LSOCK_OWNER_BPF_RECORD_H

#define OWNER_BPF_COMM_LEN 16 /* TASK_COMM_LEN */

/*
 * A socket fd: inode is its sockfs inode, netns its network namespace's
 * inode (0 if it could not be read).  An nsfs fd of a network namespace
 * (what /proc shows as "net:[N]"): inode 0, netns that namespace's inode.
 * tid: the fd table is a thread's own (unshare(CLONE_FILES)), not the
 * group leader's that /proc/PID/fd shows; reach it by /proc/PID/task/TID/fd.
 */
struct owner_bpf_record {
	__u32 pid;   /* tgid, as the reader's PID namespace numbers it */
	__u32 tid;   /* the thread whose own table holds fd, numbered so; 0: the leader's table */
	__u32 fd;
	__u32 inode; /* the socket's sockfs inode, as in "socket:[INODE]"; 0: an nsfs fd */
	__u32 netns; /* the network namespace's inode (ns_common.inum) */
	char comm[OWNER_BPF_COMM_LEN]; /* the group leader's comm, NUL-padded; sockets only */
};

#endif
