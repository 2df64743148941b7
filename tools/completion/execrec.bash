# bash completion for execrec(1)                             -*- shell-script -*-
# SPDX-License-Identifier: MIT
#
# Subcommands come from 'execrec --help' and each subcommand's options from
# its own '--help' (read once per shell), so the completion never disagrees
# with the binary; the values of options are known here.

declare -gA _execrec_opts_cache

_execrec_opts()
{
    local cmd=$1 exe=$2
    if [[ -z ${_execrec_opts_cache[$cmd]+set} ]]; then
        _execrec_opts_cache[$cmd]=$("$exe" "$cmd" --help 2>/dev/null |
            grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z0-9]*' |
            sed -E 's/^[ ,]//' | sort -u | tr '\n' ' ')
    fi
    printf '%s' "${_execrec_opts_cache[$cmd]}"
}

# Complete one item of a comma-separated list of @words.
_execrec_list()
{
    local cur=$1
    shift
    local prefix="" last=$cur
    if [[ $cur == *,* ]]; then
        prefix=${cur%,*},
        last=${cur##*,}
    fi
    local w
    COMPREPLY=()
    for w in "$@"; do
        [[ $w == "$last"* ]] && COMPREPLY+=("$prefix$w")
    done
    compopt -o nospace 2>/dev/null
}

_execrec_traces()
{
    # .etr files and directories to walk into
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -X '!*.etr' -- "$1") $(compgen -d -- "$1"))
    compopt -o filenames 2>/dev/null
}

_execrec_files()
{
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -- "$1"))
    compopt -o filenames 2>/dev/null
}

_execrec()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi
    local exe=${words[0]}
    command -v "$exe" >/dev/null 2>&1 || exe=execrec

    # the subcommand: the first word after execrec
    if ((cword == 1)); then
        local cmds
        cmds=$("$exe" --help 2>/dev/null | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
        COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
        return
    fi
    local cmd=${words[1]} i

    # record ... -- CMD ARGS: complete the command line
    if [[ $cmd == record ]]; then
        for ((i = 2; i < cword; i++)); do
            if [[ ${words[i]} == -- ]]; then
                if declare -F _command_offset >/dev/null; then
                    _command_offset $((i + 1))
                else
                    COMPREPLY=($(compgen -c -- "$cur"))
                fi
                return
            fi
        done
    fi

    # --opt=value
    if [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    case $cmd:$prev in
    export:-f | export:--format)
        COMPREPLY=($(compgen -W "perfetto dot jsonl csv compile-commands" -- "$cur"))
        return ;;
    export:--rows)
        COMPREPLY=($(compgen -W "all events processes" -- "$cur"))
        return ;;
    record:--btf)
        # a mode, or a BTF file (--btf=FILE)
        _execrec_files "$cur"
        COMPREPLY+=($(compgen -W "subset full none" -- "$cur"))
        return ;;
    record:--failed-exec)
        COMPREPLY=($(compgen -W "auto fexit kprobe tracepoint" -- "$cur"))
        return ;;
    record:--programs)
        COMPREPLY=($(compgen -W "auto loop bounded raw" -- "$cur"))
        return ;;
    record:--notify-ready)
        COMPREPLY=($(compgen -W "attached start" -- "$cur"))
        return ;;
    record:-p | record:--pid)
        COMPREPLY=($(compgen -W "$(cd /proc 2>/dev/null && printf '%s\n' [0-9]*)" -- "$cur"))
        return ;;
    record:-o | record:--output | record:--move-to | export:-o | export:--output | chart:-o | chart:--output | \
        btf:-o | btf:--output | redact:-o | redact:--output | redact:--rules | redact:--key-file)
        _execrec_files "$cur"
        return ;;
    redact:--no-rule)
        COMPREPLY=($(compgen -W "$("$exe" redact --list-rules 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
        return ;;
    redact:--rule)
        # NAME=REGEX of the user's own
        return ;;
    btf:--kind)
        COMPREPLY=($(compgen -W "full subset" -- "$cur"))
        return ;;
    dump:--type)
        _execrec_list "$cur" meta tpformat btf procsnap events stats end cgroup
        return ;;
    diff:--fail-on)
        _execrec_list "$cur" new gone fails passes slower faster count all
        return ;;
    diff:--base | probes:-i | probes:--input | btf:-i | btf:--input)
        _execrec_traces "$cur"
        return ;;
    *:--color)
        COMPREPLY=($(compgen -W "always never auto" -- "$cur"))
        return ;;
    *:--pid | *:--subtree | *:-p | *:--comm | *:--unit | *:--grep | *:--uid | *:--since | *:--until | \
        *:--min-duration | *:--reorder-window | *:-d | *:--duration | *:--max-size | \
        *:--flush-interval | *:--max-args-bytes | *:--level | *:-n | *:--top | *:--depth | \
        *:--max-args | *:--width | *:--title | *:--map | *:--ignore | *:--threshold | \
        *:--min-delta | *:--max)
        # a value of the user's own
        return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_execrec_opts "$cmd" "$exe")" -- "$cur"))
        return
    fi
    case $cmd in
    record)
        # no file argument: options, or -- CMD
        COMPREPLY=($(compgen -W "--" -- "$cur")) ;;
    probes)
        # patterns, or a binary for uprobe: and usdt:
        _execrec_files "$cur" ;;
    *)
        _execrec_traces "$cur" ;;
    esac
}

complete -F _execrec execrec
