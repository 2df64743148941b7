#!/bin/sh
# SPDX-License-Identifier: MIT
# execrec redact end to end, on traces recorded with real BPF (as root):
#  - a workload plants one secret of each built-in class in argv, in the
#    environment (--env), in a cwd and in a file name; after redact none of
#    them is in the decompressed bytes of any chunk (and each was in the
#    original's, so the plant worked);
#  - ordinary work (tests/record's workload, a meson + ninja build) comes out
#    with every filename, cwd and argv byte for byte;
#  - two traces redacted with one key diff as the originals do;
#  - damaged traces: what can be read is kept, where it stopped is said;
#  - bad input: one line, nothing written.
# Skips (77) without BPF unless EXECREC_REQUIRE_BPF=1.
# Environment: EXECREC, ETR_BYTES, ER_WORKLOAD, FIXTURES.
set -u

fails=0
checks=0
ok() { checks=$((checks + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); checks=$((checks + 1)); }
check() { if eval "$1"; then ok; else fail "$2"; fi; }

T=$(mktemp -d /tmp/execrec-redact-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

bpf_ok() {
	[ "$(id -u)" = 0 ] || { why="not root"; return 1; }
	[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	"$EXECREC" record -q -o probe.etr -- /bin/true 2>probe.err || { why=$(head -1 probe.err); return 1; }
}
if ! bpf_ok; then
	if [ "${EXECREC_REQUIRE_BPF:-0}" = 1 ]; then
		echo "FAIL: EXECREC_REQUIRE_BPF=1 but recording does not work here: $why"
		exit 1
	fi
	echo "SKIP: cannot record here: $why"
	exit 77
fi

# ---- the secrets: one per class ------------------------------------------
S_URL=UrlPassw0rdQ1
S_AUTH=QXV0aFNlY3JldDEyMw==
S_BEARER=BearerTok3nAbCdEfGh12
S_OPT=OptPassw0rdQ2
S_MYSQL=MysqlPassw0rdQ3
S_NEXT=NextArgPassw0rdQ4
S_ASSIGN=AssignSecretQ5
S_ENV=EnvTokenValueQ6
S_AWS=AKIAQWERTYUIOPASDFGH
S_GH=ghp_Q7abcdefghijklmnopqrstuvwxyz0123456789
S_GL=glpat-Q8abcdefghij0123456789
S_SLACK=xoxb-Q9-1234567890-abcdefghij
S_GOOGLE=AIzaQ10bcdefghijklmnopqrstuvwxyz0123456
S_STRIPE=sk_live_Q11bcdefghijklmnopqrst
S_NPM=npm_Q12bcdefghijklmnopqrstuvwxyz01234567
S_JWT=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJRMTMifQ.Q13sigsigsigsig
S_PEM=MIIEQ14pAIBAAKCAQEAprivate
S_CWD=ghp_CwdQ15defghijklmnopqrstuvwxyz0123456789
S_FILE=glpat-FileQ16ghij0123456789
SECRETS="$S_URL $S_AUTH $S_BEARER $S_OPT $S_MYSQL $S_NEXT $S_ASSIGN $S_ENV $S_AWS $S_GH $S_GL
$S_SLACK $S_GOOGLE $S_STRIPE $S_NPM $S_JWT $S_PEM $S_CWD $S_FILE"

mkdir -p "$T/$S_CWD" "$T/bin/$S_FILE"
cp /bin/true "$T/bin/$S_FILE/tool"
cat >plant.sh <<EOF
#!/bin/sh
/bin/true https://alice:$S_URL@git.example.com/r.git
/bin/true -H "Authorization: Basic $S_AUTH"
/bin/true -H "X-Trace: 1, Bearer $S_BEARER"
/bin/true --db-password=$S_OPT
/bin/true mysql -p$S_MYSQL
/bin/true --token $S_NEXT
/bin/true DEPLOY_SECRET=$S_ASSIGN
/bin/true $S_AWS $S_GH $S_GL $S_SLACK
/bin/true key=$S_GOOGLE $S_STRIPE $S_NPM $S_JWT
/bin/true "-----BEGIN OPENSSH PRIVATE KEY-----
$S_PEM
-----END OPENSSH PRIVATE KEY-----"
cd "$T/$S_CWD" && /bin/true
/bin/true /home/zedanonuser/.cache
"$T/bin/$S_FILE/tool"
exit 0
EOF
chmod +x plant.sh

in_chunks() { "$ETR_BYTES" chunks "$1" | grep -c -F -a -e "$2"; }

GITHUB_TOKEN=$S_ENV "$EXECREC" record -q --env -o plant.etr -- ./plant.sh
check '[ $? = 0 ]' "record the planted workload"
for s in $SECRETS; do
	check '[ "$(in_chunks plant.etr "$s")" != 0 ]' "planted secret $s not in the original"
done

"$EXECREC" redact plant.etr -o red.etr 2>red.err
check '[ $? = 0 ]' "redact: $(cat red.err)"
for s in $SECRETS; do
	check '[ "$(in_chunks red.etr "$s")" = 0 ]' "secret $s left in the redacted trace"
done
check 'grep -q "secrets replaced" red.err' "redact says what it replaced"
"$EXECREC" info red.etr >info.txt
check 'grep -q "^  redact.counts .*secret-option=" info.txt' "info shows the counts"
check 'grep -q "^  redact.rules .*url-userinfo" info.txt' "info shows the rules"
check 'grep -q "end record" info.txt' "the copy ends with END"
"$EXECREC" dump red.etr >dump.txt
check 'grep -q "redacted:github-token:" dump.txt' "dump shows the tags"
check '[ "$("$ETR_BYTES" strings plant.etr | wc -l)" = "$("$ETR_BYTES" strings red.etr | wc -l)" ]' \
	"as many execs and processes as recorded"

# ---- --anonymize: user names of home paths, the host name, the boot id ----
boot_id=$(cat /proc/sys/kernel/random/boot_id)
"$EXECREC" redact --anonymize plant.etr -o anon.etr 2>/dev/null
check '[ $? = 0 ]' "redact --anonymize"
check '[ "$(in_chunks plant.etr zedanonuser)" != 0 ] && [ "$(in_chunks anon.etr zedanonuser)" = 0 ]' \
	"--anonymize left the user name of a home path"
check '[ "$(in_chunks plant.etr "$boot_id")" != 0 ] && [ "$(in_chunks anon.etr "$boot_id")" = 0 ]' \
	"--anonymize left the boot id"
"$EXECREC" info anon.etr >anon.txt
check 'grep -q "^  hostname *\[redacted:host:" anon.txt' "--anonymize: host name in the metadata"
check '[ "$(in_chunks red.etr zedanonuser)" != 0 ]' "without --anonymize the user name stays"
for s in $SECRETS; do
	check '[ "$(in_chunks anon.etr "$s")" = 0 ]' "secret $s left by redact --anonymize"
done

# ---- report --markdown: a paste, with a warning before redaction ---------
"$EXECREC" report --markdown plant.etr >md.txt 2>md.err
check '[ $? = 0 ] && grep -q "is not redacted" md.err' "report --markdown warns: $(cat md.err)"
"$EXECREC" report --markdown red.etr >md-red.txt 2>md-red.err
check '[ ! -s md-red.err ]' "report --markdown warned on a redacted trace: $(cat md-red.err)"
check 'grep -q "^| count | total | failed | command |" md-red.txt && grep -q "^## execrec report" md-red.txt' \
	"report --markdown tables"
check '[ "$(in_chunks red.etr "$S_GH")" = 0 ] && ! grep -q -e "$S_GH" -e "$S_OPT" md-red.txt' \
	"report --markdown of the redacted trace shows no secret"

# ---- the same at record time ------------------------------------------------
GITHUB_TOKEN=$S_ENV "$EXECREC" record -q --env --redact -o rec-red.etr -- ./plant.sh --password "$S_NEXT"
check '[ $? = 0 ]' "record --redact"
for s in $SECRETS; do
	check '[ "$(in_chunks rec-red.etr "$s")" = 0 ]' "record --redact left secret $s"
done
check '[ "$("$ETR_BYTES" strings rec-red.etr | wc -l)" = "$("$ETR_BYTES" strings plant.etr | wc -l)" ]' \
	"record --redact: as many execs as without"
"$EXECREC" info rec-red.etr >info2.txt
check 'grep -q "^  redact.when .*record" info2.txt && grep -q "^  target .*redacted:secret-option" info2.txt' \
	"record --redact: the metadata says so"
"$EXECREC" record -q --redact=github-token,nope -o never.etr -- /bin/true 2>bad.err
check '[ $? = 2 ] && [ ! -e never.etr ] && [ "$(wc -l <bad.err)" = 1 ]' "record --redact=nope: $(cat bad.err)"

# ---- no false positives on ordinary work ---------------------------------
mkdir wl
"$EXECREC" record -q -o wl.etr -- "$ER_WORKLOAD" all "$T/wl.log" "$T/wl"
check '[ $? = 0 ]' "record tests/record's workload"
"$EXECREC" redact wl.etr -o wl-red.etr 2>/dev/null
check '[ $? = 0 ]' "redact the workload"
"$ETR_BYTES" strings wl.etr >wl.s
"$ETR_BYTES" strings wl-red.etr >wl-red.s
check 'cmp -s wl.s wl-red.s' "the workload's strings changed: $(diff wl.s wl-red.s | head -4)"
check '[ "$(wc -l <wl.s)" -gt 10 ]' "the workload ran"
"$EXECREC" report --markdown wl.etr >wl.md 2>wl-md.err
check 'grep -q "<details><summary>Process tree of the failures" wl.md && grep -q "^\`\`\`text" wl.md' \
	"report --markdown: the failures' tree"
check '[ ! -s wl-md.err ]' "report --markdown warned on ordinary work: $(cat wl-md.err)"

mkdir -p proj/src
cat >proj/meson.build <<'EOF'
project('p', 'c')
lib = static_library('util', 'src/util.c', 'src/token.c', c_args : ['-DTOKEN_MAX=32', '-DHAVE_SECRET=1'])
executable('app', 'src/main.c', link_with : lib, dependencies : dependency('threads'))
EOF
printf 'int util(void) { return 1; }\n' >proj/src/util.c
printf 'int token(void) { return 2; }\n' >proj/src/token.c
printf 'int util(void);\nint main(void) { return util() - 1; }\n' >proj/src/main.c
"$EXECREC" record -q -o build.etr -- sh -c "cd proj && meson setup b >/dev/null && ninja -C b -j2 >/dev/null"
check '[ $? = 0 ]' "record a meson + ninja build"
"$EXECREC" redact build.etr -o build-red.etr 2>/dev/null
"$ETR_BYTES" strings build.etr >b.s
"$ETR_BYTES" strings build-red.etr >b-red.s
check 'cmp -s b.s b-red.s' "the build's strings changed: $(diff b.s b-red.s | head -4)"
check 'grep -q "cc.*token.c" b.s' "the build compiled"
"$EXECREC" export --format compile-commands build.etr >cc.json 2>/dev/null
"$EXECREC" export --format compile-commands build-red.etr >cc-red.json 2>/dev/null
check 'cmp -s cc.json cc-red.json && [ -s cc.json ]' "compile-commands export differs"

# ---- diff under one key ---------------------------------------------------
head -c 32 /dev/urandom >key
"$EXECREC" record -q --env -o plant2.etr -- ./plant.sh
"$EXECREC" redact --key-file key plant.etr -o k1.etr 2>/dev/null
"$EXECREC" redact --key-file key plant2.etr -o k2.etr 2>/dev/null
"$EXECREC" diff plant.etr plant2.etr >d-orig.txt 2>&1
st_orig=$?
"$EXECREC" diff k1.etr k2.etr >d-red.txt 2>&1
st_red=$?
check '[ $st_orig = $st_red ]' "diff status: $st_orig on the originals, $st_red redacted"
check '[ "$(grep -cE "^ *(NEW|GONE|NOW-FAILS|NOW-PASSES|COUNT) " d-orig.txt)" = "$(grep -cE "^ *(NEW|GONE|NOW-FAILS|NOW-PASSES|COUNT) " d-red.txt)" ]' \
	"redacted diff not as clean: $(head -5 d-red.txt)"
"$ETR_BYTES" strings k1.etr >k1.s
"$ETR_BYTES" strings k2.etr | sed 's/[0-9][0-9]*//g' >k2.n
sed 's/[0-9][0-9]*//g' k1.s >k1.n
check 'cmp -s k1.n k2.n' "same key, different tags"

# ---- damaged input ---------------------------------------------------------
"$EXECREC" redact "$FIXTURES/truncated.etr" -o trunc-red.etr 2>trunc.err
check '[ $? = 1 ]' "a truncated trace: exit 1"
check 'grep -q "byte [0-9]" trunc.err' "truncated: where it stopped ($(head -1 trunc.err))"
check '[ -s trunc-red.etr ] && "$EXECREC" info trunc-red.etr >/dev/null 2>&1' "truncated: the copy reads"
"$EXECREC" redact "$FIXTURES/bitflip.etr" -o flip-red.etr 2>flip.err
check '[ $? = 1 ]' "a bit-flipped trace: exit 1"
check 'grep -q "byte [0-9]" flip.err' "bit flip: where ($(head -1 flip.err))"
check '"$EXECREC" info flip-red.etr >/dev/null 2>&1' "bit flip: the copy reads"
check '[ "$("$ETR_BYTES" strings "$FIXTURES/bitflip.etr" | wc -l)" = "$("$ETR_BYTES" strings flip-red.etr | wc -l)" ]' \
	"bit flip: every readable exec kept"

# ---- bad input: one line, nothing written ----------------------------------
bad() {
	# $1: what, $2...: redact arguments; OUT is bad.etr
	what=$1
	shift
	rm -f bad.etr
	"$EXECREC" redact "$@" 2>bad.err
	st=$?
	check '[ $st = 2 ] && [ "$(wc -l <bad.err)" = 1 ] && [ ! -e bad.etr ]' \
		"$what: status $st, $(wc -l <bad.err) lines: $(cat bad.err)"
}
bad "a rule that does not compile" --rule 'x=(' plant.etr -o bad.etr
bad "an unreadable rules file" --rules "$T/nope" plant.etr -o bad.etr
printf 'ok=abc\nbroken=[z\n' >rules
bad "a rules file with a bad line" --rules rules plant.etr -o bad.etr
check 'grep -q "rules:2:" bad.err' "the bad line is named: $(cat bad.err)"
bad "an unreadable key file" --key-file "$T/nokey" plant.etr -o bad.etr
bad "no such rule" --no-rule nope plant.etr -o bad.etr
# an input that cannot be read: exit 1, as for the other analyzers
"$EXECREC" redact "$T/missing.etr" -o bad.etr 2>bad.err
check '[ $? = 1 ] && [ "$(wc -l <bad.err)" = 1 ] && [ ! -e bad.etr ]' "missing input: $(cat bad.err)"
check 'grep -q "missing.etr: No such file or directory" bad.err' "missing input named: $(cat bad.err)"
# an output file refused: exit 1, as for export, chart and btf
cp plant.etr same.etr
"$EXECREC" redact same.etr -o same.etr 2>bad.err
check '[ $? = 1 ] && [ "$(wc -l <bad.err)" = 1 ] && cmp -s same.etr plant.etr' "OUT = IN: $(cat bad.err)"
ln -s same.etr alias.etr
"$EXECREC" redact --force same.etr -o alias.etr 2>bad.err
check '[ $? = 1 ] && cmp -s same.etr plant.etr' "OUT a link to IN: $(cat bad.err)"
echo keep >exists.etr
"$EXECREC" redact plant.etr -o exists.etr 2>bad.err
check '[ $? = 1 ] && [ "$(cat exists.etr)" = keep ] && [ "$(wc -l <bad.err)" = 1 ]' "OUT exists: $(cat bad.err)"
"$EXECREC" redact --force plant.etr -o exists.etr 2>/dev/null
check '[ $? = 0 ] && [ "$(in_chunks exists.etr "$S_GH")" = 0 ]' "--force replaces OUT"
"$EXECREC" redact --list-rules >rules.txt
check '[ "$(wc -l <rules.txt)" -ge 14 ] && grep -q "^jwt " rules.txt' "--list-rules"
"$EXECREC" redact --no-rule jwt --rule 'acme=ACME-[0-9]+' --list-rules >rules.txt
check '! grep -q "^jwt " rules.txt && grep -q "^acme " rules.txt' "--list-rules after --rule/--no-rule"

echo "$checks checks, $fails failed"
[ $fails = 0 ]
