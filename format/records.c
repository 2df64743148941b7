/* SPDX-License-Identifier: MIT */
/*
 * Record framing and decoders. A record is: u8 type, LEB128 body length,
 * body. Bodies are sequences of LEB128 numbers and length-prefixed byte
 * strings (SPEC.md, "Records"); fields past the end of a body read as zero,
 * bytes after the fields a reader knows are skipped.
 */
#include <errno.h>
#include <string.h>

#include "common/macros.h"
#include "internal.h"

/* The framing, inlined into the event decoder: a call per record shows. */
static inline int next_record(struct etr_chunk *c, struct etr_record *rec)
{
	struct dec d;
	uint64_t len;

	if (!c->data || c->pos >= c->size)
		return 0;
	d.p = c->data + c->pos + 1;
	d.end = d.limit = c->data + c->size;
	d.bad = 0;
	if (d.p >= d.end)
		return -EBADMSG;
	len = dec_uv(&d);
	if (d.bad || len > (uint64_t)(d.end - d.p))
		return -EBADMSG;
	rec->type = c->data[c->pos];
	rec->offset = c->pos;
	rec->body = d.p;
	rec->len = (uint32_t)len;
	c->pos = (size_t)(d.p + len - c->data);
	c->records_read++;
	return 1;
}

int etr_chunk__next_record(struct etr_chunk *c, struct etr_record *rec)
{
	if (!c || !rec)
		return -EINVAL;
	return next_record(c, rec);
}

static void dec_init(struct dec *d, const struct etr_record *rec)
{
	d->p = rec->body;
	d->end = d->limit = rec->body + rec->len;
	d->bad = 0;
}

int etr_chunk__next_event(struct etr_chunk *c, struct etr_event *ev)
{
	struct etr_record rec;
	struct dec d;
	int err;

	if (!c || !ev)
		return -EINVAL;
	for (;;) {
		err = next_record(c, &rec);
		if (err <= 0)
			return err;
		/* types above 63 carry no prefix and leave the deltas alone */
		if (rec.type && rec.type <= ETR_EV_PREFIXED_MAX)
			break;
	}

	/* Every field set one by one: a memset of the whole event costs a
	 * quarter of the decoding (rep stos). */
	ev->filename.ptr = ev->cwd.ptr = ev->argv.ptr = ev->env.ptr = "";
	ev->filename.len = ev->cwd.len = ev->argv.len = ev->env.len = 0;
	ev->ret = 0;
	ev->argc = ev->argv_orig_len = ev->envc = ev->env_orig_len = 0;
	ev->old_tid = ev->parent_tid = 0;
	ev->exit_code = ev->signal = 0;
	ev->lost_type = 0;
	ev->lost_count = 0;
	dec_init(&d, &rec);
	d.limit = c->data + c->size;
	ev->type = rec.type;
	dec_prefix(&d, &c->delta, ev);

	switch (ev->type) {
	case ETR_EV_EXEC:
	case ETR_EV_EXEC_FAIL:
		ev->ret = (int32_t)dec_sv(&d);
		dec_str(&d, &ev->filename);
		dec_str(&d, &ev->cwd);
		ev->argc = dec_u32(&d);
		ev->argv_orig_len = dec_u32(&d);
		dec_str(&d, &ev->argv);
		ev->old_tid = add_delta32(ev->tid, dec_sv(&d));
		/* present only with ENV (SPEC.md): without it, bytes after
		 * old_tid are a later version's fields, not the environment */
		if (ev->flags & ETR_EVF_ENV) {
			ev->envc = dec_u32(&d);
			ev->env_orig_len = dec_u32(&d);
			dec_str(&d, &ev->env);
		}
		break;
	case ETR_EV_FORK:
		ev->parent_tid = add_delta32(ev->ppid, dec_sv(&d));
		break;
	case ETR_EV_EXIT:
		ev->exit_code = (int32_t)dec_sv(&d);
		ev->signal = (int32_t)dec_u32(&d);
		break;
	case ETR_EV_LOST:
		ev->lost_type = (uint16_t)dec_u32(&d);
		ev->lost_count = dec_uv(&d);
		break;
	default:
		break;
	}
	return d.bad ? -EBADMSG : 1;
}

int etr_record__meta(const struct etr_record *rec, struct etr_str *key, struct etr_str *value)
{
	struct dec d;

	dec_init(&d, rec);
	dec_str(&d, key);
	dec_str(&d, value);
	return d.bad ? -EBADMSG : 0;
}

int etr_record__clock(const struct etr_record *rec, struct etr_clock *clk)
{
	struct dec d;

	dec_init(&d, rec);
	clk->boottime_ns = dec_uv(&d);
	clk->realtime_ns = dec_uv(&d);
	clk->monotonic_ns = dec_uv(&d);
	return d.bad ? -EBADMSG : 0;
}

int etr_record__tpformat(const struct etr_record *rec, struct etr_str *name, struct etr_str *text)
{
	struct dec d;

	dec_init(&d, rec);
	dec_str(&d, name);
	dec_str(&d, text);
	return d.bad ? -EBADMSG : 0;
}

int etr_record__btf(const struct etr_record *rec, uint32_t *kind, struct etr_str *data)
{
	struct dec d;

	dec_init(&d, rec);
	*kind = dec_u32(&d);
	dec_str(&d, data);
	return d.bad ? -EBADMSG : 0;
}

int etr_record__proc(const struct etr_record *rec, struct etr_proc *pr)
{
	struct dec d;

	dec_init(&d, rec);
	pr->flags = dec_u32(&d);
	pr->ts_ns = dec_uv(&d);
	pr->pid = dec_u32(&d);
	pr->ppid = dec_u32(&d);
	pr->uid = dec_u32(&d);
	pr->gid = dec_u32(&d);
	pr->start_ns = dec_uv(&d);
	pr->cgroup_id = dec_uv(&d);
	dec_str(&d, &pr->comm);
	dec_str(&d, &pr->exe);
	dec_str(&d, &pr->cwd);
	pr->argc = dec_u32(&d);
	dec_str(&d, &pr->argv);
	return d.bad ? -EBADMSG : 0;
}

int etr_record__counter(const struct etr_record *rec, struct etr_counter *ctr)
{
	struct dec d;

	dec_init(&d, rec);
	ctr->ts_ns = dec_uv(&d);
	dec_str(&d, &ctr->name);
	ctr->value = dec_uv(&d);
	return d.bad ? -EBADMSG : 0;
}

int etr_record__end(const struct etr_record *rec, struct etr_end *end)
{
	struct dec d;

	dec_init(&d, rec);
	end->ts_ns = dec_uv(&d);
	end->events = dec_uv(&d);
	end->chunks = dec_uv(&d);
	end->status = dec_u32(&d);
	return d.bad ? -EBADMSG : 0;
}

int etr_record__cgroup(const struct etr_record *rec, struct etr_cgroup *cg)
{
	struct dec d;

	dec_init(&d, rec);
	cg->ts_ns = dec_uv(&d);
	cg->op = dec_u32(&d);
	cg->id = dec_uv(&d);
	dec_str(&d, &cg->path);
	return d.bad ? -EBADMSG : 0;
}

bool etr_args__next(const struct etr_str *block, uint32_t *pos, struct etr_str *arg)
{
	const char *s, *nul;
	uint32_t left;

	if (*pos >= block->len)
		return false;
	s = block->ptr + *pos;
	left = block->len - *pos;
	nul = memchr(s, '\0', left);
	arg->ptr = s;
	/* a cut last argument has no NUL: it runs to the end */
	arg->len = nul ? (uint32_t)(nul - s) : left;
	*pos += arg->len + (nul ? 1 : 0);
	return true;
}

const char *etr_chunk_type__str(uint16_t type)
{
	static const char *const names[] = {
	    [ETR_CHUNK_META] = "meta",	   [ETR_CHUNK_TPFORMAT] = "tpformat",
	    [ETR_CHUNK_BTF] = "btf",	   [ETR_CHUNK_PROCSNAP] = "procsnap",
	    [ETR_CHUNK_EVENTS] = "events", [ETR_CHUNK_STATS] = "stats",
	    [ETR_CHUNK_END] = "end",	   [ETR_CHUNK_CGROUP] = "cgroup",
	};

	if (type < ARRAY_SIZE(names) && names[type])
		return names[type];
	return "unknown";
}

const char *etr_record_type__str(uint16_t chunk_type, uint8_t rec_type)
{
	switch (chunk_type) {
	case ETR_CHUNK_META:
		return rec_type == ETR_REC_META_KV	? "meta"
		       : rec_type == ETR_REC_META_CLOCK ? "clock"
							: NULL;
	case ETR_CHUNK_TPFORMAT:
		return rec_type == ETR_REC_TPFORMAT ? "tpformat" : NULL;
	case ETR_CHUNK_BTF:
		return rec_type == ETR_REC_BTF ? "btf" : NULL;
	case ETR_CHUNK_PROCSNAP:
		return rec_type == ETR_REC_PROC ? "proc" : NULL;
	case ETR_CHUNK_STATS:
		return rec_type == ETR_REC_COUNTER ? "counter" : NULL;
	case ETR_CHUNK_END:
		return rec_type == ETR_REC_END ? "end" : NULL;
	case ETR_CHUNK_CGROUP:
		return rec_type == ETR_REC_CGROUP ? "cgroup" : NULL;
	}
	return NULL;
}

const char *etr_event_type__str(uint16_t type)
{
	static const char *const names[] = {
	    [ETR_EV_EXEC] = "exec", [ETR_EV_EXEC_FAIL] = "exec_fail", [ETR_EV_FORK] = "fork",
	    [ETR_EV_EXIT] = "exit", [ETR_EV_LOST] = "lost",
	};

	if (type < ARRAY_SIZE(names) && names[type])
		return names[type];
	return "unknown";
}
