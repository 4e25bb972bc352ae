#!/bin/sh
# test-local-input.sh — local files a hostile user or a broken disk hands the command line
# (issue #15): reply, guard and password files that are FIFOs, devices, directories, huge sparse
# files or links to them; invisible format characters in an address; a full standard output;
# the password file's real size limit and its permissions.  Every case must end at once (each
# run is bounded by `timeout`; 124 = it hung), with a clear message and the right exit status.
# Prints TAP.  Needs the environment of tests/tests.am.
set -u

PA="${top_builddir:?run through make check}/plugin/provider-assistant"
. "${top_srcdir:?}/tests/tap.sh"
tap_tmpdir local-input
. "$top_srcdir/tests/cli-run.sh"
export LC_ALL=C.UTF-8 LANGUAGE=

# run_in STDIN ARGS...: like cli-run.sh's run, with standard input from STDIN, at most 10 s
run_in() {
	_in=$1; shift
	timeout 10 "$PA" "$@" >"$tmp/out" 2>"$tmp/err" <"$_in"
	rc=$?
}
# run_t ARGS...: like run, at most 10 s
run_t() { run_in /dev/null "$@"; }
not_hung() { [ "$rc" -ne 124 ] || { echo "# it hung (killed after 10 s)"; return 1; }; }
# no raw control character (ESC, BEL...) and no raw bidi override in what was printed
clean() {
	for f in "$tmp/out" "$tmp/err"; do
		if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$f" ||
			grep -q "$(printf '\342\200\256')" "$f"; then
			echo "# raw control or bidi character in $f"
			return 1
		fi
	done
}

fifo=$tmp/fifo
mkfifo "$fifo"
mkdir -p "$tmp/dir"
truncate -s 2G "$tmp/sparse"
ln -s /dev/zero "$tmp/zero-link"

# ---- explain --reply-file ----
EXPLAIN="explain --address zhangsan@sohu.com --protocol imap --stage auth"
for kind in "fifo:a FIFO (named pipe)" "zero-link:a character device" "dir:a directory"; do
	f=${kind%%:*} what=${kind#*:}
	run_t $EXPLAIN --reply-file "$tmp/$f"
	check "explain --reply-file $f: refused at once as $what (exit 2)" \
		all not_hung "rc_is 2" "err_has 'cannot read the reply file' 'not a regular file but $what'"
done
run_t $EXPLAIN --reply-file /dev/zero
check "explain --reply-file /dev/zero: refused at once (was: read until a 4 GiB allocation failed)" \
	all not_hung "rc_is 2" "err_has 'not a regular file but a character device'"
run_t $EXPLAIN --reply-file "$tmp/sparse"
check "explain --reply-file of a 2 GiB sparse file: refused by its size, unread" \
	all not_hung "rc_is 2" "err_has 'larger than 1048576 bytes'"
printf 'NO [AUTHENTICATIONFAILED] Authentication failed.\n' >"$tmp/reply"
run_in "$tmp/reply" $EXPLAIN --reply-file - --json
check "explain --reply-file - still reads standard input" all "rc_is 0" "json 'd[\"cause\"] == \"app-password-required\"'"
run_in /dev/zero $EXPLAIN --reply-file -
check "explain --reply-file - from /dev/zero: read up to the cap, then explained" all not_hung "rc_is 0"

# ---- the guard file of quota ----
cfg=$tmp/cfg
mkdir -p "$cfg"
guard=$cfg/provider_assistant_guard.rc
QUOTA="quota zhangsan@sohu.com --config-dir $cfg"
ln -s /dev/zero "$guard"
run_t $QUOTA
check "quota with the guard file a link to /dev/zero: refused at once (exit 1)" \
	all not_hung "rc_is 1" "err_has 'not a regular file but a character device'"
rm -f "$guard"; mkfifo "$guard"
run_t $QUOTA
check "quota with the guard file a FIFO: refused at once, no hang" \
	all not_hung "rc_is 1" "err_has 'not a regular file but a FIFO (named pipe)'"
rm -f "$guard"
printf 'secret-first-line: do not show me\nmore\n' >"$tmp/other-file"
ln -s "$tmp/other-file" "$guard"
run_t $QUOTA
check "quota with the guard file a link to another file: the other file's text is not shown" \
	all "rc_is 1" "err_has 'line 1 is neither a [group] nor key=value'" \
	"! grep -q 'secret-first-line' '$tmp/err' '$tmp/out'"
rm -f "$guard"
printf '[guard]\nversion=1\n\033]0;owned\007\033[2J\n' >"$guard"
run_t $QUOTA
check "quota with escape sequences and a bell in the guard file: summarised, nothing raw printed" \
	all "rc_is 1" "err_has 'line 3 is neither'" clean
rm -f "$guard"
printf '[guard]\nversion=1\n\n[account \033[2J1]\nid=x\n' >"$guard"
run_t $QUOTA
check "quota: a group name with an escape sequence is shown escaped" all "rc_is 1" clean
rm -f "$guard"

# ---- check --password-file ----
# A server that refuses the connection: a password that was accepted ends at "connect".
CHECK="check someone@example.org --imap 127.0.0.1:1 --smtp 127.0.0.1:1 --timeout 2 --json"
for kind in "fifo:a FIFO (named pipe)" "zero-link:a character device" "dir:a directory"; do
	f=${kind%%:*} what=${kind#*:}
	run_t $CHECK --password-file "$tmp/$f"
	check "check --password-file $f: refused at once as $what (exit 2)" \
		all not_hung "rc_is 2" "err_has 'cannot read the password file' 'not a regular file but $what'"
done
run_t $CHECK --password-file "$tmp/sparse"
check "check --password-file of a 2 GiB sparse file: refused by its size, unread" \
	all not_hung "rc_is 2" "err_has 'longer than 4096 bytes'"
# the limit is 4096 bytes of password; one line end after it is not counted
pw() { head -c "$1" /dev/zero | tr '\0' x >"$tmp/pw"; [ -z "${2:-}" ] || printf "$2" >>"$tmp/pw"; chmod 600 "$tmp/pw"; }
accepted() { all "rc_is 1" "json 'd[\"imap\"][\"net_error\"] == \"refused\"'"; }
pw 4096; run_t $CHECK --password-file "$tmp/pw"
check "a password file of exactly 4096 bytes is accepted" accepted
pw 4095 '\n'; run_t $CHECK --password-file "$tmp/pw"
check "4095 bytes and a newline: accepted" accepted
pw 4096 '\n'; run_t $CHECK --password-file "$tmp/pw"
check "4096 bytes and a newline: accepted (the newline is not part of the password)" accepted
pw 4096 '\r\n'; run_t $CHECK --password-file "$tmp/pw"
check "4096 bytes and CR LF: accepted" accepted
pw 4097; run_t $CHECK --password-file "$tmp/pw"
check "4097 bytes: refused, saying the real limit" \
	all "rc_is 2" "err_has 'longer than 4096 bytes (one line end at the end not counted)'"
pw 4096 '\n\n'; run_t $CHECK --password-file "$tmp/pw"
check "4096 bytes and two newlines: refused (only one line end is forgiven)" all "rc_is 2" "err_has 'longer than 4096 bytes'"
run_in /dev/zero $CHECK --password-stdin
check "check --password-stdin from /dev/zero: refused after the cap, no hang" \
	all not_hung "rc_is 2" "err_has 'longer than 4096 bytes'"
# permissions: a warning, as ssh gives for keys; the file is still used
pw 8
chmod 644 "$tmp/pw"; run_t $CHECK --password-file "$tmp/pw"
check "a password file other users can read: a warning naming the mode, and it is still used" \
	all accepted "err_has 'can be read by other users (mode 0644)' 'chmod 600'"
chmod 640 "$tmp/pw"; run_t $CHECK --password-file "$tmp/pw"
check "... readable by the group: the warning too" all accepted "err_has '(mode 0640)'"
chmod 600 "$tmp/pw"; run_t $CHECK --password-file "$tmp/pw"
check "... private (0600): no warning" all accepted "! grep -q 'other users' '$tmp/err'"

# ---- invisible characters in an address ----
for cp in "200b:\342\200\213" "feff:\357\273\277" "00ad:\302\255" "2066:\342\201\246" "202e:\342\200\256"; do
	code=${cp%%:*} bytes=${cp#*:}
	addr=$(printf "zhang${bytes}san@sohu.com")
	run_t show "$addr"
	upper=$(echo "$code" | tr a-f A-F)
	check "show: an address with U+$upper is refused (exit 2), the character named, not printed" \
		all "rc_is 2" "err_has 'invisible formatting character (U+$upper)'" clean \
		"! grep -q '$(printf "$bytes")' '$tmp/err' '$tmp/out'"
done
run_t check "$(printf 'zhang\342\200\213san@sohu.com')" --imap 127.0.0.1:1 --smtp 127.0.0.1:1 --password-file "$tmp/pw"
check "check: the same address is refused before any password is read or server contacted" \
	all "rc_is 2" "err_has 'U+200B'"

# ---- a full standard output ----
for cmd in "show zhangsan@sohu.com" "show --json zhangsan@sohu.com" "quota zhangsan@sohu.com --config-dir $cfg" \
	"explain --address zhangsan@sohu.com --protocol imap --stage auth --reply NO" "validate" "validate --json"; do
	timeout 10 "$PA" $cmd >/dev/full 2>"$tmp/err" </dev/null
	rc=$?
	: >"$tmp/out"
	check "$cmd > /dev/full: exit 1 with a message (was: exit 0)" all "rc_is 1" "err_has 'cannot write the output'"
done
timeout 10 "$PA" show zhangsan@sohu.com >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
check "... and to a normal file: exit 0, nothing on stderr" all "rc_is 0" "[ ! -s '$tmp/err' ]"

tap_done
