/* SPDX-License-Identifier: MIT */
/*
 * Container names from the engines' state files under a state root (see
 * container.h for the paths).  Files are read bounded, as regular files
 * only, and parsed by container_json.c / container_machine.c; any failure
 * leaves the name unset.  Paths are built only from validated parts: a
 * 64-hex id, or a valid machine name, so no cgroup name can reach another
 * file.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsock/container.h"
#include "netns_internal.h"

const char *container_state_root(void)
{
	/* secure_getenv: a test seam must not work on a setuid/setcap run. */
	const char *env = secure_getenv("LSOCK_STATE_ROOT");

	return env && env[0] ? env : "/";
}

void container_ctx_init(struct container_ctx *ctx, const char *state_root)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->state_root = state_root ? state_root : container_state_root();
}

void container_ctx_free(struct container_ctx *ctx)
{
	free(ctx->podman);
	memset(ctx, 0, sizeof(*ctx));
}

/* Reads <state_root>/<rel> (rel without a leading '/'), at most max bytes.
 * Returns 0 or -errno (anything but -ENOMEM means "no such file for us"). */
static int read_state(const struct container_ctx *ctx, const char *rel, size_t max, char **ret,
		      size_t *ret_len)
{
	const char *root = ctx->state_root;
	size_t rl = strlen(root);
	char path[PATH_MAX];
	int n;

	*ret = NULL;
	*ret_len = 0;
	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	n = snprintf(path, sizeof(path), "%.*s/%s", (int)rl, root, rel);
	if (n <= 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return file_read_at(AT_FDCWD, path, max, false, ret, ret_len);
}

static int lookup_docker(struct container_ctx *ctx, struct container *c)
{
	struct container_name name;
	char rel[128 + CONTAINER_ID_LEN];
	size_t len;
	char *buf;
	int r;

	snprintf(rel, sizeof(rel), "var/lib/docker/containers/%s/config.v2.json", c->id);
	r = read_state(ctx, rel, CONTAINER_STATE_MAX, &buf, &len);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	r = container_parse_docker_config(buf, len, c->id, &name);
	free(buf);
	if (r == 0)
		c->name = name;
	return r == -ENOMEM ? r : 0;
}

static int podman_load(struct container_ctx *ctx)
{
	size_t len;
	char *buf;
	int r;

	ctx->podman_loaded = true;
	r = read_state(ctx, "var/lib/containers/storage/overlay-containers/containers.json",
		       CONTAINER_PODMAN_STATE_MAX, &buf, &len);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	r = container_parse_podman_containers(buf, len, &ctx->podman, &ctx->npodman);
	free(buf);
	return r == -ENOMEM ? r : 0;
}

static int lookup_podman(struct container_ctx *ctx, struct container *c)
{
	size_t lo = 0, hi;
	int r;

	if (!ctx->podman_loaded) {
		r = podman_load(ctx);
		if (r < 0)
			return r;
	}
	hi = ctx->npodman;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = memcmp(ctx->podman[mid].id, c->id, CONTAINER_ID_LEN);

		if (cmp == 0) {
			c->name = ctx->podman[mid].name;
			return 0;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* containerd keeps each task's OCI bundle in its state directory,
 * <state>/io.containerd.runtime.v2.task/<namespace>/<id>/config.json; the
 * CRI plugin runs Kubernetes' tasks in containerd namespace "k8s.io". */
static int lookup_k8s(struct container_ctx *ctx, struct container *c)
{
	char rel[128 + CONTAINER_ID_LEN];
	struct container tmp = *c;
	size_t len;
	char *buf;
	int r;

	if (c->engine == CONTAINER_ENGINE_CRIO)
		return 0;
	snprintf(rel, sizeof(rel), "run/containerd/io.containerd.runtime.v2.task/k8s.io/%s/%s",
		 c->id, "config.json");
	r = read_state(ctx, rel, CONTAINER_STATE_MAX, &buf, &len);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	r = container_parse_oci_k8s(buf, len, &tmp);
	free(buf);
	if (r == 0)
		*c = tmp;
	return r == -ENOMEM ? r : 0;
}

static int lookup_nspawn(struct container_ctx *ctx, struct container *c)
{
	struct container_name name;
	char rel[64 + CONTAINER_NAME_MAX];
	size_t len;
	char *buf;
	int r;

	if (!c->name.set || !container_machine_name_valid(c->name.bytes, c->name.len))
		return 0;
	snprintf(rel, sizeof(rel), "run/systemd/machines/%s", c->name.bytes);
	r = read_state(ctx, rel, CONTAINER_STATE_MAX, &buf, &len);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	r = container_parse_machine_file(buf, len, &name);
	free(buf);
	if (r == 0)
		c->name = name;
	return 0;
}

int container_lookup(struct container_ctx *ctx, struct container *c)
{
	switch (c->runtime) {
	case CONTAINER_DOCKER:
		return container_json_supported() ? lookup_docker(ctx, c) : 0;
	case CONTAINER_PODMAN:
		return container_json_supported() ? lookup_podman(ctx, c) : 0;
	case CONTAINER_K8S:
		return container_json_supported() ? lookup_k8s(ctx, c) : 0;
	case CONTAINER_NSPAWN:
		return lookup_nspawn(ctx, c);
	default:
		return 0;
	}
}
