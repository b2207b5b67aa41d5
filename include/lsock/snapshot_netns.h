/* SPDX-License-Identifier: MIT */
/*
 * The network namespaces of a snapshot: which ones it lists (lsock's own,
 * every one with --all-netns, one with --netns), what they are called, and
 * the interface names of each (an ifindex means something only inside its
 * namespace).  sock_entry.netns_idx indexes snapshot_netns.v.
 *
 * A namespace is one more collection: setns(CLONE_NEWNET) on the main
 * thread, collect_run() there (its sock_diag socket stays bound to the
 * namespace it was opened in; the /proc fallback reads
 * /proc/thread-self/net), then back to the original namespace through an
 * fd kept open on it.  The owner walk is done once for all of them:
 * socket inodes are global.
 */
#ifndef LSOCK_SNAPSHOT_NETNS_H
#define LSOCK_SNAPSHOT_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsock/ifaddr.h"
#include "lsock/ifnames.h"
#include "lsock/netns.h"
#include "lsock/sockstat.h"

enum netns_select {
	NETNS_SELECT_CURRENT = 0, /* lsock's own namespace (the default) */
	NETNS_SELECT_ALL,         /* --all-netns */
	NETNS_SELECT_ONE,         /* --netns */
};

struct netns_request {
	enum netns_select select;
	const char *path; /* ONE: the nsfs file the --netns argument names */
	bool label;       /* CURRENT: name lsock's own namespace (JSON, the netns column) */
	bool note;        /* CURRENT: count the listeners of the other namespaces */
	uint32_t note_states; /* the listening states shown (SOCK_STATE_BIT mask) */
	bool units;       /* read the systemd unit of every owner process */
	bool sockstat;    /* ALL, ONE: read each one's sockstat, snmp and netstat (-s) */
	bool addrs;       /* ALL, ONE: dump each one's addresses (--audit) */
};

/* A listener held only by pid 1: the unit of its cgroup (a .socket unit). */
struct snapshot_socket_unit {
	uint32_t inode;
	char *unit;
};

/* The systemd units of one owner process (see unit.h); NULL: none. */
struct snapshot_unit {
	char *unit;
	char *user_unit;
};

/* One namespace listed. */
struct snapshot_ns {
	uint64_t dev;
	uint64_t ino;
	const struct netns *ns;      /* into snapshot_netns.set, once it is complete */
	struct ifname_cache ifnames; /* its interfaces (filled while inside it) */
	bool unix_check;             /* its UNIX dump may have missed a socket (churn) */
	size_t nunix;                /* UNIX rows its dump gave, before the prune */
	struct sockstat kernel;      /* with netns_request.sockstat: its own figures */
	struct ifaddr_table addrs;   /* with netns_request.addrs: its addresses, */
	int addrs_error;             /* or why they could not be read (-errno) */
};

/* At most this many namespaces are listed (netns_idx is 16 bits). */
#define SNAPSHOT_NETNS_MAX 65535u

struct snapshot_netns {
	struct netns_set set;
	struct snapshot_ns *v; /* indexed by sock_entry.netns_idx */
	size_t len;
	unsigned n_unentered;  /* ALL: namespaces seen but not entered (denied, gone) */
	int unentered_error;   /* the last such -errno */
	int enter_error;       /* ONE: why it could not be entered (then the snapshot failed) */
	/* The note (CURRENT with note): */
	bool note_checked;
	size_t hidden_listeners; /* listening sockets in other namespaces */
	unsigned hidden_netns;   /* namespaces that hold them */
	unsigned note_unentered; /* other namespaces that could not be looked into */
	/* With units: parallel to the snapshot's owners.procs. */
	struct snapshot_unit *units;
	size_t nunits;
	struct snapshot_socket_unit *socket_units; /* sorted by inode */
	size_t nsocket_units;
};

/* The unit of the socket of inode as pid 1 holds it, or NULL. */
const char *snapshot_netns_socket_unit(const struct snapshot_netns *n, uint32_t inode);

/* The namespace of e's netns_idx, or NULL when none is known. */
static inline const struct snapshot_ns *snapshot_netns_of(const struct snapshot_netns *n,
							  uint16_t idx)
{
	return n && idx < n->len ? &n->v[idx] : NULL;
}

/* Frees everything; NULL or an all-zero struct is fine. */
void snapshot_netns_free(struct snapshot_netns *n);

/*
 * Resolves a --netns argument: a PID (digits: <proc_root>/PID/ns/net), a
 * PATH (holds a '/': an nsfs file, such as /run/netns/NAME), or a NAME
 * (an ip netns name: /run/netns/NAME).  The file must exist and be a
 * network namespace.  Returns 0 and a malloc'd path in *ret (free() it),
 * -EINVAL for an argument that names no namespace, or -ENOMEM; *ret is
 * written on every path.
 */
int snapshot_netns_resolve(const char *arg, const char *proc_root, char **ret);

#endif
