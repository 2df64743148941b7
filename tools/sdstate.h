/* SPDX-License-Identifier: MIT */
/*
 * sdstate.h - what `record --until=boot-complete` and the boot service ask
 * of systemd, without libsystemd and without forking systemctl (whose
 * processes would land in the trace being recorded).
 */
#ifndef EXECREC_TOOLS_SDSTATE_H
#define EXECREC_TOOLS_SDSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether this system was booted with systemd (as sd_booted(3) decides:
 * /run/systemd/system/ exists). */
bool sd_is_booted(void);

/* The manager's SystemState ("initializing", "starting", "running",
 * "degraded", "maintenance", "stopping", ...) into @buf, read over the
 * manager's private D-Bus socket (/run/systemd/private: root only).
 * 0, or -errno (-EACCES for a user who may not use the socket, -EPROTO
 * for an answer that is not understood). */
int sd_system_state(char *buf, size_t len);

/* Tell the service manager the service is ready (READY=1 on
 * $NOTIFY_SOCKET), when it runs under one that asked. 0, or -errno. */
int sd_notify_ready(const char *status);

/* record --until=boot-complete: the settings, and the state between
 * polls (zeroed at the start). */
struct boot_wait {
	uint64_t grace_ns;   /* stop this long after the boot finished */
	bool quiet;	     /* no line when the boot is seen finished */
	bool started;	     /* the looking thread runs */
	uint64_t next_check; /* since when the looks fail (CLOCK_MONOTONIC ns) */
	uint64_t done_at;    /* when the boot was seen finished, 0 = not yet */
	bool warned;	     /* a failed look was reported */
};

/* A recording session's stop condition (rec_session_until_fn, @bw a
 * struct boot_wait).  A thread looks at the manager's state every 500 ms
 * (one per process); true once the boot has been finished (running,
 * degraded, maintenance) for grace_ns, or at once when the system is
 * stopping.  Says so on stderr unless quiet. */
bool boot_check(void *bw, uint64_t now_ns);

#endif
