/* SPDX-License-Identifier: MIT */
/*
 * The report: text for a terminal or a CI log, JSON for machines, and
 * Markdown to paste as a pull-request comment. All three say the same
 * things in the same order: the sides, the count per class, the
 * surroundings, then each change with its command, where it ran (its
 * ancestry) and what differs.
 *
 * The JSON object (version 1; every key always present, null where it
 * does not apply; new keys may be added, none removed or changed):
 *   version       1
 *   base[]        {trace, processes, wall_ns, kernel_release}, one per baseline
 *   new           the same for the new trace
 *   options       {threshold, min_delta_ns, map[] {from, to}, ignore[]}
 *   summary       {new, gone, fails, passes, slower, faster, count}: entries
 *   programs[]    {program, new, base_min, base_max}: programs (file names)
 *                 run a different number of times, most changed first
 *   warnings[]    one line each (damage, lost events)
 *   surroundings  {kernel_release {base, new, changed},
 *                  tracepoints {compared, reason, changes[] {name,
 *                    change: added|removed|changed, lines[] "- ..."/"+ ..."}},
 *                  btf {compared, reason, types, changes[] {type, member,
 *                    change, read_by_execrec}}}
 *   changes[]     {class, instances, processes, process, base_process,
 *                  ancestry_depth, ancestry[] {pid, argv[], normalized}
 *                  (root first; the nearest 256 of a deeper ancestry),
 *                  base_count, base_min, base_max, new_count (COUNT),
 *                  new_ns, base_min_ns, base_max_ns, ratio (SLOWER, FASTER),
 *                  origin[] (processes where a covered change starts)}
 *     a process:  {trace, side: new|base, pid, start_ns, comm,
 *                  programs[] {exe, argv[], exec_error}, cwd, normalized,
 *                  outcome: ok|fail|unknown, status, exit_code, signal,
 *                  duration_ns}
 *   fail_on[]     the --fail-on classes;  failed  whether one has an entry
 * Strings are UTF-8; bytes that are not come as lone surrogates
 * \udc80..\udcff (replay's rp_fput_json_str).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/color.h"
#include "internal.h"

#define ANCESTRY_ARGS 60 /* bytes of each ancestor's command in text */

struct out {
	const struct rdiff *d;
	const struct rdiff_print_opts *o;
	FILE *f;
	size_t max_args;
};

static const struct rp_proc *proc_of(const struct rdiff *d, uint32_t side, uint32_t idx)
{
	const struct rp_model *m = rdiff__side_model(d, side);

	return m && idx != RP_NONE ? rp_model__proc(m, idx) : NULL;
}

/* ---- one process, in words ------------------------------------------------- */

/* Calls @fn for each program of @p as the key sees them: execs before the
 * recording's own are left out, a failed PATH lookup and its success are
 * one (the last exec of the run stands for it, with the run's result). */
typedef void (*prog_fn)(void *ctx, const struct rp_model *m, const struct rp_exec *x, int err,
			bool first);

static void for_programs(const struct rp_model *m, const struct rp_proc *p, prog_fn fn, void *ctx)
{
	struct rp_exec run, xs, *x = &xs;
	bool have = false, real = false, first = true, ok = false;

	for (uint32_t i = p->exec_first; i != RP_NONE && dx_exec(m, i, x); i = x->next)
		if (!(x->flags & RP_XF_SNAPSHOT))
			real = true;
	for (uint32_t i = p->exec_first; i != RP_NONE && dx_exec(m, i, x);) {
		i = x->next;
		if ((x->flags & RP_XF_SNAPSHOT) && real)
			continue;
		if (have && run.argv.len == x->argv.len &&
		    !memcmp(run.argv.ptr, x->argv.ptr, x->argv.len)) {
			if (!x->ret || !ok)
				run = *x;
			ok = ok || !x->ret;
			continue;
		}
		if (have) {
			fn(ctx, m, &run, ok ? 0 : run.ret, first);
			first = false;
		}
		run = *x;
		have = true;
		ok = !x->ret;
	}
	if (have)
		fn(ctx, m, &run, ok ? 0 : run.ret, first);
}

struct cmd_ctx {
	FILE *f;
	size_t max;
	bool any;
};

static void put_errno(FILE *f, int err)
{
	const char *en = rp_errno_name(err < 0 ? -err : err);

	if (en)
		fputs(en, f);
	else
		fprintf(f, "errno %d", err < 0 ? -err : err);
}

static void cmd_prog(void *ctx, const struct rp_model *m, const struct rp_exec *x, int err,
		     bool first)
{
	struct cmd_ctx *c = ctx;
	struct etr_str file = rp_model__str(m, x->filename);

	if (!first)
		fputs(" => ", c->f);
	rp_fput_argv(c->f, &x->argv, c->max);
	if (!x->argv.len)
		rp_fput_shell(c->f, file.ptr, file.len);
	if (err) {
		fputs(" [exec failed: ", c->f);
		put_errno(c->f, err);
		fputc(']', c->f);
	}
	c->any = true;
}

/* The command line(s) of a process, quoted, each cut at @max bytes. */
static void put_cmd(FILE *f, const struct rdiff *d, uint32_t side, uint32_t idx, size_t max)
{
	const struct rp_model *m = rdiff__side_model(d, side);
	const struct rp_proc *p = proc_of(d, side, idx);
	struct cmd_ctx c = {f, max, false};

	if (!p)
		return;
	for_programs(m, p, cmd_prog, &c);
	if (!c.any) {
		size_t cl;
		const char *comm = dx_comm(m, p, &cl);

		fputs("(fork of ", f);
		rp_fput_shell(f, comm, cl);
		fputc(')', f);
	}
}

static char *cmd_str(const struct rdiff *d, uint32_t side, uint32_t idx, size_t max)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		return NULL;
	put_cmd(f, d, side, idx, max);
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	return s;
}

/* "exit 2", "SIGSEGV (core dumped)", "running", ... */
static void put_status(FILE *f, const struct rdiff *d, uint32_t side, uint32_t idx)
{
	const struct rp_proc *p = proc_of(d, side, idx);

	if (!p)
		return;
	if (p->flags & RP_PF_EXITED) {
		if (p->signal) {
			const char *sn = rp_signal_name(p->signal);

			if (sn)
				fputs(sn, f);
			else
				fprintf(f, "signal %d", p->signal);
			if (p->flags & RP_PF_CORE)
				fputs(" (core dumped)", f);
		} else {
			fprintf(f, "exit %d", p->exit_code);
		}
	} else if (p->flags & RP_PF_RUNNING) {
		fputs("running at the end", f);
	} else {
		fputs("no exit seen", f);
	}
}

static void put_dur(FILE *f, const struct rdiff *d, uint32_t side, uint32_t idx)
{
	char b[32];
	uint64_t ns;

	if (!rdiff__duration(d, side, idx, &ns)) {
		fputs("?", f);
		return;
	}
	rp_fmt_duration(b, sizeof(b), ns);
	fputs(b, f);
}

static void put_ns(FILE *f, uint64_t ns)
{
	char b[32];

	rp_fmt_duration(b, sizeof(b), ns);
	fputs(b, f);
}

/* The ancestors of a process, root first. Returns how many; @ret_list
 * holds them (malloc'd). */
static size_t ancestry(const struct rdiff *d, uint32_t side, uint32_t idx, uint32_t **ret_list)
{
	size_t n = 0, cap = 0;
	uint32_t *l = NULL;

	for (uint32_t a = rdiff__parent(d, side, idx); a != RP_NONE && n < 100000;
	     a = rdiff__parent(d, side, a)) {
		if (n == cap) {
			uint32_t *p;

			cap = cap ? cap * 2 : 8;
			p = realloc(l, cap * sizeof(*p));
			if (!p)
				break;
			l = p;
		}
		l[n++] = a;
	}
	for (size_t i = 0; i < n / 2; i++) {
		uint32_t t = l[i];

		l[i] = l[n - 1 - i];
		l[n - 1 - i] = t;
	}
	*ret_list = l;
	return n;
}

/* Deep ancestries are shown by their ends: the root side and the
 * process's side; true for the ancestors left out. */
#define ANC_HEAD 2
#define ANC_TAIL 4
#define ANC_JSON_MAX 256

static bool anc_skip(size_t i, size_t na)
{
	return na > ANC_HEAD + ANC_TAIL + 1 && i >= ANC_HEAD && i < na - ANC_TAIL;
}

typedef void (*put_cmd_fn)(FILE *f, const struct rdiff *d, uint32_t side, uint32_t idx, size_t max);

/* The line of @e's ancestors, if it has any: @head, then each with @sep
 * between two, the middle left out as @more (a format taking the count),
 * then a newline. One printer for text and Markdown, each with its own
 * @put for a command. Returns how many, the list (to free) in *@ret_anc. */
static size_t put_ancestry(FILE *f, const struct rdiff *d, const struct rdiff_entry *e,
			   const char *head, const char *sep, const char *more, put_cmd_fn put,
			   uint32_t **ret_anc)
{
	uint32_t side = e->proc.side, *anc;
	size_t na = ancestry(d, side, e->proc.idx, ret_anc);

	if (!na)
		return 0;
	anc = *ret_anc;
	fputs(head, f);
	for (size_t i = 0; i < na; i++) {
		if (anc_skip(i, na)) {
			if (i == ANC_HEAD)
				fprintf(f, more, na - ANC_HEAD - ANC_TAIL);
			continue;
		}
		if (i)
			fputs(sep, f);
		put(f, d, side, anc[i], ANCESTRY_ARGS);
	}
	fputc('\n', f);
	return na;
}

static const char *side_label(const struct rdiff *d, uint32_t side)
{
	static char buf[32];

	if (side == 0)
		return "NEW";
	if (rdiff__base_count(d) == 1)
		return "BASE";
	snprintf(buf, sizeof(buf), "BASE%u", side);
	return buf;
}

/* ---- near misses (--explain) ---------------------------------------------- */

/* The counterpart on @to_side of process @idx of @side, or RP_NONE (the
 * roots' counterpart is the other side's virtual root, given as n). */
static uint32_t counterpart(const struct rdiff *d, uint32_t side, uint32_t idx, uint32_t to_side)
{
	const struct side *s = d->sides[side], *t = d->sides[to_side];

	if (idx == RP_NONE)
		return t->n;
	if (side == 0) {
		const struct dnode *nd = &s->nodes[idx];

		return nd->matched && nd->base_side == to_side ? nd->base_idx : RP_NONE;
	}
	for (uint32_t i = 0; i < t->n; i++)
		if (t->nodes[i].matched && t->nodes[i].base_side == side &&
		    t->nodes[i].base_idx == idx)
			return i;
	return RP_NONE;
}

/* Length of the common start of two strings. */
static size_t common(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && a[n] == b[n])
		n++;
	return n;
}

/* Up to 3 siblings on the other side that look like @e's process: same
 * program, closest normalized form first. */
static size_t near_misses(const struct rdiff *d, const struct rdiff_entry *e, uint32_t *ret_side,
			  uint32_t *out)
{
	uint32_t side = e->proc.side, other = side == 0 ? 1 : 0;
	const struct side *s = d->sides[side], *o = d->sides[other];
	uint32_t par = s->nodes[e->proc.idx].parent, op = counterpart(d, side, par, other);
	const char *key = s->nodes[e->proc.idx].shown;
	size_t score[3] = {0}, n = 0, word = strcspn(key, " ");

	*ret_side = other;
	if (op == RP_NONE)
		return 0;
	for (uint32_t c = o->nodes[op].first_child; c != RP_NONE; c = o->nodes[c].next_sibling) {
		size_t sc = common(key, o->nodes[c].shown), k;

		if (sc < word || !strcmp(key, o->nodes[c].shown))
			continue;
		for (k = n; k > 0 && score[k - 1] < sc; k--)
			if (k < 3) {
				score[k] = score[k - 1];
				out[k] = out[k - 1];
			}
		if (k < 3) {
			score[k] = sc;
			out[k] = c;
			if (n < 3)
				n++;
		}
	}
	return n;
}

/* ---- text ---------------------------------------------------------------------- */

static const char *class_color(enum rdiff_class c)
{
	switch (c) {
	case RDIFF_NEW:
	case RDIFF_COUNT:
		return EC_COLOR_YELLOW;
	case RDIFF_NOW_PASSES:
	case RDIFF_FASTER:
		return EC_COLOR_GREEN;
	default:
		return EC_COLOR_RED;
	}
}

static void text_ratio(FILE *f, const struct rdiff_entry *e, bool multi)
{
	uint64_t ref = e->cls == RDIFF_SLOWER ? e->base_max_ns : e->base_min_ns;

	if (multi && e->base_min_ns != e->base_max_ns) {
		put_ns(f, e->base_min_ns);
		fputs("..", f);
		put_ns(f, e->base_max_ns);
	} else {
		put_ns(f, ref);
	}
	fputs(" -> ", f);
	put_ns(f, e->new_ns);
	if (ref)
		fprintf(f, " (%.2fx)", (double)e->new_ns / (double)ref);
}

static void text_entry(struct out *o, const struct rdiff_entry *e)
{
	const struct rdiff *d = o->d;
	FILE *f = o->f;
	bool color = o->o->color, multi = rdiff__base_count(d) > 1;
	const char *cc = color ? class_color(e->cls) : "", *rs = color ? EC_COLOR_RESET : "";
	const char *dim = color ? EC_COLOR_DIM : "";
	char head[64];
	uint32_t *anc = NULL, below;
	size_t na;

	fprintf(f, "  %s%-10s%s ", cc, rdiff_class__str(e->cls), rs);
	if (e->instances > 1 && e->cls != RDIFF_COUNT)
		fprintf(f, "%" PRIu32 "x ", e->instances);
	put_cmd(f, d, e->proc.side, e->proc.idx, o->max_args);
	fputc('\n', f);
	fputs("      ", f);
	switch (e->cls) {
	case RDIFF_NEW:
	case RDIFF_GONE:
		fprintf(f, "%s: ", e->cls == RDIFF_NEW ? "new" : side_label(d, e->proc.side));
		put_status(f, d, e->proc.side, e->proc.idx);
		fputs(", ", f);
		put_dur(f, d, e->proc.side, e->proc.idx);
		below = e->processes - e->instances;
		if (below)
			fprintf(f, "; %" PRIu32 " process%s below", below, below == 1 ? "" : "es");
		break;
	case RDIFF_NOW_FAILS:
	case RDIFF_NOW_PASSES:
		put_status(f, d, e->base.side, e->base.idx);
		fputs(" -> ", f);
		put_status(f, d, e->proc.side, e->proc.idx);
		if (e->processes > 1)
			fprintf(f, "; with %" PRIu32 " process%s below", e->processes - 1,
				e->processes == 2 ? "" : "es");
		break;
	case RDIFF_SLOWER:
	case RDIFF_FASTER:
		text_ratio(f, e, multi);
		if (e->processes > 1)
			fprintf(f, "; with %" PRIu32 " process%s below", e->processes - 1,
				e->processes == 2 ? "" : "es");
		break;
	case RDIFF_COUNT:
		if (multi && e->base_min != e->base_max)
			fprintf(f, "ran %" PRIu32 "..%" PRIu32 " times, now %" PRIu32, e->base_min,
				e->base_max, e->new_count);
		else
			fprintf(f, "ran %" PRIu32 " time%s, now %" PRIu32, e->base_count,
				e->base_count == 1 ? "" : "s", e->new_count);
		if (e->processes)
			fprintf(f, " (%" PRIu32 " process%s %s)", e->processes,
				e->processes == 1 ? "" : "es",
				e->new_count > e->base_max ? "more" : "fewer");
		break;
	default:
		break;
	}
	fputc('\n', f);
	snprintf(head, sizeof(head), "      %sunder:%s ", dim, rs);
	na = put_ancestry(f, d, e, head, " > ", " > [%zu more]", put_cmd, &anc);
	{
		const struct rp_proc *p = proc_of(d, e->proc.side, e->proc.idx);
		struct rp_exec xs, *x = &xs;

		const struct rp_model *m = rdiff__side_model(d, e->proc.side);

		if (p && dx_last_exec(m, p, x) && rp_model__str(m, x->cwd).len) {
			struct etr_str cwd = rp_model__str(m, x->cwd);

			fprintf(f, "      %scwd:%s ", dim, rs);
			rp_fput_shell(f, cwd.ptr, cwd.len);
			fprintf(f, "  %spid:%s %" PRIu32 "\n", dim, rs, p->pid);
		}
	}
	for (uint32_t i = 0; i < e->norigin; i++) {
		fprintf(f, "      %sstarts at:%s ", dim, rs);
		put_cmd(f, d, 0, e->origin[i], o->max_args);
		fputs("  (", f);
		if (e->cls == RDIFF_SLOWER || e->cls == RDIFF_FASTER) {
			const struct dnode *nd = &d->sides[0]->nodes[e->origin[i]];

			put_ns(f, e->cls == RDIFF_SLOWER ? nd->base_max_ns : nd->base_min_ns);
			fputs(" -> ", f);
			put_dur(f, d, 0, e->origin[i]);
		} else {
			put_status(f, d, 0, e->origin[i]);
		}
		fputs(")\n", f);
	}
	if (o->o->explain) {
		uint32_t miss[3], ms;
		size_t nm;

		fprintf(f, "      %skey:%s %s\n", dim, rs,
			rdiff__key_str(d, e->proc.side, e->proc.idx));
		if (e->base.idx != RP_NONE && e->cls != RDIFF_NEW && e->cls != RDIFF_GONE)
			fprintf(f, "      %s%s key:%s %s\n", dim, side_label(d, e->base.side), rs,
				rdiff__key_str(d, e->base.side, e->base.idx));
		for (size_t i = 0; i < na; i++)
			if (!anc_skip(i, na))
				fprintf(f, "      %sparent key %zu:%s %s\n", dim, i + 1, rs,
					rdiff__key_str(d, e->proc.side, anc[i]));
		if (e->cls == RDIFF_NEW || e->cls == RDIFF_GONE) {
			nm = near_misses(d, e, &ms, miss);
			for (size_t i = 0; i < nm; i++)
				fprintf(f, "      %sclosest in %s:%s %s\n", dim, side_label(d, ms),
					rs, rdiff__key_str(d, ms, miss[i]));
			if (!nm)
				fprintf(f, "      %sno sibling in %s runs the same program%s\n",
					dim, side_label(d, ms), rs);
		}
	}
	free(anc);
}

static void text_sides(struct out *o)
{
	const struct rdiff *d = o->d;
	FILE *f = o->f;

	for (uint32_t s = 1; s <= rdiff__base_count(d); s++) {
		fprintf(f, "%-6s %s: %" PRIu32 " processes, ", side_label(d, s),
			rdiff__side_name(d, s), rdiff__side_procs(d, s));
		put_ns(f, rdiff__side_wall_ns(d, s));
		fputc('\n', f);
	}
	fprintf(f, "%-6s %s: %" PRIu32 " processes, ", "NEW", rdiff__side_name(d, 0),
		rdiff__side_procs(d, 0));
	put_ns(f, rdiff__side_wall_ns(d, 0));
	fputc('\n', f);
}

static void text_surroundings(struct out *o)
{
	const struct rdiff_surroundings *s = rdiff__surroundings(o->d);
	FILE *f = o->f;

	if (!s)
		return;
	fputs("\nSurroundings (NEW against BASE", f);
	if (rdiff__base_count(o->d) > 1)
		fputs("1", f);
	fputs(")\n", f);
	if (s->release_changed)
		fprintf(f, "  kernel:      %s -> %s\n", s->base_release[0] ? s->base_release : "?",
			s->new_release[0] ? s->new_release : "?");
	else
		fprintf(f, "  kernel:      %s (same)\n", s->new_release[0] ? s->new_release : "?");
	if (!s->tp_compared)
		fprintf(f, "  tracepoints: not compared: %s\n", s->tp_reason);
	else if (!s->ntp)
		fputs("  tracepoints: formats unchanged\n", f);
	else
		fprintf(f, "  tracepoints: %zu format change%s\n", s->ntp, s->ntp == 1 ? "" : "s");
	for (size_t i = 0; i < s->ntp; i++) {
		const struct rdiff_tp_change *c = &s->tp[i];

		fprintf(f, "    %s: %s\n", c->name,
			c->state < 0   ? "only in BASE"
			: c->state > 0 ? "only in NEW"
				       : "changed");
		for (const char *l = c->lines; l && *l;) {
			const char *e = strchr(l, '\n');
			int len = e ? (int)(e - l) : (int)strlen(l);

			fprintf(f, "      %.*s\n", len, l);
			l = e ? e + 1 : l + len;
		}
	}
	if (!s->btf_compared)
		fprintf(f, "  kernel types: not compared: %s\n", s->btf_reason);
	else if (!s->nbtf)
		fprintf(
		    f, "  kernel types: the %" PRIu32 " types execrec reads have the same layout\n",
		    s->btf_types);
	else
		fprintf(f, "  kernel types: %zu change%s in the %" PRIu32 " type%s execrec reads\n",
			s->nbtf, s->nbtf == 1 ? "" : "s", s->btf_types,
			s->btf_types == 1 ? "" : "s");
	for (size_t i = 0; i < s->nbtf; i++) {
		const struct rdiff_btf_change *c = &s->btf[i];

		fprintf(f, "    %s%s%s: %s%s\n", c->type, c->member ? "." : "",
			c->member ? c->member : "", c->what,
			c->member && c->read ? "  (read by execrec)" : "");
	}
}

#define PROGRAMS_SHOWN 10

static void put_runs(FILE *f, uint32_t lo, uint32_t hi)
{
	if (lo == hi)
		fprintf(f, "%" PRIu32, lo);
	else
		fprintf(f, "%" PRIu32 "..%" PRIu32, lo, hi);
}

/* Programs run a different number of times, whatever their arguments. */
static void text_programs(struct out *o)
{
	size_t n = rdiff__program_count(o->d);
	const char *name;
	uint32_t nn, lo, hi;

	if (!n)
		return;
	fputs("\nRuns per program that changed:\n", o->f);
	for (size_t i = 0; i < n && i < PROGRAMS_SHOWN; i++) {
		rdiff__program(o->d, i, &name, &nn, &lo, &hi);
		fputs("  ", o->f);
		rp_fput_shell(o->f, name, strlen(name));
		fputs("  ", o->f);
		put_runs(o->f, lo, hi);
		fprintf(o->f, " -> %" PRIu32 "\n", nn);
	}
	if (n > PROGRAMS_SHOWN)
		fprintf(o->f, "  ... and %zu more\n", n - PROGRAMS_SHOWN);
}

static void verdict(struct out *o)
{
	uint32_t mask = o->o->fail_mask;
	bool first = true;

	if (!mask)
		return;
	fputs("\nfail-on ", o->f);
	for (int c = 0; c < RDIFF_CLASS__NR; c++) {
		if (!(mask & (1u << c)))
			continue;
		fprintf(o->f, "%s%s", first ? "" : ",", rdiff_class__key(c));
		first = false;
	}
	fprintf(o->f, ": %s\n", rdiff__fails(o->d, mask) ? "FAILED" : "passed");
}

static void print_text(struct out *o)
{
	const struct rdiff *d = o->d;
	FILE *f = o->f;
	size_t total = rdiff__entry_count(d), k = 0;
	bool b = o->o->color;

	fprintf(f, "%sexecrec diff:%s %zu change%s\n", b ? EC_COLOR_BOLD : "",
		b ? EC_COLOR_RESET : "", total, total == 1 ? "" : "s");
	text_sides(o);
	fputc('\n', f);
	for (int c = 0; c < RDIFF_CLASS__NR; c++)
		fprintf(f, "  %-10s %zu\n", rdiff_class__str(c), rdiff__class_count(d, c));
	text_programs(o);
	text_surroundings(o);
	for (int c = 0; c < RDIFF_CLASS__NR; c++) {
		size_t n = rdiff__class_count(d, c), shown = 0;

		if (!n)
			continue;
		fprintf(f, "\n%s%s%s (%zu)\n", b ? EC_COLOR_BOLD : "", rdiff_class__str(c),
			b ? EC_COLOR_RESET : "", n);
		for (; k < total && rdiff__entry(d, k)->cls == (enum rdiff_class)c; k++) {
			if (o->o->max_entries && shown >= o->o->max_entries)
				continue;
			text_entry(o, rdiff__entry(d, k));
			shown++;
		}
		if (shown < n)
			fprintf(f, "  ... and %zu more (--max N shows more, --json shows all)\n",
				n - shown);
	}
	verdict(o);
}

/* ---- JSON ------------------------------------------------------------------------ */

static void json_str(FILE *f, const char *s)
{
	if (!s)
		fputs("null", f);
	else
		rp_fput_json_str(f, s, strlen(s));
}

struct jprog {
	FILE *f;
};

static void json_prog(void *ctx, const struct rp_model *m, const struct rp_exec *x, int err,
		      bool first)
{
	struct jprog *j = ctx;
	const char *en = err ? rp_errno_name(err < 0 ? -err : err) : NULL;
	struct etr_str file = rp_model__str(m, x->filename);

	if (!first)
		fputc(',', j->f);
	fputs("{\"exe\":", j->f);
	rp_fput_json_str(j->f, file.ptr, file.len);
	fputs(",\"argv\":", j->f);
	rp_fput_json_argv(j->f, &x->argv);
	fputs(",\"exec_error\":", j->f);
	if (!err)
		fputs("null", j->f);
	else if (en)
		json_str(j->f, en);
	else
		fprintf(j->f, "\"errno %d\"", err < 0 ? -err : err);
	fputc('}', j->f);
}

static const char *outcome_str(enum rdiff_outcome o)
{
	return o == RDIFF_OK ? "ok" : o == RDIFF_FAIL ? "fail" : "unknown";
}

/* A process: which trace, pid, its programs, cwd, how it ended, how long. */
static void json_proc(FILE *f, const struct rdiff *d, uint32_t side, uint32_t idx)
{
	const struct rp_model *m = rdiff__side_model(d, side);
	const struct rp_proc *p = proc_of(d, side, idx);
	struct rp_exec xs, *x = &xs;
	struct jprog j = {f};
	const char *comm;
	size_t cl;
	uint64_t ns;

	if (!p) {
		fputs("null", f);
		return;
	}
	if (!dx_last_exec(m, p, x))
		x = NULL;
	comm = dx_comm(m, p, &cl);
	fprintf(f, "{\"trace\":");
	json_str(f, rdiff__side_name(d, side));
	fprintf(f, ",\"side\":\"%s\",\"pid\":%" PRIu32 ",\"start_ns\":%" PRIu64 ",\"comm\":",
		side ? "base" : "new", p->pid, p->start_ns);
	rp_fput_json_str(f, comm, cl);
	fputs(",\"programs\":[", f);
	for_programs(m, p, json_prog, &j);
	fputs("],\"cwd\":", f);
	if (x && rp_model__str(m, x->cwd).len)
		rp_fput_json_str(f, rp_model__str(m, x->cwd).ptr, rp_model__str(m, x->cwd).len);
	else
		fputs("null", f);
	fputs(",\"normalized\":", f);
	json_str(f, rdiff__key_str(d, side, idx));
	fprintf(f, ",\"outcome\":\"%s\",\"status\":\"%s\",\"exit_code\":",
		outcome_str(rdiff__outcome(d, side, idx)), rp_proc_status(p));
	if (p->flags & RP_PF_EXITED)
		fprintf(f, "%d,\"signal\":", p->exit_code);
	else
		fputs("null,\"signal\":", f);
	if ((p->flags & RP_PF_EXITED) && p->signal && rp_signal_name(p->signal))
		json_str(f, rp_signal_name(p->signal));
	else if ((p->flags & RP_PF_EXITED) && p->signal)
		fprintf(f, "%d", p->signal);
	else
		fputs("null", f);
	fputs(",\"duration_ns\":", f);
	if (rdiff__duration(d, side, idx, &ns))
		fprintf(f, "%" PRIu64, ns);
	else
		fputs("null", f);
	fputc('}', f);
}

static void json_entry(FILE *f, const struct rdiff *d, const struct rdiff_entry *e)
{
	uint32_t *anc = NULL;
	size_t na = ancestry(d, e->proc.side, e->proc.idx, &anc);
	bool timed = e->cls == RDIFF_SLOWER || e->cls == RDIFF_FASTER;
	uint64_t ref = e->cls == RDIFF_SLOWER ? e->base_max_ns : e->base_min_ns;

	fprintf(
	    f, "{\"class\":\"%s\",\"instances\":%" PRIu32 ",\"processes\":%" PRIu32 ",\"process\":",
	    rdiff_class__key(e->cls), e->instances, e->processes);
	json_proc(f, d, e->proc.side, e->proc.idx);
	fputs(",\"base_process\":", f);
	if (e->base.idx != RP_NONE)
		json_proc(f, d, e->base.side, e->base.idx);
	else
		fputs("null", f);
	/* the nearest ANC_JSON_MAX ancestors, root side first */
	fprintf(f, ",\"ancestry_depth\":%zu,\"ancestry\":[", na);
	for (size_t i = na > ANC_JSON_MAX ? na - ANC_JSON_MAX : 0, first = i; i < na; i++) {
		const struct rp_model *m = rdiff__side_model(d, e->proc.side);
		const struct rp_proc *p = proc_of(d, e->proc.side, anc[i]);
		struct rp_exec x;

		fprintf(f, "%s{\"pid\":%" PRIu32 ",\"argv\":", i > first ? "," : "", p->pid);
		if (dx_last_exec(m, p, &x)) {
			rp_fput_json_argv(f, &x.argv);
		} else {
			size_t cl;
			const char *comm = dx_comm(m, p, &cl);

			fputc('[', f);
			rp_fput_json_str(f, comm, cl);
			fputc(']', f);
		}
		fputs(",\"normalized\":", f);
		json_str(f, rdiff__key_str(d, e->proc.side, anc[i]));
		fputc('}', f);
	}
	fputs("]", f);
	if (e->cls == RDIFF_COUNT)
		fprintf(f,
			",\"base_count\":%" PRIu32 ",\"base_min\":%" PRIu32 ",\"base_max\":%" PRIu32
			",\"new_count\":%" PRIu32,
			e->base_count, e->base_min, e->base_max, e->new_count);
	else
		fputs(",\"base_count\":null,\"base_min\":null,\"base_max\":null,\"new_count\":null",
		      f);
	if (timed)
		fprintf(f,
			",\"new_ns\":%" PRIu64 ",\"base_min_ns\":%" PRIu64
			",\"base_max_ns\":%" PRIu64 ",\"ratio\":%.4f",
			e->new_ns, e->base_min_ns, e->base_max_ns,
			ref ? (double)e->new_ns / (double)ref : 0.0);
	else
		fputs(",\"new_ns\":null,\"base_min_ns\":null,\"base_max_ns\":null,\"ratio\":null",
		      f);
	fputs(",\"origin\":[", f);
	for (uint32_t i = 0; i < e->norigin; i++) {
		if (i)
			fputc(',', f);
		json_proc(f, d, 0, e->origin[i]);
	}
	fputs("]}", f);
	free(anc);
}

static void json_side(FILE *f, const struct rdiff *d, uint32_t s)
{
	fputs("{\"trace\":", f);
	json_str(f, rdiff__side_name(d, s));
	fprintf(f, ",\"processes\":%" PRIu32 ",\"wall_ns\":%" PRIu64 ",\"kernel_release\":",
		rdiff__side_procs(d, s), rdiff__side_wall_ns(d, s));
	json_str(f, d->sides[s]->release);
	fputc('}', f);
}

static void print_json(struct out *o)
{
	const struct rdiff *d = o->d;
	const struct rdiff_surroundings *s = rdiff__surroundings(d);
	FILE *f = o->f;
	bool first;

	fputs("{\"version\":1,\"base\":[", f);
	for (uint32_t i = 1; i <= rdiff__base_count(d); i++) {
		if (i > 1)
			fputc(',', f);
		json_side(f, d, i);
	}
	fputs("],\"new\":", f);
	json_side(f, d, 0);
	fprintf(f, ",\"options\":{\"threshold\":%.4g,\"min_delta_ns\":%" PRIu64 ",\"map\":[",
		d->opts.threshold, d->opts.min_delta_ns);
	for (size_t i = 0; i < d->nmaps; i++) {
		fputs(i ? ",{\"from\":" : "{\"from\":", f);
		json_str(f, d->maps[i].from);
		fputs(",\"to\":", f);
		json_str(f, d->maps[i].to);
		fputc('}', f);
	}
	fputs("],\"ignore\":[", f);
	for (size_t i = 0; i < d->nignores; i++) {
		if (i)
			fputc(',', f);
		json_str(f, d->ignore_src[i]);
	}
	fputs("]},\"summary\":{", f);
	for (int c = 0; c < RDIFF_CLASS__NR; c++)
		fprintf(f, "%s\"%s\":%zu", c ? "," : "", rdiff_class__key(c),
			rdiff__class_count(d, c));
	fputs("},\"programs\":[", f);
	for (size_t i = 0; i < rdiff__program_count(d); i++) {
		const char *name;
		uint32_t nn, lo, hi;

		rdiff__program(d, i, &name, &nn, &lo, &hi);
		fputs(i ? ",{\"program\":" : "{\"program\":", f);
		json_str(f, name);
		fprintf(f,
			",\"new\":%" PRIu32 ",\"base_min\":%" PRIu32 ",\"base_max\":%" PRIu32 "}",
			nn, lo, hi);
	}
	fputs("],\"warnings\":[", f);
	for (size_t i = 0; i < rdiff__warning_count(d); i++) {
		if (i)
			fputc(',', f);
		json_str(f, rdiff__warning(d, i));
	}
	fputs("],\"surroundings\":", f);
	if (!s) {
		fputs("null", f);
	} else {
		fputs("{\"kernel_release\":{\"base\":", f);
		json_str(f, s->base_release);
		fputs(",\"new\":", f);
		json_str(f, s->new_release);
		fprintf(f, ",\"changed\":%s},\"tracepoints\":{\"compared\":%s,\"reason\":",
			s->release_changed ? "true" : "false", s->tp_compared ? "true" : "false");
		json_str(f, s->tp_compared ? NULL : s->tp_reason);
		fputs(",\"changes\":[", f);
		for (size_t i = 0; i < s->ntp; i++) {
			const struct rdiff_tp_change *c = &s->tp[i];

			fputs(i ? ",{\"name\":" : "{\"name\":", f);
			json_str(f, c->name);
			fprintf(f, ",\"change\":\"%s\",\"lines\":[",
				c->state < 0   ? "removed"
				: c->state > 0 ? "added"
					       : "changed");
			first = true;
			for (const char *l = c->lines; l && *l;) {
				const char *e = strchr(l, '\n');
				size_t len = e ? (size_t)(e - l) : strlen(l);

				if (!first)
					fputc(',', f);
				first = false;
				rp_fput_json_str(f, l, len);
				l = e ? e + 1 : l + len;
			}
			fputs("]}", f);
		}
		fprintf(f, "]},\"btf\":{\"compared\":%s,\"reason\":",
			s->btf_compared ? "true" : "false");
		json_str(f, s->btf_compared ? NULL : s->btf_reason);
		fprintf(f, ",\"types\":%" PRIu32 ",\"changes\":[", s->btf_types);
		for (size_t i = 0; i < s->nbtf; i++) {
			const struct rdiff_btf_change *c = &s->btf[i];

			fputs(i ? ",{\"type\":" : "{\"type\":", f);
			json_str(f, c->type);
			fputs(",\"member\":", f);
			json_str(f, c->member);
			fputs(",\"change\":", f);
			json_str(f, c->what);
			fprintf(f, ",\"read_by_execrec\":%s}",
				c->member && c->read ? "true" : "false");
		}
		fputs("]}}", f);
	}
	fputs(",\"changes\":[", f);
	for (size_t i = 0; i < rdiff__entry_count(d); i++) {
		if (i)
			fputc(',', f);
		fputc('\n', f);
		json_entry(f, d, rdiff__entry(d, i));
	}
	fputs("],\"fail_on\":[", f);
	first = true;
	for (int c = 0; c < RDIFF_CLASS__NR; c++) {
		if (!(o->o->fail_mask & (1u << c)))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", rdiff_class__key(c));
		first = false;
	}
	fprintf(f, "],\"failed\":%s}\n", rdiff__fails(d, o->o->fail_mask) ? "true" : "false");
}

/* ---- Markdown ------------------------------------------------------------------ */

/* An inline code span that survives backticks and pipes in @s. */
static void md_code(FILE *f, const char *s)
{
	size_t run = 0, longest = 0;

	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	for (size_t i = 0; i <= longest; i++)
		fputc('`', f);
	fputc(' ', f);
	for (const char *p = s; *p; p++) {
		if (*p == '|')
			fputs("\\|", f);
		else if (*p == '\n')
			fputc(' ', f);
		else
			fputc(*p, f);
	}
	fputc(' ', f);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', f);
}

static void md_cmd(FILE *f, const struct rdiff *d, uint32_t side, uint32_t idx, size_t max)
{
	char *s = cmd_str(d, side, idx, max);

	md_code(f, s ? s : "?");
	free(s);
}

static void md_entry(struct out *o, const struct rdiff_entry *e)
{
	const struct rdiff *d = o->d;
	FILE *f = o->f;
	uint32_t *anc = NULL;

	fputs("- ", f);
	if (e->instances > 1 && e->cls != RDIFF_COUNT)
		fprintf(f, "%" PRIu32 "× ", e->instances);
	md_cmd(f, d, e->proc.side, e->proc.idx, o->max_args);
	fputs(" — ", f);
	switch (e->cls) {
	case RDIFF_NEW:
	case RDIFF_GONE:
		put_status(f, d, e->proc.side, e->proc.idx);
		fputs(", ", f);
		put_dur(f, d, e->proc.side, e->proc.idx);
		if (e->processes > e->instances)
			fprintf(f, ", %" PRIu32 " below", e->processes - e->instances);
		break;
	case RDIFF_NOW_FAILS:
	case RDIFF_NOW_PASSES:
		put_status(f, d, e->base.side, e->base.idx);
		fputs(" → **", f);
		put_status(f, d, e->proc.side, e->proc.idx);
		fputs("**", f);
		break;
	case RDIFF_SLOWER:
	case RDIFF_FASTER:
		fputs("**", f);
		text_ratio(f, e, rdiff__base_count(d) > 1);
		fputs("**", f);
		break;
	case RDIFF_COUNT:
		fprintf(f, "ran **%" PRIu32 "** time%s, now **%" PRIu32 "**", e->base_count,
			e->base_count == 1 ? "" : "s", e->new_count);
		break;
	default:
		break;
	}
	fputc('\n', f);
	put_ancestry(f, d, e, "  <br>under ", " › ", " › … %zu more", md_cmd, &anc);
	for (uint32_t i = 0; i < e->norigin; i++) {
		fputs("  <br>starts at ", f);
		md_cmd(f, d, 0, e->origin[i], o->max_args);
		fputs(" (", f);
		if (e->cls == RDIFF_SLOWER || e->cls == RDIFF_FASTER)
			put_dur(f, d, 0, e->origin[i]);
		else
			put_status(f, d, 0, e->origin[i]);
		fputs(")\n", f);
	}
	if (o->o->explain) {
		fputs("  <br>key ", f);
		md_code(f, rdiff__key_str(d, e->proc.side, e->proc.idx));
		fputc('\n', f);
	}
	free(anc);
}

static void md_name(FILE *f, const char *s)
{
	md_code(f, s);
}

static void print_markdown(struct out *o)
{
	const struct rdiff *d = o->d;
	const struct rdiff_surroundings *s = rdiff__surroundings(d);
	FILE *f = o->f;
	size_t total = rdiff__entry_count(d), k = 0, nb = rdiff__base_count(d);

	fprintf(f, "### execrec diff: %zu change%s", total, total == 1 ? "" : "s");
	if (o->o->fail_mask)
		fprintf(f, " — %s", rdiff__fails(d, o->o->fail_mask) ? "**failed**" : "passed");
	fputs("\n\n| | trace | processes | wall time |\n|---|---|---:|---:|\n", f);
	for (uint32_t i = 1; i <= nb; i++) {
		fprintf(f, "| %s | ", side_label(d, i));
		md_name(f, rdiff__side_name(d, i));
		fprintf(f, " | %" PRIu32 " | ", rdiff__side_procs(d, i));
		put_ns(f, rdiff__side_wall_ns(d, i));
		fputs(" |\n", f);
	}
	fputs("| NEW | ", f);
	md_name(f, rdiff__side_name(d, 0));
	fprintf(f, " | %" PRIu32 " | ", rdiff__side_procs(d, 0));
	put_ns(f, rdiff__side_wall_ns(d, 0));
	fputs(" |\n\n| class | changes |\n|---|---:|\n", f);
	for (int c = 0; c < RDIFF_CLASS__NR; c++)
		fprintf(f, "| %s | %zu |\n", rdiff_class__str(c), rdiff__class_count(d, c));
	if (rdiff__program_count(d)) {
		fputs("\n**Runs per program that changed:** ", f);
		for (size_t i = 0; i < rdiff__program_count(d) && i < PROGRAMS_SHOWN; i++) {
			const char *name;
			uint32_t nn, lo, hi;

			rdiff__program(d, i, &name, &nn, &lo, &hi);
			if (i)
				fputs(", ", f);
			md_code(f, name);
			fputc(' ', f);
			put_runs(f, lo, hi);
			fprintf(f, " → %" PRIu32, nn);
		}
		if (rdiff__program_count(d) > PROGRAMS_SHOWN)
			fprintf(f, ", … and %zu more", rdiff__program_count(d) - PROGRAMS_SHOWN);
		fputc('\n', f);
	}
	if (s) {
		fputs("\n**Surroundings:** kernel ", f);
		if (s->release_changed) {
			md_code(f, s->base_release[0] ? s->base_release : "?");
			fputs(" → ", f);
			md_code(f, s->new_release[0] ? s->new_release : "?");
		} else {
			md_code(f, s->new_release[0] ? s->new_release : "?");
			fputs(" (same)", f);
		}
		if (!s->tp_compared)
			fprintf(f, "; tracepoint formats not compared (%s)", s->tp_reason);
		else
			fprintf(f, "; %zu tracepoint format change%s", s->ntp,
				s->ntp == 1 ? "" : "s");
		if (!s->btf_compared)
			fprintf(f, "; kernel types not compared (%s)", s->btf_reason);
		else
			fprintf(f, "; %zu layout change%s in the kernel types execrec reads",
				s->nbtf, s->nbtf == 1 ? "" : "s");
		fputs("\n", f);
		if (s->ntp || s->nbtf) {
			fputs("\n<details><summary>Surroundings in detail</summary>\n\n```diff\n",
			      f);
			for (size_t i = 0; i < s->ntp; i++) {
				fprintf(f, "# %s (%s)\n", s->tp[i].name,
					s->tp[i].state < 0   ? "only in BASE"
					: s->tp[i].state > 0 ? "only in NEW"
							     : "changed");
				if (s->tp[i].lines)
					fprintf(f, "%s\n", s->tp[i].lines);
			}
			for (size_t i = 0; i < s->nbtf; i++)
				fprintf(f, "# %s%s%s: %s\n", s->btf[i].type,
					s->btf[i].member ? "." : "",
					s->btf[i].member ? s->btf[i].member : "", s->btf[i].what);
			fputs("```\n\n</details>\n", f);
		}
	}
	for (int c = 0; c < RDIFF_CLASS__NR; c++) {
		size_t n = rdiff__class_count(d, c), shown = 0;

		if (!n)
			continue;
		fprintf(f, "\n#### %s (%zu)\n\n", rdiff_class__str(c), n);
		for (; k < total && rdiff__entry(d, k)->cls == (enum rdiff_class)c; k++) {
			if (o->o->max_entries && shown >= o->o->max_entries)
				continue;
			md_entry(o, rdiff__entry(d, k));
			shown++;
		}
		if (shown < n)
			fprintf(f, "- … and %zu more\n", n - shown);
	}
	if (rdiff__warning_count(d)) {
		fputs("\n> **Warning**\n", f);
		for (size_t i = 0; i < rdiff__warning_count(d); i++)
			fprintf(f, "> %s\n", rdiff__warning(d, i));
	}
}

int rdiff__print(const struct rdiff *d, FILE *f, const struct rdiff_print_opts *opts)
{
	struct rdiff_print_opts po = {.sz = sizeof(po)};
	struct out o;

	if (!d || !d->computed || !EC_OPTS_VALID(opts, struct rdiff_print_opts))
		return -EINVAL;
	po.format = EC_OPTS_GET(opts, format, RDIFF_FMT_TEXT);
	po.explain = EC_OPTS_GET(opts, explain, false);
	po.color = EC_OPTS_GET(opts, color, false);
	po.max_entries = EC_OPTS_GET(opts, max_entries, 0);
	po.max_args = EC_OPTS_GET(opts, max_args, 0);
	po.fail_mask = EC_OPTS_GET(opts, fail_mask, 0);
	o = (struct out){d, &po, f, po.max_args ? po.max_args : 300};
	switch (po.format) {
	case RDIFF_FMT_JSON:
		print_json(&o);
		break;
	case RDIFF_FMT_MARKDOWN:
		print_markdown(&o);
		break;
	default:
		print_text(&o);
		break;
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- the words of the command line -------------------------------------- */

int rdiff_format__parse(const char *s, enum rdiff_format *ret_format)
{
	if (!strcmp(s, "text"))
		*ret_format = RDIFF_FMT_TEXT;
	else if (!strcmp(s, "json"))
		*ret_format = RDIFF_FMT_JSON;
	else if (!strcmp(s, "markdown") || !strcmp(s, "md"))
		*ret_format = RDIFF_FMT_MARKDOWN;
	else
		return -EINVAL;
	return 0;
}

int rdiff_fail_on__parse(const char *list, uint32_t *ret_mask, char *err, size_t err_len)
{
	uint32_t mask = *ret_mask;

	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ",");
		enum rdiff_class c;

		if (!n) {
			s++;
			continue;
		}
		if ((n == 3 && !strncmp(s, "all", 3)) || (n == 3 && !strncmp(s, "any", 3))) {
			mask |= (1u << RDIFF_CLASS__NR) - 1;
		} else if (rdiff_class__parse(s, n, &c)) {
			snprintf(
			    err, err_len,
			    "--fail-on: unknown class '%.*s' (new, gone, fails, passes, slower, "
			    "faster, count, all)",
			    (int)n, s);
			return -EINVAL;
		} else {
			mask |= 1u << c;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	if (!mask) {
		snprintf(err, err_len, "--fail-on: no class given");
		return -EINVAL;
	}
	*ret_mask = mask;
	return 0;
}

int rdiff_threshold__parse(const char *s, double *ret)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return -EINVAL;
	if (*end == '%') {
		v /= 100.0;
		end++;
	} else if (*end == 'x' || *end == 'X') {
		end++;
	}
	if (*end || !(v > 1.0) || v > 1e6)
		return -EINVAL;
	*ret = v;
	return 0;
}

int rdiff__load(struct rdiff *d, const struct rdiff_inputs *in, char *err, size_t err_len)
{
	int r = 0;

	for (size_t i = 0; i < in->nmaps && !r; i++)
		r = rdiff__add_map(d, in->maps[i], err, err_len);
	for (size_t i = 0; i < in->nignores && !r; i++)
		r = rdiff__add_ignore(d, in->ignores[i], err, err_len);
	if (r && r != -EINVAL) /* no message of their own */
		snprintf(err, err_len, "%s", strerror(-r));
	for (size_t i = 0; i < in->nbases && !r; i++)
		r = rdiff__add_base(d, in->bases[i], err, err_len);
	if (!r)
		r = rdiff__set_new(d, in->new_path, err, err_len);
	if (r)
		return r;
	r = rdiff__compute(d);
	if (r)
		snprintf(err, err_len, "comparing: %s", strerror(-r));
	return r;
}
