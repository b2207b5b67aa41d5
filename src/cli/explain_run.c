/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsock/cli_modes.h"
#include "lsock/explain.h"

/*
 * The ephemeral port range from <proc_root>/sys/net/ipv4/ip_local_port_range
 * ("32768\t60999\n"; the kernel keeps lo <= hi, ipv4_local_port_range()).
 * Only a regular file is read, as everywhere under the proc root.  *ret_lo
 * and *ret_hi are 0 when it cannot be read or parsed: then no note claims
 * a port is ephemeral.
 */
static void read_port_range(const char *proc_root, uint16_t *ret_lo, uint16_t *ret_hi)
{
	char path[PATH_MAX], buf[64];
	unsigned lo, hi;
	struct stat st;
	ssize_t n;
	int fd;

	*ret_lo = *ret_hi = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/sys/net/ipv4/ip_local_port_range", proc_root) >=
	    sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "%u %u", &lo, &hi) != 2 || lo > hi || hi > 65535 || lo == 0)
		return;
	*ret_lo = (uint16_t)lo;
	*ret_hi = (uint16_t)hi;
}

void text_write(struct outbuf *o, const struct query_plan *p, const struct render_ctx *c)
{
	struct text_layout l = p->layout;
	struct text_notes hooks;
	struct explain x;
	uint16_t lo, hi;

	l.color = p->color;
	if (!p->explain) {
		fmt_text(o, &l, c);
		return;
	}
	read_port_range(p->spec.proc_root, &lo, &hi);
	explain_prepare(c, &l, lo, hi, &x);
	hooks = explain_hooks(&x);
	l.notes = &hooks;
	fmt_text(o, &l, c);
	explain_write(o, &x);
}
