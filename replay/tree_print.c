/* SPDX-License-Identifier: MIT */
/* execrec tree's text: pstree-like lines, identical subtrees folded (tree.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/color.h"
#include "tree_internal.h"

/* ---- labels ----------------------------------------------------------- */

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

static void put_args(struct rp_tree *t, struct rp_out *o, const struct etr_str *argv)
{
	struct etr_str rest = args_tail(argv);

	if (rest.len) {
		rp_out__putc(o, ' ');
		rp_out__argv(o, &rest, t->max_args);
	}
}

/* What follows the name: the arguments of each program it ran. */
static void put_programs(struct rp_tree *t, struct rp_out *o, const struct rp_proc *p)
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
			struct etr_str b = rp_model__exec_name(m, x);

			rp_out__write(o, " => ", 4);
			rp_out__shell(o, b.ptr, b.len);
		}
		put_args(t, o, &x->argv);
		first = false;
	}
	if (!p->nfail)
		return;
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);
		const char *en = rp_errno_name(x->ret);
		struct etr_str file;

		i = x->next;
		if (!x->ret)
			continue;
		file = rp_model__str(m, x->filename);
		if (fails++ == 3) {
			rp_out__write(o, ", +", 3);
			rp_out__u64(o, (uint32_t)(p->nfail - 3));
			rp_out__write(o, " more", 5);
			break;
		}
		rp_out__puts(o, fails == 1 ? "  [exec failed: " : ", ");
		rp_out__shell(o, file.ptr, file.len);
		rp_out__putc(o, ' ');
		if (en)
			rp_out__puts(o, en);
		else
			rp_out__i64(o, x->ret);
	}
	if (fails)
		rp_out__putc(o, ']');
}

/* Whether what the line shows (arguments, file names) was cut: RP_PF_TRUNC
 * also covers a cut cwd, which the tree does not show. */
static bool args_cut(const struct rp_model *m, const struct rp_proc *p)
{
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);

		if (x->flags & (ETR_EVF_ARGV_TRUNC | ETR_EVF_FILENAME_TRUNC))
			return true;
		i = x->next;
	}
	return false;
}

/* How it ended, if that is worth a word; colored when @color. */
static void put_status(struct rp_tree *t, struct rp_out *o, const struct rp_proc *p)
{
	const char *red = t->color ? EC_COLOR_RED : "", *yel = t->color ? EC_COLOR_YELLOW : "";
	const char *rst = t->color ? EC_COLOR_RESET : "";

	if (p->flags & RP_PF_EXITED) {
		if (p->signal) {
			const char *sn = rp_signal_name(p->signal);

			rp_out__write(o, "  ", 2);
			rp_out__puts(o, red);
			if (sn) {
				rp_out__puts(o, sn);
			} else {
				rp_out__write(o, "signal ", 7);
				rp_out__i64(o, p->signal);
			}
			if (p->flags & RP_PF_CORE)
				rp_out__puts(o, " (core dumped)");
			rp_out__puts(o, rst);
		} else if (p->exit_code) {
			rp_out__write(o, "  ", 2);
			rp_out__puts(o, red);
			rp_out__write(o, "exit ", 5);
			rp_out__i64(o, p->exit_code);
			rp_out__puts(o, rst);
		}
	} else if (p->flags & RP_PF_RUNNING) {
		rp_out__printf(o, "  %srunning%s", yel, rst);
	} else if (!(p->flags & RP_PF_PLACEHOLDER)) {
		rp_out__printf(o, "  %sno exit seen%s", yel, rst);
	}
	if (p->flags & RP_PF_REPARENTED)
		rp_out__printf(o, "  [adopted by %" PRIu32 "]", p->reparent_pid);
	if (p->flags & RP_PF_LOST)
		rp_out__printf(o, "  %s[events lost]%s", yel, rst);
	if ((p->flags & RP_PF_NO_START) && !(p->flags & RP_PF_PLACEHOLDER))
		rp_out__puts(o, "  [start not seen]");
	if (p->start_ns && rp_model__dur_start(t->model, p) > p->start_ns) {
		/* its duration counts from its exec (replay/README.md): the
		 * other figure, since its fork, where the two differ */
		char d[24];

		rp_fmt_duration(d, sizeof(d), rp_model__dur_start(t->model, p) - p->start_ns);
		rp_out__printf(o, "  [forked %s before its exec]", d);
	}
	if (p->flags & RP_PF_PLACEHOLDER)
		rp_out__puts(o, "  [not recorded]");
	if ((p->flags & RP_PF_TRUNC) && args_cut(t->model, p))
		rp_out__puts(o, "  [args cut]");
}

/* The lengths of a label's parts, ahead of its text: LEB128, one byte
 * each for all but the longest. */
static char *put_len(char *p, uint32_t v)
{
	for (; v >= 0x80; v >>= 7)
		*p++ = (char)(v | 0x80);
	*p++ = (char)v;
	return p;
}

static const char *get_len(const char *p, uint32_t *v)
{
	uint32_t x = 0;
	unsigned shift = 0;
	unsigned char b;

	do {
		b = (unsigned char)*p++;
		x |= (uint32_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	*v = x;
	return p;
}

/* A label, taken apart. */
struct label {
	const char *name, *prog, *status;
	uint32_t name_len, prog_len, status_len;
};

static void label_of(const struct tnode *n, struct label *l)
{
	const char *p;

	if (!n->text) {
		/* never drawn (the model ends every record it forgets, so
		 * this is a bug): an empty line rather than a crash */
		*l = (struct label){"", "", "", 0, 0, 0};
		return;
	}
	p = get_len(get_len(n->text, &l->name_len), &l->status_len);

	l->name = p;
	l->prog = p + l->name_len;
	l->prog_len = n->text_len - (uint32_t)(p - n->text) - l->name_len - l->status_len;
	l->status = l->prog + l->prog_len;
}

/*
 * The label of @p, drawn once its record is final, while its execs are
 * held (tree_internal.h): its name, what it ran, how it ended. What
 * depends on its siblings (a group's count and durations) and on its
 * place (the drawing before it) is added when the line is printed.
 */
int rp_tree__draw_label(struct rp_tree *t, const struct rp_proc *p, struct tnode *n)
{
	struct etr_str name = first_name(t->model, p);
	struct rp_out *o = &t->label;
	size_t name_len, prog_len;
	char hdr[10], *h, *text;

	o->len = 0;
	if (t->color)
		rp_out__puts(o, EC_COLOR_BOLD);
	if (p->flags & RP_PF_PLACEHOLDER)
		rp_out__putc(o, '?'); /* pstree's mark of a process it knows nothing of */
	else
		rp_out__shell(o, name.ptr, name.len);
	if (t->color)
		rp_out__puts(o, EC_COLOR_RESET);
	name_len = o->len;
	put_programs(t, o, p);
	prog_len = o->len - name_len;
	put_status(t, o, p);
	if (o->err || o->len > UINT32_MAX - sizeof(hdr))
		return -ENOMEM;
	h = put_len(put_len(hdr, (uint32_t)name_len), (uint32_t)(o->len - name_len - prog_len));
	text = rp_tree__text_alloc(t, (size_t)(h - hdr) + o->len);
	if (!text)
		return -ENOMEM;
	memcpy(text, hdr, (size_t)(h - hdr));
	memcpy(text + (h - hdr), o->buf, o->len);
	n->text = text;
	n->text_len = (uint32_t)((size_t)(h - hdr) + o->len);
	return 0;
}

/* ---- printing ---------------------------------------------------------- */

static int prefix_push(struct rp_tree *t, size_t at, const char *s)
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

/* A line: one process, or a group of identical siblings printed once. */
static void print_line(struct rp_tree *t, const struct tnode *n, int depth)
{
	struct rp_out *o = &t->out;
	const char *r = t->color ? EC_COLOR_RESET : "";
	struct label l;

	label_of(n, &l);
	if (n->count > 1) {
		rp_out__u64(o, n->count);
		rp_out__write(o, "*[", 2);
	}
	rp_out__write(o, l.name, l.name_len);
	if (n->count == 1) {
		rp_out__putc(o, ',');
		rp_out__u64(o, n->pid);
	}
	rp_out__write(o, l.prog, l.prog_len);
	if (n->count > 1) {
		if (n->flags & N_DUR) {
			rp_out__write(o, "  ", 2);
			rp_out__duration(o, n->min_ns);
			if (n->min_ns != n->max_ns) {
				rp_out__write(o, "..", 2);
				rp_out__duration(o, n->max_ns);
			}
		}
	} else if (!(n->flags & N_PLACEHOLDER)) {
		if (n->flags & N_DUR) {
			rp_out__write(o, "  ", 2);
			rp_out__duration(o, n->min_ns);
			if (n->flags & N_RUNNING)
				rp_out__putc(o, '+');
		} else {
			rp_out__write(o, "  ?", 3);
		}
	}
	rp_out__write(o, l.status, l.status_len);
	if (n->count > 1)
		rp_out__putc(o, ']');
	if (t->depth >= 0 && depth >= t->depth && n->below)
		rp_out__printf(o, "  %s[+%" PRIu32 " below]%s", t->color ? EC_COLOR_DIM : "",
			       n->below, r);
	rp_out__putc(o, '\n');
}

/* Deep enough for any real tree; past it, one line says what is left out. */
#define MAX_DEPTH 2000

/* The lines below node @i (at @depth; its children's prefix is @plen
 * bytes of t->prefix). */
static int print_children(struct rp_tree *t, uint32_t i, size_t plen, int depth)
{
	const char *mid = t->unicode ? "├─" : "|-", *last = t->unicode ? "└─" : "`-";
	const char *bar = t->unicode ? "│ " : "| ";
	const struct tnode *n = NODE(t, i);
	struct rp_out *o = &t->out;
	int err = 0;

	if ((t->depth >= 0 && depth >= t->depth) || !n->nkids)
		return 0;
	if (depth >= MAX_DEPTH) {
		rp_out__write(o, t->prefix, plen);
		rp_out__printf(o, "%s[%" PRIu32 " more levels not shown]\n", last, n->below);
		return 0;
	}
	for (uint32_t k = 0; k < n->nkids && !err; k++) {
		uint32_t c = t->kid[n->kids + k];
		bool is_last = k == n->nkids - 1;
		const char *pad = is_last ? "  " : bar;

		/* the lines were drawn long ago: fetch the next ones' early */
		if (k + 2 < n->nkids)
			__builtin_prefetch(NODE(t, t->kid[n->kids + k + 2]));
		if (k + 1 < n->nkids) {
			const struct tnode *nx = NODE(t, t->kid[n->kids + k + 1]);

			__builtin_prefetch(nx->text);
			__builtin_prefetch(nx->text + 64);
		}

		rp_out__write(o, t->prefix, plen);
		if (t->color)
			rp_out__puts(o, EC_COLOR_DIM);
		rp_out__puts(o, is_last ? last : mid);
		if (t->color)
			rp_out__puts(o, EC_COLOR_RESET);
		print_line(t, NODE(t, c), depth + 1);
		err = prefix_push(t, plen, pad);
		if (!err)
			err = print_children(t, c, plen + strlen(pad), depth + 1);
	}
	return err;
}

/* The text goes out in blocks of this many bytes. */
#define OUT_BUF (64u << 10)

int rp_tree__print_text(struct rp_tree *t, FILE *f)
{
	uint32_t at, n;
	char *buf;
	int err;

	if (!t->text_mode)
		return -EINVAL;
	err = rp_tree__fold_roots(t, &at, &n);
	if (err)
		return err;
	err = prefix_push(t, 0, "");
	if (err)
		return err;
	buf = malloc(OUT_BUF);
	if (!buf)
		return -ENOMEM;
	rp_out__init(&t->out, f, buf, OUT_BUF);
	for (uint32_t k = 0; k < n && !err; k++) {
		uint32_t r = t->kid[at + k];

		print_line(t, NODE(t, r), 0);
		err = print_children(t, r, 0, 0);
	}
	rp_out__flush(&t->out);
	free(buf);
	t->out.buf = NULL;
	return err;
}
