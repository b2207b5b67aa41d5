/* SPDX-License-Identifier: MIT */
/*
 * The namespaces a --watch under --all-netns holds open: one nsfs fd per
 * namespace it has listed.  An open nsfs fd keeps the namespace alive
 * (nsfs holds a reference to struct net), so its inode, the namespace
 * part of the key --watch matches sockets by, is not handed to another
 * namespace while the watch may still compare against it; and a
 * namespace whose last process exits between two snapshots is still there
 * to enter (netns_scan_fds() finds it through lsock's own fd), so the
 * closing of its sockets is seen and reported.
 *
 * A pin is let go once the namespace is empty (no socket listed) and
 * nothing but the pin holds it (no process, mount, other fd, or socket):
 * its sockets' closing has been reported by then, and keeping it would
 * keep a dead namespace alive for as long as the watch runs.
 */
#ifndef LSOCK_NETNS_PINS_H
#define LSOCK_NETNS_PINS_H

#include <stddef.h>
#include <stdint.h>

#include "lsock/snapshot_netns.h"
#include "lsock/sock_table.h"

struct netns_pin {
	uint64_t ino;
	int fd;
};

struct netns_pins {
	struct netns_pin *v; /* sorted by ino */
	size_t len;
	size_t cap;
};

/*
 * After a snapshot (table t, namespaces n): pins every namespace of n not
 * pinned yet, and lets go of those that are empty and held by the pin
 * alone.  A namespace that cannot be opened any more is skipped (it is
 * gone).  Returns 0, -ENOMEM, -EMFILE or -ENFILE (then the pins are as
 * they were, plus those opened so far).
 */
int netns_pins_update(struct netns_pins *p, const struct snapshot_netns *n,
		      const struct sock_table *t);

/* Closes every pin; an all-zero struct is fine. */
void netns_pins_free(struct netns_pins *p);

#endif
