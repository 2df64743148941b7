// SPDX-License-Identifier: MIT
/* BPF records to etr events (see convert.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "convert.h"

static void fill_common(struct etr_event *ev, const struct er_hdr *h)
{
	ev->flags = 0;
	ev->ts_ns = h->ts_ns;
	ev->pid = h->pid;
	ev->tid = h->tid;
	ev->ppid = h->ppid;
	ev->uid = h->uid;
	ev->gid = h->gid;
	ev->start_ns = h->start_ns;
	ev->cgroup_id = h->cgroup_id;
	ev->comm.ptr = h->comm;
	ev->comm.len = strnlen(h->comm, sizeof(h->comm));
}

uint32_t rec_render_cwd(char *out, const uint8_t *in, uint32_t len, bool trunc)
{
	uint32_t end = len, o = 0;

	if (!len) {
		out[0] = '/';
		return 1;
	}
	while (end > 0) {
		uint32_t start = end - 1, n;

		/* in[end-1] is the NUL ending this component */
		while (start > 0 && in[start - 1])
			start--;
		n = end - 1 - start;
		if (o || !trunc)
			out[o++] = '/';
		memcpy(out + o, in + start, n);
		o += n;
		end = start;
	}
	return o;
}

static int convert_exec(const struct er_exec *e, size_t size, bool env, struct rec_scratch *scratch,
			struct etr_event *ev)
{
	const uint8_t *p = e->data;
	uint64_t need =
	    sizeof(*e) + (uint64_t)e->filename_len + e->cwd_len + e->args_len + e->env_len;
	uint16_t f = e->h.flags;

	if (need > size || e->filename_len >= ER_PATH_MAX || e->cwd_len > ER_PATH_MAX)
		return -EBADMSG;
	fill_common(ev, &e->h);
	ev->ret = e->ret;
	ev->old_tid = e->old_tid;
	ev->argc = e->argc;

	ev->filename.ptr = (const char *)p;
	ev->filename.len = e->filename_len;
	/* A failed execveat names its file relative to dirfd; say it the way
	 * the kernel names the program of a successful one. */
	if (e->h.type == ER_EXEC_FAIL && e->dirfd != -100 && (!e->filename_len || p[0] != '/')) {
		int n;

		if (e->filename_len)
			n = snprintf(scratch->filename, sizeof(scratch->filename),
				     "/dev/fd/%d/%.*s", e->dirfd, (int)e->filename_len,
				     (const char *)p);
		else
			n = snprintf(scratch->filename, sizeof(scratch->filename), "/dev/fd/%d",
				     e->dirfd);
		if (n > 0) {
			ev->filename.ptr = scratch->filename;
			ev->filename.len = (uint32_t)n < sizeof(scratch->filename)
					       ? (uint32_t)n
					       : sizeof(scratch->filename) - 1;
		}
	}
	p += e->filename_len;

	ev->cwd.ptr = scratch->cwd;
	ev->cwd.len =
	    rec_render_cwd(scratch->cwd, p, e->cwd_len, f & (ER_F_CWD_TRUNC | ER_F_CWD_FAULT));
	p += e->cwd_len;

	ev->argv.ptr = (const char *)p;
	ev->argv.len = e->args_len;
	ev->argv_orig_len = e->args_orig_len;
	p += e->args_len;

	if (env) {
		ev->flags |= ETR_EVF_ENV;
		ev->env.ptr = (const char *)p;
		ev->env.len = e->env_len;
		ev->envc = e->envc;
		ev->env_orig_len = e->env_orig_len;
	}

	/* Memory that could not be read is argv cut to nothing: the original
	 * length still says how much there was. */
	if (f & (ER_F_ARGS_TRUNC | ER_F_ARGS_FAULT))
		ev->flags |= ETR_EVF_ARGV_TRUNC;
	if (f & (ER_F_ENV_TRUNC | ER_F_ENV_FAULT))
		ev->flags |= ETR_EVF_ENV_TRUNC;
	if (f & (ER_F_CWD_TRUNC | ER_F_CWD_FAULT))
		ev->flags |= ETR_EVF_CWD_TRUNC;
	if (f & ER_F_FILENAME_TRUNC)
		ev->flags |= ETR_EVF_FILENAME_TRUNC;
	ev->type = e->h.type == ER_EXEC ? ETR_EV_EXEC : ETR_EV_EXEC_FAIL;
	return 0;
}

int rec_convert_sample(const void *data, size_t size, bool env, struct rec_scratch *scratch,
		       struct etr_event *ev)
{
	const struct er_hdr *h = data;

	memset(ev, 0, sizeof(*ev));
	if (size < sizeof(*h) || h->size > size || h->size < sizeof(*h))
		return -EBADMSG;
	size = h->size;
	switch (h->type) {
	case ER_EXEC:
	case ER_EXEC_FAIL:
		if (h->size < sizeof(struct er_exec) || convert_exec(data, size, env, scratch, ev))
			return -EBADMSG;
		break;
	case ER_FORK: {
		const struct er_fork *f = data;

		if (h->size < sizeof(*f))
			return -EBADMSG;
		fill_common(ev, h);
		ev->type = ETR_EV_FORK;
		ev->parent_tid = f->parent_tid;
		if (h->flags & ER_F_THREAD)
			ev->flags |= ETR_EVF_THREAD;
		break;
	}
	case ER_EXIT: {
		const struct er_exit *x = data;
		int st = x->status;

		if (h->size < sizeof(*x))
			return -EBADMSG;
		fill_common(ev, h);
		ev->type = ETR_EV_EXIT;
		if (st & 0x7f) {
			ev->signal = st & 0x7f;
			if (st & 0x80)
				ev->flags |= ETR_EVF_CORE_DUMPED;
		} else {
			ev->exit_code = (st >> 8) & 0xff;
		}
		break;
	}
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}
