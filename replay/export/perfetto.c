/* SPDX-License-Identifier: MIT */
/*
 * Chrome trace-event JSON, as ui.perfetto.dev and chrome://tracing open it.
 *
 * Layout. Perfetto requires the complete ("X") events of one track to nest
 * strictly and drops those that overlap, and processes overlap all the
 * time. So every process gets a track of its own (tid = its key), put in
 * the group (pid) of its parent: a group holds the tracks of one parent's
 * children, is named by the parent's command, and the parent's own track
 * sits in its parent's group (a root heads its own group). On a track there
 * is one lifetime slice, the slices of the programs it ran one after the
 * other inside it, and zero-length instants for its failed execs: nothing on
 * a track can overlap. A flow arrow leads from the parent's slice at the
 * fork to the child's lifetime slice. Lost-event markers are global
 * instants.
 *
 * Times are boot-time microseconds with three decimals (exact ns). A
 * process that started before the recording is drawn from the recording's
 * start (its real start is in its args); one still running at the end is
 * drawn to the end.
 *
 * Everything about a process is written when its record is final, so the
 * output streams; only the sort indices, which need the whole tree, come at
 * the end (chrome://tracing orders groups and tracks by them).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/macros.h"
#include "internal.h"

/* Separator before the next element of traceEvents. */
static void next(struct rx_export *x)
{
	if (x->first)
		x->first = false;
	else
		fputs(",\n", x->out);
}

static void put_str(FILE *f, struct etr_str s)
{
	rp_fput_json_str(f, s.ptr, s.len);
}

static void put_ts(FILE *f, const char *key, uint64_t ns)
{
	char b[32];

	rx_fmt_us(b, sizeof(b), ns);
	fprintf(f, ",\"%s\":%s", key, b);
}

void rx_perfetto_begin(struct rx_export *x)
{
	fputs("{\"traceEvents\":[\n", x->out);
}

/* A process's key, and the group its track goes into. */
static int keys_of(struct rx_export *x, struct rp_proc *p, uint32_t *ret_key, uint32_t *ret_group)
{
	uint32_t idx = rp_model__index(x->m, p);
	uint32_t key = rx_keys__get(&x->keys, idx, p->pid), group = key;

	if (!key)
		return -ENOMEM;
	if (p->parent != RP_NONE) {
		struct rp_proc *pp = rp_model__proc(x->m, p->parent);

		group = rx_keys__get(&x->keys, p->parent, pp->pid);
		if (!group)
			return -ENOMEM;
	}
	*ret_key = key;
	*ret_group = group;
	return 0;
}

static void put_meta(struct rx_export *x, const char *what, uint32_t pid, uint32_t tid,
		     struct etr_str name)
{
	FILE *f = x->out;

	next(x);
	fprintf(f,
		"{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32
		",\"args\":{\"name\":",
		what, pid, tid);
	put_str(f, name);
	fputs("}}", f);
}

/* The args of an exec: what ran, with what, where. */
static void put_exec_args(FILE *f, const struct rp_model *m, const struct rp_exec *x)
{
	const char *comm = rp_model__str(m, x->comm).ptr;

	fputs("\"filename\":", f);
	put_str(f, rp_model__str(m, x->filename));
	fputs(",\"argv\":", f);
	rp_fput_json_argv(f, &x->argv);
	fputs(",\"cwd\":", f);
	put_str(f, rp_model__str(m, x->cwd));
	fputs(",\"comm\":", f);
	rp_fput_json_str(f, comm, strlen(comm));
	if (x->flags & (ETR_EVF_ARGV_TRUNC | ETR_EVF_CWD_TRUNC | ETR_EVF_FILENAME_TRUNC))
		fputs(",\"truncated\":true", f);
}

static void put_flags(FILE *f, const struct rp_proc *p)
{
	static const struct {
		uint32_t flag;
		const char *name;
	} names[] = {
	    {RP_PF_SNAPSHOT, "snapshot"},	{RP_PF_NO_START, "no_start"},
	    {RP_PF_NO_EXIT, "no_exit"},		{RP_PF_RUNNING, "running"},
	    {RP_PF_LOST, "events_lost"},	{RP_PF_REPARENTED, "reparented"},
	    {RP_PF_CORE, "core_dumped"},	{RP_PF_TRUNC, "truncated"},
	    {RP_PF_THREAD_EXEC, "thread_exec"},
	};
	bool first = true;

	fputs(",\"flags\":[", f);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (p->flags & names[i].flag) {
			fprintf(f, "%s\"%s\"", first ? "" : ",", names[i].name);
			first = false;
		}
	}
	fputc(']', f);
}

static bool shown(struct rx_export *x, struct rp_proc *p)
{
	return !x->filter || rp_filter__match_proc(x->filter, x->m, p);
}

int rx_perfetto_proc(struct rx_export *x, struct rp_proc *p)
{
	FILE *f = x->out;
	struct etr_str name;
	const struct rp_exec *last;
	enum rx_outcome oc;
	uint32_t key, group;
	uint64_t s, e, xs;
	char status[64];
	int err;

	if ((p->flags & RP_PF_PLACEHOLDER) || !shown(x, p))
		return 0; /* a group of it is named at the end, if needed */
	err = keys_of(x, p, &key, &group);
	if (err)
		return err;
	p->mark |= RX_M_EMITTED;
	if (p->parent != RP_NONE)
		rp_model__proc(x->m, p->parent)->mark |= RX_M_GROUP_USED;
	name = rx_proc_name(x->m, p);
	last = rp_model__last_exec(x->m, p);
	oc = rx_outcome(p);
	rx_fmt_status(status, sizeof(status), p);
	rx_proc_span(x->m, p, rx_window_start(x->t), &s, &e);

	/* names: its track, and its group if it heads one */
	put_meta(x, "thread_name", group, key, name);
	if (group == key || p->nchildren) {
		put_meta(x, "process_name", key, key, name);
		p->mark |= RX_M_NAMED;
	}

	/* its lifetime */
	next(x);
	fprintf(f, "{\"ph\":\"X\",\"cat\":\"process\",\"name\":");
	put_str(f, name);
	fprintf(f, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32, group, key);
	put_ts(f, "ts", s);
	put_ts(f, "dur", e - s);
	if (oc == RX_KILLED || oc == RX_EXEC_FAILED)
		fputs(",\"cname\":\"terrible\"", f);
	else if (oc == RX_EXIT)
		fputs(",\"cname\":\"bad\"", f);
	fprintf(f,
		",\"args\":{\"pid\":%" PRIu32 ",\"ppid\":%" PRIu32 ",\"status\":\"%s\""
		",\"outcome\":\"%s\"",
		p->pid, p->ppid, status, rx_outcome_name(oc));
	if (p->flags & RP_PF_EXITED) {
		if (p->signal)
			fprintf(f, ",\"exit_code\":null,\"signal\":%d", p->signal);
		else
			fprintf(f, ",\"exit_code\":%d,\"signal\":null", p->exit_code);
	}
	if (last) {
		fputc(',', f);
		put_exec_args(f, x->m, last);
	} else {
		fputs(",\"comm\":", f);
		rp_fput_json_str(f, rp_model__comm(x->m, p), strlen(rp_model__comm(x->m, p)));
	}
	fprintf(f, ",\"start_ns\":%" PRIu64, p->start_ns);
	if (p->start_ns < s)
		fputs(",\"started_before_recording\":true", f);
	if (p->flags & RP_PF_EXITED)
		fprintf(f, ",\"end_ns\":%" PRIu64, p->end_ns);
	fprintf(f, ",\"execs\":%" PRIu32 ",\"failed_execs\":%" PRIu32 ",\"children\":%" PRIu32,
		p->nexec, p->nfail, p->nchildren);
	if (p->flags & RP_PF_REPARENTED)
		fprintf(f, ",\"adopted_by\":%" PRIu32, p->reparent_pid);
	put_flags(f, p);
	fputs("}}", f);
	x->stats.processes++;

	/* the programs it ran, one after the other, and its failed execs */
	xs = s;
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *ex = rp_model__exec(x->m, i);
		uint64_t ts = ex->ts_ns < xs ? xs : ex->ts_ns, te = e;

		i = ex->next;
		if (ts > e)
			ts = e;
		if (ex->ret) {
			const char *en = rp_errno_name(ex->ret);

			next(x);
			fputs("{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"exec_fail\",\"name\":", f);
			if (en)
				fprintf(f, "\"exec failed: %s\"", en);
			else
				fprintf(f, "\"exec failed: %d\"", ex->ret);
			fprintf(f, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32, group, key);
			put_ts(f, "ts", ts);
			fprintf(f, ",\"args\":{\"ret\":%" PRId32 ",\"errno\":", ex->ret);
			if (en)
				fprintf(f, "\"%s\",", en);
			else
				fputs("null,", f);
			put_exec_args(f, x->m, ex);
			fputs("}}", f);
			x->stats.events++;
			continue;
		}
		/* it runs until the next program replaces it */
		for (uint32_t j = i; j != RP_NONE;) {
			const struct rp_exec *nx = rp_model__exec(x->m, j);

			if (!nx->ret) {
				te = nx->ts_ns < ts ? ts : nx->ts_ns > e ? e : nx->ts_ns;
				break;
			}
			j = nx->next;
		}
		next(x);
		fputs("{\"ph\":\"X\",\"cat\":\"exec\",\"name\":", f);
		put_str(f, rp_model__exec_name(x->m, ex));
		fprintf(f, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32, group, key);
		put_ts(f, "ts", ts);
		put_ts(f, "dur", te - ts);
		fputs(",\"args\":{", f);
		put_exec_args(f, x->m, ex);
		if (ex->flags & RP_XF_SNAPSHOT)
			fputs(",\"running_at_start\":true", f);
		fputs("}}", f);
		xs = ts;
		x->stats.events++;
	}

	/* an arrow from the parent, where it forked this one */
	if (p->parent != RP_NONE && (p->flags & RP_PF_FORKED) && p->start_ns >= s) {
		struct rp_proc *pp = rp_model__proc(x->m, p->parent);
		uint32_t pgroup =
		    pp->parent != RP_NONE
			? rx_keys__get(&x->keys, pp->parent, rp_model__proc(x->m, pp->parent)->pid)
			: group;

		/* only to a parent that has a track to start from */
		if (pgroup && !(pp->flags & RP_PF_PLACEHOLDER) &&
		    ((pp->mark & RX_M_EMITTED) || (!(pp->flags & RP_PF_ENDED) && shown(x, pp)))) {
			uint64_t id = ++x->flows;

			next(x);
			fprintf(f,
				"{\"ph\":\"s\",\"cat\":\"fork\",\"name\":\"fork\",\"id\":%" PRIu64
				",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32,
				id, pgroup, group);
			put_ts(f, "ts", s);
			fputs("}", f);
			next(x);
			fprintf(f,
				"{\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"fork\",\"name\":\"fork\","
				"\"id\":%" PRIu64 ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32,
				id, group, key);
			put_ts(f, "ts", s);
			fputs("}", f);
		}
	}
	return ferror(f) ? -EIO : 0;
}

void rx_perfetto_event(struct rx_export *x, const struct etr_event *ev)
{
	FILE *f = x->out;
	struct etr_event tev = {.type = ev->lost_type};

	if (ev->type != ETR_EV_LOST)
		return;
	next(x);
	/* a count of 0 marks a stretch of the file skipped for damage */
	if (ev->lost_count)
		fprintf(f,
			"{\"ph\":\"i\",\"s\":\"g\",\"cat\":\"lost\",\"name\":\"lost %" PRIu64
			"%s%s event%s\"",
			ev->lost_count, ev->lost_type ? " " : "",
			ev->lost_type ? rp_event_name(&tev) : "", ev->lost_count == 1 ? "" : "s");
	else
		fputs("{\"ph\":\"i\",\"s\":\"g\",\"cat\":\"lost\",\"name\":\"events lost (damaged "
		      "trace)\"",
		      f);
	fputs(",\"pid\":0,\"tid\":0", f);
	put_ts(f, "ts", ev->ts_ns);
	fputs(",\"args\":{\"count\":", f);
	if (ev->lost_count)
		fprintf(f, "%" PRIu64, ev->lost_count);
	else
		fputs("null", f);
	fprintf(f, ",\"type\":\"%s\"}}", ev->lost_type ? rp_event_name(&tev) : "any");
	x->stats.events++;
}

/* ---- the end: group names left, sort order, metadata ---------------- */

/* Processes in tree order (pre-order, children in start order): the
 * position of each is its sort index. Explicit stack: trees can be deep. */
static int sort_indices(struct rx_export *x)
{
	uint32_t n = rp_model__count(x->m), pos = 0, top = 0;
	uint32_t *stack = malloc(((size_t)n + 1) * sizeof(*stack));
	FILE *f = x->out;

	if (!stack)
		return -ENOMEM;
	for (uint32_t r = 0; r < n; r++) {
		if (rp_model__proc(x->m, r)->parent != RP_NONE)
			continue;
		stack[top++] = r;
		while (top) {
			uint32_t v = stack[--top], nk = 0, c;
			struct rp_proc *p = rp_model__proc(x->m, v);

			pos++;
			if (p->mark & (RX_M_EMITTED | RX_M_NAMED)) {
				uint32_t key = rx_keys__get(&x->keys, v, p->pid), group = key;

				if (p->parent != RP_NONE)
					group = rx_keys__get(&x->keys, p->parent,
							     rp_model__proc(x->m, p->parent)->pid);
				if (!key || !group) {
					free(stack);
					return -ENOMEM;
				}
				if (p->mark & RX_M_NAMED) {
					next(x);
					fprintf(f,
						"{\"ph\":\"M\",\"name\":\"process_sort_index\","
						"\"pid\":%" PRIu32 ",\"tid\":%" PRIu32
						",\"args\":{\"sort_index\":%" PRIu32 "}}",
						key, key, pos);
				}
				if (p->mark & RX_M_EMITTED) {
					next(x);
					fprintf(f,
						"{\"ph\":\"M\",\"name\":\"thread_sort_index\","
						"\"pid\":%" PRIu32 ",\"tid\":%" PRIu32
						",\"args\":{\"sort_index\":%" PRIu32 "}}",
						group, key, pos);
				}
			}
			/* children pushed in reverse so the first comes out first */
			for (c = p->first_child; c != RP_NONE;
			     c = rp_model__proc(x->m, c)->next_sibling)
				nk++;
			if (nk) {
				uint32_t k = top + nk;

				for (c = p->first_child; c != RP_NONE;
				     c = rp_model__proc(x->m, c)->next_sibling)
					stack[--k] = c;
				top += nk;
			}
		}
	}
	free(stack);
	return 0;
}

int rx_perfetto_finish(struct rx_export *x)
{
	uint32_t n = rp_model__count(x->m);
	const struct etr_file_info *fi = rp_trace__info(x->t);
	FILE *f = x->out;
	int err;

	/* groups whose head was not written (filtered out, or never recorded) */
	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(x->m, i);
		uint32_t key;

		if (!(p->mark & RX_M_GROUP_USED) || (p->mark & RX_M_NAMED))
			continue;
		key = rx_keys__get(&x->keys, i, p->pid);
		if (!key)
			return -ENOMEM;
		if (rp_model__comm(x->m, p)[0])
			put_meta(x, "process_name", key, key,
				 (struct etr_str){rp_model__comm(x->m, p),
						  (uint32_t)strlen(rp_model__comm(x->m, p))});
		else
			put_meta(x, "process_name", key, key,
				 (struct etr_str){"(not recorded)", 14});
		p->mark |= RX_M_NAMED;
	}
	err = sort_indices(x);
	if (err)
		return err;

	fputs("\n],\n\"displayTimeUnit\":\"ms\",\n\"metadata\":{\"source\":\"execrec\"", f);
	if (fi) {
		fputs(",\"trace_id\":\"", f);
		for (int i = 0; i < ETR_TRACE_ID_SIZE; i++)
			fprintf(f, "%02x", fi->trace_id[i]);
		fputc('"', f);
	}
	fprintf(f, ",\"clean_end\":%s,\"lost_events\":%" PRIu64 ",\"first_ns\":%" PRIu64,
		rp_trace__ended_cleanly(x->t) ? "true" : "false", rp_trace__lost_counted(x->t),
		rp_trace__first_ns(x->t));
	if (rp_trace__has_clock(x->t))
		fprintf(f, ",\"first_realtime_ns\":%" PRIu64,
			rp_trace__realtime(x->t, rp_trace__first_ns(x->t)));
	for (size_t i = 0; i < rp_trace__meta_count(x->t); i++) {
		const struct rp_meta *me = rp_trace__meta(x->t, i);
		char key[96];
		bool dup = false;

		for (size_t j = 0; j < i && !dup; j++)
			dup = !strcmp(rp_trace__meta(x->t, j)->key, me->key);
		if (dup)
			continue;

		/* keys of their own, never one of those above */
		snprintf(key, sizeof(key), "trace.%s", me->key);
		fputc(',', f);
		rp_fput_json_str(f, key, strlen(key));
		fputc(':', f);
		rp_fput_json_str(f, me->value, me->value_len);
	}
	fputs("}}\n", f);
	return ferror(f) ? -EIO : 0;
}
