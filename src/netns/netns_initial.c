/* SPDX-License-Identifier: MIT */
/*
 * Which namespace is the host's (init_net)?
 *
 * Unlike the initial PID namespace, init_net had no fixed inode for most of
 * Linux's history: it was allocated at boot like any other namespace, from
 * PROC_DYNAMIC_FIRST (0xF0000000) up, so its number differs between
 * kernels and boots.  Kernels with fixed inodes for every initial namespace
 * give it NETNS_INIT_INO (0xEFFFFFF9, seen on 6.18); being below
 * 0xF0000000, no dynamic namespace can have it.
 *
 * Otherwise, ask a process known to be in it:
 *  - kernel threads run with init_nsproxy, so with init_net; pid 2 is
 *    kthreadd in the initial PID namespace (rest_init()), and PF_KTHREAD in
 *    its stat says a procfs shows the real one;
 *  - pid 1 of the initial PID namespace starts in init_net, though a
 *    sandbox's pid 1 may deny even root its ns links (seen), hence second.
 * The owning user namespace does not help: every namespace root creates
 * is owned by the initial user namespace too.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/owner.h"
#include "netns_internal.h"

#define STAT_MAX 4096

/* Marks the namespace at rel (a ns/net under procfd), adding it if new. */
static int mark_from(const char *proc_root, int procfd, const char *rel, int32_t pid,
		     struct netns_set *s, bool *ret_marked)
{
	struct netns_path p = { .kind = NETNS_PATH_PROC, .pid = pid };
	char path[PATH_MAX];
	struct netns *ns;
	struct stat st;
	int n, r;

	*ret_marked = false;
	if (fstatat(procfd, rel, &st, 0) < 0)
		return netns_errno_fatal(errno) ? -errno : 0;
	n = snprintf(path, sizeof(path), "%s/%s", proc_root, rel);
	p.path = path;
	r = netns_set_add(s, st.st_dev, st.st_ino, NETNS_SRC_PROC,
			  n > 0 && (size_t)n < sizeof(path) ? &p : NULL, &ns);
	if (r < 0)
		return r;
	if (!s->have_nsfs_dev) {
		s->nsfs_dev = st.st_dev;
		s->have_nsfs_dev = true;
	}
	ns->is_initial = true;
	*ret_marked = true;
	return 0;
}

static bool pid2_is_kthread(int procfd)
{
	size_t len;
	char *text;
	bool yes;

	if (file_read_at(procfd, "2/stat", STAT_MAX, false, &text, &len) < 0)
		return false;
	yes = owner_stat_is_kthread(text, len);
	free(text);
	return yes;
}

static bool pidns_is_initial(int procfd)
{
	char link[64];
	ssize_t n = readlinkat(procfd, "self/ns/pid", link, sizeof(link));

	return n > 0 && (size_t)n < sizeof(link) && owner_pidns_link_is_initial(link, (size_t)n);
}

int netns_mark_initial(const char *proc_root, struct netns_set *s)
{
	bool marked = false;
	int procfd, r = 0;
	size_t i;

	for (i = 0; i < s->len; i++)
		s->v[i].is_initial = false;
	for (i = 0; i < s->len; i++) {
		if (s->v[i].ino == NETNS_INIT_INO &&
		    (!s->have_nsfs_dev || s->v[i].dev == s->nsfs_dev)) {
			s->v[i].is_initial = true;
			return 0;
		}
	}
	procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return netns_errno_fatal(errno) ? -errno : 0;
	if (pid2_is_kthread(procfd))
		r = mark_from(proc_root, procfd, "2/ns/net", 2, s, &marked);
	if (r == 0 && !marked && pidns_is_initial(procfd))
		r = mark_from(proc_root, procfd, "1/ns/net", 1, s, &marked);
	close(procfd);
	return r;
}
