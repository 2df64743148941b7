/* SPDX-License-Identifier: MIT */
/*
 * The recordings' surroundings: the kernel release, the formats of the
 * recorded tracepoints, and the layout of the kernel types the recorder
 * reads, from the META, TPFORMAT and BTF chunks of each trace.
 *
 * A layout change matters when the recorder's CO-RE relocations land on a
 * different member or a member disappears; the other members of those
 * types move with every kernel and are only counted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "common/macros.h"
#include "common/sbuf.h"
#include "kbtf.h"

const char *rdiff_sur_keep(struct rdiff *d, char *str)
{
	if (!str)
		return NULL;
	if (d->nsur_strs == d->sur_strs_cap) {
		size_t cap = d->sur_strs_cap ? d->sur_strs_cap * 2 : 64;
		char **p = realloc(d->sur_strs, cap * sizeof(*p));

		if (!p) {
			free(str);
			return NULL;
		}
		d->sur_strs = p;
		d->sur_strs_cap = cap;
	}
	d->sur_strs[d->nsur_strs++] = str;
	return str;
}

void rdiff_side_sur_free(struct side *s)
{
	for (size_t i = 0; i < s->ntps; i++) {
		free(s->tps[i].name);
		free(s->tps[i].text);
	}
	free(s->tps);
	free(s->btf);
	free(s->release);
	s->tps = NULL;
	s->ntps = 0;
	s->btf = NULL;
	s->release = NULL;
}

void rdiff_sur_free(struct rdiff *d)
{
	for (size_t i = 0; i < d->nsur_strs; i++)
		free(d->sur_strs[i]);
	free(d->sur_strs);
	free(d->tpc);
	free(d->btfc);
	d->sur_strs = NULL;
	d->nsur_strs = d->sur_strs_cap = 0;
	d->tpc = NULL;
	d->btfc = NULL;
}

static int keep_tp(struct side *s, const struct etr_str *name, const struct etr_str *text)
{
	struct tpf *t = realloc(s->tps, (s->ntps + 1) * sizeof(*t));

	if (!t)
		return -ENOMEM;
	s->tps = t;
	t = &s->tps[s->ntps];
	t->name = strndup(name->ptr, name->len);
	t->text = strndup(text->ptr, text->len);
	if (!t->name || !t->text) {
		free(t->name);
		free(t->text);
		return -ENOMEM;
	}
	s->ntps++;
	return 0;
}

int rdiff_sur_record(void *ctx, const struct etr_walk_item *it)
{
	struct side *s = ctx;

	if (it->kind == ETR_WALK_TPFORMAT)
		return keep_tp(s, &it->tpformat.name, &it->tpformat.text);
	/* the whole BTF if stored, else the subset */
	if (it->kind == ETR_WALK_BTF &&
	    (!s->btf || (it->btf.kind == ETR_BTF_FULL && s->btf_kind != ETR_BTF_FULL))) {
		void *p = malloc(it->btf.data.len ? it->btf.data.len : 1);

		if (!p)
			return -ENOMEM;
		memcpy(p, it->btf.data.ptr, it->btf.data.len);
		free(s->btf);
		s->btf = p;
		s->btf_len = it->btf.data.len;
		s->btf_kind = it->btf.kind;
	}
	return 0;
}

/* ---- tracepoint formats ------------------------------------------------------ */

struct tp_line {
	char name[128];
	const char *text;
	size_t len;
};

/* The lines of a format that say something about the event: its fields
 * (keyed by name) and its print format. "ID:" is left out: it is handed
 * out at boot and differs between machines of one kernel. */
static size_t tp_lines(const char *text, struct tp_line *out, size_t max)
{
	size_t n = 0;

	for (const char *l = text; *l && n < max;) {
		const char *e = strchr(l, '\n'), *t = l;
		size_t len;

		if (!e)
			e = l + strlen(l);
		while (t < e && (*t == ' ' || *t == '\t'))
			t++;
		len = (size_t)(e - t);
		while (len && (t[len - 1] == ' ' || t[len - 1] == '\t' || t[len - 1] == '\r'))
			len--;
		if (len > 6 && !strncmp(t, "field:", 6)) {
			const char *semi = memchr(t, ';', len), *ne, *nb;

			if (semi) {
				ne = semi;
				/* "char comm[16]": the name is before the last
				 * brackets ("__data_loc char[] name" has none after
				 * the name) */
				if (ne > t + 6 && ne[-1] == ']')
					while (ne > t + 6 && *ne != '[')
						ne--;
				nb = ne;
				while (nb > t + 6 && nb[-1] != ' ' && nb[-1] != '*')
					nb--;
				snprintf(out[n].name, sizeof(out[n].name), "%.*s", (int)(ne - nb),
					 nb);
				out[n].text = t;
				out[n].len = len;
				n++;
			}
		} else if (len > 10 && !strncmp(t, "print fmt:", 10)) {
			snprintf(out[n].name, sizeof(out[n].name), "print fmt");
			out[n].text = t;
			out[n].len = len;
			n++;
		}
		l = *e ? e + 1 : e;
	}
	return n;
}

#define TP_LINES_MAX 256

static const struct tp_line *tp_find(const struct tp_line *l, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].name, name))
			return &l[i];
	return NULL;
}

/* The lines that differ, "- " and "+ ", or NULL when the formats agree. */
static char *tp_diff(const char *a, const char *b)
{
	struct tp_line *la = calloc(TP_LINES_MAX, sizeof(*la)),
		       *lb = calloc(TP_LINES_MAX, sizeof(*lb));
	struct ec_sbuf out = {0};
	size_t na, nb;

	if (!la || !lb) {
		free(la);
		free(lb);
		return NULL;
	}
	na = tp_lines(a, la, TP_LINES_MAX);
	nb = tp_lines(b, lb, TP_LINES_MAX);

	for (size_t i = 0; i < na; i++) {
		const struct tp_line *o = tp_find(lb, nb, la[i].name);

		if (o && o->len == la[i].len && !memcmp(o->text, la[i].text, o->len))
			continue;
		ec_sbuf__puts(&out, "- ");
		ec_sbuf__put(&out, la[i].text, la[i].len);
		ec_sbuf__putc(&out, '\n');
		if (o) {
			ec_sbuf__puts(&out, "+ ");
			ec_sbuf__put(&out, o->text, o->len);
			ec_sbuf__putc(&out, '\n');
		}
	}
	for (size_t i = 0; i < nb; i++) {
		if (tp_find(la, na, lb[i].name))
			continue;
		ec_sbuf__puts(&out, "+ ");
		ec_sbuf__put(&out, lb[i].text, lb[i].len);
		ec_sbuf__putc(&out, '\n');
	}
	free(la);
	free(lb);
	if (!out.len && !out.err)
		return NULL;
	if (out.len && out.p[out.len - 1] == '\n')
		out.p[--out.len] = '\0';
	return ec_sbuf__steal(&out);
}

static const struct tpf *tp_by_name(const struct side *s, const char *name)
{
	for (size_t i = 0; i < s->ntps; i++)
		if (!strcmp(s->tps[i].name, name))
			return &s->tps[i];
	return NULL;
}

static int add_tpc(struct rdiff *d, size_t *cap, const char *name, int state, char *lines)
{
	struct rdiff_tp_change *c;

	if (d->sur.ntp == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;

		c = realloc(d->tpc, nc * sizeof(*c));
		if (!c) {
			free(lines);
			return -ENOMEM;
		}
		d->tpc = c;
		*cap = nc;
	}
	c = &d->tpc[d->sur.ntp++];
	c->name = name;
	c->state = state;
	c->lines = rdiff_sur_keep(d, lines);
	return 0;
}

static int tp_compare(struct rdiff *d, const struct side *b, const struct side *n)
{
	size_t cap = 0;
	int ret;

	if (!b->ntps || !n->ntps) {
		d->sur.tp_reason = !b->ntps && !n->ntps ? "neither trace stores them"
				   : !b->ntps		? "BASE does not store them"
							: "NEW does not store them";
		return 0;
	}
	d->sur.tp_compared = true;
	for (size_t i = 0; i < b->ntps; i++) {
		const struct tpf *o = tp_by_name(n, b->tps[i].name);

		if (!o) {
			ret = add_tpc(d, &cap, b->tps[i].name, -1, NULL);
		} else {
			char *lines = tp_diff(b->tps[i].text, o->text);

			ret = lines ? add_tpc(d, &cap, b->tps[i].name, 0, lines) : 0;
		}
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < n->ntps; i++) {
		if (tp_by_name(b, n->tps[i].name))
			continue;
		ret = add_tpc(d, &cap, n->tps[i].name, 1, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- BTF -------------------------------------------------------------------- */

/* The types and members execrec's BPF programs read; keep in step with
 * bpf/core_types.h (and record/btf_subset.c, which stores them). */
static const struct {
	const char *type;
	const char *members[13];
} read_types[] = {
    {"task_struct",
     {"pid", "tgid", "real_parent", "group_leader", "start_boottime", "comm", "exit_code", "mm",
      "fs", "signal", "cgroups", "real_cred"}},
    {"mm_struct", {"arg_start", "arg_end", "env_start", "env_end"}},
    {"fs_struct", {"pwd"}},
    {"path", {"mnt", "dentry"}},
    {"dentry", {"d_parent", "d_name"}},
    {"qstr", {"name"}},
    {"vfsmount", {"mnt_root"}},
    {"mount", {"mnt_parent", "mnt_mountpoint", "mnt"}},
    {"file", {"f_path"}},
    {"linux_binprm", {"file", "argc", "envc", "filename"}},
    {"signal_struct", {"live", "group_exit_code", "flags"}},
    {"cred", {"uid", "gid"}},
    {"css_set", {"dfl_cgrp"}},
    {"cgroup", {"kn"}},
    {"kernfs_node", {"id"}},
    {"pt_regs", {"di", "si", "dx", "r10", "r8"}},
    {"trace_event_raw_sched_process_exec", {NULL}},
    {"trace_event_raw_sched_process_fork", {NULL}},
    {"trace_event_raw_sched_process_exit", {"group_dead"}},
};

/* A struct or union by name: its id, or 0. */
static uint32_t find_composite(const struct kbtf *b, const char *name)
{
	int id = kbtf__find_by_name_kind(b, name, KBTF_KIND_STRUCT);

	if (id < 0)
		id = kbtf__find_by_name_kind(b, name, KBTF_KIND_UNION);
	return id < 0 ? 0 : (uint32_t)id;
}

/* Skip typedefs and qualifiers. */
static const struct kbtf_type *resolve(const struct kbtf *b, uint32_t id)
{
	for (int guard = 0; guard < 64; guard++) {
		const struct kbtf_type *t = kbtf__type_by_id(b, id);
		unsigned k;

		if (!t)
			return NULL;
		k = kbtf_kind(t);
		if (k != KBTF_KIND_TYPEDEF && k != KBTF_KIND_CONST && k != KBTF_KIND_VOLATILE &&
		    k != KBTF_KIND_RESTRICT && k != KBTF_KIND_TYPE_TAG)
			return t;
		id = t->size_type;
	}
	return NULL;
}

struct member {
	const char *name;
	uint32_t type;
	uint64_t bit_off;
	uint32_t bit_size; /* 0: not a bitfield */
};

#define MEMBERS_MAX 1024

/* The named members of a composite, anonymous members flattened, in order. */
static size_t members(const struct kbtf *b, const struct kbtf_type *t, uint64_t base,
		      struct member *out, size_t n, size_t max, int depth)
{
	const struct kbtf_member *m = kbtf_type__extra(t);
	unsigned vlen = kbtf_vlen(t);

	for (unsigned i = 0; i < vlen && n < max; i++) {
		const char *name = kbtf__str(b, m[i].name_off);
		uint64_t off = kbtf_kflag(t) ? (m[i].offset & 0xffffff) : m[i].offset;
		uint32_t bsz = kbtf_kflag(t) ? m[i].offset >> 24 : 0;

		if (!name[0]) {
			const struct kbtf_type *in = resolve(b, m[i].type);

			if (in && depth < 8 &&
			    (kbtf_kind(in) == KBTF_KIND_STRUCT || kbtf_kind(in) == KBTF_KIND_UNION))
				n = members(b, in, base + off, out, n, max, depth + 1);
			continue;
		}
		out[n++] = (struct member){name, m[i].type, base + off, bsz};
	}
	return n;
}

static const struct member *member_find(const struct member *m, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return &m[i];
	return NULL;
}

static char *decl_of(const struct kbtf *b, uint32_t type)
{
	char buf[512];

	if (kbtf__decl(b, type, NULL, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "?");
	return strdup(buf);
}

static void fmt_off(char *buf, size_t len, const struct member *m)
{
	if (m->bit_size || m->bit_off % 8)
		snprintf(buf, len, "bit %" PRIu64, m->bit_off);
	else
		snprintf(buf, len, "%" PRIu64, m->bit_off / 8);
}

static int add_btfc(struct rdiff *d, size_t *cap, const char *type, const char *member, char *what,
		    bool read)
{
	struct rdiff_btf_change *c;

	if (!what)
		return -ENOMEM;
	if (d->sur.nbtf == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;

		c = realloc(d->btfc, nc * sizeof(*c));
		if (!c) {
			free(what);
			return -ENOMEM;
		}
		d->btfc = c;
		*cap = nc;
	}
	c = &d->btfc[d->sur.nbtf++];
	c->type = type; /* static: read_types[] */
	/* member names live in the BTF, which is freed after the comparison */
	c->member = member ? rdiff_sur_keep(d, strdup(member)) : NULL;
	c->what = rdiff_sur_keep(d, what);
	c->read = read;
	return c->what && (!member || c->member) ? 0 : -ENOMEM;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/*
 * What a member's type means for the layout: its kind, size and name once
 * typedefs and qualifiers are gone, and just "pointer" for a pointer. The
 * stored subset BTF turns pointers to types it leaves out into pointers to
 * forward declarations and drops their qualifiers, so comparing it with a
 * full BTF by declaration text would report changes that are not there.
 */
static void layout_sig(const struct kbtf *b, uint32_t id, char *buf, size_t len, int depth)
{
	const struct kbtf_type *t = resolve(b, id);
	const char *name;

	if (!t || depth > 8) {
		snprintf(buf, len, "?");
		return;
	}
	name = kbtf__str(b, t->name_off);
	switch (kbtf_kind(t)) {
	case KBTF_KIND_PTR:
		snprintf(buf, len, "pointer");
		break;
	case KBTF_KIND_ARRAY: {
		const struct kbtf_array *a = kbtf_type__extra(t);
		char el[256];

		layout_sig(b, a->type, el, sizeof(el), depth + 1);
		snprintf(buf, len, "%s[%u]", el, a->nelems);
		break;
	}
	case KBTF_KIND_STRUCT:
	case KBTF_KIND_UNION:
		snprintf(buf, len, "%s %s (%u bytes)",
			 kbtf_kind(t) == KBTF_KIND_STRUCT ? "struct" : "union",
			 name[0] ? name : "{anon}", t->size_type);
		break;
	case KBTF_KIND_INT:
	case KBTF_KIND_FLOAT:
		snprintf(buf, len, "%s (%u bytes)", name, t->size_type);
		break;
	case KBTF_KIND_ENUM:
	case KBTF_KIND_ENUM64:
		snprintf(buf, len, "enum (%u bytes)", t->size_type);
		break;
	default:
		snprintf(buf, len, "kind %u", kbtf_kind(t));
		break;
	}
}

/* One member of both layouts. */
static int cmp_member(struct rdiff *d, size_t *cap, const char *type, const struct kbtf *bb,
		      const struct member *mb, const struct kbtf *nb, const struct member *mn,
		      bool read, uint32_t *other)
{
	char ob[32], on[32], sb[512], sn[512];
	char *db, *dn;
	int ret = 0;

	db = decl_of(bb, mb->type);
	dn = decl_of(nb, mn->type);
	if (!db || !dn) {
		free(db);
		free(dn);
		return -ENOMEM;
	}
	layout_sig(bb, mb->type, sb, sizeof(sb), 0);
	layout_sig(nb, mn->type, sn, sizeof(sn), 0);
	fmt_off(ob, sizeof(ob), mb);
	fmt_off(on, sizeof(on), mn);
	if (mb->bit_off != mn->bit_off || mb->bit_size != mn->bit_size) {
		if (read)
			ret =
			    add_btfc(d, cap, type, mn->name, fmt("offset %s -> %s", ob, on), true);
		else
			(*other)++;
	}
	if (!ret && strcmp(sb, sn)) {
		if (read)
			ret = add_btfc(d, cap, type, mn->name, fmt("type %s -> %s", db, dn), true);
		else if (mb->bit_off == mn->bit_off)
			(*other)++;
	}
	free(db);
	free(dn);
	return ret;
}

static int btf_compare_type(struct rdiff *d, size_t *cap, size_t ti, const struct kbtf *bb,
			    const struct kbtf *nb)
{
	struct member *mb = NULL, *mn = NULL;
	const char *type = read_types[ti].type;
	uint32_t ib = find_composite(bb, type), in = find_composite(nb, type);
	const struct kbtf_type *tb, *tn;
	size_t nmb, nmn;
	uint32_t moved = 0, added = 0, removed = 0;
	int ret = 0;

	if (!ib && !in)
		return 0;
	d->sur.btf_types++;
	if (!ib || !in)
		return add_btfc(d, cap, type, NULL,
				strdup(!ib ? "not in BASE's BTF" : "not in NEW's BTF"), true);
	tb = kbtf__type_by_id(bb, ib);
	tn = kbtf__type_by_id(nb, in);
	if (tb->size_type != tn->size_type) {
		ret = add_btfc(
		    d, cap, type, NULL,
		    fmt("size %" PRIu32 " -> %" PRIu32 " bytes", tb->size_type, tn->size_type),
		    false);
		if (ret)
			return ret;
	}
	mb = calloc(MEMBERS_MAX, sizeof(*mb));
	mn = calloc(MEMBERS_MAX, sizeof(*mn));
	if (!mb || !mn) {
		free(mb);
		free(mn);
		return -ENOMEM;
	}
	nmb = members(bb, tb, 0, mb, 0, MEMBERS_MAX, 0);
	nmn = members(nb, tn, 0, mn, 0, MEMBERS_MAX, 0);
	for (int r = 0; read_types[ti].members[r] && !ret; r++) {
		const char *name = read_types[ti].members[r];
		const struct member *x = member_find(mb, nmb, name),
				    *y = member_find(mn, nmn, name);

		if (!x && !y)
			continue;
		if (!x || !y) {
			ret = add_btfc(d, cap, type, name,
				       strdup(!x ? "not in BASE (added)" : "not in NEW (removed)"),
				       true);
			continue;
		}
		ret = cmp_member(d, cap, type, bb, x, nb, y, true, &moved);
	}
	/* the members the recorder does not read, counted */
	for (size_t i = 0; i < nmb && !ret; i++) {
		const struct member *y = member_find(mn, nmn, mb[i].name);
		bool is_read = false;

		for (int r = 0; read_types[ti].members[r]; r++)
			is_read = is_read || !strcmp(read_types[ti].members[r], mb[i].name);
		if (is_read)
			continue;
		if (!y)
			removed++;
		else
			ret = cmp_member(d, cap, type, bb, &mb[i], nb, y, false, &moved);
	}
	for (size_t i = 0; i < nmn; i++)
		if (!member_find(mb, nmb, mn[i].name))
			added++;
	if (!ret && (moved || added || removed))
		ret = add_btfc(d, cap, type, NULL,
			       fmt("members not read by execrec: %" PRIu32 " added, %" PRIu32
				   " removed, %" PRIu32 " moved or retyped",
				   added, removed, moved),
			       false);
	free(mb);
	free(mn);
	return ret;
}

static int btf_compare(struct rdiff *d, const struct side *b, const struct side *n)
{
	struct kbtf *bb = NULL, *nb = NULL;
	struct kbtf_error e = {0};
	size_t cap = 0;
	int ret = 0;

	if (!b->btf || !n->btf) {
		d->sur.btf_reason = !b->btf && !n->btf ? "neither trace stores BTF"
				    : !b->btf	       ? "BASE stores no BTF"
						       : "NEW stores no BTF";
		return 0;
	}
	ret = kbtf__parse(b->btf, b->btf_len, &bb, &e);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		d->sur.btf_reason = rdiff_sur_keep(
		    d, fmt("BASE's BTF does not parse: %s at byte %" PRIu64, e.what, e.offset));
		return d->sur.btf_reason ? 0 : -ENOMEM;
	}
	ret = kbtf__parse(n->btf, n->btf_len, &nb, &e);
	if (ret) {
		kbtf__free(bb);
		if (ret == -ENOMEM)
			return ret;
		d->sur.btf_reason = rdiff_sur_keep(
		    d, fmt("NEW's BTF does not parse: %s at byte %" PRIu64, e.what, e.offset));
		return d->sur.btf_reason ? 0 : -ENOMEM;
	}
	d->sur.btf_compared = true;
	for (size_t i = 0; i < ARRAY_SIZE(read_types) && !ret; i++)
		ret = btf_compare_type(d, &cap, i, bb, nb);
	kbtf__free(bb);
	kbtf__free(nb);
	return ret;
}

int rdiff_sur_compare(struct rdiff *d)
{
	const struct side *b = d->sides[1], *n = d->sides[0];

	rdiff_sur_free(d);
	memset(&d->sur, 0, sizeof(d->sur));
	d->sur.base_release = b->release ? b->release : "";
	d->sur.new_release = n->release ? n->release : "";
	d->sur.release_changed = strcmp(d->sur.base_release, d->sur.new_release) != 0;
	if (tp_compare(d, b, n) || btf_compare(d, b, n))
		return -ENOMEM;
	d->sur.tp = d->tpc;
	d->sur.btf = d->btfc;
	return 0;
}

const struct rdiff_surroundings *rdiff__surroundings(const struct rdiff *d)
{
	return d && d->computed ? &d->sur : NULL;
}
