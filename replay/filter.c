/* SPDX-License-Identifier: MIT */
/*
 * The filters every subcommand shares. A whole process is judged by
 * rp_filter__match_proc (report, tree); a single event, as a stream goes by,
 * by rp_filter__match_event (timeline), which follows forks and exits to
 * know the subtree and the processes a --grep matched, holding only the
 * processes alive at the time.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

/* pid -> start_ns of the live processes in a set (linear probing). */
struct pidmap {
	uint32_t *keys; /* pid + 1; 0 = empty */
	uint64_t *vals;
	uint32_t cap, used;
};

struct rp_filter {
	uint32_t *pids;
	size_t npids;
	uint32_t *roots;
	size_t nroots;
	char *comm;
	char *unit;		      /* --unit GLOB */
	const struct rp_trace *trace; /* bound: where cgroup ids are named */
	regex_t grep;
	bool has_grep;
	bool has_uid;
	uint32_t uid;
	bool failed;
	bool has_since, since_rel;
	int64_t since_raw;
	bool has_until, until_rel;
	int64_t until_raw;
	char *since_txt, *until_txt; /* a time of day is read again on bind */
	uint64_t since_ns, until_ns; /* boot time, once bound */
	bool has_min_dur;
	uint64_t min_dur;

	struct pidmap subtree; /* live members of the subtrees */
	struct pidmap grepped; /* live processes --grep matched at an exec */
	char *joined;	       /* argv joined by spaces, for regexec */
	size_t joined_cap;
};

/* ---- pid map ------------------------------------------------------ */

static uint32_t pm_slot(const struct pidmap *pm, uint32_t pid)
{
	uint32_t i = (pid * 0x9E3779B1u) & (pm->cap - 1);

	while (pm->keys[i] && pm->keys[i] != pid + 1)
		i = (i + 1) & (pm->cap - 1);
	return i;
}

static bool pm_get(const struct pidmap *pm, uint32_t pid, uint64_t *ret_start)
{
	uint32_t i;

	if (!pm->used)
		return false;
	i = pm_slot(pm, pid);
	if (!pm->keys[i])
		return false;
	if (ret_start)
		*ret_start = pm->vals[i];
	return true;
}

static int pm_put(struct pidmap *pm, uint32_t pid, uint64_t start)
{
	uint32_t i;

	if ((pm->used + 1) * 2 > pm->cap) {
		struct pidmap n = {.cap = pm->cap ? pm->cap * 2 : 64};

		n.keys = calloc(n.cap, sizeof(*n.keys));
		n.vals = calloc(n.cap, sizeof(*n.vals));
		if (!n.keys || !n.vals) {
			free(n.keys);
			free(n.vals);
			return -ENOMEM;
		}
		for (uint32_t k = 0; k < pm->cap; k++) {
			if (pm->keys[k]) {
				uint32_t j = pm_slot(&n, pm->keys[k] - 1);

				n.keys[j] = pm->keys[k];
				n.vals[j] = pm->vals[k];
				n.used++;
			}
		}
		free(pm->keys);
		free(pm->vals);
		*pm = n;
	}
	i = pm_slot(pm, pid);
	if (!pm->keys[i])
		pm->used++;
	pm->keys[i] = pid + 1;
	pm->vals[i] = start;
	return 0;
}

static void pm_del(struct pidmap *pm, uint32_t pid)
{
	uint32_t i, j, mask = pm->cap - 1;

	if (!pm->used)
		return;
	i = pm_slot(pm, pid);
	if (!pm->keys[i])
		return;
	pm->keys[i] = 0;
	pm->used--;
	/* close the gap: move back entries that probed past it */
	for (j = (i + 1) & mask; pm->keys[j]; j = (j + 1) & mask) {
		uint32_t home = ((pm->keys[j] - 1) * 0x9E3779B1u) & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			pm->keys[i] = pm->keys[j];
			pm->vals[i] = pm->vals[j];
			pm->keys[j] = 0;
			i = j;
		}
	}
}

static void pm_free(struct pidmap *pm)
{
	free(pm->keys);
	free(pm->vals);
}

/* ---- setting up ---------------------------------------------------- */

struct rp_filter *rp_filter__new(void)
{
	struct rp_filter *f = calloc(1, sizeof(*f));

	if (!f)
		errno = ENOMEM;
	return f;
}

void rp_filter__free(struct rp_filter *f)
{
	if (!f)
		return;
	free(f->pids);
	free(f->roots);
	free(f->comm);
	free(f->unit);
	free(f->since_txt);
	free(f->until_txt);
	if (f->has_grep)
		regfree(&f->grep);
	pm_free(&f->subtree);
	pm_free(&f->grepped);
	free(f->joined);
	free(f);
}

int rp_filter__set(struct rp_filter *f, const char *name, const char *value, char *err,
		   size_t err_len)
{
	int ret;

	if (!f || !name)
		return -EINVAL;
	if (!strcmp(name, "failed")) {
		f->failed = true;
		return 0;
	}
	if (!value) {
		snprintf(err, err_len, "--%s needs a value", name);
		return -EINVAL;
	}
	if (!strcmp(name, "pid") || !strcmp(name, "subtree")) {
		bool sub = name[0] == 's';

		ret = sub ? ec_parse_pids(value, &f->roots, &f->nroots)
			  : ec_parse_pids(value, &f->pids, &f->npids);
		if (ret == -EINVAL || ret == -ERANGE) {
			snprintf(err, err_len, "--%s: '%s' is not a pid (or a comma list of them)",
				 name, value);
			ret = -EINVAL;
		}
		return ret;
	}
	if (!strcmp(name, "unit")) {
		free(f->unit);
		f->unit = strdup(value);
		return f->unit ? 0 : -ENOMEM;
	}
	if (!strcmp(name, "comm")) {
		free(f->comm);
		f->comm = strdup(value);
		return f->comm ? 0 : -ENOMEM;
	}
	if (!strcmp(name, "grep")) {
		if (f->has_grep)
			regfree(&f->grep);
		f->has_grep = false;
		ret = regcomp(&f->grep, value, REG_EXTENDED | REG_NOSUB);
		if (ret) {
			char msg[128];

			regerror(ret, &f->grep, msg, sizeof(msg));
			snprintf(err, err_len, "--grep: bad regular expression '%s': %s", value,
				 msg);
			return -EINVAL;
		}
		f->has_grep = true;
		return 0;
	}
	if (!strcmp(name, "uid")) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(value, &end, 10);
		if (errno || end == value || *end || v > UINT32_MAX) {
			/* names would be this machine's, not the traced one's */
			snprintf(err, err_len, "--uid: '%s' is not a numeric uid", value);
			return -EINVAL;
		}
		f->has_uid = true;
		f->uid = (uint32_t)v;
		return 0;
	}
	if (!strcmp(name, "since") || !strcmp(name, "until")) {
		bool since = name[0] == 's', rel;
		int64_t ns;

		if (rp_parse_time(value, 0, &rel, &ns)) {
			snprintf(err, err_len,
				 "--%s: '%s' is neither seconds from the start (2.5, 300ms) nor "
				 "a time (11:43:54, 2026-11-25 11:43:54, @1764071034)",
				 name, value);
			return -EINVAL;
		}
		if (since) {
			f->has_since = true;
			f->since_rel = rel;
			f->since_raw = ns;
			free(f->since_txt);
			f->since_txt = strdup(value);
		} else {
			f->has_until = true;
			f->until_rel = rel;
			f->until_raw = ns;
			free(f->until_txt);
			f->until_txt = strdup(value);
		}
		return 0;
	}
	if (!strcmp(name, "min-duration")) {
		if (ec_parse_duration(value, &f->min_dur)) {
			snprintf(err, err_len,
				 "--min-duration: '%s' is not a duration (1.5, 200ms, 2m)", value);
			return -EINVAL;
		}
		f->has_min_dur = true;
		return 0;
	}
	snprintf(err, err_len, "unknown filter --%s", name);
	return -EINVAL;
}

bool rp_filter__active(const struct rp_filter *f)
{
	return f && (f->npids || f->nroots || f->comm || f->unit || f->has_grep || f->has_uid ||
		     f->failed || f->has_since || f->has_until || f->has_min_dur);
}

static uint64_t bind_one(const struct rp_trace *t, bool rel, int64_t raw, const char *txt)
{
	bool r;

	if (rel)
		return rp_trace__first_ns(t) + (uint64_t)raw;
	/* a bare time of day is on the day the trace started, not today */
	if (txt && !rp_parse_time(txt, rp_trace__realtime(t, rp_trace__first_ns(t)), &r, &raw) &&
	    raw < 0)
		return 0;
	return rp_trace__boottime(t, (uint64_t)raw);
}

int rp_filter__bind(struct rp_filter *f, const struct rp_trace *t, char *err, size_t err_len)
{
	if (!f)
		return 0;
	f->trace = t;
	if (((f->has_since && !f->since_rel) || (f->has_until && !f->until_rel)) &&
	    !rp_trace__has_clock(t)) {
		snprintf(err, err_len,
			 "the trace holds no clock anchor: give --since/--until in seconds "
			 "from the start");
		return -ENOENT;
	}
	if (f->has_since)
		f->since_ns = bind_one(t, f->since_rel, f->since_raw, f->since_txt);
	if (f->has_until)
		f->until_ns = bind_one(t, f->until_rel, f->until_raw, f->until_txt);
	return 0;
}

/* Whether the unit of cgroup @id (its path where no unit holds it, "" when
 * the trace does not name it) matches --unit. */
static bool unit_ok(const struct rp_filter *f, uint64_t id)
{
	const char *u = f->trace ? rp_trace__unit(f->trace, id) : NULL;

	if (!u)
		u = "";
	return rp_glob_match(f->unit, u, strlen(u));
}

static bool in_list(const uint32_t *l, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == v)
			return true;
	return false;
}

/* regexec wants a C string: argv with its NULs turned into spaces. */
static bool grep_argv(struct rp_filter *f, const struct etr_str *argv)
{
	size_t n = argv->len;

	if (n + 1 > f->joined_cap) {
		size_t cap = n + 1 < 4096 ? 4096 : n + 1;
		char *j = realloc(f->joined, cap);

		if (!j)
			return false;
		f->joined = j;
		f->joined_cap = cap;
	}
	for (size_t i = 0; i < n; i++)
		f->joined[i] = argv->ptr[i] ? argv->ptr[i] : ' ';
	/* no trailing space for the last NUL: "^ls -l$" should match */
	while (n && argv->ptr[n - 1] == '\0')
		n--;
	f->joined[n] = '\0';
	return regexec(&f->grep, f->joined, 0, NULL, 0) == 0;
}

bool rp_filter__match_proc(const struct rp_filter *f, const struct rp_model *m,
			   const struct rp_proc *p)
{
	uint64_t dur;

	if (!f)
		return true;
	if (f->npids && !in_list(f->pids, f->npids, p->pid))
		return false;
	if (f->nroots) {
		const struct rp_proc *a = p;

		while (a && !in_list(f->roots, f->nroots, a->pid))
			a = a->parent == RP_NONE ? NULL : rp_model__proc(m, a->parent);
		if (!a)
			return false;
	}
	if (f->has_uid && p->uid != f->uid)
		return false;
	if (f->unit && !unit_ok(f, p->cgroup_id))
		return false;
	if (f->failed) {
		bool bad = p->nfail || ((p->flags & RP_PF_EXITED) && (p->exit_code || p->signal));

		if (!bad)
			return false;
	}
	if (f->has_min_dur && (!rp_model__duration(m, p, &dur) || dur < f->min_dur))
		return false;
	if (f->has_since) {
		/* alive at some time after --since */
		if ((p->flags & RP_PF_EXITED) && p->end_ns < f->since_ns)
			return false;
	}
	if (f->has_until && p->start_ns > f->until_ns)
		return false;
	if (f->comm || f->has_grep) {
		bool comm_ok = !f->comm || rp_glob_match(f->comm, rp_model__comm(m, p),
							 strlen(rp_model__comm(m, p)));
		bool grep_ok = !f->has_grep;

		for (uint32_t i = p->exec_first; i != RP_NONE && (!comm_ok || !grep_ok);) {
			const struct rp_exec *x = rp_model__exec(m, i);

			struct etr_str c = rp_model__str(m, x->comm);

			if (!comm_ok && rp_glob_match(f->comm, c.ptr, strlen(c.ptr)))
				comm_ok = true;
			if (!grep_ok && grep_argv((struct rp_filter *)f, &x->argv))
				grep_ok = true;
			i = x->next;
		}
		if (!comm_ok || !grep_ok)
			return false;
	}
	return true;
}

bool rp_filter__match_event(struct rp_filter *f, const struct etr_event *ev)
{
	bool show = true, is_exit = ev->type == ETR_EV_EXIT;
	bool is_fork = ev->type == ETR_EV_FORK && !(ev->flags & ETR_EVF_THREAD);
	bool is_exec =
	    ev->type == ETR_EV_EXEC || ev->type == ETR_EV_EXEC_FAIL || ev->type == RP_EV_PROC;
	uint64_t start;

	if (!f)
		return true;

	if (f->nroots) {
		bool member;

		if ((is_fork || ev->type == RP_EV_PROC) &&
		    (in_list(f->roots, f->nroots, ev->ppid) || pm_get(&f->subtree, ev->ppid, NULL)))
			pm_put(&f->subtree, ev->pid, ev->start_ns);
		if (in_list(f->roots, f->nroots, ev->pid) && !pm_get(&f->subtree, ev->pid, NULL))
			pm_put(&f->subtree, ev->pid, ev->start_ns);
		member = pm_get(&f->subtree, ev->pid, &start) && start == ev->start_ns;
		if (!member)
			show = false;
		if (is_exit && member)
			pm_del(&f->subtree, ev->pid);
	}
	if (f->npids && !in_list(f->pids, f->npids, ev->pid) &&
	    !(is_fork && in_list(f->pids, f->npids, ev->ppid)))
		show = false;
	if (f->has_grep) {
		bool hit = false;

		if (is_exec && grep_argv(f, &ev->argv)) {
			hit = true;
			if (ev->type != ETR_EV_EXEC_FAIL)
				pm_put(&f->grepped, ev->pid, ev->start_ns);
		} else if (pm_get(&f->grepped, ev->pid, &start) && start == ev->start_ns) {
			hit = true;
		}
		if (is_exit)
			pm_del(&f->grepped, ev->pid);
		if (!hit)
			show = false;
	}
	if (!show)
		return false;
	if (f->comm && !rp_glob_match(f->comm, ev->comm.ptr, ev->comm.len))
		return false;
	if (f->has_uid && ev->uid != f->uid)
		return false;
	if (f->unit && !unit_ok(f, ev->cgroup_id))
		return false;
	if (f->failed && ev->type != ETR_EV_EXEC_FAIL &&
	    !(is_exit && (ev->exit_code || ev->signal)))
		return false;
	if (f->has_min_dur && !(is_exit && ev->start_ns && ev->ts_ns >= ev->start_ns &&
				ev->ts_ns - ev->start_ns >= f->min_dur))
		return false;
	if (f->has_since && ev->ts_ns < f->since_ns)
		return false;
	if (f->has_until && ev->ts_ns > f->until_ns)
		return false;
	return true;
}
