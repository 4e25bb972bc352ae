#!/bin/sh
# test-providers-robust.sh — broken provider files and directories never stop the CLI: a file with
# a syntax error, a "directory" that is a file, a missing directory, a *.xml that is a directory, a
# FIFO or a dangling link (the test runs as root, so "unreadable" is simulated by what even root
# cannot read as a file).  The CLI names the file and the reason and carries on with the rest.
# Prints TAP.
set -u
builddir=${top_builddir:?run through make check}
srcdir=${top_srcdir:?run through make check}
CLI=$builddir/plugin/provider-assistant

. "$srcdir/tests/tap.sh"
tap_tmpdir robust
T=$tmp

GOOD=$T/good
mkdir -p "$GOOD"
cp "$srcdir/providers/sohu.com.xml" "$GOOD/"
printf '<clientConfig version="1.1">\n<emailProvider id="broken.example">\n<domain>broken.example</domain\n</clientConfig>\n' \
	> "$GOOD/broken.xml"

# run NAME ARGS...: exit status, stdout, stderr in $T/NAME.*; never longer than 10 s
run() {
	_n=$1; shift
	timeout 10 "$CLI" "$@" >"$T/$_n.out" 2>"$T/$_n.err" </dev/null
	echo $? > "$T/$_n.rc"
}
rc() { cat "$T/$1.rc"; }

# 1. a syntax error next to a good file
run syntax show --providers-dir "$GOOD" zhangsan@sohu.com
[ "$(rc syntax)" = 0 ] && grep -q 'imap.sohu.com' "$T/syntax.out"
result $? "a file with a syntax error: show still works for the good file" "$T/syntax.err"
grep -q "warning: $GOOD/broken.xml:4: the file is not well-formed XML: .* — correct the XML syntax" "$T/syntax.err"
result $? "... and names the file, the line and why" "$T/syntax.err"
run syntax_v validate --providers-dir "$GOOD"
[ "$(rc syntax_v)" = 1 ] && grep -q "broken.xml: INVALID" "$T/syntax_v.out" && grep -q "sohu.com.xml: ok" "$T/syntax_v.out"
result $? "validate reports the bad file and still checks the good one" "$T/syntax_v.out"

# 2. a "directory" that is a file
printf 'not a directory\n' > "$T/plainfile"
run notdir show --providers-dir "$T/plainfile" --providers-dir "$GOOD" zhangsan@sohu.com
[ "$(rc notdir)" = 0 ] && grep -q "warning: $T/plainfile: cannot read the directory: .*Not a directory" "$T/notdir.err"
result $? "a provider directory that is a file: reported, the next directory is used" "$T/notdir.err"

# 3. a missing directory: named when given explicitly, silent in the search path
run missing show --providers-dir "$T/nowhere" --providers-dir "$GOOD" zhangsan@sohu.com
[ "$(rc missing)" = 0 ] && grep -q "warning: $T/nowhere: no such directory" "$T/missing.err"
result $? "an explicit missing directory: 'no such directory', the next one is used" "$T/missing.err"
MPA_PROVIDERS_PATH="$T/nowhere:$GOOD" run missing_path show zhangsan@sohu.com
[ "$(rc missing_path)" = 0 ] && ! grep -q nowhere "$T/missing_path.err"
result $? "a missing directory in the search path is not an error" "$T/missing_path.err"
MPA_PROVIDERS_PATH="$T/nowhere" run none show zhangsan@sohu.com
[ "$(rc none)" = 3 ] && grep -qi 'provider file' "$T/none.err"
result $? "no provider directory at all: unknown domain (exit 3) with the advice, no crash" "$T/none.err"

# 4. files root cannot read as files: a directory named *.xml, a dangling link, a FIFO
ODD=$T/odd
mkdir -p "$ODD/dir.xml"
ln -s "$T/absent-target.xml" "$ODD/dangling.xml"
mkfifo "$ODD/fifo.xml"
cp "$srcdir/providers/sohu.com.xml" "$ODD/"
run odd show --providers-dir "$ODD" zhangsan@sohu.com
[ "$(rc odd)" = 0 ] && grep -q 'imap.sohu.com' "$T/odd.out"
result $? "a directory, a dangling link and a FIFO named *.xml: show works, no hang" "$T/odd.err"
grep -q "warning: $ODD/dir.xml: not a regular file but a directory — " "$T/odd.err" &&
	grep -q "warning: $ODD/fifo.xml: not a regular file but a FIFO (named pipe) — " "$T/odd.err" &&
	grep -q "warning: $ODD/dangling.xml: cannot read the file: " "$T/odd.err"
result $? "... each is named with its reason and what it is" "$T/odd.err"
run odd_v validate "$ODD/fifo.xml"
[ "$(rc odd_v)" != 0 ] && [ "$(rc odd_v)" != 124 ] && grep -q "fifo.xml" "$T/odd_v.err"
result $? "validate FIFO: refused at once, not read (no hang)" "$T/odd_v.err"

# 5. the check command loads the same database: a broken file does not stop it either
printf 'x' > "$T/pw"
run check check --providers-dir "$GOOD" --password-file "$T/pw" --timeout 1 someone@example.org \
	--imap 127.0.0.1:1 --json
[ "$(rc check)" = 1 ] && grep -q '"net_error": "refused"' "$T/check.out" && grep -q 'broken.xml:4' "$T/check.err"
result $? "check with a broken provider file: warns, then checks" "$T/check.err"

# 6. all of it in Chinese too: the reason is translated
LC_ALL=zh_CN.UTF-8 LANGUAGE= LOCPATH=${LOCPATH:-} run zh show --providers-dir "$T/nowhere" --providers-dir "$ODD" zhangsan@sohu.com
grep -q '目录不存在' "$T/zh.err" && grep -q '不是普通文件' "$T/zh.err"
result $? "the warnings are in Chinese under zh_CN.UTF-8" "$T/zh.err"

# 7. a file nested 140,000 deep (980 KB, under the size limit) crashed every command (issue #15);
# a sparse file of 2 GiB was read into memory.  Now: refused at once, named, the rest works.
HOSTILE=$T/hostile
mkdir -p "$HOSTILE"
cp "$srcdir/providers/sohu.com.xml" "$HOSTILE/"
{
	printf '<clientConfig version="1.1">\n<emailProvider id="deep.example">\n'
	awk 'BEGIN { for (i = 0; i < 140000; i++) printf "<a>"; for (i = 0; i < 140000; i++) printf "</a>" }'
	printf '\n</emailProvider>\n</clientConfig>\n'
} > "$HOSTILE/deep.xml"
truncate -s 2G "$HOSTILE/huge.xml"
deep_size=$(wc -c < "$HOSTILE/deep.xml")
[ "$deep_size" -gt 900000 ] && [ "$deep_size" -lt 1048576 ]
result $? "the deep file is 140,000 levels in under 1 MiB ($deep_size bytes)"
for cmd in show validate explain; do
	case $cmd in
	show) run "deep_$cmd" show --providers-dir "$HOSTILE" zhangsan@sohu.com ;;
	validate) run "deep_$cmd" validate "$HOSTILE/deep.xml" ;;
	explain) run "deep_$cmd" explain --providers-dir "$HOSTILE" --address zhangsan@sohu.com \
		--protocol imap --stage auth --reply "NO x" ;;
	esac
	r=$(rc "deep_$cmd")
	# no crash (a signal is > 128), no time-out (124), the file named with the reason
	[ "$r" -lt 124 ] && grep -q "deep.xml:3: elements are nested more than 64 deep" "$T/deep_$cmd.err" "$T/deep_$cmd.out"
	result $? "140,000 levels deep: $cmd exits $r without a crash and names the file" "$T/deep_$cmd.err"
done
[ "$(rc deep_show)" = 0 ] && grep -q 'imap.sohu.com' "$T/deep_show.out" &&
	grep -q "huge.xml: the file is larger than 1 MiB" "$T/deep_show.err"
result $? "... show still finds Sohu, and the 2 GiB sparse file is refused unread" "$T/deep_show.err"

tap_done
