/* SPDX-License-Identifier: MIT */
/*
 * The value functions of the netns and unit columns.  Names are raw bytes
 * in the model (a container or unit name may hold control bytes or invalid
 * UTF-8): escaped for the terminal here, exact in JSON (with a "_hex" twin
 * when not valid UTF-8, as for every other name).
 */
#include <string.h>

#include "column_cells.h"
#include "lsock/escape.h"
#include "lsock/owner.h"
#include "lsock/snapshot_netns.h"

static const struct netns *netns_of(const struct render_ctx *c, const struct sock_entry *e)
{
	const struct snapshot_ns *v = snapshot_netns_of(c->netns, e->netns_idx);

	return v ? v->ns : NULL;
}

/* A name as one cell: spaces only in the last column, never empty. */
static void put_cell_name(struct outbuf *o, const char *s, size_t len, bool last, char sep)
{
	if (len == 0)
		outbuf_puts(o, "\"\"");
	else
		esc_text_name(o, s, len, last, sep);
}

CELL_TEXT(netns)
{
	const struct netns *ns = netns_of(c, e);

	if (!ns || !ns->label)
		outbuf_putc(o, '-');
	else
		put_cell_name(o, ns->label, ns->label_len, last, 0);
}

static void json_raw_name(struct json_writer *w, const char *key, const char *hex_key,
			  const void *s, size_t len)
{
	json_key(w, key);
	json_string(w, s, len);
	if (!utf8_valid(s, len)) {
		json_key(w, hex_key);
		json_hex(w, s, len);
	}
}

static void json_opt_name(struct json_writer *w, const char *key, const char *hex_key,
			  const struct container_name *n)
{
	if (n->set) {
		json_raw_name(w, key, hex_key, n->bytes, n->len);
	} else {
		json_key(w, key);
		json_null(w);
	}
}

static void json_container(struct json_writer *w, const struct container *k)
{
	json_key(w, "container");
	if (k->runtime == CONTAINER_NONE) {
		json_null(w);
		return;
	}
	json_begin_object(w);
	json_key(w, "runtime");
	json_cstring(w, container_runtime_name(k->runtime));
	json_key(w, "id");
	json_cstring(w, k->id[0] ? k->id : NULL);
	json_opt_name(w, "name", "name_hex", &k->name);
	if (k->runtime == CONTAINER_K8S) {
		json_opt_name(w, "pod", "pod_hex", &k->pod);
		json_opt_name(w, "namespace", "namespace_hex", &k->pod_ns);
		json_key(w, "pod_uid");
		json_cstring(w, k->pod_uid[0] ? k->pod_uid : NULL);
	}
	json_end_object(w);
}

CELL_JSON(netns)
{
	const struct netns *ns = netns_of(c, e);

	json_key(w, "netns");
	if (!ns) {
		json_null(w);
		return;
	}
	json_begin_object(w);
	json_key(w, "inode");
	json_u64(w, ns->ino);
	/* net:[INODE] is no name: the inode is already there. */
	if (ns->label && ns->label_kind != NETNS_LABEL_INODE) {
		json_raw_name(w, "name", "name_hex", ns->label, ns->label_len);
	} else {
		json_key(w, "name");
		json_null(w);
	}
	json_container(w, &ns->container);
	json_end_object(w);
}

static const struct snapshot_unit *unit_of(const struct render_ctx *c, uint32_t proc)
{
	if (!c->netns || proc >= c->netns->nunits)
		return NULL;
	return &c->netns->units[proc];
}

/* The unit of holder o of e: a listener that only pid 1 holds is named by
 * its .socket unit (its cgroup), else the holder's own unit. */
static const char *owner_unit(const struct render_ctx *c, const struct sock_entry *e,
			      const struct owner *o)
{
	const struct snapshot_unit *u = unit_of(c, o->proc);
	const char *su = NULL;

	if (owner_map_proc(c->owners, o)->pid == 1)
		su = snapshot_netns_socket_unit(c->netns, e->inode);
	return su ? su : u ? u->unit : NULL;
}

/* The units of the holders, one per process, comma-separated; "-" if none. */
CELL_TEXT(unit)
{
	const struct owner *first;
	size_t i, n = 0;
	int32_t last_pid = -1;
	bool any = false;

	n = render_owners(c, e, false, &first);
	for (i = 0; i < n; i++) {
		const struct owner_proc *p = owner_map_proc(c->owners, &first[i]);
		const char *unit = owner_unit(c, e, &first[i]);

		if (p->pid == last_pid || !unit)
			continue;
		last_pid = p->pid;
		if (any)
			outbuf_putc(o, ',');
		any = true;
		put_cell_name(o, unit, strlen(unit), last, ',');
	}
	if (!any)
		outbuf_putc(o, '-');
}

void cell_json_owner_unit(const struct render_ctx *c, const struct sock_entry *e,
			  const struct owner *o, struct json_writer *w)
{
	const struct snapshot_unit *u = unit_of(c, o->proc);

	if (!c->netns || !c->netns->units)
		return; /* units were not read */
	json_key(w, "unit");
	json_cstring(w, owner_unit(c, e, o));
	json_key(w, "user_unit");
	json_cstring(w, u ? u->user_unit : NULL);
}

struct ifname_cache *render_ifnames(const struct render_ctx *c, const struct sock_entry *e)
{
	if (c->netns && e->netns_idx < c->netns->len)
		return &c->netns->v[e->netns_idx].ifnames;
	return c->ifnames;
}
