/* SPDX-License-Identifier: MIT */
/*
 * diff.h - compare recordings process by process, without pids
 *
 * An rdiff holds one or more baseline traces and one new trace. Each is
 * read into replay/'s process model; every process gets a key, its
 * normalized command (the programs it ran, each as executable and argv,
 * with pids, temporary names, hashes and timestamps rewritten), and the
 * trees are matched top down: two processes are the same execution when
 * their keys match, their parents are the same execution, and they have the
 * same ordinal among equal siblings (start order). What matched is then
 * compared (exit status, duration); what did not is NEW or GONE; a command
 * run a different number of times under the same parent is COUNT.
 *
 * With several baselines, a change must be outside what the baselines
 * disagree on: NEW is absent from every baseline, GONE present in every
 * one, NOW-FAILS passed in every one, SLOWER slower than the slowest.
 *
 * Conventions are replay/'s (libbpf's): rdiff__verb names, 0 or -errno,
 * constructors return NULL and set errno, destructors accept NULL, and
 * nothing here prints a diagnostic: errors come back as -errno with one
 * line in the caller's buffer, warnings are kept for the caller to show.
 * The print functions write the report itself to the FILE they are given.
 */
#ifndef EXECREC_DIFF_H
#define EXECREC_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Classes of change. The order is the report's. */
enum rdiff_class {
	RDIFF_NEW,	  /* only in NEW */
	RDIFF_GONE,	  /* only in BASE */
	RDIFF_NOW_FAILS,  /* passed before; non-zero exit, signal or failed exec now */
	RDIFF_NOW_PASSES, /* failed before, passes now */
	RDIFF_SLOWER,	  /* duration ratio beyond the threshold, and far enough apart */
	RDIFF_FASTER,
	RDIFF_COUNT, /* the same command run a different number of times */
	RDIFF_CLASS__NR,
};

/* "NEW", "GONE", "NOW-FAILS", ...; NULL out of range. */
const char *rdiff_class__str(enum rdiff_class c);
/* The name in --fail-on and JSON: "new", "gone", "fails", "passes", "slower",
 * "faster", "count". */
const char *rdiff_class__key(enum rdiff_class c);
/* A --fail-on name (the keys above, also "now-fails", "now-passes"):
 * 0 and *ret_class, or -ENOENT. */
int rdiff_class__parse(const char *s, size_t len, enum rdiff_class *ret_class);

#define RDIFF_THRESHOLD_DEFAULT 1.5
#define RDIFF_MIN_DELTA_NS_DEFAULT (50ull * 1000 * 1000)
/* Baselines at most (each is a whole model in memory). */
#define RDIFF_MAX_BASES 16

struct rdiff_opts {
	size_t sz; /* sizeof(struct rdiff_opts) */
	/* SLOWER/FASTER: ratio of durations (0 = 1.5) ... */
	double threshold;
	/* ... and at least this far apart (0 = 50 ms; 1 = ratio alone) */
	uint64_t min_delta_ns;
	/* the reorder window of the traces (0 = replay's default) */
	uint64_t reorder_ns;
};

struct rdiff;

struct rdiff *rdiff__new(const struct rdiff_opts *opts);
void rdiff__free(struct rdiff *d);

/*
 * Rewrite the path prefix @from of the baselines into @to before
 * normalizing ("/home/ci/build-41=/home/ci/build-42"): a prefix matches at
 * the start of an argument or after '=', ',', ':' or a quote, and only up to
 * a '/' or the end of the path. From "OLD=NEW" (the first '=' splits).
 * 0, or -EINVAL with a message in @err.
 */
int rdiff__add_map(struct rdiff *d, const char *spec, char *err, size_t err_len);
/* Leave out the processes whose command line (argv joined by spaces, as
 * recorded or normalized) matches the POSIX extended regex @re, with all
 * they started. 0, or -EINVAL with the regcomp message in @err. */
int rdiff__add_ignore(struct rdiff *d, const char *re, char *err, size_t err_len);

/*
 * Read a trace, a baseline or the new one (exactly one new, added last or
 * not, before rdiff__compute). "-" is standard input. A trace that opens
 * but is damaged is read as far as it goes, with a warning. Returns 0, or
 * -errno with one line naming the file in @err: the open(2) error, -EINVAL
 * (not a trace), -ENOTSUP (newer format), -EBADMSG (unreadable header),
 * -ENOMEM, -E2BIG (too many baselines), -EEXIST (a second new trace),
 * -EINVAL ("-" given a second time).
 */
int rdiff__add_base(struct rdiff *d, const char *path, char *err, size_t err_len);
int rdiff__set_new(struct rdiff *d, const char *path, char *err, size_t err_len);

/* Match and classify. 0, -EINVAL (no baseline or no new trace), -ENOMEM. */
int rdiff__compute(struct rdiff *d);

/* What a comparison is given: the lists of a command line. */
struct rdiff_inputs {
	const char *const *maps; /* for rdiff__add_map */
	size_t nmaps;
	const char *const *ignores; /* for rdiff__add_ignore */
	size_t nignores;
	const char *const *bases; /* for rdiff__add_base */
	size_t nbases;
	const char *new_path; /* for rdiff__set_new */
};

/* All of @in, in that order, then rdiff__compute. 0, or -errno with one
 * line in @err (the first problem). */
int rdiff__load(struct rdiff *d, const struct rdiff_inputs *in, char *err, size_t err_len);

/* Warnings gathered while reading (damage, lost events), one line each,
 * naming the file. */
size_t rdiff__warning_count(const struct rdiff *d);
const char *rdiff__warning(const struct rdiff *d, size_t i);

/* ---- results (after rdiff__compute) ----------------------------------- */

/* How a process ended, reduced to what the classes need. */
enum rdiff_outcome {
	RDIFF_UNKNOWN, /* running at the end, or no exit seen */
	RDIFF_OK,      /* exit 0 */
	RDIFF_FAIL,    /* non-zero exit, a signal, or its last program failed to exec */
};

/* One process as an entry shows it (a side of a change). */
struct rdiff_proc {
	uint32_t side; /* 0 = new, 1.. = baseline number */
	uint32_t idx;  /* process index in that side's model */
};

#define RDIFF_ORIGIN_MAX 4

/* One reported change, at the top node of the subtree it covers. */
struct rdiff_entry {
	enum rdiff_class cls;
	/* the process shown: the new side's (for COUNT its first run), or the
	 * first baseline's for GONE */
	struct rdiff_proc proc;
	/* its counterpart in the first baseline that has one (idx RP_NONE for
	 * NEW and GONE) */
	struct rdiff_proc base;
	/* NEW, GONE: identical siblings folded into this entry; COUNT: the
	 * runs more (or fewer) than the baselines had; else 1 */
	uint32_t instances;
	/* COUNT: runs in the first baseline, the range over all baselines,
	 * and runs in NEW */
	uint32_t base_count, base_min, base_max, new_count;
	/* processes this entry covers, the shown instances included: for NEW
	 * and GONE their subtrees; for COUNT the extra runs and their
	 * subtrees; for the others the shown process and its descendants of
	 * the same class (reported here, not on their own) */
	uint32_t processes;
	/* SLOWER, FASTER: new duration and the baselines' range */
	uint64_t new_ns, base_min_ns, base_max_ns;
	/* NOW-FAILS, NOW-PASSES, SLOWER, FASTER with covered descendants: the
	 * deepest of them (where the change starts), new side, in the order
	 * they were matched */
	uint32_t norigin;
	uint32_t origin[RDIFF_ORIGIN_MAX];
};

size_t rdiff__entry_count(const struct rdiff *d);
const struct rdiff_entry *rdiff__entry(const struct rdiff *d, size_t i);
/* Entries of one class (not the processes they cover). */
size_t rdiff__class_count(const struct rdiff *d, enum rdiff_class c);

/*
 * Programs (by file name: "cc", "as") run a different number of times in
 * NEW than in every baseline, whatever their arguments, most changed
 * first: "cc ran 120 times, now 240" even when each run compiled another
 * file. Not a class of its own (the runs are NEW, GONE or COUNT entries
 * already), a summary line.
 */
size_t rdiff__program_count(const struct rdiff *d);
/* 0 and the name and counts of program @i, or -ENOENT. */
int rdiff__program(const struct rdiff *d, size_t i, const char **ret_name, uint32_t *ret_new,
		   uint32_t *ret_base_min, uint32_t *ret_base_max);

/* The sides: 0 = new, 1..nbases = baselines. */
size_t rdiff__base_count(const struct rdiff *d);
const char *rdiff__side_name(const struct rdiff *d, uint32_t side);
const struct rp_model *rdiff__side_model(const struct rdiff *d, uint32_t side);
/* Processes compared (not placeholders, not ignored) and wall time (first
 * to last event or the end record) of a side. */
uint32_t rdiff__side_procs(const struct rdiff *d, uint32_t side);
uint64_t rdiff__side_wall_ns(const struct rdiff *d, uint32_t side);
/* The normalized key of a process, printable ("exe: argv ... | next
 * program"), or NULL for one left out. */
const char *rdiff__key_str(const struct rdiff *d, uint32_t side, uint32_t idx);
/* Its parent as the diff sees it (RP_NONE for a root). */
uint32_t rdiff__parent(const struct rdiff *d, uint32_t side, uint32_t idx);
enum rdiff_outcome rdiff__outcome(const struct rdiff *d, uint32_t side, uint32_t idx);
/* Its duration as compared: from its first exec in the recording when it
 * was already alive at the start; false if not known. */
bool rdiff__duration(const struct rdiff *d, uint32_t side, uint32_t idx, uint64_t *ret_ns);

/* ---- surroundings -------------------------------------------------------- */

struct rdiff_tp_change {
	const char *name; /* "sched:sched_process_exec" */
	int state;	  /* -1 only in BASE, +1 only in NEW, 0 changed */
	/* changed: the lines that differ, "- ..." and "+ ...", '\n'-separated */
	const char *lines;
};

struct rdiff_btf_change {
	const char *type;   /* "task_struct" */
	const char *member; /* NULL: the type itself (size, presence) */
	const char *what;   /* one line: "offset 2360 -> 2368 bytes", ... */
	bool read;	    /* a member the recorder reads */
};

struct rdiff_surroundings {
	const char *base_release, *new_release; /* "" when not stored */
	bool release_changed;
	/* tracepoint formats: compared only when both traces hold some */
	bool tp_compared;
	const char *tp_reason; /* why not compared */
	size_t ntp;
	const struct rdiff_tp_change *tp;
	/* BTF layouts of the types the recorder reads */
	bool btf_compared;
	const char *btf_reason;
	size_t nbtf;
	const struct rdiff_btf_change *btf;
	uint32_t btf_types; /* types compared */
};
/* Of the new trace against the first baseline. */
const struct rdiff_surroundings *rdiff__surroundings(const struct rdiff *d);

/* ---- normalization (also for tests and --explain) ------------------------ */

/*
 * Normalize one argument of a side's trace into @out (NUL-terminated, cut
 * at @size). The rewrites, in order: --map prefixes (baselines only),
 * dates and times of day, UUIDs, hex strings of 8+ digits and decimals of
 * 8+ digits (timestamps), temporary names (after a tmp, temp or /dev/shm
 * directory, each run of 6+ letters, digits and '_' becomes XXXXXX), and
 * numbers of 3+ digits that are pids of the trace. Returns the length.
 * For tests: each rule checked on one argument, not through a whole diff.
 */
size_t rdiff__normalize(const struct rdiff *d, uint32_t side, const char *s, size_t len, char *out,
			size_t size);

/* ---- output ----------------------------------------------------------- */

enum rdiff_format {
	RDIFF_FMT_TEXT,
	RDIFF_FMT_JSON,
	RDIFF_FMT_MARKDOWN,
};

struct rdiff_print_opts {
	size_t sz;
	enum rdiff_format format;
	bool explain;	      /* show normalized keys, and near misses of NEW/GONE */
	bool color;	      /* text only */
	uint32_t max_entries; /* per class in text and markdown; 0 = all */
	size_t max_args;      /* bytes of an argv shown in text and markdown; 0 = 300 */
	/* --fail-on, as a mask of 1u << class, for the verdict line and JSON */
	uint32_t fail_mask;
};

/* "text", "json", "markdown" (also "md") -> *ret_format. 0 or -EINVAL. */
int rdiff_format__parse(const char *s, enum rdiff_format *ret_format);

/*
 * A --fail-on list ("new,slower", "all") into *ret_mask (1u << class each,
 * added to what it holds). 0, or -EINVAL with the message in @err for an
 * unknown class or no class at all.
 */
int rdiff_fail_on__parse(const char *list, uint32_t *ret_mask, char *err, size_t err_len);

/* A --threshold ratio above 1 (and at most 1e6): "1.5", "2x", "150%".
 * 0 and *ret, or -EINVAL. */
int rdiff_threshold__parse(const char *s, double *ret);

/* The whole report. Returns 0 or -EIO if writing failed. */
int rdiff__print(const struct rdiff *d, FILE *f, const struct rdiff_print_opts *opts);

/* Whether any class in @mask (1u << class) has an entry. */
bool rdiff__fails(const struct rdiff *d, uint32_t mask);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_DIFF_H */
