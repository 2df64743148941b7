// SPDX-License-Identifier: MIT
/*
 * record/session.h driven directly, as a boot service would: its file
 * rules and the move of a finished trace, its options convention, finding
 * CMD (all without root), then real recordings (BPF, root) stopped by the
 * caller's condition, a signal, the end of followed pids and of CMD, each
 * ending cleanly with an END chunk.
 *
 * The recorded suite is skipped without BPF unless EXECREC_REQUIRE_BPF=1.
 * Environment: EXECREC (the execrec binary, for the BPF check).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "bpf.h"
#include "common/macros.h"
#include "etr.h"
#include "internal.h"
#include "run.h"
#include "session.h"

static char tmpdir[] = "/tmp/er-session-api-XXXXXX";

static void path_in(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name);
}

static void put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
}

/* ------------------------------------------------------------------ */
/* Without root                                                        */
/* ------------------------------------------------------------------ */

static void test_output_open(void)
{
	char path[PATH_MAX], link[PATH_MAX];
	bool created;
	struct stat st;
	int fd, mode_err;

	/* new: made 0600, ours to remove */
	path_in(path, "new.etr");
	fd = rec_output__open(path, false, &created, &mode_err);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_TRUE(created);
	CU_ASSERT_EQUAL(mode_err, 0);
	CU_ASSERT(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600);
	close(fd);
	/* existing: refused without force, kept */
	CU_ASSERT_EQUAL(rec_output__open(path, false, &created, &mode_err), -EEXIST);
	CU_ASSERT_FALSE(created);
	/* existing with content and force: truncated, made 0600, not "created" */
	put_file(path, "old content");
	chmod(path, 0644);
	fd = rec_output__open(path, true, &created, &mode_err);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FALSE(created);
	CU_ASSERT(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_size == 0);
	close(fd);
	/* a symlink: never written through, even with force */
	path_in(link, "link.etr");
	CU_ASSERT_FATAL(symlink(path, link) == 0);
	CU_ASSERT_EQUAL(rec_output__open(link, true, &created, &mode_err), -ELOOP);
	CU_ASSERT_EQUAL(rec_output__open(link, false, &created, &mode_err), -EEXIST);
	/* a place that is not there */
	CU_ASSERT_EQUAL(rec_output__open("/proc/er-nonexistent/x.etr", false, &created, &mode_err),
			-ENOENT);
}

static void test_output_move(void)
{
	char from[PATH_MAX], to[PATH_MAX], other[PATH_MAX], buf[64];
	struct stat st;

	/* same file system: renamed, the directory made 0750 */
	path_in(from, "a.etr");
	path_in(to, "kept/a.etr");
	put_file(from, "trace a");
	CU_ASSERT_EQUAL(rec_output__move(from, to, false), 0);
	CU_ASSERT(access(from, F_OK) != 0);
	read_file(to, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "trace a");
	path_in(other, "kept");
	CU_ASSERT(stat(other, &st) == 0 && (st.st_mode & 07777) == 0750);

	/* an existing destination: kept without force, replaced with it */
	put_file(from, "trace b");
	CU_ASSERT_EQUAL(rec_output__move(from, to, false), -EEXIST);
	read_file(from, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "trace b");
	CU_ASSERT_EQUAL(rec_output__move(from, to, true), 0);
	read_file(to, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "trace b");

	/* a place that cannot be written: the source stays whole */
	put_file(from, "trace c");
	CU_ASSERT_EQUAL(rec_output__move(from, "/proc/er-nonexistent/x/c.etr", false), -ENOENT);
	read_file(from, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "trace c");
	CU_ASSERT_EQUAL(rec_output__move(from, "/proc/sys/er-c.etr", false), -ENOENT);
	CU_ASSERT_EQUAL(rec_output__move(from, "", false), -EINVAL);

	/* another file system (/dev/shm is a tmpfs): copied beside the
	 * destination, renamed, the source removed, no temporary left */
	if (stat("/dev/shm", &st) == 0) {
		struct stat t;
		char shm[PATH_MAX], tmp[PATH_MAX];

		snprintf(shm, sizeof(shm), "/dev/shm/er-move-%d.etr", (int)getpid());
		put_file(shm, "trace d");
		path_in(to, "kept/d.etr");
		CU_ASSERT_EQUAL(rec_output__move(shm, to, false), 0);
		CU_ASSERT(access(shm, F_OK) != 0);
		read_file(to, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, "trace d");
		CU_ASSERT(stat(to, &t) == 0 && (t.st_mode & 07777) == 0600);
		path_in(tmp, "kept/.d.etr.tmp");
		CU_ASSERT(access(tmp, F_OK) != 0);
		/* and back: into directories that are not there, on the tmpfs */
		snprintf(shm, sizeof(shm), "/dev/shm/er-move-%d/x/d.etr", (int)getpid());
		CU_ASSERT_EQUAL(rec_output__move(to, shm, false), 0);
		read_file(shm, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, "trace d");
		unlink(shm);
		*strrchr(shm, '/') = 0;
		CU_ASSERT(stat(shm, &t) == 0 && (t.st_mode & 07777) == 0750);
		rmdir(shm);
		*strrchr(shm, '/') = 0;
		rmdir(shm);
	}
}

/* Entries of the directory @dir but . and .. */
static int dir_entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/*
 * Where the boot service's trace goes when /var/log is full or read-only:
 * the move fails with the file system's reason, the trace stays whole where
 * it was recorded, and nothing (no part, no temporary) is left behind.
 * Mounting needs root: without it this test has nothing to run.
 */
static void test_output_move_refused(void)
{
	static const struct {
		const char *name;
		unsigned long flags;
		int err;
	} fs[] = {
	    {"full", 0, -ENOSPC},
	    {"readonly", MS_RDONLY, -EROFS},
	};
	char from[PATH_MAX], dir[PATH_MAX], to[PATH_MAX + 16];
	static char big[256 << 10];
	struct stat st;
	int fd;

	if (geteuid() != 0)
		return;
	path_in(from, "whole.etr");
	memset(big, 'x', sizeof(big));
	fd = open(from, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, big, sizeof(big)) == (ssize_t)sizeof(big));
	close(fd);
	for (size_t i = 0; i < ARRAY_SIZE(fs); i++) {
		path_in(dir, fs[i].name);
		CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
		/* 64 KiB: smaller than the trace */
		CU_ASSERT_FATAL(mount("tmpfs", dir, "tmpfs", fs[i].flags, "size=64k") == 0);
		snprintf(to, sizeof(to), "%s/boot.etr", dir);
		CU_ASSERT_EQUAL(rec_output__move(from, to, false), fs[i].err);
		CU_ASSERT(stat(from, &st) == 0 && st.st_size == (off_t)sizeof(big));
		CU_ASSERT_EQUAL(dir_entries(dir), 0);
		CU_ASSERT_EQUAL(umount(dir), 0);
		rmdir(dir);
	}
	unlink(from);
}

/* Options of any size the library knows; bytes it does not know must be
 * zero (common/opts.h). */
static void test_opts(void)
{
	struct {
		struct rec_session_opts o;
		char newer[16];
	} big;
	struct recorder_opts ro = {.sz = sizeof(ro), .env = true, .max_args_bytes = 8192};
	struct recorder_opts got;
	struct rec_session_failure f;
	char path[PATH_MAX];
	size_t small;

	/* a smaller recorder_opts (an older caller): what it has, the rest 0 */
	small = offsetof(struct recorder_opts, env) + sizeof(ro.env);
	ro.threads = true; /* past the smaller sz: not read */
	ro.sz = small;
	CU_ASSERT_EQUAL(rec_opts_read(&got, &ro), 0);
	CU_ASSERT_TRUE(got.env);
	CU_ASSERT_EQUAL(got.max_args_bytes, 8192);
	CU_ASSERT_FALSE(got.threads);
	CU_ASSERT_EQUAL(got.sz, sizeof(got));
	CU_ASSERT_EQUAL(rec_opts_read(&got, NULL), -EINVAL);
	ro.sz = 2; /* not even its sz */
	CU_ASSERT_EQUAL(rec_opts_read(&got, &ro), -EINVAL);

	/* a newer caller's session opts with a field set this library does
	 * not know: refused before anything is made */
	ro.sz = sizeof(ro);
	path_in(path, "never.etr");
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.o.output = path;
	big.o.recorder = &ro;
	big.newer[3] = 1;
	errno = 0;
	CU_ASSERT_PTR_NULL(rec_session__start(&big.o, &f));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_EQUAL(f.err, -EINVAL);
	CU_ASSERT(access(path, F_OK) != 0);
	/* the same with the unknown bytes zero gets past the options (and
	 * fails later only where the machine cannot record) */
	big.newer[3] = 0;
	big.o.move_to = path; /* but a move without an output file is wrong */
	big.o.output = NULL;
	CU_ASSERT_PTR_NULL(rec_session__start(&big.o, &f));
	CU_ASSERT_EQUAL(f.err, -EINVAL);
	/* a recorder_opts with unknown bytes set is refused too */
	{
		struct {
			struct recorder_opts o;
			char newer[8];
		} rbig = {.o = {.sz = sizeof(rbig)}, .newer = {0, 0, 0, 0, 0, 0, 0, 9}};

		CU_ASSERT_EQUAL(rec_opts_read(&got, &rbig.o), -EINVAL);
		rbig.newer[7] = 0;
		CU_ASSERT_EQUAL(rec_opts_read(&got, &rbig.o), 0);
	}
}

static void test_cmd_find(void)
{
	char buf[PATH_MAX], small[8];

	CU_ASSERT_EQUAL(rec_cmd_find("sh", "/er-nonexistent:/bin:/usr/bin", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/bin/sh");
	/* a name with a slash is taken as it is */
	CU_ASSERT_EQUAL(rec_cmd_find("./x/y", "/bin", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "./x/y");
	/* not a regular executable file: a directory is not found */
	CU_ASSERT_EQUAL(rec_cmd_find("er-nonexistent-cmd", NULL, buf, sizeof(buf)), -ENOENT);
	CU_ASSERT_EQUAL(rec_cmd_find("bin", "/", buf, sizeof(buf)), -ENOENT);
	/* no PATH: the default one */
	CU_ASSERT_EQUAL(rec_cmd_find("sh", NULL, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(rec_cmd_find("/a/long/path", NULL, small, sizeof(small)), -ENAMETOOLONG);
}

/* ------------------------------------------------------------------ */
/* Recording (BPF, root)                                               */
/* ------------------------------------------------------------------ */

struct seen {
	const char *marker; /* an argv word to look for */
	bool saw;	    /* an exec with it was recorded */
	pid_t kid;	    /* started at READY (at ATTACHED with at_attach) */
	bool at_attach;
	int ticks;
	int notes, attached_at, ready_at; /* the order of the notes, from 1 */
	int raise_sig;			  /* raised at READY */
};

static void on_event(void *ctx, const struct etr_event *ev)
{
	struct seen *s = ctx;

	if (ev->type == ETR_EV_EXEC && s->marker &&
	    memmem(ev->argv.ptr, ev->argv.len, s->marker, strlen(s->marker)))
		s->saw = true;
}

static void on_note(void *ctx, struct rec_session *sess, enum rec_session_note note, uint64_t now)
{
	struct seen *s = ctx;

	(void)now;
	CU_ASSERT_PTR_NOT_NULL(rec_session__recorder(sess));
	s->notes++;
	if (note == REC_SESSION_TICK)
		s->ticks++;
	if (note == REC_SESSION_ATTACHED && !s->attached_at)
		s->attached_at = s->notes;
	if (note == REC_SESSION_READY && !s->ready_at)
		s->ready_at = s->notes;
	if (note != (s->at_attach ? REC_SESSION_ATTACHED : REC_SESSION_READY))
		return;
	if (s->marker) {
		s->kid = fork();
		if (s->kid == 0) {
			execl("/bin/true", "true", s->marker, (char *)NULL);
			_exit(127);
		}
	}
	if (s->raise_sig)
		raise(s->raise_sig);
}

static bool until_seen(void *ctx, uint64_t now)
{
	(void)now;
	return ((struct seen *)ctx)->saw;
}

/* Whether @path is a trace that ended cleanly with END status @status and
 * holds an exec with @word in its argv (NULL: any). */
static bool trace_ok(const char *path, uint32_t status, const char *word)
{
	struct etr_reader_opts o = {.sz = sizeof(o)};
	struct etr_reader *r = etr_reader__open(path, &o);
	bool found = !word, have_end = false, ended;
	struct etr_end end = {0};
	struct etr_chunk c;

	if (!r)
		return false;
	while (etr_reader__next_chunk(r, &c) > 0) {
		struct etr_record rec;
		struct etr_event e;

		if (c.type == ETR_CHUNK_END)
			while (etr_chunk__next_record(&c, &rec) > 0)
				have_end |= !etr_record__end(&rec, &end);
		if (c.type != ETR_CHUNK_EVENTS)
			continue;
		while (etr_chunk__next_event(&c, &e) > 0)
			if (word && e.type == ETR_EV_EXEC &&
			    memmem(e.argv.ptr, e.argv.len, word, strlen(word)))
				found = true;
	}
	ended = etr_reader__ended_cleanly(r);
	etr_reader__free(r);
	return found && ended && have_end && end.status == status;
}

/* The whole system until the caller's condition holds: an exec of our
 * own, seen through the event callback; then the trace moves.  The exec
 * starts at ATTACHED, before the start of the trace is written (what a
 * boot's early units do once the boot service says it is ready): it is
 * recorded whole all the same. */
static void test_until_and_move(void)
{
	char out[PATH_MAX], kept[PATH_MAX], marker[64];
	struct seen seen = {.marker = marker, .at_attach = true};
	struct recorder_opts ro = {.sz = sizeof(ro), .event_cb = on_event, .event_ctx = &seen};
	struct rec_session_opts so = {.sz = sizeof(so),
				      .output = out,
				      .recorder = &ro,
				      .duration_ns = 30000000000ull,
				      .until = until_seen,
				      .until_ctx = &seen,
				      .note = on_note,
				      .note_ctx = &seen,
				      .move_to = kept};
	struct rec_session_failure f;
	struct rec_session_result res;
	struct rec_session *s;
	struct stat st;

	snprintf(marker, sizeof(marker), "er-until-%d", (int)getpid());
	path_in(out, "until.etr");
	path_in(kept, "boots/until.etr");
	s = rec_session__start(&so, &f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(rec_session__run(s), 0);
	rec_session__result(s, &res);
	CU_ASSERT_EQUAL(res.stop, REC_STOP_UNTIL);
	CU_ASSERT_EQUAL(seen.attached_at, 1);
	CU_ASSERT_EQUAL(seen.ready_at, 2);
	CU_ASSERT_FALSE(res.have_cmd);
	CU_ASSERT_TRUE(res.moved);
	CU_ASSERT_EQUAL(res.move_err, 0);
	rec_session__free(s);
	if (seen.kid > 0)
		waitpid(seen.kid, NULL, 0);
	CU_ASSERT(access(out, F_OK) != 0);
	CU_ASSERT(stat(kept, &st) == 0 && (st.st_mode & 07777) == 0600);
	CU_ASSERT_TRUE(trace_ok(kept, ETR_END_NORMAL, marker));
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* A stop signal ends the trace cleanly; the caller's handlers come back. */
static void test_signal(void)
{
	char out[PATH_MAX];
	struct seen seen = {.raise_sig = SIGTERM};
	struct recorder_opts ro = {.sz = sizeof(ro)};
	struct rec_session_opts so = {.sz = sizeof(so),
				      .output = out,
				      .recorder = &ro,
				      .duration_ns = 30000000000ull,
				      .note = on_note,
				      .note_ctx = &seen};
	struct sigaction mine = {.sa_handler = on_usr1}, now;
	struct rec_session_result res;
	struct rec_session *s;

	sigemptyset(&mine.sa_mask);
	sigaction(SIGTERM, &mine, NULL);
	path_in(out, "signal.etr");
	s = rec_session__start(&so, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	sigaction(SIGTERM, NULL, &now);
	CU_ASSERT(now.sa_handler != on_usr1);
	CU_ASSERT_EQUAL(rec_session__run(s), 0);
	rec_session__result(s, &res);
	CU_ASSERT_EQUAL(res.stop, REC_STOP_SIGNAL);
	rec_session__free(s);
	sigaction(SIGTERM, NULL, &now);
	CU_ASSERT(now.sa_handler == on_usr1);
	signal(SIGTERM, SIG_DFL);
	CU_ASSERT_TRUE(trace_ok(out, ETR_END_NORMAL, NULL));
}

/* Following pids: the recording ends when the last has exited. */
static void test_pids(void)
{
	char out[PATH_MAX], marker[64];
	struct seen seen = {0};
	struct recorder_opts ro = {.sz = sizeof(ro)};
	struct rec_session_opts so = {.sz = sizeof(so),
				      .output = out,
				      .recorder = &ro,
				      .duration_ns = 30000000000ull,
				      .note = on_note,
				      .note_ctx = &seen};
	struct rec_session_result res;
	struct rec_session *s;
	int gate[2];
	pid_t kid;
	char go;

	snprintf(marker, sizeof(marker), "er-pid-%d", (int)getpid());
	CU_ASSERT_FATAL(pipe(gate) == 0);
	kid = fork();
	if (kid == 0) {
		close(gate[1]);
		if (read(gate[0], &go, 1) != 1)
			_exit(1);
		execl("/bin/sh", "sh", "-c", "sleep 0.3; /bin/true \"$0\"", marker, (char *)NULL);
		_exit(127);
	}
	close(gate[0]);
	path_in(out, "pids.etr");
	so.pids = &kid;
	so.npids = 1;
	s = rec_session__start(&so, NULL);
	CU_ASSERT(write(gate[1], "g", 1) == 1);
	close(gate[1]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(rec_session__run(s), 0);
	rec_session__result(s, &res);
	CU_ASSERT_EQUAL(res.stop, REC_STOP_FOLLOWED);
	/* 0.3 s at least, drained every 100 ms */
	CU_ASSERT(seen.ticks >= 2);
	rec_session__free(s);
	waitpid(kid, NULL, 0);
	CU_ASSERT_TRUE(trace_ok(out, ETR_END_NORMAL, marker));
}

/* CMD found in the given search path, its status handed back; one that is
 * not found fails the start and leaves no file. */
static void test_cmd(void)
{
	char out[PATH_MAX], marker[64];
	char *cmd[] = {"sh", "-c", "exit 3", marker, NULL};
	char *missing[] = {"er-no-such-command", NULL};
	struct recorder_opts ro = {.sz = sizeof(ro)};
	struct rec_session_opts so = {.sz = sizeof(so),
				      .output = out,
				      .recorder = &ro,
				      .cmd = cmd,
				      .search_path = "/er-nonexistent:/bin:/usr/bin"};
	struct rec_session_failure f;
	struct rec_session_result res;
	struct rec_session *s;

	snprintf(marker, sizeof(marker), "er-cmd-%d", (int)getpid());
	path_in(out, "cmd.etr");
	s = rec_session__start(&so, &f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(rec_session__run(s), 0);
	rec_session__result(s, &res);
	CU_ASSERT_EQUAL(res.stop, REC_STOP_FOLLOWED);
	CU_ASSERT_TRUE(res.have_cmd);
	CU_ASSERT(WIFEXITED(res.cmd_status) && WEXITSTATUS(res.cmd_status) == 3);
	CU_ASSERT_EQUAL(res.cmd_exec_err, 0);
	rec_session__free(s);
	CU_ASSERT_TRUE(trace_ok(out, ETR_END_NORMAL, marker));

	path_in(out, "missing.etr");
	so.cmd = missing;
	CU_ASSERT_PTR_NULL(rec_session__start(&so, &f));
	CU_ASSERT_EQUAL(f.step, REC_STEP_CMD);
	CU_ASSERT_EQUAL(f.err, -ENOENT);
	CU_ASSERT(access(out, F_OK) != 0);
}

int main(void)
{
	const char *execrec = getenv("EXECREC");
	char why[256];
	CU_pSuite s;
	int fails;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	chmod(tmpdir, 0755);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("session, without root", NULL, NULL);
	CU_add_test(s, "the output file's rules", test_output_open);
	CU_add_test(s, "moving a finished trace", test_output_move);
	CU_add_test(s, "a full or read-only destination: nothing lost, nothing left",
		    test_output_move_refused);
	CU_add_test(s, "options of other sizes", test_opts);
	CU_add_test(s, "finding CMD in a search path", test_cmd_find);
	if (!execrec || !test_bpf__works(execrec, tmpdir, why, sizeof(why))) {
		if (test_bpf__required()) {
			fprintf(stderr, "record-session-api: BPF not available: %s\n", why);
			s = CU_add_suite("session, recording", NULL, NULL);
			CU_add_test(s, "BPF available", test_bpf__missing);
		} else {
			printf(
			    "record-session-api: recording tests SKIPPED, BPF not available: %s\n",
			    execrec ? why : "EXECREC not set");
		}
	} else {
		s = CU_add_suite("session, recording", NULL, NULL);
		CU_add_test(s, "the caller's condition stops; the trace moves",
			    test_until_and_move);
		CU_add_test(s, "a stop signal; the caller's handlers come back", test_signal);
		CU_add_test(s, "followed pids end the recording", test_pids);
		CU_add_test(s, "CMD from a search path, its status", test_cmd);
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	test_rm_rf(tmpdir);
	return fails ? 1 : 0;
}
