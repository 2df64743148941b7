/* SPDX-License-Identifier: MIT */
/* The common/ suite: one registration function per area. */
#ifndef EXECREC_TEST_COMMON_H
#define EXECREC_TEST_COMMON_H

void test_common_add_text(void);
void test_common_add_mem(void);
void test_common_add_parse(void);

#endif
