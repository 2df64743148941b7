/* SPDX-License-Identifier: MIT */
/*
 * Shared by the probes/ suites: a BTF builder for hand-made (and
 * hand-broken) BTF, temporary files and folders, running execrec.
 */
#ifndef EXECREC_TESTS_PROBES_TEST_H
#define EXECREC_TESTS_PROBES_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

void register_btf(void);
void register_pattern(void);
void register_live(void);
void register_elf(void);
void register_trace(void);
void register_cli(void);
void register_support(void);
void register_lib(void);

/* A growable byte buffer. */
struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};
void buf_put(struct buf *b, const void *p, size_t len);
void buf_u32(struct buf *b, uint32_t v);
void buf_free(struct buf *b);

/*
 * BTF built type by type, in the kernel's layout (host byte order):
 * strings are added on demand, each add returns the new type's id.
 */
struct btfb {
	struct buf types;
	struct buf strs;
	uint32_t nr;
};
void btfb_init(struct btfb *b);
uint32_t btfb_str(struct btfb *b, const char *s);
/* A type record: kind, vlen, kind_flag, size_or_type, then @nextra words. */
uint32_t btfb_type(struct btfb *b, const char *name, unsigned kind, unsigned vlen, bool kflag,
		   uint32_t size_type, const uint32_t *extra, size_t nextra);
/* The blob: header + types + strings. @swap: in the other byte order. */
void btfb_finish(struct btfb *b, bool swap, struct buf *out);
void btfb_free(struct btfb *b);

/* The fixture every BTF test starts from (ids in btf_fixture_ids). */
struct btf_fixture_ids {
	uint32_t int_, char_, const_char, ptr_const_char, const_ptr, argv_type;
	uint32_t proto_main, func_main, array4, ptr_array4, proto_cb, ptr_cb;
	uint32_t task, ptr_task, void_ptr, proto_tp, ptr_proto_tp, typedef_tp;
	uint32_t proto_other, func_other, func_ext, vol_int, ptr_vol_int;
	uint32_t enum_e, fwd_u, ptr_fwd_u, tag_user, ptr_tagged, float_;
	uint32_t enum64, decl_tag, var, datasec, bpf_trace_fn;
};
void btf_fixture(struct btfb *b, struct btf_fixture_ids *ids);
/* The fixture as a blob. */
void btf_fixture_blob(struct buf *out, bool swap);

/* A new empty folder under /tmp (removed by rm_rf). */
char *tmp_dir(void);
void rm_rf(const char *path);
/* Write @len bytes to @path. 0 or -errno. */
int write_file(const char *path, const void *data, size_t len);
int read_all(const char *path, struct buf *out);

/* Run @argv (argv[0] a path); stdout and stderr captured, NUL-terminated. */
struct run {
	int status; /* exit status, or 128 + signal */
	char *out;
	char *err;
};
int run_cmd(char *const argv[], struct run *r);
void run_free(struct run *r);
/* Lines in @s (a last line without '\n' counts). */
size_t count_lines(const char *s);

/* The execrec binary under test ($EXECREC), or NULL. */
const char *execrec_path(void);
/* The uprobe/usdt target binary ($PROBES_TARGET), or NULL. */
const char *target_path(void);

/* The tracefs of this machine, or NULL (tests needing it skip). */
const char *live_tracefs(void);

#define SKIP_IF(cond, why)                                                                         \
	do {                                                                                       \
		if (cond) {                                                                        \
			fprintf(stderr, "  (skipped: %s) ", why);                                  \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#endif
