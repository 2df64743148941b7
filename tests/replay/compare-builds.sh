#!/bin/bash
# Whether two execrec binaries behave the same on the command lines of the
# analyzer subcommands (report, timeline, tree, export, chart, boot, diff,
# redact, btf): stdout, stderr, exit status and the files written, for each
# case below (help, every output format, filters, bad options and values,
# missing and extra operands, damaged traces, output files refused). For a
# change that must not change what users see, e.g. a build of main against
# one of a branch:
#
#   tests/replay/compare-builds.sh OLD/tools/execrec NEW/tools/execrec
#
# Prints the cases that differ and exits 1 if any do. The CPU time and peak
# RSS of --stats lines are left out; redact's copies hold a random key, so
# only whether one was written is compared.
set -u
cd "$(dirname "$0")/../.." || exit 2
old=$(realpath "$1")
new=$(realpath "$2")
fix=$(pwd)/tests/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run BIN DIR: every case, into DIR/N.{out,err,rc,files}
run() {
	bin=$1 dir=$2 n=0
	mkdir -p "$dir/work"
	ln -s "$fix" "$dir/work/F"
	while IFS= read -r line; do
		n=$((n + 1))
		eval "set -- $line"
		(cd "$dir/work" && "$bin" "$@" >"../$n.out" 2>"../$n.err" </dev/null
		 echo $? >"../$n.rc"
		 sed -i 's/cpu_s [0-9.]* maxrss_kb [0-9]*/cpu_s - maxrss_kb -/' "../$n.err"
		 for f in r*.etr; do [ -f "$f" ] && echo "$f" >>"../$n.files"; done
		 for f in out.dot out.csv c.svg b.btf; do [ -f "$f" ] && md5sum "$f" >>"../$n.files"; done)
	done <"$tmp/cases"
}

cat >"$tmp/cases" <<'CASES'
report --help
timeline --help
tree --help
export --help
chart --help
boot --help
diff --help
diff --by-unit --help
redact --help
btf --help
report F/basic.etr
report --json F/basic.etr
report --csv F/basic.etr
report --markdown F/basic.etr
report --stats F/basic.etr
report -n 3 --comm sh F/tree.etr
report --top -1 F/basic.etr
report F/truncated.etr
report F/notatrace.etr
report F/nonexistent.etr
report
report F/basic.etr F/tree.etr
report --color=sometimes F/basic.etr
report --color=always F/basic.etr
report --json --csv F/basic.etr
report --unit 'x*' F/basic.etr
report --since 1 --until 0.5 F/basic.etr
report --since bogus F/basic.etr
report --bogus F/basic.etr
report --reorder-window 0 F/basic.etr
timeline F/basic.etr
timeline --color=always F/tree.etr
timeline --wallclock F/basic.etr
timeline --snapshot --threads F/real-command.etr
timeline --failed F/tree.etr
timeline --json F/real-command.etr
timeline --csv F/basic.etr
timeline --stats F/basic.etr
timeline --pid 1,x F/basic.etr
timeline --subtree 99999 F/tree.etr
timeline F/bitflip.etr
timeline F/future.etr
timeline
tree F/tree.etr
tree --color=always -U F/tree.etr
tree -p 1,2 F/tree.etr
tree -p x F/tree.etr
tree -d -1 F/tree.etr
tree --max-args 10 --no-compact F/tree.etr
tree --json F/tree.etr
tree --csv F/tree.etr
tree --stats F/tree.etr
tree --grep 'a(' F/tree.etr
tree F/lossy.etr
export F/tree.etr
export -f dot F/tree.etr
export -f perfetto F/tree.etr
export -f jsonl --snapshot F/real-command.etr
export -f csv --rows processes F/tree.etr
export -f csv --rows bogus F/tree.etr
export -f bogus F/tree.etr
export -f dot F/tree.etr -o ''
export -f dot F/tree.etr -o out.dot
export -f dot F/tree.etr -o out.dot
export F/tree.etr -o out.csv --force
export F/tree.etr -o F/tree.etr --force
export F/tree.etr -o x.unknown
export -f dot --comm sh F/tree.etr
export -f dot --unit 'x' F/tree.etr
export -f dot
export -f dot F/tree.etr F/basic.etr
export -f dot F/nonexistent.etr
export -f dot F/truncated.etr
export --json F/tree.etr
export -f dot --since 1 --until bogus F/tree.etr
chart F/tree.etr
chart F/tree.etr -o c.svg
chart F/tree.etr -o c.svg
chart F/tree.etr -o ''
chart --width 5 F/tree.etr
chart --subtree x F/tree.etr
chart --subtree 99999 F/tree.etr
chart --since 5 --until 1 F/tree.etr
chart --since zz F/tree.etr
chart --min-duration 0 --title T --comm sh F/tree.etr
chart --failed F/tree.etr
chart --grep '(' F/tree.etr
chart --reorder-window 0 F/tree.etr
chart F/nonexistent.etr
chart
chart --json F/tree.etr
chart --unit x F/tree.etr
chart F/truncated.etr
boot F/real-command.etr
boot --json F/real-command.etr
boot --csv F/real-command.etr
boot F/basic.etr
boot --unit 'x' F/real-command.etr
boot --bogus
boot
diff F/tree.etr F/basic.etr
diff --json F/tree.etr F/basic.etr
diff --markdown F/tree.etr F/basic.etr
diff --color=always F/tree.etr F/basic.etr
diff --color=bad F/tree.etr F/basic.etr
diff --fail-on all F/tree.etr F/basic.etr
diff --fail-on zz F/tree.etr F/basic.etr
diff --threshold 0.5 F/tree.etr F/basic.etr
diff --max x F/tree.etr F/basic.etr
diff --max-args 5 --explain F/tree.etr F/basic.etr
diff --base F/tree.etr --base F/basic.etr F/tree.etr
diff --map /a=/b --ignore 'x(' F/tree.etr F/basic.etr
diff F/tree.etr
diff F/tree.etr F/nonexistent.etr
diff -q --fail-on new F/basic.etr F/tree.etr
diff --format md F/tree.etr F/basic.etr
diff --format zz F/tree.etr F/basic.etr
diff --by-unit F/real-command.etr F/real-command.etr
diff --by-unit --json --fail-on all F/real-command.etr F/basic.etr
diff --by-unit --fail-on zz F/real-command.etr F/basic.etr
diff --by-unit F/real-command.etr
diff --by-unit --threshold 0.5 F/real-command.etr F/basic.etr
diff --by-unit --min-delta zz F/real-command.etr F/basic.etr
diff --by-unit --bogus F/real-command.etr F/basic.etr
redact --list-rules
redact F/real-command.etr
redact F/real-command.etr -o r.etr --key-file /nonexistent
redact F/real-command.etr -o F/real-command.etr --force
redact F/nonexistent.etr -o r2.etr
redact F/notatrace.etr -o r2.etr
redact F/truncated.etr -o r3.etr
redact --level 99 F/real-command.etr -o r4.etr
redact --no-rule zz F/real-command.etr -o r4.etr
redact --rule 'bad' F/real-command.etr -o r4.etr
redact --bogus
redact
btf
btf -i F/real-command.etr
btf F/real-command.etr
btf -i F/real-command.etr --kind zz
btf -i F/nonexistent.etr
btf -i F/notatrace.etr
btf -i F/real-command.etr -o ''
btf -i F/real-command.etr -o b.btf
btf -i F/real-command.etr -o b.btf
btf -i F/real-command.etr -o F/real-command.etr --force
btf -i F/basic.etr -o b2.btf
btf --bogus
help report
diff --fail-on , F/tree.etr F/basic.etr
diff --max -1 F/tree.etr F/basic.etr
diff --map nomap F/tree.etr F/basic.etr
diff --base F/tree.etr F/basic.etr F/tree.etr
diff F/tree.etr F/basic.etr F/lossy.etr
diff --min-delta 0 --threshold 150% F/tree.etr F/basic.etr
diff --by-unit --fail-on , F/real-command.etr F/basic.etr
diff --by-unit F/real-command.etr F/nonexistent.etr
diff --by-unit --json F/real-command.etr F/truncated.etr
report --top 99999999999 F/basic.etr
report --top +5 F/basic.etr
report -n 0 --csv F/tree.etr
tree --depth +2 F/tree.etr
tree --max-args -1 F/tree.etr
redact --rules /nonexistent F/real-command.etr -o r5.etr
redact F/real-command.etr -o ''
redact F/real-command.etr F/basic.etr -o r6.etr
redact -o r7.etr
btf -i F/real-command.etr -o - 
btf -i F/real-command.etr --kind subset
btf -i F/truncated.etr
chart --until 0.001 --since 0 F/tree.etr
chart --min-duration x F/tree.etr
chart --pid 1 F/tree.etr -o - 
export -f jsonl --rows events --path-misses --reorder-window 5ms F/tree.etr
export -f dot --reorder-window x F/tree.etr
timeline --since 11:00:00 F/tree.etr
timeline --unit x --json F/real-command.etr
boot --since 0 --until 1 F/real-command.etr
diff --by-unit --unit 'x*' F/real-command.etr F/real-command.etr
diff --by-unit --since 11:00:00 F/real-command.etr F/basic.etr
diff --by-unit --comm sh --json F/tree.etr F/basic.etr
chart --by-unit F/real-command.etr
chart --by-unit --unit 'x' F/real-command.etr
diff --by-unit --help
CASES
run "$old" "$tmp/old"
run "$new" "$tmp/new"
n=0 diffs=0
while IFS= read -r line; do
	n=$((n + 1))
	for e in out err rc files; do
		[ -e "$tmp/old/$n.$e" ] || [ -e "$tmp/new/$n.$e" ] || continue
		if ! cmp -s "$tmp/old/$n.$e" "$tmp/new/$n.$e"; then
			echo "differs ($e): execrec $line"
			diffs=$((diffs + 1))
		fi
	done
done <"$tmp/cases"
echo "$n cases, $diffs differences"
[ "$diffs" = 0 ]
