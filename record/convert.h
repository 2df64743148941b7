/* SPDX-License-Identifier: MIT */
/*
 * From the records of bpf/execrec.h to etr events: pure functions, no BPF,
 * no system calls, so tests/record/test-convert.c runs them without root.
 * Not for use outside record/.
 */
#ifndef EXECREC_RECORD_CONVERT_H
#define EXECREC_RECORD_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "etr.h"
#include "execrec.h"

/* What one converted exec points into besides the sample itself: the cwd
 * and the failed-execveat filename, which BPF hands over in raw form. */
struct rec_scratch {
	char cwd[ER_PATH_MAX + 8];
	char filename[ER_PATH_MAX + 64];
};

/* The cwd arrives leaf first, "c\0b\0a\0"; writes "/a/b/c" to @out, or
 * "a/b/c" when @trunc (the walk stopped short of the root; SPEC.md: its last
 * components), "/" for none. @out holds at least @len + 1 bytes; not
 * NUL-terminated. Returns the length written. */
uint32_t rec_render_cwd(char *out, const uint8_t *in, uint32_t len, bool trunc);

/*
 * Fill @ev from the ring-buffer sample @data of
 * @size bytes. Strings point into @data and @scratch, valid while both are
 * and until the next call with @scratch. @env: keep the environment.
 * Returns 0, -EBADMSG (short or inconsistent sizes) or -EOPNOTSUPP (a type
 * this build does not know); either error means the sample is skipped.
 */
int rec_convert_sample(const void *data, size_t size, bool env, struct rec_scratch *scratch,
		       struct etr_event *ev);

#endif /* EXECREC_RECORD_CONVERT_H */
