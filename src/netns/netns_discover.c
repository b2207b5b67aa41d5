/* SPDX-License-Identifier: MIT */
/* The usual discovery: processes, mounts, fds, then the host's namespace. */
#include <string.h>

#include "netns_internal.h"

int netns_discover(const char *proc_root, unsigned scans, struct netns_set *ret)
{
	struct netns_set s = { 0 };
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	if (scans & NETNS_SRC_PROC)
		r = netns_scan_procs(proc_root, &s);
	if (r == 0 && (scans & NETNS_SRC_MOUNT))
		r = netns_scan_mounts(proc_root, &s);
	if (r == 0 && (scans & NETNS_SRC_FD))
		r = netns_scan_fds(proc_root, &s);
	if (r == 0)
		r = netns_mark_initial(proc_root, &s);
	if (r < 0) {
		netns_set_free(&s);
		return r;
	}
	*ret = s;
	return 0;
}
