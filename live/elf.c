/* SPDX-License-Identifier: MIT */
/*
 * uprobe and usdt probes: the functions in an ELF file's symbol tables
 * (.symtab and .dynsym) and the SystemTap SDT notes (.note.stapsdt), for a
 * binary and the libraries it loads, found the way ld.so finds them.
 *
 * Reading ELF needs libelf; without it (HAVE_LIBELF undefined) binaries are
 * refused with -ENOTSUP and the rest of the library works unchanged.
 */
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
#include "common/opts.h"
#include "internal.h"

#ifdef HAVE_LIBELF
#include <gelf.h>
#include <libelf.h>
#endif

#define NAME_MAX_LEN 512u /* a probe name */

bool live_elf__root_has(const struct live_elf *src, int root, uint32_t file)
{
	const struct elf_root *r;

	if (!src || root < 0 || (uint32_t)root >= src->nr_roots)
		return false;
	r = &src->roots[root];
	for (uint32_t i = 0; i < r->nr_files; i++) {
		if (r->files[i] == file)
			return true;
	}
	return false;
}

struct live_elf *live_elf__new(const struct live_opts *opts)
{
	const char *path = EC_OPTS_GET(opts, path, NULL);
	const char *ld = EC_OPTS_GET(opts, ld_library_path, NULL);
	struct live_elf *e;

	if (!EC_OPTS_VALID(opts, struct live_opts)) {
		errno = EINVAL;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		errno = ENOMEM;
		return NULL;
	}
	if (path && *path)
		e->path_env = strdup(path);
	if (ld)
		e->ld_lib_path = strdup(ld);
	if ((path && *path && !e->path_env) || (ld && !e->ld_lib_path)) {
		live_elf__free(e);
		errno = ENOMEM;
		return NULL;
	}
	return e;
}

void live_elf__free(struct live_elf *src)
{
	if (!src)
		return;
	for (uint32_t i = 0; i < src->nr_files; i++) {
		free(src->files[i].deps);
		free(src->files[i].path);
	}
	free(src->files);
	for (uint32_t i = 0; i < src->nr_roots; i++)
		free(src->roots[i].files);
	free(src->roots);
	free(src->funcs);
	for (size_t i = 0; i < src->nr_notes; i++)
		free(src->notes[i].args);
	free(src->notes);
	for (size_t i = 0; i < src->nr_libdirs; i++)
		free(src->libdirs[i]);
	free(src->libdirs);
	free(src->path_env);
	free(src->ld_lib_path);
	free(src);
}

const char *live_elf__file_path(const struct live_elf *src, uint32_t file)
{
	if (!src || file >= src->nr_files)
		return NULL;
	return src->files[file].path;
}

#ifdef HAVE_LIBELF

/* ------------------------------------------------------------------ */
/* Reading one file                                                    */
/* ------------------------------------------------------------------ */

static void needs_free(struct elf_needs *n)
{
	for (size_t i = 0; i < n->nr; i++)
		free(n->names[i]);
	free(n->names);
	free(n->rpath);
	free(n->runpath);
	free(n->interp);
	memset(n, 0, sizeof(*n));
}

static int add_sym(struct live_elf *src, uint32_t file, const char *sym, uint64_t addr,
		   uint64_t size)
{
	char name[NAME_MAX_LEN + 1];
	int n;

	n = snprintf(name, sizeof(name), "%s:%s", src->files[file].path, sym);
	if (n < 0 || (size_t)n >= sizeof(name))
		return 0;
	if (src->nr_funcs == src->cap_funcs) {
		size_t cap = src->cap_funcs ? src->cap_funcs * 2 : 1024;
		struct elf_func *ns = realloc(src->funcs, cap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		src->funcs = ns;
		src->cap_funcs = cap;
	}
	src->funcs[src->nr_funcs].addr = addr;
	src->funcs[src->nr_funcs].size = size;
	src->nr_funcs++;
	return src->fn(src->ctx, LIVE_ELF_FUNC, name, (size_t)n, file,
		       (uint32_t)(src->nr_funcs - 1));
}

static int read_symbols(struct live_elf *src, uint32_t file, Elf *e)
{
	Elf_Scn *scn = NULL;
	int err = 0;

	while (!err && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t n;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		if (sh.sh_type == SHT_NOBITS || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		n = data->d_size / sh.sh_entsize;
		for (size_t i = 0; i < n && !err; i++) {
			GElf_Sym sym;
			const char *name;
			int type;

			if (!gelf_getsym(data, (int)i, &sym))
				break;
			type = GELF_ST_TYPE(sym.st_info);
			if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_value)
				continue;
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			err = add_sym(src, file, name, sym.st_value, sym.st_size);
		}
	}
	return err;
}

/* A C string inside [p, end), or NULL. */
static const char *note_str(const char **p, const char *end)
{
	const char *s = *p, *nul;

	if (s >= end)
		return NULL;
	nul = memchr(s, '\0', (size_t)(end - s));
	if (!nul)
		return NULL;
	*p = nul + 1;
	return s;
}

/*
 * .note.stapsdt: notes named "stapsdt" of type 3, whose descriptor is
 * three addresses (the probe, the .stapsdt.base link-time address, the
 * semaphore) then provider, name and argument strings.
 */
static int read_notes(struct live_elf *src, uint32_t file, Elf *e, size_t shstrndx)
{
	size_t asz = gelf_getclass(e) == ELFCLASS32 ? 4 : 8;
	Elf_Scn *scn = NULL;
	int err = 0;

	while (!err && (scn = elf_nextscn(e, scn))) {
		const char *secname;
		Elf_Data *data;
		GElf_Shdr sh;
		GElf_Nhdr nh;
		size_t off = 0, next, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		secname = elf_strptr(e, shstrndx, sh.sh_name);
		if (!secname || strcmp(secname, ".note.stapsdt"))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			continue;
		while (!err && (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const char *d = (const char *)data->d_buf + desc_off, *dend, *q;
			const char *prov, *pname, *args;
			uint64_t addr[3] = {0, 0, 0};
			char name[NAME_MAX_LEN + 1];
			int n;

			off = next;
			if (nh.n_type != 3 || nh.n_namesz != 8 ||
			    memcmp((const char *)data->d_buf + name_off, "stapsdt", 8) ||
			    nh.n_descsz < 3 * asz)
				continue;
			dend = d + nh.n_descsz;
			for (int i = 0; i < 3; i++) {
				if (asz == 8) {
					memcpy(&addr[i], d + 8 * i, 8);
				} else {
					uint32_t a;

					memcpy(&a, d + 4 * i, 4);
					addr[i] = a;
				}
			}
			q = d + 3 * asz;
			prov = note_str(&q, dend);
			pname = note_str(&q, dend);
			args = note_str(&q, dend);
			if (!prov || !pname || !*prov || !*pname)
				continue;
			n = snprintf(name, sizeof(name), "%s:%s:%s", src->files[file].path, prov,
				     pname);
			if (n < 0 || (size_t)n >= sizeof(name))
				continue;
			if (src->nr_notes == src->cap_notes) {
				size_t cap = src->cap_notes ? src->cap_notes * 2 : 64;
				struct usdt_note *nn = realloc(src->notes, cap * sizeof(*nn));

				if (!nn)
					return -ENOMEM;
				src->notes = nn;
				src->cap_notes = cap;
			}
			src->notes[src->nr_notes].pc = addr[0];
			src->notes[src->nr_notes].base = addr[1];
			src->notes[src->nr_notes].semaphore = addr[2];
			src->notes[src->nr_notes].args = strdup(args ? args : "");
			if (!src->notes[src->nr_notes].args)
				return -ENOMEM;
			src->nr_notes++;
			/* one name may have several sites: the list keeps one
			 * line per name, the first site's details */
			err = src->fn(src->ctx, LIVE_ELF_USDT, name, (size_t)n, file,
				      (uint32_t)(src->nr_notes - 1));
		}
	}
	return err;
}

static int push_name(struct elf_needs *n, const char *s)
{
	char **nn, *c;

	if (n->nr >= MAX_FILES)
		return 0;
	c = strdup(s);
	nn = realloc(n->names, (n->nr + 1) * sizeof(*nn));
	if (!c || !nn) {
		free(c);
		if (nn)
			n->names = nn;
		return -ENOMEM;
	}
	n->names = nn;
	n->names[n->nr++] = c;
	return 0;
}

static int read_needs(Elf *e, struct elf_needs *n)
{
	Elf_Scn *scn = NULL;
	size_t phnum = 0, rawlen;
	const char *raw = elf_rawfile(e, &rawlen);
	int err = 0;

	while (!err && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		for (size_t i = 0; i < data->d_size / sh.sh_entsize && !err; i++) {
			GElf_Dyn dyn;
			const char *s;

			if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RPATH &&
			    dyn.d_tag != DT_RUNPATH)
				continue;
			s = elf_strptr(e, sh.sh_link, dyn.d_un.d_val);
			if (!s)
				continue;
			if (dyn.d_tag == DT_NEEDED)
				err = push_name(n, s);
			else if (dyn.d_tag == DT_RPATH && !n->rpath)
				n->rpath = strdup(s);
			else if (dyn.d_tag == DT_RUNPATH && !n->runpath)
				n->runpath = strdup(s);
		}
	}
	/* the interpreter (ld.so) is mapped into every process too */
	if (!err && raw && !elf_getphdrnum(e, &phnum)) {
		for (size_t i = 0; i < phnum; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP)
				continue;
			if (ph.p_offset < rawlen && ph.p_filesz <= rawlen - ph.p_offset &&
			    ph.p_filesz > 1 && ph.p_filesz < PATH_MAX &&
			    memchr(raw + ph.p_offset, '\0', ph.p_filesz))
				n->interp = strdup(raw + ph.p_offset);
			break;
		}
	}
	return err;
}

/*
 * Where the separate debug file of a stripped ELF file is, by its build ID
 * (the GNU note): /usr/lib/debug/.build-id/ab/cdef....debug, as Debian's
 * -dbg and -dbgsym packages and other distributions install them. Its
 * .symtab holds the static functions the stripped file lost, at the same
 * addresses. false if the file has no build ID.
 */
static bool debug_file(Elf *e, char *out, size_t size)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		size_t off = 0, next, name_off, desc_off;
		Elf_Data *data;
		GElf_Shdr sh;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			continue;
		while ((next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const unsigned char *id = (const unsigned char *)data->d_buf + desc_off;
			size_t len;

			off = next;
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + name_off, "GNU", 4) ||
			    nh.n_descsz < 2 || nh.n_descsz > 64)
				continue;
			len = (size_t)snprintf(out, size, "/usr/lib/debug/.build-id/%02x/", id[0]);
			for (size_t i = 1; i < nh.n_descsz && len + 3 < size; i++)
				len += (size_t)snprintf(out + len, size - len, "%02x", id[i]);
			return (size_t)snprintf(out + len, size - len, ".debug") < size - len;
		}
	}
	return false;
}

/* Open @path as ELF. 0, or -errno (-ENOEXEC: not ELF). */
static int open_elf(const char *path, int *ret_fd, Elf **ret_elf, struct stat *ret_st)
{
	Elf *e;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, ret_st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (S_ISDIR(ret_st->st_mode) || !S_ISREG(ret_st->st_mode)) {
		close(fd);
		return S_ISDIR(ret_st->st_mode) ? -EISDIR : -ENOEXEC;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		elf_end(e);
		close(fd);
		return -ENOEXEC;
	}
	*ret_fd = fd;
	*ret_elf = e;
	return 0;
}

/* Open, index and list one file, once. Returns its index, or -errno. */
static int add_file(struct live_elf *src, const char *path)
{
	struct elf_file *f;
	GElf_Ehdr eh;
	struct stat st;
	size_t shstrndx;
	Elf *e;
	int fd, err;
	uint32_t idx;

	err = open_elf(path, &fd, &e, &st);
	if (err)
		return err;
	for (uint32_t i = 0; i < src->nr_files; i++) {
		if (src->files[i].dev == st.st_dev && src->files[i].ino == st.st_ino) {
			err = (int)i;
			goto out;
		}
	}
	if (src->nr_files >= MAX_FILES) {
		err = -E2BIG;
		goto out;
	}
	if (!gelf_getehdr(e, &eh) || elf_getshdrstrndx(e, &shstrndx)) {
		err = -ENOEXEC;
		goto out;
	}
	f = realloc(src->files, (src->nr_files + 1) * sizeof(*f));
	if (!f) {
		err = -ENOMEM;
		goto out;
	}
	src->files = f;
	idx = src->nr_files;
	f = &src->files[idx];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	if (!f->path) {
		err = -ENOMEM;
		goto out;
	}
	src->nr_files++;
	err = read_symbols(src, idx, e);
	if (!err)
		err = read_notes(src, idx, e, shstrndx);
	if (!err) {
		char dbg[PATH_MAX];
		struct stat dst;
		Elf *de;
		int dfd;

		if (debug_file(e, dbg, sizeof(dbg)) && !open_elf(dbg, &dfd, &de, &dst)) {
			err = read_symbols(src, idx, de);
			elf_end(de);
			close(dfd);
		}
	}
	if (!err)
		err = (int)idx;
out:
	elf_end(e);
	close(fd);
	return err;
}

/* What file @idx loads: DT_NEEDED, RPATH, RUNPATH, PT_INTERP. */
static int file_needs(struct live_elf *src, uint32_t idx, struct elf_needs *n)
{
	GElf_Ehdr eh;
	struct stat st;
	Elf *e;
	int fd, err;

	err = open_elf(src->files[idx].path, &fd, &e, &st);
	if (err)
		return err;
	if (gelf_getehdr(e, &eh)) {
		n->cls = eh.e_ident[EI_CLASS];
		n->machine = eh.e_machine;
		err = read_needs(e, n);
	} else {
		err = -ENOEXEC;
	}
	elf_end(e);
	close(fd);
	return err;
}

static int add_dep(struct elf_file *f, uint32_t dep)
{
	uint32_t *n;

	for (uint32_t i = 0; i < f->nr_deps; i++) {
		if (f->deps[i] == dep)
			return 0;
	}
	n = realloc(f->deps, (f->nr_deps + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	f->deps = n;
	f->deps[f->nr_deps++] = dep;
	return 0;
}

/* A file and, breadth first, everything it loads. */
static int add_tree(struct live_elf *src, const char *path, uint32_t *ret_idx)
{
	uint32_t *queue, qlen = 0, qcap = 4 * MAX_FILES;
	struct elf_needs n = {0};
	int idx, err = 0;

	idx = add_file(src, path);
	if (idx < 0)
		return idx;
	*ret_idx = (uint32_t)idx;
	queue = malloc(sizeof(*queue) * qcap);
	if (!queue)
		return -ENOMEM;
	queue[qlen++] = (uint32_t)idx;
	for (uint32_t q = 0; q < qlen && !err; q++) {
		uint32_t cur = queue[q];
		char found[PATH_MAX];

		if (src->files[cur].walked)
			continue;
		src->files[cur].walked = true;
		needs_free(&n);
		if (file_needs(src, cur, &n))
			continue;
		if (n.interp)
			err = push_name(&n, n.interp);
		for (size_t i = 0; i < n.nr && !err; i++) {
			int dep;

			if (!live_resolve_lib(src, src->files[cur].path, n.names[i], &n, found,
					      sizeof(found)))
				continue; /* ld.so would fail too; list what is there */
			dep = add_file(src, found);
			if (dep < 0)
				continue;
			err = add_dep(&src->files[cur], (uint32_t)dep);
			if (!err && !src->files[dep].walked && qlen < qcap)
				queue[qlen++] = (uint32_t)dep;
		}
	}
	needs_free(&n);
	free(queue);
	return err;
}

/* A new root over @files and (with @closure) what they load. */
static int new_root(struct live_elf *src, const uint32_t *files, uint32_t nr, bool closure)
{
	struct elf_root *roots, *r;
	uint32_t cap = nr + 16;
	uint32_t *v;

	roots = realloc(src->roots, (src->nr_roots + 1) * sizeof(*roots));
	if (!roots)
		return -ENOMEM;
	src->roots = roots;
	v = malloc(cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, files, nr * sizeof(*v));
	for (uint32_t i = 0; closure && i < nr; i++) {
		const struct elf_file *f = &src->files[v[i]];

		for (uint32_t j = 0; j < f->nr_deps; j++) {
			bool have = false;

			for (uint32_t k = 0; k < nr && !have; k++)
				have = v[k] == f->deps[j];
			if (have)
				continue;
			if (nr == cap) {
				uint32_t *nv = realloc(v, (cap *= 2) * sizeof(*nv));

				if (!nv) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
			}
			v[nr++] = f->deps[j];
		}
	}
	r = &src->roots[src->nr_roots];
	r->files = v;
	r->nr_files = nr;
	return (int)src->nr_roots++;
}

int live_elf__add_binary(struct live_elf *src, const char *path, bool no_libs, live_elf_fn fn,
			 void *ctx)
{
	uint32_t idx;
	int err;

	if (!src || !path || !fn)
		return -EINVAL;
	src->fn = fn;
	src->ctx = ctx;
	if (no_libs) {
		err = add_file(src, path);
		idx = (uint32_t)err;
	} else {
		err = add_tree(src, path, &idx);
	}
	if (err < 0)
		return err;
	return new_root(src, &idx, 1, !no_libs);
}

int live_elf__add_pid(struct live_elf *src, pid_t pid, live_elf_fn fn, void *ctx)
{
	char path[64], line[PATH_MAX + 256];
	uint32_t *files = NULL, nr = 0;
	FILE *f;
	int err = 0;

	if (!src || pid <= 0 || !fn)
		return -EINVAL;
	src->fn = fn;
	src->ctx = ctx;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* the mapped files with code: the executable comes first in maps */
	while (fgets(line, sizeof(line), f) && !err) {
		char perms[8], *file, *nl;
		int idx;

		if (sscanf(line, "%*s %7s %*s %*s %*s", perms) != 1 || !strchr(perms, 'x'))
			continue;
		file = strchr(line, '/');
		if (!file)
			continue;
		nl = strchr(file, '\n');
		if (nl)
			*nl = '\0';
		if (strstr(file, " (deleted)"))
			continue;
		idx = add_file(src, file);
		if (idx < 0)
			continue;
		if (!(nr & (nr + 1)) || !files) {
			uint32_t *nf = realloc(files, (nr + 1) * 2 * sizeof(*nf));

			if (!nf) {
				err = -ENOMEM;
				break;
			}
			files = nf;
		}
		files[nr++] = (uint32_t)idx;
	}
	fclose(f);
	if (!err && !nr)
		err = -ENOENT;
	if (!err) {
		err = new_root(src, files, nr, false);
	}
	free(files);
	return err;
}

int live_elf__func(const struct live_elf *src, uint32_t idx, uint64_t *ret_addr, uint64_t *ret_size)
{
	if (!src || idx >= src->nr_funcs)
		return -ENOENT;
	*ret_addr = src->funcs[idx].addr;
	*ret_size = src->funcs[idx].size;
	return 0;
}

int live_elf__usdt(const struct live_elf *src, uint32_t idx, uint64_t *ret_addr,
		   uint64_t *ret_semaphore, const char **ret_args)
{
	if (!src || idx >= src->nr_notes)
		return -ENOENT;
	*ret_addr = src->notes[idx].pc;
	*ret_semaphore = src->notes[idx].semaphore;
	*ret_args = src->notes[idx].args;
	return 0;
}

#else /* !HAVE_LIBELF */

int live_elf__add_binary(struct live_elf *src, const char *path, bool no_libs, live_elf_fn fn,
			 void *ctx)
{
	(void)src;
	(void)path;
	(void)no_libs;
	(void)fn;
	(void)ctx;
	return -ENOTSUP;
}

int live_elf__add_pid(struct live_elf *src, pid_t pid, live_elf_fn fn, void *ctx)
{
	return live_elf__add_binary(src, NULL, pid != 0, fn, ctx);
}

int live_elf__func(const struct live_elf *src, uint32_t idx, uint64_t *ret_addr, uint64_t *ret_size)
{
	(void)src;
	(void)idx;
	(void)ret_addr;
	(void)ret_size;
	return -ENOENT;
}

int live_elf__usdt(const struct live_elf *src, uint32_t idx, uint64_t *ret_addr,
		   uint64_t *ret_semaphore, const char **ret_args)
{
	(void)src;
	(void)idx;
	(void)ret_addr;
	(void)ret_semaphore;
	(void)ret_args;
	return -ENOENT;
}

#endif
