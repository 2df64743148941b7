/* SPDX-License-Identifier: MIT */
/*
 * compile_commands.json from the compiler runs of a trace, as Bear writes
 * it: one entry per source file a compiler driver was given, with the
 * directory it ran in, its arguments as it received them (argv[0] replaced
 * by the program's absolute path, which is what a tool needs to run or ask
 * it), the source file and the output, both absolute.
 *
 * Because the recorder sees every exec in the kernel, statically linked
 * compilers and compilers started by static build tools are seen too,
 * which LD_PRELOAD-based tools miss.
 *
 * What counts: a successful exec of a compiler driver (rx_is_compiler),
 * with at least one source file among its arguments, that is not a
 * preprocessing-only (-E) or dependency-only (-M, -MM) run, and whose
 * process has no compiler driver among its ancestors (ccache or a
 * "gcc" wrapper that runs the real gcc, gcc -flto running gcc again: the
 * outermost is the command that was asked for). Of a process that exec'd
 * several compiler drivers in a row (a wrapper script that execs the real
 * one), the last.
 *
 * Written when the process is over, so entries come in the order the
 * compilers finished.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/macros.h"
#include "internal.h"

static bool str_is(struct etr_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && !memcmp(s.ptr, lit, n);
}

static bool ends_with(struct etr_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len >= n && !memcmp(s.ptr + s.len - n, lit, n);
}

/* "-12", "-12.2": a version suffix. */
static size_t version_suffix(struct etr_str s)
{
	size_t i = s.len;

	while (i > 0 && ((s.ptr[i - 1] >= '0' && s.ptr[i - 1] <= '9') || s.ptr[i - 1] == '.'))
		i--;
	if (i == s.len || i == 0 || s.ptr[i - 1] != '-' || s.ptr[i] == '.')
		return 0;
	return s.len - i + 1;
}

bool rx_is_compiler(const struct etr_str *filename)
{
	static const char *const drivers[] = {"gcc",   "g++",	  "cc",	 "c++",
					      "clang", "clang++", "c89", "c99"};
	struct etr_str b = rp_basename(*filename), comp;
	size_t cut;

	/* mingw's gcc-posix / gcc-win32, then a version */
	if (ends_with(b, "-posix"))
		b.len -= 6;
	else if (ends_with(b, "-win32"))
		b.len -= 6;
	cut = version_suffix(b);
	b.len -= (uint32_t)cut;
	/* the driver is what follows the target prefix (arm-none-eabi-gcc) */
	comp = b;
	for (uint32_t i = b.len; i > 0; i--) {
		if (b.ptr[i - 1] == '-') {
			comp.ptr = b.ptr + i;
			comp.len = b.len - i;
			break;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++)
		if (str_is(comp, drivers[i]))
			return true;
	return false;
}

/* The last successful compiler exec of @p, or NULL. */
static const struct rp_exec *compiler_exec(const struct rp_model *m, const struct rp_proc *p)
{
	const struct rp_exec *found = NULL;

	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *ex = rp_model__exec(m, i);
		struct etr_str file = rp_model__str(m, ex->filename);

		if (!ex->ret && rx_is_compiler(&file))
			found = ex;
		i = ex->next;
	}
	return found;
}

/* Options of gcc and clang whose value is the next argument. */
static bool takes_value(struct etr_str a)
{
	/* clang-format off */
	static const char *const opts[] = {
		"-o", "-x", "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-idirafter",
		"-iprefix", "-iwithprefix", "-iwithprefixbefore", "-iquote", "-isysroot",
		"-imultilib", "-imultiarch", "--sysroot", "-MF", "-MT", "-MQ", "-L", "-l", "-T",
		"-u", "-e", "-z", "-Xlinker", "-Xassembler", "-Xpreprocessor", "-Xclang",
		"-Xanalyzer", "-mllvm", "-target", "-arch", "-aux-info", "--param", "-dumpbase",
		"-dumpbase-ext", "-dumpdir", "-B", "-wrapper", "-G", "-A", "-include-pch",
		"-resource-dir", "-gcc-toolchain", "-working-directory", "-ivfsoverlay", "-F",
		"-framework", "-main-file-name", "-Xcuda-ptxas", "-Xcuda-fatbinary",
		"-Xopenmp-target", "--serialize-diagnostics",
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (str_is(a, opts[i]))
			return true;
	return false;
}

static bool source_ext(struct etr_str a)
{
	/* clang-format off */
	static const char *const exts[] = {
		"c", "cc", "cp", "cxx", "cpp", "CPP", "c++", "C", "m", "mm", "M", "mi", "mii",
		"i", "ii", "s", "S", "sx", "f", "for", "ftn", "F", "FOR", "fpp", "FPP", "FTN",
		"f90", "f95", "f03", "f08", "F90", "F95", "F03", "F08", "cu",
	};
	/* clang-format on */
	struct etr_str b = rp_basename(a), ext = {NULL, 0};

	for (uint32_t i = b.len; i > 1; i--) {
		if (b.ptr[i - 1] == '.') {
			ext.ptr = b.ptr + i;
			ext.len = b.len - i;
			break;
		}
	}
	if (!ext.ptr)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		if (str_is(ext, exts[i]))
			return true;
	return false;
}

/* @rel against @dir, as a malloc'd string; "./" prefixes dropped. */
static char *abs_path(struct etr_str dir, struct etr_str rel, size_t *ret_len)
{
	char *s;
	size_t n;

	if (rel.len && rel.ptr[0] == '/') {
		dir.len = 0;
	} else {
		while (rel.len >= 2 && rel.ptr[0] == '.' && rel.ptr[1] == '/') {
			rel.ptr += 2;
			rel.len -= 2;
			while (rel.len && rel.ptr[0] == '/')
				rel.ptr++, rel.len--;
		}
		while (dir.len > 1 && dir.ptr[dir.len - 1] == '/')
			dir.len--;
	}
	n = dir.len + 1 + rel.len;
	s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, dir.ptr, dir.len);
	n = dir.len;
	if (dir.len && !(dir.len == 1 && dir.ptr[0] == '/'))
		s[n++] = '/';
	memcpy(s + n, rel.ptr, rel.len);
	n += rel.len;
	s[n] = '\0';
	*ret_len = n;
	return s;
}

/* gcc's name for the output of @src when no -o says: a.o or a.s in the
 * current directory. */
static char *default_output(struct etr_str src, const char *ext)
{
	struct etr_str b = rp_basename(src);
	uint32_t stem = b.len;
	char *s;

	for (uint32_t i = b.len; i > 1; i--) {
		if (b.ptr[i - 1] == '.') {
			stem = i - 1;
			break;
		}
	}
	s = malloc(stem + strlen(ext) + 1);
	if (!s)
		return NULL;
	memcpy(s, b.ptr, stem);
	strcpy(s + stem, ext);
	return s;
}

void rx_compdb_begin(struct rx_export *x)
{
	fputs("[", x->out);
}

/* The entry of source args[@k]: a command line that compiles it alone, as
 * Bear writes it for "cc -c a.c b.c" (the other sources left out). */
static int put_entry(struct rx_export *x, const struct rp_exec *ex, const struct etr_str *args,
		     const bool *is_src, uint32_t n, uint32_t k, struct etr_str out, bool has_out)
{
	FILE *f = x->out;
	struct etr_str a, src = args[k], cwd = rp_model__str(x->m, ex->cwd),
			  file = rp_model__str(x->m, ex->filename);
	bool first = true;
	char *path;
	size_t len;

	fputs(x->first ? "\n" : ",\n", f);
	x->first = false;
	fputs("  {\n    \"directory\": ", f);
	rp_fput_json_str(f, cwd.ptr, cwd.len);
	fputs(",\n    \"arguments\": [", f);
	for (uint32_t i = 0; i < n; i++) {
		if (is_src[i] && i != k)
			continue;
		a = args[i];
		fputs(first ? "" : ", ", f);
		if (first && file.len && file.ptr[0] == '/')
			a = file;
		rp_fput_json_str(f, a.ptr, a.len);
		first = false;
	}
	fputs("],\n    \"file\": ", f);
	path = abs_path(cwd, src, &len);
	if (!path)
		return -ENOMEM;
	rp_fput_json_str(f, path, len);
	free(path);
	if (has_out) {
		fputs(",\n    \"output\": ", f);
		path = abs_path(cwd, out, &len);
		if (!path)
			return -ENOMEM;
		rp_fput_json_str(f, path, len);
		free(path);
	}
	fputs("\n  }", f);
	x->stats.entries++;
	return ferror(f) ? -EIO : 0;
}

static bool ancestor_compiles(const struct rp_model *m, const struct rp_proc *p)
{
	/* bounded: a model's parent links form a tree, but be safe */
	for (uint32_t a = p->parent, hops = 0; a != RP_NONE && hops < 4096; hops++) {
		const struct rp_proc *ap = rp_model__proc(m, a);

		/* an ancestor that is over has had its execs released: it was
		 * judged (and written, if it compiled) already */
		if (compiler_exec(m, ap))
			return true;
		a = ap->parent;
	}
	return false;
}

int rx_compdb_proc(struct rx_export *x, struct rp_proc *p)
{
	const struct rp_exec *ex;
	struct etr_str *args = NULL, a, out = {NULL, 0};
	uint32_t n = 0, cap = 0, pos = 0;
	bool lang = false, compile = false, asm_only = false, skip = false, has_out = false;
	bool syntax_only = false;
	bool *is_src = NULL;
	int err = 0;

	if (p->flags & RP_PF_PLACEHOLDER)
		return 0;
	ex = compiler_exec(x->m, p);
	if (!ex || (x->filter && !rp_filter__match_proc(x->filter, x->m, p)) ||
	    ancestor_compiles(x->m, p))
		return 0;
	x->stats.compilers++;

	while (etr_args__next(&ex->argv, &pos, &a)) {
		if (n == cap) {
			uint32_t c = cap ? cap * 2 : 32;
			struct etr_str *na = realloc(args, c * sizeof(*na));
			bool *ns = realloc(is_src, c * sizeof(*ns));

			if (na)
				args = na;
			if (ns)
				is_src = ns;
			if (!na || !ns) {
				err = -ENOMEM;
				goto out;
			}
			cap = c;
		}
		is_src[n] = false;
		args[n++] = a;
	}
	for (uint32_t i = 1; i < n; i++) {
		a = args[i];
		if (a.len >= 1 && a.ptr[0] == '-' && a.len > 1) {
			if (str_is(a, "-c"))
				compile = true;
			else if (str_is(a, "-S"))
				asm_only = true;
			else if (str_is(a, "-E") || str_is(a, "-M") || str_is(a, "-MM"))
				skip = true;
			else if (str_is(a, "-fsyntax-only"))
				syntax_only = true;
			if (str_is(a, "-x") && i + 1 < n)
				lang = !str_is(args[i + 1], "none");
			else if (a.len > 2 && !memcmp(a.ptr, "-x", 2))
				lang = !(a.len == 6 && !memcmp(a.ptr + 2, "none", 4));
			if (str_is(a, "-o") && i + 1 < n) {
				out = args[i + 1];
				has_out = true;
			} else if (a.len > 2 && a.ptr[1] == 'o' && a.ptr[0] == '-') {
				out = (struct etr_str){a.ptr + 2, a.len - 2};
				has_out = true;
			}
			if (takes_value(a))
				i++;
			continue;
		}
		if (a.len == 0 || str_is(a, "-") || a.ptr[0] == '@')
			continue; /* stdin, response files: no file to name */
		if (lang || source_ext(a))
			is_src[i] = true;
	}
	if (skip)
		goto out;
	for (uint32_t i = 1; i < n && !err; i++) {
		char *def = NULL;
		struct etr_str o = out;
		bool ho = has_out;

		if (!is_src[i])
			continue;
		if (!has_out && (compile || asm_only)) {
			def = default_output(args[i], asm_only && !compile ? ".s" : ".o");
			if (!def) {
				err = -ENOMEM;
				break;
			}
			o = (struct etr_str){def, (uint32_t)strlen(def)};
			ho = true;
		} else if (!has_out && !syntax_only) {
			o = (struct etr_str){"a.out", 5};
			ho = true;
		}
		err = put_entry(x, ex, args, is_src, n, i, o, ho);
		free(def);
	}
out:
	free(args);
	free(is_src);
	return err;
}

int rx_compdb_finish(struct rx_export *x)
{
	fputs(x->first ? "]\n" : "\n]\n", x->out);
	return ferror(x->out) ? -EIO : 0;
}
