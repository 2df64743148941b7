/* SPDX-License-Identifier: MIT */
/* The structural checks of check.h. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"

static int problems;

__attribute__((format(printf, 1, 2))) static void bad(const char *fmt, ...)
{
	va_list ap;

	if (problems++ < 10) {
		va_start(ap, fmt);
		fputs("  check: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}

/* ---- Perfetto ----------------------------------------------------------- */

struct slice {
	double pid, tid;
	long long ts, dur;
	int kind; /* 0 lifetime, 1 exec, 2 instant */
	long long real_pid, ppid;
};

static long long ns_of(double us)
{
	return llround(us * 1000.0);
}

static int cmp_slice(const void *a, const void *b)
{
	const struct slice *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->dur != y->dur)
		return x->dur > y->dur ? -1 : 1;
	return x->kind - y->kind;
}

struct pair {
	double a, b;
};

static bool has_pair(const struct pair *l, size_t n, double a, double b)
{
	for (size_t i = 0; i < n; i++)
		if (l[i].a == a && l[i].b == b)
			return true;
	return false;
}

static const struct slice *lifetime_of(const struct slice *s, size_t n, double tid)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].kind == 0 && s[i].tid == tid)
			return &s[i];
	return NULL;
}

int check_perfetto(const char *text, size_t len, struct pf_summary *ret)
{
	struct jval *doc;
	const struct jval *evs;
	struct slice *sl;
	struct pair *tnames, *pnames, *tid_pid;
	size_t nsl = 0, ntn = 0, npn = 0, ntp = 0, err_off = 0;
	struct {
		double id;
		int seen; /* 1 = s, 2 = f */
		long long s_ts, f_ts;
		double s_pid, s_tid, f_tid;
	} * flows;
	size_t nflows = 0;

	problems = 0;
	memset(ret, 0, sizeof(*ret));
	doc = json_parse(text, len, &err_off);
	if (!doc) {
		bad("not valid JSON (at byte %zu)", err_off);
		return problems;
	}
	evs = json_get(doc, "traceEvents");
	if (!evs || evs->type != J_ARR) {
		bad("no traceEvents array");
		json_free(doc);
		return problems;
	}
	ret->events = evs->n;
	sl = calloc(evs->n + 1, sizeof(*sl));
	tnames = calloc(evs->n + 1, sizeof(*tnames));
	pnames = calloc(evs->n + 1, sizeof(*pnames));
	tid_pid = calloc(evs->n + 1, sizeof(*tid_pid));
	flows = calloc(evs->n + 1, sizeof(*flows));

	for (size_t i = 0; i < evs->n; i++) {
		const struct jval *e = &evs->items[i], *args;
		const char *ph = json_str(e, "ph"), *name = json_str(e, "name");
		double pid = json_num(e, "pid", -1), tid = json_num(e, "tid", -1);

		if (e->type != J_OBJ || !ph) {
			bad("event %zu: not an object with ph", i);
			continue;
		}
		/* Perfetto's tokenizer gives up on a trace whose event has an
		 * array as a direct member */
		for (size_t k = 0; k < e->n; k++)
			if (e->items[k].type == J_ARR)
				bad("event %zu: member '%s' is an array", i, e->keys[k]);
		if (!name)
			bad("event %zu: no name", i);
		args = json_get(e, "args");
		if (!strcmp(ph, "M")) {
			const char *an = json_str(args, "name");

			if (!strcmp(name, "thread_name") || !strcmp(name, "process_name")) {
				if (!an || !*an)
					bad("event %zu: %s without a name", i, name);
				if (!strcmp(name, "thread_name"))
					tnames[ntn++] = (struct pair){pid, tid};
				else
					pnames[npn++] = (struct pair){pid, 0};
			} else if (strcmp(name, "process_sort_index") &&
				   strcmp(name, "thread_sort_index")) {
				bad("event %zu: metadata %s", i, name);
			}
			continue;
		}
		if (!json_get(e, "ts") || json_get(e, "ts")->type != J_NUM || pid < 0 || tid < 0) {
			bad("event %zu (%s): no ts, pid or tid", i, ph);
			continue;
		}
		if (!strcmp(ph, "X")) {
			const char *cat = json_str(e, "cat");
			double dur = json_num(e, "dur", -1);
			struct slice *s = &sl[nsl++];

			if (dur < 0)
				bad("event %zu: complete event without dur", i);
			s->pid = pid;
			s->tid = tid;
			s->ts = ns_of(json_num(e, "ts", 0));
			s->dur = ns_of(dur);
			s->kind = cat && !strcmp(cat, "process") ? 0 : 1;
			s->real_pid = (long long)json_num(args, "pid", -1);
			s->ppid = (long long)json_num(args, "ppid", -1);
			if (s->kind == 0) {
				ret->tracks++;
				if (!json_str(args, "status") ||
				    (!json_get(args, "argv") && !json_get(args, "comm")))
					bad("event %zu: lifetime without status or command", i);
			} else {
				ret->execs++;
				if (!json_get(args, "argv") ||
				    json_get(args, "argv")->type != J_ARR || !json_str(args, "cwd"))
					bad("event %zu: exec slice without argv or cwd", i);
			}
		} else if (!strcmp(ph, "i")) {
			const char *sc = json_str(e, "s");

			if (sc && !strcmp(sc, "g")) {
				ret->lost++;
				continue;
			}
			if (!sc || strcmp(sc, "t"))
				bad("event %zu: instant of scope %s", i, sc ? sc : "(none)");
			ret->fails++;
			sl[nsl++] =
			    (struct slice){pid, tid, ns_of(json_num(e, "ts", 0)), 0, 2, -1, -1};
		} else if (!strcmp(ph, "s") || !strcmp(ph, "f")) {
			double id = json_num(e, "id", -1);
			size_t k;

			for (k = 0; k < nflows && flows[k].id != id; k++)
				;
			if (k == nflows) {
				flows[nflows].id = id;
				nflows++;
			}
			if (!strcmp(ph, "s")) {
				flows[k].seen |= 1;
				flows[k].s_ts = ns_of(json_num(e, "ts", 0));
				flows[k].s_pid = pid;
				flows[k].s_tid = tid;
			} else {
				const char *bp = json_str(e, "bp");

				if (!bp || strcmp(bp, "e"))
					bad("event %zu: flow end not bound to its enclosing slice",
					    i);
				flows[k].seen |= 2;
				flows[k].f_ts = ns_of(json_num(e, "ts", 0));
				flows[k].f_tid = tid;
			}
			continue;
		} else {
			bad("event %zu: phase %s", i, ph);
			continue;
		}
		/* one group per tid */
		{
			size_t k;

			for (k = 0; k < ntp && tid_pid[k].a != tid; k++)
				;
			if (k == ntp)
				tid_pid[ntp++] = (struct pair){tid, pid};
			else if (tid_pid[k].b != pid)
				bad("tid %.0f in groups %.0f and %.0f", tid, tid_pid[k].b, pid);
		}
	}
	ret->groups = npn;

	/* nesting, track by track */
	qsort(sl, nsl, sizeof(*sl), cmp_slice);
	for (size_t i = 0; i < nsl;) {
		size_t j = i, lifetimes = 0, top = 0;
		long long stack_end[8];

		while (j < nsl && sl[j].pid == sl[i].pid && sl[j].tid == sl[i].tid)
			j++;
		if (!has_pair(tnames, ntn, sl[i].pid, sl[i].tid))
			bad("track %.0f/%.0f has no thread_name", sl[i].pid, sl[i].tid);
		if (!has_pair(pnames, npn, sl[i].pid, 0))
			bad("group %.0f has no process_name", sl[i].pid);
		for (size_t k = i; k < j; k++) {
			const struct slice *s = &sl[k];

			if (s->kind == 0) {
				lifetimes++;
				if (k != i)
					bad("track %.0f/%.0f: lifetime is not the first slice",
					    s->pid, s->tid);
			} else if (k == i || s->ts < sl[i].ts ||
				   s->ts + s->dur > sl[i].ts + sl[i].dur) {
				bad("track %.0f/%.0f: slice at %lld outside the lifetime", s->pid,
				    s->tid, s->ts);
			}
			/* a stack of open slices: what starts must end inside */
			while (top && s->ts >= stack_end[top - 1] &&
			       !(s->dur == 0 && s->ts == stack_end[top - 1]))
				top--;
			if (top && s->ts + s->dur > stack_end[top - 1])
				bad("track %.0f/%.0f: slice at %lld overlaps its enclosing one",
				    s->pid, s->tid, s->ts);
			if (s->kind != 2 && top < 8)
				stack_end[top++] = s->ts + s->dur;
		}
		if (lifetimes != 1)
			bad("track %.0f/%.0f: %zu lifetime slices", sl[i].pid, sl[i].tid,
			    lifetimes);
		/* grouped under its parent: the group is the parent's track */
		{
			const struct slice *pl = lifetime_of(sl, nsl, sl[i].pid);

			if (pl && sl[i].pid != sl[i].tid) {
				ret->nested++;
				if (sl[i].ppid >= 0 && pl->real_pid != sl[i].ppid)
					bad("track %.0f: in the group of pid %lld, its parent is "
					    "%lld",
					    sl[i].tid, pl->real_pid, sl[i].ppid);
			}
		}
		i = j;
	}

	/* flows: both ends, the end at the child's start, the start on a
	 * track alive at that time */
	for (size_t k = 0; k < nflows; k++) {
		const struct slice *cl = lifetime_of(sl, nsl, flows[k].f_tid);
		const struct slice *pl = lifetime_of(sl, nsl, flows[k].s_tid);

		if (flows[k].seen != 3) {
			bad("flow %.0f has one end only", flows[k].id);
			continue;
		}
		ret->flows++;
		if (!cl || cl->ts != flows[k].f_ts)
			bad("flow %.0f does not end at its child's start", flows[k].id);
		if (!pl || flows[k].s_ts < pl->ts || flows[k].s_ts > pl->ts + pl->dur)
			bad("flow %.0f starts outside its parent's lifetime", flows[k].id);
	}

	free(sl);
	free(tnames);
	free(pnames);
	free(tid_pid);
	free(flows);
	json_free(doc);
	return problems;
}

/* ---- rows ----------------------------------------------------------------- */

static const char *const row_keys[] = {
    "ts_ns",	 "time",      "event",	     "pid",	    "tid",	"ppid",	     "uid",
    "gid",	 "comm",      "filename",    "argv",	    "cwd",	"ret",	     "errno",
    "exit_code", "signal",    "core_dumped", "duration_ns", "start_ns", "cgroup_id", "cgroup",
    "unit",	 "truncated", "lost_type",   "lost_count",
};
static const char *const proc_keys[] = {"end_ns", "status", "flags",	"reparent_pid",
					"nexec",  "nfail",  "children", "execs"};
#define NKEYS (sizeof(row_keys) / sizeof(row_keys[0]))

int check_jsonl(const char *text, size_t len, struct rows_summary *ret)
{
	size_t pos = 0, line = 0;

	problems = 0;
	memset(ret, 0, sizeof(*ret));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct jval *v = json_parse(text + pos, l, NULL);
		const char *ev;

		line++;
		if (!nl)
			bad("line %zu: no newline at the end", line);
		if (!v || v->type != J_OBJ) {
			bad("line %zu: not a JSON object", line);
			json_free(v);
			pos += l + 1;
			continue;
		}
		ret->rows++;
		ev = json_str(v, "event");
		for (size_t k = 0; k < NKEYS; k++)
			if (k >= v->n || strcmp(v->keys[k], row_keys[k]))
				bad("line %zu: key %zu is '%s', not '%s'", line, k,
				    k < v->n ? v->keys[k] : "(none)", row_keys[k]);
		if (ev && !strcmp(ev, "process")) {
			ret->processes++;
			for (size_t k = 0; k < sizeof(proc_keys) / sizeof(proc_keys[0]); k++)
				if (!json_get(v, proc_keys[k]))
					bad("line %zu: process row without '%s'", line,
					    proc_keys[k]);
		} else {
			ret->events++;
			if (v->n != NKEYS)
				bad("line %zu: event row with %zu keys", line, v->n);
		}
		json_free(v);
		pos += l + 1;
	}
	return problems;
}

int check_csv(const char *text, size_t len, struct rows_summary *ret)
{
	static const char header[] =
	    "ts_ns,time,event,pid,tid,ppid,uid,gid,comm,filename,argv,cwd,ret,errno,exit_code,"
	    "signal,core_dumped,duration_ns,start_ns,cgroup_id,truncated,lost_type,lost_count\n";
	size_t pos = sizeof(header) - 1, row = 0;

	problems = 0;
	memset(ret, 0, sizeof(*ret));
	if (len < pos || memcmp(text, header, pos)) {
		bad("CSV header is not the analyzer's");
		return problems;
	}
	while (pos < len) {
		size_t cells = 1, cell_start = pos;
		bool in_q = false;
		char third[16] = "";
		size_t cell = 0;

		row++;
		for (; pos < len; pos++) {
			char c = text[pos];

			if (in_q) {
				if (c == '"' && pos + 1 < len && text[pos + 1] == '"')
					pos++;
				else if (c == '"')
					in_q = false;
				continue;
			}
			if (c == '"') {
				if (pos != cell_start)
					bad("row %zu: quote inside a cell", row);
				in_q = true;
			} else if (c == ',' || c == '\n') {
				if (cell == 2) {
					size_t l = pos - cell_start < sizeof(third) - 1
						       ? pos - cell_start
						       : sizeof(third) - 1;

					memcpy(third, text + cell_start, l);
					third[l] = '\0';
				}
				if (c == '\n')
					break;
				cells++;
				cell++;
				cell_start = pos + 1;
			} else if ((unsigned char)c < 0x20) {
				bad("row %zu: raw control byte", row);
			}
		}
		if (pos >= len)
			bad("row %zu: no newline at the end", row);
		pos++;
		if (cells != NKEYS - 2) /* cgroup and unit: JSON only */
			bad("row %zu: %zu cells", row, cells);
		ret->rows++;
		if (!strcmp(third, "process"))
			ret->processes++;
		else
			ret->events++;
	}
	return problems;
}

/* ---- XML ------------------------------------------------------------------ */

static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t n;

	if (c < 0x80)
		return 1;
	n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
	if (!n || n > avail)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static bool entity_ok(const char *s, size_t avail, size_t *ret_len)
{
	static const char *const names[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
	const char *semi = memchr(s, ';', avail < 12 ? avail : 12);

	if (!semi)
		return false;
	*ret_len = (size_t)(semi - s) + 1;
	for (size_t i = 0; i < 5; i++)
		if (*ret_len == strlen(names[i]) && !memcmp(s, names[i], *ret_len))
			return true;
	if (s[1] == '#') {
		for (const char *p = s + 2; p < semi; p++)
			if (!(*p >= '0' && *p <= '9'))
				return false;
		return semi > s + 2;
	}
	return false;
}

int check_xml(const char *text, size_t len, size_t *ret_elements)
{
	char stack[64][32];
	size_t top = 0, pos = 0;

	problems = 0;
	*ret_elements = 0;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len((const unsigned char *)text + i, len - i);

		if (!n) {
			bad("byte %zu: not UTF-8", i);
			break;
		}
		if (n == 1 && (unsigned char)text[i] < 0x20 && text[i] != '\n' && text[i] != '\t' &&
		    text[i] != '\r') {
			bad("byte %zu: control character", i);
			break;
		}
		i += n;
	}
	if (len < 5 || memcmp(text, "<?xml", 5))
		bad("no XML declaration");
	else
		pos = (size_t)((const char *)memchr(text, '>', len) - text) + 1;
	while (pos < len) {
		if (text[pos] == '&') {
			size_t el;

			if (!entity_ok(text + pos, len - pos, &el)) {
				bad("byte %zu: bad entity", pos);
				return problems;
			}
			pos += el;
			continue;
		}
		if (text[pos] == '>') {
			bad("byte %zu: raw '>' in text", pos);
			pos++;
			continue;
		}
		if (text[pos] != '<') {
			pos++;
			continue;
		}
		/* comments, declarations, processing instructions */
		if (len - pos >= 4 && !memcmp(text + pos, "<!--", 4)) {
			const char *e = memmem(text + pos + 4, len - pos - 4, "-->", 3);

			if (!e) {
				bad("byte %zu: unterminated comment", pos);
				return problems;
			}
			pos = (size_t)(e - text) + 3;
			continue;
		}
		if (len - pos >= 2 && (text[pos + 1] == '!' || text[pos + 1] == '?')) {
			const char *e = memchr(text + pos, '>', len - pos);

			if (!e) {
				bad("byte %zu: unterminated declaration", pos);
				return problems;
			}
			pos = (size_t)(e - text) + 1;
			continue;
		}
		/* a tag */
		{
			bool closing = pos + 1 < len && text[pos + 1] == '/';
			size_t q = pos + 1 + closing, nstart = q;
			char name[32];

			while (q < len && text[q] != ' ' && text[q] != '>' && text[q] != '/' &&
			       text[q] != '\n')
				q++;
			if (q - nstart == 0 || q - nstart >= sizeof(name)) {
				bad("byte %zu: bad tag name", pos);
				return problems;
			}
			memcpy(name, text + nstart, q - nstart);
			name[q - nstart] = '\0';
			/* attributes: name="value" with the value escaped */
			while (q < len && text[q] != '>' &&
			       !(text[q] == '/' && text[q + 1] == '>')) {
				if (text[q] == ' ' || text[q] == '\n') {
					q++;
					continue;
				}
				while (q < len && text[q] != '=' && text[q] != '>')
					q++;
				if (q + 1 >= len || text[q] != '=' || text[q + 1] != '"') {
					bad("byte %zu: attribute without a quoted value in <%s>", q,
					    name);
					return problems;
				}
				q += 2;
				while (q < len && text[q] != '"') {
					size_t el;

					if (text[q] == '<' ||
					    (text[q] == '&' &&
					     !entity_ok(text + q, len - q, &el))) {
						bad("byte %zu: unescaped character in an attribute",
						    q);
						return problems;
					}
					q++;
				}
				q++;
			}
			if (q >= len) {
				bad("unterminated tag <%s>", name);
				return problems;
			}
			if (closing) {
				if (!top || strcmp(stack[top - 1], name))
					bad("byte %zu: </%s> closes <%s>", pos, name,
					    top ? stack[top - 1] : "(nothing)");
				else
					top--;
			} else {
				(*ret_elements)++;
				if (text[q] != '/') {
					if (top == 64) {
						bad("nesting too deep");
						return problems;
					}
					strcpy(stack[top++], name);
				}
			}
			pos = q + (text[q] == '/' ? 2 : 1);
		}
	}
	if (top)
		bad("<%s> is never closed", stack[top - 1]);
	return problems;
}

/* ---- dot ------------------------------------------------------------------ */

/* Whether the @l bytes at @s hold @lit. (Not memmem: gcc's sanitizer
 * build warned, wrongly, that @s could be NULL there.) */
static bool holds(const char *s, size_t l, const char *lit)
{
	size_t n = strlen(lit);

	for (size_t i = 0; i + n <= l; i++)
		if (s[i] == lit[0] && !memcmp(s + i, lit, n))
			return true;
	return false;
}

int check_dot(const char *text, size_t len, size_t *ret_nodes, size_t *ret_edges)
{
	size_t pos = 0, line = 0;
	int depth = 0;

	problems = 0;
	*ret_nodes = *ret_edges = 0;
	if (len < 8 || memcmp(text, "digraph ", 8))
		bad("not a digraph");
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *s = text + pos;
		bool in_q = false;

		line++;
		for (size_t i = 0; i < l; i++) {
			if (in_q) {
				if (s[i] == '\\')
					i++;
				else if (s[i] == '"')
					in_q = false;
				continue;
			}
			if (s[i] == '"')
				in_q = true;
			else if (s[i] == '{')
				depth++;
			else if (s[i] == '}')
				depth--;
		}
		if (in_q)
			bad("line %zu: unterminated string", line);
		if (l > 2 && s[0] == '\t' && s[1] == 'p') {
			if (holds(s, l, " -> p"))
				(*ret_edges)++;
			else if (holds(s, l, " [label=\""))
				(*ret_nodes)++;
			else
				bad("line %zu: neither node nor edge", line);
			if (s[l - 1] != ';')
				bad("line %zu: no ';'", line);
		}
		pos += l + 1;
	}
	if (depth)
		bad("braces do not balance");
	return problems;
}
