#!/bin/sh
# test-check-hygiene.sh — what "provider-assistant check" refuses to do with a password, each case
# asserted on what the server received (a real Dovecot, or the fake server's command log):
# outdated TLS, unencrypted servers, passwords the protocols cannot carry, 8-bit passwords,
# PREAUTH instead of STARTTLS, over-long replies, a broken --ca-file, bad --timeout values, and
# libetpan's own messages kept off the output.  Prints TAP.
. "${top_srcdir:?run through make check}/tests/check-env.sh"
check_env_servers dovecot
CA=$MPA_TMP/ca.pem    # a copy of the CA of Dovecot's certificates (made below)

# An 8-bit password (UTF-8 letters, a CJK word, a euro sign): the test Dovecot gets it too.
PW8='Pässwörd-测试-€5'
MPA_TEST_PASSWORD=$PW8
export MPA_TEST_PASSWORD
printf '%s' "$PW8" > "$MPA_TMP/pw8"
printf 'Canary-Pw-7c1d\n' > "$MPA_TMP/canary"
chmod 600 "$MPA_TMP/canary"    # private, as a password file should be (else: a warning on stderr)

# run NAME ARGS...: the CLI with --json; stdout, stderr and status in $OUT/NAME.{json,err,rc}
run() {
	_name=$1; shift
	"$CLI" check --json "$@" >"$OUT/$_name.json" 2>"$OUT/$_name.err" </dev/null
	echo $? > "$OUT/$_name.rc"
}

# expect NAME DESCRIPTION CONDITION...: tests/check-env.sh

# usage NAME DESCRIPTION TEXT: exit status 2, TEXT on stderr, nothing on stdout
usage() {
	_rc=$(cat "$OUT/$1.rc")
	[ "$_rc" -eq 2 ] && grep -qF -e "$3" "$OUT/$1.err" && [ ! -s "$OUT/$1.json" ]
	result $? "$2"
	[ "$_rc" -eq 2 ] && grep -qF -e "$3" "$OUT/$1.err" ||
		{ echo "# exit $_rc, stderr:"; sed 's/^/#   /' "$OUT/$1.err" | head -5; }
}

# never_connected LOG DESCRIPTION: the fake server saw no connection at all
never_connected() {
	! grep -q ' CONNECT ' "$1"
	result $? "$2"
}

# never_sent LOG DESCRIPTION: no credential command reached the fake server
never_sent() {
	! grep -Eq 'CMD (LOGIN|AUTHENTICATE|AUTH)\b' "$1"
	result $? "$2"
}

echo "# starting Dovecot and fake servers"
mpa_dovecot_start || { echo "Bail out! Dovecot did not start"; exit 1; }
cp "$CA_FILE" "$CA"

# A provider file for example.com whose IMAP and SMTP are "plain"; and one with STARTTLS.
mkdir -p "$MPA_TMP/plain" "$MPA_TMP/starttls"
provider() {
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.com">
    <domain>example.com</domain>
    <displayName>$1 test provider</displayName>
    <incomingServer type="imap">
      <hostname>localhost</hostname>
      <port>143</port>
      <socketType>$1</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>localhost</hostname>
      <port>587</port>
      <socketType>$1</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
XML
}
provider plain > "$MPA_TMP/plain/example.com.xml"
provider STARTTLS > "$MPA_TMP/starttls/example.com.xml"

"$PY" - "$MPA_TMP" <<'EOF'
import json, sys
d = sys.argv[1]
# a CAPABILITY of 70,000 bytes inside the answer to LOGIN
json.dump({'replies': {'LOGIN': ['* CAPABILITY IMAP4rev1 ' + 'X' * 70000, 'OK done']}},
          open(d + '/longcap.json', 'w'))
EOF

mpa_fake_spawn tls10 --tls-max 1.0
mpa_fake_spawn tls11 --proto smtp --tls-max 1.1
mpa_fake_spawn tls12 --tls-max 1.2
mpa_fake_spawn st_tls11 --tls starttls --tls-max 1.1
mpa_fake_spawn st_tls10 --proto smtp --tls starttls --tls-max 1.0
mpa_fake_spawn plain_imap --tls plain
mpa_fake_spawn plain_smtp --proto smtp --tls plain
mpa_fake_spawn lit_plus --password-file "$MPA_TMP/pw8"
mpa_fake_spawn lit_sync --password-file "$MPA_TMP/pw8" --capabilities 'IMAP4rev1 ID AUTH=PLAIN'
mpa_fake_spawn ascii --password-file "$MPA_TMP/canary"
mpa_fake_spawn crlf
mpa_fake_spawn preauth --tls starttls --greeting '* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] ready, no login needed'
mpa_fake_spawn longcap --script "$MPA_TMP/longcap.json"
mpa_fake_spawn longgreet --proto smtp --tls starttls --fault long-line
mpa_fake_spawn cafile
mpa_fake_spawn silent --fault silent
mpa_fake_spawn garbage --fault garbage
for s in tls10 tls11 tls12 st_tls11 st_tls10 plain_imap plain_smtp lit_plus lit_sync ascii crlf preauth longcap \
	 longgreet cafile silent garbage; do
	mpa_fake_wait $s || { echo "Bail out! fake server $s did not start"; exit 1; }
done
I="--imap 127.0.0.1"
S="--smtp 127.0.0.1"
A="--ca-file $CA"

# ---- TLS 1.2 at least ----
run tls10 $A --password-file "$MPA_TMP/canary" user@example.com $I:$tls10_PORT --timeout 5
expect tls10 "TLS 1.0 only: fails at tls with its own explanation" rc=1 imap.stage=tls \
	imap.net_error=tls-outdated 'imap.detail=~outdated TLS 1.0' 'imap.detail=~the provider must upgrade'
expect tls10 "TLS 1.0 only: diagnosed as outdated TLS, not as a port/security mismatch" \
	imap.cause=tls-outdated 'imap.fix=~the provider must upgrade it' \
	"imap.fix=~may not be the provider's server" '!imap.fix=~Match the security setting'
grep -q ' TLS ok TLSv1 ' "$tls10_LOG"
result $? "TLS 1.0 only: the server did negotiate TLS 1.0 (so the refusal is ours)"
never_sent "$tls10_LOG" "TLS 1.0 only: no LOGIN reached the server"

run tls11 $A --password-file "$MPA_TMP/canary" user@example.com $S:$tls11_PORT --timeout 5
expect tls11 "SMTP, TLS 1.1 only: fails at tls" rc=1 smtp.stage=tls smtp.net_error=tls-outdated smtp.cause=tls-outdated \
	'smtp.detail=~outdated TLS 1.1'
never_sent "$tls11_LOG" "TLS 1.1 only: no AUTH reached the server"

run tls12 $A --password-file "$MPA_TMP/canary" user@example.com $I:$tls12_PORT --timeout 5
expect tls12 "TLS 1.2 is enough" rc=0 imap.status=ok
grep -q ' TLS ok TLSv1.2 ' "$tls12_LOG"
result $? "TLS 1.2: the server negotiated TLS 1.2"

run st_old $A --providers-dir "$MPA_TMP/starttls" --password-file "$MPA_TMP/canary" user@example.com \
	$I:$st_tls11_PORT $S:$st_tls10_PORT --timeout 5
expect st_old "STARTTLS upgrading to TLS 1.1 (IMAP) / 1.0 (SMTP): both fail at tls" rc=1 \
	imap.stage=tls imap.net_error=tls-outdated 'imap.detail=~outdated TLS 1.1' imap.cause=tls-outdated \
	smtp.stage=tls smtp.net_error=tls-outdated 'smtp.detail=~outdated TLS 1.0' smtp.cause=tls-outdated
grep -q ' TLS ok TLSv1.1 ' "$st_tls11_LOG" && grep -q ' TLS ok TLSv1 ' "$st_tls10_LOG"
result $? "STARTTLS to outdated TLS: the servers did negotiate TLS 1.1 and 1.0"
never_sent "$st_tls11_LOG" "STARTTLS to TLS 1.1: no LOGIN reached the server"
never_sent "$st_tls10_LOG" "STARTTLS to TLS 1.0: no AUTH reached the server"

# ---- no password over an unencrypted connection ----
run plain $A --providers-dir "$MPA_TMP/plain" --password-file "$MPA_TMP/canary" user@example.com \
	$I:$plain_imap_PORT $S:$plain_smtp_PORT --timeout 5
expect plain "plain security in the provider file: both stop at tls, explained" rc=1 \
	imap.stage=tls imap.status=failed 'imap.detail=~not encrypted' \
	smtp.stage=tls smtp.status=failed 'smtp.detail=~not encrypted'
expect plain "plain security: diagnosed as encryption-required, the check's own refusal, with the provider's ports" \
	imap.net_error=unencrypted imap.cause=encryption-required smtp.cause=encryption-required \
	'imap.fix=~sends no password over an unencrypted connection' 'imap.fix=~Set the connection security to SSL/TLS' \
	"smtp.fix=~This provider's servers:" '!smtp.fix=~Match the security setting'
never_connected "$plain_imap_LOG" "plain IMAP: the check did not even connect"
never_connected "$plain_smtp_LOG" "plain SMTP: the check did not even connect"
"$CLI" validate "$MPA_TMP/plain/example.com.xml" >"$OUT/validate.out" 2>"$OUT/validate.err"
[ $? -eq 0 ] && [ "$(grep -c 'example.com.xml:[0-9]*: warning: socketType plain' "$OUT/validate.err")" -eq 2 ]
result $? "validate: a warning for each plain server (the file stays valid)"

# ---- passwords as the protocols require ----
run lit_plus $A --password-file "$MPA_TMP/pw8" user@example.com $I:$lit_plus_PORT --timeout 5
expect lit_plus "8-bit password, LITERAL+ server: login works" rc=0 imap.status=ok
grep -q 'CMD LOGIN .* password=literal+$' "$lit_plus_LOG" && grep -q 'AUTH ok' "$lit_plus_LOG"
result $? "8-bit password went as a non-synchronizing literal and matched byte for byte"

run lit_sync $A --password-file "$MPA_TMP/pw8" user@example.com $I:$lit_sync_PORT --timeout 5
expect lit_sync "8-bit password, server without LITERAL+: login works" rc=0 imap.status=ok imap.stage=select
grep -q 'CMD LOGIN .* password=literal$' "$lit_sync_LOG" && grep -q 'CMD ID' "$lit_sync_LOG"
result $? "8-bit password went as a synchronizing literal, after ID"

run ascii $A --password-file "$MPA_TMP/canary" user@example.com $I:$ascii_PORT --timeout 5
grep -q 'CMD LOGIN .* password=quoted$' "$ascii_LOG" && [ "$(cat "$OUT/ascii.rc")" -eq 0 ]
result $? "a 7-bit password still goes as a quoted string"

run dv8 --ca-file "$CA_FILE" --password-file "$MPA_TMP/pw8" ok@example.com \
	--imap localhost:$IMAPS_PORT --smtp localhost:$SMTPS_PORT --timeout 5
expect dv8 "Dovecot, 8-bit password: IMAP and SMTP log in" rc=0 imap.status=ok smtp.status=ok
[ "$(grep -c 'Login: user=<ok@example.com>' "$MPA_DOVECOT_DIR/dovecot.log")" -ge 2 ]
result $? "Dovecot logged both 8-bit-password logins"

printf 'testpass\n\n' > "$MPA_TMP/lf"
printf 'abc\0def' > "$MPA_TMP/nul"
printf 'abc\rdef' > "$MPA_TMP/cr"
run lf $A --password-file "$MPA_TMP/lf" user@example.com $I:$crlf_PORT --timeout 5
usage lf "a password with a line feed: exit 2, the character named" "line feed (LF)"
grep -q 'no mail provider allows' "$OUT/lf.err"
result $? "... and the message says no provider allows it"
run nul $A --password-file "$MPA_TMP/nul" user@example.com $I:$crlf_PORT --timeout 5
usage nul "a password with a NUL byte: exit 2 (not silently cut short)" "NUL byte"
run cr $A --password-file "$MPA_TMP/cr" user@example.com $I:$crlf_PORT --timeout 5
usage cr "a password with a carriage return: exit 2" "carriage return (CR)"
printf 'abc\ndef' | "$CLI" check --json --password-stdin $A user@example.com $I:$crlf_PORT \
	--timeout 5 >"$OUT/lfstdin.json" 2>"$OUT/lfstdin.err"
echo $? > "$OUT/lfstdin.rc"
usage lfstdin "--password-stdin with a line feed inside: exit 2" "line feed (LF)"
never_connected "$crlf_LOG" "CR/LF/NUL passwords: refused before connecting"

# ---- PREAUTH where STARTTLS was due ----
run preauth $A --providers-dir "$MPA_TMP/starttls" --password-file "$MPA_TMP/canary" user@example.com \
	$I:$preauth_PORT --only imap --timeout 5
expect preauth "PREAUTH on a STARTTLS connection: fails at tls, explained" rc=1 imap.stage=tls \
	imap.status=failed 'imap.detail=~PREAUTH' 'imap.detail=~skipped both encryption and login'
expect preauth "PREAUTH on a STARTTLS connection: its own cause, 'do not use this network or server'" \
	imap.net_error=preauth imap.cause=preauth-unencrypted 'imap.fix=~Do not use this network or this server' \
	'!imap.fix=~Match the security setting'
! grep -Eq 'CMD (STARTTLS|LOGIN|EXAMINE|SELECT)' "$preauth_LOG"
result $? "PREAUTH: nothing more was sent (no STARTTLS, LOGIN or EXAMINE)"

# ---- over-long replies ----
run longcap $A --password-file "$MPA_TMP/canary" user@example.com $I:$longcap_PORT --timeout 5
expect longcap "a 70 kB CAPABILITY in the LOGIN answer: protocol error at auth" rc=1 imap.stage=auth \
	imap.net_error=protocol 'imap.detail=~longer than 65536 bytes'
run longgreet $A --providers-dir "$MPA_TMP/starttls" --password-file "$MPA_TMP/canary" user@example.com \
	$S:$longgreet_PORT --only smtp --timeout 5
expect longgreet "a 1 MB SMTP greeting on the STARTTLS port: protocol error at greeting" rc=1 \
	smtp.stage=greeting smtp.net_error=protocol 'smtp.detail=~longer than 65536 bytes'

# ---- --ca-file checked before connecting ----
mkdir -p "$MPA_TMP/cadir"
printf 'not a certificate\n' > "$MPA_TMP/notpem"
run ca_missing --ca-file "$MPA_TMP/nonexistent.pem" --password-file "$MPA_TMP/canary" user@example.com $I:$cafile_PORT
usage ca_missing "--ca-file missing: exit 2" "nonexistent.pem cannot be used"
run ca_dir --ca-file "$MPA_TMP/cadir" --password-file "$MPA_TMP/canary" user@example.com $I:$cafile_PORT
usage ca_dir "--ca-file a directory: exit 2" "is a directory"
run ca_notpem --ca-file "$MPA_TMP/notpem" --password-file "$MPA_TMP/canary" user@example.com $I:$cafile_PORT
usage ca_notpem "--ca-file not PEM: exit 2" "holds no PEM certificate"
if [ "$(id -u)" -ne 0 ]; then
	cp "$CA" "$MPA_TMP/unreadable.pem" && chmod 000 "$MPA_TMP/unreadable.pem"
	run ca_unreadable --ca-file "$MPA_TMP/unreadable.pem" --password-file "$MPA_TMP/canary" user@example.com $I:$cafile_PORT
	usage ca_unreadable "--ca-file unreadable: exit 2" "cannot be read"
else
	skip "--ca-file unreadable: exit 2" "running as root, who reads every file"
fi
never_connected "$cafile_LOG" "a broken --ca-file: no connection was made"

# ---- --timeout ----
for t in nan 0 0.0001 -1 3601; do
	run "timeout_$t" $A --password-file "$MPA_TMP/canary" user@example.com $I:$silent_PORT --timeout "$t"
	usage "timeout_$t" "--timeout $t: exit 2" "--timeout must be more than 0"
done
run timeout_half $A --password-file "$MPA_TMP/canary" user@example.com $I:$silent_PORT --timeout 0.5
expect timeout_half "--timeout 0.5: the message shows the real limit" rc=1 imap.net_error=timeout \
	'imap.detail=~within 0.5 seconds'

# ---- the password-reading error path ----
run pwdir $A --password-file "$MPA_TMP/cadir" user@unknown.example $I:$cafile_PORT
usage pwdir "password file is a directory: its own error, exit 2" "not a regular file but a directory"
! grep -Eq 'GLib|no provider' "$OUT/pwdir.err"
result $? "... no GLib warning, no stale look-up message"

# ---- libetpan's own messages ----
run garbage $A --password-file "$MPA_TMP/canary" user@example.com $I:$garbage_PORT --timeout 5
expect garbage "garbage instead of TLS: tls-handshake in the JSON" rc=1 imap.net_error=tls-handshake
[ ! -s "$OUT/garbage.err" ]
result $? "garbage instead of TLS: nothing on stderr (no \"GnuTLS error\" line) under --json"
[ -s "$OUT/garbage.err" ] && sed 's/^/#   /' "$OUT/garbage.err" | head -3

# ---- the password is nowhere ----
leaks=$(grep -rlF -e 'Canary-Pw-7c1d' -e "$PW8" -e 'testpass' "$OUT" "$MPA_TMP"/fake-*.log \
	"$MPA_DOVECOT_DIR"/*.log 2>/dev/null)
[ -z "$leaks" ]
result $? "no password in any output or server log"
[ -n "$leaks" ] && echo "# found in: $leaks"

tap_done
