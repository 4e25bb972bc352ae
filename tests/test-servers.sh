#!/bin/sh
# test-servers.sh — proves the test servers (tests/servers/) behave as documented, using clients
# that are not ours: openssl, curl, and the small probe.py.  Prints TAP.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
MPA_SERVERS_DIR=$srcdir/tests/servers
. "$srcdir/tests/tap.sh"
skip_if_no_servers
. "$MPA_SERVERS_DIR/lib.sh"
PY=/usr/bin/python3

# check NAME COMMAND...: passes when COMMAND succeeds; shows its output otherwise, and the files
# named in $SAW (what the client and the server saw): every failed check says what it saw.
TAP_CAPTURE=1
SAW=
TAP_DIAG=saw
saw() {
	for _f in $SAW; do
		if [ -f "$_f" ]; then
			echo "# --- $_f:"
			head -c 4000 "$_f" | head -n 30 | sed 's/^/#   /'
		else
			echo "# --- $_f: (no such file)"
		fi
	done
}
# wait_line FILE REGEX SECONDS: a server logs some events just after its client saw them (a TLS
# failure, once the client's alert arrived); wait for the line, up to SECONDS.
wait_line() {
	_end=$(( $(date +%s) + $3 ))
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		[ "$(date +%s)" -ge "$_end" ] && { echo "no line /$2/ in $1 after $3 s"; return 1; }
		sleep 0.05
	done
}
# has FILE REGEX / lacks FILE REGEX
has() { grep -Eq -- "$2" "$1" || { echo "# '$2' not in $1:"; sed 's/^/#   /' "$1" | head -40; return 1; }; }
lacks() { ! grep -Eq -- "$2" "$1" || { echo "# '$2' unexpectedly in $1:"; sed 's/^/#   /' "$1" | head -40; return 1; }; }
probe() { "$PY" "$MPA_SERVERS_DIR/probe.py" "$@"; }
now() { date +%s%N; }
ms_since() { echo $(( ($(now) - $1) / 1000000 )); }

mpa_servers_init
C=$MPA_TEST_CERTS
T=$MPA_TMP

# --- certificates ---------------------------------------------------------------------------
check "certs: server verifies for localhost and 127.0.0.1" sh -c \
	"openssl verify -CAfile $C/ca.pem -verify_hostname localhost $C/server.pem && openssl verify -CAfile $C/ca.pem -verify_ip 127.0.0.1 $C/server.pem"
# verify_fails CERT REASON [openssl options]: openssl refuses CERT for REASON (else: what it said)
verify_fails() {
	_c=$1 _r=$2; shift 2
	_o=$(openssl verify -CAfile "$C/ca.pem" "$@" "$C/$_c.pem" 2>&1)
	printf '%s\n' "$_o" | grep -q "$_r" || { echo "$_c.pem: expected '$_r', openssl said:"; printf '%s\n' "$_o" | sed 's/^/  /'; return 1; }
}
bad_certs_fail() {
	_bad=0
	verify_fails wronghost "hostname mismatch" -verify_hostname localhost || _bad=1
	verify_fails expired "certificate has expired" || _bad=1
	verify_fails selfsigned "self-signed certificate" || _bad=1
	verify_fails unknownca "unable to get local issuer" || _bad=1
	[ $_bad = 0 ]
}
check "certs: each bad certificate fails for its own reason" bad_certs_fail
t0=$(now); sh "$MPA_SERVERS_DIR/make-certs.sh" "$C"; t_certs=$(ms_since "$t0")
check "certs: a second make-certs.sh run is a no-op ($t_certs ms, limit 300; .complete: $([ -f "$C/.complete" ] && echo yes || echo no))" \
	sh -c "[ $t_certs -lt 300 ] && [ -f $C/.complete ]"

# Fake servers boot in the background while Dovecot is tested.
printf 'right-one' > "$T/fakepw"
cat > "$T/script.json" <<'EOF'
{"proto": "imap", "tls": "implicit",
 "greeting": "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] imap.example ready",
 "replies": {"LOGIN": {"seq": ["NO [UNAVAILABLE] try later", {"lines": ["OK welcome"], "then": "close"}]},
             "ID": {"lines": [], "then": "close"}}}
EOF
gbk=$(printf '535 \350\256\244\350\257\201\345\244\261\350\264\245' | iconv -f UTF-8 -t GBK | od -An -tx1 | tr -d ' \n')
mpa_fake_spawn I1 --proto imap --reply 'LOGIN=NO LOGIN Login error or password error'
mpa_fake_spawn I2 --proto imap --require-id --password-file "$T/fakepw"
mpa_fake_spawn I3 --proto imap --tls starttls
mpa_fake_spawn S1 --proto smtp --sink "$T/fakesink" --reply-hex "AUTH=${gbk}0d0a"
mpa_fake_spawn S2 --proto smtp --sink "$T/fakesink" --password-file "$T/fakepw"
mpa_fake_spawn S3 --proto smtp --tls starttls --lines 500
mpa_fake_spawn F1 --proto imap --greeting-delay 1
mpa_fake_spawn F2 --proto imap --fault silent
mpa_fake_spawn F3 --proto smtp --fault silent-after-tls
mpa_fake_spawn F4 --proto imap --fault drop-handshake
mpa_fake_spawn F5 --proto imap --fault garbage
mpa_fake_spawn F6 --proto smtp --fault close-after-greeting
mpa_fake_spawn F7 --proto imap --fault talk-first
mpa_fake_spawn F8 --proto smtp --tls plain --fault long-line
mpa_fake_spawn F9 --proto imap --tls plain --fault slow --byte-interval 0.2
mpa_fake_spawn F10 --proto imap --fault nul
mpa_fake_spawn J1 --script "$T/script.json"
for cert in wronghost selfsigned expired unknownca; do
	mpa_fake_spawn "B_$cert" --proto imap --cert "$cert"
done

# --- Dovecot --------------------------------------------------------------------------------
curl_imap() { # USER PASSWORD-FILE URL-PATH -> curl's verbose protocol lines
	printf 'user = "%s:%s"\n' "$1" "$(cat "$2")" > "$T/curl.cfg"
	curl -sS -v --max-time 10 -K "$T/curl.cfg" --cacert "$CA_FILE" "imaps://localhost:$IMAPS_PORT/$3" 2>&1 | grep -E '^(< |curl)'
}
curl_smtp() { # USER PASSWORD-FILE URL -> curl's verbose protocol lines
	printf 'user = "%s:%s"\n' "$1" "$(cat "$2")" > "$T/curl.cfg"
	printf 'From: ok@example.com\r\nTo: friend@example.org\r\nSubject: test\r\n\r\nhello\r\n' > "$T/msg.eml"
	curl -sS -v --max-time 10 --ssl-reqd -K "$T/curl.cfg" --cacert "$CA_FILE" "$3" \
		--mail-from ok@example.com --mail-rcpt friend@example.org -T "$T/msg.eml" 2>&1 | grep -E '^(< |curl)'
}
printf 'not-the-password' > "$T/badpw"

if ! mpa_have_dovecot; then
	for what in start imap-ok imap-badpw imap-disabled imap-whitelist imap-expired imap-tempfail \
		id-without id-with imap-starttls smtps-ok smtps-badpw smtps-disabled submission-starttls \
		no-password-in-log stop; do
		skip "dovecot: $what (dovecot-imapd, dovecot-submissiond, dovecot-auth-lua or python3-aiosmtpd missing)"
	done
else
	t0=$(now)
	if mpa_dovecot_start; then
		ok "dovecot: started in $(ms_since "$t0") ms (IMAPS $IMAPS_PORT, IMAP $IMAP_STARTTLS_PORT, SMTPS $SMTPS_PORT, submission $SUBMISSION_PORT)"
	else
		not_ok "dovecot: start"; sed 's/^/# /' "$MPA_DOVECOT_DIR"/dovecot.log "$MPA_DOVECOT_DIR"/*.stderr 2>/dev/null
	fi
	PWF=$PASSWORD_FILE
	SAW="$T/out $T/out2 $T/out3"
	curl_imap ok@example.com "$PWF" "INBOX?ALL" > "$T/out" || true
	check "dovecot: curl imaps logs ok@example.com in (verified TLS, CA file)" has "$T/out" '^< A[0-9]+ OK .*Logged in'
	t0=$(now)
	curl_imap ok@example.com "$T/badpw" "" > "$T/out" || true
	curl_imap ok@example.com "$T/badpw" "" > "$T/out2" || true
	curl_imap ok@example.com "$PWF" "" > "$T/out3" || true
	check "dovecot: wrong password is AUTHENTICATIONFAILED, with no growing penalty ($(ms_since "$t0") ms for 3 logins)" sh -c \
		"has() { grep -Eq \"\$2\" \"\$1\"; }; has $T/out 'NO \\[AUTHENTICATIONFAILED\\] Authentication failed' &&
		 has $T/out2 'AUTHENTICATIONFAILED' && has $T/out3 'Logged in' && [ $(ms_since "$t0") -lt 4000 ]"
	curl_imap disabled@example.com "$PWF" "" > "$T/out" || true
	check "dovecot: disabled@example.com gets CONTACTADMIN" has "$T/out" 'NO \[CONTACTADMIN\] Login disabled for this user'
	curl_imap whitelisted@example.com "$PWF" "" > "$T/out" || true
	check "dovecot: whitelisted@example.com is refused from loopback" has "$T/out" 'NO \[AUTHENTICATIONFAILED\]'
	curl_imap expired@example.com "$PWF" "" > "$T/out" || true
	check "dovecot: expired@example.com gets EXPIRED" has "$T/out" 'NO \[EXPIRED\]'
	curl_imap tempfail@example.com "$PWF" "" > "$T/out" || true
	check "dovecot: tempfail@example.com gets UNAVAILABLE" has "$T/out" 'NO \[UNAVAILABLE\]'

	probe --proto imap --port "$IMAPS_PORT" --ca "$CA_FILE" --password-file "$PWF" -- \
		'a LOGIN needid@example.com "{PASSWORD}"' 'b EXAMINE INBOX' 'c LOGOUT' > "$T/out" || true
	check "dovecot: needid@example.com without ID: LOGIN OK, then EXAMINE NO" sh -c \
		"grep -q '^S: a OK' $T/out && grep -q '^S: b NO ' $T/out"
	probe --proto imap --port "$IMAPS_PORT" --ca "$CA_FILE" --password-file "$PWF" -- \
		'a ID ("name" "probe")' 'b LOGIN needid@example.com "{PASSWORD}"' 'c EXAMINE INBOX' 'd LOGOUT' > "$T/out" || true
	check "dovecot: needid@example.com with ID before LOGIN: EXAMINE OK" sh -c \
		"grep -q '^S: b OK' $T/out && grep -q '^S: c OK \\[READ-ONLY\\]' $T/out"
	probe --proto imap --tls starttls --port "$IMAP_STARTTLS_PORT" --ca "$CA_FILE" --password-file "$PWF" -- \
		'a STARTTLS' '!tls' 'b LOGIN ok@example.com "{PASSWORD}"' 'c LOGOUT' > "$T/out" || true
	check "dovecot: IMAP STARTTLS port upgrades and logs in" sh -c \
		"grep -q '^TLS: ok' $T/out && grep -q '^S: b OK' $T/out"

	curl_smtp ok@example.com "$PWF" "smtps://localhost:$SMTPS_PORT" > "$T/out" || true
	check "dovecot: SMTPS AUTH succeeds and the message reaches the sink" sh -c \
		"grep -q '^< 235 2.7.0 Logged in' $T/out && [ \$(ls $SINK_DIR | grep -c '\\.eml\$') -eq 1 ] &&
		 grep -q '^X-Sink-Rcpt-To: friend@example.org' $SINK_DIR/000001.eml"
	curl_smtp ok@example.com "$T/badpw" "smtps://localhost:$SMTPS_PORT" > "$T/out" || true
	check "dovecot: SMTPS wrong password is 535 5.7.8" has "$T/out" '^< 535 5\.7\.8 Authentication failed'
	curl_smtp disabled@example.com "$PWF" "smtps://localhost:$SMTPS_PORT" > "$T/out" || true
	check "dovecot: SMTPS disabled user is 525" has "$T/out" '^< 525 5\.7\.13'
	curl_smtp ok@example.com "$PWF" "smtp://localhost:$SUBMISSION_PORT" > "$T/out" || true
	check "dovecot: submission port does STARTTLS, AUTH and sends (2 messages in the sink)" sh -c \
		"grep -q '^< 220 2.0.0 Begin TLS' $T/out && grep -q '^< 235' $T/out && [ \$(ls $SINK_DIR | grep -c '\\.eml\$') -eq 2 ]"
	SAW="$T/out"
	check "dovecot: no password in the Dovecot log" lacks "$MPA_DOVECOT_DIR/dovecot.log" "$(cat "$PWF")"

	pids=$(cat "$MPA_DOVECOT_DIR/run/dovecot.pid" "$MPA_DOVECOT_DIR/run/sink.pid")
	"$PY" "$MPA_SERVERS_DIR/dovecot.py" stop "$MPA_DOVECOT_DIR"
	"$PY" "$MPA_SERVERS_DIR/dovecot.py" stop "$MPA_DOVECOT_DIR"; rc2=$?
	alive=
	for p in $pids; do [ -d /proc/$p ] && [ "$(awk '{print $3}' /proc/$p/stat)" != Z ] && alive="$alive $p"; done
	SAW=
	echo "# still running after stop:${alive:- none}; second stop: status $rc2"
	check "dovecot: stop ends master and sink, a second stop is harmless" sh -c \
		"[ -z '$alive' ] && [ $rc2 -eq 0 ] && ! $PY -c 'import socket; socket.create_connection((\"127.0.0.1\", $IMAPS_PORT), timeout=1)' 2>/dev/null && ! [ -e $MPA_DOVECOT_DIR/ports ]"
	MPA_DOVECOT_DIR=
fi

# --- fake server ----------------------------------------------------------------------------
mpa_fake_wait I1 || exit 1
probe --proto imap --port "$I1_PORT" --ca "$C/ca.pem" -- 'a CAPABILITY' 'b LOGIN "bob" "secret"' 'c LOGOUT' > "$T/out"
SAW="$T/out $I1_LOG"
check "fake imap: scripted LOGIN text arrives verbatim" has "$T/out" '^S: b NO LOGIN Login error or password error$'
check "fake imap: commands are logged, password redacted" sh -c \
	"grep -q '^1 CMD LOGIN b LOGIN bob \\*\\*\\* password=quoted\$' $I1_LOG && grep -q '^1 CMD CAPABILITY' $I1_LOG && ! grep -q secret $I1_LOG"

mpa_fake_wait I2 || exit 1
SAW="$T/out $I2_LOG"
probe --proto imap --port "$I2_PORT" --ca "$C/ca.pem" --password-file "$T/fakepw" -- \
	'a AUTHENTICATE PLAIN' "{PLAIN:bob}" 'b EXAMINE INBOX' 'c ID ("name" "probe")' 'd SELECT INBOX' > "$T/out"
check "fake imap: AUTHENTICATE PLAIN with continuation; require-id refuses EXAMINE until ID" sh -c "
	grep -q '^S: + ' $T/out && grep -q '^S: a OK' $T/out &&
	grep -q '^S: b NO SELECT Unsafe Login. Please contact kefu@188.com for help' $T/out && grep -q '^S: d OK' $T/out"
probe --proto imap --port "$I2_PORT" --ca "$C/ca.pem" -- 'a LOGIN bob {5}' 'wrong' > "$T/out"
check "fake imap: literal LOGIN with the wrong password is AUTHENTICATIONFAILED" sh -c \
	"grep -q '^S: + Ready' $T/out && grep -q '^S: a NO \\[AUTHENTICATIONFAILED\\]' $T/out && grep -q 'AUTH bad user=bob' $I2_LOG"

mpa_fake_wait I3 || exit 1
SAW="$T/out"
probe --proto imap --tls starttls --port "$I3_PORT" --ca "$C/ca.pem" -- \
	'a CAPABILITY' 'b LOGIN bob x' 'c STARTTLS' '!tls' 'd CAPABILITY' 'e LOGIN bob x' > "$T/out"
check "fake imap STARTTLS: LOGINDISABLED before TLS, login after" sh -c "
	grep -q '^S: \\* CAPABILITY .*STARTTLS LOGINDISABLED' $T/out && grep -q '^S: b NO \\[PRIVACYREQUIRED\\]' $T/out &&
	grep -q '^TLS: ok' $T/out && grep -q '^S: e OK' $T/out"

# SMTP: GBK text (QQ's old servers), multi-step AUTH LOGIN, mail to the sink.
mpa_fake_wait S1 || exit 1
SAW="$T/out"
probe --proto smtp --port "$S1_PORT" --ca "$C/ca.pem" -- 'EHLO me' 'AUTH PLAIN AGJvYgBzZWNyZXQ=' 'QUIT' > "$T/out"
check "fake smtp: raw GBK reply bytes arrive unchanged" has "$T/out" '^S: 535 \\xc8\\xcf\\xd6\\xa4\\xca\\xa7\\xb0\\xdc$'
mpa_fake_wait S2 || exit 1
SAW="$T/out $S2_LOG $T/fakesink/000001.eml"
probe --proto smtp --port "$S2_PORT" --ca "$C/ca.pem" -- 'EHLO me' 'AUTH LOGIN' 'Ym9i' 'cmlnaHQtb25l' \
	'MAIL FROM:<a@x>' 'RCPT TO:<b@y>' 'DATA' '!send Subject: hi' '!send ' '!send ..dot' '.' 'QUIT' > "$T/out"
check "fake smtp: AUTH LOGIN in steps, MAIL/RCPT/DATA stored in the sink" sh -c "
	grep -q '^S: 334 VXNlcm5hbWU6' $T/out && grep -q '^S: 334 UGFzc3dvcmQ6' $T/out && grep -q '^S: 235' $T/out &&
	grep -q '^S: 250 2.0.0 Ok: queued' $T/out && grep -q '^\\.dot' $T/fakesink/000001.eml && grep -q 'AUTH ok user=bob' $S2_LOG"

mpa_fake_wait S3 || exit 1
SAW="$T/out"
probe --proto smtp --tls starttls --port "$S3_PORT" --ca "$C/ca.pem" -- 'EHLO me' 'STARTTLS' '!tls' 'EHLO me' \
	'AUTH PLAIN' 'AGJvYgB4' 'QUIT' > "$T/out"
check "fake smtp STARTTLS: 500 continuation lines, upgrade, AUTH PLAIN with 334" sh -c "
	[ \$(grep -c '^S: 250-X-FILLER-' $T/out) -eq 1000 ] && grep -q '^S: 250 STARTTLS' $T/out &&
	grep -q '^S: 220 2.0.0 Ready to start TLS' $T/out && grep -q '^S: 235' $T/out"

# Certificates: the client refuses, and the server never sees a credential.
for cert_reason in "wronghost:Hostname mismatch" "selfsigned:self-signed certificate" \
	"expired:certificate has expired" "unknownca:unable to get local issuer certificate"; do
	cert=${cert_reason%%:*} reason=${cert_reason#*:}
	mpa_fake_wait "B_$cert" || exit 1
	eval "port=\$B_${cert}_PORT log=\$B_${cert}_LOG"
	probe --proto imap --port "$port" --ca "$C/ca.pem" -- 'a LOGIN bob secret' > "$T/out"
	SAW="$T/out $log"
	# The server logs its side of the failure once the client's alert has arrived, which on a
	# loaded machine may be after the probe has ended (check 30 once failed so, silently).
	check "fake imap cert=$cert: client fails with '$reason', no LOGIN logged" sh -c "
		grep -q 'TLS-ERROR: certificate verify failed: $reason' $T/out && ! grep -q ' CMD ' $log" &&
		check "fake imap cert=$cert: the server logged the failed handshake" wait_line "$log" ' TLS failed' 10
done

# Faults.
SAW="$T/out $T/out2"
mpa_fake_wait F1 || exit 1
probe --proto imap --port "$F1_PORT" --ca "$C/ca.pem" --timeout 0.3 > "$T/out"
probe --proto imap --port "$F1_PORT" --ca "$C/ca.pem" --timeout 3 > "$T/out2"
check "fault greeting-delay: no greeting within 0.3 s, greeting within 3 s" sh -c \
	"grep -q '^TIMEOUT' $T/out && grep -q '^S: \\* OK' $T/out2"
mpa_fake_wait F2 || exit 1
t0=$(now); probe --proto imap --port "$F2_PORT" --ca "$C/ca.pem" --timeout 0.5 > "$T/out"; t_silent=$(ms_since "$t0")
check "fault silent: the TLS handshake times out ($t_silent ms, limit 3000)" sh -c "grep -q 'TLS-ERROR: .*timed out' $T/out && [ $t_silent -lt 3000 ]"
mpa_fake_wait F3 || exit 1
probe --proto smtp --port "$F3_PORT" --ca "$C/ca.pem" --timeout 0.5 > "$T/out"
check "fault silent-after-tls: handshake completes, then nothing" sh -c "grep -q '^TLS: ok' $T/out && grep -q '^TIMEOUT' $T/out"
mpa_fake_wait F4 || exit 1
probe --proto imap --port "$F4_PORT" --ca "$C/ca.pem" > "$T/out"
SAW="$T/out $F4_LOG"
check "fault drop-handshake: the handshake fails" sh -c "grep -q '^TLS-ERROR' $T/out && grep -q 'dropped during handshake' $F4_LOG"
SAW="$T/out $T/out2"
mpa_fake_wait F5 || exit 1
probe --proto imap --port "$F5_PORT" --ca "$C/ca.pem" > "$T/out"
check "fault garbage: plain text where TLS was expected" has "$T/out" 'TLS-ERROR: .*(WRONG_VERSION_NUMBER|wrong version number|record layer failure|PACKET_LENGTH_TOO_LONG)'
mpa_fake_wait F6 || exit 1
probe --proto smtp --port "$F6_PORT" --ca "$C/ca.pem" -- 'EHLO me' > "$T/out"
check "fault close-after-greeting: greeting, then EOF" sh -c "grep -q '^S: 220 ' $T/out && grep -q '^EOF' $T/out"
mpa_fake_wait F7 || exit 1
probe --proto imap --port "$F7_PORT" --ca "$C/ca.pem" -- '!read' '!read' > "$T/out"
check "fault talk-first: unsolicited lines arrive before any command" sh -c \
	"grep -q '^S: \\* OK unsolicited' $T/out && grep -q '^S: A1 OK LOGIN completed (forged)' $T/out"
mpa_fake_wait F8 || exit 1
# (the Python clients print what they got; check shows it when they fail)
long_line() {
	"$PY" -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $F8_PORT), timeout=5)
data = b''
while not data.endswith(b'\r\n'):
    chunk = s.recv(65536)
    if not chunk: break
    data += chunk
print('got %d bytes, %d line ends' % (len(data), data.count(b'\r\n')))
sys.exit(0 if len(data) >= (1 << 20) and data.count(b'\r\n') == 1 else 1)"
}
SAW="$F8_LOG"
check "fault long-line: one greeting line of more than 1 MiB" long_line
mpa_fake_wait F9 || exit 1
slow_bytes() {
	"$PY" -c "
import socket, sys, time
s = socket.create_connection(('127.0.0.1', $F9_PORT), timeout=5)
t = time.monotonic(); got = b''
while len(got) < 4:
    chunk = s.recv(10)
    if not chunk: break
    got += chunk
dt = time.monotonic() - t
print('got %r in %.2f s (expected b\'* OK\' in 0.55 s or more)' % (got, dt))
sys.exit(0 if got == b'* OK' and dt >= 0.55 else 1)"
}
SAW="$F9_LOG"
check "fault slow: one byte at a time" slow_bytes
SAW="$T/out $T/out2"
mpa_fake_wait F10 || exit 1
probe --proto imap --port "$F10_PORT" --ca "$C/ca.pem" > "$T/out"
check "fault nul: NUL bytes in the greeting" has "$T/out" '^S: \* OK hello\\x00\\x00world'
mpa_fake_wait J1 || exit 1
probe --proto imap --port "$J1_PORT" --ca "$C/ca.pem" -- 'a LOGIN u p' 'b LOGIN u p' 'c NOOP' > "$T/out"
probe --proto imap --port "$J1_PORT" --ca "$C/ca.pem" -- 'a ID NIL' > "$T/out2"
check "fake imap JSON script: greeting, per-occurrence replies, close on ID" sh -c "
	grep -q '^S: \\* OK \\[CAPABILITY IMAP4rev1 AUTH=PLAIN\\] imap.example ready' $T/out &&
	grep -q '^S: a NO \\[UNAVAILABLE\\] try later' $T/out && grep -q '^S: b OK welcome' $T/out && grep -q '^EOF' $T/out &&
	grep -q '^EOF' $T/out2"
t0=$(now)
"$PY" "$MPA_SERVERS_DIR/fakeserver.py" --proto smtp --tls plain --lifetime 0.5 > /dev/null 2>&1
t_life=$(ms_since "$t0")
SAW=
# (its default lifetime is 120 s; 10 s leaves room for a slow Python start on a loaded machine)
check "fake server: stops by itself after its lifetime of 0.5 s ($t_life ms, limit 10000)" test "$t_life" -lt 10000

tap_done
