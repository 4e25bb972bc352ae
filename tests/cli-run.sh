# cli-run.sh — run the provider-assistant command ($PA) and look at what it printed; for the tests
# of its subcommands, sourced after tests/tap.sh and tap_tmpdir.
#
#   run [ENV=VALUE...] -- ARGS...    sets $rc, $tmp/out and $tmp/err
#   rc_is N, out_has TEXT..., err_has TEXT..., out_lacks TEXT..., out_empty
#   json EXPR                        a Python expression on the parsed stdout (as "d") is true
#   all CONDITION...                 every CONDITION (shell text, eval'ed) holds
# A failed check shows the exit status, stdout and stderr of the last run.

PY=/usr/bin/python3
rc=0
TAP_DIAG=run_diag

run() {
	_run_envs=
	while [ "$1" != "--" ]; do _run_envs="$_run_envs $1"; shift; done
	shift
	# shellcheck disable=SC2086
	env $_run_envs "$PA" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

run_diag() {
	echo "# exit status: $rc"
	sed 's/^/# stdout: /' "$tmp/out" | head -40
	sed 's/^/# stderr: /' "$tmp/err" | head -20
}

rc_is() { [ "$rc" -eq "$1" ]; }
out_has() { for s in "$@"; do grep -qF -- "$s" "$tmp/out" || { echo "# missing in stdout: $s"; return 1; }; done; }
err_has() { for s in "$@"; do grep -qF -- "$s" "$tmp/err" || { echo "# missing in stderr: $s"; return 1; }; done; }
out_lacks() { for s in "$@"; do ! grep -qF -- "$s" "$tmp/out" || { echo "# unexpected in stdout: $s"; return 1; }; done; }
out_empty() { [ ! -s "$tmp/out" ]; }
json() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/out" "$1"; }
all() { for c in "$@"; do eval "$c" || return 1; done; }
