/* SPDX-License-Identifier: MIT */
/* Helpers shared by the probes/ suites (see probes-test.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kbtf.h"
#include "probes-test.h"

extern char **environ;

void buf_put(struct buf *b, const void *p, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + len)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data)
			abort();
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, p, len);
	b->len += len;
}

void buf_u32(struct buf *b, uint32_t v)
{
	buf_put(b, &v, 4);
}

void buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------------------ */
/* BTF builder                                                         */
/* ------------------------------------------------------------------ */

void btfb_init(struct btfb *b)
{
	memset(b, 0, sizeof(*b));
	buf_put(&b->strs, "", 1); /* offset 0: the empty name */
}

uint32_t btfb_str(struct btfb *b, const char *s)
{
	uint32_t off;

	if (!s || !*s)
		return 0;
	off = (uint32_t)b->strs.len;
	buf_put(&b->strs, s, strlen(s) + 1);
	return off;
}

uint32_t btfb_type(struct btfb *b, const char *name, unsigned kind, unsigned vlen, bool kflag,
		   uint32_t size_type, const uint32_t *extra, size_t nextra)
{
	buf_u32(&b->types, btfb_str(b, name));
	buf_u32(&b->types, (uint32_t)kflag << 31 | (kind & 0x1f) << 24 | (vlen & 0xffff));
	buf_u32(&b->types, size_type);
	for (size_t i = 0; i < nextra; i++)
		buf_u32(&b->types, extra[i]);
	return ++b->nr;
}

void btfb_finish(struct btfb *b, bool swap, struct buf *out)
{
	/* struct btf_header: magic, version, flags, hdr_len, then offsets
	 * relative to the header's end */
	uint32_t hdr[6];
	uint16_t magic = 0xeB9F;
	uint8_t vf[2] = {1, 0};
	size_t start = out->len;

	hdr[1] = 24;
	hdr[2] = 0;
	hdr[3] = (uint32_t)b->types.len;
	hdr[4] = (uint32_t)b->types.len;
	hdr[5] = (uint32_t)b->strs.len;
	buf_put(out, &magic, 2);
	buf_put(out, vf, 2);
	buf_put(out, &hdr[1], 20);
	buf_put(out, b->types.data, b->types.len);
	buf_put(out, b->strs.data, b->strs.len);
	if (swap) {
		uint8_t *p = out->data + start;
		uint16_t m;

		memcpy(&m, p, 2);
		m = __builtin_bswap16(m);
		memcpy(p, &m, 2);
		/* the header's u32s and every word of the type section */
		for (size_t off = 4; off < 24 + b->types.len; off += 4) {
			uint32_t w;

			memcpy(&w, p + off, 4);
			w = __builtin_bswap32(w);
			memcpy(p + off, &w, 4);
		}
	}
}

void btfb_free(struct btfb *b)
{
	buf_free(&b->types);
	buf_free(&b->strs);
}

void btf_fixture(struct btfb *b, struct btf_fixture_ids *id)
{
	uint32_t x[9];

	btfb_init(b);
	x[0] = 0x01000020; /* INT: signed, 32 bits */
	id->int_ = btfb_type(b, "int", KBTF_KIND_INT, 0, 0, 4, x, 1);
	x[0] = 0x01000008;
	id->char_ = btfb_type(b, "char", KBTF_KIND_INT, 0, 0, 1, x, 1);
	id->const_char = btfb_type(b, NULL, KBTF_KIND_CONST, 0, 0, id->char_, NULL, 0);
	id->ptr_const_char = btfb_type(b, NULL, KBTF_KIND_PTR, 0, 0, id->const_char, NULL, 0);
	id->const_ptr = btfb_type(b, NULL, KBTF_KIND_CONST, 0, 0, id->ptr_const_char, NULL, 0);
	id->argv_type = btfb_type(b, NULL, KBTF_KIND_PTR, 0, 0, id->const_ptr, NULL, 0);
	/* int (int fd, const char *const *argv, ...) */
	x[0] = btfb_str(b, "fd");
	x[1] = id->int_;
	x[2] = btfb_str(b, "argv");
	x[3] = id->argv_type;
	x[4] = 0;
	x[5] = 0;
	id->proto_main = btfb_type(b, NULL, KBTF_KIND_FUNC_PROTO, 3, 0, id->int_, x, 6);
	id->func_main = btfb_type(b, "my_func", KBTF_KIND_FUNC, KBTF_LINKAGE_GLOBAL, 0,
				  id->proto_main, NULL, 0);
	x[0] = id->int_;
	x[1] = id->int_;
	x[2] = 4;
	id->array4 = btfb_type(b, NULL, KBTF_KIND_ARRAY, 0, 0, 0, x, 3);
	id->ptr_array4 = btfb_type(b, NULL, KBTF_KIND_PTR, 0, 0, id->array4, NULL, 0);
	x[0] = 0;
	x[1] = id->int_;
	id->proto_cb = btfb_type(b, NULL, KBTF_KIND_FUNC_PROTO, 1, 0, 0, x, 2);
	id->ptr_cb = btfb_type(b, NULL, KBTF_KIND_PTR, 0, 0, id->proto_cb, NULL, 0);
	x[0] = btfb_str(b, "x");
	x[1] = id->int_;
	x[2] = 0;
	id->task = btfb_type(b, "task", KBTF_KIND_STRUCT, 1, 0, 8, x, 3);
	id->ptr_task = btfb_type(b, NULL, KBTF_KIND_PTR, 0, 0, id->task, NULL, 0);
	id->void_ptr = btfb_type(b, NULL, KBTF_KIND_PTR, 0, 0, 0, NULL, 0);
	/* void (*)(void *, struct task *): a raw tracepoint's typedef */
	x[0] = 0;
	x[1] = id->void_ptr;
	x[2] = 0;
	x[3] = id->ptr_task;
	id->proto_tp = btfb_type(b, NULL, KBTF_KIND_FUNC_PROTO, 2, 0, 0, x, 4);
	id->ptr_proto_tp = btfb_type(b, NULL, KBTF_KIND_PTR, 0, 0, id->proto_tp, NULL, 0);
	id->typedef_tp =
	    btfb_type(b, "btf_trace_my_tp", KBTF_KIND_TYPEDEF, 0, 0, id->ptr_proto_tp, NULL, 0);
	/* int (void (*cb)(int), int (*arr)[4]) */
	x[0] = btfb_str(b, "cb");
	x[1] = id->ptr_cb;
	x[2] = btfb_str(b, "arr");
	x[3] = id->ptr_array4;
	id->proto_other = btfb_type(b, NULL, KBTF_KIND_FUNC_PROTO, 2, 0, id->int_, x, 4);
	id->func_other =
	    btfb_type(b, "other", KBTF_KIND_FUNC, KBTF_LINKAGE_STATIC, 0, id->proto_other, NULL, 0);
	id->func_ext =
	    btfb_type(b, "ext", KBTF_KIND_FUNC, KBTF_LINKAGE_EXTERN, 0, id->proto_main, NULL, 0);
	id->vol_int = btfb_type(b, NULL, KBTF_KIND_VOLATILE, 0, 0, id->int_, NULL, 0);
	id->ptr_vol_int = btfb_type(b, NULL, KBTF_KIND_PTR, 0, 0, id->vol_int, NULL, 0);
	x[0] = btfb_str(b, "E_ONE");
	x[1] = 1;
	id->enum_e = btfb_type(b, "e", KBTF_KIND_ENUM, 1, 0, 4, x, 2);
	id->fwd_u = btfb_type(b, "u", KBTF_KIND_FWD, 0, 1, 0, NULL, 0);
	id->ptr_fwd_u = btfb_type(b, NULL, KBTF_KIND_PTR, 0, 0, id->fwd_u, NULL, 0);
	id->tag_user = btfb_type(b, "user", KBTF_KIND_TYPE_TAG, 0, 0, id->char_, NULL, 0);
	id->ptr_tagged = btfb_type(b, NULL, KBTF_KIND_PTR, 0, 0, id->tag_user, NULL, 0);
	id->float_ = btfb_type(b, "double", KBTF_KIND_FLOAT, 0, 0, 8, NULL, 0);
	x[0] = btfb_str(b, "BIG");
	x[1] = 1;
	x[2] = 2;
	id->enum64 = btfb_type(b, "e64", KBTF_KIND_ENUM64, 1, 0, 8, x, 3);
	x[0] = (uint32_t)-1;
	id->decl_tag = btfb_type(b, "tag", KBTF_KIND_DECL_TAG, 0, 0, id->func_other, x, 1);
	x[0] = 1;
	id->var = btfb_type(b, "v", KBTF_KIND_VAR, 0, 0, id->int_, x, 1);
	x[0] = id->var;
	x[1] = 0;
	x[2] = 4;
	id->datasec = btfb_type(b, ".data", KBTF_KIND_DATASEC, 1, 0, 4, x, 3);
	/* __bpf_trace_my_tp(void *__data, struct task *p): the named form */
	x[0] = btfb_str(b, "__data");
	x[1] = id->void_ptr;
	x[2] = btfb_str(b, "p");
	x[3] = id->ptr_task;
	x[4] = btfb_type(b, NULL, KBTF_KIND_FUNC_PROTO, 2, 0, 0, x, 4);
	id->bpf_trace_fn = btfb_type(b, "__bpf_trace_my_tp", KBTF_KIND_FUNC, KBTF_LINKAGE_STATIC, 0,
				     x[4], NULL, 0);
}

void btf_fixture_blob(struct buf *out, bool swap)
{
	struct btf_fixture_ids ids;
	struct btfb b;

	btf_fixture(&b, &ids);
	btfb_finish(&b, swap, out);
	btfb_free(&b);
}

/* ------------------------------------------------------------------ */
/* Files and processes                                                 */
/* ------------------------------------------------------------------ */

char *tmp_dir(void)
{
	char *p = strdup("/tmp/probes-test-XXXXXX");

	if (!p || !mkdtemp(p))
		abort();
	return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void rm_rf(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		err = -EIO;
	close(fd);
	return err;
}

int read_all(const char *path, struct buf *out)
{
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(out, chunk, (size_t)n);
	close(fd);
	return n < 0 ? -EIO : 0;
}

static char *slurp_fd(int fd)
{
	struct buf b = {0};
	char chunk[65536];
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(&b, chunk, (size_t)n);
	buf_put(&b, "", 1);
	return (char *)b.data;
}

int run_cmd(char *const argv[], struct run *r)
{
	posix_spawn_file_actions_t fa;
	char out_path[] = "/tmp/probes-out-XXXXXX", err_path[] = "/tmp/probes-err-XXXXXX";
	int ofd = mkstemp(out_path), efd = mkstemp(err_path), st;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (ofd < 0 || efd < 0)
		return -errno;
	unlink(out_path);
	unlink(err_path);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, ofd, 1);
	posix_spawn_file_actions_adddup2(&fa, efd, 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ)) {
		posix_spawn_file_actions_destroy(&fa);
		close(ofd);
		close(efd);
		return -errno;
	}
	posix_spawn_file_actions_destroy(&fa);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = slurp_fd(ofd);
	r->err = slurp_fd(efd);
	close(ofd);
	close(efd);
	return 0;
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++) {
		if (*s == '\n')
			n++;
		else if (!s[1])
			n++;
	}
	return n;
}

const char *execrec_path(void)
{
	const char *p = getenv("EXECREC");

	return p && *p && !access(p, X_OK) ? p : NULL;
}

const char *target_path(void)
{
	const char *p = getenv("PROBES_TARGET");

	return p && *p && !access(p, R_OK) ? p : NULL;
}

const char *live_tracefs(void)
{
	static const char *const dirs[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
	char path[256];

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/available_events", dirs[i]);
		if (!access(path, R_OK))
			return dirs[i];
	}
	return NULL;
}
