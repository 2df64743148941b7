// SPDX-License-Identifier: MIT
/*
 * What a trace holds besides events: host metadata, clock anchors, the
 * kernel's tracepoint formats and BTF.  All of it is written before the
 * first event, so a reader meets the context before the data.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "execrec-config.h"
#include "common/macros.h"
#include "internal.h"

/* Upper bound for files read whole: a tracepoint format is a few KiB, the
 * kernel's BTF a few MiB. */
#define SMALL_FILE_MAX (1u << 20)
#define BTF_FILE_MAX (64u << 20)

const char *rec_tracefs(void)
{
	/* libbpf looks under debugfs first when it is there; so do we, so
	 * that what we check is what libbpf will use. */
	static const char *const dirs[] = {"/sys/kernel/debug/tracing", "/sys/kernel/tracing"};
	char path[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (access(dirs[i], F_OK))
			continue;
		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (!access(path, F_OK))
			return dirs[i];
		/* libbpf picks debugfs's directory if it exists at all */
		if (i == 0)
			return NULL;
	}
	return NULL;
}

/* Reads a whole file of at most @max bytes; *ret_buf is malloc'ed and
 * NUL-terminated (not counted in *ret_len). */
static int read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	char *buf = NULL, *nb;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap || !buf) {
			if (buf)
				cap *= 2;
			if (cap > max + 1)
				cap = max + 1;
			nb = realloc(buf, cap);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		if (len + 1 >= cap) {
			err = -EFBIG;
			break;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = 0;
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

static int meta_str(struct etr_writer *w, const char *key, const char *value)
{
	return etr_writer__write_meta(w, key, value, strlen(value));
}

/* The values that hold command lines, under record --redact. */
static int rec_meta_redacted(struct etr_writer *w, const struct recorder_opts *o, const char *key,
			     const char *value, size_t len)
{
	struct etr_str v = {value, (uint32_t)len};
	int err;

	if (o->redact && (err = redactor__meta(o->redact, key, strlen(key), &v)) < 0)
		return err;
	err = etr_writer__write_meta(w, key, v.ptr, v.len);
	if (o->redact)
		redactor__reset(o->redact);
	return err;
}

int rec_write_meta(struct etr_writer *w, const struct recorder_opts *o)
{
	static const char *const modes[] = {"system", "command", "pid"};
	struct utsname u;
	char *buf = NULL;
	size_t len = 0;
	int err, i;

	err = meta_str(w, "tool", "execrec " EXECREC_VERSION);
	if (err)
		return err;
	if (o->argc > 0 && o->argv) {
		/* the arguments, NUL-separated: any byte but NUL survives */
		size_t total = 0, off = 0;
		char *cl;

		for (i = 0; i < o->argc; i++)
			total += strlen(o->argv[i]) + 1;
		cl = malloc(total);
		if (!cl)
			return -ENOMEM;
		for (i = 0; i < o->argc; i++) {
			size_t n = strlen(o->argv[i]) + 1;

			memcpy(cl + off, o->argv[i], n);
			off += n;
		}
		err = rec_meta_redacted(w, o, "cmdline", cl, total);
		free(cl);
		if (err)
			return err;
	}
	if (o->options_text) {
		err = meta_str(w, "options", o->options_text);
		if (err)
			return err;
	}
	if (!uname(&u)) {
		err = meta_str(w, "hostname", u.nodename);
		if (!err)
			err = meta_str(w, "kernel.release", u.release);
		if (!err)
			err = meta_str(w, "kernel.version", u.version);
		if (!err)
			err = meta_str(w, "kernel.machine", u.machine);
		if (!err)
			err = meta_str(w, "kernel.sysname", u.sysname);
		if (err)
			return err;
	}
	if (!read_file("/proc/sys/kernel/random/boot_id", SMALL_FILE_MAX, &buf, &len)) {
		while (len && (buf[len - 1] == '\n'))
			len--;
		err = etr_writer__write_meta(w, "boot_id", buf, len);
		free(buf);
		if (err)
			return err;
	}
	if ((unsigned)o->mode < ARRAY_SIZE(modes)) {
		err = meta_str(w, "mode", modes[o->mode]);
		if (err)
			return err;
	}
	if (o->target)
		err = rec_meta_redacted(w, o, "target", o->target, strlen(o->target));
	if (!err && o->redact)
		err = meta_str(w, "redact.when", "at record time (record --redact)");
	if (!err && o->redact) {
		char rules[REDACT_MAX_RULES * 48] = "";
		size_t n = 0;

		for (size_t k = 0; k < redactor__rule_count(o->redact) && n < sizeof(rules); k++)
			n += snprintf(rules + n, sizeof(rules) - n, "%s%s", k ? "," : "",
				      redactor__rule_name(o->redact, k));
		err = meta_str(w, "redact.rules", rules);
	}
	return err;
}

int rec_write_clock(struct etr_writer *w)
{
	struct etr_clock c;
	uint64_t b0, b1;

	/* Read boottime on both sides of the others and keep the midpoint,
	 * so the anchor is off by half a clock read at most. */
	b0 = rec_now(CLOCK_BOOTTIME);
	c.realtime_ns = rec_now(CLOCK_REALTIME);
	c.monotonic_ns = rec_now(CLOCK_MONOTONIC);
	b1 = rec_now(CLOCK_BOOTTIME);
	c.boottime_ns = b0 + (b1 - b0) / 2;
	return etr_writer__write_clock(w, &c);
}

int rec_write_tpformats(struct etr_writer *w)
{
	/* The tracepoints attached to, and the related ones a maintainer may
	 * want to build other programs for. */
	static const char *const patterns[] = {
	    "events/sched/sched_process_*/format",
	    "events/syscalls/sys_*_execve*/format",
	};
	const char *tfs = rec_tracefs();
	char pat[128];
	size_t i, j;
	int err = 0;

	if (!tfs)
		return 0;
	for (i = 0; i < ARRAY_SIZE(patterns) && !err; i++) {
		glob_t g;

		snprintf(pat, sizeof(pat), "%s/%s", tfs, patterns[i]);
		if (glob(pat, 0, NULL, &g))
			continue;
		for (j = 0; j < g.gl_pathc && !err; j++) {
			/* .../events/SYSTEM/EVENT/format -> SYSTEM:EVENT */
			char *path = g.gl_pathv[j], *ev, *sys, name[128];
			char *text = NULL;
			size_t len;

			if (read_file(path, SMALL_FILE_MAX, &text, &len))
				continue;
			sys = path + strlen(tfs) + strlen("/events/");
			ev = strchr(sys, '/');
			if (ev) {
				snprintf(name, sizeof(name), "%.*s:%.*s", (int)(ev - sys), sys,
					 (int)(strrchr(path, '/') - ev - 1), ev + 1);
				err = etr_writer__write_tpformat(w, name, text, len);
			}
			free(text);
		}
		globfree(&g);
	}
	return err;
}

/* BTF that cannot be had is no reason to lose the recording: the trace says
 * why it has none, in the metadata. */
static int btf_missing(struct etr_writer *w, int err)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "kernel BTF not stored: %s", strerror(-err));
	return meta_str(w, "btf_error", msg);
}

int rec_write_btf(struct etr_writer *w, enum recorder_btf mode, const char *path,
		  const struct btf *btf)
{
	struct btf *vmlinux = NULL;
	void *data = NULL;
	size_t len = 0;
	int err;

	/* The programs were relocated against this file's types, and the
	 * BTF stored below is its, not the kernel's own. */
	if (path) {
		err = meta_str(w, "btf.file", path);
		if (err)
			return err;
	}
	if (mode == RECORDER_BTF_NONE)
		return 0;
	if (mode == RECORDER_BTF_FULL) {
		char *buf;

		err = read_file(path ? path : "/sys/kernel/btf/vmlinux", BTF_FILE_MAX, &buf, &len);
		if (err)
			return btf_missing(w, err);
		err = etr_writer__write_btf(w, ETR_BTF_FULL, buf, len);
		free(buf);
		return err;
	}
	if (!btf) {
		btf = vmlinux = path ? btf__parse(path, NULL) : btf__load_vmlinux_btf();
		if (!vmlinux)
			return btf_missing(w, -errno);
	}
	err = rec_btf_subset__build(btf, &data, &len);
	btf__free(vmlinux);
	if (err)
		return btf_missing(w, err);
	err = etr_writer__write_btf(w, ETR_BTF_SUBSET, data, len);
	free(data);
	return err;
}
