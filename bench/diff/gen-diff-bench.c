// SPDX-License-Identifier: MIT
/*
 * gen-diff-bench: a pair of large traces for timing execrec diff.
 *
 *   gen-diff-bench OUT.etr N [SEED]
 *
 * A CI-like run of about N processes: one script, make processes of 100
 * compiles each, every compile with cc1 and as under it, with temporary
 * names and pids that differ with SEED. Two seeds give two runs of the same
 * build; run.sh times the diff of such a pair.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etr.h"

#define MS 1000000ull

static struct etr_writer *w;
static uint64_t now = 1000ull * 1000 * MS;
static uint32_t next_pid;
static unsigned seed;

static struct etr_str S(const char *s) {
	return (struct etr_str){s, (uint32_t)strlen(s)};
}

static void
ev(uint16_t type, uint32_t pid, uint32_t ppid, uint64_t start, const char *comm)
{
	struct etr_event e = {.type = type,
			      .ts_ns = now,
			      .pid = pid,
			      .tid = pid,
			      .ppid = ppid,
			      .start_ns = start,
			      .parent_tid = ppid};

	e.comm = S(comm);
	e.filename = e.cwd = e.argv = e.env = S("");
	if (etr_writer__write_event(w, &e)) {
		fprintf(stderr, "gen-diff-bench: write failed\n");
		exit(1);
	}
}

static void exec_(uint32_t pid, uint32_t ppid, uint64_t start, const char *file, char *argv,
		  uint32_t len)
{
	struct etr_event e = {.type = ETR_EV_EXEC,
			      .ts_ns = now,
			      .pid = pid,
			      .tid = pid,
			      .ppid = ppid,
			      .start_ns = start,
			      .old_tid = pid};

	for (uint32_t i = 0; i < len; i++)
		if (argv[i] == ' ')
			argv[i] = '\0';
	e.comm = S(strrchr(file, '/') ? strrchr(file, '/') + 1 : file);
	e.filename = S(file);
	e.cwd = S("/build");
	e.argv = (struct etr_str){argv, len};
	e.env = S("");
	etr_writer__write_event(w, &e);
}

static char rnd(void)
{
	static const char cs[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	return cs[rand_r(&seed) % 62];
}

/* A process running @argv under @ppid, with @fn adding children. */
static uint32_t proc(uint32_t ppid, const char *file, const char *argv, uint64_t dur)
{
	uint32_t pid = next_pid++;
	uint64_t start = now;
	char buf[512];
	uint32_t len = (uint32_t)snprintf(buf, sizeof(buf), "%s ", argv);

	ev(ETR_EV_FORK, pid, ppid, start, "sh");
	now += 1000;
	exec_(pid, ppid, start, file, buf, len);
	now += dur;
	ev(ETR_EV_EXIT, pid, ppid, start, "x");
	now += 1000;
	return pid;
}

int main(int argc, char **argv)
{
	struct etr_writer_opts o = {.sz = sizeof(o)};
	uint32_t n, made = 0, root;
	uint64_t rstart;
	char a[256];
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: gen-diff-bench OUT.etr N [SEED]\n");
		return 2;
	}
	n = (uint32_t)strtoul(argv[2], NULL, 10);
	seed = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 1;
	next_pid = 1000 + seed * 7919 % 100000;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	w = fd < 0 ? NULL : etr_writer__open_fd(fd, &o);
	if (!w) {
		perror(argv[1]);
		return 1;
	}
	root = next_pid++;
	rstart = now;
	ev(ETR_EV_FORK, root, 1, rstart, "sh");
	{
		char rb[] = "sh ci.sh ";

		exec_(root, 1, rstart, "/bin/sh", rb, sizeof(rb) - 1);
	}
	for (uint32_t m = 0; made < n; m++) {
		uint32_t mk = next_pid++;
		uint64_t mstart = now;
		char mb[64];
		uint32_t ml = (uint32_t)snprintf(mb, sizeof(mb), "make -C dir%u ", m);

		ev(ETR_EV_FORK, mk, root, mstart, "sh");
		exec_(mk, root, mstart, "/usr/bin/make", mb, ml);
		made++;
		for (int c = 0; c < 100 && made < n; c++) {
			uint32_t cc = next_pid++;
			uint64_t cstart = now;
			char t[7];
			uint32_t l;

			for (int k = 0; k < 6; k++)
				t[k] = rnd();
			t[6] = 0;
			ev(ETR_EV_FORK, cc, mk, cstart, "make");
			l = (uint32_t)snprintf(
			    a, sizeof(a), "cc -O2 -c src/f%u_%d.c -o obj/f%u_%d.o ", m, c, m, c);
			exec_(cc, mk, cstart, "/usr/bin/cc", a, l);
			snprintf(a, sizeof(a), "cc1 src/f%u_%d.c -o /tmp/cc%s.s", m, c, t);
			proc(cc, "/usr/lib/gcc/cc1", a, 20 * MS);
			snprintf(a, sizeof(a), "as -o obj/f%u_%d.o /tmp/cc%s.s", m, c, t);
			proc(cc, "/usr/bin/as", a, 5 * MS);
			now += 1000;
			ev(ETR_EV_EXIT, cc, mk, cstart, "cc");
			made += 3;
		}
		now += 1000;
		ev(ETR_EV_EXIT, mk, root, mstart, "make");
	}
	ev(ETR_EV_EXIT, root, 1, rstart, "sh");
	if (etr_writer__close(w, 0)) {
		fprintf(stderr, "gen-diff-bench: close failed\n");
		return 1;
	}
	etr_writer__free(w);
	close(fd);
	printf("%u processes\n", made + 1);
	return 0;
}
