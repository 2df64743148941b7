/* SPDX-License-Identifier: MIT */
/* Synthetic traces for the export tests, written with format/'s writer. */
#ifndef EXECREC_TESTS_SYNTH_H
#define EXECREC_TESTS_SYNTH_H

#include <stdbool.h>
#include <stdint.h>

#include "etr.h"

#define MS 1000000ull
#define SEC 1000000000ull

/* Start a trace at @path; T0 is the boot time of the recording's start. */
int synth_open(const char *path, uint64_t t0);
void synth_meta(const char *key, const char *value);
/* A process alive at the start (snapshot). */
void synth_snap(uint32_t pid, uint32_t ppid, uint64_t start, const char *comm, const char *exe,
		const char *const *args);
/* A cgroup of the map (op ETR_CGROUP_*), and the cgroup of the events and
 * snapshot entries written next (until set: 77, named by no cgroup, for
 * events, 0 for snapshot entries). */
void synth_cgroup(uint64_t ts, uint32_t op, uint64_t id, const char *path);
void synth_in_cgroup(uint64_t id);
void synth_fork(uint64_t ts, uint32_t pid, uint32_t ppid, const char *comm);
/* An exec (ret 0) or a failed one (ret -errno) of (pid, start). */
void synth_exec(uint64_t ts, uint32_t pid, uint32_t ppid, uint64_t start, int ret, const char *file,
		const char *cwd, const char *const *args);
/* The same with explicit argument lengths (arguments may hold any byte). */
void synth_exec_raw(uint64_t ts, uint32_t pid, uint32_t ppid, uint64_t start, const char *file,
		    const char *cwd, const char *const *args, const size_t *lens);
void synth_exit(uint64_t ts, uint32_t pid, uint32_t ppid, uint64_t start, const char *comm,
		int code, int sig);
void synth_lost(uint64_t ts, uint16_t type, uint64_t count);
/* Fork, exec @file with @args, exit with @code after @dur: one child. */
void synth_run(uint64_t ts, uint32_t pid, uint32_t ppid, const char *file, const char *cwd,
	       const char *const *args, uint64_t dur, int code, int sig);
/* Write the END record at @end_ts and close. 0 or -errno. */
int synth_close(uint64_t end_ts);

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

#endif
