/* SPDX-License-Identifier: MIT */
/* Container layouts in cgroup paths, systemd unescaping, and labels. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lsock/container.h"
#include "netns_tree.h"

#define ID_A HEX64("a")
#define ID_1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct container parse(const char *path)
{
	struct container c;

	assert_int_equal(container_from_cgroup(path, strlen(path), &c), 0);
	return c;
}

static void assert_none(const char *path)
{
	struct container c;

	memset(&c, 'x', sizeof(c));
	assert_int_equal(container_from_cgroup(path, strlen(path), &c), -ENOENT);
	assert_int_equal(c.runtime, CONTAINER_NONE);
	assert_string_equal(c.id, "");
	assert_false(c.name.set);
	assert_string_equal(c.pod_uid, "");
}

static void assert_name(const struct container_name *n, const char *want, size_t len)
{
	assert_true(n->set);
	assert_int_equal(n->len, len);
	assert_memory_equal(n->bytes, want, len);
	assert_int_equal(n->bytes[len], '\0');
}

static void test_docker(void **state)
{
	struct container c = parse("/system.slice/docker-" ID_1 ".scope");

	assert_int_equal(c.runtime, CONTAINER_DOCKER);
	assert_string_equal(c.id, ID_1);
	assert_false(c.name.set);
	/* cgroupfs driver, and a payload's own sub-cgroup below the scope. */
	c = parse("/docker/" ID_A);
	assert_int_equal(c.runtime, CONTAINER_DOCKER);
	assert_string_equal(c.id, ID_A);
	c = parse("/system.slice/docker-" ID_A ".scope/init.scope");
	assert_int_equal(c.runtime, CONTAINER_DOCKER);
	/* Rootless Docker: the scope is inside the user's manager. */
	c = parse("/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" ID_A ".scope");
	assert_int_equal(c.runtime, CONTAINER_DOCKER);
	/* docker.service itself (dockerd, containerd-shim) is not a container. */
	assert_none("/system.slice/docker.service");
	assert_none("/system.slice/containerd.service");
	/* Not exactly 64 lowercase hex. */
	assert_none("/system.slice/docker-" HEX64("A") ".scope");
	assert_none("/system.slice/docker-abc.scope");
	assert_none("/system.slice/docker-" ID_A "0.scope");
	assert_none("/system.slice/docker-" ID_A);
	assert_none("/docker/abc");
	assert_none("/" ID_A);
}

static void test_podman(void **state)
{
	struct container c = parse("/machine.slice/libpod-" ID_1 ".scope");

	assert_int_equal(c.runtime, CONTAINER_PODMAN);
	assert_string_equal(c.id, ID_1);
	c = parse("/machine.slice/libpod-" ID_1 ".scope/container");
	assert_int_equal(c.runtime, CONTAINER_PODMAN);
	c = parse("/libpod_parent/libpod-payload-" ID_1);
	assert_int_equal(c.runtime, CONTAINER_PODMAN);
	assert_string_equal(c.id, ID_1);
	c = parse("/libpod_parent/libpod-" ID_1);
	assert_int_equal(c.runtime, CONTAINER_PODMAN);
	/* conmon runs in the host's network namespace: not the container. */
	assert_none("/machine.slice/libpod-conmon-" ID_1 ".scope");
}

static void test_k8s(void **state)
{
	struct container c;

	c = parse("/kubepods.slice/kubepods-besteffort.slice/"
		  "kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice/"
		  "cri-containerd-" ID_1 ".scope");
	assert_int_equal(c.runtime, CONTAINER_K8S);
	assert_int_equal(c.engine, CONTAINER_ENGINE_CONTAINERD);
	assert_string_equal(c.id, ID_1);
	assert_string_equal(c.pod_uid, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	/* Guaranteed QoS has no qos slice. */
	c = parse("/kubepods.slice/kubepods-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice/"
		  "crio-" ID_A ".scope");
	assert_int_equal(c.runtime, CONTAINER_K8S);
	assert_int_equal(c.engine, CONTAINER_ENGINE_CRIO);
	assert_string_equal(c.id, ID_A);
	assert_string_equal(c.pod_uid, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	c = parse("/kubepods/burstable/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/crio-" ID_A);
	assert_int_equal(c.engine, CONTAINER_ENGINE_CRIO);
	/* cgroupfs driver: the id under pod<uid>. */
	c = parse("/kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/" ID_1);
	assert_int_equal(c.runtime, CONTAINER_K8S);
	assert_int_equal(c.engine, CONTAINER_ENGINE_UNKNOWN);
	assert_string_equal(c.id, ID_1);
	assert_string_equal(c.pod_uid, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	/* No pod above: the id alone. */
	c = parse("/cri-containerd-" ID_1 ".scope");
	assert_int_equal(c.runtime, CONTAINER_K8S);
	assert_string_equal(c.pod_uid, "");
	/* A bad pod uid is no pod uid; a bare id under a non-pod is nothing. */
	c = parse("/kubepods.slice/kubepods-podXYZ.slice/cri-containerd-" ID_1 ".scope");
	assert_string_equal(c.pod_uid, "");
	assert_none("/kubepods/besteffort/" ID_1);
	assert_none("/kubepods/besteffort/podzz/" ID_1);
	assert_none("/kubepods.slice/crio-conmon-" ID_1 ".scope");
}

static void test_lxc(void **state)
{
	struct container c = parse("/lxc.payload.build");

	assert_int_equal(c.runtime, CONTAINER_LXC);
	assert_name(&c.name, "build", 5);
	assert_string_equal(c.id, "");
	c = parse("/lxc.payload.build/system.slice/cron.service");
	assert_name(&c.name, "build", 5);
	c = parse("/lxc/old");
	assert_int_equal(c.runtime, CONTAINER_LXC);
	assert_name(&c.name, "old", 3);
	c = parse("/lxc/old/init.scope");
	assert_name(&c.name, "old", 3);
	/* The monitor stays in the host's namespace. */
	assert_none("/lxc.monitor.build");
	assert_none("/lxc.payload.");
	assert_none("/lxc");
	/* Docker inside LXC: the inner one. */
	c = parse("/lxc.payload.build/system.slice/docker-" ID_A ".scope");
	assert_int_equal(c.runtime, CONTAINER_DOCKER);
	assert_string_equal(c.id, ID_A);
}

static void test_nspawn(void **state)
{
	struct container c = parse("/machine.slice/systemd-nspawn@debian.service");

	assert_int_equal(c.runtime, CONTAINER_NSPAWN);
	assert_name(&c.name, "debian", 6);
	c = parse("/machine.slice/systemd-nspawn@my\\x2dbox.service/payload");
	assert_name(&c.name, "my-box", 6);
	/* Upper-case hex too; '-' unescapes to '/'. */
	c = parse("/machine.slice/systemd-nspawn@a\\x2Db-c.service");
	assert_name(&c.name, "a-b/c", 5);
	c = parse("/machine.slice/systemd-nspawn@\\x1b\\xff.service");
	assert_name(&c.name, "\x1b\xff", 2);
	assert_none("/machine.slice/systemd-nspawn@.service");
	assert_none("/machine.slice/systemd-nspawn@bad\\x2.service");
	assert_none("/machine.slice/systemd-nspawn@bad\\y20.service");
	assert_none("/machine.slice/systemd-nspawn@bad\\.service");
	assert_none("/machine.slice/machine-qemu\\x2d1\\x2dvm.scope");
}

static void test_hostile_names(void **state)
{
	char path[1024], name[300];
	struct container c;

	/* Control bytes and invalid UTF-8 are kept exact. */
	c = parse("/lxc.payload.a\x1b[31m\xc3\x28\x7f");
	assert_name(&c.name, "a\x1b[31m\xc3\x28\x7f", 9);
	/* 255 bytes is a name; 256 is not (and nothing else matches). */
	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(path, sizeof(path), "/lxc.payload.%s", name);
	c = parse(path);
	assert_name(&c.name, name, 255);
	snprintf(path, sizeof(path), "/lxc.payload.%sn", name);
	assert_none(path);
	snprintf(path, sizeof(path), "/lxc/%sn", name);
	assert_none(path);
}

static void test_deep_and_bounded(void **state)
{
	char path[8192];
	size_t off = 0;
	int i;
	struct container c;

	/* 200 components: the deepest ones are looked at. */
	for (i = 0; i < 200; i++)
		off += (size_t)snprintf(path + off, sizeof(path) - off, "/d%d", i);
	snprintf(path + off, sizeof(path) - off, "/docker-%s.scope", ID_A);
	c = parse(path);
	assert_int_equal(c.runtime, CONTAINER_DOCKER);
	/* Only len bytes are read. */
	snprintf(path, sizeof(path), "/lxc.payload.abcdef");
	assert_int_equal(container_from_cgroup(path, strlen("/lxc.payload.abc"), &c), 0);
	assert_name(&c.name, "abc", 3);
	assert_int_equal(container_from_cgroup("", 0, &c), -ENOENT);
	assert_int_equal(container_from_cgroup("/", 1, &c), -ENOENT);
}

static void test_unescape(void **state)
{
	char buf[8];

	assert_int_equal(container_unescape_unit("a\\x2db", 6, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "a-b");
	assert_int_equal(container_unescape_unit("a-b", 3, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "a/b");
	assert_int_equal(container_unescape_unit("\\x00", 4, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(container_unescape_unit("", 0, buf, sizeof(buf)), 0);
	assert_int_equal(container_unescape_unit("\\x2", 3, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(container_unescape_unit("\\", 1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(container_unescape_unit("\\xg0", 4, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(container_unescape_unit("1234567", 7, buf, sizeof(buf)), 7);
	assert_int_equal(container_unescape_unit("12345678", 8, buf, sizeof(buf)), -ENAMETOOLONG);
}

static void check_label(const struct container *c, const char *want, size_t want_len)
{
	char *label = (char *)1;
	size_t len = 99;
	int r = container_label(c, &label, &len);

	if (!want) {
		assert_int_equal(r, -ENOENT);
		assert_null(label);
		assert_int_equal(len, 0);
		return;
	}
	assert_int_equal(r, 0);
	assert_int_equal(len, want_len);
	assert_memory_equal(label, want, len);
	assert_int_equal(label[len], '\0');
	free(label);
}

static void name_set(struct container_name *n, const char *s, size_t len)
{
	memcpy(n->bytes, s, len);
	n->bytes[len] = '\0';
	n->len = (uint16_t)len;
	n->set = true;
}

static void test_label(void **state)
{
	struct container c = { .runtime = CONTAINER_DOCKER, .id = ID_1 };

	check_label(&c, "docker:0123456789ab", 19);
	name_set(&c.name, "web", 3);
	check_label(&c, "docker:web", 10);
	c.runtime = CONTAINER_PODMAN;
	check_label(&c, "podman:web", 10);

	c = (struct container){ .runtime = CONTAINER_K8S, .id = ID_1 };
	check_label(&c, "k8s:0123456789ab", 16);
	name_set(&c.name, "nginx", 5);
	check_label(&c, "k8s:0123456789ab", 16); /* a container name without its pod */
	name_set(&c.pod_ns, "default", 7);
	name_set(&c.pod, "nginx-7d9c", 10);
	check_label(&c, "k8s:default/nginx-7d9c/nginx", 28);
	c.is_sandbox = true;
	check_label(&c, "k8s:default/nginx-7d9c", 22);

	c = (struct container){ .runtime = CONTAINER_LXC };
	check_label(&c, NULL, 0);
	name_set(&c.name, "bu\0ld", 5);
	check_label(&c, "lxc:bu\0ld", 9);
	c.runtime = CONTAINER_NSPAWN;
	check_label(&c, "nspawn:bu\0ld", 12);
	c.runtime = CONTAINER_NONE;
	check_label(&c, NULL, 0);
	c.runtime = _CONTAINER_RUNTIME_MAX;
	check_label(&c, NULL, 0);
	assert_null(container_runtime_name((enum container_runtime)-1));
	assert_string_equal(container_runtime_name(CONTAINER_K8S), "k8s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_podman),
		cmocka_unit_test(test_k8s),
		cmocka_unit_test(test_lxc),
		cmocka_unit_test(test_nspawn),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_deep_and_bounded),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
