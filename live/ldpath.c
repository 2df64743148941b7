/* SPDX-License-Identifier: MIT */
/*
 * Finding binaries and libraries as a shell and ld.so do: $PATH (as the
 * caller hands it over), ld.so's search order (DT_RPATH, LD_LIBRARY_PATH,
 * DT_RUNPATH, /etc/ld.so.conf, the default folders) and $ORIGIN.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/macros.h"
#include "internal.h"

#define MAX_LIBDIRS 256
#define LDCONF_DEPTH 8

/* ------------------------------------------------------------------ */
/* Library folders                                                     */
/* ------------------------------------------------------------------ */

static void add_libdir(struct live_elf *src, const char *dir, size_t len)
{
	char **n, *s;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (!len || dir[0] != '/' || src->nr_libdirs >= MAX_LIBDIRS)
		return;
	for (size_t i = 0; i < src->nr_libdirs; i++) {
		if (strlen(src->libdirs[i]) == len && !memcmp(src->libdirs[i], dir, len))
			return;
	}
	n = realloc(src->libdirs, (src->nr_libdirs + 1) * sizeof(*n));
	if (!n)
		return;
	src->libdirs = n;
	s = strndup(dir, len);
	if (!s)
		return;
	src->libdirs = n;
	src->libdirs[src->nr_libdirs++] = s;
}

/* /etc/ld.so.conf: a folder per line, "include GLOB" lines, '#' comments. */
static void parse_ldconf(struct live_elf *src, const char *path, int depth)
{
	char *buf, *p, *eol;
	size_t len;

	if (depth > LDCONF_DEPTH || live_read_file(path, LIVE_SMALL_FILE_MAX, &buf, &len))
		return;
	for (p = buf; p < buf + len; p = eol + 1) {
		char *hash, *end;

		eol = memchr(p, '\n', (size_t)(buf + len - p));
		if (!eol)
			eol = buf + len;
		*eol = '\0';
		hash = strchr(p, '#');
		if (hash)
			*hash = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (!strncmp(p, "include", 7) && (p[7] == ' ' || p[7] == '\t')) {
			char pat[PATH_MAX];
			glob_t g;

			p += 8;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '/')
				snprintf(pat, sizeof(pat), "%s", p);
			else
				snprintf(pat, sizeof(pat), "/etc/%s", p);
			if (!glob(pat, 0, NULL, &g)) {
				for (size_t i = 0; i < g.gl_pathc; i++)
					parse_ldconf(src, g.gl_pathv[i], depth + 1);
				globfree(&g);
			}
		} else if (*p == '/') {
			add_libdir(src, p, strlen(p));
		}
	}
	free(buf);
}

static void load_libdirs(struct live_elf *src)
{
	static const char *const defaults[] = {"/lib64", "/usr/lib64", "/lib", "/usr/lib"};

	if (src->libdirs_done)
		return;
	src->libdirs_done = true;
	parse_ldconf(src, "/etc/ld.so.conf", 0);
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
		add_libdir(src, defaults[i], strlen(defaults[i]));
}

static bool is_file(const char *path, int mode)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, mode);
}

/* A library candidate: an ELF file, not a linker script such as libc.so. */
static bool is_elf_lib(const char *path)
{
	unsigned char magic[4];
	bool ok = false;
	int fd;

	if (!is_file(path, R_OK))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ok = read(fd, magic, 4) == 4 && !memcmp(magic, "\177ELF", 4);
		close(fd);
	}
	return ok;
}

int live_elf__find_binary(struct live_elf *src, const char *name, char *buf, size_t size)
{
	static const char *const forms[] = {"%s/%s", "%s/%s.so", "%s/lib%s.so"};
	const char *path_env = src->path_env;
	char try[PATH_MAX];

	if (strchr(name, '/')) {
		if ((size_t)snprintf(buf, size, "%s", name) >= size)
			return -ENAMETOOLONG;
		return 0;
	}
	if (!path_env || !*path_env)
		path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path_env; *p;) {
		size_t n = strcspn(p, ":");

		if (n) {
			snprintf(try, sizeof(try), "%.*s/%s", (int)n, p, name);
			if (is_file(try, X_OK))
				goto found;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	/* a library: "libc.so.6", "libc.so", or as bpftrace takes it, "libc" */
	load_libdirs(src);
	for (size_t f = 0; f < ARRAY_SIZE(forms); f++) {
		for (size_t i = 0; i < src->nr_libdirs; i++) {
			snprintf(try, sizeof(try), forms[f], src->libdirs[i], name);
			if (is_elf_lib(try))
				goto found;
		}
	}
	for (size_t f = 1; f < ARRAY_SIZE(forms); f++) {
		for (size_t i = 0; i < src->nr_libdirs; i++) {
			char pat[PATH_MAX + 4];
			glob_t g;

			snprintf(pat, sizeof(pat), forms[f], src->libdirs[i], name);
			strcat(pat, ".*");
			if (glob(pat, 0, NULL, &g))
				continue;
			for (size_t k = 0; k < g.gl_pathc; k++) {
				if (is_elf_lib(g.gl_pathv[k])) {
					snprintf(try, sizeof(try), "%s", g.gl_pathv[k]);
					globfree(&g);
					goto found;
				}
			}
			globfree(&g);
		}
	}
	return -ENOENT;
found:
	if ((size_t)snprintf(buf, size, "%s", try) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* Whether @path is an ELF file of the class and machine wanted. */
static bool elf_matches(const char *path, unsigned char cls, unsigned machine)
{
	unsigned char id[20];
	uint16_t m;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, id, sizeof(id)) == (ssize_t)sizeof(id) && !memcmp(id, ELFMAG, SELFMAG) &&
	     id[EI_CLASS] == cls;
	close(fd);
	if (!ok)
		return false;
	memcpy(&m, id + 18, 2);
	if (id[EI_DATA] == ELFDATA2MSB)
		m = __builtin_bswap16(m);
	/* the host is little-endian or big-endian: compare as the file says */
	return m == machine || __builtin_bswap16(m) == machine;
}

/* Try each folder of a colon list ("$ORIGIN" expanded) for @name. */
static bool search_list(const char *list, const char *origin, const char *name,
			const struct elf_needs *n, char *out, size_t size)
{
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ":");
		char dir[PATH_MAX];

		if (len && len < sizeof(dir)) {
			memcpy(dir, p, len);
			dir[len] = '\0';
			if (!strncmp(dir, "$ORIGIN", 7) || !strncmp(dir, "${ORIGIN}", 9)) {
				const char *rest = dir + (dir[1] == '{' ? 9 : 7);
				char tmp[PATH_MAX];

				if ((size_t)snprintf(tmp, sizeof(tmp), "%s%s", origin, rest) >=
				    sizeof(tmp))
					goto next;
				memcpy(dir, tmp, strlen(tmp) + 1);
			}
			if ((size_t)snprintf(out, size, "%s/%s", dir, name) < size &&
			    elf_matches(out, n->cls, n->machine))
				return true;
		}
	next:
		p += len;
		if (*p == ':')
			p++;
	}
	return false;
}

/* ld.so's order (ld.so(8)): DT_RPATH unless there is a DT_RUNPATH,
 * LD_LIBRARY_PATH, DT_RUNPATH, then the configured and default folders. */
bool live_resolve_lib(struct live_elf *src, const char *from, const char *name,
		      const struct elf_needs *n, char *out, size_t size)
{
	char origin[PATH_MAX];
	const char *slash;

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return elf_matches(out, n->cls, n->machine);
	}
	slash = strrchr(from, '/');
	snprintf(origin, sizeof(origin), "%.*s", slash ? (int)(slash - from) : 1,
		 slash ? from : ".");
	if (!n->runpath && search_list(n->rpath, origin, name, n, out, size))
		return true;
	if (search_list(src->ld_lib_path, origin, name, n, out, size))
		return true;
	if (search_list(n->runpath, origin, name, n, out, size))
		return true;
	load_libdirs(src);
	for (size_t i = 0; i < src->nr_libdirs; i++) {
		snprintf(out, size, "%s/%s", src->libdirs[i], name);
		if (elf_matches(out, n->cls, n->machine))
			return true;
	}
	return false;
}
