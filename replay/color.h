/* SPDX-License-Identifier: MIT */
/*
 * The colour sequences moved to common/color.h (EC_COLOR_*). These old
 * names stay only until the last caller (tools/cmd_info.c) is moved; new
 * code includes "common/color.h".
 */
#ifndef EXECREC_REPLAY_COLOR_H
#define EXECREC_REPLAY_COLOR_H

#include "common/color.h"

#define C_RESET EC_COLOR_RESET
#define C_BOLD EC_COLOR_BOLD
#define C_DIM EC_COLOR_DIM
#define C_RED EC_COLOR_RED
#define C_GREEN EC_COLOR_GREEN
#define C_YELLOW EC_COLOR_YELLOW
#define C_BOLDRED EC_COLOR_BOLDRED

#endif /* EXECREC_REPLAY_COLOR_H */
