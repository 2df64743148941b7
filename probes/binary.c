/* SPDX-License-Identifier: MIT */
/*
 * uprobe and usdt lists: the functions and SDT notes live/ reads from ELF
 * files, as probes of the source, and their details.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int add_probe(void *ctx, enum live_elf_kind kind, const char *name, size_t len,
		     uint32_t file, uint32_t idx)
{
	/* one usdt name may have several sites: the list keeps one line
	 * per name, the first site's details */
	return probe_plist_add(ctx, kind == LIVE_ELF_USDT ? PROBE_USDT : PROBE_UPROBE, name, len,
			       file, idx);
}

/* The ELF reader, made on first use; 0 or -ENOMEM. */
static int elf_reader(struct probe_src *src)
{
	struct live_opts lo = {
	    .sz = sizeof(lo),
	    .path = src->o.path,
	    .ld_library_path = src->o.ld_library_path,
	};

	if (!src->elf)
		src->elf = live_elf__new(&lo);
	return src->elf ? 0 : -ENOMEM;
}

/* The uprobe and usdt lists come from the binaries added: loaded now. */
static void elf_lists(struct probe_src *src, int err)
{
	for (int t = PROBE_UPROBE; t <= PROBE_USDT; t++) {
		if (err == -ENOTSUP) { /* built without libelf */
			src->lists[t].st.err = err;
			continue;
		}
		src->lists[t].loaded = true;
		src->lists[t].st.origin = PROBE_ORIGIN_ELF;
		probe_plist_sort(src, t);
	}
}

int probe_src__add_binary(struct probe_src *src, const char *path, unsigned flags)
{
	int r;

	if (!src || !path)
		return -EINVAL;
	r = elf_reader(src);
	if (r)
		return r;
	r = live_elf__add_binary(src->elf, path, flags & PROBE_BIN_NO_LIBS, add_probe, src);
	elf_lists(src, r);
	return r;
}

int probe_src__add_pid(struct probe_src *src, pid_t pid)
{
	int r;

	if (!src || pid <= 0)
		return -EINVAL;
	r = elf_reader(src);
	if (r)
		return r;
	r = live_elf__add_pid(src->elf, pid, add_probe, src);
	elf_lists(src, r);
	return r;
}

const char *probe_src__file_path(const struct probe_src *src, uint32_t file)
{
	return src ? live_elf__file_path(src->elf, file) : NULL;
}

int probe_src__find_binary(struct probe_src *src, const char *name, char *buf, size_t size)
{
	int err;

	if (!src || !name || !*name || !buf || !size)
		return -EINVAL;
	err = elf_reader(src);
	return err ? err : live_elf__find_binary(src->elf, name, buf, size);
}

bool probe_elf_root_has(const struct probe_src *src, int root, uint32_t file)
{
	return live_elf__root_has(src->elf, root, file);
}

/* "-4@%edi", "8@-16(%rbp)", "4@$5": size (negative = signed) '@' operand. */
static int usdt_args(const char *args, struct probe_detail *d)
{
	const char *p = args;
	unsigned i = 0;

	while (*p) {
		const char *end, *at;
		struct probe_arg *a;
		char name[16], type[16];
		long sz;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		end = p + strcspn(p, " ");
		a = probe_detail_add_arg(d);
		if (!a)
			return -ENOMEM;
		snprintf(name, sizeof(name), "arg%u", i++);
		a->name = strdup(name);
		a->decl = strndup(p, (size_t)(end - p));
		at = memchr(p, '@', (size_t)(end - p));
		sz = at ? strtol(p, NULL, 10) : 0;
		if (sz >= -8 && sz <= 8 && sz && (labs(sz) & (labs(sz) - 1)) == 0) {
			a->size = (int)labs(sz);
			a->is_signed = sz < 0;
			snprintf(type, sizeof(type), "%sint%ld_t", sz < 0 ? "" : "u", labs(sz) * 8);
			a->type = strdup(type);
		} else {
			a->type = strdup("?");
		}
		if (!a->name || !a->decl || !a->type)
			return -ENOMEM;
		p = end;
	}
	return 0;
}

int probe_elf_detail(struct probe_src *src, const struct probe *p, struct probe_detail *d)
{
	const char *args;

	if (p->type == PROBE_UPROBE)
		live_elf__func(src->elf, p->aux, &d->addr, &d->size);
	else if (p->type == PROBE_USDT &&
		 !live_elf__usdt(src->elf, p->aux, &d->addr, &d->semaphore, &args))
		return usdt_args(args, d);
	return 0;
}
