// SPDX-License-Identifier: MIT
/*
 * The recorder proper: load and attach bpf/execrec.bpf.c, drain its ring
 * buffer, turn each record into an etr_event and hand it to the format/
 * writer, whose own thread compresses and writes sealed chunks.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "common/opts.h"
#include "execrec.h"
#include "execrec.skel.h"
#include "convert.h"
#include "common/macros.h"
#include "internal.h"

/* Lost counters and clock anchors are checked this often while draining. */
#define LOST_CHECK_NS 100000000ull
#define STATS_EVERY_NS 10000000000ull
#define CLOCK_EVERY_NS 60000000000ull
#define FOLLOW_SWEEP_NS 1000000000ull

#define RINGBUF_MIN (8u << 20)

_Static_assert(RECORDER_ARGS_DEFAULT == ER_ARGS_DEFAULT && RECORDER_ARGS_MIN == ER_ARGS_MIN &&
		   RECORDER_ARGS_MAX == ER_ARGS_LIMIT,
	       "record.h's argv bounds are bpf/execrec.h's");

struct recorder {
	struct recorder_opts o;
	struct execrec_bpf *skel;
	struct ring_buffer *rb;
	struct etr_writer *w;
	int ncpus;
	uint64_t *percpu; /* ncpus counters, for reading the per-CPU map */

	/* totals, per er_type / er_counter slot */
	uint64_t events[ER_TYPE_MAX];
	uint64_t lost[ER_CNT_MAX];
	uint64_t lost_total;
	uint64_t kprobe_missed; /* calls and returns the kprobes missed */

	uint64_t next_lost_check;
	uint64_t next_stats;
	uint64_t next_clock;
	int err;       /* first error of the sample callback */
	bool at_limit; /* --max-size reached: what is left is counted, not kept */
	uint64_t ready_ns;
	bool have_iter; /* the task iterator loaded */
	struct rec_variant v;
	struct btf *kbtf; /* rec_variant_probe()'s parse, until the BTF subset is written */
	struct bpf_link *links[16];
	size_t nlinks;

	struct rec_scratch scratch; /* what converted events point into */
};

const char *recorder__problem_str(enum recorder_problem p)
{
	switch (p) {
	case RECORDER_OK:
		return "no problem";
	case RECORDER_NO_PRIV:
		return "recording needs root, or the capabilities CAP_BPF and CAP_PERFMON "
		       "(Linux 5.8 or later)";
	case RECORDER_NO_BPF:
		return "this kernel has no bpf() system call (CONFIG_BPF_SYSCALL=y needed)";
	case RECORDER_NO_BTF:
		return "this kernel has no BTF type information (/sys/kernel/btf/vmlinux "
		       "missing): Linux 5.4 or later built with CONFIG_DEBUG_INFO_BTF=y needed, "
		       "or its BTF from a file with --btf FILE";
	case RECORDER_NO_RINGBUF:
		return "this kernel has no BPF ring buffer: Linux 5.8 or later needed";
	case RECORDER_NO_TRACEFS:
		return "tracefs is not mounted; mount it with: "
		       "mount -t tracefs nodev /sys/kernel/tracing";
	case RECORDER_NO_TP:
		return "this kernel lacks the sched_process_exec/fork/exit tracepoints "
		       "execrec needs (CONFIG_TRACEPOINTS=y)";
	case RECORDER_LOAD:
		return "the kernel refused to load the BPF programs (run with "
		       "EXECREC_DEBUG=1 to see the verifier's log)";
	case RECORDER_ATTACH:
		return "a BPF program could not be attached to its tracepoint";
	case RECORDER_OUTPUT:
		return "the trace could not be started on the output";
	case RECORDER_BTF_FILE:
		return "the --btf file cannot be read as BTF";
	case RECORDER_BTF_MISMATCH:
		return "the --btf file does not match this kernel";
	case RECORDER_NO_FEXIT:
		return "this kernel cannot attach fexit programs to its exec functions "
		       "(use --failed-exec=kprobe or tracepoint)";
	case RECORDER_NO_KPROBE:
		return "this kernel cannot attach kprobes to its exec functions "
		       "(CONFIG_KPROBES=y needed; or use --failed-exec=tracepoint)";
	}
	return "unknown problem";
}

int rec_opts_read(struct recorder_opts *o, const struct recorder_opts *u)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	if (!u || !EC_OPTS_VALID(u, struct recorder_opts))
		return -EINVAL;
#define GET(f) o->f = EC_OPTS_GET(u, f, o->f)
	GET(mode);
	GET(max_args_bytes);
	GET(env);
	GET(threads);
	GET(live);
	GET(btf);
	GET(flush_interval_ns);
	GET(max_bytes);
	GET(level);
	GET(argc);
	GET(argv);
	GET(options_text);
	GET(target);
	GET(event_cb);
	GET(event_ctx);
	GET(btf_path);
	GET(programs);
	GET(failed_exec);
	GET(redact);
	GET(ringbuf_bytes);
	GET(kretprobe_maxactive);
#undef GET
	return 0;
}

void recorder__problem_detail(const struct recorder_opts *opts, enum recorder_problem p, int err,
			      char *buf, size_t size)
{
	enum recorder_problem ignored;
	struct recorder_opts ob, *o = &ob;
	struct rec_variant v;

	rec_opts_read(o, opts);

	switch (p) {
	case RECORDER_BTF_FILE:
		/* libbpf's word for a readable file without BTF in it */
		if (err == ENOENT && !access(o->btf_path, R_OK))
			snprintf(buf, size,
				 "%s: neither raw BTF nor an ELF file with a .BTF section",
				 o->btf_path);
		else
			snprintf(buf, size, "%s: %s", o->btf_path, strerror(err));
		return;
	case RECORDER_BTF_MISMATCH:
		snprintf(buf, size,
			 "%s: the verifier rejected the programs relocated against its types",
			 o->btf_path);
		return;
	case RECORDER_NO_BTF:
		if (o->btf_path) {
			snprintf(buf, size,
				 "--programs=%s needs it whatever the --btf file; "
				 "--programs=raw does not",
				 o->programs == RECORDER_PROGS_LOOP ? "loop" : "bounded");
			return;
		}
		break;
	case RECORDER_NO_FEXIT:
		/* what the probe found missing, when it was the probe */
		if (!rec_variant_probe(&v,
				       &(struct recorder_opts){.sz = sizeof(*o),
							       .btf_path = o->btf_path,
							       .programs = o->programs},
				       &ignored, NULL) &&
		    v.fallback[0] && !v.f_fexit_funcs) {
			snprintf(buf, size, "%s", v.fallback);
			return;
		}
		break;
	default:
		break;
	}
	snprintf(buf, size, "%s", strerror(err));
}

static bool has_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {};
	uint64_t eff;

	if (syscall(SYS_capget, &hdr, data))
		return false;
	eff = data[0].effective | ((uint64_t)data[1].effective << 32);
	if (eff & (1ull << CAP_SYS_ADMIN))
		return true;
	/* CAP_BPF (39) and CAP_PERFMON (38), whatever the headers know */
	return (eff & (1ull << 39)) && (eff & (1ull << 38));
}

static int check_machine(bool need_vmlinux_btf, enum recorder_problem *ret_problem);

int recorder__check(enum recorder_problem *ret_problem)
{
	return check_machine(true, ret_problem);
}

/* @need_vmlinux_btf false: BTF comes from a --btf file. */
static int check_machine(bool need_vmlinux_btf, enum recorder_problem *ret_problem)
{
	enum recorder_problem p = RECORDER_OK;
	const char *tfs;
	char path[PATH_MAX];
	int err = 0;

	if (geteuid() != 0 && !has_caps()) {
		p = RECORDER_NO_PRIV;
		err = -EPERM;
		goto out;
	}
	if (need_vmlinux_btf && access("/sys/kernel/btf/vmlinux", R_OK)) {
		p = RECORDER_NO_BTF;
		err = -ENOENT;
		goto out;
	}
	err = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);
	if (err <= 0) {
		if (err == -ENOSYS) {
			p = RECORDER_NO_BPF;
		} else if (err == -EPERM) {
			p = RECORDER_NO_PRIV;
		} else {
			p = RECORDER_NO_RINGBUF;
			err = -EOPNOTSUPP;
		}
		goto out;
	}
	err = 0;
	tfs = rec_tracefs();
	if (!tfs) {
		p = RECORDER_NO_TRACEFS;
		err = -ENOENT;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/events/sched/sched_process_exec", tfs);
	if (access(path, F_OK)) {
		p = RECORDER_NO_TP;
		err = -ENOENT;
	}
out:
	if (ret_problem)
		*ret_problem = p;
	return err;
}

static uint32_t clamp_args(uint32_t v)
{
	if (!v)
		return ER_ARGS_DEFAULT;
	if (v < ER_ARGS_MIN)
		return ER_ARGS_MIN;
	if (v > ER_ARGS_LIMIT)
		return ER_ARGS_LIMIT;
	return v;
}

static uint32_t pow2_at_least(uint64_t v)
{
	uint32_t p = 4096;

	while (p < v && p < (1u << 30))
		p <<= 1;
	return p;
}

/* --------------------------------------------------------------------- */
/* Draining the ring buffer (the conversion is convert.c)                */
/* --------------------------------------------------------------------- */

static int on_sample(void *ctx, void *data, size_t size)
{
	struct recorder *r = ctx;
	const struct er_hdr *h = data;
	struct etr_event ev;
	int err;

	/* The sample is mapped read-only: everything derived from it that
	 * must change is built in r's own buffers (r->scratch). A sample
	 * that does not convert is skipped. */
	if (size >= sizeof(*h) && h->type == ER_CGROUP) {
		/* not an event: a cgroup made or removed, for the CGROUP chunk */
		if (h->size > size || h->size < sizeof(*h))
			return 0;
		err = rec_cgroup_sample(r->w, r->o.redact, data, h->size);
		if (err)
			r->err = err;
		return err;
	}
	if (rec_convert_sample(data, size, r->o.env, &r->scratch, &ev))
		return 0;
	if (r->o.redact && (err = redactor__event(r->o.redact, &ev)) < 0) {
		r->err = err;
		return err;
	}
	err = etr_writer__write_event(r->w, &ev);
	if (err && err != -EFBIG) {
		r->err = err;
		return err;
	}
	/* Past max_bytes the writer counts the event lost (LOST records end
	 * the file): handed over all the same. */
	r->events[h->type]++;
	if (err) {
		r->err = err;
		return r->at_limit ? 0 : err;
	}
	if (r->o.event_cb)
		r->o.event_cb(r->o.event_ctx, &ev);
	return 0;
}

/* --------------------------------------------------------------------- */
/* Lost events and statistics                                             */
/* --------------------------------------------------------------------- */

static const char *const type_names[ER_TYPE_MAX] = {
    [ER_EXEC] = "exec",
    [ER_EXEC_FAIL] = "exec_fail",
    [ER_FORK] = "fork",
    [ER_EXIT] = "exit",
};

static const uint16_t etr_type_of[ER_TYPE_MAX] = {
    [ER_EXEC] = ETR_EV_EXEC,
    [ER_EXEC_FAIL] = ETR_EV_EXEC_FAIL,
    [ER_FORK] = ETR_EV_FORK,
    [ER_EXIT] = ETR_EV_EXIT,
};

static int lost_event(struct recorder *r, uint16_t type, uint64_t count)
{
	struct etr_event ev = {0};
	int err;

	ev.type = ETR_EV_LOST;
	ev.ts_ns = rec_now(CLOCK_BOOTTIME);
	ev.comm.ptr = "";
	ev.lost_type = type;
	ev.lost_count = count;
	/* past max_bytes, the writer keeps the count */
	err = etr_writer__write_event(r->w, &ev);
	if (!err && r->o.event_cb)
		r->o.event_cb(r->o.event_ctx, &ev);
	if (!err || err == -EFBIG)
		r->lost_total += count;
	return err;
}

/* Sums the per-CPU counters; for each type whose count grew since the last
 * look, a LOST event goes where the loss was noticed. */
static int check_lost(struct recorder *r)
{
	int fd = bpf_map__fd(r->skel->maps.counters);
	uint64_t missed;
	uint32_t slot;
	int err, limit = 0;

	for (slot = 1; slot < ER_CNT_MAX; slot++) {
		uint64_t sum = 0;
		int i;

		if (bpf_map_lookup_elem(fd, &slot, r->percpu))
			continue;
		for (i = 0; i < r->ncpus; i++)
			sum += r->percpu[i];
		if (sum <= r->lost[slot])
			continue;
		if (slot < ER_TYPE_MAX) {
			err = lost_event(r, etr_type_of[slot], sum - r->lost[slot]);
			if (err == -EFBIG)
				limit = err;
			else if (err)
				return err;
		}
		r->lost[slot] = sum;
	}
	/* A kprobe's miss is a failed exec possibly lost: at most one each
	 * (the return of a successful exec loses nothing). */
	if (!rec_kprobe_missed(&r->v, &missed) && missed > r->kprobe_missed) {
		err = lost_event(r, ETR_EV_EXEC_FAIL, missed - r->kprobe_missed);
		if (err == -EFBIG)
			limit = err;
		else if (err)
			return err;
		r->kprobe_missed = missed;
	}
	return limit;
}

static int write_counter(struct recorder *r, uint64_t ts, const char *name, uint64_t value)
{
	struct etr_counter c = {
	    .ts_ns = ts,
	    .name = {.ptr = name, .len = strlen(name)},
	    .value = value,
	};

	return etr_writer__write_counter(r->w, &c);
}

static uint64_t recursion_misses(struct recorder *r)
{
	struct bpf_program *p;
	uint64_t sum = 0;

	bpf_object__for_each_program(p, r->skel->obj)
	{
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);
		int fd = bpf_program__fd(p);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			sum += info.recursion_misses;
	}
	return sum;
}

static int write_stats(struct recorder *r)
{
	uint64_t ts = rec_now(CLOCK_BOOTTIME);
	char name[32];
	int t, err;

	for (t = 1; t < ER_TYPE_MAX; t++) {
		snprintf(name, sizeof(name), "events.%s", type_names[t]);
		err = write_counter(r, ts, name, r->events[t]);
		if (err)
			return err;
		snprintf(name, sizeof(name), "lost.%s", type_names[t]);
		err = write_counter(r, ts, name, r->lost[t]);
		if (err)
			return err;
	}
	/* Runs of our programs the kernel skipped because another BPF
	 * program was running on that CPU: events lost before any counter
	 * of ours could see them. */
	err = write_counter(r, ts, "lost.bpf_recursion", recursion_misses(r));
	if (err)
		return err;
	/* Children of followed processes that the follow map had no room
	 * for: their events are missing without any ring buffer loss. */
	if (r->lost[ER_CNT_CGROUP]) {
		err = write_counter(r, ts, "lost.cgroup", r->lost[ER_CNT_CGROUP]);
		if (err)
			return err;
	}
	if (r->v.nkprobes) {
		err = write_counter(r, ts, "lost.kprobe_missed", r->kprobe_missed);
		if (err)
			return err;
	}
	if (r->o.mode != RECORDER_SYSTEM) {
		err = write_counter(r, ts, "lost.follow", r->lost[ER_CNT_FOLLOW_FULL]);
		if (err)
			return err;
	}
	return 0;
}

/* --------------------------------------------------------------------- */
/* Life cycle                                                             */
/* --------------------------------------------------------------------- */

static void detach_all(struct recorder *r)
{
	while (r->nlinks)
		bpf_link__destroy(r->links[--r->nlinks]);
	rec_kprobe_remove_all(&r->v);
}

/* Open the skeleton, size and configure it, load it. */
static int open_and_load(struct recorder *r, const struct recorder_opts *opts, uint32_t max_args)
{
	uint32_t scratch, ring;
	uint64_t rec_max;

	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = opts->btf_path);

	detach_all(r);
	execrec_bpf__destroy(r->skel);
	r->skel = execrec_bpf__open_opts(&oo);
	if (!r->skel)
		return -errno;
	rec_variant_apply(r->skel, &r->v, r->have_iter);
	r->skel->rodata->cfg_follow = opts->mode != RECORDER_SYSTEM;
	r->skel->rodata->cfg_threads = opts->threads;
	r->skel->rodata->cfg_env = opts->env;
	r->skel->rodata->cfg_max_args = max_args;

	/* The scratch value holds the largest exec record plus the spare
	 * room the failed-exec walk reads into (see strv_step()). */
	scratch = sizeof(struct er_exec) + 2 * ER_PATH_MAX + 2 * max_args;
	if (opts->env)
		scratch += 2 * max_args;
	bpf_map__set_value_size(r->skel->maps.scratch, scratch);
	bpf_map__set_max_entries(r->skel->maps.scratch, r->ncpus);
	/* Room for several records of the largest size, and for 100 ms of a
	 * 60,000 events/s storm many times over. */
	rec_max = sizeof(struct er_exec) + 2 * ER_PATH_MAX + max_args * (opts->env ? 2 : 1);
	ring = pow2_at_least(rec_max * 8 > RINGBUF_MIN ? rec_max * 8 : RINGBUF_MIN);
	/* ringbuf_bytes: a test knob, to make the ring overflow on purpose
	 * and check that every loss is counted. */
	if (opts->ringbuf_bytes)
		ring = pow2_at_least(opts->ringbuf_bytes);
	bpf_map__set_max_entries(r->skel->maps.events, ring);
	/* Batch wakeups unless a live view wants every event at once.  The
	 * test knob drains only on the poll timeout, so the ring does fill. */
	r->skel->rodata->cfg_wakeup_bytes =
	    opts->live ? 0 : bpf_map__max_entries(r->skel->maps.events) / 8;
	if (opts->ringbuf_bytes)
		r->skel->rodata->cfg_wakeup_bytes = ~0ull;

	return execrec_bpf__load(r->skel);
}

struct recorder *recorder__new(int fd, const struct recorder_opts *user_opts,
			       enum recorder_problem *ret_problem)
{
	enum recorder_problem problem = RECORDER_OK;
	struct etr_writer_opts wo = {.sz = sizeof(wo)};
	struct recorder_opts ob, *opts = &ob;
	struct recorder *r;
	uint32_t max_args;
	int err;

	if (rec_opts_read(opts, user_opts) || fd < 0) {
		err = -EINVAL;
		goto err_out;
	}
	err = check_machine(!opts->btf_path, &problem);
	if (err)
		goto err_out;

	r = calloc(1, sizeof(*r));
	if (!r) {
		err = -ENOMEM;
		goto err_out;
	}
	r->o = *opts;
	r->o.max_args_bytes = max_args = clamp_args(opts->max_args_bytes);
	r->ncpus = libbpf_num_possible_cpus();
	if (r->ncpus <= 0) {
		err = r->ncpus ? r->ncpus : -EINVAL;
		goto err_free;
	}
	r->percpu = calloc(r->ncpus, sizeof(uint64_t));
	if (!r->percpu) {
		err = -ENOMEM;
		goto err_free;
	}

	/* the BTF subset of the trace is made from the same parse */
	err = rec_variant_probe(&r->v, &r->o, &problem,
				r->o.btf == RECORDER_BTF_SUBSET ? &r->kbtf : NULL);
	if (err)
		goto err_free;
	/* The task iterator (exact start times for the snapshot) is a nicety:
	 * a kernel without iterators loads everything else.  So are fexit and
	 * kprobes: a kernel without them gets the tracepoints. */
	r->have_iter = !r->v.raw; /* iterators need the kernel's own BTF */
	for (;;) {
		err = open_and_load(r, opts, max_args);
		problem = RECORDER_LOAD;
		if (!err)
			err = rec_variant_attach(r->skel, &r->v, r->links, ARRAY_SIZE(r->links),
						 &r->nlinks, &problem);
		if (!err)
			break;
		if (r->v.failed != RECORDER_FAILED_TRACEPOINT &&
		    opts->failed_exec == RECORDER_FAILED_AUTO) {
			rec_variant_fall_back(
			    &r->v,
			    problem == RECORDER_LOAD ? "programs not loaded" : "not attached", err);
			continue;
		}
		if (r->have_iter && problem == RECORDER_LOAD) {
			r->have_iter = false;
			continue;
		}
		if (problem == RECORDER_LOAD && opts->failed_exec == RECORDER_FAILED_FEXIT)
			problem = RECORDER_NO_FEXIT;
		else if (problem == RECORDER_LOAD && opts->failed_exec == RECORDER_FAILED_KPROBE)
			problem = RECORDER_NO_KPROBE;
		else if (problem == RECORDER_LOAD && opts->btf_path)
			problem = RECORDER_BTF_MISMATCH;
		goto err_free;
	}

	r->rb = ring_buffer__new(bpf_map__fd(r->skel->maps.events), on_sample, r, NULL);
	if (!r->rb) {
		err = -errno;
		problem = RECORDER_LOAD;
		goto err_free;
	}
	r->ready_ns = rec_now(CLOCK_MONOTONIC);

	wo.flush_interval_ns = opts->flush_interval_ns;
	wo.max_bytes = opts->max_bytes;
	wo.level = opts->level;
	wo.async = true;
	r->w = etr_writer__open_fd(fd, &wo);
	if (!r->w) {
		err = -errno;
		problem = RECORDER_OUTPUT;
		goto err_free;
	}
	if (ret_problem)
		*ret_problem = RECORDER_OK;
	return r;

err_free:
	recorder__free(r);
err_out:
	if (ret_problem)
		*ret_problem = problem;
	errno = -err;
	return NULL;
}

int recorder__follow(struct recorder *r, pid_t pid, bool descendants)
{
	int fd;
	uint8_t one = 1;
	uint32_t key = pid;
	pid_t *kids = NULL;
	size_t n = 0, i, prev = (size_t)-1;
	int err;

	if (!r || pid <= 0 || r->o.mode == RECORDER_SYSTEM)
		return -EINVAL;
	if (kill(pid, 0) && errno == ESRCH)
		return -ESRCH;
	/* a thread id means its process: the map is keyed by tgid */
	pid = rec_tgid_of(pid);
	key = pid;
	fd = bpf_map__fd(r->skel->maps.follow);
	if (bpf_map_update_elem(fd, &key, &one, BPF_ANY))
		return -errno;
	if (!descendants)
		return 0;
	/* Children started from now on are added by the fork hook.  Those
	 * started before are in /proc; a child found there may fork again
	 * before it is added, so walk until a walk finds nothing new. */
	for (int round = 0; round < 16; round++) {
		free(kids);
		kids = NULL;
		err = rec_descendants(pid, &kids, &n);
		if (err)
			return err;
		for (i = 0; i < n; i++) {
			key = kids[i];
			bpf_map_update_elem(fd, &key, &one, BPF_ANY);
		}
		if (n == prev)
			break;
		prev = n;
	}
	free(kids);
	return 0;
}

/* The keys of the follow map, which after recorder__follow() are exactly
 * the followed processes alive. */
static int followed_pids(struct recorder *r, pid_t **ret, size_t *ret_n)
{
	int fd = bpf_map__fd(r->skel->maps.follow);
	uint32_t key, next, *kp = NULL;
	size_t n = 0, cap = 0;
	pid_t *v = NULL;

	while (!bpf_map_get_next_key(fd, kp, &next)) {
		if (n == cap) {
			pid_t *nv;

			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[n++] = next;
		key = next;
		kp = &key;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int cmp_rec_start(const void *a, const void *b)
{
	const struct rec_start *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Exact start times of every process, from the task iterator; none (and no
 * error) when the kernel has no iterators: /proc's are used then. */
static void read_starts(struct recorder *r, struct rec_start **ret, size_t *ret_n)
{
	struct bpf_link *link;
	struct rec_start *v = NULL;
	size_t n = 0, cap = 0;
	int fd;

	*ret = NULL;
	*ret_n = 0;
	if (!r->have_iter)
		return;
	link = bpf_program__attach_iter(r->skel->progs.snapshot_tasks, NULL);
	if (!link)
		return;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		bpf_link__destroy(link);
		return;
	}
	for (;;) {
		struct er_snap buf[256];
		ssize_t got = read(fd, buf, sizeof(buf));
		size_t i;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		for (i = 0; i < (size_t)got / sizeof(buf[0]); i++) {
			if (n == cap) {
				struct rec_start *nv;

				cap = cap ? 2 * cap : 1024;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv)
					goto done;
				v = nv;
			}
			v[n].pid = buf[i].pid;
			v[n].start_ns = buf[i].start_ns;
			n++;
		}
	}
done:
	close(fd);
	bpf_link__destroy(link);
	qsort(v, n, sizeof(*v), cmp_rec_start);
	*ret = v;
	*ret_n = n;
}

int recorder__begin(struct recorder *r)
{
	struct rec_start *starts = NULL;
	size_t nstarts = 0;
	uint64_t now = rec_now(CLOCK_MONOTONIC);
	int err;

	if (!r)
		return -EINVAL;
	err = rec_write_meta(r->w, &r->o);
	if (!err)
		err = rec_write_variant(r->w, &r->v, r->have_iter);
	if (!err)
		err = rec_write_clock(r->w);
	if (!err)
		err = rec_write_tpformats(r->w);
	if (!err)
		err = rec_write_btf(r->w, r->o.btf, r->o.btf_path, r->kbtf);
	/* needed for nothing else */
	btf__free(r->kbtf);
	r->kbtf = NULL;
	if (!err) {
		read_starts(r, &starts, &nstarts);
		if (r->o.mode == RECORDER_SYSTEM) {
			err = rec_snapshot(r->w, NULL, 0, starts, nstarts, r->o.redact);
		} else {
			pid_t *pids = NULL;
			size_t n = 0;

			err = followed_pids(r, &pids, &n);
			if (!err)
				err = rec_snapshot(r->w, pids, n, starts, nstarts, r->o.redact);
			free(pids);
		}
		free(starts);
	}
	if (!err)
		err = rec_cgroup_walk(r->w, r->o.redact);
	if (!err)
		err = write_stats(r);
	/* With a size limit, whether the start of the trace fits is known
	 * before anything is followed (-EFBIG, recorder__stats() says how
	 * much it needs). */
	if (!err && r->o.max_bytes)
		err = etr_writer__flush(r->w);
	r->next_lost_check = now + LOST_CHECK_NS;
	r->next_stats = now + STATS_EVERY_NS;
	r->next_clock = now + CLOCK_EVERY_NS;
	return err;
}

static int periodic(struct recorder *r)
{
	uint64_t now = rec_now(CLOCK_MONOTONIC);
	int err = 0;

	if (now >= r->next_lost_check) {
		err = check_lost(r);
		r->next_lost_check = now + LOST_CHECK_NS;
	}
	if (!err && now >= r->next_stats) {
		err = write_stats(r);
		r->next_stats = now + STATS_EVERY_NS;
	}
	if (!err && now >= r->next_clock) {
		err = rec_write_clock(r->w);
		r->next_clock = now + CLOCK_EVERY_NS;
	}
	if (!err)
		err = etr_writer__tick(r->w, now);
	return err;
}

int recorder__poll(struct recorder *r, int timeout_ms)
{
	uint64_t before;
	int n, err;

	if (!r)
		return -EINVAL;
	if (r->err)
		return r->err;
	before = r->events[1] + r->events[2] + r->events[3] + r->events[4];
	n = ring_buffer__poll(r->rb, timeout_ms);
	if (n < 0 && n != -EINTR)
		return r->err ? r->err : n;
	/* Wakeups are batched (cfg_wakeup_bytes): a quiet timeout may still
	 * leave records waiting. */
	err = ring_buffer__consume(r->rb);
	if (err < 0 && err != -EINTR)
		return r->err ? r->err : err;
	err = periodic(r);
	if (err)
		return err;
	if (n == -EINTR)
		return -EINTR;
	return (int)(r->events[1] + r->events[2] + r->events[3] + r->events[4] - before);
}

int recorder__followed(struct recorder *r)
{
	return recorder__followed_list(r, NULL, 0);
}

int recorder__followed_list(struct recorder *r, pid_t *ret_pids, size_t cap)
{
	int fd = bpf_map__fd(r->skel->maps.follow);
	pid_t *pids = NULL;
	size_t n = 0, i;
	int alive = 0, err;

	err = followed_pids(r, &pids, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		uint32_t key = pids[i];

		/* A process that exited before it was added has no exit event
		 * to remove it. */
		if (rec_pid_alive(pids[i])) {
			if ((size_t)alive < cap)
				ret_pids[alive] = pids[i];
			alive++;
		} else
			bpf_map_delete_elem(fd, &key);
	}
	free(pids);
	return alive;
}

int recorder__finish(struct recorder *r, uint32_t status)
{
	int err, err2;

	if (!r)
		return -EINVAL;
	err = r->err;
	if (!err) {
		err = ring_buffer__consume(r->rb);
		err = err < 0 ? (r->err ? r->err : err) : 0;
	}
	if (err == -EFBIG) {
		/* What is still in the ring goes to the writer, which counts
		 * it lost: every event handed over is in the file or counted. */
		r->at_limit = true;
		ring_buffer__consume(r->rb);
	}
	if (!err || err == -EFBIG) {
		err2 = check_lost(r);
		if (!err)
			err = err2;
	}
	if (!err)
		err = write_stats(r);
	if (err && err != -EFBIG)
		status = ETR_END_ERROR;
	else if (err == -EFBIG)
		status = ETR_END_SIZE_LIMIT;
	err2 = etr_writer__close(r->w, status);
	return err ? err : err2;
}

void recorder__free(struct recorder *r)
{
	if (!r)
		return;
	ring_buffer__free(r->rb);
	detach_all(r);
	execrec_bpf__destroy(r->skel);
	etr_writer__free(r->w);
	btf__free(r->kbtf);
	free(r->percpu);
	free(r);
}

void recorder__stats(const struct recorder *r, struct recorder_stats *s)
{
	struct etr_writer_stats ws;

	memset(s, 0, sizeof(*s));
	if (!r)
		return;
	s->events = r->events[1] + r->events[2] + r->events[3] + r->events[4];
	s->lost = r->lost_total;
	etr_writer__stats(r->w, &ws);
	s->dropped = ws.events_dropped;
	s->size_needed = ws.size_needed;
	s->bytes_written = ws.bytes_written;
	s->ready_ns = r->ready_ns;
}
