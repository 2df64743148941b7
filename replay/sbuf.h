/* SPDX-License-Identifier: MIT */
/*
 * The byte buffer moved to common/sbuf.h (struct ec_sbuf, ec_sbuf__*).
 * These old names stay only until the last callers (probes' kbtf.c, diff's
 * surround.c) are moved; new code includes "common/sbuf.h".
 */
#ifndef EXECREC_REPLAY_SBUF_H
#define EXECREC_REPLAY_SBUF_H

#include "common/sbuf.h"

#define rp_sbuf ec_sbuf
#define rp_sbuf__put ec_sbuf__put
#define rp_sbuf__puts ec_sbuf__puts
#define rp_sbuf__putc ec_sbuf__putc
#define rp_sbuf__prepend ec_sbuf__prepend
#define rp_sbuf__steal ec_sbuf__steal
#define rp_sbuf__free ec_sbuf__free

#endif /* EXECREC_REPLAY_SBUF_H */
