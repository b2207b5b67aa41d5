/* SPDX-License-Identifier: MIT */
/* Container names from state files: the parsers, and lookups under a fake state root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lsock/container.h"
#include "netns_tree.h"

#define ID_A HEX64("a")
#define ID_B HEX64("b")
#define ID_C HEX64("c")

/* The result a JSON parser gives when lsock is built without jansson. */
static int json_want(int r)
{
	return container_json_supported() ? r : -EOPNOTSUPP;
}

static void check_docker(const char *json, size_t len, const char *id, int want_r,
			 const char *want, size_t want_len)
{
	struct container_name n;

	memset(&n, 'x', sizeof(n));
	assert_int_equal(container_parse_docker_config(json, len, id, &n), json_want(want_r));
	if (want_r == 0 && container_json_supported()) {
		assert_true(n.set);
		assert_int_equal(n.len, want_len);
		assert_memory_equal(n.bytes, want, want_len);
		assert_int_equal(n.bytes[want_len], '\0');
	} else {
		assert_false(n.set);
		assert_int_equal(n.len, 0);
	}
}

#define DOCKER(json, r, want) check_docker(json, sizeof(json) - 1, ID_A, r, want, sizeof(want) - 1)

static void test_docker_config(void **state)
{
	char big[600];

	DOCKER("{\"ID\":\"" ID_A "\",\"Name\":\"/web\",\"State\":{\"Pid\":42}}", 0, "web");
	DOCKER("{\"Name\":\"web\"}", 0, "web");       /* no ID, no slash */
	DOCKER("{\"Name\":\"//web\"}", 0, "/web");    /* one slash only */
	DOCKER("{\"ID\":\"" ID_B "\",\"Name\":\"/web\"}", -ENOENT, "");
	DOCKER("{\"ID\":7,\"Name\":\"/web\"}", -ENOENT, "");
	DOCKER("{\"Name\":\"/\"}", -ENOENT, "");
	DOCKER("{\"Name\":\"\"}", -ENOENT, "");
	DOCKER("{\"Name\":17}", -ENOENT, "");
	DOCKER("{\"Name\":null}", -ENOENT, "");
	DOCKER("{\"Name\":[\"/web\"]}", -ENOENT, "");
	DOCKER("{\"name\":\"/web\"}", -ENOENT, "");
	DOCKER("[\"Name\",\"/web\"]", -ENOENT, "");
	/* Hostile but valid: control bytes, a NUL, non-ASCII; kept exact. */
	DOCKER("{\"Name\":\"/a\\u001b[31m\\u0000\\u00e9\\n\"}", 0, "a\x1b[31m\0\xc3\xa9\n");
	/* Malformed. */
	DOCKER("{\"Name\":\"/web\"", -EINVAL, "");
	DOCKER("{\"Name\":\"/we", -EINVAL, "");
	DOCKER("", -EINVAL, "");
	DOCKER("{\"Name\":\"/web\",\"Name\":\"/db\"}", -EINVAL, ""); /* which one? */
	DOCKER("{\"Name\":\"/w\xc3\x28\"}", -EINVAL, "");             /* invalid UTF-8 */
	DOCKER("{\"Name\":\"/\\ud800\"}", -EINVAL, "");               /* lone surrogate */
	DOCKER("{\"Name\":\"/web\"}\0{\"Name\":\"/db\"}", -EINVAL, ""); /* a raw NUL */
	DOCKER("{\"Name\":\"/web\"} trailing", -EINVAL, "");
	check_docker("{\"Name\":\"/web\"}", 10, ID_A, -EINVAL, "", 0); /* cut short by len */
	/* 255 bytes after the slash is a name, 256 is not. */
	memset(big, 'n', sizeof(big));
	memcpy(big, "{\"Name\":\"/", 10);
	memcpy(big + 10 + 255, "\"}", 2);
	check_docker(big, 10 + 255 + 2, NULL, 0, big + 10, 255);
	big[10 + 255] = 'n';
	memcpy(big + 10 + 256, "\"}", 2);
	check_docker(big, 10 + 256 + 2, NULL, -ENOENT, "", 0);
}

static void test_deep_nesting(void **state)
{
	size_t n = 100000, i;
	char *buf = malloc(2 * n + 16);
	struct container_name name;
	struct container c = { 0 };

	assert_non_null(buf);
	for (i = 0; i < n; i++)
		buf[i] = '[';
	for (i = 0; i < n; i++)
		buf[n + i] = ']';
	assert_int_equal(container_parse_docker_config(buf, 2 * n, NULL, &name),
			 json_want(-EINVAL));
	assert_int_equal(container_parse_oci_k8s(buf, n, &c), json_want(-EINVAL));
	free(buf);
}

static void test_podman_containers(void **state)
{
	static const char json[] =
		"[{\"id\":\"" ID_B "\",\"names\":[\"db\",\"alias\"],\"image\":\"x\"},"
		" {\"id\":\"" ID_A "\",\"names\":[\"web\"]},"
		" {\"id\":\"" ID_C "\",\"names\":[\"c1\"]},"
		" {\"id\":\"" ID_C "\",\"names\":[\"c2\"]},"  /* duplicate id: neither */
		" {\"id\":\"abc\",\"names\":[\"short\"]},"
		" {\"id\":\"" HEX64("A") "\",\"names\":[\"upper\"]},"
		" {\"id\":\"" HEX64("d") "\",\"names\":\"notarray\"},"
		" {\"id\":\"" HEX64("e") "\",\"names\":[]},"
		" {\"id\":\"" HEX64("f") "\",\"names\":[7]},"
		" {\"names\":[\"noid\"]}, 42, null, \"s\"]";
	struct container_podman_entry *v = (void *)1;
	size_t n = 99;

	assert_int_equal(container_parse_podman_containers(json, sizeof(json) - 1, &v, &n),
			 json_want(0));
	if (!container_json_supported()) {
		assert_null(v);
		assert_int_equal(n, 0);
		return;
	}
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, ID_A);
	assert_string_equal(v[0].name.bytes, "web");
	assert_string_equal(v[1].id, ID_B);
	assert_string_equal(v[1].name.bytes, "db");
	free(v);

	assert_int_equal(container_parse_podman_containers("[]", 2, &v, &n), -ENOENT);
	assert_null(v);
	assert_int_equal(container_parse_podman_containers("{}", 2, &v, &n), -ENOENT);
	assert_int_equal(container_parse_podman_containers("[{\"id\":1}]", 10, &v, &n), -ENOENT);
	assert_int_equal(container_parse_podman_containers("[{", 2, &v, &n), -EINVAL);
	assert_null(v);
	assert_int_equal(n, 0);
}

static void test_oci_annotations(void **state)
{
	static const char app[] =
		"{\"ociVersion\":\"1.0.2\",\"annotations\":{"
		"\"io.kubernetes.cri.container-type\":\"container\","
		"\"io.kubernetes.cri.sandbox-namespace\":\"default\","
		"\"io.kubernetes.cri.sandbox-name\":\"nginx-7d9c\","
		"\"io.kubernetes.cri.container-name\":\"nginx\"}}";
	static const char sandbox[] =
		"{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
		"\"io.kubernetes.cri.sandbox-namespace\":\"kube-system\","
		"\"io.kubernetes.cri.sandbox-name\":\"coredns-1\"}}";
	static const char wrong[] =
		"{\"annotations\":{\"io.kubernetes.cri.sandbox-namespace\":1,"
		"\"io.kubernetes.cri.sandbox-name\":[\"x\"],"
		"\"io.kubernetes.cri.container-name\":\"c\"}}";
	struct container c;

	memset(&c, 'x', sizeof(c));
	c.runtime = CONTAINER_K8S;
	assert_int_equal(container_parse_oci_k8s(app, sizeof(app) - 1, &c), json_want(0));
	assert_int_equal(c.runtime, CONTAINER_K8S); /* untouched */
	if (container_json_supported()) {
		assert_string_equal(c.pod_ns.bytes, "default");
		assert_string_equal(c.pod.bytes, "nginx-7d9c");
		assert_string_equal(c.name.bytes, "nginx");
		assert_false(c.is_sandbox);
		assert_int_equal(container_parse_oci_k8s(sandbox, sizeof(sandbox) - 1, &c), 0);
		assert_string_equal(c.pod_ns.bytes, "kube-system");
		assert_false(c.name.set);
		assert_true(c.is_sandbox);
		assert_int_equal(container_parse_oci_k8s(wrong, sizeof(wrong) - 1, &c), 0);
		assert_false(c.pod_ns.set);
		assert_false(c.pod.set);
		assert_string_equal(c.name.bytes, "c");
	}
	assert_int_equal(container_parse_oci_k8s("{}", 2, &c), json_want(-ENOENT));
	assert_int_equal(container_parse_oci_k8s("{\"annotations\":[]}", 18, &c),
			 json_want(-ENOENT));
	assert_int_equal(container_parse_oci_k8s("{\"annotations\":{}}", 18, &c),
			 json_want(-ENOENT));
	assert_int_equal(container_parse_oci_k8s("{\"annotations\":{", 16, &c), json_want(-EINVAL));
	assert_false(c.name.set || c.pod.set || c.pod_ns.set || c.is_sandbox);
}

static void check_machine(const char *text, int want_r, const char *want)
{
	struct container_name n;

	assert_int_equal(container_parse_machine_file(text, strlen(text), &n), want_r);
	assert_int_equal(n.set, want_r == 0);
	if (want)
		assert_string_equal(n.bytes, want);
}

static void test_machine_file(void **state)
{
	check_machine("# This is private data.\nNAME=debian\nLEADER=1234\nCLASS=container\n", 0,
		      "debian");
	check_machine("SCOPE=machine-debian.scope\nNAME=my-box.lan\n", 0, "my-box.lan");
	check_machine("NAME=debian", 0, "debian");
	check_machine("LEADER=1\n", -ENOENT, NULL);
	check_machine("NAME=\n", -ENOENT, NULL);
	check_machine("NAME=../../etc\n", -ENOENT, NULL);
	check_machine("NAME=a\x1b[31m\n", -ENOENT, NULL);
	check_machine("NAME=.hidden\n", -ENOENT, NULL);
	check_machine("NAME=a..b\n", -ENOENT, NULL);
	check_machine("NAME=" HEX64("a") "\n", 0, HEX64("a"));
	check_machine("NAME=" HEX64("a") "a\n", -ENOENT, NULL);
	check_machine("", -ENOENT, NULL);
	assert_true(container_machine_name_valid("a.b-c_d", 7));
	assert_false(container_machine_name_valid("a/b", 3));
	assert_false(container_machine_name_valid("a.", 2));
	assert_false(container_machine_name_valid("", 0));
}

/* ---- lookups under a fake state root ------------------------------------- */

static struct container lookup(const struct ntree *t, struct container c)
{
	struct container_ctx ctx;

	container_ctx_init(&ctx, t->state);
	assert_int_equal(container_lookup(&ctx, &c), 0);
	container_ctx_free(&ctx);
	return c;
}

static void test_lookup_docker(void **state)
{
	const struct ntree *t = *state;
	struct container c = { .runtime = CONTAINER_DOCKER, .id = ID_A };
	char *big;
	char path[PATH_MAX];

	/* Missing: the name stays unset. */
	c = lookup(t, c);
	assert_false(c.name.set);
	nt_writes(t->state, "var/lib/docker/containers/" ID_A "/config.v2.json",
		  "{\"ID\":\"" ID_A "\",\"Name\":\"/web\"}");
	c = lookup(t, c);
	assert_int_equal(c.name.set, container_json_supported());
	if (c.name.set)
		assert_string_equal(c.name.bytes, "web");

	/* Too big (a valid JSON file of 1 MiB + 1 byte): unset, no parse. */
	c = (struct container){ .runtime = CONTAINER_DOCKER, .id = ID_B };
	big = malloc(CONTAINER_STATE_MAX + 1);
	assert_non_null(big);
	memset(big, ' ', CONTAINER_STATE_MAX + 1);
	memcpy(big, "{\"Name\":\"/big\"}", 15);
	nt_write(t->state, "var/lib/docker/containers/" ID_B "/config.v2.json", big,
		 CONTAINER_STATE_MAX + 1);
	c = lookup(t, c);
	assert_false(c.name.set);
	/* Exactly the limit is fine. */
	nt_write(t->state, "var/lib/docker/containers/" ID_B "/config.v2.json", big,
		 CONTAINER_STATE_MAX);
	c = lookup(t, c);
	assert_int_equal(c.name.set, container_json_supported());
	free(big);

	/* A FIFO must not hang us, a directory is no file. */
	c = (struct container){ .runtime = CONTAINER_DOCKER, .id = ID_C };
	nt_mkdirs(t->state, "var/lib/docker/containers/" ID_C);
	nt_path(t->state, "var/lib/docker/containers/" ID_C "/config.v2.json", path);
	assert_int_equal(mkfifo(path, 0600), 0);
	c = lookup(t, c);
	assert_false(c.name.set);
	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);
	c = lookup(t, c);
	assert_false(c.name.set);
}

static void test_lookup_malformed(void **state)
{
	const struct ntree *t = *state;
	static const char *const bad[] = {
		"", "{", "{\"Name\":", "{\"Name\":\"/web", "null", "[]", "{\"Name\":{}}",
		"\xff\xfe{\0\"\0N\0", "{\"Name\":\"/web\"}}", "{\"Name\":\"/a\",\"Name\":\"/b\"}",
	};
	struct container c = { .runtime = CONTAINER_DOCKER, .id = ID_A };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nt_writes(t->state, "var/lib/docker/containers/" ID_A "/config.v2.json", bad[i]);
		c = lookup(t, c);
		assert_false(c.name.set);
	}
}

static void test_lookup_podman_k8s_nspawn(void **state)
{
	const struct ntree *t = *state;
	struct container_ctx ctx;
	struct container c;

	nt_writes(t->state, "var/lib/containers/storage/overlay-containers/containers.json",
		  "[{\"id\":\"" ID_A "\",\"names\":[\"db\"]},"
		  "{\"id\":\"" ID_B "\",\"names\":[\"web\"]}]");
	/* One context, two lookups: the file is read once. */
	container_ctx_init(&ctx, t->state);
	c = (struct container){ .runtime = CONTAINER_PODMAN, .id = ID_A };
	assert_int_equal(container_lookup(&ctx, &c), 0);
	assert_int_equal(c.name.set, container_json_supported());
	nt_writes(t->state, "var/lib/containers/storage/overlay-containers/containers.json", "[");
	c = (struct container){ .runtime = CONTAINER_PODMAN, .id = ID_B };
	assert_int_equal(container_lookup(&ctx, &c), 0);
	assert_int_equal(c.name.set, container_json_supported());
	if (c.name.set)
		assert_string_equal(c.name.bytes, "web");
	c = (struct container){ .runtime = CONTAINER_PODMAN, .id = ID_C };
	assert_int_equal(container_lookup(&ctx, &c), 0);
	assert_false(c.name.set);
	container_ctx_free(&ctx);

	nt_writes(t->state,
		  "run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID_A "/config.json",
		  "{\"annotations\":{\"io.kubernetes.cri.sandbox-namespace\":\"default\","
		  "\"io.kubernetes.cri.sandbox-name\":\"nginx-7d9c\","
		  "\"io.kubernetes.cri.container-name\":\"nginx\"}}");
	c = (struct container){ .runtime = CONTAINER_K8S, .engine = CONTAINER_ENGINE_CONTAINERD,
				.id = ID_A, .pod_uid = "u-1" };
	c = lookup(t, c);
	assert_int_equal(c.pod.set, container_json_supported());
	assert_string_equal(c.pod_uid, "u-1");
	assert_string_equal(c.id, ID_A);
	/* The cgroupfs layout does not say which engine: containerd's is tried. */
	c = (struct container){ .runtime = CONTAINER_K8S, .id = ID_A };
	c = lookup(t, c);
	assert_int_equal(c.name.set, container_json_supported());
	/* CRI-O keeps no bundle there: not read. */
	c = (struct container){
		.runtime = CONTAINER_K8S, .engine = CONTAINER_ENGINE_CRIO, .id = ID_A
	};
	c = lookup(t, c);
	assert_false(c.name.set);

	/* nspawn: NAME= from the machine file (no JSON needed). */
	nt_writes(t->state, "run/systemd/machines/debian", "NAME=debian\nLEADER=99\n");
	c = (struct container){ .runtime = CONTAINER_NSPAWN };
	memcpy(c.name.bytes, "debian", 7);
	c.name.len = 6;
	c.name.set = true;
	c = lookup(t, c);
	assert_string_equal(c.name.bytes, "debian");
	/* A name that is no machine name never becomes a path. */
	nt_writes(t->state, "etc", "NAME=evil\n");
	memcpy(c.name.bytes, "../etc", 7);
	c.name.len = 6;
	c = lookup(t, c);
	assert_string_equal(c.name.bytes, "../etc");
}

static void test_state_root_env(void **state)
{
	struct container_ctx ctx;

	unsetenv("LSOCK_STATE_ROOT");
	assert_string_equal(container_state_root(), "/");
	setenv("LSOCK_STATE_ROOT", "", 1);
	assert_string_equal(container_state_root(), "/");
	setenv("LSOCK_STATE_ROOT", "/tmp/x", 1);
	assert_string_equal(container_state_root(), "/tmp/x");
	container_ctx_init(&ctx, NULL);
	assert_string_equal(ctx.state_root, "/tmp/x");
	container_ctx_free(&ctx);
	unsetenv("LSOCK_STATE_ROOT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_config),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_podman_containers),
		cmocka_unit_test(test_oci_annotations),
		cmocka_unit_test(test_machine_file),
		cmocka_unit_test_setup_teardown(test_lookup_docker, nt_setup, nt_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_malformed, nt_setup, nt_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_podman_k8s_nspawn, nt_setup,
						nt_teardown),
		cmocka_unit_test(test_state_root_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
