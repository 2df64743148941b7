/* SPDX-License-Identifier: MIT */
/*
 * Loading the traces, keying their processes, and matching the trees.
 *
 * The match is top down, one set of siblings at a time: the children of a
 * matched process on every side are grouped by key, and within a group the
 * n-th of each side (in start order) are the same execution. Top down
 * because ancestry is part of identity: the same `cc -c x.c` under another
 * make is another execution, and a new wrapper (ccache, a sh -c) makes its
 * whole subtree NEW, reported once where it starts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/macros.h"
#include "internal.h"

static const char *const class_str[RDIFF_CLASS__NR] = {
    "NEW", "GONE", "NOW-FAILS", "NOW-PASSES", "SLOWER", "FASTER", "COUNT",
};
static const char *const class_key[RDIFF_CLASS__NR] = {
    "new", "gone", "fails", "passes", "slower", "faster", "count",
};

const char *rdiff_class__str(enum rdiff_class c)
{
	return (unsigned)c < RDIFF_CLASS__NR ? class_str[c] : NULL;
}

const char *rdiff_class__key(enum rdiff_class c)
{
	return (unsigned)c < RDIFF_CLASS__NR ? class_key[c] : NULL;
}

int rdiff_class__parse(const char *s, size_t len, enum rdiff_class *ret_class)
{
	static const struct {
		const char *name;
		enum rdiff_class c;
	} alias[] = {
	    {"now-fails", RDIFF_NOW_FAILS},
	    {"now-passes", RDIFF_NOW_PASSES},
	    {"fail", RDIFF_NOW_FAILS},
	};

	for (int c = 0; c < RDIFF_CLASS__NR; c++) {
		if (strlen(class_key[c]) == len && !strncasecmp(s, class_key[c], len)) {
			*ret_class = c;
			return 0;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(alias); i++) {
		if (strlen(alias[i].name) == len && !strncasecmp(s, alias[i].name, len)) {
			*ret_class = alias[i].c;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- the object ------------------------------------------------------------ */

struct rdiff *rdiff__new(const struct rdiff_opts *opts)
{
	struct rdiff *d;

	if (!EC_OPTS_VALID(opts, struct rdiff_opts)) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->opts.sz = sizeof(d->opts);
	d->opts.threshold = EC_OPTS_GET(opts, threshold, 0);
	d->opts.min_delta_ns = EC_OPTS_GET(opts, min_delta_ns, 0);
	d->opts.reorder_ns = EC_OPTS_GET(opts, reorder_ns, 0);
	if (!(d->opts.threshold > 1.0))
		d->opts.threshold = RDIFF_THRESHOLD_DEFAULT;
	if (!d->opts.min_delta_ns)
		d->opts.min_delta_ns = RDIFF_MIN_DELTA_NS_DEFAULT;
	return d;
}

static void side_free(struct side *s)
{
	if (!s)
		return;
	if (s->nodes) {
		for (uint32_t i = 0; i <= s->n; i++) {
			free(s->nodes[i].key);
			free(s->nodes[i].shown);
		}
	}
	free(s->nodes);
	rp_model__free(s->model);
	rp_trace__free(s->trace);
	free(s->name);
	free(s->pids);
	rdiff_side_sur_free(s);
	free(s);
}

void rdiff__free(struct rdiff *d)
{
	if (!d)
		return;
	for (uint32_t i = 0; i <= RDIFF_MAX_BASES; i++)
		side_free(d->sides[i]);
	for (size_t i = 0; i < d->nmaps; i++) {
		free(d->maps[i].from);
		free(d->maps[i].to);
	}
	free(d->maps);
	for (size_t i = 0; i < d->nignores; i++) {
		regfree(&d->ignores[i]);
		free(d->ignore_src[i]);
	}
	free(d->ignores);
	free(d->ignore_src);
	for (size_t i = 0; i < d->nwarnings; i++)
		free(d->warnings[i]);
	free(d->warnings);
	free(d->entries);
	for (size_t i = 0; i < d->nprogs; i++)
		free(d->progs[i].name);
	free(d->progs);
	rdiff_sur_free(d);
	free(d);
}

struct side *rdiff_side(const struct rdiff *d, uint32_t side)
{
	if (!d || side > d->nbases || side > RDIFF_MAX_BASES)
		return NULL;
	return d->sides[side];
}

int rdiff_warn(struct rdiff *d, const char *fmt, ...)
{
	char **w = realloc(d->warnings, (d->nwarnings + 1) * sizeof(*w));
	va_list ap;
	char *s;

	if (!w)
		return -ENOMEM;
	d->warnings = w;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return -ENOMEM;
	d->warnings[d->nwarnings++] = s;
	return 0;
}

size_t rdiff__warning_count(const struct rdiff *d)
{
	return d ? d->nwarnings : 0;
}

const char *rdiff__warning(const struct rdiff *d, size_t i)
{
	return d && i < d->nwarnings ? d->warnings[i] : NULL;
}

int rdiff__add_map(struct rdiff *d, const char *spec, char *err, size_t err_len)
{
	const char *eq = strchr(spec, '=');
	struct map *m;

	if (!eq || eq == spec || !eq[1]) {
		snprintf(err, err_len, "--map: '%s' is not OLD=NEW (two path prefixes)", spec);
		return -EINVAL;
	}
	m = realloc(d->maps, (d->nmaps + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	d->maps = m;
	m = &d->maps[d->nmaps];
	m->from = strndup(spec, (size_t)(eq - spec));
	m->to = strdup(eq + 1);
	if (!m->from || !m->to) {
		free(m->from);
		free(m->to);
		return -ENOMEM;
	}
	/* "/a/b/" and "/a/b" mean the same prefix */
	m->from_len = strlen(m->from);
	m->to_len = strlen(m->to);
	while (m->from_len > 1 && m->from[m->from_len - 1] == '/')
		m->from[--m->from_len] = '\0';
	while (m->to_len > 1 && m->to[m->to_len - 1] == '/')
		m->to[--m->to_len] = '\0';
	d->nmaps++;
	return 0;
}

int rdiff__add_ignore(struct rdiff *d, const char *re, char *err, size_t err_len)
{
	regex_t *r = realloc(d->ignores, (d->nignores + 1) * sizeof(*r));
	char **src;
	int rc;

	if (!r)
		return -ENOMEM;
	d->ignores = r;
	src = realloc(d->ignore_src, (d->nignores + 1) * sizeof(*src));
	if (!src)
		return -ENOMEM;
	d->ignore_src = src;
	rc = regcomp(&d->ignores[d->nignores], re, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char msg[256];

		regerror(rc, &d->ignores[d->nignores], msg, sizeof(msg));
		regfree(&d->ignores[d->nignores]);
		snprintf(err, err_len, "--ignore: '%s' is not a valid regular expression: %s", re,
			 msg);
		return -EINVAL;
	}
	src[d->nignores] = strdup(re);
	if (!src[d->nignores]) {
		regfree(&d->ignores[d->nignores]);
		return -ENOMEM;
	}
	d->nignores++;
	return 0;
}

/* ---- reading a trace -------------------------------------------------------- */

static int add_pid(struct side *s, uint32_t pid, size_t *cap)
{
	if (!pid)
		return 0;
	if (s->npids == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		uint32_t *p = realloc(s->pids, nc * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->pids = p;
		*cap = nc;
	}
	s->pids[s->npids++] = pid;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int collect_pids(struct side *s)
{
	uint32_t n = rp_model__count(s->model);
	size_t cap = 0, k = 0;

	for (uint32_t i = 0; i < n; i++) {
		const struct rp_proc *p = rp_model__proc(s->model, i);

		if (add_pid(s, p->pid, &cap) || add_pid(s, p->ppid, &cap) ||
		    add_pid(s, p->reparent_pid, &cap))
			return -ENOMEM;
	}
	if (!s->npids)
		return 0;
	qsort(s->pids, s->npids, sizeof(*s->pids), cmp_u32);
	for (size_t i = 0; i < s->npids; i++)
		if (!k || s->pids[k - 1] != s->pids[i])
			s->pids[k++] = s->pids[i];
	s->npids = k;
	return 0;
}

static int side_load(struct rdiff *d, struct side *s, const char *path, char *err, size_t err_len)
{
	/* the kernel's formats and types, for the surroundings, come with
	 * the events: each trace is read once */
	struct rp_trace_opts topts = {.sz = sizeof(topts),
				      .reorder_ns = d->opts.reorder_ns,
				      .record_cb = rdiff_sur_record,
				      .record_ctx = s};
	struct rp_model_opts mopts = {.sz = sizeof(mopts)};
	const struct etr_event *ev;
	struct rp_trace_stats st;
	const char *rel;
	uint64_t last, lost, start;
	char dmg[512];
	int ret;

	/* "-" is standard input, read once as it streams */
	s->trace = rp_trace__open(path, &topts);
	if (!s->trace) {
		ret = -errno;
		rp_open_error_str(err, err_len, s->name, -ret);
		return ret;
	}
	s->model = rp_model__new(&mopts);
	if (!s->model)
		return -ENOMEM;
	while ((ret = rp_trace__next_event(s->trace, &ev)) > 0) {
		ret = rp_model__add(s->model, ev);
		if (ret)
			break;
	}
	if (ret < 0) {
		snprintf(err, err_len, "%s: reading the trace: %s", s->name, strerror(-ret));
		return ret;
	}
	last = rp_trace__last_ns(s->trace);
	if (rp_trace__end(s->trace) && rp_trace__end(s->trace)->ts_ns > last)
		last = rp_trace__end(s->trace)->ts_ns;
	ret = rp_model__finish(s->model, last);
	if (ret)
		return ret;
	s->first_ns = rp_trace__first_ns(s->trace);
	/* the recording's length as report says it: from its start (the first
	 * clock anchor) to END, not from the first event */
	start = rp_trace__start_ns(s->trace);
	s->wall_ns = last > start ? last - start : 0;
	rel = rp_trace__meta_get(s->trace, (const char *const[]){"kernel.release", NULL});
	s->release = strdup(rel ? rel : "");
	if (!s->release)
		return -ENOMEM;
	ret = collect_pids(s);
	if (ret)
		return ret;

	/* damaged but readable: compared, with one warning */
	if (rp_trace__damage_str(s->trace, dmg, sizeof(dmg)) &&
	    rdiff_warn(d, "%s: damaged trace, compared as far as it reads: %s", s->name, dmg))
		return -ENOMEM;
	rp_trace__stats(s->trace, &st);
	lost = rp_trace__lost_counted(s->trace);
	if (st.lost_marked > lost)
		lost = st.lost_marked;
	if (lost &&
	    rdiff_warn(d,
		       "%s: %" PRIu64 " event%s lost while recording: processes near them may "
		       "show as changed",
		       s->name, lost, lost == 1 ? " was" : "s were"))
		return -ENOMEM;
	return 0;
}

static int add_side(struct rdiff *d, bool base, const char *path, const char *name, char *err,
		    size_t err_len)
{
	struct side *s;
	uint32_t slot;
	int ret;

	err[0] = '\0';
	if (base && d->nbases >= RDIFF_MAX_BASES) {
		snprintf(err, err_len, "%s: at most %d baselines", name, RDIFF_MAX_BASES);
		return -E2BIG;
	}
	if (!base && d->sides[0]) {
		snprintf(err, err_len, "%s: one new trace only", name);
		return -EEXIST;
	}
	if (!strcmp(path, "-") && d->stdin_taken) {
		snprintf(err, err_len, "'-' given twice: standard input holds one trace only");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->name = strdup(name);
	s->is_base = base;
	if (!s->name) {
		free(s);
		return -ENOMEM;
	}
	ret = side_load(d, s, path, err, err_len);
	if (ret) {
		if (!err[0])
			snprintf(err, err_len, "%s: %s", name, strerror(-ret));
		side_free(s);
		return ret;
	}
	if (!strcmp(path, "-"))
		d->stdin_taken = true;
	slot = base ? ++d->nbases : 0;
	d->sides[slot] = s;
	d->computed = false;
	return 0;
}

int rdiff__add_base(struct rdiff *d, const char *path, char *err, size_t err_len)
{
	return add_side(d, true, path, strcmp(path, "-") ? path : "(standard input)", err, err_len);
}

int rdiff__set_new(struct rdiff *d, const char *path, char *err, size_t err_len)
{
	return add_side(d, false, path, strcmp(path, "-") ? path : "(standard input)", err,
			err_len);
}

/* ---- keys -------------------------------------------------------------------- */

static void put_len(struct ec_sbuf *b, size_t len)
{
	uint32_t v = (uint32_t)len;

	ec_sbuf__put(b, &v, sizeof(v));
}

/* A normalized string, length first, into @b. */
static void put_norm(const struct rdiff *d, const struct side *s, struct ec_sbuf *b,
		     const char *str, size_t len)
{
	size_t at = b->len, n;

	put_len(b, 0);
	n = rdiff_norm_arg(d, s, str, len, b);
	if (!b->err) {
		uint32_t v = (uint32_t)n;

		memcpy(b->p + at, &v, sizeof(v));
	}
}

/* The executable as a command names it: what was typed when a shell found it
 * in PATH (so each directory a failed lookup tried names the same thing),
 * the path exec was given otherwise. */
static struct etr_str exe_name(const struct rp_model *m, const struct rp_exec *x)
{
	struct etr_str a0 = {0}, file = rp_model__str(m, x->filename), base = rp_basename(file);
	uint32_t pos = 0;

	etr_args__next(&x->argv, &pos, &a0);
	if (a0.len && !memchr(a0.ptr, '/', a0.len) && base.len == a0.len &&
	    !memcmp(base.ptr, a0.ptr, a0.len))
		return a0;
	return file;
}

static void shown_quoted(FILE *f, const char *s, size_t len)
{
	rp_fput_shell(f, s, len);
}

/* Decode one length-prefixed string of a key. */
static bool key_next(const char *k, size_t klen, size_t *pos, const char **ret, uint32_t *ret_len)
{
	uint32_t n;

	if (*pos + sizeof(n) > klen)
		return false;
	memcpy(&n, k + *pos, sizeof(n));
	*pos += sizeof(n);
	if (n > klen - *pos)
		return false;
	*ret = k + *pos;
	*ret_len = n;
	*pos += n;
	return true;
}

/* The printable form of a key: programs joined by " => ", each its argv
 * quoted, led by [exe] when that is not argv[0]. */
static char *key_shown(const char *k, size_t klen)
{
	size_t pos = 0, size = 0;
	char *out = NULL;
	FILE *f = open_memstream(&out, &size);
	bool first = true;

	if (!f)
		return NULL;
	while (pos < klen) {
		uint32_t cnt, n, en;
		const char *s, *exe;

		memcpy(&cnt, k + pos, sizeof(cnt));
		pos += sizeof(cnt);
		if (cnt == UINT32_MAX) {
			if (key_next(k, klen, &pos, &s, &n)) {
				fputs("(fork of ", f);
				shown_quoted(f, s, n);
				fputc(')', f);
			}
			break;
		}
		if (!first)
			fputs(" => ", f);
		first = false;
		if (!key_next(k, klen, &pos, &exe, &en))
			break;
		for (uint32_t a = 0; a < cnt; a++) {
			if (!key_next(k, klen, &pos, &s, &n))
				break;
			if (a == 0 && (n != en || memcmp(s, exe, n))) {
				fputc('[', f);
				shown_quoted(f, exe, en);
				fputs("] ", f);
			}
			if (a)
				fputc(' ', f);
			shown_quoted(f, s, n);
		}
		if (!cnt) {
			fputc('[', f);
			shown_quoted(f, exe, en);
			fputc(']', f);
		}
	}
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

struct prog {
	size_t at, len; /* in the key buffer */
	bool ok;	/* an exec of it succeeded */
};

/*
 * The key of a process: its programs, each the executable and the argv,
 * normalized; consecutive execs with the same argv are one program (a
 * shell's PATH lookup tries every directory). A process that exec'd
 * nothing is keyed by its comm.
 */
static int make_key(const struct rdiff *d, struct side *s, const struct rp_proc *p,
		    struct dnode *nd, bool *ret_last_ok)
{
	const struct rp_model *m = s->model;
	struct ec_sbuf b = {0};
	struct prog prev = {0};
	bool have_prev = false, real = false;

	*ret_last_ok = true;
	struct rp_exec xs, *x = &xs;

	for (uint32_t i = p->exec_first; i != RP_NONE && dx_exec(m, i, x); i = x->next)
		if (!(x->flags & RP_XF_SNAPSHOT))
			real = true;
	for (uint32_t i = p->exec_first; i != RP_NONE && dx_exec(m, i, x);) {
		struct etr_str exe = exe_name(m, x), a;
		size_t at = b.len, cnt_at;
		uint32_t pos = 0, cnt = 0;

		i = x->next;
		/* what ran before the recording's own exec (execrec itself, in
		 * command mode) is not part of the command */
		if ((x->flags & RP_XF_SNAPSHOT) && real)
			continue;
		cnt_at = b.len;
		put_len(&b, 0);
		put_norm(d, s, &b, exe.ptr, exe.len);
		while (etr_args__next(&x->argv, &pos, &a)) {
			put_norm(d, s, &b, a.ptr, a.len);
			cnt++;
		}
		if (b.err)
			break;
		memcpy(b.p + cnt_at, &cnt, sizeof(cnt));
		if (have_prev && prev.len == b.len - at &&
		    !memcmp(b.p + prev.at, b.p + at, prev.len)) {
			b.len = at;
			prev.ok = prev.ok || !x->ret;
			continue;
		}
		prev = (struct prog){at, b.len - at, !x->ret};
		have_prev = true;
	}
	if (!have_prev) {
		size_t cl;
		const char *comm = dx_comm(m, p, &cl);

		put_len(&b, UINT32_MAX);
		put_norm(d, s, &b, comm, cl);
	} else {
		*ret_last_ok = prev.ok;
	}
	if (b.err) {
		ec_sbuf__free(&b);
		return -ENOMEM;
	}
	nd->keylen = (uint32_t)b.len;
	nd->key = b.p;
	nd->shown = key_shown(nd->key, nd->keylen);
	if (!nd->shown)
		return -ENOMEM;
	/* FNV-1a */
	nd->hash = 0xcbf29ce484222325ull;
	for (uint32_t k = 0; k < nd->keylen; k++) {
		nd->hash ^= (unsigned char)nd->key[k];
		nd->hash *= 0x100000001b3ull;
	}
	return 0;
}

/* Whether --ignore leaves @p out (its own command; its parents are
 * handled by the caller). */
static bool ignored_self(const struct rdiff *d, const struct side *s, const struct rp_proc *p,
			 const struct dnode *nd)
{
	const struct rp_model *m = s->model;

	if (!d->nignores)
		return false;
	for (size_t r = 0; r < d->nignores; r++)
		if (!regexec(&d->ignores[r], nd->shown, 0, NULL, 0))
			return true;
	struct rp_exec xs, *x = &xs;

	for (uint32_t i = p->exec_first; i != RP_NONE && dx_exec(m, i, x);) {
		char *line = malloc((size_t)x->argv.len + 1);
		bool hit = false;

		i = x->next;
		if (!line)
			continue;
		memcpy(line, x->argv.ptr, x->argv.len);
		line[x->argv.len] = '\0';
		/* NUL separators to spaces; the last NUL ends the string */
		for (uint32_t k = 0; k + 1 < x->argv.len; k++)
			if (!line[k])
				line[k] = ' ';
		for (size_t r = 0; r < d->nignores && !hit; r++)
			hit = !regexec(&d->ignores[r], line, 0, NULL, 0);
		free(line);
		if (hit)
			return true;
	}
	return false;
}

static void set_outcome(const struct rp_proc *p, bool last_ok, struct dnode *nd)
{
	if (!(p->flags & RP_PF_EXITED))
		nd->outcome = RDIFF_UNKNOWN;
	else if (p->signal || p->exit_code || !last_ok)
		nd->outcome = RDIFF_FAIL;
	else
		nd->outcome = RDIFF_OK;
}

static void set_duration(const struct side *s, const struct rp_proc *p, struct dnode *nd)
{
	const struct rp_model *m = s->model;
	uint64_t ns;

	nd->dur_known = false;
	if (!(p->flags & RP_PF_EXITED) || (p->flags & RP_PF_RUNNING))
		return;
	if (p->flags & RP_PF_SNAPSHOT) {
		/* Alive when the recording started: in command mode the
		 * recorder's child waited for the recorder to be ready before
		 * its exec, so the time counts from that exec. */
		struct rp_exec xs, *x = &xs;

		for (uint32_t i = p->exec_first; i != RP_NONE && dx_exec(m, i, x);) {
			i = x->next;
			if (!(x->flags & RP_XF_SNAPSHOT) && p->end_ns >= x->ts_ns) {
				nd->dur_ns = p->end_ns - x->ts_ns;
				nd->dur_known = true;
				return;
			}
		}
		return;
	}
	if (rp_model__duration(m, p, &ns)) {
		nd->dur_ns = ns;
		nd->dur_known = true;
	}
}

struct child_ref {
	uint32_t parent, idx;
	uint64_t start;
};

static int cmp_child(const void *a, const void *b)
{
	const struct child_ref *x = a, *y = b;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int build_nodes(struct rdiff *d, struct side *s)
{
	uint32_t n = rp_model__count(s->model), vroot = n, nk = 0;
	uint8_t *state = NULL; /* 0 unknown, 1 kept, 2 ignored, 3 placeholder */
	struct child_ref *refs = NULL;
	uint32_t *order = NULL, len = 0;
	bool *self_ign = NULL;
	int ret = -ENOMEM;

	if (s->nodes) {
		for (uint32_t i = 0; i <= s->n; i++) {
			free(s->nodes[i].key);
			free(s->nodes[i].shown);
		}
		free(s->nodes);
	}
	s->n = n;
	s->procs = 0;
	s->nodes = calloc((size_t)n + 1, sizeof(*s->nodes));
	state = calloc((size_t)n + 1, 1);
	self_ign = calloc((size_t)n + 1, sizeof(*self_ign));
	refs = malloc(((size_t)n + 1) * sizeof(*refs));
	order = malloc(((size_t)n + 1) * sizeof(*order));
	if (!s->nodes || !state || !self_ign || !refs || !order)
		goto out;
	for (uint32_t i = 0; i <= n; i++) {
		s->nodes[i].first_child = s->nodes[i].next_sibling = RP_NONE;
		s->nodes[i].parent = RP_NONE;
		s->nodes[i].base_idx = RP_NONE;
		for (int c = 0; c < NODE_CLASSES; c++)
			s->nodes[i].owner[c] = RP_NONE;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct rp_proc *p = rp_model__proc(s->model, i);
		struct dnode *nd = &s->nodes[i];
		bool last_ok;

		if (p->flags & RP_PF_PLACEHOLDER) {
			state[i] = 3;
			continue;
		}
		ret = make_key(d, s, p, nd, &last_ok);
		if (ret)
			goto out;
		nd->start_ns = p->start_ns;
		set_outcome(p, last_ok, nd);
		set_duration(s, p, nd);
		self_ign[i] = ignored_self(d, s, p, nd);
	}
	/* the tree as compared: placeholders are see-through (their children
	 * hang from the nearest recorded ancestor) */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a, guard = 0;

		if (state[i] == 3)
			continue;
		a = rp_model__proc(s->model, i)->parent;
		while (a != RP_NONE && guard++ < n &&
		       (rp_model__proc(s->model, a)->flags & RP_PF_PLACEHOLDER))
			a = rp_model__proc(s->model, a)->parent;
		s->nodes[i].parent = guard < n ? a : RP_NONE;
	}
	/* ignored processes go with everything below them */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = i, depth = 0;
		bool out_;

		while (a != RP_NONE && !state[a] && depth < n) {
			order[depth++] = a;
			a = s->nodes[a].parent;
		}
		out_ = a != RP_NONE && state[a] == 2;
		while (depth-- > 0) {
			uint32_t x = order[depth];

			out_ = out_ || self_ign[x];
			state[x] = out_ ? 2 : 1;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		if (state[i] != 1) {
			free(s->nodes[i].key);
			free(s->nodes[i].shown);
			s->nodes[i].key = s->nodes[i].shown = NULL;
			continue;
		}
		refs[nk++] =
		    (struct child_ref){s->nodes[i].parent == RP_NONE ? vroot : s->nodes[i].parent,
				       i, s->nodes[i].start_ns};
		s->procs++;
	}
	if (nk)
		qsort(refs, nk, sizeof(*refs), cmp_child);
	for (uint32_t k = nk; k-- > 0;) {
		struct dnode *par = &s->nodes[refs[k].parent];

		s->nodes[refs[k].idx].next_sibling = par->first_child;
		par->first_child = refs[k].idx;
	}
	/* subtree sizes: a walk from the root, then backwards */
	order[len++] = vroot;
	for (uint32_t k = 0; k < len; k++)
		for (uint32_t c = s->nodes[order[k]].first_child; c != RP_NONE;
		     c = s->nodes[c].next_sibling)
			order[len++] = c;
	for (uint32_t k = len; k-- > 0;) {
		struct dnode *nd = &s->nodes[order[k]];

		nd->subtree += 1;
		if (order[k] != vroot)
			s->nodes[nd->parent == RP_NONE ? vroot : nd->parent].subtree += nd->subtree;
	}
	ret = 0;
out:
	free(state);
	free(self_ign);
	free(refs);
	free(order);
	return ret;
}

/* ---- matching ------------------------------------------------------------------ */

struct item {
	uint32_t side, idx;
	const struct dnode *nd;
};

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->nd->hash != y->nd->hash)
		return x->nd->hash < y->nd->hash ? -1 : 1;
	if (x->nd->keylen != y->nd->keylen)
		return x->nd->keylen < y->nd->keylen ? -1 : 1;
	{
		int c = memcmp(x->nd->key, y->nd->key, x->nd->keylen);

		if (c)
			return c;
	}
	if (x->side != y->side)
		return x->side < y->side ? -1 : 1;
	if (x->nd->start_ns != y->nd->start_ns)
		return x->nd->start_ns < y->nd->start_ns ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static bool same_key(const struct dnode *a, const struct dnode *b)
{
	return a->hash == b->hash && a->keylen == b->keylen && !memcmp(a->key, b->key, a->keylen);
}

static struct rdiff_entry *new_entry(struct rdiff *d, enum rdiff_class c)
{
	struct rdiff_entry *e;

	if (d->nentries == d->entries_cap) {
		size_t cap = d->entries_cap ? d->entries_cap * 2 : 64;

		e = realloc(d->entries, cap * sizeof(*e));
		if (!e)
			return NULL;
		d->entries = e;
		d->entries_cap = cap;
	}
	e = &d->entries[d->nentries++];
	memset(e, 0, sizeof(*e));
	e->cls = c;
	e->base.idx = RP_NONE;
	return e;
}

struct matcher {
	struct rdiff *d;
	uint32_t k;	 /* sides */
	uint32_t *queue; /* tuples of k */
	size_t qlen, qcap;
	uint32_t *order; /* matched new nodes, parents first */
	size_t norder;
	struct item *items;
	size_t icap;
};

static int push_tuple(struct matcher *mt, const uint32_t *t)
{
	if (mt->qlen + mt->k > mt->qcap) {
		size_t cap = mt->qcap ? mt->qcap * 2 : 1024;
		uint32_t *q;

		while (cap < mt->qlen + mt->k)
			cap *= 2;
		q = realloc(mt->queue, cap * sizeof(*q));
		if (!q)
			return -ENOMEM;
		mt->queue = q;
		mt->qcap = cap;
	}
	memcpy(mt->queue + mt->qlen, t, mt->k * sizeof(*t));
	mt->qlen += mt->k;
	return 0;
}

/* A matched tuple: compare the new process with its baselines. */
static void classify(struct matcher *mt, const uint32_t *t)
{
	struct rdiff *d = mt->d;
	struct dnode *nv = &d->sides[0]->nodes[t[0]];
	bool all_ok = true, all_fail = true, any = false, dur_any = false, dur_all = true;
	uint64_t lo = UINT64_MAX, hi = 0;

	nv->matched = true;
	nv->cls = 0;
	for (uint32_t s = 1; s < mt->k; s++) {
		const struct dnode *b;

		if (t[s] == RP_NONE)
			continue;
		b = &d->sides[s]->nodes[t[s]];
		if (!any) {
			nv->base_side = s;
			nv->base_idx = t[s];
		}
		any = true;
		all_ok = all_ok && b->outcome == RDIFF_OK;
		all_fail = all_fail && b->outcome == RDIFF_FAIL;
		if (b->dur_known) {
			dur_any = true;
			lo = b->dur_ns < lo ? b->dur_ns : lo;
			hi = b->dur_ns > hi ? b->dur_ns : hi;
		} else {
			dur_all = false;
		}
	}
	if (!any)
		return;
	if (nv->outcome == RDIFF_FAIL && all_ok)
		nv->cls |= 1u << node_class_bit(RDIFF_NOW_FAILS);
	if (nv->outcome == RDIFF_OK && all_fail)
		nv->cls |= 1u << node_class_bit(RDIFF_NOW_PASSES);
	if (nv->dur_known && dur_any && dur_all) {
		double thr = d->opts.threshold;
		uint64_t md = d->opts.min_delta_ns, v = nv->dur_ns;

		nv->base_min_ns = lo;
		nv->base_max_ns = hi;
		/* outside the baselines' spread, measured from its near edge */
		if ((double)v >= thr * (double)hi && v - hi >= md)
			nv->cls |= 1u << node_class_bit(RDIFF_SLOWER);
		if ((double)v * thr <= (double)lo && lo - v >= md)
			nv->cls |= 1u << node_class_bit(RDIFF_FASTER);
	}
}

static uint32_t sum_subtree(const struct side *s, const struct item *it, uint32_t from, uint32_t to)
{
	uint32_t n = 0;

	for (uint32_t j = from; j < to; j++)
		n += s->nodes[it[j].idx].subtree;
	return n;
}

/* Match the children of tuple @t. */
static int match_children(struct matcher *mt, const uint32_t *t)
{
	struct rdiff *d = mt->d;
	uint32_t k = mt->k, ct[RDIFF_MAX_BASES + 1];
	size_t ni = 0, g = 0;

	for (uint32_t s = 0; s < k; s++) {
		const struct side *sd = d->sides[s];

		if (t[s] == RP_NONE)
			continue;
		for (uint32_t c = sd->nodes[t[s]].first_child; c != RP_NONE;
		     c = sd->nodes[c].next_sibling) {
			if (ni == mt->icap) {
				size_t cap = mt->icap ? mt->icap * 2 : 256;
				struct item *p = realloc(mt->items, cap * sizeof(*p));

				if (!p)
					return -ENOMEM;
				mt->items = p;
				mt->icap = cap;
			}
			mt->items[ni++] = (struct item){s, c, &sd->nodes[c]};
		}
	}
	if (ni)
		qsort(mt->items, ni, sizeof(*mt->items), cmp_item);
	while (g < ni) {
		struct item *it = mt->items;
		uint32_t first[RDIFF_MAX_BASES + 1], cnt[RDIFF_MAX_BASES + 1];
		uint32_t lo = UINT32_MAX, hi = 0, nn, bs = 0;
		bool all_zero = true, all_pos = true;
		size_t e = g;
		struct rdiff_entry *en;

		while (e < ni && same_key(it[g].nd, it[e].nd))
			e++;
		memset(cnt, 0, sizeof(cnt));
		for (size_t j = e; j-- > g;) {
			first[it[j].side] = (uint32_t)j;
			cnt[it[j].side]++;
		}
		nn = cnt[0];
		for (uint32_t s = 1; s < k; s++) {
			if (t[s] == RP_NONE)
				continue;
			if (!bs)
				bs = s;
			all_zero = all_zero && !cnt[s];
			all_pos = all_pos && cnt[s];
			lo = cnt[s] < lo ? cnt[s] : lo;
			hi = cnt[s] > hi ? cnt[s] : hi;
		}
		if (!bs) {
			g = e;
			continue;
		}
		if (nn && all_zero) {
			en = new_entry(d, RDIFF_NEW);
			if (!en)
				return -ENOMEM;
			en->proc = (struct rdiff_proc){0, it[first[0]].idx};
			en->instances = nn;
			en->new_count = nn;
			en->processes = sum_subtree(d->sides[0], it, first[0], first[0] + nn);
		} else if (!nn) {
			if (all_pos) {
				en = new_entry(d, RDIFF_GONE);
				if (!en)
					return -ENOMEM;
				en->proc = (struct rdiff_proc){bs, it[first[bs]].idx};
				en->instances = cnt[bs];
				en->base_count = en->base_min = en->base_max = cnt[bs];
				en->processes =
				    sum_subtree(d->sides[bs], it, first[bs], first[bs] + cnt[bs]);
			}
		} else {
			if (all_pos && (nn < lo || nn > hi)) {
				en = new_entry(d, RDIFF_COUNT);
				if (!en)
					return -ENOMEM;
				en->proc = (struct rdiff_proc){0, it[first[0]].idx};
				en->base = (struct rdiff_proc){bs, it[first[bs]].idx};
				en->new_count = nn;
				en->base_count = cnt[bs];
				en->base_min = lo;
				en->base_max = hi;
				en->instances = nn > hi ? nn - hi : lo - nn;
				if (nn > hi)
					en->processes = sum_subtree(d->sides[0], it, first[0] + hi,
								    first[0] + nn);
				else
					en->processes = sum_subtree(
					    d->sides[bs], it, first[bs] + nn, first[bs] + cnt[bs]);
			}
			for (uint32_t j = 0; j < nn; j++) {
				bool any = false;
				int ret;

				ct[0] = it[first[0] + j].idx;
				for (uint32_t s = 1; s < k; s++) {
					ct[s] = t[s] != RP_NONE && j < cnt[s] ? it[first[s] + j].idx
									      : RP_NONE;
					any = any || ct[s] != RP_NONE;
				}
				if (!any)
					continue; /* a run more than any baseline had */
				classify(mt, ct);
				ret = push_tuple(mt, ct);
				if (ret)
					return ret;
			}
		}
		g = e;
	}
	return 0;
}

/* Entries of the classes a process has on its own, each at the top of
 * the subtree where the class holds. */
static int node_entries(struct matcher *mt)
{
	struct rdiff *d = mt->d;
	struct side *ns = d->sides[0];
	static const enum rdiff_class cls[NODE_CLASSES] = {RDIFF_NOW_FAILS, RDIFF_NOW_PASSES,
							   RDIFF_SLOWER, RDIFF_FASTER};

	for (size_t i = 0; i < mt->norder; i++) {
		uint32_t v = mt->order[i];
		struct dnode *nv = &ns->nodes[v];
		const struct dnode *up = nv->parent == RP_NONE ? NULL : &ns->nodes[nv->parent];

		for (int b = 0; b < NODE_CLASSES; b++) {
			uint32_t inh = up && up->matched ? up->owner[b] : RP_NONE;
			struct rdiff_entry *en;

			nv->owner[b] = inh;
			if (!(nv->cls & (1u << b)))
				continue;
			if (inh != RP_NONE) {
				d->entries[inh].processes++;
				continue;
			}
			en = new_entry(d, cls[b]);
			if (!en)
				return -ENOMEM;
			en->proc = (struct rdiff_proc){0, v};
			en->base = (struct rdiff_proc){nv->base_side, nv->base_idx};
			en->instances = 1;
			en->processes = 1;
			en->new_ns = nv->dur_ns;
			en->base_min_ns = nv->base_min_ns;
			en->base_max_ns = nv->base_max_ns;
			nv->owner[b] = (uint32_t)(en - d->entries);
		}
	}
	/* where a covered change starts: covered processes none of whose
	 * children has the class */
	for (size_t i = 0; i < mt->norder; i++) {
		uint32_t v = mt->order[i];
		struct dnode *nv = &ns->nodes[v];

		for (int b = 0; b < NODE_CLASSES; b++) {
			struct rdiff_entry *en;
			bool below = false;

			if (!(nv->cls & (1u << b)) || nv->owner[b] == RP_NONE)
				continue;
			en = &d->entries[nv->owner[b]];
			if (en->proc.idx == v || en->norigin >= RDIFF_ORIGIN_MAX)
				continue;
			for (uint32_t c = nv->first_child; c != RP_NONE && !below;
			     c = ns->nodes[c].next_sibling)
				below = ns->nodes[c].matched && (ns->nodes[c].cls & (1u << b));
			if (!below)
				en->origin[en->norigin++] = v;
		}
	}
	return 0;
}

static int match(struct rdiff *d)
{
	struct matcher mt = {.d = d, .k = d->nbases + 1};
	uint32_t root[RDIFF_MAX_BASES + 1];
	size_t head = 0;
	int ret = 0;

	for (uint32_t s = 0; s < mt.k; s++)
		root[s] = d->sides[s]->n;
	mt.order = malloc(((size_t)d->sides[0]->n + 1) * sizeof(*mt.order));
	if (!mt.order)
		return -ENOMEM;
	ret = push_tuple(&mt, root);
	while (!ret && head < mt.qlen) {
		uint32_t t[RDIFF_MAX_BASES + 1];

		memcpy(t, mt.queue + head, mt.k * sizeof(*t));
		head += mt.k;
		if (t[0] != d->sides[0]->n)
			mt.order[mt.norder++] = t[0];
		ret = match_children(&mt, t);
	}
	if (!ret)
		ret = node_entries(&mt);
	free(mt.queue);
	free(mt.order);
	free(mt.items);
	return ret;
}

/* Report order: by class; the biggest time changes first; the rest as
 * they started. */

static uint64_t rel_start(const struct rdiff *d, const struct rdiff_proc *p)
{
	const struct side *s = d->sides[p->side];
	uint64_t st = s->nodes[p->idx].start_ns;

	return st > s->first_ns ? st - s->first_ns : 0;
}

static int cmp_entry(const void *a, const void *b, void *ctx)
{
	const struct rdiff_entry *x = a, *y = b;
	const struct rdiff *d = ctx;
	uint64_t u, v;

	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	if (x->cls == RDIFF_SLOWER || x->cls == RDIFF_FASTER) {
		u = x->cls == RDIFF_SLOWER ? x->new_ns - x->base_max_ns
					   : x->base_min_ns - x->new_ns;
		v = y->cls == RDIFF_SLOWER ? y->new_ns - y->base_max_ns
					   : y->base_min_ns - y->new_ns;
		if (u != v)
			return u > v ? -1 : 1;
	}
	u = rel_start(d, &x->proc);
	v = rel_start(d, &y->proc);
	if (u != v)
		return u < v ? -1 : 1;
	return x->proc.idx < y->proc.idx ? -1 : x->proc.idx > y->proc.idx;
}

/* ---- runs per program ----------------------------------------------------------- */

struct prog_ref {
	const char *name;
	size_t len;
	uint32_t side;
};

static int cmp_prog_ref(const void *a, const void *b)
{
	const struct prog_ref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->side < y->side ? -1 : x->side > y->side;
}

/* The file name of the last program a process ran, from its key. */
static bool key_program(const struct dnode *nd, const char **ret, size_t *ret_len)
{
	size_t pos = 0;
	bool any = false;

	while (pos + 4 <= nd->keylen) {
		uint32_t cnt, n;
		const char *s;

		memcpy(&cnt, nd->key + pos, 4);
		pos += 4;
		if (cnt == UINT32_MAX || !key_next(nd->key, nd->keylen, &pos, &s, &n))
			break;
		{
			struct etr_str b = rp_basename((struct etr_str){s, n});

			*ret = b.ptr;
			*ret_len = b.len;
			any = true;
		}
		for (uint32_t a = 0; a < cnt; a++)
			if (!key_next(nd->key, nd->keylen, &pos, &s, &n))
				return any;
	}
	return any;
}

static int cmp_prog_change(const void *a, const void *b)
{
	const struct prog_runs *x = a, *y = b;
	int64_t dx = (int64_t)x->n[0] - (int64_t)x->n[1], dy = (int64_t)y->n[0] - (int64_t)y->n[1];

	dx = dx < 0 ? -dx : dx;
	dy = dy < 0 ? -dy : dy;
	if (dx != dy)
		return dx > dy ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int count_programs(struct rdiff *d)
{
	struct prog_ref *refs = NULL;
	size_t n = 0, cap = 0, i = 0;

	for (size_t k = 0; k < d->nprogs; k++)
		free(d->progs[k].name);
	free(d->progs);
	d->progs = NULL;
	d->nprogs = 0;
	for (uint32_t s = 0; s <= d->nbases; s++) {
		const struct side *sd = d->sides[s];

		for (uint32_t k = 0; k < sd->n; k++) {
			const struct dnode *nd = &sd->nodes[k];
			struct prog_ref r = {.side = s};

			if (!nd->key || !key_program(nd, &r.name, &r.len))
				continue;
			if (n == cap) {
				struct prog_ref *p;

				cap = cap ? cap * 2 : 1024;
				p = realloc(refs, cap * sizeof(*p));
				if (!p) {
					free(refs);
					return -ENOMEM;
				}
				refs = p;
			}
			refs[n++] = r;
		}
	}
	if (n)
		qsort(refs, n, sizeof(*refs), cmp_prog_ref);
	while (i < n) {
		struct prog_runs pr = {0}, *p;
		uint32_t lo = UINT32_MAX, hi = 0;
		size_t e = i;

		while (e < n && refs[e].len == refs[i].len &&
		       !memcmp(refs[e].name, refs[i].name, refs[i].len))
			pr.n[refs[e++].side]++;
		for (uint32_t s = 1; s <= d->nbases; s++) {
			lo = pr.n[s] < lo ? pr.n[s] : lo;
			hi = pr.n[s] > hi ? pr.n[s] : hi;
		}
		if (pr.n[0] < lo || pr.n[0] > hi) {
			pr.name = strndup(refs[i].name, refs[i].len);
			p = pr.name ? realloc(d->progs, (d->nprogs + 1) * sizeof(*p)) : NULL;
			if (!p) {
				free(pr.name);
				free(refs);
				return -ENOMEM;
			}
			d->progs = p;
			d->progs[d->nprogs++] = pr;
		}
		i = e;
	}
	free(refs);
	if (d->nprogs)
		qsort(d->progs, d->nprogs, sizeof(*d->progs), cmp_prog_change);
	return 0;
}

size_t rdiff__program_count(const struct rdiff *d)
{
	return d ? d->nprogs : 0;
}

int rdiff__program(const struct rdiff *d, size_t i, const char **ret_name, uint32_t *ret_new,
		   uint32_t *ret_base_min, uint32_t *ret_base_max)
{
	uint32_t lo = UINT32_MAX, hi = 0;

	if (!d || i >= d->nprogs)
		return -ENOENT;
	for (uint32_t s = 1; s <= d->nbases; s++) {
		lo = d->progs[i].n[s] < lo ? d->progs[i].n[s] : lo;
		hi = d->progs[i].n[s] > hi ? d->progs[i].n[s] : hi;
	}
	*ret_name = d->progs[i].name;
	*ret_new = d->progs[i].n[0];
	*ret_base_min = lo;
	*ret_base_max = hi;
	return 0;
}

int rdiff__compute(struct rdiff *d)
{
	int ret;

	if (!d->sides[0] || !d->nbases)
		return -EINVAL;
	d->nentries = 0;
	memset(d->class_count, 0, sizeof(d->class_count));
	for (uint32_t s = 0; s <= d->nbases; s++) {
		ret = build_nodes(d, d->sides[s]);
		if (ret)
			return ret;
	}
	ret = match(d);
	if (ret)
		return ret;
	/* an entry's origin list points at nodes, not entries: sorting is safe */
	if (d->nentries)
		qsort_r(d->entries, d->nentries, sizeof(*d->entries), cmp_entry, d);
	for (size_t i = 0; i < d->nentries; i++)
		d->class_count[d->entries[i].cls]++;
	ret = count_programs(d);
	if (ret)
		return ret;
	ret = rdiff_sur_compare(d);
	if (ret)
		return ret;
	d->computed = true;
	return 0;
}

/* ---- getters ------------------------------------------------------------------ */

size_t rdiff__entry_count(const struct rdiff *d)
{
	return d ? d->nentries : 0;
}

const struct rdiff_entry *rdiff__entry(const struct rdiff *d, size_t i)
{
	return d && i < d->nentries ? &d->entries[i] : NULL;
}

size_t rdiff__class_count(const struct rdiff *d, enum rdiff_class c)
{
	return d && (unsigned)c < RDIFF_CLASS__NR ? d->class_count[c] : 0;
}

bool rdiff__fails(const struct rdiff *d, uint32_t mask)
{
	for (int c = 0; c < RDIFF_CLASS__NR; c++)
		if ((mask & (1u << c)) && rdiff__class_count(d, c))
			return true;
	return false;
}

size_t rdiff__base_count(const struct rdiff *d)
{
	return d ? d->nbases : 0;
}

const char *rdiff__side_name(const struct rdiff *d, uint32_t side)
{
	const struct side *s = rdiff_side(d, side);

	return s ? s->name : NULL;
}

const struct rp_model *rdiff__side_model(const struct rdiff *d, uint32_t side)
{
	const struct side *s = rdiff_side(d, side);

	return s ? s->model : NULL;
}

uint32_t rdiff__side_procs(const struct rdiff *d, uint32_t side)
{
	const struct side *s = rdiff_side(d, side);

	return s ? s->procs : 0;
}

uint64_t rdiff__side_wall_ns(const struct rdiff *d, uint32_t side)
{
	const struct side *s = rdiff_side(d, side);

	return s ? s->wall_ns : 0;
}

static const struct dnode *node_of(const struct rdiff *d, uint32_t side, uint32_t idx)
{
	const struct side *s = rdiff_side(d, side);

	if (!s || !s->nodes || idx >= s->n)
		return NULL;
	return &s->nodes[idx];
}

const char *rdiff__key_str(const struct rdiff *d, uint32_t side, uint32_t idx)
{
	const struct dnode *nd = node_of(d, side, idx);

	return nd && nd->key ? nd->shown : NULL;
}

uint32_t rdiff__parent(const struct rdiff *d, uint32_t side, uint32_t idx)
{
	const struct dnode *nd = node_of(d, side, idx);

	return nd ? nd->parent : RP_NONE;
}

enum rdiff_outcome rdiff__outcome(const struct rdiff *d, uint32_t side, uint32_t idx)
{
	const struct dnode *nd = node_of(d, side, idx);

	return nd ? nd->outcome : RDIFF_UNKNOWN;
}

bool rdiff__duration(const struct rdiff *d, uint32_t side, uint32_t idx, uint64_t *ret_ns)
{
	const struct dnode *nd = node_of(d, side, idx);

	if (!nd || !nd->dur_known)
		return false;
	*ret_ns = nd->dur_ns;
	return true;
}
