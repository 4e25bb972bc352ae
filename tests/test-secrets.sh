#!/bin/sh
# test-secrets.sh — a recognisable password ("PA-SECRET-<random>") goes through real logins against
# Dovecot and the fake server, and must then be nowhere: not in stdout/stderr (text or JSON), not in
# the servers' logs (only the server's own password file holds it), not in any file under the
# test's HOME and XDG directories, not in the memory of a process after its check
# (tests/secret-scan: /proc/self/mem), and the CLI forbids core dumps while it holds it.
# The base64 forms (AUTH PLAIN blob, AUTH LOGIN password) are searched as well.  Prints TAP.
. "${top_srcdir:?run through make check}/tests/check-env.sh"
SCAN=$builddir/tests/secret-scan
check_env_servers dovecot

# The secret: random, never in argv (only in files read by the programs).
SECRET="PA-SECRET-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$SECRET" > "$MPA_TMP/secret"
printf 'PA-WRONG-%s' "$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')" > "$MPA_TMP/wrong"
USER=ok@example.com
# The forms a client puts on the wire: AUTH PLAIN "user\0user\0password" and AUTH LOGIN, base64.
B64_PLAIN=$(printf '%s\0%s\0%s' "$USER" "$USER" "$SECRET" | base64 -w0)
B64_PW=$(printf '%s' "$SECRET" | base64 -w0)
printf '%s\n%s\n%s\n' "$SECRET" "$B64_PLAIN" "$B64_PW" > "$MPA_TMP/needles"

# (STARTTLS is covered by the memory scan below: --imap/--smtp without a provider mean implicit TLS.)
# A HOME of its own: whatever the CLI writes under it is searched.
H=$MPA_TMP/home
mkdir -p "$H/.config" "$H/.cache" "$H/.local/share" "$H/.local/state"
export HOME="$H" XDG_CONFIG_HOME="$H/.config" XDG_CACHE_HOME="$H/.cache" \
	XDG_DATA_HOME="$H/.local/share" XDG_STATE_HOME="$H/.local/state"

echo "# starting Dovecot and fake servers"
mpa_dovecot_start --password-file "$MPA_TMP/secret" || { echo "Bail out! Dovecot did not start"; exit 1; }
mpa_fake_spawn f_imap --user "$USER" --password-file "$MPA_TMP/secret"
mpa_fake_spawn f_smtp --proto smtp --user "$USER" --password-file "$MPA_TMP/secret"
mpa_fake_spawn f_login --proto smtp --user "$USER" --password-file "$MPA_TMP/secret" \
	--json '{"replies": {"EHLO": ["250-localhost", "250 AUTH LOGIN"]}}'
for s in f_imap f_smtp f_login; do
	mpa_fake_wait $s || { echo "Bail out! fake server $s did not start"; exit 1; }
done

# cli NAME PASSWORD-FILE ARGS...: text and JSON runs, outputs in $OUT/NAME.*
cli() {
	_name=$1 _pw=$2; shift 2
	"$CLI" check --ca-file "$CA" --password-file "$_pw" --timeout 5 "$@" \
		>"$OUT/$_name.out" 2>"$OUT/$_name.err" </dev/null
	echo $? > "$OUT/$_name.rc"
	"$CLI" check --json --ca-file "$CA" --password-stdin --timeout 5 "$@" \
		<"$_pw" >"$OUT/$_name.json" 2>"$OUT/$_name.json.err"
	echo $? > "$OUT/$_name.json.rc"
}

D=localhost
cli dv_ssl "$MPA_TMP/secret" "$USER" --imap $D:$IMAPS_PORT --smtp $D:$SMTPS_PORT
cli dv_wrong "$MPA_TMP/wrong" "$USER" --imap $D:$IMAPS_PORT --smtp $D:$SMTPS_PORT
cli fk_ok "$MPA_TMP/secret" "$USER" --imap 127.0.0.1:$f_imap_PORT --smtp 127.0.0.1:$f_smtp_PORT
cli fk_login "$MPA_TMP/secret" "$USER" --smtp 127.0.0.1:$f_login_PORT
for c in dv_ssl fk_ok fk_login; do
	[ "$(cat "$OUT/$c.rc")" = 0 ] && [ "$(cat "$OUT/$c.json.rc")" = 0 ]
	result $? "$c: the login with the secret works (text and JSON)"
done
[ "$(cat "$OUT/dv_wrong.rc")" = 1 ]
result $? "dv_wrong: a wrong password is refused"
grep -q 'AUTH LOGIN' "$f_login_LOG" && grep -q ' CMD AUTH ' "$f_login_LOG"
result $? "fk_login: the SMTP server saw AUTH LOGIN (the base64 password path)"

# find_secret WHERE...: prints the files holding a needle
find_secret() { grep -rlF -f "$MPA_TMP/needles" "$@" 2>/dev/null; }

leaks=$(find_secret "$OUT")
[ -z "$leaks" ]
result $? "no secret in any stdout/stderr, text or JSON"
[ -n "$leaks" ] && echo "# found in: $leaks"

# Dovecot's password file and the passdb it generates hold the password by necessity.
leaks=$(find_secret "$MPA_DOVECOT_DIR"/*.log "$MPA_DOVECOT_DIR"/*.stderr "$MPA_TMP"/fake-*.log "$MPA_TMP"/fake-*.err)
[ -z "$leaks" ]
result $? "no secret in Dovecot's, the sink's or the fake servers' logs"
[ -n "$leaks" ] && echo "# found in: $leaks"

leaks=$(find_secret "$H")
[ -z "$leaks" ]
result $? "no secret in any file under HOME and the XDG directories"
[ -n "$leaks" ] && echo "# found in: $leaks"

# In memory, after the check, result and request freed (see tests/secret-scan.c).
scan() {
	_desc=$1 _pw=$2; shift 2
	if [ -n "${MPA_TEST_SANITIZED:-}" ]; then
		# ASan's shadow memory (terabytes of mapping) and its quarantine of freed blocks make
		# a scan of the process meaningless; the normal build runs it.
		skip "memory after the check: $_desc" "sanitizer build"
		return
	fi
	_out=$("$SCAN" "$USER" "$_pw" "$CA" "$@" 2>&1)
	_st=$?
	result $_st "memory after the check: $_desc"
	[ $_st -eq 0 ] || echo "$_out" | sed 's/^/# /'
}
scan "Dovecot IMAPS + SMTPS" "$MPA_TMP/secret" imap:$D:$IMAPS_PORT:ssl smtp:$D:$SMTPS_PORT:ssl
scan "Dovecot IMAP and submission with STARTTLS" "$MPA_TMP/secret" \
	imap:$D:$IMAP_STARTTLS_PORT:starttls smtp:$D:$SUBMISSION_PORT:starttls
scan "fake IMAP + SMTP AUTH PLAIN" "$MPA_TMP/secret" imap:127.0.0.1:$f_imap_PORT:ssl smtp:127.0.0.1:$f_smtp_PORT:ssl
scan "fake SMTP AUTH LOGIN" "$MPA_TMP/secret" smtp:127.0.0.1:$f_login_PORT:ssl
# a refused password is a secret too (the needles are then the wrong password)
scan "refused password, Dovecot" "$MPA_TMP/wrong" imap:$D:$IMAPS_PORT:ssl smtp:$D:$SMTPS_PORT:ssl

# Core dumps: while it holds the password the CLI has RLIMIT_CORE 0 (and is not dumpable).
mkfifo "$MPA_TMP/fifo"
( ulimit -c unlimited 2>/dev/null || ulimit -c 1000000
  exec "$CLI" check --password-stdin --ca-file "$CA" "$USER" --imap 127.0.0.1:$f_imap_PORT \
	<"$MPA_TMP/fifo" >/dev/null 2>&1 ) &
cli_pid=$!
exec 7>"$MPA_TMP/fifo"      # the CLI starts and waits for its password
i=0
while ! grep -q '^Max core file size *0 *0 ' /proc/$cli_pid/limits 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
grep -q '^Max core file size *0 *0 ' /proc/$cli_pid/limits 2>/dev/null
result $? "the CLI forbids core files before it reads the password"
cat "$MPA_TMP/secret" >&7
exec 7>&-
wait $cli_pid
result $? "... and the check then runs normally"

tap_done
