/* SPDX-License-Identifier: MIT */
/*
 * The ANSI colours of the text outputs, one copy for replay/ and tools/.
 * Whether to colour at all (a terminal, NO_COLOR, --color) is the caller's
 * decision; these only name the sequences.
 */
#ifndef EXECREC_REPLAY_COLOR_H
#define EXECREC_REPLAY_COLOR_H

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_BOLDRED "\033[1;31m"

#endif /* EXECREC_REPLAY_COLOR_H */
