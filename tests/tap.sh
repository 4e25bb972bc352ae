# tap.sh — TAP for the shell tests, sourced first by each of them (POSIX sh: dash and bash).
#
#   . "$top_srcdir/tests/tap.sh"
#   check DESCRIPTION COMMAND...     one test point: passes when COMMAND succeeds
#   result STATUS DESCRIPTION [FILE] one test point from an exit status; FILE is shown if it failed
#   ok DESCRIPTION / not_ok DESCRIPTION
#   skip REASON / skip DESCRIPTION REASON   a test point that was not run, and why
#   skip_all REASON                  the whole test is skipped (call it before the first point)
#   tap_tmpdir [NAME]                $tmp, removed on exit, with HOME and XDG_CONFIG_HOME below it
#   tap_done                         the plan; the last command of a test, its status is the verdict
#
# TAP_DIAG: a command that check runs after a failure, to show why (e.g. the program's output);
# with TAP_CAPTURE too, after the captured output.
# TAP_CAPTURE=1: check keeps COMMAND's output to itself and shows it, as comments, only on failure.

n=0
failures=0
TAP_DIAG=
TAP_CAPTURE=

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; }

check() {
	_tap_desc=$1
	shift
	if [ -n "$TAP_CAPTURE" ]; then
		if _tap_out=$("$@" 2>&1); then
			ok "$_tap_desc"
		else
			not_ok "$_tap_desc"
			printf '%s\n' "$_tap_out" | sed 's/^/# /'
			if [ -n "$TAP_DIAG" ]; then eval "$TAP_DIAG"; fi
		fi
	elif "$@"; then
		ok "$_tap_desc"
	else
		not_ok "$_tap_desc"
		if [ -n "$TAP_DIAG" ]; then eval "$TAP_DIAG"; fi
	fi
	return 0
}

result() {
	if [ "$1" -eq 0 ]; then
		ok "$2"
	else
		not_ok "$2"
		if [ -n "${3:-}" ] && [ -f "$3" ]; then sed 's/^/#   /' "$3" | head -8; fi
	fi
	return 0
}

skip() {
	n=$((n + 1))
	if [ $# -ge 2 ]; then echo "ok $n - $1 # SKIP $2"; else echo "ok $n # SKIP $1"; fi
}

skip_all() { echo "1..0 # SKIP $1"; exit 0; }

# MPA_SKIP_SERVERS=1 (set by the package build, debian/rules): a test that starts mail or name
# servers (Dovecot, the fake servers, a DNS server, the demo) is skipped; .ci/run runs them all.
skip_if_no_servers() {
	[ -z "${MPA_SKIP_SERVERS:-}" ] ||
		skip_all "MPA_SKIP_SERVERS is set (a package build runs the core tests only; CI runs the server tests)"
}

# The programs under test must never read (or write) the real user's files.
tap_tmpdir() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpa-${1:-test}.XXXXXX") || exit 99
	trap 'rm -rf "$tmp"' EXIT
	export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config"
	mkdir -p "$HOME"
}

tap_done() {
	echo "1..$n"
	[ "$failures" -eq 0 ]
}
