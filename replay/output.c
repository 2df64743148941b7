/* SPDX-License-Identifier: MIT */
/*
 * Records for machines (JSON lines, CSV) and the messages the tools print,
 * composed here so every subcommand says the same thing the same way.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/macros.h"
#include "replay.h"

#define TRUNC_FLAGS                                                                                \
	(ETR_EVF_ARGV_TRUNC | ETR_EVF_ENV_TRUNC | ETR_EVF_CWD_TRUNC | ETR_EVF_FILENAME_TRUNC)

const char *rp_event_name(const struct etr_event *ev)
{
	switch (ev->type) {
	case ETR_EV_EXEC:
		return "exec";
	case ETR_EV_EXEC_FAIL:
		return "exec_fail";
	case ETR_EV_FORK:
		return ev->flags & ETR_EVF_THREAD ? "thread" : "fork";
	case ETR_EV_EXIT:
		return "exit";
	case ETR_EV_LOST:
		return "lost";
	case RP_EV_PROC:
		return "proc";
	default:
		return "unknown";
	}
}

const char *rp_proc_status(const struct rp_proc *p)
{
	if (p->flags & RP_PF_EXITED)
		return p->signal ? "killed" : "exited";
	if (p->flags & RP_PF_RUNNING)
		return "running";
	if (p->flags & RP_PF_PLACEHOLDER)
		return "placeholder";
	return "unknown";
}

static const char *lost_type_name(uint16_t type)
{
	struct etr_event ev = {.type = type};

	return type ? rp_event_name(&ev) : "any";
}

/* ---- shared pieces -------------------------------------------------- */

struct row {
	uint64_t ts_ns;
	bool has_ts;
	const char *event;
	uint32_t pid, tid, ppid, uid, gid;
	const char *comm;
	size_t comm_len;
	const struct etr_str *filename, *argv, *cwd; /* NULL = null */
	const struct etr_str *env;		     /* NULL = no "env" key */
	uint32_t cut;				     /* ETR_EVF_*_TRUNC: which were cut */
	uint32_t argv_orig_len, env_orig_len;	     /* their lengths before, 0 = unknown */
	struct etr_str file_s, cwd_s, env_s;	     /* what they point to, for processes */
	bool has_ret;
	int32_t ret;
	bool has_exit;
	int32_t exit_code, signal;
	bool core;
	bool has_dur;
	uint64_t dur;
	uint64_t start_ns;
	uint64_t cgroup_id;
	bool truncated;
	bool has_lost;
	uint16_t lost_type;
	uint64_t lost_count;
};

static void time_str(const struct rp_trace *t, const struct row *r, char *buf, size_t len)
{
	uint64_t rt;

	buf[0] = '\0';
	if (!r->has_ts || !t || !rp_trace__has_clock(t))
		return;
	rt = rp_trace__realtime(t, r->ts_ns);
	if (rt)
		rp_fmt_iso(buf, len, rt);
}

/* The rows are drawn into an rp_out and handed to their FILE whole: printf
 * and a stdio call per piece were most of the time of a JSON export. */

/* ,"key": */
static void json_key(struct rp_out *o, const char *key)
{
	rp_out__write(o, ",\"", 2);
	rp_out__puts(o, key);
	rp_out__write(o, "\":", 2);
}

/* "cgroup" and "unit" of a cgroup id, null when the trace does not name it
 * (unit: null too where no unit holds the cgroup). */
static void json_cgroup(struct rp_out *o, const struct rp_trace *t, uint64_t id)
{
	const struct rp_cgroup *g = t ? rp_trace__cgroup(t, id) : NULL;

	json_key(o, "cgroup");
	if (g)
		rp_out__json_str(o, g->path, strlen(g->path));
	else
		rp_out__write(o, "null", 4);
	json_key(o, "unit");
	if (g && g->is_unit)
		rp_out__json_str(o, g->unit, g->unit_len);
	else
		rp_out__write(o, "null", 4);
}

static void json_u64(struct rp_out *o, const char *key, bool has, uint64_t v)
{
	json_key(o, key);
	if (has)
		rp_out__u64(o, v);
	else
		rp_out__write(o, "null", 4);
}

static void json_i64(struct rp_out *o, const char *key, bool has, int64_t v)
{
	json_key(o, key);
	if (has)
		rp_out__i64(o, v);
	else
		rp_out__write(o, "null", 4);
}

static void json_strp(struct rp_out *o, const char *key, const struct etr_str *s)
{
	json_key(o, key);
	if (s)
		rp_out__json_str(o, s->ptr, s->len);
	else
		rp_out__write(o, "null", 4);
}

/* A cwd the recorder's bound cut keeps its last directories only, with no
 * leading '/': ".../" in front, so it cannot pass for a relative path. */
static void json_cwd(struct rp_out *o, const struct etr_str *s, bool cut)
{
	char small[512], *buf = small;

	if (!s || !cut || (s->len && s->ptr[0] == '/')) {
		json_strp(o, "cwd", s);
		return;
	}
	if (s->len + 4 > sizeof(small) && !(buf = malloc(s->len + 4))) {
		json_strp(o, "cwd", s);
		return;
	}
	memcpy(buf, ".../", 4);
	if (s->len)
		memcpy(buf + 4, s->ptr, s->len);
	json_key(o, "cwd");
	rp_out__json_str(o, buf, s->len + 4);
	if (buf != small)
		free(buf);
}

/* ,"key":"name" for a name that needs no escaping */
static void json_name(struct rp_out *o, const char *key, const char *name)
{
	json_key(o, key);
	rp_out__putc(o, '"');
	rp_out__puts(o, name);
	rp_out__putc(o, '"');
}

/* The common keys, without the closing brace. */
static void row_json(struct rp_out *o, const struct rp_trace *t, const struct row *r)
{
	char tb[48];
	const char *en = r->has_ret && r->ret < 0 ? rp_errno_name(r->ret) : NULL;

	time_str(t, r, tb, sizeof(tb));
	rp_out__write(o, "{\"ts_ns\":", 9);
	if (r->has_ts)
		rp_out__u64(o, r->ts_ns);
	else
		rp_out__write(o, "null", 4);
	if (tb[0])
		json_name(o, "time", tb);
	else
		rp_out__puts(o, ",\"time\":null");
	json_name(o, "event", r->event);
	json_u64(o, "pid", true, r->pid);
	json_u64(o, "tid", true, r->tid);
	json_u64(o, "ppid", true, r->ppid);
	json_u64(o, "uid", true, r->uid);
	json_u64(o, "gid", true, r->gid);
	json_key(o, "comm");
	rp_out__json_str(o, r->comm, r->comm_len);
	json_strp(o, "filename", r->filename);
	json_key(o, "argv");
	if (r->argv)
		rp_out__json_argv(o, r->argv);
	else
		rp_out__write(o, "null", 4);
	json_cwd(o, r->cwd, r->cut & ETR_EVF_CWD_TRUNC);
	json_i64(o, "ret", r->has_ret, r->ret);
	if (en) {
		json_name(o, "errno", en);
	} else if (r->has_ret && r->ret < 0) {
		rp_out__puts(o, ",\"errno\":\"E");
		rp_out__i64(o, -(int64_t)r->ret);
		rp_out__putc(o, '"');
	} else {
		rp_out__puts(o, ",\"errno\":null");
	}
	json_i64(o, "exit_code", r->has_exit && !r->signal, r->exit_code);
	json_i64(o, "signal", r->has_exit, r->signal);
	json_key(o, "core_dumped");
	if (r->has_exit)
		rp_out__puts(o, r->core ? "true" : "false");
	else
		rp_out__write(o, "null", 4);
	json_u64(o, "duration_ns", r->has_dur, r->dur);
	json_u64(o, "start_ns", r->start_ns != 0, r->start_ns);
	json_u64(o, "cgroup_id", true, r->cgroup_id);
	json_cgroup(o, t, r->cgroup_id);
	json_key(o, "truncated");
	rp_out__puts(o, r->truncated ? "true" : "false");
	if (r->has_lost) {
		json_name(o, "lost_type", lost_type_name(r->lost_type));
		json_u64(o, "lost_count", r->lost_count != 0, r->lost_count);
	} else {
		rp_out__puts(o, ",\"lost_type\":null,\"lost_count\":null");
	}
	/* keys that are there only when they say something: what the
	 * recorder's limits cut (and the length before, when known) ... */
	if (r->cut) {
		static const struct {
			uint32_t flag;
			const char *key;
		} fields[] = {
		    {ETR_EVF_FILENAME_TRUNC, "filename"},
		    {ETR_EVF_ARGV_TRUNC, "argv"},
		    {ETR_EVF_CWD_TRUNC, "cwd"},
		    {ETR_EVF_ENV_TRUNC, "env"},
		};
		const char *sep = "{";

		rp_out__puts(o, ",\"cut\":");
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
			uint32_t len = fields[i].flag == ETR_EVF_ARGV_TRUNC  ? r->argv_orig_len
				       : fields[i].flag == ETR_EVF_ENV_TRUNC ? r->env_orig_len
									     : 0;

			if (!(r->cut & fields[i].flag))
				continue;
			rp_out__puts(o, sep);
			rp_out__putc(o, '"');
			rp_out__puts(o, fields[i].key);
			rp_out__write(o, "\":", 2);
			if (len)
				rp_out__u64(o, len);
			else
				rp_out__write(o, "null", 4);
			sep = ",";
		}
		rp_out__putc(o, '}');
	}
	/* ... and the environment, when it was recorded (record --env) */
	if (r->env) {
		json_key(o, "env");
		rp_out__json_argv(o, r->env);
	}
}

static void csv_u64(struct rp_out *o, bool has, uint64_t v)
{
	rp_out__putc(o, ',');
	if (has)
		rp_out__u64(o, v);
}

static void csv_i64(struct rp_out *o, bool has, int64_t v)
{
	rp_out__putc(o, ',');
	if (has)
		rp_out__i64(o, v);
}

static void csv_strp(struct rp_out *o, const struct etr_str *s)
{
	rp_out__putc(o, ',');
	if (s)
		rp_out__csv_str(o, s->ptr, s->len);
}

void rp_csv_header(FILE *f)
{
	fputs("ts_ns,time,event,pid,tid,ppid,uid,gid,comm,filename,argv,cwd,ret,errno,exit_code,"
	      "signal,core_dumped,duration_ns,start_ns,cgroup_id,truncated,lost_type,lost_count\n",
	      f);
}

static void row_csv(struct rp_out *o, const struct rp_trace *t, const struct row *r)
{
	char tb[48];
	const char *en = r->has_ret && r->ret < 0 ? rp_errno_name(r->ret) : NULL;

	time_str(t, r, tb, sizeof(tb));
	if (r->has_ts)
		rp_out__u64(o, r->ts_ns);
	rp_out__putc(o, ',');
	rp_out__puts(o, tb);
	rp_out__putc(o, ',');
	rp_out__puts(o, r->event);
	csv_u64(o, true, r->pid);
	csv_u64(o, true, r->tid);
	csv_u64(o, true, r->ppid);
	csv_u64(o, true, r->uid);
	csv_u64(o, true, r->gid);
	rp_out__putc(o, ',');
	rp_out__csv_str(o, r->comm, r->comm_len);
	csv_strp(o, r->filename);
	rp_out__putc(o, ',');
	if (r->argv)
		rp_out__csv_argv(o, r->argv);
	csv_strp(o, r->cwd);
	csv_i64(o, r->has_ret, r->ret);
	rp_out__putc(o, ',');
	if (en)
		rp_out__puts(o, en);
	csv_i64(o, r->has_exit && !r->signal, r->exit_code);
	csv_i64(o, r->has_exit, r->signal);
	rp_out__putc(o, ',');
	if (r->has_exit)
		rp_out__puts(o, r->core ? "true" : "false");
	csv_u64(o, r->has_dur, r->dur);
	csv_u64(o, r->start_ns != 0, r->start_ns);
	csv_u64(o, true, r->cgroup_id);
	rp_out__putc(o, ',');
	rp_out__puts(o, r->truncated ? "true" : "false");
	rp_out__putc(o, ',');
	if (r->has_lost)
		rp_out__puts(o, lost_type_name(r->lost_type));
	csv_u64(o, r->has_lost && r->lost_count, r->lost_count);
	rp_out__putc(o, '\n');
}

/* A row's buffer: most rows fit; a longer one goes out in pieces. */
#define ROW_BUF 4096

/* ---- events --------------------------------------------------------- */

static void event_row(const struct rp_trace *t, const struct etr_event *ev, struct row *r)
{
	bool is_exec =
	    ev->type == ETR_EV_EXEC || ev->type == ETR_EV_EXEC_FAIL || ev->type == RP_EV_PROC;

	memset(r, 0, sizeof(*r));
	r->ts_ns = ev->ts_ns;
	r->has_ts = true;
	r->event = rp_event_name(ev);
	r->pid = ev->pid;
	r->tid = ev->tid;
	r->ppid = ev->ppid;
	r->uid = ev->uid;
	r->gid = ev->gid;
	r->comm = ev->comm.ptr;
	r->comm_len = ev->comm.len;
	if (is_exec) {
		r->filename = &ev->filename;
		r->argv = &ev->argv;
		r->cwd = &ev->cwd;
		if (ev->flags & ETR_EVF_ENV)
			r->env = &ev->env;
		r->cut = ev->flags & TRUNC_FLAGS;
		r->argv_orig_len = ev->argv_orig_len;
		r->env_orig_len = ev->env_orig_len;
	}
	if (ev->type == ETR_EV_EXEC || ev->type == ETR_EV_EXEC_FAIL) {
		r->has_ret = true;
		r->ret = ev->ret;
	}
	if (ev->type == ETR_EV_EXIT) {
		r->has_exit = true;
		r->exit_code = ev->exit_code;
		r->signal = ev->signal;
		r->core = ev->flags & ETR_EVF_CORE_DUMPED;
		r->has_dur = rp_trace__exit_duration(t, ev, &r->dur);
	}
	r->start_ns = ev->start_ns;
	r->cgroup_id = ev->cgroup_id;
	r->truncated = ev->flags & TRUNC_FLAGS;
	if (ev->type == ETR_EV_LOST) {
		r->has_lost = true;
		r->lost_type = ev->lost_type;
		r->lost_count = ev->lost_count;
	}
}

void rp_print_event_json(FILE *f, const struct rp_trace *t, const struct etr_event *ev)
{
	char buf[ROW_BUF];
	struct rp_out o;
	struct row r;

	rp_out__init(&o, f, buf, sizeof(buf));
	event_row(t, ev, &r);
	row_json(&o, t, &r);
	rp_out__write(&o, "}\n", 2);
	rp_out__flush(&o);
}

void rp_print_event_csv(FILE *f, const struct rp_trace *t, const struct etr_event *ev)
{
	char buf[ROW_BUF];
	struct rp_out o;
	struct row r;

	rp_out__init(&o, f, buf, sizeof(buf));
	event_row(t, ev, &r);
	row_csv(&o, t, &r);
	rp_out__flush(&o);
}

/* ---- processes ------------------------------------------------------ */

static void proc_row(const struct rp_model *m, const struct rp_proc *p, struct row *r)
{
	const struct rp_exec *x = rp_model__last_exec(m, p);

	memset(r, 0, sizeof(*r));
	r->ts_ns = p->start_ns;
	r->has_ts = p->start_ns != 0;
	r->event = "process";
	r->pid = p->pid;
	r->tid = p->pid;
	r->ppid = p->ppid;
	r->uid = p->uid;
	r->gid = p->gid;
	r->comm = rp_model__comm(m, p);
	r->comm_len = strlen(r->comm);
	if (x) {
		r->file_s = rp_model__str(m, x->filename);
		r->cwd_s = rp_model__str(m, x->cwd);
		r->filename = &r->file_s;
		r->argv = &x->argv;
		r->cwd = &r->cwd_s;
		r->cut = x->flags & TRUNC_FLAGS; /* lengths before: not kept */
		if (rp_model__exec_env(m, x, &r->env_s))
			r->env = &r->env_s;
	}
	if (p->flags & RP_PF_EXITED) {
		r->has_exit = true;
		r->exit_code = p->exit_code;
		r->signal = p->signal;
		r->core = p->flags & RP_PF_CORE;
	}
	r->has_dur = rp_model__duration(m, p, &r->dur);
	r->start_ns = p->start_ns;
	r->cgroup_id = p->cgroup_id;
	r->truncated = p->flags & RP_PF_TRUNC;
}

static const struct {
	uint32_t flag;
	const char *name;
} proc_flags[] = {
    {RP_PF_SNAPSHOT, "snapshot"},
    {RP_PF_FORKED, "forked"},
    {RP_PF_EXITED, "exited"},
    {RP_PF_NO_START, "no_start"},
    {RP_PF_NO_EXIT, "no_exit"},
    {RP_PF_RUNNING, "running"},
    {RP_PF_LOST, "lost"},
    {RP_PF_REPARENTED, "reparented"},
    {RP_PF_CORE, "core_dumped"},
    {RP_PF_TRUNC, "truncated"},
    {RP_PF_PLACEHOLDER, "placeholder"},
    {RP_PF_THREAD_EXEC, "thread_exec"},
};

void rp_print_proc_json(FILE *f, const struct rp_trace *t, const struct rp_model *m,
			const struct rp_proc *p)
{
	char buf[ROW_BUF];
	struct rp_out o;
	struct row r;
	bool first = true;

	rp_out__init(&o, f, buf, sizeof(buf));
	proc_row(m, p, &r);
	row_json(&o, t, &r);
	json_u64(&o, "end_ns", p->flags & RP_PF_EXITED, p->end_ns);
	json_name(&o, "status", rp_proc_status(p));
	rp_out__puts(&o, ",\"flags\":[");
	for (size_t i = 0; i < ARRAY_SIZE(proc_flags); i++) {
		if (p->flags & proc_flags[i].flag) {
			if (!first)
				rp_out__putc(&o, ',');
			rp_out__putc(&o, '"');
			rp_out__puts(&o, proc_flags[i].name);
			rp_out__putc(&o, '"');
			first = false;
		}
	}
	rp_out__putc(&o, ']');
	json_u64(&o, "reparent_pid", p->flags & RP_PF_REPARENTED, p->reparent_pid);
	json_u64(&o, "nexec", true, p->nexec);
	json_u64(&o, "nfail", true, p->nfail);
	json_u64(&o, "children", true, p->nchildren);
	rp_out__puts(&o, ",\"execs\":[");
	first = true;
	for (uint32_t i = p->exec_first; i != RP_NONE;) {
		const struct rp_exec *x = rp_model__exec(m, i);
		const char *en = x->ret < 0 ? rp_errno_name(x->ret) : NULL;
		struct etr_str comm = rp_model__str(m, x->comm),
			       file = rp_model__str(m, x->filename);
		struct etr_str cwd = rp_model__str(m, x->cwd), env;

		if (!first)
			rp_out__putc(&o, ',');
		rp_out__write(&o, "{\"ts_ns\":", 9);
		if (x->flags & RP_XF_SNAPSHOT)
			rp_out__write(&o, "null", 4);
		else
			rp_out__u64(&o, x->ts_ns);
		json_i64(&o, "ret", true, x->ret);
		if (en)
			json_name(&o, "errno", en);
		else
			rp_out__puts(&o, ",\"errno\":null");
		json_key(&o, "comm");
		rp_out__json_str(&o, comm.ptr, strlen(comm.ptr));
		json_key(&o, "filename");
		rp_out__json_str(&o, file.ptr, file.len);
		json_key(&o, "argv");
		rp_out__json_argv(&o, &x->argv);
		json_cwd(&o, &cwd, x->flags & ETR_EVF_CWD_TRUNC);
		json_key(&o, "truncated");
		rp_out__puts(&o, x->flags & TRUNC_FLAGS ? "true" : "false");
		json_key(&o, "snapshot");
		rp_out__puts(&o, x->flags & RP_XF_SNAPSHOT ? "true" : "false");
		if (rp_model__exec_env(m, x, &env)) {
			json_key(&o, "env");
			rp_out__json_argv(&o, &env);
		}
		rp_out__putc(&o, '}');
		first = false;
		i = x->next;
	}
	rp_out__write(&o, "]}\n", 3);
	rp_out__flush(&o);
}

void rp_print_proc_csv(FILE *f, const struct rp_trace *t, const struct rp_model *m,
		       const struct rp_proc *p)
{
	char buf[ROW_BUF];
	struct rp_out o;
	struct row r;

	rp_out__init(&o, f, buf, sizeof(buf));
	proc_row(m, p, &r);
	row_csv(&o, t, &r);
	rp_out__flush(&o);
}

/* ---- messages ------------------------------------------------------- */

void rp_open_error_str(char *buf, size_t len, const char *path, int err)
{
	const struct etr_open_error *oe = etr_reader__open_error();

	if (err == EINVAL && oe->kind == ETR_PROB_BAD_MAGIC)
		snprintf(buf, len, "%s: not an execrec trace (no .etr magic at byte 0)", path);
	else if (err == ENOTSUP)
		snprintf(buf, len,
			 "%s: trace format version %u.%u is newer than this execrec reads "
			 "(%u.x): a newer execrec is needed",
			 path, oe->file_major, oe->file_minor, ETR_VERSION_MAJOR);
	else if (err == EBADMSG)
		snprintf(buf, len, "%s: unreadable trace header at byte %" PRIu64 ": %s", path,
			 oe->offset, etr_problem__str(oe->kind));
	else
		snprintf(buf, len, "%s: %s", path, strerror(err));
}

/* snprintf at *off, never past @len. */
__attribute__((format(printf, 4, 5))) static void app(char *buf, size_t len, size_t *off,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

bool rp_trace__damage_str(const struct rp_trace *t, char *buf, size_t len)
{
	size_t n = rp_trace__problem_count(t), off = 0;
	const struct etr_problem *p = rp_trace__problem(t, 0);
	struct etr_reader_stats rs;
	bool clean = rp_trace__ended_cleanly(t);

	buf[0] = '\0';
	if (!n && clean)
		return false;
	etr_reader__stats(rp_trace__reader(t), &rs);
	if (!p) {
		app(buf, len, &off,
		    "at byte %" PRIu64 ": no end record: the recording did not finish cleanly "
		    "(killed, or still being written)",
		    rs.bytes_read);
		return true;
	}
	app(buf, len, &off, "at byte %" PRIu64 ": %s", p->offset, etr_problem__str(p->kind));
	if (p->kind == ETR_PROB_TRUNCATED)
		app(buf, len, &off, " (the file ends inside a chunk)");
	if (rs.bad_chunks)
		app(buf, len, &off, "; %" PRIu64 " damaged chunk%s skipped", rs.bad_chunks,
		    rs.bad_chunks == 1 ? "" : "s");
	if (n > 1)
		app(buf, len, &off, "; %zu more problem%s", n - 1, n == 2 ? "" : "s");
	if (!clean && p->kind != ETR_PROB_TRUNCATED)
		app(buf, len, &off, "; no end record");
	return true;
}

void rp_trace__fmt_time(const struct rp_trace *t, bool wallclock, uint64_t ts_ns, char *buf,
			size_t len)
{
	if (wallclock && rp_trace__has_clock(t)) {
		uint64_t rt = rp_trace__realtime(t, ts_ns);
		time_t sec = (time_t)(rt / 1000000000ull);
		struct tm tm;

		localtime_r(&sec, &tm);
		snprintf(buf, len, "%02d:%02d:%02d.%06llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned long long)(rt % 1000000000ull / 1000));
	} else {
		rp_fmt_reltime(buf, len, ts_ns, rp_trace__first_ns(t));
	}
}
