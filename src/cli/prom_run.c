/* SPDX-License-Identifier: MIT */
/*
 * --format=prometheus [--output-file FILE].  The file is replaced
 * atomically: the metrics go to a temporary file in FILE's directory
 * (same file system, so rename(2) can replace FILE in one step), which is
 * flushed to disk and renamed over FILE.  A reader (node_exporter's
 * textfile collector) opens either the old file or the new one, never a
 * half-written one.  The temporary name starts with '.' and does not end
 * in .prom, so the collector, which reads *.prom, never picks it up.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lsock/fmt_prom.h"
#include "lsock/i18n.h"
#include "lsock/modes.h"
#include "lsock/report.h"
#include "lsock/snapshot.h"
#include "lsock/sock_tracker.h"
#include "lsock/unit.h"

/* Writes what o holds to a temporary file beside path and renames it over
 * path.  Returns 0 or -errno (the temporary file is removed on failure). */
static int write_atomic(const char *path, const struct outbuf *mem)
{
	char dirbuf[PATH_MAX], basebuf[PATH_MAX], tmp[PATH_MAX];
	struct outbuf o;
	int fd, r;

	if (strlen(path) >= sizeof(dirbuf))
		return -ENAMETOOLONG;
	strcpy(dirbuf, path);
	strcpy(basebuf, path);
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dirname(dirbuf), basename(basebuf)) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* mkostemp() makes it 0600; the collector runs as another user. */
	r = fchmod(fd, 0644) < 0 ? -errno : 0;
	if (r == 0)
		r = outbuf_init(&o, fd);
	if (r == 0) {
		outbuf_put(&o, mem->buf, mem->len);
		r = outbuf_flush(&o);
		outbuf_free(&o);
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

/* Units by pid, read once each from <proc_root>/PID/cgroup. */
struct unit_cache {
	const struct owner_map *owners;
	int procfd;
	size_t len, cap;
	struct unit_cached {
		int32_t pid;
		char unit[UNIT_NAME_MAX + 1];
	} *v;
};

static const char *unit_of(const struct sock_entry *e, void *data)
{
	struct unit_cache *c = data;
	const struct owner *first;
	struct unit_info info;
	char rel[32];
	int32_t pid;
	size_t i;

	if (c->procfd < 0 || !owner_map_find(c->owners, e->inode, &first))
		return NULL;
	pid = owner_map_proc(c->owners, first)->pid;
	for (i = 0; i < c->len; i++)
		if (c->v[i].pid == pid)
			return c->v[i].unit;
	if (c->len == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct unit_cached *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	snprintf(rel, sizeof(rel), "%d/cgroup", (int)pid);
	/* A process that exited meanwhile has no unit: the label is empty. */
	(void)unit_read_at(c->procfd, rel, &info);
	c->v[c->len].pid = pid;
	memcpy(c->v[c->len].unit, info.unit, sizeof(info.unit));
	return c->v[c->len++].unit;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int prom_run(const struct query_plan *plan)
{
	struct filter_prune fp = { .states = plan->spec.states, .filter = plan->filter };
	struct snapshot_request req = { .collect = plan->spec, .owners = true };
	struct netns_request nr = plan->netns;
	struct prom_scrape s = { .netns = "" };
	struct unit_cache units = { .procfd = -1 };
	struct mode_render mr;
	struct snapshot snap;
	struct render_ctx c;
	struct timespec wall;
	struct outbuf o;
	uint64_t t0;
	int r, status = 0;

	/* Every namespace with --all-netns; each series is labelled with its
	 * namespace's name, lsock's own too; the note on other namespaces is for a terminal, not here. */
	nr.note = false;
	nr.label = true;
	req.netns = &nr;
	filter_prune_request(&req, &fp);
	memset(&mr, 0, sizeof(mr));
	clock_gettime(CLOCK_REALTIME, &wall);
	t0 = mono_ns();
	r = snapshot_take(&req, &snap);
	s.duration_ns = mono_ns() - t0;
	s.when.sec = wall.tv_sec;
	s.when.msec = (uint32_t)(wall.tv_nsec / 1000000);
	report_collect(&plan->spec, &snap.report, plan->verbose);
	if (r < 0) {
		status = report_snapshot_failure(&plan->spec, &snap.report, snap.owners_error, r);
		snapshot_free(&snap);
		return status;
	}
	if (snap.owners_walked && !owner_map_complete(&snap.owners))
		report_owner_note(&snap.owners, OUTPUT_TEXT, plan->verbose);
	c = mode_render_ctx(&mr, plan, &snap.table, &snap.owners, &snap.netns);
	units.owners = &snap.owners;
	units.procfd = open(plan->spec.proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	s.unit_of = unit_of;
	s.unit_data = &units;
	/* Memory first: the file is written only once the text is whole. */
	r = outbuf_init(&o, plan->output_file ? -1 : STDOUT_FILENO);
	if (r == 0) {
		fmt_prom(&o, &c, &s);
		r = outbuf_error(&o);
	}
	if (r == 0 && plan->output_file) {
		r = write_atomic(plan->output_file, &o);
		if (r < 0) {
			char shown[PATH_MAX];

			snprintf(shown, sizeof(shown), "%s", plan->output_file);
			fprintf(stderr, _("lsock: cannot write %s: %s\n"), shown, strerror(-r));
			status = 3;
		}
	} else if (r == 0) {
		r = outbuf_flush(&o);
		if (r < 0) {
			fprintf(stderr, _("lsock: write error: %s\n"), strerror(-r));
			status = 3;
		}
	} else {
		fprintf(stderr, "lsock: %s\n", strerror(-r));
		status = 3;
	}
	outbuf_free(&o);
	if (units.procfd >= 0)
		close(units.procfd);
	free(units.v);
	snapshot_free(&snap);
	mode_render_free(&mr);
	return status;
}
