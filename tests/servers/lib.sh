# lib.sh — source from a test script to run loopback servers that never outlive the test.
#
#   . "$top_srcdir/tests/servers/lib.sh"
#   mpa_servers_init                      # temp dir $MPA_TMP, cleanup trap on EXIT/INT/TERM/HUP
#   mpa_dovecot_start || exit 1           # Dovecot in $MPA_TMP/dovecot; exports IMAPS_PORT... (see README)
#   mpa_fake_start NAME [fakeserver.py options]   # sets NAME_PORT, NAME_LOG, NAME_PID
#   mpa_fake_spawn NAME [options]; ...; mpa_fake_wait NAME   # the same, several at once
#   mpa_on_exit 'command'                 # extra cleanup of your own, run before the servers stop
#
# Works in POSIX sh (dash) and bash.  The cleanup stops every server started here, also when the
# test fails half-way or is interrupted; a watchdog stops Dovecot even if this shell is SIGKILLed,
# and fake servers end by themselves after their lifetime (default 120 s).

# Where the server scripts are: $MPA_SERVERS_DIR, else $top_srcdir/tests/servers (set by make check),
# else next to the sourcing script (tests/NAME.sh -> tests/servers).
for _d in "${MPA_SERVERS_DIR:-}" "${top_srcdir:-/nonexistent}/tests/servers" "$(dirname "$0")/servers" "$(dirname "$0")"; do
	if [ -n "$_d" ] && [ -f "$_d/fakeserver.py" ]; then MPA_SERVERS_DIR=$(cd "$_d" && pwd); break; fi
done
MPA_SYSTEM_PYTHON=/usr/bin/python3
MPA_FAKE_PIDS=
MPA_ON_EXIT=
MPA_DOVECOT_DIR=

mpa_on_exit() { MPA_ON_EXIT="$MPA_ON_EXIT
$1"; }

mpa_cleanup() {
	set +e
	[ -n "$MPA_ON_EXIT" ] && eval "$MPA_ON_EXIT"
	for pid in $MPA_FAKE_PIDS; do kill "$pid" 2>/dev/null; done
	[ -n "$MPA_DOVECOT_DIR" ] && "$MPA_SYSTEM_PYTHON" "$MPA_SERVERS_DIR/dovecot.py" stop "$MPA_DOVECOT_DIR"
	for pid in $MPA_FAKE_PIDS; do wait "$pid" 2>/dev/null; done
	MPA_FAKE_PIDS= MPA_DOVECOT_DIR= MPA_ON_EXIT=
	if [ -n "${MPA_TMP:-}" ] && [ -z "${MPA_KEEP_TMP:-}" ]; then rm -rf "$MPA_TMP"; fi
}

mpa_servers_init() {
	MPA_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mpa-test.XXXXXX") || exit 99
	# Dovecot's auth and mail processes (user dovecot) must be able to enter it.
	chmod 711 "$MPA_TMP"
	export MPA_TMP
	# One certificate set per test run directory, shared by all servers of this test.
	MPA_TEST_CERTS=$MPA_TMP/certs
	export MPA_TEST_CERTS
	sh "$MPA_SERVERS_DIR/make-certs.sh" "$MPA_TEST_CERTS" || exit 99
	trap 'st=$?; mpa_cleanup; exit $st' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
}

# mpa_have_dovecot: true when the packages for the real server are present (else SKIP the test).
mpa_have_dovecot() {
	command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || return 1
	[ -e /usr/lib/dovecot/submission ] && [ -e /usr/lib/dovecot/modules/auth/libauthdb_lua.so ] &&
		"$MPA_SYSTEM_PYTHON" -c 'import aiosmtpd' 2>/dev/null
}

mpa_dovecot_start() {
	MPA_DOVECOT_DIR=$MPA_TMP/dovecot
	mkdir -p "$MPA_DOVECOT_DIR"
	PATH=$PATH:/usr/sbin "$MPA_SYSTEM_PYTHON" "$MPA_SERVERS_DIR/dovecot.py" start "$MPA_DOVECOT_DIR" \
		--certs "$MPA_TEST_CERTS" --parent $$ --lifetime "${MPA_DOVECOT_LIFETIME:-300}" "$@" >/dev/null || return 1
	set -a
	. "$MPA_DOVECOT_DIR/ports"
	set +a
}

# mpa_fake_start NAME [options]: NAME must be a shell identifier; the port is in ${NAME}_PORT,
# the command log in ${NAME}_LOG.  mpa_fake_spawn + mpa_fake_wait do the same in two halves, so
# that several servers can start at once.
mpa_fake_start() {
	mpa_fake_spawn "$@" && mpa_fake_wait "$1"
}

mpa_fake_spawn() {
	_n=$1; shift
	rm -f "$MPA_TMP/fake-$_n.port"
	"$MPA_SYSTEM_PYTHON" "$MPA_SERVERS_DIR/fakeserver.py" --certs "$MPA_TEST_CERTS" \
		--port-file "$MPA_TMP/fake-$_n.port" --log "$MPA_TMP/fake-$_n.log" "$@" \
		>/dev/null 2>"$MPA_TMP/fake-$_n.err" &
	MPA_FAKE_PIDS="$MPA_FAKE_PIDS $!"
	eval "${_n}_PID=\$! ${_n}_LOG=\$MPA_TMP/fake-\$_n.log"
}

mpa_fake_wait() {
	_n=$1
	_pf=$MPA_TMP/fake-$_n.port
	eval "_pid=\${${_n}_PID}"
	_i=0
	while [ ! -s "$_pf" ]; do
		if ! kill -0 "$_pid" 2>/dev/null || [ $_i -ge 300 ]; then
			echo "# fake server $_n did not start:" >&2
			sed 's/^/# /' "$MPA_TMP/fake-$_n.err" >&2
			return 1
		fi
		_i=$((_i + 1))
		sleep 0.05
	done
	eval "${_n}_PORT=\$(cat \"\$_pf\")"
}
