#!/bin/bash
# test-demo.sh — demo/run-demo.sh without a display falls back to the command-line demo (TAP).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/tap.sh"
skip_if_no_servers
[ "$(id -u)" = 0 ] || skip_all "the demo's Dovecot must run as root"
command -v dovecot >/dev/null || skip_all "dovecot not installed"

out=$(mktemp /tmp/mpa-demo-test.XXXXXX)
trap 'rm -f "$out"' EXIT
# The user's provider files and home must not matter; the demo brings its own provider.
env -u DISPLAY -u MPA_PROVIDERS_PATH MPA_BUILDDIR="$top_builddir" HOME=/nonexistent \
	timeout 120 bash "$top_srcdir/demo/run-demo.sh" >"$out" 2>&1
rc=$?
sed 's/^/# /' "$out"
check "no display: exits 0 (the right password logged in)" test "$rc" = 0
check "no display: says so and runs the command-line demo" grep -q 'No display' "$out"
check "show: the demo provider with the independent-password note" grep -q 'Use the independent password' "$out"
check "check: IMAP and SMTP logins against the demo servers" \
	bash -c 'grep -q "IMAP  ✓ auth" "$1" && grep -q "SMTP  ✓ auth" "$1"' _ "$out"
check "check with a wrong password: explained, not just refused" grep -q 'IMAP  ✗ auth' "$out"
check "the demo servers are stopped at the end" \
	bash -c '! pgrep -f "dovecot.*/tmp/mpa-demo\." >/dev/null'
check "no password file left in /tmp (the demo dir is removed)" \
	bash -c '! ls -d /tmp/mpa-demo.* >/dev/null 2>&1'
tap_done
