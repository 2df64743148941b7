/* SPDX-License-Identifier: MIT */
/*
 * The cgroup map (SPEC.md 1.1, CGROUP chunk): its records round-trip, a
 * reader that knows only the chunk types of 1.0 still reads every event and
 * the clean end of a file holding them, rp_trace names the cgroups and
 * their systemd units, and --unit selects by them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "replay.h"

#define NEV 40

static const struct {
	uint64_t id;
	uint32_t op;
	const char *path;
} cgs[] = {
    {1, ETR_CGROUP_PRESENT, "/"},
    {2, ETR_CGROUP_PRESENT, "/init.scope"},
    {3, ETR_CGROUP_PRESENT, "/system.slice"},
    {4, ETR_CGROUP_PRESENT, "/system.slice/systemd-journald.service"},
    {5, ETR_CGROUP_CREATED, "/system.slice/system-getty.slice/getty@tty1.service"},
    {6, ETR_CGROUP_CREATED, "/user.slice/user-1000.slice/session-3.scope"},
    {7, ETR_CGROUP_CREATED, "/user.slice/user-1000.slice/user@1000.service/app.slice/x.service"},
    {8, ETR_CGROUP_CREATED, "/docker/0123abcd"},
    {5, ETR_CGROUP_REMOVED, "/system.slice/system-getty.slice/getty@tty1.service"},
};
#define NCG (sizeof(cgs) / sizeof(cgs[0]))

/* A trace in memory: cgroup records of the table between events of
 * processes 100+i in cgroup 1 + i % 8. */
static void *make_trace(size_t *ret_len)
{
	struct etr_writer_opts o = {.sz = sizeof(o), .flush_interval_ns = UINT64_MAX / 2};
	int fd = memfd_create("cgroup-test", 0);
	struct etr_writer *w;
	size_t c = 0;
	void *buf;
	off_t len;

	CU_ASSERT_FATAL(fd >= 0);
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	for (unsigned i = 0; i < NEV; i++) {
		struct etr_event ev = {
		    .type = ETR_EV_EXEC,
		    .ts_ns = 1000000000ull + i * 1000,
		    .pid = 100 + i,
		    .tid = 100 + i,
		    .ppid = 1,
		    .start_ns = 999000000ull + i,
		    .cgroup_id = 1 + i % 8,
		    .comm = {.ptr = "prog", .len = 4},
		    .filename = {.ptr = "/bin/prog", .len = 9},
		};

		/* every cgroup before the first event in it */
		while (c < NCG && (cgs[c].op != ETR_CGROUP_REMOVED || i > 30) &&
		       (c < 4 || c - 4 <= i)) {
			struct etr_cgroup g = {
			    .ts_ns = ev.ts_ns,
			    .op = cgs[c].op,
			    .id = cgs[c].id,
			    .path = {.ptr = cgs[c].path, .len = (uint32_t)strlen(cgs[c].path)}};

			CU_ASSERT_EQUAL(etr_writer__write_cgroup(w, &g), 0);
			c++;
		}
		CU_ASSERT_EQUAL(etr_writer__write_event(w, &ev), 0);
	}
	CU_ASSERT_EQUAL(c, NCG);
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	len = lseek(fd, 0, SEEK_END);
	buf = malloc((size_t)len);
	CU_ASSERT_FATAL(buf && pread(fd, buf, (size_t)len, 0) == len);
	close(fd);
	*ret_len = (size_t)len;
	return buf;
}

static void test_roundtrip_and_old_reader(void)
{
	size_t len, ncg = 0, nev = 0;
	void *buf = make_trace(&len);
	struct etr_reader *r = etr_reader__open_mem(buf, len, NULL);
	struct etr_chunk ch;
	unsigned cg_chunks = 0;

	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(etr_reader__info(r)->minor, 1);
	while (etr_reader__next_chunk(r, &ch) > 0) {
		struct etr_record rec;
		struct etr_event ev;

		/* What a 1.0 reader does: its seven chunk types, the rest
		 * skipped unread (SPEC.md: "A reader skips chunk types it does
		 * not know"). */
		if (ch.type == ETR_CHUNK_CGROUP) {
			cg_chunks++;
			while (etr_chunk__next_record(&ch, &rec) > 0) {
				struct etr_cgroup g;

				CU_ASSERT_EQUAL(rec.type, ETR_REC_CGROUP);
				CU_ASSERT_EQUAL_FATAL(etr_record__cgroup(&rec, &g), 0);
				CU_ASSERT_FATAL(ncg < NCG);
				CU_ASSERT_EQUAL(g.id, cgs[ncg].id);
				CU_ASSERT_EQUAL(g.op, cgs[ncg].op);
				CU_ASSERT(g.path.len == strlen(cgs[ncg].path) &&
					  !memcmp(g.path.ptr, cgs[ncg].path, g.path.len));
				ncg++;
			}
			continue;
		}
		if (ch.type > ETR_CHUNK_END)
			continue;
		if (ch.type != ETR_CHUNK_EVENTS)
			continue;
		while (etr_chunk__next_event(&ch, &ev) > 0) {
			CU_ASSERT_EQUAL(ev.pid, 100 + nev);
			CU_ASSERT_EQUAL(ev.cgroup_id, 1 + nev % 8);
			nev++;
		}
	}
	CU_ASSERT_EQUAL(ncg, NCG);
	CU_ASSERT(cg_chunks > 1); /* interleaved with events */
	CU_ASSERT_EQUAL(nev, NEV);
	CU_ASSERT(etr_reader__ended_cleanly(r));
	etr_reader__free(r);
	free(buf);
}

static void test_trace_units(void)
{
	static const struct {
		uint64_t id;
		const char *unit; /* NULL: no unit, the path stands for it */
	} want[] = {
	    {1, NULL},
	    {2, "init.scope"},
	    {3, NULL},
	    {4, "systemd-journald.service"},
	    {5, "getty@tty1.service"},
	    {6, "session-3.scope"},
	    {7, "user@1000.service"},
	    {8, NULL},
	};
	size_t len;
	void *buf = make_trace(&len);
	struct rp_trace *t = rp_trace__open_mem(buf, len, NULL);
	const struct etr_event *ev;
	unsigned n = 0;

	CU_ASSERT_FATAL(t != NULL);
	while (rp_trace__next_event(t, &ev) > 0) {
		/* every event's cgroup is named by the time it is handed out */
		CU_ASSERT(rp_trace__unit(t, ev->cgroup_id) != NULL);
		n++;
	}
	CU_ASSERT_EQUAL(n, NEV);
	CU_ASSERT_EQUAL(rp_trace__cgroup_count(t), 8);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct rp_cgroup *g = rp_trace__cgroup(t, want[i].id);

		CU_ASSERT_FATAL(g != NULL);
		if (want[i].unit) {
			CU_ASSERT(g->is_unit);
			CU_ASSERT_STRING_EQUAL(g->unit, want[i].unit);
		} else {
			CU_ASSERT(!g->is_unit);
			CU_ASSERT_STRING_EQUAL(g->unit, g->path);
		}
	}
	CU_ASSERT_EQUAL(rp_trace__cgroup(t, 5)->created_ns != 0, 1);
	CU_ASSERT_EQUAL(rp_trace__cgroup(t, 5)->removed_ns != 0, 1);
	CU_ASSERT_EQUAL(rp_trace__cgroup(t, 4)->created_ns, 0);
	CU_ASSERT_PTR_NULL(rp_trace__cgroup(t, 99));
	CU_ASSERT_PTR_NULL(rp_trace__unit(t, 0));
	rp_trace__free(t);
	free(buf);
}

static void test_unit_of_path(void)
{
	char b[64];

	CU_ASSERT_EQUAL(rp_cgroup_unit("/system.slice/foo.service/sub", 29, b, sizeof(b)), 11);
	CU_ASSERT_STRING_EQUAL(b, "foo.service");
	CU_ASSERT_EQUAL(rp_cgroup_unit("/system.slice/dev-hugepages.mount", 33, b, sizeof(b)), 19);
	CU_ASSERT_EQUAL(rp_cgroup_unit("/", 1, b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(rp_cgroup_unit("/machine/qemu", 13, b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(rp_cgroup_unit("/a.slice", 8, b, sizeof(b)), 0);
	/* a name longer than the buffer is no unit rather than a cut one */
	CU_ASSERT_EQUAL(rp_cgroup_unit("/x.slice/aaaaaaaaaaaa.service", 29, b, 8), 0);
}

static void test_unit_filter(void)
{
	size_t len;
	void *buf = make_trace(&len);
	struct rp_trace *t = rp_trace__open_mem(buf, len, NULL);
	struct rp_filter *f = rp_filter__new();
	const struct etr_event *ev;
	char err[128];
	unsigned shown = 0, bound = 0;

	CU_ASSERT_FATAL(t && f);
	CU_ASSERT_EQUAL(rp_filter__set(f, "unit", "systemd-*", err, sizeof(err)), 0);
	CU_ASSERT(rp_filter__active(f));
	while (rp_trace__next_event(t, &ev) > 0) {
		if (!bound++)
			CU_ASSERT_EQUAL(rp_filter__bind(f, t, err, sizeof(err)), 0);
		if (rp_filter__match_event(f, ev)) {
			CU_ASSERT_EQUAL(ev->cgroup_id, 4);
			shown++;
		}
	}
	CU_ASSERT_EQUAL(shown, NEV / 8);
	rp_filter__free(f);
	rp_trace__free(t);
	free(buf);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("cgroup map", NULL, NULL);
	CU_add_test(s, "records round-trip; a 1.0 reader skips them",
		    test_roundtrip_and_old_reader);
	CU_add_test(s, "rp_trace names cgroups and units", test_trace_units);
	CU_add_test(s, "unit of a cgroup path", test_unit_of_path);
	CU_add_test(s, "--unit GLOB", test_unit_filter);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_tests_failed() + CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
