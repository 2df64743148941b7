/* SPDX-License-Identifier: MIT */
/*
 * execrec tree: the process tree of a trace, pstree-like, with arguments,
 * duration and exit status. Identical sibling subtrees (same programs, same
 * arguments, same outcome, same children) are printed once as N*[...].
 *
 * A process sits under the process that forked it, even when it was later
 * handed to init or a subreaper (that is noted): who started what is the
 * question a trace answers.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "replay.h"

#define C_RESET "\033[0m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"

/* p->mark bits */
#define M_VISIBLE 1u
#define M_ROOT 2u

static void usage(FILE *f)
{
	fputs("Usage: execrec tree [OPTIONS] FILE\n"
	      "\n"
	      "The process tree of the trace, each process with its arguments (every\n"
	      "program it exec'd, joined by =>), how long it lived and how it ended.\n"
	      "Identical sibling subtrees are shown once as N*[...]. A process stays under\n"
	      "the process that started it, even if init later adopted it. With filters,\n"
	      "the matching processes are shown with their ancestors.\n"
	      "\n"
	      "  -p, --pid PID[,PID]     only the subtrees of these processes\n"
	      "  -d, --depth N           at most N levels below the roots\n"
	      "      --no-compact        one line per process, identical or not\n"
	      "      --max-args N        cut argument lists after N bytes (default: whole)\n"
	      "  -A, --ascii             draw with ASCII (default on a non-UTF-8 locale or\n"
	      "                          when not writing to a terminal)\n"
	      "  -U, --unicode           draw with box-drawing characters\n"
	      "      --stats             figures for benchmarks on stderr\n"
	      "  -h, --help              this help\n"
	      "\n",
	      f);
	rp_cli__filter_help(f);
	fputc('\n', f);
	rp_cli__output_help(f, true);
}

struct tree {
	struct rp_cli cli;
	struct rp_trace *trace;
	struct rp_model *model;
	uint32_t *roots; /* --pid */
	size_t nroots;
	int depth;
	bool compact;
	bool color;
	bool unicode;
	size_t max_args;
	uint64_t *sig;	  /* per process: hash of its subtree as printed */
	uint32_t *hidden; /* per process: visible descendants */
	char *prefix;
	size_t prefix_cap;
};

static bool in_list(const uint32_t *l, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == v)
			return true;
	return false;
}

/* ---- which processes are shown --------------------------------------- */

static void mark_visible(struct tree *t)
{
	uint32_t n = rp_model__count(t->model);
	bool filtered = rp_filter__active(t->cli.filter);

	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, i);

		p->mark = 0;
		if (t->nroots ? in_list(t->roots, t->nroots, p->pid) : p->parent == RP_NONE)
			p->mark |= M_ROOT;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, i), *a;
		bool under_root = !t->nroots;

		if (p->flags & RP_PF_PLACEHOLDER)
			continue; /* shown only as an ancestor */
		if (t->nroots) {
			for (a = p; a;
			     a = a->parent == RP_NONE ? NULL : rp_model__proc(t->model, a->parent))
				if (a->mark & M_ROOT) {
					under_root = true;
					break;
				}
		}
		if (!under_root || (filtered && !rp_filter__match_proc(t->cli.filter, t->model, p)))
			continue;
		/* the process and its ancestors, up to the root of its subtree */
		for (a = p; a && !(a->mark & M_VISIBLE);) {
			a->mark |= M_VISIBLE;
			if (a->mark & M_ROOT)
				break;
			a = a->parent == RP_NONE ? NULL : rp_model__proc(t->model, a->parent);
		}
	}
}

/* ---- labels ----------------------------------------------------------- */

static struct etr_str cstr(const char *s)
{
	return (struct etr_str){s, (uint32_t)strlen(s)};
}

/* The name of a process: its last program's file name, else its comm. */
static struct etr_str proc_name(const struct rp_model *m, const struct rp_proc *p)
{
	const struct rp_exec *x = rp_model__last_exec(m, p);

	if (x && x->filename.len)
		return rp_basename(x->filename);
	return cstr(p->comm[0] ? p->comm : "?");
}

/* Arguments after argv[0]. */
static struct etr_str args_tail(const struct etr_str *argv)
{
	struct etr_str rest = *argv, a;
	uint32_t pos = 0;

	if (etr_args__next(argv, &pos, &a)) {
		rest.ptr += pos;
		rest.len -= pos;
	}
	return rest;
}

static void put_args(struct tree *t, FILE *f, const struct etr_str *argv)
{
	struct etr_str rest = args_tail(argv);

	if (rest.len) {
		putc(' ', f);
		rp_fput_argv(f, &rest, t->max_args);
	}
}

/* What follows the name: the arguments of each program it ran. */
static void put_programs(struct tree *t, FILE *f, const struct rp_proc *p)
{
	const struct rp_model *m = t->model;
	bool first = true;
	int fails = 0;

	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);

		i = x->next;
		if (x->ret)
			continue;
		if (!first) {
			struct etr_str b = rp_basename(x->filename);

			fputs(" => ", f);
			rp_fput_shell(f, b.ptr, b.len);
		}
		put_args(t, f, &x->argv);
		first = false;
	}
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);
		const char *en = rp_errno_name(x->ret);

		i = x->next;
		if (!x->ret)
			continue;
		if (fails++ == 3) {
			fprintf(f, ", +%" PRIu32 " more", p->nfail - 3);
			break;
		}
		fputs(fails == 1 ? "  [exec failed: " : ", ", f);
		rp_fput_shell(f, x->filename.ptr, x->filename.len);
		if (en)
			fprintf(f, " %s", en);
		else
			fprintf(f, " %d", x->ret);
	}
	if (fails)
		putc(']', f);
}

/* The first program's name: the chain reads from there. */
static struct etr_str first_name(const struct rp_model *m, const struct rp_proc *p)
{
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);

		if (!x->ret && x->filename.len)
			return rp_basename(x->filename);
		i = x->next;
	}
	return proc_name(m, p);
}

/* How it ended, if that is worth a word; colored when @color. */
static void put_status(struct tree *t, FILE *f, const struct rp_proc *p)
{
	const char *red = t->color ? C_RED : "", *yel = t->color ? C_YELLOW : "";
	const char *rst = t->color ? C_RESET : "";

	if (p->flags & RP_PF_EXITED) {
		if (p->signal) {
			const char *sn = rp_signal_name(p->signal);

			fprintf(f, "  %s", red);
			if (sn)
				fputs(sn, f);
			else
				fprintf(f, "signal %d", p->signal);
			fprintf(f, "%s%s", p->flags & RP_PF_CORE ? " (core dumped)" : "", rst);
		} else if (p->exit_code) {
			fprintf(f, "  %sexit %d%s", red, p->exit_code, rst);
		}
	} else if (p->flags & RP_PF_RUNNING) {
		fprintf(f, "  %srunning%s", yel, rst);
	} else if (!(p->flags & RP_PF_PLACEHOLDER)) {
		fprintf(f, "  %sno exit seen%s", yel, rst);
	}
	if (p->flags & RP_PF_REPARENTED)
		fprintf(f, "  [adopted by %" PRIu32 "]", p->reparent_pid);
	if (p->flags & RP_PF_LOST)
		fprintf(f, "  %s[events lost]%s", yel, rst);
	if ((p->flags & RP_PF_NO_START) && !(p->flags & RP_PF_PLACEHOLDER))
		fputs("  [start not seen]", f);
	if (p->flags & RP_PF_PLACEHOLDER)
		fputs("  [not recorded]", f);
	if (p->flags & RP_PF_TRUNC)
		fputs("  [args cut]", f);
}

static void put_duration(struct tree *t, FILE *f, const struct rp_proc *p)
{
	char d[24];
	uint64_t ns;

	if (p->flags & RP_PF_PLACEHOLDER)
		return;
	if (!rp_model__duration(t->model, p, &ns)) {
		fputs("  ?", f);
		return;
	}
	rp_fmt_duration(d, sizeof(d), ns);
	fprintf(f, "  %s%s", d, p->flags & RP_PF_RUNNING ? "+" : "");
}

/* ---- signatures -------------------------------------------------------- */

/* A hash for telling subtrees apart: eight bytes at a time, since it runs
 * over every argument of every process. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	w = len;
	for (size_t i = 0; i < len; i++)
		w = (w << 8) | p[i];
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 31);
}

/* What the line of a process shows, but its pid and duration. */
static uint64_t label_hash(const struct tree *t, const struct rp_proc *p)
{
	uint64_t h = 0xcbf29ce484222325ull;
	struct etr_str n = first_name(t->model, p);
	uint32_t f = p->flags & (RP_PF_RUNNING | RP_PF_EXITED | RP_PF_REPARENTED | RP_PF_LOST |
				 RP_PF_NO_START | RP_PF_PLACEHOLDER | RP_PF_TRUNC | RP_PF_CORE);

	h = fnv(h, n.ptr, n.len);
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(t->model, i);

		h = fnv(h, &x->ret, sizeof(x->ret));
		h = fnv(h, x->filename.ptr, x->filename.len);
		h = fnv(h, "\0", 1);
		h = fnv(h, x->argv.ptr, x->argv.len);
		h = fnv(h, "\0\1", 2);
		i = x->next;
	}
	h = fnv(h, &f, sizeof(f));
	h = fnv(h, &p->exit_code, sizeof(p->exit_code));
	h = fnv(h, &p->signal, sizeof(p->signal));
	if (p->flags & RP_PF_REPARENTED)
		h = fnv(h, &p->reparent_pid, sizeof(p->reparent_pid));
	return h;
}

static bool visible(const struct rp_proc *p)
{
	return p && (p->mark & M_VISIBLE);
}

/*
 * Signatures bottom-up and counts of visible descendants: a process comes
 * after all its descendants in the reverse of a pre-order walk, which is
 * built with an explicit stack (trees can be deep).
 */
static int compute_sigs(struct tree *t)
{
	struct rp_model *m = t->model;
	uint32_t n = rp_model__count(m), len = 0, top = 0;
	uint32_t *order = malloc((size_t)n * sizeof(*order) + 1);
	uint32_t *stack = malloc((size_t)n * sizeof(*stack) + 1);

	t->sig = calloc((size_t)n + 1, sizeof(*t->sig));
	t->hidden = calloc((size_t)n + 1, sizeof(*t->hidden));
	if (!order || !stack || !t->sig || !t->hidden) {
		free(order);
		free(stack);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(m, i);

		if (!(p->mark & M_ROOT) || !visible(p))
			continue;
		stack[top++] = i;
		while (top) {
			uint32_t v = stack[--top];
			struct rp_proc *q = rp_model__proc(m, v);

			order[len++] = v;
			for (uint32_t c = q->first_child; c != RP_NONE;) {
				struct rp_proc *cp = rp_model__proc(m, c);

				/* a root inside another root's subtree is printed there */
				if (visible(cp) && !(cp->mark & M_ROOT))
					stack[top++] = c;
				c = cp->next_sibling;
			}
		}
	}
	for (uint32_t k = len; k-- > 0;) {
		uint32_t v = order[k];
		struct rp_proc *p = rp_model__proc(m, v);
		uint64_t h = label_hash(t, p);
		uint32_t desc = 0;

		for (uint32_t c = p->first_child; c != RP_NONE;) {
			struct rp_proc *cp = rp_model__proc(m, c);

			if (visible(cp) && !(cp->mark & M_ROOT)) {
				h = fnv(h, &t->sig[c], sizeof(t->sig[c]));
				desc += 1 + t->hidden[c];
			}
			c = cp->next_sibling;
		}
		t->sig[v] = h ? h : 1;
		t->hidden[v] = desc;
	}
	free(order);
	free(stack);
	return 0;
}

/* ---- printing ---------------------------------------------------------- */

struct group {
	uint32_t first; /* the member printed */
	uint32_t count;
	uint64_t min_ns, max_ns;
	bool dur_known;
};

struct sortkey {
	uint64_t sig;
	uint32_t pos;
};

static int cmp_key(const void *a, const void *b)
{
	const struct sortkey *x = a, *y = b;

	if (x->sig != y->sig)
		return x->sig < y->sig ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Siblings (visible, in start order) folded into groups of identical ones,
 * in the order of their first member. Returns the number of groups. */
static size_t make_groups(struct tree *t, const uint32_t *kids, size_t n, struct group *g)
{
	struct sortkey *k;
	uint32_t *leader;
	size_t ng = 0;

	if (!t->compact || n < 2) {
		for (size_t i = 0; i < n; i++) {
			struct rp_proc *p = rp_model__proc(t->model, kids[i]);

			g[i].first = kids[i];
			g[i].count = 1;
			g[i].dur_known = rp_model__duration(t->model, p, &g[i].min_ns);
			g[i].max_ns = g[i].min_ns;
		}
		return n;
	}
	k = malloc(n * sizeof(*k));
	leader = malloc(n * sizeof(*leader));
	if (!k || !leader) {
		free(k);
		free(leader);
		t->compact = false;
		return make_groups(t, kids, n, g);
	}
	for (size_t i = 0; i < n; i++) {
		k[i].sig = t->sig[kids[i]];
		k[i].pos = (uint32_t)i;
	}
	qsort(k, n, sizeof(*k), cmp_key);
	for (size_t i = 0; i < n; i++)
		leader[k[i].pos] = i && k[i].sig == k[i - 1].sig ? leader[k[i - 1].pos] : k[i].pos;
	/* groups in the order of their leaders; members fold into them */
	for (size_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, kids[i]);
		uint64_t d;
		bool known = rp_model__duration(t->model, p, &d);

		if (leader[i] == i) {
			g[ng].first = kids[i];
			g[ng].count = 1;
			g[ng].dur_known = known;
			g[ng].min_ns = g[ng].max_ns = d;
			leader[i] = (uint32_t)ng++; /* from now on: its group */
			continue;
		}
		{
			struct group *gr = &g[leader[leader[i]]];

			gr->count++;
			if (known && gr->dur_known) {
				if (d < gr->min_ns)
					gr->min_ns = d;
				if (d > gr->max_ns)
					gr->max_ns = d;
			} else {
				gr->dur_known = false;
			}
		}
	}
	free(k);
	free(leader);
	return ng;
}

static int prefix_push(struct tree *t, size_t at, const char *s)
{
	size_t l = strlen(s);

	if (at + l + 1 > t->prefix_cap) {
		size_t cap = (at + l + 1) * 2;
		char *p = realloc(t->prefix, cap);

		if (!p)
			return -ENOMEM;
		t->prefix = p;
		t->prefix_cap = cap;
	}
	memcpy(t->prefix + at, s, l + 1);
	return 0;
}

static void print_line(struct tree *t, const struct group *g, int depth)
{
	FILE *f = stdout;
	struct rp_proc *p = rp_model__proc(t->model, g->first);
	struct etr_str name = first_name(t->model, p);
	const char *b = t->color ? C_BOLD : "", *r = t->color ? C_RESET : "";

	if (g->count > 1)
		fprintf(f, "%" PRIu32 "*[", g->count);
	fputs(b, f);
	if (p->flags & RP_PF_PLACEHOLDER)
		fputc('?', f); /* pstree's mark of a process it knows nothing of */
	else
		rp_fput_shell(f, name.ptr, name.len);
	fputs(r, f);
	if (g->count == 1)
		fprintf(f, ",%" PRIu32, p->pid);
	put_programs(t, f, p);
	if (g->count > 1) {
		char d1[24], d2[24];

		if (g->dur_known) {
			rp_fmt_duration(d1, sizeof(d1), g->min_ns);
			rp_fmt_duration(d2, sizeof(d2), g->max_ns);
			if (g->min_ns == g->max_ns)
				fprintf(f, "  %s", d1);
			else
				fprintf(f, "  %s..%s", d1, d2);
		}
	} else {
		put_duration(t, f, p);
	}
	put_status(t, f, p);
	if (g->count > 1)
		putc(']', f);
	if (t->depth >= 0 && depth >= t->depth && t->hidden[g->first])
		fprintf(f, "  %s[+%" PRIu32 " below]%s", t->color ? C_DIM : "", t->hidden[g->first],
			r);
	putc('\n', f);
}

/* Deep enough for any real tree; past it, one line says what is left out. */
#define MAX_DEPTH 2000

static int print_children(struct tree *t, uint32_t idx, size_t plen, int depth)
{
	struct rp_proc *p = rp_model__proc(t->model, idx);
	const char *mid = t->unicode ? "├─" : "|-", *last = t->unicode ? "└─" : "`-";
	const char *bar = t->unicode ? "│ " : "| ";
	uint32_t *kids;
	struct group *g;
	size_t n = 0, ng;
	int err = 0;

	if (t->depth >= 0 && depth >= t->depth)
		return 0;
	for (uint32_t c = p->first_child; c != RP_NONE;
	     c = rp_model__proc(t->model, c)->next_sibling)
		if (visible(rp_model__proc(t->model, c)) &&
		    !(rp_model__proc(t->model, c)->mark & M_ROOT))
			n++;
	if (!n)
		return 0;
	if (depth >= MAX_DEPTH) {
		printf("%s%s[%" PRIu32 " more levels not shown]\n", t->prefix, last,
		       t->hidden[idx]);
		return 0;
	}
	kids = malloc(n * sizeof(*kids));
	g = malloc(n * sizeof(*g));
	if (!kids || !g) {
		free(kids);
		free(g);
		return -ENOMEM;
	}
	n = 0;
	for (uint32_t c = p->first_child; c != RP_NONE;
	     c = rp_model__proc(t->model, c)->next_sibling)
		if (visible(rp_model__proc(t->model, c)) &&
		    !(rp_model__proc(t->model, c)->mark & M_ROOT))
			kids[n++] = c;
	ng = make_groups(t, kids, n, g);
	for (size_t i = 0; i < ng && !err; i++) {
		bool is_last = i == ng - 1;

		t->prefix[plen] = '\0';
		fputs(t->prefix, stdout);
		fputs(t->color ? C_DIM : "", stdout);
		fputs(is_last ? last : mid, stdout);
		fputs(t->color ? C_RESET : "", stdout);
		print_line(t, &g[i], depth + 1);
		err = prefix_push(t, plen, is_last ? "  " : bar);
		if (!err)
			err = print_children(t, g[i].first, plen + strlen(is_last ? "  " : bar),
					     depth + 1);
	}
	free(kids);
	free(g);
	return err;
}

static int print_text(struct tree *t)
{
	uint32_t n = rp_model__count(t->model), nroots = 0;
	uint32_t *roots;
	struct group *g;
	size_t ng;
	int err = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, i);

		nroots += (p->mark & M_ROOT) && visible(p);
	}
	roots = malloc(((size_t)nroots + 1) * sizeof(*roots));
	g = malloc(((size_t)nroots + 1) * sizeof(*g));
	if (!roots || !g || prefix_push(t, 0, "")) {
		free(roots);
		free(g);
		return -ENOMEM;
	}
	nroots = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(t->model, i);

		if ((p->mark & M_ROOT) && visible(p))
			roots[nroots++] = i;
	}
	ng = make_groups(t, roots, nroots, g);
	for (size_t i = 0; i < ng && !err; i++) {
		print_line(t, &g[i], 0);
		err = print_children(t, g[i].first, 0, 0);
	}
	free(roots);
	free(g);
	return err;
}

/* Machine output: every process shown, in the order of the tree (a
 * parent before its children, children in start order). */
static int print_records(struct tree *t)
{
	struct rp_model *m = t->model;
	uint32_t n = rp_model__count(m), top = 0;
	uint32_t *stack = malloc(((size_t)n + 1) * sizeof(*stack));

	if (!stack)
		return -ENOMEM;
	if (t->cli.format == RP_FMT_CSV)
		rp_csv_header(stdout);
	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *root = rp_model__proc(m, i);

		if (!(root->mark & M_ROOT) || !visible(root))
			continue;
		stack[top++] = i;
		while (top) {
			struct rp_proc *p = rp_model__proc(m, stack[--top]);
			uint32_t first = top;

			if (t->cli.format == RP_FMT_JSON)
				rp_print_proc_json(stdout, t->trace, m, p);
			else
				rp_print_proc_csv(stdout, t->trace, m, p);
			for (uint32_t c = p->first_child; c != RP_NONE;) {
				struct rp_proc *cp = rp_model__proc(m, c);

				if (visible(cp) && !(cp->mark & M_ROOT))
					stack[top++] = c;
				c = cp->next_sibling;
			}
			/* pushed in start order: reverse, so the first pops first */
			for (uint32_t a = first, b = top; b > a + 1; a++, b--) {
				uint32_t x = stack[a];

				stack[a] = stack[b - 1];
				stack[b - 1] = x;
			}
		}
	}
	free(stack);
	return 0;
}

static bool utf8_locale(void)
{
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

int cmd_tree(int argc, char **argv)
{
	static const struct option longopts[] = {
	    RP_CLI_FILTER_OPTIONS,
	    RP_CLI_OUTPUT_OPTIONS,
	    {"depth", required_argument, NULL, 'd'},
	    {"no-compact", no_argument, NULL, 'n'},
	    {"max-args", required_argument, NULL, 'm'},
	    {"ascii", no_argument, NULL, 'A'},
	    {"unicode", no_argument, NULL, 'U'},
	    {"stats", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rp_trace_opts topts = {.sz = sizeof(topts)};
	struct tree t = {.depth = -1, .compact = true};
	const struct etr_event *ev;
	int opt, ret = 0, draw = 0;
	bool stats = false;
	char err[512], *end;
	const char *path;
	uint64_t last = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hp:d:AU", longopts, NULL)) != -1) {
		int r;

		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'p':
		case RP_OPT_PID:
		case RP_OPT_SUBTREE:
			for (const char *s = optarg; *s;) {
				unsigned long v = strtoul(s, &end, 10);
				uint32_t *l;

				if (end == s || (*end && *end != ',') || v > UINT32_MAX) {
					fprintf(stderr, "execrec tree: --pid: '%s' is not a pid\n",
						optarg);
					return 2;
				}
				l = realloc(t.roots, (t.nroots + 1) * sizeof(*l));
				if (!l)
					return 1;
				t.roots = l;
				t.roots[t.nroots++] = (uint32_t)v;
				s = *end ? end + 1 : end;
			}
			continue;
		case 'd':
			t.depth = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || t.depth < 0) {
				fprintf(stderr, "execrec tree: --depth: '%s' is not a count\n",
					optarg);
				return 2;
			}
			continue;
		case 'n':
			t.compact = false;
			continue;
		case 'm':
			t.max_args = strtoul(optarg, &end, 10);
			if (*end || end == optarg) {
				fprintf(stderr, "execrec tree: --max-args: '%s' is not a count\n",
					optarg);
				return 2;
			}
			continue;
		case 'A':
			draw = 1;
			continue;
		case 'U':
			draw = 2;
			continue;
		case 'S':
			stats = true;
			continue;
		case '?':
			fprintf(stderr, "execrec tree: see 'execrec tree --help'\n");
			return 2;
		}
		r = rp_cli__option(&t.cli, opt, optarg, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "execrec tree: %s\n", r == -EINVAL ? err : strerror(-r));
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "execrec tree: %s\nUsage: execrec tree [OPTIONS] FILE\n",
			optind == argc ? "no trace file given" : "one trace file at a time");
		return 2;
	}
	path = argv[optind];
	topts.reorder_ns = t.cli.reorder_ns;
	t.trace = rp_trace__open(path, &topts);
	if (!t.trace) {
		rp_open_error_str(err, sizeof(err), path, errno);
		fprintf(stderr, "execrec tree: %s\n", err);
		free(t.roots);
		rp_filter__free(t.cli.filter);
		return 1;
	}
	t.model = rp_model__new(&(struct rp_model_opts){.sz = sizeof(struct rp_model_opts)});
	if (!t.model) {
		ret = -ENOMEM;
		goto out;
	}
	while ((ret = rp_trace__next_event(t.trace, &ev)) > 0) {
		ret = rp_model__add(t.model, ev);
		if (ret)
			goto out;
	}
	if (ret < 0)
		goto out;
	last = rp_trace__last_ns(t.trace);
	if (rp_trace__end(t.trace) && rp_trace__end(t.trace)->ts_ns > last)
		last = rp_trace__end(t.trace)->ts_ns;
	rp_model__finish(t.model, last);
	if (rp_filter__bind(t.cli.filter, t.trace, err, sizeof(err))) {
		fprintf(stderr, "execrec tree: %s\n", err);
		ret = -EINVAL;
		goto out;
	}

	mark_visible(&t);
	ret = compute_sigs(&t);
	if (ret)
		goto out;
	if (t.cli.format == RP_FMT_TEXT) {
		t.color = rp_want_color(1, t.cli.color_mode);
		t.unicode = draw == 2 || (draw == 0 && isatty(1) && utf8_locale());
		ret = print_text(&t);
	} else {
		ret = print_records(&t);
	}
	if (fflush(stdout) && errno != EPIPE)
		fprintf(stderr, "execrec tree: writing output: %s\n", strerror(errno));
	if (stats)
		rp_cli__print_stats(stderr, "tree", t.trace, t.model, rp_model__count(t.model));

out:
	if (ret < 0 && ret != -EINVAL)
		fprintf(stderr, "execrec tree: %s: %s\n", path, strerror(-ret));
	else if (!ret && rp_trace__damage_str(t.trace, err, sizeof(err)))
		fprintf(stderr, "execrec tree: warning: %s: %s\n", path, err);
	rp_model__free(t.model);
	rp_trace__free(t.trace);
	rp_filter__free(t.cli.filter);
	free(t.roots);
	free(t.sig);
	free(t.hidden);
	free(t.prefix);
	return ret < 0 ? 1 : 0;
}
