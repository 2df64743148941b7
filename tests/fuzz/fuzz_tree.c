/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the analyzer's process model, as execrec tree and report
 * use it (libFuzzer's LLVMFuzzerTestOneInput).
 *
 * The input is not a file (fuzz_reader has those) but a story: each eight
 * bytes an event (fork, exec, failed exec, exit, lost marker) of one of a
 * few dozen pids, its parent (one of them, or 0 to 15), a time step that may go backwards, a start
 * time that may be its own, its parent's or another process's, an
 * argument list from a handful, an exit status. It is written as a valid
 * trace, so that every event reaches the model: recycled pids, exits
 * before forks, repeats, cycles of parents, out-of-order times. The first
 * bytes choose the options. Each trace is then drawn as a tree (text,
 * compacted or not, with or without a depth, pids or a filter), as JSON
 * records, and as a report, all into /dev/null.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "etr.h"
#include "replay.h"
#include "report.h"
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MS 1000000ull

static const struct etr_str argvs[] = {
    {"sh\0-c\0make all\0", 16},
    {"cc\0-c\0a.c\0", 10},
    {"cc\0-c\0b.c\0", 10},
    {"true\0", 5},
    {"", 0},
    {"x\0\0y\0", 5},
    {"odd\0\xff\xfe\n\0", 8},
};
static const char *const files[] = {"/bin/sh", "/usr/bin/cc", "/usr/bin/cc", "/bin/true",
				    "",	       "/x",	      "/odd"};

static int write_trace(const uint8_t *data, size_t size, char **ret_buf, size_t *ret_len)
{
	struct etr_writer_opts wo = {.sz = sizeof(wo), .chunk_bytes = 512, .level = 1};
	uint64_t ts = 1000 * MS, starts[64] = {0};
	struct etr_writer *w;
	off_t end;
	int fd, err = 0;

	fd = memfd_create("fuzz-tree", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	w = etr_writer__open_fd(fd, &wo);
	if (!w)
		abort();
	for (size_t i = 0; i + 8 <= size && !err; i += 8) {
		const uint8_t *b = data + i;
		struct etr_event ev;
		uint32_t pid = 100u + b[1] % 48u,
			 ppid = b[2] < 240 ? 100u + b[2] % 48u : b[2] - 240u;
		size_t a = b[6] % (sizeof(argvs) / sizeof(argvs[0]));

		memset(&ev, 0, sizeof(ev));
		ev.type = (uint16_t[]){ETR_EV_FORK, ETR_EV_EXEC, ETR_EV_EXEC_FAIL, ETR_EV_EXIT,
				       ETR_EV_LOST}[b[0] % 5];
		/* mostly forward, sometimes back (the reorder window, and late) */
		ts = (int8_t)b[3] < -100 ? ts - (uint64_t)(b[3] & 0x7f) * MS
					 : ts + (uint64_t)(b[3] & 0x7f) * 100000;
		ev.ts_ns = ts;
		ev.pid = ev.tid = pid;
		ev.ppid = ppid;
		ev.uid = ev.gid = b[7] % 3;
		switch (b[4] % 4) {
		case 0: /* a new process */
			starts[pid % 64] = ts;
			break;
		case 1: /* its parent's start: a clash */
			starts[pid % 64] = starts[ppid % 64];
			break;
		case 2: /* unknown */
			starts[pid % 64] = 0;
			break;
		default: /* the same process as before */
			break;
		}
		ev.start_ns = starts[pid % 64];
		ev.flags = b[5] & (ETR_EVF_THREAD | ETR_EVF_ARGV_TRUNC | ETR_EVF_CORE_DUMPED);
		ev.comm = (struct etr_str){"comm", 4};
		ev.filename = (struct etr_str){files[a], (uint32_t)strlen(files[a])};
		ev.cwd = (struct etr_str){"/", 1};
		ev.argv = argvs[a];
		ev.env = (struct etr_str){"", 0};
		ev.old_tid = b[5] & 0x80 ? pid + 1 : pid;
		ev.parent_tid = ppid;
		ev.ret = ev.type == ETR_EV_EXEC_FAIL ? -(int)(b[7] % 40) - 1 : 0;
		ev.exit_code = b[7] % 4 == 0 ? b[7] : 0;
		ev.signal = b[7] % 4 == 1 ? b[7] % 65 : 0;
		ev.lost_type = b[7] % 6;
		ev.lost_count = b[7];
		err = etr_writer__write_event(w, &ev);
	}
	if (!err)
		err = etr_writer__close_at(w, 0, ts + 10 * MS);
	etr_writer__free(w);
	end = lseek(fd, 0, SEEK_END);
	*ret_len = end > 0 ? (size_t)end : 0;
	*ret_buf = malloc(*ret_len + 1);
	if (!*ret_buf || pread(fd, *ret_buf, *ret_len, 0) != (ssize_t)*ret_len)
		abort();
	close(fd);
	return err ? -1 : 0;
}

static void draw(const char *buf, size_t len, uint8_t opt, FILE *out)
{
	struct rp_tree_print_opts po = {
	    .sz = sizeof(po),
	    .no_compact = opt & 1,
	    .limit_depth = opt & 2,
	    .depth = opt >> 6,
	    .max_args = opt & 4 ? 3 : 0,
	    .unicode = opt & 8,
	    .color = opt & 16,
	};
	static const uint32_t pids[] = {100, 101, 130};
	struct rp_tree_opts to = {.sz = sizeof(to)};
	struct rp_filter *flt = NULL;
	const struct etr_event *ev;
	struct rp_trace *t;
	struct rp_tree *tree;
	char err[256];

	if (opt & 32) {
		to.pids = pids;
		to.npids = 3;
	}
	if ((opt & 0xc0) == 0xc0) {
		flt = rp_filter__new();
		if (!flt || rp_filter__set(flt, "grep", "a\\.c", err, sizeof(err)))
			abort();
		to.filter = flt;
	}
	for (int text = 0; text < 2; text++) {
		to.text = text ? &po : NULL;
		t = rp_trace__open_mem(buf, len, NULL);
		if (!t)
			break;
		tree = rp_tree__new(t, &to);
		if (!tree)
			abort();
		while (rp_trace__next_event(t, &ev) > 0) {
			if (ev->type != RP_EV_PROC)
				rp_filter__bind(flt, t, err, sizeof(err));
			if (rp_tree__add(tree, ev))
				break;
		}
		if (!rp_tree__finish(tree)) {
			if (text)
				rp_tree__print_text(tree, out);
			else
				rp_tree__print_json(tree, out);
		}
		rp_tree__free(tree);
		rp_trace__free(t);
	}
	rp_filter__free(flt);
}

static void report(const char *buf, size_t len, FILE *out)
{
	struct rp_report_opts ro = {.sz = sizeof(ro)};
	const struct etr_event *ev;
	struct rp_trace *t = rp_trace__open_mem(buf, len, NULL);
	struct rp_report *r;

	if (!t)
		return;
	r = rp_report__new(t, &ro);
	if (!r)
		abort();
	while (rp_trace__next_event(t, &ev) > 0)
		if (rp_report__add(r, ev))
			break;
	if (!rp_report__finish(r))
		rp_report__print_text(r, out, "fuzz", false);
	rp_report__free(r);
	rp_trace__free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *out;
	char *buf = NULL;
	size_t len = 0;

	if (size < 1)
		return 0;
	if (!out)
		out = fopen("/dev/null", "w");
	if (!out)
		abort();
	if (write_trace(data + 1, size - 1, &buf, &len) == 0) {
		draw(buf, len, data[0], out);
		report(buf, len, out);
	}
	free(buf);
	return 0;
}
