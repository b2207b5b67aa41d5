/* SPDX-License-Identifier: MIT */
/* Namespaces held open for --watch; see lsock/netns_pins.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsock/netns_pins.h"

static struct netns_pin *find_pin(const struct netns_pins *p, uint64_t ino)
{
	size_t lo = 0, hi = p->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->v[mid].ino == ino)
			return &p->v[mid];
		if (p->v[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int add_pin(struct netns_pins *p, uint64_t ino, int fd)
{
	size_t i;

	if (p->len == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct netns_pin *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	for (i = p->len; i > 0 && p->v[i - 1].ino > ino; i--)
		p->v[i] = p->v[i - 1];
	p->v[i] = (struct netns_pin){ .ino = ino, .fd = fd };
	p->len++;
	return 0;
}

/* Whether nothing but our own fds holds ns: no process in it, no mount,
 * no other process's fd, no socket of another process. */
static bool held_by_us_alone(const struct netns *ns, int32_t self)
{
	size_t i;

	if (ns->npids || ns->is_initial)
		return false;
	for (i = 0; i < ns->npaths; i++)
		if (ns->paths[i].kind != NETNS_PATH_FD || ns->paths[i].pid != self)
			return false;
	return true;
}

/* The namespace of listed index idx has a socket in t. */
static bool has_sockets(const struct sock_table *t, size_t idx)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->entries[i].netns_idx == idx)
			return true;
	return false;
}

int netns_pins_update(struct netns_pins *p, const struct snapshot_netns *n,
		      const struct sock_table *t)
{
	int32_t self = (int32_t)getpid();
	size_t i;

	for (i = 0; i < n->len; i++) {
		const struct snapshot_ns *s = &n->v[i];
		struct netns_pin *pin = find_pin(p, s->ino);
		int fd, r;

		if (pin) {
			if (s->ns && held_by_us_alone(s->ns, self) && !has_sockets(t, i)) {
				close(pin->fd);
				memmove(pin, pin + 1,
					(size_t)(p->v + p->len - (pin + 1)) * sizeof(*pin));
				p->len--;
			}
			continue;
		}
		if (!s->ns)
			continue;
		r = netns_open(s->ns, &fd);
		if (r == -ENOMEM || r == -EMFILE || r == -ENFILE)
			return r;
		if (r < 0)
			continue; /* gone since it was listed */
		r = add_pin(p, s->ino, fd);
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	return 0;
}

void netns_pins_free(struct netns_pins *p)
{
	size_t i;

	for (i = 0; i < p->len; i++)
		close(p->v[i].fd);
	free(p->v);
	memset(p, 0, sizeof(*p));
}
