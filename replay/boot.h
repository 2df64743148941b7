/* SPDX-License-Identifier: MIT */
/*
 * boot.h - the boot view: a trace's processes by the systemd unit they ran
 * in (replay.h's cgroup map), one line per unit in the order of its first
 * process, with the kernel's own time before the recorder started.
 */
#ifndef EXECREC_REPLAY_BOOT_H
#define EXECREC_REPLAY_BOOT_H

#include "replay.h"

#define RP_BOOT_BUSIEST 3

struct rp_boot_cmd {
	char name[64];
	uint32_t count;
};

/* A process of a unit that failed: non-zero exit, signal, or failed exec. */
#define RP_BOOT_FAILS 5
struct rp_boot_fail {
	char name[64];
	uint32_t pid;
	int32_t exit_code, signal;
	uint32_t failed_execs;
};

struct rp_boot_unit {
	const char *name; /* the unit, or the cgroup path where none holds it */
	bool is_unit;
	uint64_t first_ns; /* start of its first process, CLOCK_BOOTTIME */
	uint64_t last_ns;  /* last exit; 0 if none exited */
	bool running;	   /* a process of it was running at the end */
	uint32_t procs, snapshot, execs, failed_execs, bad_exits, signals;
	struct rp_boot_cmd busiest[RP_BOOT_BUSIEST]; /* by processes, most first */
	struct rp_boot_fail fails[RP_BOOT_FAILS];    /* the first that failed */
	uint32_t nfails;			     /* failed processes, all of them */
	/* private: every command's count */
	struct rp_boot_cmd *cmds;
	size_t ncmds, cmds_cap;
};

struct rp_boot;

struct rp_boot_opts {
	size_t sz;
	const struct rp_filter *filter; /* processes to count (NULL = all) */
};

/* NULL + errno. Feed every event of @t with rp_boot__add, then finish. */
struct rp_boot *rp_boot__new(struct rp_trace *t, const struct rp_boot_opts *opts);
void rp_boot__free(struct rp_boot *b);
int rp_boot__add(struct rp_boot *b, const struct etr_event *ev);
int rp_boot__finish(struct rp_boot *b);

/* The units, ordered by first_ns (valid after finish). */
size_t rp_boot__count(const struct rp_boot *b);
const struct rp_boot_unit *rp_boot__unit(const struct rp_boot *b, size_t i);
/* The unit named @name, or NULL. */
const struct rp_boot_unit *rp_boot__find(const struct rp_boot *b, const char *name);

/* Whether anything of @u failed (failed exec, non-zero exit, signal). */
static inline bool rp_boot_unit__failed(const struct rp_boot_unit *u)
{
	return u->nfails != 0;
}

/* Two boots compared by unit (boot_diff.c): units only in @nw (NEW), only
 * in @base (GONE), failing in @nw but not in @base (NOW-FAILS), slower by
 * more than @threshold times and @min_delta_ns (SLOWER: wall span, units
 * that ended in both), each with the processes behind it. Writes the report
 * (JSON lines with @json) and returns the classes that changed as a mask of
 * 1 << enum rp_boot_change. */
enum rp_boot_change {
	RP_BOOT_NEW,
	RP_BOOT_GONE,
	RP_BOOT_NOW_FAILS,
	RP_BOOT_SLOWER,
};
unsigned rp_boot__diff(const struct rp_boot *base, const struct rp_boot *nw, double threshold,
		       uint64_t min_delta_ns, bool json, FILE *f);

/* The classes named in @list ("new,gone", "fails", "slower", "all") into
 * *ret_mask (1 << enum rp_boot_change each). 0, or -EINVAL with the message
 * in @err for an unknown name or no class at all. */
int rp_boot__diff_classes(const char *list, unsigned *ret_mask, char *err, size_t err_len);

void rp_boot__print_text(const struct rp_boot *b, FILE *f, const char *path);
void rp_boot__print_json(const struct rp_boot *b, FILE *f, const char *path);

#endif
