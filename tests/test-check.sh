#!/bin/sh
# test-check.sh — "provider-assistant check --json" against a real Dovecot and the scriptable fake
# server: real provider replies, broken servers, bad certificates, deadlines, and no password
# anywhere in the output or the servers' logs.  Prints TAP.
. "${top_srcdir:?run through make check}/tests/check-env.sh"
check_env_servers dovecot

# A password nobody could mistake for anything else, for the fake servers and the leak search.
CANARY='Canary-Pw-4f9e-Leak?Check'
printf '%s\n' "$CANARY" > "$MPA_TMP/canary"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run_check NAME PASSWORD-FILE ARGS... : runs the CLI, JSON in $OUT/NAME.json, stderr in
# $OUT/NAME.err, exit status in $OUT/NAME.rc, wall time in $OUT/NAME.ms
run_check() {
	_name=$1 _pw=$2; shift 2
	_t0=$(now_ms)
	"$CLI" check --json --ca-file "$CA" --password-file "$_pw" "$@" \
		>"$OUT/$_name.json" 2>"$OUT/$_name.err" </dev/null
	echo $? > "$OUT/$_name.rc"
	echo $(($(now_ms) - _t0)) > "$OUT/$_name.ms"
}

# expect NAME DESCRIPTION CONDITION...: tests/check-env.sh

# never_sent LOG DESCRIPTION: the fake server's command log shows no credential command
never_sent() {
	! grep -Eq 'CMD (LOGIN|AUTHENTICATE|AUTH)\b' "$1"
	result $? "$2"
}

echo "# starting Dovecot and fake servers"
mpa_dovecot_start || { echo "Bail out! Dovecot did not start"; exit 1; }
DPW=$PASSWORD_FILE
printf 'not-the-password\n' > "$MPA_TMP/wrong"

G=--fault
mpa_fake_spawn sohu_smtp --proto smtp --reply 'AUTH=535 Authentication failed'
mpa_fake_spawn qq_smtp --proto smtp --reply-gbk 'AUTH=535 Error: 请使用授权码登录。详情请看: http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256'
mpa_fake_spawn qq_imap --reply 'LOGIN=NO Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy.'
mpa_fake_spawn ne_imap --reply 'LOGIN=NO LOGIN Login error or password error'
mpa_fake_spawn ne_id --require-id
mpa_fake_spawn gm_imap --reply 'LOGIN=NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)'
mpa_fake_spawn gm_smtp --json '{"proto": "smtp", "replies": {"AUTH": ["534-5.7.9 Application-specific password required. Learn more at", "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"]}}'
mpa_fake_spawn delay --greeting-delay 1
mpa_fake_spawn silent $G silent
mpa_fake_spawn silent_tls $G silent-after-tls
mpa_fake_spawn drop $G drop-handshake
mpa_fake_spawn garbage $G garbage
mpa_fake_spawn longline $G long-line
mpa_fake_spawn slow $G slow --byte-interval 0.5
mpa_fake_spawn c_self --cert selfsigned
mpa_fake_spawn c_exp --cert expired
mpa_fake_spawn c_host --cert wronghost
mpa_fake_spawn c_ca --cert unknownca
mpa_fake_spawn c_self_smtp --proto smtp --cert selfsigned
mpa_fake_spawn st_imap --tls starttls
mpa_fake_spawn nost_imap --tls starttls --no-advertise-starttls
mpa_fake_spawn nost_smtp --proto smtp --tls starttls --no-advertise-starttls
for s in sohu_smtp qq_smtp qq_imap ne_imap ne_id gm_imap gm_smtp delay silent silent_tls drop garbage \
	 longline slow c_self c_exp c_host c_ca c_self_smtp st_imap nost_imap nost_smtp; do
	mpa_fake_wait $s || { echo "Bail out! fake server $s did not start"; exit 1; }
done

I="--imap 127.0.0.1"
S="--smtp 127.0.0.1"

# ---- Dovecot: real logins ----
run_check dv_ok "$DPW" ok@example.com --imap localhost:$IMAPS_PORT --smtp localhost:$SMTPS_PORT --timeout 5
expect dv_ok "Dovecot: both logins work, EXAMINE done, server ID recorded" rc=0 \
	imap.status=ok imap.stage=select imap.id=~Dovecot smtp.status=ok smtp.stage=auth smtp.smtp_code=235 max_ms=5000

run_check dv_wrong "$MPA_TMP/wrong" ok@example.com --imap localhost:$IMAPS_PORT --smtp localhost:$SMTPS_PORT --timeout 5
expect dv_wrong "Dovecot: wrong password fails at auth with AUTHENTICATIONFAILED / 535 5.7.8" rc=1 \
	imap.status=failed imap.stage=auth imap.imap_code=AUTHENTICATIONFAILED \
	smtp.status=failed smtp.stage=auth smtp.smtp_code=535 smtp.enhanced_code=5.7.8 'smtp.reply=535 5.7.8 Authentication failed.'

run_check dv_disabled "$DPW" disabled@example.com --imap localhost:$IMAPS_PORT --smtp localhost:$SMTPS_PORT --timeout 5
expect dv_disabled "Dovecot: disabled user is CONTACTADMIN / 525" rc=1 \
	imap.stage=auth imap.imap_code=CONTACTADMIN imap.reply=~'Login disabled' smtp.smtp_code=525 smtp.enhanced_code=5.7.13

run_check dv_white "$DPW" whitelisted@example.com --imap localhost:$IMAPS_PORT --timeout 5
expect dv_white "Dovecot: IP-whitelisted user refused from loopback" rc=1 \
	imap.status=failed imap.stage=auth imap.imap_code=AUTHENTICATIONFAILED smtp.status=skipped

run_check dv_needid "$DPW" needid@example.com --imap localhost:$IMAPS_PORT --timeout 5
expect dv_needid "Dovecot: EXAMINE needs IMAP ID first, and passes because ID is sent" rc=0 \
	imap.status=ok imap.stage=select

# A Sohu address against the same server: the login is refused, and the diagnosis is Sohu's
# ordered checklist (independent password first, the IMAP/SMTP switch and the whitelist next).
run_check dv_sohu "$MPA_TMP/wrong" zhangsan@sohu.com --imap localhost:$IMAPS_PORT --smtp localhost:$SMTPS_PORT --timeout 5
expect dv_sohu "Sohu address, wrong password: app-password-required, then service-disabled and ip-not-allowed" rc=1 \
	imap.cause=app-password-required imap.candidates=~service-disabled imap.candidates=~ip-not-allowed \
	smtp.cause=app-password-required smtp.candidates=~service-disabled smtp.candidates=~ip-not-allowed
expect dv_sohu "Sohu address, wrong password: Sohu's own fix, naming the independent password" \
	smtp.title=~'independent password' smtp.fix=~'Options → Settings → POP3/SMTP/IMAP' smtp.from_provider_rule=True
# and the human output carries the same diagnosis, with the other candidates' steps
"$CLI" check --ca-file "$CA" --password-file "$MPA_TMP/wrong" zhangsan@sohu.com \
	--imap localhost:$IMAPS_PORT --smtp localhost:$SMTPS_PORT --timeout 5 >"$OUT/dv_sohu.txt" 2>&1 </dev/null
grep -q 'IP whitelist' "$OUT/dv_sohu.txt" && grep -q 'Server said: 535' "$OUT/dv_sohu.txt"
result $? "Sohu address, human output: the checklist (whitelist too) and the server's words"

# ---- STARTTLS (143 / 587 style) ----
# --imap/--smtp keep the provider's security mode, so a test-only provider for example.com
# says STARTTLS for both (the real providers/ never know example.com).
STDIR=$MPA_TMP/providers-starttls
mkdir -p "$STDIR"
cat > "$STDIR/example.com.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.com">
    <domain>example.com</domain>
    <displayName>STARTTLS test provider</displayName>
    <incomingServer type="imap">
      <hostname>localhost</hostname>
      <port>143</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>localhost</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
XML
ST="--providers-dir $STDIR"

# stages NAME PROTO STAGE:STATUS...: the exact list of stages and their outcomes, in order
stages() {
	_name=$1 _proto=$2; shift 2
	"$PY" - "$OUT/$_name.json" "$_proto" "$@" <<'PYEOF'
import json, sys
path, proto, want = sys.argv[1], sys.argv[2], sys.argv[3:]
got = ['%s:%s' % (s['stage'], s['status']) for s in json.load(open(path))[proto]['stages']]
if got != want:
    print('# want %s, got %s' % (' '.join(want), ' '.join(got))); sys.exit(1)
PYEOF
}

run_check st_ok "$DPW" ok@example.com $ST --imap localhost:$IMAP_STARTTLS_PORT --smtp localhost:$SUBMISSION_PORT --timeout 5
expect st_ok "Dovecot STARTTLS: IMAP (143-style) and submission (587-style) both log in" rc=0 \
	imap.security=starttls imap.status=ok imap.stage=select imap.id=~Dovecot \
	smtp.security=starttls smtp.status=ok smtp.stage=auth smtp.smtp_code=235 max_ms=5000
stages st_ok imap connect:ok greeting:ok tls:ok auth:ok select:ok
ok $? "Dovecot STARTTLS IMAP: greeting in clear, then TLS, then login and EXAMINE"
stages st_ok smtp connect:ok greeting:ok tls:ok auth:ok
ok $? "Dovecot STARTTLS SMTP: greeting and EHLO in clear, then TLS, then AUTH"
# Dovecot marks a session that went through STARTTLS with "TLS" in its login line
[ "$(grep -c 'Login: user=<ok@example.com>.*, TLS' "$MPA_DOVECOT_DIR/dovecot.log")" -ge 2 ]
ok $? "Dovecot logged both STARTTLS logins as TLS sessions"

run_check st_wrong "$MPA_TMP/wrong" ok@example.com $ST --imap localhost:$IMAP_STARTTLS_PORT --smtp localhost:$SUBMISSION_PORT --timeout 5
expect st_wrong "Dovecot STARTTLS, wrong password: both fail at auth with the server's codes" rc=1 \
	imap.status=failed imap.stage=auth imap.imap_code=AUTHENTICATIONFAILED imap.net_error=null \
	smtp.status=failed smtp.stage=auth smtp.smtp_code=535 smtp.enhanced_code=5.7.8
stages st_wrong imap connect:ok greeting:ok tls:ok auth:failed
ok $? "Dovecot STARTTLS IMAP, wrong password: TLS was up before the refusal"
stages st_wrong smtp connect:ok greeting:ok tls:ok auth:failed
ok $? "Dovecot STARTTLS SMTP, wrong password: TLS was up before the refusal"

# The capabilities seen before TLS (here STARTTLS LOGINDISABLED) are forgotten after it
# (RFC 3501 6.2.1): the client asks again and logs in with LOGIN, which the server now allows.
run_check st_caps "$MPA_TMP/canary" user@example.com $ST --imap 127.0.0.1:$st_imap_PORT --only imap --timeout 3
expect st_caps "fake STARTTLS IMAP: login over the upgraded connection" rc=0 imap.status=ok imap.stage=select
sed -n '/ TLS ok /,$p' "$st_imap_LOG" | grep -q 'CMD CAPABILITY' && grep -q 'CMD LOGIN' "$st_imap_LOG"
ok $? "fake STARTTLS IMAP: CAPABILITY asked again after TLS, then LOGIN (pre-TLS LOGINDISABLED forgotten)"

# A server that does not offer STARTTLS: no login in clear text, no other way round.
run_check nost "$MPA_TMP/canary" user@example.com $ST --imap 127.0.0.1:$nost_imap_PORT --smtp 127.0.0.1:$nost_smtp_PORT --timeout 3
expect nost "no STARTTLS offered: both stop at tls, starttls-unsupported, explained" rc=1 \
	imap.status=failed imap.stage=tls imap.net_error=starttls-unsupported imap.detail=~'does not offer STARTTLS' \
	imap.cause=tls-handshake-failed \
	smtp.status=failed smtp.stage=tls smtp.net_error=starttls-unsupported smtp.detail=~'does not offer STARTTLS' \
	smtp.cause=tls-handshake-failed max_ms=3000
never_sent "$nost_imap_LOG" "no STARTTLS offered, IMAP: no LOGIN/AUTHENTICATE reached the server"
never_sent "$nost_smtp_LOG" "no STARTTLS offered, SMTP: no AUTH reached the server"
[ "$(grep -c ' CONNECT ' "$nost_imap_LOG")" -eq 1 ] && [ "$(grep -c ' CONNECT ' "$nost_smtp_LOG")" -eq 1 ] &&
	! grep -q ' TLS ' "$nost_imap_LOG" "$nost_smtp_LOG"
ok $? "no STARTTLS offered: one connection each, never upgraded, never retried"

# ---- fake server: providers' own words ----
run_check sohu "$MPA_TMP/canary" user@example.com $S:$sohu_smtp_PORT --timeout 3
expect sohu "Sohu SMTP 535 text kept exactly" rc=1 smtp.stage=auth smtp.smtp_code=535 \
	'smtp.reply=535 Authentication failed' smtp.enhanced_code=null imap.status=skipped

run_check qq_smtp "$MPA_TMP/canary" user@example.com $S:$qq_smtp_PORT --timeout 3
expect qq_smtp "QQ SMTP 535 in GBK is decoded, not mojibake" rc=1 smtp.stage=auth smtp.smtp_code=535 \
	smtp.reply=~'请使用授权码登录'

run_check qq_imap "$MPA_TMP/canary" user@example.com $I:$qq_imap_PORT --timeout 3
expect qq_imap "QQ IMAP login refusal text" rc=1 imap.stage=auth imap.reply=~'NO Login fail. Account is abnormal' imap.imap_code=null

run_check ne_imap "$MPA_TMP/canary" user@example.com $I:$ne_imap_PORT --timeout 3
expect ne_imap "NetEase IMAP bare NO LOGIN text" rc=1 imap.stage=auth 'imap.reply=NO LOGIN Login error or password error'

run_check ne_id "$MPA_TMP/canary" user@example.com $I:$ne_id_PORT --timeout 3
expect ne_id "NetEase-like server: EXAMINE passes because ID was sent first" rc=0 imap.status=ok imap.stage=select
grep -q 'CMD ID' "$ne_id_LOG"
result $? "NetEase-like server received our IMAP ID"

run_check gm_imap "$MPA_TMP/canary" user@example.com $I:$gm_imap_PORT --timeout 3
expect gm_imap "Gmail IMAP AUTHENTICATIONFAILED code parsed" rc=1 imap.imap_code=AUTHENTICATIONFAILED imap.reply=~'Invalid credentials'

run_check gm_smtp "$MPA_TMP/canary" user@example.com $S:$gm_smtp_PORT --timeout 3
expect gm_smtp "Gmail SMTP multi-line 534 5.7.9" rc=1 smtp.smtp_code=534 smtp.enhanced_code=5.7.9 smtp.reply=~'Application-specific password required'

# ---- fake server: broken servers, within the deadline ----
run_check delay "$MPA_TMP/canary" user@example.com $I:$delay_PORT --timeout 3
expect delay "greeting after 1 s is waited for" rc=0 imap.status=ok min_ms=1000 max_ms=3000

run_check silent "$MPA_TMP/canary" user@example.com $I:$silent_PORT --timeout 2
expect silent "silent after accept: timeout in tls within deadline + 0.3 s" rc=1 imap.stage=tls imap.net_error=timeout max_ms=2300 imap.cause=timeout

run_check silent_tls "$MPA_TMP/canary" user@example.com $I:$silent_tls_PORT --timeout 2
expect silent_tls "silent after TLS: timeout in greeting" rc=1 imap.stage=greeting imap.net_error=timeout max_ms=2300

run_check drop "$MPA_TMP/canary" user@example.com $I:$drop_PORT --timeout 2
expect drop "dropped during handshake: tls-handshake" rc=1 imap.stage=tls imap.net_error=tls-handshake max_ms=2000

run_check garbage "$MPA_TMP/canary" user@example.com $I:$garbage_PORT --timeout 2
expect garbage "garbage instead of TLS: tls-handshake" rc=1 imap.stage=tls imap.net_error=tls-handshake max_ms=2000 imap.cause=tls-handshake-failed

run_check longline "$MPA_TMP/canary" user@example.com $I:$longline_PORT --timeout 2
expect longline "1 MiB greeting line: protocol error" rc=1 imap.stage=greeting imap.net_error=protocol max_ms=2300

run_check slow "$MPA_TMP/canary" user@example.com $I:$slow_PORT --timeout 2
expect slow "one byte at a time: overall deadline" rc=1 imap.net_error=timeout max_ms=2300

# ---- certificates: refused before any credential ----
run_check c_self "$MPA_TMP/canary" user@example.com $I:$c_self_PORT --timeout 2
expect c_self "self-signed certificate: cert-untrusted" rc=1 imap.stage=tls imap.net_error=cert-untrusted imap.detail=~'self-signed' imap.cause=certificate-untrusted
never_sent "$c_self_LOG" "self-signed: no LOGIN reached the server"

run_check c_exp "$MPA_TMP/canary" user@example.com $I:$c_exp_PORT --timeout 2
expect c_exp "expired certificate: cert-expired" rc=1 imap.stage=tls imap.net_error=cert-expired imap.detail=~'expired' imap.cause=certificate-expired
never_sent "$c_exp_LOG" "expired: no LOGIN reached the server"

run_check c_host "$MPA_TMP/canary" user@example.com $I:$c_host_PORT --timeout 2
expect c_host "wrong-host certificate: cert-hostname" rc=1 imap.stage=tls imap.net_error=cert-hostname imap.detail=~'127.0.0.1' imap.cause=certificate-hostname-mismatch
never_sent "$c_host_LOG" "wrong host: no LOGIN reached the server"

run_check c_ca "$MPA_TMP/canary" user@example.com $I:$c_ca_PORT --timeout 2
expect c_ca "unknown CA: cert-untrusted" rc=1 imap.stage=tls imap.net_error=cert-untrusted imap.detail=~'unknown authority' imap.cause=certificate-untrusted
never_sent "$c_ca_LOG" "unknown CA: no LOGIN reached the server"

run_check c_self_smtp "$MPA_TMP/canary" user@example.com $S:$c_self_smtp_PORT --timeout 2
expect c_self_smtp "SMTP self-signed certificate: cert-untrusted" rc=1 smtp.stage=tls smtp.net_error=cert-untrusted
never_sent "$c_self_smtp_LOG" "SMTP self-signed: no AUTH reached the server"

# ---- input handling ----
"$CLI" check --json --password-file /dev/null user@example.com --imap 'no-port' >/dev/null 2>&1
result $([ $? -eq 2 ] && echo 0 || echo 1) "a bad --imap value is a usage error (exit 2)"
printf '%s\n' "$CANARY" | "$CLI" check --json --password-stdin --ca-file "$CA" user@example.com \
	$I:$ne_id_PORT --timeout 3 > "$OUT/stdin.json" 2>&1
result $? "--password-stdin (trailing newline stripped) logs in"

# ---- the password is nowhere ----
leaks=$(grep -rlF -e "$CANARY" -e "$(cat "$DPW")" "$OUT" "$MPA_TMP"/fake-*.log "$MPA_DOVECOT_DIR"/*.log 2>/dev/null)
[ -z "$leaks" ]
result $? "no password in any output or server log"
[ -n "$leaks" ] && echo "# found in: $leaks"

tap_done
