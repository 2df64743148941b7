/* SPDX-License-Identifier: MIT */
/*
 * Throughput of the .etr writer and reader on exec-sized records, single
 * threaded, for several zstd levels: what the level choice is made from
 * (issue 2, "Speed").
 *
 * The events are what a build produces: comm, a ~20-byte filename, 3-6
 * arguments of ~80 bytes in all, a cwd, pids that climb, timestamps tens of
 * microseconds apart. The trace goes to a memfd (page cache, no disk), and
 * is read back from memory with every event decoded (and, with -a, every
 * argument walked).
 *
 *   bench-format [-n EVENTS] [-r REPEATS] [-l LEVEL,...] [-a] [-c CHUNK_BYTES] [-w]
 *                [-o PREFIX] [-m]
 *
 * -a walks every argument too; -w times by the wall clock; -o keeps each
 * level's trace as PREFIX-LEVEL.etr; -m writes, per process, a fork, an
 * exec and an exit instead of execs only.
 *
 * Each figure is the best of REPEATS runs, in CPU time unless -w. Columns:
 *   sync       the producer compresses and writes (rate, raw MB/s)
 *   async prod the producer's own CPU time (compression on the writer thread)
 *   async tot  the CPU time of both threads until the trace is closed
 *   cpu@60k    the share of one core the sync writer needs at 60k events/s,
 *              the most the recorder produces
 *   read       every event decoded, from memory (open_mem) and from an fd
 *   raw/stored bytes per record before and after compression
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "etr.h"

#define RECORDER_PEAK 60000.0 /* events/s the recorder produces at most */

/*
 * Time is CPU time by default (the machine is shared: wall time measures
 * the neighbours too): the calling thread's for the single-threaded runs,
 * the process's (producer + writer thread) for the async total. -w uses
 * wall-clock time instead.
 */
static bool wall_clock;

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(wall_clock ? CLOCK_MONOTONIC : id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static uint64_t proc_ns(void)
{
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

struct workload {
	struct etr_event *evs;
	char *strings;
	size_t n;
	uint64_t arg_bytes;
	uint64_t argc;
};

/*
 * Realistic execs: a compiler driver and its children, make, shells, git.
 * With @mix, what a recorder writes for them: each process a fork, an exec
 * and an exit.
 */
static void make_workload(struct workload *wl, size_t n, bool mix)
{
	static const struct {
		const char *comm, *file, *args;
	} progs[] = {
	    {"gcc", "/usr/bin/x86_64-linux-gnu-gcc-12",
	     "gcc\0-O2\0-c\0/home/dev/src/project/src/module_%03u.c\0-o\0obj/module_%05u.o\0"},
	    {"cc1", "/usr/libexec/gcc/x86_64-linux-gnu/12/cc1",
	     "cc1\0-quiet\0/home/dev/src/project/src/module_%03u.c\0-o\0/tmp/ccX%05u.s\0"},
	    {"as", "/usr/bin/x86_64-linux-gnu-as",
	     "as\0--64\0-o\0/home/dev/src/project/obj/module_%03u.o\0/tmp/ccX%05u.s\0"},
	    {"make", "/usr/bin/make",
	     "make\0--no-print-directory\0-C\0/home/dev/src/project/subdir_%03u\0target_%05u\0"},
	    {"sh", "/usr/bin/dash",
	     "/bin/sh\0-c\0test -f /home/dev/src/project/obj/module_%03u.d && echo done %05u\0"},
	    {"git", "/usr/bin/git",
	     "git\0rev-parse\0--short\0HEAD~%03u\0--git-dir=/home/dev/src/project/.git/%05u\0"},
	    {"ld", "/usr/bin/x86_64-linux-gnu-ld.bfd",
	     "ld\0-o\0/home/dev/src/project/bin/tool_%03u\0obj/main.o\0-L/usr/lib/x86_64-linux-gnu"
	     "\0-lc%05u\0"},
	};
	static const char *const cwds[] = {
	    "/home/dev/src/project/build",
	    "/home/dev/src/project/build/sub",
	    "/home/dev/src/project",
	};
	char *s;
	uint64_t ts = 3600ull * 1000000000ull;
	uint32_t pid = 20000;

	wl->n = n;
	wl->evs = calloc(n, sizeof(*wl->evs));
	wl->strings = s = malloc(n * 256);
	wl->arg_bytes = 0;
	wl->argc = 0;
	if (!wl->evs || !s) {
		perror("malloc");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		struct etr_event *ev = &wl->evs[i];
		unsigned p = rnd(sizeof(progs) / sizeof(progs[0]));
		const char *fmt = progs[p].args;
		char *argv = s;
		uint32_t argc = 0;

		/* the argument format holds NULs: print it piece by piece; each
		 * "%03u" or "%05u" in it (the width is its third byte) becomes
		 * a number, one piece may hold two */
		while (*fmt) {
			const char *q = fmt, *pct;

			while ((pct = strchr(q, '%'))) {
				s += sprintf(s, "%.*s%0*u", (int)(pct - q), q, pct[2] - '0',
					     rnd(pct[2] == '3' ? 1000 : 100000));
				q = pct + 4;
			}
			s += sprintf(s, "%s", q) + 1;
			fmt += strlen(fmt) + 1;
			argc++;
		}
		ts += 5000 + rnd(60000);
		if (!mix || i % 3 == 0)
			pid += 1 + rnd(4);
		ev->type = ETR_EV_EXEC;
		ev->ts_ns = ts;
		ev->pid = ev->tid = ev->old_tid = pid;
		ev->ppid = pid - 1 - rnd(8);
		ev->uid = ev->gid = 1000;
		ev->start_ns = ts - 200000 - rnd(100000); /* forked a little before */
		ev->cgroup_id = 8812;
		ev->comm = (struct etr_str){progs[p].comm, (uint32_t)strlen(progs[p].comm)};
		ev->filename = (struct etr_str){progs[p].file, (uint32_t)strlen(progs[p].file)};
		ev->cwd = (struct etr_str){cwds[rnd(3)], 0};
		ev->cwd.len = (uint32_t)strlen(ev->cwd.ptr);
		ev->argv = (struct etr_str){argv, (uint32_t)(s - argv)};
		ev->argc = argc;
		ev->argv_orig_len = ev->argv.len;
		ev->env = (struct etr_str){"", 0};
		if (mix && i % 3 != 1) {
			/* the fork before the exec, the exit after it */
			struct etr_event base = *ev;

			memset(ev, 0, sizeof(*ev));
			ev->ts_ns = base.ts_ns;
			ev->pid = ev->tid = base.pid;
			ev->ppid = base.ppid;
			ev->uid = ev->gid = 1000;
			ev->start_ns = base.start_ns;
			ev->cgroup_id = base.cgroup_id;
			ev->filename = ev->cwd = ev->argv = ev->env = (struct etr_str){"", 0};
			if (i % 3 == 0) {
				ev->type = ETR_EV_FORK;
				ev->comm = (struct etr_str){"make", 4};
				ev->parent_tid = ev->ppid;
			} else {
				ev->type = ETR_EV_EXIT;
				ev->comm = base.comm;
				ev->exit_code = rnd(10) ? 0 : 1;
			}
			s = argv; /* the arguments are not used */
			continue;
		}
		wl->arg_bytes += ev->argv.len;
		wl->argc += argc;
	}
}

struct result {
	double sync_s, async_prod_s, async_total_s, read_s, read_fd_s;
	uint64_t file_bytes, raw_bytes, chunks;
};

/* Write the workload into a fresh memfd; returns it, file size in *res. */
static int write_trace(const struct workload *wl, int level, bool async, uint32_t chunk_bytes,
		       double *prod_s, double *total_s, struct result *res)
{
	struct etr_writer_opts o = {.sz = sizeof(o)};
	struct etr_writer_stats st;
	struct etr_writer *w;
	uint64_t t0, t1, p0, p2;
	int fd = memfd_create("bench-format", 0);

	if (fd < 0) {
		perror("memfd_create");
		exit(1);
	}
	o.level = level;
	o.async = async;
	o.chunk_bytes = chunk_bytes;
	w = etr_writer__open_fd(fd, &o);
	if (!w) {
		perror("etr_writer__open_fd");
		exit(1);
	}
	p0 = proc_ns();
	t0 = now_ns();
	for (size_t i = 0; i < wl->n; i++) {
		if (etr_writer__write_event(w, &wl->evs[i])) {
			fprintf(stderr, "write_event failed\n");
			exit(1);
		}
	}
	t1 = now_ns();
	if (etr_writer__close(w, 0)) {
		fprintf(stderr, "close failed\n");
		exit(1);
	}
	/* the writer thread has been joined: its CPU time is in the process's */
	p2 = proc_ns();
	etr_writer__stats(w, &st);
	etr_writer__free(w);
	*prod_s = (double)(t1 - t0) / 1e9;
	*total_s = (double)(p2 - p0) / 1e9;
	res->file_bytes = st.bytes_written;
	res->raw_bytes = st.raw_bytes;
	res->chunks = st.chunks;
	return fd;
}

static volatile uint64_t sink;

/* Read every event; returns the count. */
static size_t read_all(struct etr_reader *r, bool walk_args)
{
	struct etr_chunk c;
	size_t n = 0;
	uint64_t acc = 0;

	while (etr_reader__next_chunk(r, &c) > 0) {
		struct etr_event ev;

		if (c.type != ETR_CHUNK_EVENTS)
			continue;
		while (etr_chunk__next_event(&c, &ev) > 0) {
			acc += ev.pid + ev.ts_ns + ev.argv.len;
			if (walk_args) {
				struct etr_str a;
				uint32_t pos = 0;

				while (etr_args__next(&ev.argv, &pos, &a))
					acc += a.len;
			}
			n++;
		}
	}
	sink += acc;
	return n;
}

static double read_mem(const void *map, size_t len, bool walk_args, size_t want)
{
	struct etr_reader *r;
	uint64_t t0 = now_ns();
	size_t n;

	r = etr_reader__open_mem(map, len, NULL);
	if (!r) {
		perror("etr_reader__open_mem");
		exit(1);
	}
	n = read_all(r, walk_args);
	etr_reader__free(r);
	if (n != want) {
		fprintf(stderr, "read %zu events, wrote %zu\n", n, want);
		exit(1);
	}
	return (double)(now_ns() - t0) / 1e9;
}

static double read_fd(int fd, bool walk_args, size_t want)
{
	struct etr_reader *r;
	uint64_t t0 = now_ns();
	size_t n;

	lseek(fd, 0, SEEK_SET);
	r = etr_reader__open_fd(fd, NULL);
	if (!r) {
		perror("etr_reader__open_fd");
		exit(1);
	}
	n = read_all(r, walk_args);
	etr_reader__free(r);
	if (n != want) {
		fprintf(stderr, "read %zu events, wrote %zu\n", n, want);
		exit(1);
	}
	return (double)(now_ns() - t0) / 1e9;
}

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

int main(int argc, char **argv)
{
	int levels[16] = {-1, 1, 3, 6, 9}, n_levels = 5;
	size_t n = 1000000;
	int repeats = 3, opt;
	bool walk_args = false, mix = false;
	const char *save_prefix = NULL;
	uint32_t chunk_bytes = 0;
	struct workload wl;
	double raw_per_ev;

	while ((opt = getopt(argc, argv, "n:r:l:ac:wo:mh")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			repeats = atoi(optarg);
			break;
		case 'l': {
			char *tok, *save = NULL;

			n_levels = 0;
			for (tok = strtok_r(optarg, ",", &save); tok && n_levels < 16;
			     tok = strtok_r(NULL, ",", &save))
				levels[n_levels++] = !strcmp(tok, "raw") ? -1 : atoi(tok);
			break;
		}
		case 'a':
			walk_args = true;
			break;
		case 'w':
			wall_clock = true;
			break;
		case 'o':
			save_prefix = optarg;
			break;
		case 'm':
			mix = true;
			break;
		case 'c':
			chunk_bytes = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-n EVENTS] [-r REPEATS] [-l raw,1,3,...] [-a] "
				"[-c CHUNK_BYTES] [-w] [-o PREFIX] [-m]\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (!n || repeats < 1)
		return 2;

	make_workload(&wl, n, mix);
	printf("%zu %s events, %.1f argv bytes and %.1f args per exec; chunks of %u bytes; "
	       "best of %d; %s time%s\n",
	       n, mix ? "fork+exec+exit" : "exec", (double)wl.arg_bytes / (double)(mix ? n / 3 : n),
	       (double)wl.argc / (double)(mix ? n / 3 : n), chunk_bytes ? chunk_bytes : 1u << 20,
	       repeats, wall_clock ? "wall-clock" : "CPU", walk_args ? "; arguments walked" : "");
	printf("%-5s %9s %9s | %9s %9s %7s | %9s %8s %9s | %8s %8s %6s\n", "level", "sync", "sync",
	       "async", "async", "cpu@60k", "read", "read", "read fd", "raw", "stored", "ratio");
	printf("%-5s %9s %9s | %9s %9s %7s | %9s %8s %9s | %8s %8s %6s\n", "", "Mrec/s", "MB/s",
	       "prod M/s", "tot M/s", "sync", "Mrec/s", "MB/s", "Mrec/s", "B/rec", "B/rec", "");
	for (int li = 0; li < n_levels; li++) {
		char name[16];
		struct result best = {.sync_s = 1e9,
				      .async_prod_s = 1e9,
				      .async_total_s = 1e9,
				      .read_s = 1e9,
				      .read_fd_s = 1e9};

		if (levels[li] < 0)
			snprintf(name, sizeof(name), "raw");
		else
			snprintf(name, sizeof(name), "%d", levels[li]);
		for (int rep = 0; rep < repeats; rep++) {
			struct result res;
			double prod, total;
			void *map;
			int fd;

			fd = write_trace(&wl, levels[li], true, chunk_bytes, &prod, &total, &res);
			best.async_prod_s = min_d(best.async_prod_s, prod);
			best.async_total_s = min_d(best.async_total_s, total);
			close(fd);

			fd = write_trace(&wl, levels[li], false, chunk_bytes, &prod, &total, &res);
			best.sync_s = min_d(best.sync_s, total);
			best.file_bytes = res.file_bytes;
			best.raw_bytes = res.raw_bytes;
			best.chunks = res.chunks;

			map =
			    mmap(NULL, res.file_bytes, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
			if (map == MAP_FAILED) {
				perror("mmap");
				return 1;
			}
			best.read_s =
			    min_d(best.read_s, read_mem(map, res.file_bytes, walk_args, n));
			best.read_fd_s = min_d(best.read_fd_s, read_fd(fd, walk_args, n));
			if (save_prefix && rep == 0) {
				/* keep the trace: PREFIX-LEVEL.etr */
				char path[4096];
				FILE *f;

				snprintf(path, sizeof(path), "%s-%s.etr", save_prefix, name);
				f = fopen(path, "w");
				if (!f || fwrite(map, 1, res.file_bytes, f) != res.file_bytes ||
				    fclose(f)) {
					perror(path);
					return 1;
				}
			}
			munmap(map, res.file_bytes);
			close(fd);
		}
		raw_per_ev = (double)best.raw_bytes / (double)n;
		printf("%-5s %9.2f %9.1f | %9.2f %9.2f %6.2f%% | %9.2f %8.0f %9.2f | %8.1f %8.2f "
		       "%6.1f\n",
		       name, n / best.sync_s / 1e6, best.raw_bytes / best.sync_s / 1e6,
		       n / best.async_prod_s / 1e6, n / best.async_total_s / 1e6,
		       100.0 * RECORDER_PEAK * best.sync_s / n, n / best.read_s / 1e6,
		       best.raw_bytes / best.read_s / 1e6, n / best.read_fd_s / 1e6, raw_per_ev,
		       (double)best.file_bytes / n,
		       (double)best.raw_bytes / (double)best.file_bytes);
		fflush(stdout);
	}
	return 0;
}
