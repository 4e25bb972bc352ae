#!/bin/bash
# test-demo.sh — demo/run-demo.sh without a display falls back to the command-line demo (TAP).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/tap.sh"
skip_if_no_servers
[ "$(id -u)" = 0 ] || skip_all "the demo's Dovecot must run as root"
command -v dovecot >/dev/null || skip_all "dovecot not installed"

# The demo makes its directory (password file, servers' state) under $TMPDIR: a private one here,
# so the test looks only at what this run made, never at another run's or another user's demo.
tap_tmpdir demo-test
demo_tmp=$tmp/tmp
mkdir -p "$demo_tmp" && chmod 755 "$tmp" "$demo_tmp"   # Dovecot's unprivileged processes read below it
out=$tmp/demo.out
touch "$tmp/before-demo"
# The user's provider files and home must not matter; the demo brings its own provider.
env -u DISPLAY -u MPA_PROVIDERS_PATH MPA_BUILDDIR="$top_builddir" HOME=/nonexistent TMPDIR="$demo_tmp" \
	timeout 120 bash "$top_srcdir/demo/run-demo.sh" >"$out" 2>&1
rc=$?
sed 's/^/# /' "$out"
check "no display: exits 0 (the right password logged in)" test "$rc" = 0
check "no display: says so and runs the command-line demo" grep -q 'No display' "$out"
check "show: the demo provider with the independent-password note" grep -q 'Use the independent password' "$out"
check "check: IMAP and SMTP logins against the demo servers" \
	bash -c 'grep -q "IMAP  ✓ auth" "$1" && grep -q "SMTP  ✓ auth" "$1"' _ "$out"
check "check with a wrong password: explained, not just refused" grep -q 'IMAP  ✗ auth' "$out"
# The servers' command lines name their directory, inside the private TMPDIR: a process that
# still names it is one this run started and the demo left behind.
check "the demo servers are stopped at the end" \
	bash -c 'p=$(pgrep -a -f -- "$1") || exit 0; printf "%s\n" "$p" | sed "s/^/# still running: /"; exit 1' _ "$demo_tmp/mpa-demo\."
check "no password file left (the demo's directory is removed)" \
	bash -c '! ls -d "$1"/mpa-demo.* 2>/dev/null' _ "$demo_tmp"
# Making and removing its directory changes the private TMPDIR: the demo did use it, so the two
# points above looked where the demo's files were.
check "the demo made its directory under \$TMPDIR (where the two points above look)" \
	test -n "$(find "$demo_tmp" -maxdepth 0 -newer "$tmp/before-demo")"
tap_done
