/* SPDX-License-Identifier: MIT */
/*
 * Containers named from what is on disk, never by asking an engine.
 *
 * container_from_cgroup() recognises the cgroup layouts of Docker, Podman,
 * Kubernetes (containerd and CRI-O), LXC and systemd-nspawn.
 * container_lookup() then reads the engines' state files under a state root
 * ("/" normally; $LSOCK_STATE_ROOT for tests, see container_state_root()) for
 * the names a person gave them.
 *
 * State files are untrusted input: bounded in size (CONTAINER_STATE_MAX),
 * parsed with a real JSON library (jansson, optional at build time), and
 * trusted for nothing but a label.  A file that is missing, too big,
 * malformed or of the wrong types leaves the name unset, never an error.
 * Names are kept as raw bytes (control bytes, invalid UTF-8 and all) up to
 * CONTAINER_NAME_MAX; escaping is the output's job.
 */
#ifndef LSOCK_CONTAINER_H
#define LSOCK_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A runc/containerd/CRI-O/Docker/Podman id is 64 lowercase hex digits. */
#define CONTAINER_ID_LEN 64
/* Labels show the first 12, as `docker ps` does. */
#define CONTAINER_SHORT_ID_LEN 12
/* NAME_MAX: a longer name is no name (the label falls back to the id). */
#define CONTAINER_NAME_MAX 255
/* A Kubernetes pod UID is a 36-byte UUID; keep room for odd ones. */
#define CONTAINER_POD_UID_MAX 64
/* The largest state file read: config.v2.json and OCI config.json are a
 * few KiB; Podman's containers.json lists every container (~500 bytes
 * each), hence its own bound. */
#define CONTAINER_STATE_MAX (1u << 20)
#define CONTAINER_PODMAN_STATE_MAX (16u << 20)

enum container_runtime {
	CONTAINER_NONE = 0,
	CONTAINER_DOCKER,
	CONTAINER_PODMAN,
	CONTAINER_K8S,
	CONTAINER_LXC,
	CONTAINER_NSPAWN,
	_CONTAINER_RUNTIME_MAX,
};

/* Which engine runs a Kubernetes container (where its state files are). */
enum container_engine {
	CONTAINER_ENGINE_UNKNOWN = 0, /* kubepods cgroupfs layout: .../pod<uid>/<id> */
	CONTAINER_ENGINE_CONTAINERD,  /* cri-containerd-<id>.scope */
	CONTAINER_ENGINE_CRIO,        /* crio-<id>.scope */
};

/* A name: raw bytes, NUL-terminated for convenience (it may hold NULs). */
struct container_name {
	bool set;
	uint16_t len;
	char bytes[CONTAINER_NAME_MAX + 1];
};

struct container {
	enum container_runtime runtime;
	enum container_engine engine;       /* CONTAINER_K8S only */
	bool is_sandbox;                    /* k8s: the pod's sandbox ("pause") container */
	char id[CONTAINER_ID_LEN + 1];      /* lowercase hex; "" for LXC and nspawn */
	char pod_uid[CONTAINER_POD_UID_MAX + 1]; /* k8s, '-' (the systemd driver's '_' undone) */
	struct container_name name;   /* docker/podman/lxc/nspawn name; k8s container name */
	struct container_name pod;    /* k8s pod (sandbox) name */
	struct container_name pod_ns; /* k8s namespace */
};

/*
 * Recognises a container in one cgroup path (the 0:: line of
 * /proc/PID/cgroup, see cgroup.h).  The deepest matching component wins,
 * so a container nested in another (Docker in LXC) is the inner one:
 *   docker-<id>.scope, or <id> under a "docker" component (cgroupfs driver);
 *   libpod-<id>.scope, libpod-payload-<id>, libpod-<id> (not libpod-conmon-);
 *   cri-containerd-<id>.scope, crio-<id>.scope, or <id> under pod<uid>
 *   (kubepods cgroupfs driver); the pod uid from kubepods-...-pod<uid>.slice
 *   or pod<uid> above;
 *   lxc.payload.<name>, or <name> under an "lxc" component;
 *   systemd-nspawn@<name>.service, the name systemd-unescaped (\x2d is '-',
 *   and '-' is '/').
 * <id> is exactly 64 lowercase hex digits.  Returns 0 and fills *ret, or
 * -ENOENT for any other layout (*ret is then all zero).  Pure.
 */
int container_from_cgroup(const char *path, size_t len, struct container *ret);

/*
 * Undoes systemd's unit-name escaping (unit_name_escape()) of s[0..len):
 * "\xNN" is the byte NN, '-' is '/', everything else is itself.  Writes at
 * most size bytes to buf.  Returns the unescaped length, or -EINVAL for a
 * '\' not followed by "x" and two hex digits, or -ENAMETOOLONG.  Pure.
 */
int container_unescape_unit(const char *s, size_t len, char *buf, size_t size);

struct container_podman_entry {
	char id[CONTAINER_ID_LEN + 1];
	struct container_name name;
};

/* Lookup state shared by every container_lookup() of one naming run: the
 * state root, and Podman's containers.json, parsed once. */
struct container_ctx {
	const char *state_root;
	bool podman_loaded;
	struct container_podman_entry *podman; /* sorted by id */
	size_t npodman;
};

/*
 * The state root: $LSOCK_STATE_ROOT when set and non-empty (read with
 * secure_getenv, so a setuid or file-capability run ignores it), else "/".
 */
const char *container_state_root(void);

/* Starts a lookup context; state_root NULL means container_state_root().
 * Never fails; free with container_ctx_free(). */
void container_ctx_init(struct container_ctx *ctx, const char *state_root);
void container_ctx_free(struct container_ctx *ctx);

/*
 * Fills c's names from the state files under ctx->state_root:
 *   Docker   var/lib/docker/containers/<id>/config.v2.json, "Name" ("/web" is web);
 *   Podman   var/lib/containers/storage/overlay-containers/containers.json,
 *            the first of "names" of the entry whose "id" is <id>;
 *   k8s      run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/config.json
 *            (containerd's OCI bundle), annotations io.kubernetes.cri.sandbox-namespace,
 *            io.kubernetes.cri.sandbox-name, io.kubernetes.cri.container-name,
 *            io.kubernetes.cri.container-type ("sandbox");
 *   nspawn   run/systemd/machines/<name>, NAME= (only for a name that is a
 *            valid machine name, so that no name can reach another path);
 *   LXC, CRI-O: no state read (the LXC name is the cgroup's).
 * Names already set stay unless a state file gives one.  Without jansson
 * the JSON files are not read.  Returns 0, or -ENOMEM.
 */
int container_lookup(struct container_ctx *ctx, struct container *c);

/*
 * The label of a recognised container: "docker:web", "podman:db",
 * "k8s:default/nginx-7d9c/nginx" (or "k8s:default/nginx-7d9c" for the
 * sandbox alone), "lxc:build", "nspawn:debian"; without a name,
 * "<runtime>:<first 12 hex of the id>".  Raw bytes, malloc'd and
 * NUL-terminated.  Returns 0, -ENOENT if c names no container (runtime
 * NONE, or no name and no id), or -ENOMEM; *ret and *ret_len are written
 * on every path (NULL and 0 on failure).
 */
int container_label(const struct container *c, char **ret, size_t *ret_len);

/* "docker", "podman", "k8s", "lxc", "nspawn"; NULL for CONTAINER_NONE or
 * out of range. */
const char *container_runtime_name(enum container_runtime r);

/* Whether lsock was built with jansson (else JSON state files are not read). */
bool container_json_supported(void);

/*
 * The state-file parsers, pure over one buffer (exposed for tests and the
 * fuzz target).  Each returns 0 with the name(s) set, -ENOENT when the file
 * is well-formed but holds no usable name (absent key, wrong type, empty
 * or longer than CONTAINER_NAME_MAX), -EINVAL when it is not valid JSON,
 * -EOPNOTSUPP without jansson, or -ENOMEM.  Outputs are written on every
 * path (unset on failure).
 */
/* config.v2.json: "Name", one leading '/' removed; an "ID" other than id
 * (when id is non-NULL) is -ENOENT. */
int container_parse_docker_config(const char *buf, size_t len, const char *id,
				  struct container_name *ret);
/* containers.json: every {"id": <64 hex>, "names": [<first>, ...]} entry
 * with a usable first name, sorted by id (malloc'd array, free()). */
int container_parse_podman_containers(const char *buf, size_t len,
				      struct container_podman_entry **ret, size_t *ret_len);
/* OCI config.json annotations: sets c->pod_ns, c->pod, c->name and
 * c->is_sandbox (other fields untouched); -ENOENT when none is there. */
int container_parse_oci_k8s(const char *buf, size_t len, struct container *c);
/* /run/systemd/machines/<name>: an env file (KEY=VALUE lines, as machined
 * writes them); NAME= is the name. */
int container_parse_machine_file(const char *buf, size_t len, struct container_name *ret);

/* Whether s[0..len) is a name machined accepts (hostname rules: 1 to 64
 * bytes of [A-Za-z0-9_-.], not "." or ".."): only such a name is used to
 * build a state-file path. */
bool container_machine_name_valid(const char *s, size_t len);

#endif
