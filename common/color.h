/* SPDX-License-Identifier: MIT */
/*
 * The ANSI sequences of the text outputs, one copy for every layer. Whether
 * to colour at all (a terminal, NO_COLOR, --color) is the tool's decision;
 * these only name the sequences.
 */
#ifndef EXECREC_COMMON_COLOR_H
#define EXECREC_COMMON_COLOR_H

#define EC_COLOR_RESET "\033[0m"
#define EC_COLOR_BOLD "\033[1m"
#define EC_COLOR_DIM "\033[2m"
#define EC_COLOR_RED "\033[31m"
#define EC_COLOR_GREEN "\033[32m"
#define EC_COLOR_YELLOW "\033[33m"
#define EC_COLOR_BOLDRED "\033[1;31m"
/* Back to the start of the line and clear it: a status line redrawn in place. */
#define EC_CLEAR_LINE "\r\033[K"

#endif /* EXECREC_COMMON_COLOR_H */
