/* SPDX-License-Identifier: MIT */
/* Naming namespaces on fake proc trees and state roots: every layout, in order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "netns_tree.h"

#define ID_A HEX64("a")
#define ID_B HEX64("b")
#define ID_C HEX64("c")
#define ID_D HEX64("d")
#define ID_E HEX64("e")
#define ID_F HEX64("f")
#define ID_1 HEX64("1")
#define ID_2 HEX64("2")
#define UID_SD "0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0"
#define UID "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
#define BUNDLES "run/containerd/io.containerd.runtime.v2.task/k8s.io/"
#define POD_SLICE \
	"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_SD ".slice"

static const char kthread_stat[] = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0\n";

static void add_mount(const struct ntree *t, char *text, const char *ns, const char *mnt)
{
	char dev[32], line[512];

	nt_devstr(t, dev, sizeof(dev));
	snprintf(line, sizeof(line), "600 25 %s net:[%llu] %s rw - nsfs nsfs rw\n", dev,
		 (unsigned long long)nt_ns_ino(t, ns), mnt);
	strcat(text, line);
}

static void build(const struct ntree *t)
{
	char mountinfo[4096] = "";
	int i;

	/* The host, with a host-network container in it. */
	nt_pid(t, 1, "host", "/init.scope");
	nt_pid(t, 2, "host", NULL);
	nt_writes(t->root, "2/stat", kthread_stat);
	nt_pid(t, 3, "host", "/system.slice/docker-" ID_2 ".scope");

	nt_pid(t, 100, "docker", "/system.slice/docker-" ID_A ".scope");
	nt_pid(t, 101, "docker", "/system.slice/docker-" ID_A ".scope/init.scope");
	nt_writes(t->state, "var/lib/docker/containers/" ID_A "/config.v2.json",
		  "{\"ID\":\"" ID_A "\",\"Name\":\"/web\",\"Config\":{\"Hostname\":\"x\"}}");
	nt_pid(t, 110, "dockerfs", "/docker/" ID_B);
	nt_pid(t, 120, "podman", "/machine.slice/libpod-" ID_C ".scope/container");
	nt_writes(t->state, "var/lib/containers/storage/overlay-containers/containers.json",
		  "[{\"id\":\"" ID_C "\",\"names\":[\"db\"]}]");

	/* A pod: the sandbox (lower pid) and an app container. */
	nt_pid(t, 130, "pod", POD_SLICE "/cri-containerd-" ID_D ".scope");
	nt_writes(t->state, BUNDLES ID_D "/config.json",
		  "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
		  "\"io.kubernetes.cri.sandbox-namespace\":\"default\","
		  "\"io.kubernetes.cri.sandbox-name\":\"nginx-7d9c\"}}");
	nt_pid(t, 131, "pod", POD_SLICE "/cri-containerd-" ID_E ".scope");
	nt_writes(t->state, BUNDLES ID_E "/config.json",
		  "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
		  "\"io.kubernetes.cri.sandbox-namespace\":\"default\","
		  "\"io.kubernetes.cri.sandbox-name\":\"nginx-7d9c\","
		  "\"io.kubernetes.cri.container-name\":\"nginx\"}}");
	/* A pod whose app has not started: the sandbox alone. */
	nt_pid(t, 135, "sandbox", "/kubepods/besteffort/pod" UID "/" ID_1);
	nt_writes(t->state, BUNDLES ID_1 "/config.json",
		  "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
		  "\"io.kubernetes.cri.sandbox-namespace\":\"kube-system\","
		  "\"io.kubernetes.cri.sandbox-name\":\"coredns-1\"}}");
	nt_pid(t, 140, "crio", "/kubepods.slice/kubepods-pod" UID_SD ".slice/crio-" ID_F ".scope");
	nt_pid(t, 150, "lxc", "/lxc.payload.build/system.slice/cron.service");
	nt_pid(t, 160, "nspawn", "/machine.slice/systemd-nspawn@my\\x2dbox.service/payload");
	nt_writes(t->state, "run/systemd/machines/my-box", "NAME=my-box\nLEADER=160\n");

	/* Hybrid host: 0:: is "/", the container is in the name=systemd tree. */
	nt_pid(t, 170, "hybrid", NULL);
	nt_writes(t->root, "170/cgroup",
		  "12:pids:/system.slice/docker-" ID_B ".scope\n"
		  "1:name=systemd:/system.slice/docker-" ID_B ".scope\n0::/\n");
	/* v1 with Docker's cgroupfs driver: only the controller lines say it. */
	nt_pid(t, 175, "v1", NULL);
	nt_writes(t->root, "175/cgroup", "4:memory:/docker/" ID_C "\n1:name=systemd:/\n0::/\n");

	nt_pid(t, 180, "unknown", "/system.slice/foo.service");
	nt_pid(t, 185, "nocgroup", NULL);
	nt_pid(t, 190, "hostile", "/lxc.payload.a\x1b[31m\xff\x01");
	nt_pid(t, 195, "badstate", "/system.slice/docker-" ID_F ".scope");
	nt_writes(t->state, "var/lib/docker/containers/" ID_F "/config.v2.json",
		  "{\"Name\":\"/tru");

	/* ip netns names: the person's beats the container; a runtime's does not. */
	nt_pid(t, 200, "named", "/system.slice/docker-" ID_1 ".scope");
	nt_pid(t, 210, "cni", POD_SLICE "/cri-containerd-" ID_E ".scope");
	nt_pid(t, 220, "cni2", "/system.slice/bar.service");
	add_mount(t, mountinfo, "named", "/run/netns/blue");
	add_mount(t, mountinfo, "cni", "/run/netns/cni-" UID);
	add_mount(t, mountinfo, "cni2", "/run/netns/netns-" UID);
	add_mount(t, mountinfo, "mountonly", "/run/docker/netns/0123456789ab");
	nt_writes(t->root, "self/mountinfo", mountinfo);

	/* 40 processes; only the 35th is in a container: past the cap. */
	for (i = 0; i < 40; i++)
		nt_pid(t, 1000 + i, "crowd",
		       i == 34 ? "/lxc.payload.late" : "/system.slice/x.service");
}

static void assert_label(const struct ntree *t, const struct netns_set *s, const char *ns_name,
			 enum netns_label_kind kind, const char *want, size_t want_len)
{
	const struct netns *ns = nt_find(t, s, ns_name);

	assert_non_null(ns);
	assert_non_null(ns->label);
	if (ns->label_len != want_len || memcmp(ns->label, want, want_len) != 0)
		fail_msg("%s: label \"%s\", want \"%s\"", ns_name, ns->label, want);
	assert_int_equal(ns->label[want_len], '\0');
	assert_int_equal(ns->label_kind, kind);
}

#define LABEL(ns, kind, want) assert_label(t, &s, ns, kind, want, sizeof(want) - 1)

static void inode_label(const struct ntree *t, const struct netns_set *s, const char *ns_name)
{
	char want[64];

	snprintf(want, sizeof(want), "net:[%llu]", (unsigned long long)nt_ns_ino(t, ns_name));
	assert_label(t, s, ns_name, NETNS_LABEL_INODE, want, strlen(want));
	assert_int_equal(nt_find(t, s, ns_name)->container.runtime, CONTAINER_NONE);
}

static void test_names(void **state)
{
	const struct ntree *t = *state;
	bool json = container_json_supported();
	const struct netns *ns;
	struct netns_set s;

	build(t);
	assert_int_equal(netns_discover(t->root, NETNS_SRC_PROC | NETNS_SRC_MOUNT, &s), 0);
	assert_int_equal(netns_set_name(&s, t->root, t->state), 0);

	LABEL("host", NETNS_LABEL_HOST, "host");
	assert_int_equal(nt_find(t, &s, "host")->container.runtime, CONTAINER_NONE);
	if (json)
		LABEL("docker", NETNS_LABEL_CONTAINER, "docker:web");
	else
		LABEL("docker", NETNS_LABEL_CONTAINER, "docker:aaaaaaaaaaaa");
	ns = nt_find(t, &s, "docker");
	assert_int_equal(ns->container.runtime, CONTAINER_DOCKER);
	assert_string_equal(ns->container.id, ID_A);
	assert_int_equal(ns->container.name.set, json);

	LABEL("dockerfs", NETNS_LABEL_CONTAINER, "docker:bbbbbbbbbbbb");
	ns = nt_find(t, &s, "dockerfs");
	assert_string_equal(ns->container.id, ID_B);
	assert_false(ns->container.name.set);

	if (json) {
		LABEL("podman", NETNS_LABEL_CONTAINER, "podman:db");
		LABEL("pod", NETNS_LABEL_CONTAINER, "k8s:default/nginx-7d9c/nginx");
		LABEL("sandbox", NETNS_LABEL_CONTAINER, "k8s:kube-system/coredns-1");
		LABEL("cni", NETNS_LABEL_CONTAINER, "k8s:default/nginx-7d9c/nginx");
	} else {
		LABEL("podman", NETNS_LABEL_CONTAINER, "podman:cccccccccccc");
		LABEL("pod", NETNS_LABEL_CONTAINER, "k8s:dddddddddddd");
		LABEL("sandbox", NETNS_LABEL_CONTAINER, "k8s:111111111111");
		LABEL("cni", NETNS_LABEL_CONTAINER, "k8s:eeeeeeeeeeee");
	}
	ns = nt_find(t, &s, "pod");
	assert_int_equal(ns->container.runtime, CONTAINER_K8S);
	assert_int_equal(ns->container.engine, CONTAINER_ENGINE_CONTAINERD);
	assert_string_equal(ns->container.pod_uid, UID);
	assert_string_equal(ns->container.id, json ? ID_E : ID_D);
	assert_string_equal(nt_find(t, &s, "sandbox")->container.pod_uid, UID);

	LABEL("crio", NETNS_LABEL_CONTAINER, "k8s:ffffffffffff");
	assert_int_equal(nt_find(t, &s, "crio")->container.engine, CONTAINER_ENGINE_CRIO);
	LABEL("lxc", NETNS_LABEL_CONTAINER, "lxc:build");
	LABEL("nspawn", NETNS_LABEL_CONTAINER, "nspawn:my-box");
	LABEL("hybrid", NETNS_LABEL_CONTAINER, "docker:bbbbbbbbbbbb");
	LABEL("v1", NETNS_LABEL_CONTAINER, "docker:cccccccccccc");
	LABEL("hostile", NETNS_LABEL_CONTAINER, "lxc:a\x1b[31m\xff\x01");
	LABEL("badstate", NETNS_LABEL_CONTAINER, "docker:ffffffffffff");
	LABEL("named", NETNS_LABEL_IPNETNS, "blue");
	assert_int_equal(nt_find(t, &s, "named")->container.runtime, CONTAINER_NONE);
	LABEL("cni2", NETNS_LABEL_IPNETNS, "netns-" UID);

	inode_label(t, &s, "unknown");
	inode_label(t, &s, "nocgroup");
	inode_label(t, &s, "mountonly");
	inode_label(t, &s, "crowd");

	/* Naming again replaces every label. */
	assert_int_equal(netns_set_name(&s, t->root, t->state), 0);
	LABEL("lxc", NETNS_LABEL_CONTAINER, "lxc:build");
	netns_set_free(&s);
}

static void test_pid_reused(void **state)
{
	const struct ntree *t = *state;
	char p[PATH_MAX];
	struct netns_set s;

	build(t);
	assert_int_equal(netns_discover(t->root, NETNS_SRC_PROC, &s), 0);
	/* 150 exited; its pid now belongs to a process in the host's namespace. */
	nt_path(t->root, "150/ns/net", p);
	unlink(p);
	nt_path(t->root, "ns/host", p);
	nt_link(t->root, "150/ns/net", p);
	assert_int_equal(netns_set_name(&s, t->root, t->state), 0);
	inode_label(t, &s, "lxc");
	netns_set_free(&s);
}

static void test_state_root_from_env(void **state)
{
	const struct ntree *t = *state;
	struct netns_set s;

	build(t);
	assert_int_equal(netns_discover(t->root, NETNS_SRC_PROC, &s), 0);
	setenv("LSOCK_STATE_ROOT", t->state, 1);
	assert_int_equal(netns_set_name(&s, t->root, NULL), 0);
	unsetenv("LSOCK_STATE_ROOT");
	LABEL("nspawn", NETNS_LABEL_CONTAINER, "nspawn:my-box");
	if (container_json_supported())
		LABEL("docker", NETNS_LABEL_CONTAINER, "docker:web");
	/* The default root ("/") has none of this: ids, and cgroup names. */
	assert_int_equal(netns_set_name(&s, t->root, "/nonexistent"), 0);
	LABEL("docker", NETNS_LABEL_CONTAINER, "docker:aaaaaaaaaaaa");
	LABEL("lxc", NETNS_LABEL_CONTAINER, "lxc:build");
	netns_set_free(&s);
}

static void test_no_proc_root(void **state)
{
	const struct ntree *t = *state;
	struct netns_set s;

	build(t);
	assert_int_equal(netns_discover(t->root, NETNS_SRC_PROC, &s), 0);
	/* Without a readable proc root, no containers: host and inodes. */
	assert_int_equal(netns_set_name(&s, "/nonexistent", t->state), 0);
	LABEL("host", NETNS_LABEL_HOST, "host");
	inode_label(t, &s, "docker");
	netns_set_free(&s);
	/* An empty set names nothing. */
	assert_int_equal(netns_set_name(&s, t->root, t->state), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_names, nt_setup, nt_teardown),
		cmocka_unit_test_setup_teardown(test_pid_reused, nt_setup, nt_teardown),
		cmocka_unit_test_setup_teardown(test_state_root_from_env, nt_setup, nt_teardown),
		cmocka_unit_test_setup_teardown(test_no_proc_root, nt_setup, nt_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
