/* SPDX-License-Identifier: MIT */
/*
 * record/convert.c without BPF and without root: the records bpf/execrec.h
 * defines, built here byte by byte, turned into etr events the way the
 * recorder turns the ring buffer's samples into them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "convert.h"

static struct rec_scratch scratch;

/* An etr_str equals the C string @s (no NUL counted). */
static int str_is(struct etr_str s, const char *want)
{
	return s.len == strlen(want) && !memcmp(s.ptr, want, s.len);
}

static void fill_hdr(struct er_hdr *h, unsigned type, size_t size)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->size = (uint32_t)size;
	h->ts_ns = 1000;
	h->start_ns = 500;
	h->cgroup_id = 77;
	h->pid = 42;
	h->tid = 43;
	h->ppid = 1;
	h->uid = 1000;
	h->gid = 100;
	memcpy(h->comm, "sixteen-chars-xx", ER_COMM_LEN); /* no NUL: all 16 */
}

/*
 * An exec record with data[] = filename, cwd, argv, env (each of the given
 * bytes, NULs included). Room for 8 more bytes after it, as the ring buffer
 * rounds samples up. Returns a malloc'ed record, its size in *ret_size.
 */
static struct er_exec *make_exec(unsigned type, const char *fn, size_t fn_len, const char *cwd,
				 size_t cwd_len, const char *args, size_t args_len, const char *env,
				 size_t env_len, size_t *ret_size)
{
	size_t size = sizeof(struct er_exec) + fn_len + cwd_len + args_len + env_len;
	struct er_exec *e = calloc(1, size + 8);
	uint8_t *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	fill_hdr(&e->h, type, size);
	e->dirfd = -100;
	e->argc = 2;
	e->filename_len = (uint32_t)fn_len;
	e->cwd_len = (uint32_t)cwd_len;
	e->args_len = (uint32_t)args_len;
	e->args_orig_len = (uint32_t)args_len + 10;
	e->env_len = (uint32_t)env_len;
	e->env_orig_len = (uint32_t)env_len;
	e->envc = 1;
	p = e->data;
	memcpy(p, fn, fn_len);
	memcpy(p += fn_len, cwd, cwd_len);
	memcpy(p += cwd_len, args, args_len);
	memcpy(p += args_len, env, env_len);
	*ret_size = size;
	return e;
}

static void test_render_cwd(void)
{
	char out[64];
	uint32_t n;

	n = rec_render_cwd(out, (const uint8_t *)"c\0b\0a", 6, false);
	CU_ASSERT(n == 6 && !memcmp(out, "/a/b/c", 6));
	/* a walk cut short: the last components, relative */
	n = rec_render_cwd(out, (const uint8_t *)"c\0b\0a", 6, true);
	CU_ASSERT(n == 5 && !memcmp(out, "a/b/c", 5));
	n = rec_render_cwd(out, (const uint8_t *)"home", 5, false);
	CU_ASSERT(n == 5 && !memcmp(out, "/home", 5));
	n = rec_render_cwd(out, (const uint8_t *)"", 0, false);
	CU_ASSERT(n == 1 && out[0] == '/');
	/* a component with a space and a non-ASCII byte goes through as it is */
	n = rec_render_cwd(out, (const uint8_t *)"d\xc3\xa9j\xc3\xa0 vu\0tmp", 14, false);
	CU_ASSERT(n == 14 && !memcmp(out, "/tmp/d\xc3\xa9j\xc3\xa0 vu", 14));
}

static void test_exec(void)
{
	static const char args[] = "ls\0-l"; /* with its last NUL: 6 bytes */
	struct etr_event ev;
	size_t size;
	struct er_exec *e =
	    make_exec(ER_EXEC, "/bin/ls", 7, "src\0proj", 9, args, 6, "A=1", 4, &size);

	e->h.flags = ER_F_ARGS_FAULT | ER_F_FILENAME_TRUNC;
	/* the sample is longer than the record: the ring buffer's rounding */
	CU_ASSERT_EQUAL_FATAL(rec_convert_sample(e, size + 8, true, &scratch, &ev), 0);
	CU_ASSERT_EQUAL(ev.type, ETR_EV_EXEC);
	CU_ASSERT(ev.ts_ns == 1000 && ev.start_ns == 500 && ev.cgroup_id == 77);
	CU_ASSERT(ev.pid == 42 && ev.tid == 43 && ev.ppid == 1 && ev.uid == 1000 && ev.gid == 100);
	CU_ASSERT(str_is(ev.comm, "sixteen-chars-xx"));
	CU_ASSERT(str_is(ev.filename, "/bin/ls"));
	CU_ASSERT(str_is(ev.cwd, "/proj/src"));
	CU_ASSERT(ev.argv.len == 6 && !memcmp(ev.argv.ptr, args, 6));
	CU_ASSERT(ev.argc == 2 && ev.argv_orig_len == 16);
	CU_ASSERT(ev.env.len == 4 && !memcmp(ev.env.ptr, "A=1", 4) && ev.envc == 1);
	CU_ASSERT_EQUAL(ev.flags, ETR_EVF_ENV | ETR_EVF_ARGV_TRUNC | ETR_EVF_FILENAME_TRUNC);

	/* without --env the environment is not kept, whatever BPF sent */
	e->h.flags = ER_F_ENV_TRUNC | ER_F_CWD_FAULT;
	CU_ASSERT_EQUAL_FATAL(rec_convert_sample(e, size, false, &scratch, &ev), 0);
	CU_ASSERT(ev.env.len == 0 && ev.envc == 0);
	CU_ASSERT_EQUAL(ev.flags, ETR_EVF_ENV_TRUNC | ETR_EVF_CWD_TRUNC);
	CU_ASSERT(str_is(ev.cwd, "proj/src"));
	free(e);
}

static void test_exec_fail_dirfd(void)
{
	struct etr_event ev;
	size_t size;
	struct er_exec *e = make_exec(ER_EXEC_FAIL, "run.sh", 6, "", 0, "x", 2, "", 0, &size);

	e->ret = -ENOENT;
	e->dirfd = 5;
	CU_ASSERT_EQUAL_FATAL(rec_convert_sample(e, size, false, &scratch, &ev), 0);
	CU_ASSERT_EQUAL(ev.type, ETR_EV_EXEC_FAIL);
	CU_ASSERT_EQUAL(ev.ret, -ENOENT);
	CU_ASSERT(str_is(ev.filename, "/dev/fd/5/run.sh"));
	CU_ASSERT(str_is(ev.cwd, "/"));
	free(e);

	/* AT_EMPTY_PATH: the file is the dirfd itself */
	e = make_exec(ER_EXEC_FAIL, "", 0, "", 0, "x", 2, "", 0, &size);
	e->dirfd = 7;
	CU_ASSERT_EQUAL_FATAL(rec_convert_sample(e, size, false, &scratch, &ev), 0);
	CU_ASSERT(str_is(ev.filename, "/dev/fd/7"));
	free(e);

	/* an absolute name, or AT_FDCWD, is kept as given */
	e = make_exec(ER_EXEC_FAIL, "/x", 2, "", 0, "x", 2, "", 0, &size);
	e->dirfd = 7;
	CU_ASSERT_EQUAL_FATAL(rec_convert_sample(e, size, false, &scratch, &ev), 0);
	CU_ASSERT(str_is(ev.filename, "/x"));
	free(e);
	e = make_exec(ER_EXEC_FAIL, "rel", 3, "", 0, "x", 2, "", 0, &size);
	CU_ASSERT_EQUAL_FATAL(rec_convert_sample(e, size, false, &scratch, &ev), 0);
	CU_ASSERT(str_is(ev.filename, "rel"));
	free(e);
}

static void test_fork_exit(void)
{
	struct er_fork f;
	struct er_exit x;
	struct etr_event ev;

	fill_hdr(&f.h, ER_FORK, sizeof(f));
	f.h.flags = ER_F_THREAD;
	f.parent_tid = 41;
	CU_ASSERT_EQUAL_FATAL(rec_convert_sample(&f, sizeof(f), false, &scratch, &ev), 0);
	CU_ASSERT(ev.type == ETR_EV_FORK && ev.parent_tid == 41 && ev.flags == ETR_EVF_THREAD);
	CU_ASSERT(ev.pid == 42 && str_is(ev.comm, "sixteen-chars-xx"));

	fill_hdr(&x.h, ER_EXIT, sizeof(x));
	x.status = 3 << 8; /* exit(3) */
	CU_ASSERT_EQUAL_FATAL(rec_convert_sample(&x, sizeof(x), false, &scratch, &ev), 0);
	CU_ASSERT(ev.type == ETR_EV_EXIT && ev.exit_code == 3 && ev.signal == 0 && ev.flags == 0);
	x.status = 0x80 | 11; /* SIGSEGV, core dumped */
	CU_ASSERT_EQUAL_FATAL(rec_convert_sample(&x, sizeof(x), false, &scratch, &ev), 0);
	CU_ASSERT(ev.signal == 11 && ev.exit_code == 0 && ev.flags == ETR_EVF_CORE_DUMPED);
}

/* Sizes that do not add up: the sample is skipped, nothing read past it. */
static void test_bad_sizes(void)
{
	struct etr_event ev;
	struct er_exit x;
	size_t size;
	struct er_exec *e = make_exec(ER_EXEC, "/bin/ls", 7, "", 0, "ls", 3, "", 0, &size);

	CU_ASSERT_EQUAL(rec_convert_sample(e, sizeof(struct er_hdr) - 1, false, &scratch, &ev),
			-EBADMSG);
	/* the record says it is longer than the sample */
	CU_ASSERT_EQUAL(rec_convert_sample(e, size - 1, false, &scratch, &ev), -EBADMSG);
	/* its parts say they are longer than the record */
	e->args_len++;
	CU_ASSERT_EQUAL(rec_convert_sample(e, size, false, &scratch, &ev), -EBADMSG);
	e->args_len--;
	e->env_len = UINT32_MAX; /* the sum must not wrap */
	CU_ASSERT_EQUAL(rec_convert_sample(e, size, false, &scratch, &ev), -EBADMSG);
	e->env_len = 0;
	e->cwd_len = ER_PATH_MAX + 1;
	CU_ASSERT_EQUAL(rec_convert_sample(e, size, false, &scratch, &ev), -EBADMSG);
	e->cwd_len = 0;
	e->filename_len = ER_PATH_MAX;
	CU_ASSERT_EQUAL(rec_convert_sample(e, size, false, &scratch, &ev), -EBADMSG);
	e->filename_len = 7;
	CU_ASSERT_EQUAL(rec_convert_sample(e, size, false, &scratch, &ev), 0);
	/* a header claiming less than an exec record */
	e->h.size = sizeof(struct er_hdr);
	CU_ASSERT_EQUAL(rec_convert_sample(e, size, false, &scratch, &ev), -EBADMSG);
	free(e);

	fill_hdr(&x.h, ER_EXIT, sizeof(x) - 1);
	CU_ASSERT_EQUAL(rec_convert_sample(&x, sizeof(x), false, &scratch, &ev), -EBADMSG);
	fill_hdr(&x.h, ER_TYPE_MAX, sizeof(x));
	CU_ASSERT_EQUAL(rec_convert_sample(&x, sizeof(x), false, &scratch, &ev), -EOPNOTSUPP);
	fill_hdr(&x.h, 0, sizeof(x));
	CU_ASSERT_EQUAL(rec_convert_sample(&x, sizeof(x), false, &scratch, &ev), -EOPNOTSUPP);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("record: BPF records to events", NULL, NULL);
	CU_add_test(s, "cwd components leaf first, rendered root first", test_render_cwd);
	CU_add_test(s, "exec: every field, flags, --env or not", test_exec);
	CU_add_test(s, "failed execveat named through /dev/fd", test_exec_fail_dirfd);
	CU_add_test(s, "fork and exit status", test_fork_exit);
	CU_add_test(s, "sizes that do not add up are refused", test_bad_sizes);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
