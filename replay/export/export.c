/* SPDX-License-Identifier: MIT */
/*
 * rx_export: the driver every format shares. Events go through the process
 * model with release_ended, so a process is written the moment its record
 * is final and its strings are given back right after: the output streams
 * and memory follows the processes alive at once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/macros.h"
#include "internal.h"

static const struct {
	const char *name;
	enum rx_format format;
} format_names[] = {
    {"perfetto", RX_FMT_PERFETTO},
    {"dot", RX_FMT_DOT},
    {"jsonl", RX_FMT_JSONL},
    {"csv", RX_FMT_CSV},
    {"compile-commands", RX_FMT_COMPILE_COMMANDS},
    /* aliases after the canonical names */
    {"chrome", RX_FMT_PERFETTO},
    {"json", RX_FMT_PERFETTO},
    {"ndjson", RX_FMT_JSONL},
    {"compile_commands", RX_FMT_COMPILE_COMMANDS},
    {"compdb", RX_FMT_COMPILE_COMMANDS},
};

int rx_format__parse(const char *name, enum rx_format *ret_format)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(format_names); i++) {
		if (!strcmp(name, format_names[i].name)) {
			*ret_format = format_names[i].format;
			return 0;
		}
	}
	return -EINVAL;
}

const char *rx_format__name(enum rx_format format)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_names); i++)
		if (format_names[i].format == format)
			return format_names[i].name;
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

enum rx_format rx_format__guess(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (!strcmp(base, "compile_commands.json"))
		return RX_FMT_COMPILE_COMMANDS;
	if (ends_with(base, ".jsonl") || ends_with(base, ".ndjson"))
		return RX_FMT_JSONL;
	if (ends_with(base, ".json"))
		return RX_FMT_PERFETTO;
	if (ends_with(base, ".dot") || ends_with(base, ".gv"))
		return RX_FMT_DOT;
	if (ends_with(base, ".csv"))
		return RX_FMT_CSV;
	return 0;
}

uint64_t rx_window_start(const struct rp_trace *t)
{
	return rp_trace__first_ns(t);
}

/* ---- JSON lines and CSV -------------------------------------------- */

static bool rows_of(const struct rx_export *x, enum rx_rows kind)
{
	return x->rows == RX_ROWS_ALL || x->rows == kind;
}

static int rows_proc(struct rx_export *x, struct rp_proc *p)
{
	if (!rows_of(x, RX_ROWS_PROCESSES))
		return 0;
	/* placeholders are rows of their own only in an unfiltered export:
	 * there every parent has a row */
	if (x->filter &&
	    ((p->flags & RP_PF_PLACEHOLDER) || !rp_filter__match_proc(x->filter, x->m, p)))
		return 0;
	if (x->format == RX_FMT_JSONL)
		rp_print_proc_json(x->out, x->t, x->m, p);
	else
		rp_print_proc_csv(x->out, x->t, x->m, p);
	x->stats.processes++;
	return 0;
}

static void rows_event(struct rx_export *x, const struct etr_event *ev)
{
	bool want = rows_of(x, RX_ROWS_EVENTS) && (ev->type != RP_EV_PROC || x->snapshot);

	/* the filter sees every event, shown or not: it follows forks */
	if (x->filter && !rp_filter__match_event(x->filter, ev))
		return;
	if (!want)
		return;
	if (x->format == RX_FMT_JSONL)
		rp_print_event_json(x->out, x->t, ev);
	else
		rp_print_event_csv(x->out, x->t, ev);
	x->stats.events++;
}

/* ---- the driver ------------------------------------------------------ */

static void on_end(void *ctx, struct rp_model *m, struct rp_proc *p)
{
	struct rx_export *x = ctx;
	int err = 0;

	(void)m;
	if (x->err)
		return;
	switch (x->format) {
	case RX_FMT_PERFETTO:
		err = rx_perfetto_proc(x, p);
		break;
	case RX_FMT_DOT:
		err = rx_dot_proc(x, p);
		break;
	case RX_FMT_JSONL:
	case RX_FMT_CSV:
		err = rows_proc(x, p);
		break;
	case RX_FMT_COMPILE_COMMANDS:
		err = rx_compdb_proc(x, p);
		break;
	}
	if (err)
		x->err = err;
}

struct rx_export *rx_export__new(struct rp_trace *t, FILE *out, const struct rx_export_opts *opts)
{
	struct rx_export *x;

	/* the format has no default: it must be there */
	if (!t || !out || !EC_OPTS_VALID(opts, struct rx_export_opts) ||
	    !EC_OPTS_HAS(opts, format) || !rx_format__name(opts->format)) {
		errno = EINVAL;
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		errno = ENOMEM;
		return NULL;
	}
	x->t = t;
	x->out = out;
	x->format = opts->format;
	x->first = true;
	x->filter = EC_OPTS_GET(opts, filter, NULL);
	x->rows = EC_OPTS_GET(opts, rows, false);
	x->snapshot = EC_OPTS_GET(opts, snapshot, false);
	if (x->filter && !rp_filter__active(x->filter))
		x->filter = NULL;
	x->m = rp_model__new(&(struct rp_model_opts){
	    .sz = sizeof(struct rp_model_opts),
	    .on_end = on_end,
	    .ctx = x,
	    .release_ended = true,
	});
	if (!x->m) {
		free(x);
		errno = ENOMEM;
		return NULL;
	}
	switch (x->format) {
	case RX_FMT_PERFETTO:
		rx_perfetto_begin(x);
		break;
	case RX_FMT_DOT:
		rx_dot_begin(x);
		break;
	case RX_FMT_CSV:
		rp_csv_header(out);
		break;
	case RX_FMT_COMPILE_COMMANDS:
		rx_compdb_begin(x);
		break;
	case RX_FMT_JSONL:
		break;
	}
	return x;
}

int rx_export__add(struct rx_export *x, const struct etr_event *ev)
{
	int err;

	if (!x || !ev || x->finished)
		return -EINVAL;
	if (x->err)
		return x->err;
	/* an event row before the process row its exit completes */
	if (x->format == RX_FMT_JSONL || x->format == RX_FMT_CSV)
		rows_event(x, ev);
	else if (x->format == RX_FMT_PERFETTO)
		rx_perfetto_event(x, ev);
	err = rp_model__add(x->m, ev);
	return err ? err : x->err;
}

int rx_export__finish(struct rx_export *x)
{
	const struct etr_end *end;
	uint64_t last;
	int err = 0;

	if (!x)
		return -EINVAL;
	if (x->finished)
		return x->err;
	x->finished = true;
	last = rp_trace__last_ns(x->t);
	end = rp_trace__end(x->t);
	if (end && end->ts_ns > last)
		last = end->ts_ns;
	if (!x->err)
		x->err = rp_model__finish(x->m, last);
	if (x->err)
		return x->err;
	switch (x->format) {
	case RX_FMT_PERFETTO:
		err = rx_perfetto_finish(x);
		break;
	case RX_FMT_DOT:
		err = rx_dot_finish(x);
		break;
	case RX_FMT_COMPILE_COMMANDS:
		err = rx_compdb_finish(x);
		break;
	default:
		break;
	}
	if (!err && (fflush(x->out) || ferror(x->out)))
		err = -EIO;
	x->err = err;
	return err;
}

void rx_export__free(struct rx_export *x)
{
	if (!x)
		return;
	rp_model__free(x->m);
	rx_keys__release(&x->keys);
	free(x);
}

void rx_export__stats(const struct rx_export *x, struct rx_export_stats *ret_stats)
{
	if (x)
		*ret_stats = x->stats;
	else
		memset(ret_stats, 0, sizeof(*ret_stats));
}

const struct rp_model *rx_export__model(const struct rx_export *x)
{
	return x ? x->m : NULL;
}
