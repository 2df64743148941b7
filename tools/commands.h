/* SPDX-License-Identifier: MIT */
/* The subcommands of execrec: each is a main() of its own. */
#ifndef EXECREC_TOOLS_COMMANDS_H
#define EXECREC_TOOLS_COMMANDS_H

int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_tree(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_chart(int argc, char **argv);
int cmd_probes(int argc, char **argv);
int cmd_btf(int argc, char **argv);
int cmd_redact(int argc, char **argv);

/* record --redact[=RULES]: a redactor with the built-in rules (only those
 * named in @rules, "a,b,c", if given) and a random key. NULL after one line
 * on stderr naming @cmd. */
struct redactor;
struct redactor *tool_redact__new(const char *cmd, const char *rules);
int cmd_boot(int argc, char **argv);
/* execrec diff --by-unit (cmd_boot.c) */
int cmd_boot_diff(int argc, char **argv);

#endif
