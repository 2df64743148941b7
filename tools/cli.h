/* SPDX-License-Identifier: MIT */
/* Where the shared options were declared before driver.h: see options.h. */
#include "options.h"
