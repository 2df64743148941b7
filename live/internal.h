/* SPDX-License-Identifier: MIT */
/* Shared by live/'s ELF files: the ELF reader's object and the library
 * search (ldpath.c). */
#ifndef EXECREC_LIVE_INTERNAL_H
#define EXECREC_LIVE_INTERNAL_H

#include "live.h"

#define MAX_FILES 1024u /* ELF files in one object */

struct elf_file {
	char *path;
	dev_t dev;
	ino_t ino;
	uint32_t *deps; /* files this one loads (itself excluded) */
	uint32_t nr_deps;
	bool walked; /* its libraries were looked for */
};

struct elf_root {
	uint32_t *files; /* closure: the root file(s) and all they load */
	uint32_t nr_files;
};

struct elf_func {
	uint64_t addr;
	uint64_t size;
};

struct usdt_note {
	uint64_t pc;
	uint64_t base;
	uint64_t semaphore;
	char *args; /* "-4@%edi 8@%rsi" */
};

struct live_elf {
	char *path_env;	   /* $PATH as given, or NULL */
	char *ld_lib_path; /* $LD_LIBRARY_PATH as given, or NULL */
	struct elf_file *files;
	uint32_t nr_files;
	struct elf_root *roots;
	uint32_t nr_roots;
	struct elf_func *funcs;
	size_t nr_funcs, cap_funcs;
	struct usdt_note *notes;
	size_t nr_notes, cap_notes;
	char **libdirs; /* ld.so.conf and default folders, once */
	size_t nr_libdirs;
	bool libdirs_done;
	/* where probes of newly read files go */
	live_elf_fn fn;
	void *ctx;
};

/* What a file needs, gathered while it is open. */
struct elf_needs {
	char **names;
	size_t nr;
	char *rpath;
	char *runpath;
	char *interp;
	unsigned char cls;
	unsigned machine;
};

/* ldpath.c: where ld.so would find library @name that file @from needs;
 * the path in @out, or false. */
bool live_resolve_lib(struct live_elf *src, const char *from, const char *name,
		      const struct elf_needs *n, char *out, size_t size);

#endif /* EXECREC_LIVE_INTERNAL_H */
