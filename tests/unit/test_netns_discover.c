/* SPDX-License-Identifier: MIT */
/* Discovery on fake proc trees: processes, threads, mounts of every mount namespace, fds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "netns_tree.h"

#define ALL_SCANS (NETNS_SRC_PROC | NETNS_SRC_MOUNT | NETNS_SRC_FD)

#define UUID "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

/* field 9 of /proc/PID/stat: PF_KTHREAD (0x00200000) set, or not. */
static const char kthread_stat[] = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0\n";
static const char user_stat[] = "2 (sh) S 1 2 2 0 -1 4194560 0 0 0 0\n";

static void mountinfo_line(const struct ntree *t, char *buf, size_t size, const char *ns,
			   const char *mnt)
{
	char dev[32];

	nt_devstr(t, dev, sizeof(dev));
	snprintf(buf, size, "600 25 %s net:[%llu] %s rw shared:5 - nsfs nsfs rw\n", dev,
		 (unsigned long long)nt_ns_ino(t, ns), mnt);
}

/*
 * host: pids 1, 2 (kthreadd), 10;  a: 20, 21;  c: thread 22 of 21;
 * b: 30, 31 (another mount namespace); z: thread 51 of zombie leader 50;
 * blue: only a mount (ours);
 * hidden: only a mount in the other mount namespace; held: only an fd of 10.
 */
static void build(const struct ntree *t)
{
	char line[PATH_MAX + 128], text[4 * (PATH_MAX + 128)], rel[64], target[PATH_MAX + 16];

	nt_pid(t, 1, "host", NULL);
	nt_pid(t, 2, "host", NULL);
	nt_writes(t->root, "2/stat", kthread_stat);
	nt_pid(t, 10, "host", NULL);
	nt_pid(t, 20, "a", NULL);
	nt_pid(t, 21, "a", NULL);
	/* 21 has threads 21 and 22; 22 setns()'d into c.  task/ has 2 + 2 links. */
	snprintf(target, sizeof(target), "%s/ns/a", t->root);
	nt_link(t->root, "21/task/21/ns/net", target);
	nt_ns(t, "c", &(uint64_t){ 0 }, &(uint64_t){ 0 });
	snprintf(target, sizeof(target), "%s/ns/c", t->root);
	nt_link(t->root, "21/task/22/ns/net", target);
	nt_pid(t, 30, "b", NULL);
	nt_pid(t, 31, "b", NULL);
	/* 50's leader exited (a zombie: no ns links); its thread 51 lives in z. */
	nt_mkdirs(t->root, "50/task/50");
	nt_ns(t, "z", &(uint64_t){ 0 }, &(uint64_t){ 0 });
	snprintf(target, sizeof(target), "%s/ns/z", t->root);
	nt_link(t->root, "50/task/51/ns/net", target);
	/* Not processes. */
	nt_mkdirs(t->root, "self/ns");
	nt_mkdirs(t->root, "sys/net");
	nt_pid(t, 0, "zero", NULL);
	nt_writes(t->root, "0042/ns/net", "");

	/* Mount namespaces: self and 10 share one, 30 and 31 another. */
	nt_writes(t->root, "mnt/self", "");
	nt_writes(t->root, "mnt/other", "");
	snprintf(target, sizeof(target), "%s/mnt/self", t->root);
	nt_link(t->root, "self/ns/mnt", target);
	nt_link(t->root, "10/ns/mnt", target);
	snprintf(target, sizeof(target), "%s/mnt/other", t->root);
	nt_link(t->root, "30/ns/mnt", target);
	nt_link(t->root, "31/ns/mnt", target);

	text[0] = '\0';
	mountinfo_line(t, line, sizeof(line), "blue", "/run/netns/blue");
	strcat(text, line);
	mountinfo_line(t, line, sizeof(line), "a", "/run/docker/netns/0123456789ab");
	strcat(text, line);
	mountinfo_line(t, line, sizeof(line), "b", "/run/netns/cni-" UUID);
	strcat(text, line);
	mountinfo_line(t, line, sizeof(line), "b", "/var/run/netns/mine");
	strcat(text, line);
	mountinfo_line(t, line, sizeof(line), "b", "/run/netns/netns-" UUID);
	strcat(text, line);
	nt_writes(t->root, "self/mountinfo", text);
	nt_writes(t->root, "10/mountinfo", text);
	mountinfo_line(t, line, sizeof(line), "hidden", "/var/lib/x");
	nt_writes(t->root, "30/mountinfo", line);
	/* 31 shares 30's mount namespace: never read (else "ghost" shows). */
	mountinfo_line(t, line, sizeof(line), "ghost", "/ghost");
	nt_writes(t->root, "31/mountinfo", line);

	/* fds: an nsfs fd, other links, junk. */
	snprintf(line, sizeof(line), "net:[%llu]", (unsigned long long)nt_ns_ino(t, "held"));
	nt_link(t->root, "10/fd/5", line);
	nt_link(t->root, "10/fd/6", "socket:[4242]");
	nt_link(t->root, "10/fd/7", "net:[x]");
	nt_link(t->root, "10/fd/8", "mnt:[4026531841]");
	nt_link(t->root, "10/fd/09", line);
	snprintf(rel, sizeof(rel), "20/fd/3");
	nt_link(t->root, rel, line);
}

static void test_discover(void **state)
{
	const struct ntree *t = *state;
	static const int32_t host_pids[] = { 1, 2, 10 }, a_pids[] = { 20, 21 }, c_pids[] = { 21 };
	static const int32_t b_pids[] = { 30, 31 };
	struct netns_set s;
	struct netns *ns;
	char p[PATH_MAX];

	build(t);
	assert_int_equal(netns_discover(t->root, ALL_SCANS, &s), 0);
	assert_int_equal(s.len, 8);
	assert_true(s.have_nsfs_dev);
	assert_int_equal(s.n_denied_procs + s.n_denied_mounts + s.n_denied_fds, 0);
	for (size_t i = 1; i < s.len; i++)
		assert_true(s.v[i - 1].dev < s.v[i].dev ||
			    (s.v[i - 1].dev == s.v[i].dev && s.v[i - 1].ino < s.v[i].ino));

	ns = nt_find(t, &s, "host");
	nt_assert_pids(ns, host_pids, 3);
	assert_int_equal(ns->sources, NETNS_SRC_PROC);
	assert_true(ns->is_initial);
	assert_null(ns->ipnetns);
	/* Two paths per kind, whichever pids readdir gave first. */
	assert_int_equal(ns->npaths, NETNS_PATHS_PER_KIND);
	for (size_t i = 0; i < ns->npaths; i++) {
		char want[PATH_MAX + 32];

		assert_int_equal(ns->paths[i].kind, NETNS_PATH_PROC);
		snprintf(want, sizeof(want), "%s/%d/ns/net", t->root, (int)ns->paths[i].pid);
		assert_string_equal(ns->paths[i].path, want);
		assert_true(ns->paths[i].pid == 1 || ns->paths[i].pid == 2 ||
			    ns->paths[i].pid == 10);
	}

	ns = nt_find(t, &s, "a");
	nt_assert_pids(ns, a_pids, 2);
	assert_int_equal(ns->sources, NETNS_SRC_PROC | NETNS_SRC_MOUNT);
	assert_false(ns->is_initial);
	assert_true(nt_has_path(ns, NETNS_PATH_MOUNT, "/run/docker/netns/0123456789ab"));
	assert_null(ns->ipnetns);

	ns = nt_find(t, &s, "z");
	nt_assert_pids(ns, (const int32_t[]){ 50 }, 1);
	nt_path(t->root, "50/task/51/ns/net", p);
	assert_true(nt_has_path(ns, NETNS_PATH_PROC, p));

	ns = nt_find(t, &s, "c");
	nt_assert_pids(ns, c_pids, 1);
	nt_path(t->root, "21/task/22/ns/net", p);
	assert_true(nt_has_path(ns, NETNS_PATH_PROC, p));

	/* b: a runtime's generated name gives way to one a person chose. */
	ns = nt_find(t, &s, "b");
	nt_assert_pids(ns, b_pids, 2);
	assert_non_null(ns->ipnetns);
	assert_string_equal(ns->ipnetns, "mine");
	assert_int_equal(ns->ipnetns_len, 4);

	ns = nt_find(t, &s, "blue");
	nt_assert_pids(ns, NULL, 0);
	assert_int_equal(ns->sources, NETNS_SRC_MOUNT);
	assert_string_equal(ns->ipnetns, "blue");
	assert_true(nt_has_path(ns, NETNS_PATH_MOUNT, "/run/netns/blue"));
	assert_int_equal(ns->paths[0].pid, 0);

	/* Seen only in 30's mount namespace: reached through 30's root. */
	ns = nt_find(t, &s, "hidden");
	assert_int_equal(ns->sources, NETNS_SRC_MOUNT);
	assert_null(ns->ipnetns);
	nt_path(t->root, "30/root/var/lib/x", p);
	assert_true(nt_has_path(ns, NETNS_PATH_MOUNT, p));
	assert_int_equal(ns->paths[0].pid, 30);
	assert_null(nt_find(t, &s, "ghost"));

	/* Held by fds 10/5 and 20/3 only (10/09 is no fd number). */
	ns = nt_find(t, &s, "held");
	assert_int_equal(ns->sources, NETNS_SRC_FD);
	assert_int_equal(ns->npaths, 2);
	nt_path(t->root, "10/fd/5", p);
	assert_true(nt_has_path(ns, NETNS_PATH_FD, p));
	nt_path(t->root, "20/fd/3", p);
	assert_true(nt_has_path(ns, NETNS_PATH_FD, p));
	assert_null(nt_find(t, &s, "zero"));

	netns_set_free(&s);
	assert_int_equal(s.len, 0);
	assert_null(s.v);
	netns_set_free(&s);
	netns_set_free(NULL);
}

static void test_scans_one_by_one(void **state)
{
	const struct ntree *t = *state;
	struct netns_set s;

	build(t);
	assert_int_equal(netns_discover(t->root, NETNS_SRC_PROC, &s), 0);
	assert_int_equal(s.len, 5); /* host, a, b, c, z */
	netns_set_free(&s);
	assert_int_equal(netns_discover(t->root, NETNS_SRC_MOUNT, &s), 0);
	assert_int_equal(s.len, 5); /* blue, a, b, hidden, and host (marked, from pid 2) */
	assert_true(nt_find(t, &s, "host")->is_initial);
	netns_set_free(&s);
	/* fds alone: the nsfs device comes from self/ns/net (a fake tree's fd
	 * links cannot be followed to learn it). */
	assert_int_equal(netns_discover(t->root, NETNS_SRC_FD, &s), 0);
	assert_int_equal(s.len, 1); /* host (pid 2): no device known for held */
	netns_set_free(&s);
	nt_link(t->root, "self/ns/net", strcat(strcpy((char[PATH_MAX]){ 0 }, t->root), "/ns/host"));
	assert_int_equal(netns_discover(t->root, NETNS_SRC_FD, &s), 0);
	assert_int_equal(s.len, 2); /* held, host */
	assert_int_equal(nt_find(t, &s, "held")->sources, NETNS_SRC_FD);
	netns_set_free(&s);
}

static void test_initial_rules(void **state)
{
	const struct ntree *t = *state;
	struct netns_set s;
	struct netns *ns;

	build(t);
	/* pid 2 is no kernel thread: pid 1 counts if proc_root is the initial pidns. */
	nt_writes(t->root, "2/stat", user_stat);
	nt_link(t->root, "self/ns/pid", "pid:[4026531836]");
	nt_writes(t->root, "ns/init1", "");
	unlink(strcat(strcpy((char[PATH_MAX]){ 0 }, t->root), "/1/ns/net"));
	nt_link(t->root, "1/ns/net", strcat(strcpy((char[PATH_MAX]){ 0 }, t->root), "/ns/init1"));
	assert_int_equal(netns_discover(t->root, NETNS_SRC_PROC, &s), 0);
	assert_true(nt_find(t, &s, "init1")->is_initial);
	assert_false(nt_find(t, &s, "host")->is_initial);
	netns_set_free(&s);

	/* Another PID namespace: pid 1 is some container's init.  None. */
	unlink(strcat(strcpy((char[PATH_MAX]){ 0 }, t->root), "/self/ns/pid"));
	nt_link(t->root, "self/ns/pid", "pid:[4026532000]");
	assert_int_equal(netns_discover(t->root, NETNS_SRC_PROC, &s), 0);
	for (size_t i = 0; i < s.len; i++)
		assert_false(s.v[i].is_initial);
	/* Nothing readable at all: none either. */
	assert_int_equal(netns_mark_initial("/nonexistent", &s), 0);

	/* The fixed inode wins over everything, and needs no /proc. */
	ns = NULL;
	assert_int_equal(netns_set_add(&s, s.nsfs_dev, NETNS_INIT_INO, NETNS_SRC_FD, NULL, &ns), 0);
	assert_int_equal(netns_mark_initial("/nonexistent", &s), 0);
	ns = netns_set_find(&s, s.nsfs_dev, NETNS_INIT_INO);
	assert_true(ns->is_initial);
	/* ... but only on nsfs's device. */
	ns->dev = s.nsfs_dev + 1; /* (still sorted: it is the largest inode) */
	assert_int_equal(netns_mark_initial("/nonexistent", &s), 0);
	assert_false(ns->is_initial);
	netns_set_free(&s);
}

static void test_open(void **state)
{
	const struct ntree *t = *state;
	struct netns_set s;
	struct netns *ns;
	struct stat st;
	int fd = 99;

	build(t);
	assert_int_equal(netns_discover(t->root, ALL_SCANS, &s), 0);
	/* a: its mount path does not exist here; 20/ns/net does. */
	ns = nt_find(t, &s, "a");
	assert_int_equal(netns_open(ns, &fd), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_ino, ns->ino);
	close(fd);
	/* 20 "exited and its pid was reused" in b: 21 still opens a. */
	unlink(strcat(strcpy((char[PATH_MAX]){ 0 }, t->root), "/20/ns/net"));
	nt_link(t->root, "20/ns/net", strcat(strcpy((char[PATH_MAX]){ 0 }, t->root), "/ns/b"));
	assert_int_equal(netns_open(ns, &fd), 0);
	close(fd);
	unlink(strcat(strcpy((char[PATH_MAX]){ 0 }, t->root), "/21/ns/net"));
	assert_int_equal(netns_open(ns, &fd), -ESTALE);
	assert_int_equal(fd, -1);
	/* blue: only a mount point that this tree does not have. */
	assert_int_equal(netns_open(nt_find(t, &s, "blue"), &fd), -ESTALE);
	/* held: through the fd path (a dangling link in a fake tree). */
	assert_int_equal(netns_open(nt_find(t, &s, "held"), &fd), -ESTALE);
	netns_set_free(&s);
}

static void test_fd_link_without_dev(void **state)
{
	const struct ntree *t = *state;
	struct netns_set s = { 0 };

	nt_link(t->root, "5/fd/3", "net:[77]");
	/* No device known, and the (fake) link cannot be followed. */
	assert_int_equal(netns_add_fd_link(&s, t->root, 5, 3, 77), -ENODEV);
	assert_int_equal(s.len, 0);
	s.nsfs_dev = 9;
	s.have_nsfs_dev = true;
	assert_int_equal(netns_add_fd_link(&s, t->root, 5, 3, 77), 0);
	assert_int_equal(s.len, 1);
	assert_int_equal(s.v[0].dev, 9);
	assert_int_equal(s.v[0].ino, 77);
	netns_set_free(&s);
}

static void test_bad_roots(void **state)
{
	struct netns_set s;

	memset(&s, 'x', sizeof(s));
	assert_int_equal(netns_discover("/nonexistent", NETNS_SRC_PROC, &s), -ENOENT);
	assert_int_equal(s.len, 0);
	assert_null(s.v);
	assert_int_equal(netns_discover("/dev/null", NETNS_SRC_MOUNT, &s), -ENOTDIR);
	assert_int_equal(netns_scan_fds("/nonexistent", &s), -ENOENT);
	/* No scans: only the initial namespace, if it can be told. */
	assert_int_equal(netns_discover("/nonexistent", 0, &s), 0);
	assert_int_equal(s.len, 0);
	netns_set_free(&s);
}

/* The real /proc: our own namespace is there, with us in it, and opens. */
static void test_live(void **state)
{
	struct netns_set s;
	struct netns *ns;
	struct stat st;
	size_t i;
	int fd;
	bool us = false;

	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	assert_int_equal(netns_discover("/proc", ALL_SCANS, &s), 0);
	ns = netns_set_find(&s, st.st_dev, st.st_ino);
	assert_non_null(ns);
	assert_true(s.nsfs_dev == st.st_dev);
	for (i = 0; i < ns->npids; i++)
		us |= ns->pids[i] == getpid();
	assert_true(us);
	assert_int_equal(netns_open(ns, &fd), 0);
	close(fd);
	/* Exactly one initial namespace where pid 2 is kthreadd (the host's
	 * procfs); it is init_net, which on 6.18+ has the fixed inode. */
	for (i = 0, us = false; i < s.len; i++) {
		if (s.v[i].is_initial) {
			assert_false(us);
			us = true;
		}
	}
	netns_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_discover, nt_setup, nt_teardown),
		cmocka_unit_test_setup_teardown(test_scans_one_by_one, nt_setup, nt_teardown),
		cmocka_unit_test_setup_teardown(test_initial_rules, nt_setup, nt_teardown),
		cmocka_unit_test_setup_teardown(test_open, nt_setup, nt_teardown),
		cmocka_unit_test_setup_teardown(test_fd_link_without_dev, nt_setup, nt_teardown),
		cmocka_unit_test(test_bad_roots),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
