/* SPDX-License-Identifier: MIT */
/*
 * What the running kernel can attach: probe_src__supported() against what
 * the kernel shows of itself, and 'execrec probes' saying plainly that a
 * type is not supported instead of listing 55,000 probes of it. The host
 * these tests run on may or may not have kprobes and BPF trampolines; both
 * answers are checked against an independent look.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes-test.h"
#include "probes.h"

#define RUN(r, ...)                                                                                \
	do {                                                                                       \
		char *argv_[] = {(char *)execrec_path(), __VA_ARGS__, NULL};                       \
		CU_ASSERT_EQUAL_FATAL(run_cmd(argv_, r), 0);                                       \
	} while (0)

/* The kernel's kprobes, looked at as libbpf would attach one. */
static bool kernel_has_kprobes(void)
{
	char path[PATH_MAX];
	const char *tfs = live_tracefs();

	if (!access("/sys/bus/event_source/devices/kprobe/type", F_OK))
		return true;
	snprintf(path, sizeof(path), "%s/kprobe_events", tfs ? tfs : "/sys/kernel/tracing");
	return !access(path, F_OK);
}

/* Every line of @s different from the others, each ended by '\n'. */
static bool lines_once(const char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] != '\n')
		return false;
	for (const char *l = s; *l;) {
		size_t len = strcspn(l, "\n") + 1;

		for (const char *m = l + len; *m;) {
			size_t mlen = strcspn(m, "\n") + 1;

			if (mlen == len && !memcmp(l, m, len))
				return false;
			m += mlen;
		}
		l += len;
	}
	return true;
}

static void test_library(void)
{
	struct probe_src *src = probe_src__new_live(NULL);
	const char *why = NULL;
	int k, f, u;

	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	k = probe_src__supported(src, PROBE_KPROBE, &why);
	CU_ASSERT_EQUAL(k, kernel_has_kprobes() ? 1 : 0);
	if (!k)
		CU_ASSERT(why && strstr(why, "kprobe"));
	/* asked once: the same answer again */
	CU_ASSERT_EQUAL(probe_src__supported(src, PROBE_KPROBE, NULL), k);
	u = probe_src__supported(src, PROBE_UPROBE, NULL);
	CU_ASSERT_EQUAL(u,
			!access("/sys/bus/event_source/devices/uprobe/type", F_OK) ||
			    (live_tracefs() && !access("/sys/kernel/tracing/uprobe_events", F_OK)));
	CU_ASSERT_EQUAL(probe_src__supported(src, PROBE_TRACEPOINT, NULL), 1);
	f = probe_src__supported(src, PROBE_KFUNC, &why);
	if (geteuid() == 0) {
		/* as root the kernel answers: yes or no, never "cannot tell" */
		CU_ASSERT(f == 0 || f == 1);
		if (!f)
			CU_ASSERT(why && strstr(why, "fentry"));
		/* bpftool's probe loads a tracing program too: where it
		 * finds none, nothing attaches */
		if (!access("/usr/sbin/bpftool", X_OK)) {
			char *argv[] = {"/usr/sbin/bpftool", "feature", "probe", "kernel", NULL};
			struct run r;

			CU_ASSERT_EQUAL_FATAL(run_cmd(argv, &r), 0);
			if (strstr(r.out, "program_type tracing is NOT available"))
				CU_ASSERT_EQUAL(f, 0);
			run_free(&r);
		}
	} else {
		CU_ASSERT(f == 0 || f == 1 || f == -EPERM);
	}
	probe_src__free(src);
	CU_ASSERT_EQUAL(probe_src__supported(NULL, PROBE_KPROBE, NULL), -EINVAL);
}

static void test_cli_unsupported(void)
{
	struct probe_src *src;
	struct run r;
	int k, f;

	SKIP_IF(!execrec_path(), "EXECREC not set");
	src = probe_src__new_live(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	k = probe_src__supported(src, PROBE_KPROBE, NULL);
	f = probe_src__supported(src, PROBE_KFUNC, NULL);
	probe_src__free(src);

	RUN(&r, "probes", "kprobe:do_sys_open*");
	if (k == 0) {
		/* one plain line, nothing listed, exit 1 */
		CU_ASSERT_EQUAL(r.status, 1);
		CU_ASSERT_STRING_EQUAL(r.out, "");
		CU_ASSERT_EQUAL(count_lines(r.err), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "kprobes: not supported by this kernel"));
	} else {
		CU_ASSERT_EQUAL(r.status, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "kprobe:do_sys_open"));
		CU_ASSERT_PTR_NULL(strstr(r.out, "not supported"));
	}
	run_free(&r);
	/* --all lists them, each marked */
	RUN(&r, "probes", "--all", "kprobe:do_sys_open*");
	if (k == 0) {
		CU_ASSERT_EQUAL(r.status, 0);
		CU_ASSERT_PTR_NOT_NULL(
		    strstr(r.out, "kprobe:do_sys_open  (not supported by this kernel)\n"));
		CU_ASSERT_EQUAL(count_lines(r.err), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "listed for --all"));
	}
	run_free(&r);
	RUN(&r, "probes", "--json", "--all", "kfunc:do_sys_open");
	if (f == 0)
		CU_ASSERT_STRING_EQUAL(
		    r.out, "{\"probe\":\"kfunc:do_sys_open\",\"type\":\"kfunc\",\"name\":"
			   "\"do_sys_open\",\"supported\":false}\n");
	run_free(&r);
	/* the counts: a type that cannot be attached has no count, and
	 * every note is a whole line, said once */
	RUN(&r, "probes", "--count");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT(lines_once(r.err));
	if (k == 0) {
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "kprobe                -  not supported"));
		CU_ASSERT_PTR_NULL(strstr(r.out, "listed as kprobes"));
	}
	if (f == 0)
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "kfunc                 -  not supported"));
	if (k == 0 && f == 0)
		CU_ASSERT_PTR_NULL(strstr(r.err, "some may not be attachable"));
	run_free(&r);
	RUN(&r, "probes", "--count", "--json", "kprobe:*");
	if (k == 0)
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"count\":null,\"error\":\"not supported by "
						     "this kernel\""));
	run_free(&r);
}

void register_support(void)
{
	CU_pSuite s = CU_add_suite("support", NULL, NULL);

	CU_add_test(s, "probe_src__supported against the kernel", test_library);
	CU_add_test(s, "probes: unsupported types said plainly", test_cli_unsupported);
}
