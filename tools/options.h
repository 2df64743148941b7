/* SPDX-License-Identifier: MIT */
/*
 * The names the subcommands not yet on driver.h still use (info, dump,
 * probes, record): each maps onto the driver. Remove this header, and
 * cli.h, once those include driver.h.
 */
#ifndef EXECREC_TOOLS_OPTIONS_H
#define EXECREC_TOOLS_OPTIONS_H

#include <string.h>

#include "driver.h"

#define rp_cli driver
#define rp_cli__option driver__option
#define rp_cli__filter_help driver__filter_help
#define tool__option_error driver__option_error
#define RP_CLI_FILTER_OPTIONS DRV_FILTER_OPTIONS
#define RP_CLI_OUTPUT_OPTIONS DRV_OUTPUT_OPTIONS
#define RP_OPT_PID DRV_OPT_PID
#define RP_OPT_SUBTREE DRV_OPT_SUBTREE
#define RP_OPT_COMM DRV_OPT_COMM
#define RP_OPT_GREP DRV_OPT_GREP
#define RP_OPT_UID DRV_OPT_UID
#define RP_OPT_FAILED DRV_OPT_FAILED
#define RP_OPT_SINCE DRV_OPT_SINCE
#define RP_OPT_UNTIL DRV_OPT_UNTIL
#define RP_OPT_MIN_DURATION DRV_OPT_MIN_DURATION
#define RP_OPT_UNIT DRV_OPT_UNIT
#define RP_OPT__LAST DRV_OPT__LAST

/* --color's word ("always", "never"; else auto) for @fd */
static inline bool rp_want_color(int fd, const char *mode)
{
	return driver__want_color(!mode			    ? DRV_COLOR_AUTO
				  : !strcmp(mode, "always") ? DRV_COLOR_ALWAYS
				  : !strcmp(mode, "never")  ? DRV_COLOR_NEVER
							    : DRV_COLOR_AUTO,
				  fd);
}

#endif
