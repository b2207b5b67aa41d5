/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * The BPF side of the owner source: an iter/task_file program that writes
 * one record per socket fd of every process of the reader's PID namespace,
 * with the socket's network namespace, and one per nsfs fd of a network
 * namespace (namespace discovery's fds, from the same walk).
 *
 * No vmlinux.h: the few kernel structures read are declared here with only
 * the fields used, and preserve_access_index makes clang emit CO-RE
 * relocations, so libbpf finds the real offsets in the running kernel's
 * BTF at load time.  Nothing here depends on the build machine's kernel.
 *
 * Which tasks and files: the kernel's task_file iterator walks the tasks
 * of the PID namespace the reader was in when it opened the iterator
 * (task_active_pid_ns(current) in bpf_iter_init_seq_pidns()), in tid
 * order, and skips a thread whose files_struct is its group leader's
 * (task_seq_get_next(..., skip_if_dup_files)).  So every fd table of a
 * process is visited once, as the /proc walk visits <pid>/fd and the
 * <pid>/task/<tid>/fd of threads with a table of their own.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "owner_bpf_record.h"

#define CORE __attribute__((preserve_access_index))

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} CORE;

struct pid_namespace;

struct upid {
	int nr;
	struct pid_namespace *ns;
} CORE;

struct pid {
	unsigned int level;
	struct upid numbers[1];
} CORE;

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *group_leader;
	struct pid *thread_pid;
	char comm[16];
} CORE;

struct super_block {
	unsigned long s_magic;
} CORE;

struct inode {
	unsigned long i_ino;
	struct super_block *i_sb;
	void *i_private;
} CORE;

struct file {
	struct inode *f_inode;
} CORE;

/* Namespaces: before Linux 6.18 the type is the ops' (proc_ns_operations
 * .type); since, ns_common.ns_type, and the ops have none. */
struct proc_ns_operations {
	int type;
} CORE;

struct ns_common {
	unsigned int ns_type;
	const struct proc_ns_operations *ops;
	unsigned int inum;
} CORE;

struct net {
	struct ns_common ns;
} CORE;

struct sock_common {
	struct {
		struct net *net;
	} skc_net; /* possible_net_t */
} CORE;

struct sock {
	struct sock_common __sk_common;
} CORE;

struct socket {
	struct sock *sk;
} CORE;

/* linux/magic.h and linux/sched.h; not included, for the kernel's own
 * headers are not the BPF target's. */
#define NSFS_MAGIC_VALUE 0x6e736673
#define CLONE_NEWNET_VALUE 0x40000000

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} CORE;

/* The kernel's MAX_PID_NS_LEVEL is 32. */
#define PID_NS_LEVEL_MAX 32

/*
 * An nsfs file (its superblock is nsfs') of a network namespace: nsfs
 * keeps the namespace's ns_common in the inode's i_private
 * (nsfs_init_inode()) and numbers the inode after ns_common.inum, which
 * is what /proc shows as "net:[N]".  Returns that inode, or 0.
 */
static __always_inline unsigned int nsfs_netns(const struct file *file)
{
	struct inode *inode = file->f_inode;
	struct ns_common *ns;
	unsigned int type = 0;

	if (!inode || inode->i_sb->s_magic != NSFS_MAGIC_VALUE)
		return 0;
	/* i_private is a void *: read through the CO-RE offsets. */
	ns = BPF_CORE_READ(inode, i_private);
	if (!ns)
		return 0;
	if (bpf_core_field_exists(ns->ns_type))
		type = BPF_CORE_READ(ns, ns_type);
	else
		type = (unsigned int)BPF_CORE_READ(ns, ops, type);
	if (type != CLONE_NEWNET_VALUE || inode->i_ino > 0xffffffffUL)
		return 0;
	return (unsigned int)inode->i_ino;
}

/*
 * The number struct pid p has in the PID namespace at `level` (the
 * reader's): numbers[level].nr (pid_nr_ns()), or 0 if p is not seen there.
 */
static __always_inline int pid_nr_at(const struct pid *pid, unsigned int level)
{
	const char *upid;
	int nr = 0;

	if (level >= PID_NS_LEVEL_MAX || !pid || pid->level < level)
		return 0;
	/* numbers[] is a flexible array: step by the running kernel's
	 * sizeof(struct upid), not by this file's. */
	upid = (const char *)pid + bpf_core_field_offset(struct pid, numbers) +
	       (unsigned long)level * bpf_core_type_size(struct upid);
	if (bpf_probe_read_kernel(&nr, sizeof(nr), &((const struct upid *)upid)->nr))
		return 0;
	return nr;
}

/* Helpers that read kernel memory are GPL-only; this object is MIT OR GPL. */
char LICENSE[] SEC("license") = "Dual MIT/GPL";

SEC("iter/task_file")
int lsock_task_file(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct owner_bpf_record rec = { 0 };
	struct task_struct *leader;
	struct socket *sock;
	unsigned long ino = 0;
	unsigned int level, netns = 0;
	int nr = 0, tid = 0;

	if (!task || !file)
		return 0;
	/* Non-NULL only for files whose f_op is socket_file_ops: exactly the
	 * fds whose /proc link reads "socket:[INODE]" (sockfs_dname()). */
	sock = bpf_sock_from_file(file);
	if (sock) {
		/* Plain loads through the BTF pointers the iterator hands us
		 * (the verifier turns them into faulting-safe loads): far
		 * cheaper than a bpf_probe_read_kernel() call each, and this
		 * runs once per socket.  A socket's namespace is its sock's
		 * (sock_net(sk)); a socket being torn down may have no sk. */
		ino = file->f_inode->i_ino;
		if (ino == 0 || ino > 0xffffffffUL)
			return 0;
		if (sock->sk)
			netns = sock->sk->__sk_common.skc_net.net->ns.inum;
	} else {
		netns = nsfs_netns(file);
		if (!netns)
			return 0;
	}
	leader = task->group_leader;
	/*
	 * The process's pid as the reader's PID namespace numbers it, which is
	 * what its /proc shows: the leader's struct pid, at the level of the
	 * reader's own (task_pid_nr_ns(leader, task_active_pid_ns(current))).
	 * Every task the iterator shows is visible there, so numbers[level]
	 * is in that namespace.  At level 0 that is the global tgid.
	 */
	level = bpf_get_current_task_btf()->thread_pid->level;
	nr = level == 0 ? leader->tgid : pid_nr_at(leader->thread_pid, level);
	if (nr <= 0)
		return 0;
	/*
	 * Any task but the leader is visited only when its files_struct is
	 * not the leader's (skip_if_dup_files): a table of its own, which
	 * /proc/PID/fd does not show and /proc/PID/task/TID/fd does.  Its
	 * tid, numbered as the pid is (task_pid_nr_ns()).
	 */
	if (task != leader) {
		tid = level == 0 ? task->pid : pid_nr_at(task->thread_pid, level);
		if (tid <= 0)
			return 0;
	}
	rec.pid = (__u32)nr;
	rec.tid = (__u32)tid;
	rec.fd = ctx->fd;
	rec.inode = (__u32)ino;
	rec.netns = netns;
	/* /proc/PID/comm is the leader's comm (proc_pid_comm() on the tgid's
	 * task), whichever thread's table holds the fd. */
	if (ino)
		bpf_probe_read_kernel(rec.comm, sizeof(rec.comm), leader->comm);
	bpf_seq_write(seq, &rec, sizeof(rec));
	return 0;
}
