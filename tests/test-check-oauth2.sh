#!/bin/sh
# test-check-oauth2.sh — "provider-assistant check" for a provider that signs in with OAuth2 only
# (Outlook.com, through its real provider file with the servers moved to fake ones on 127.0.0.1):
# the check goes through TLS and the greeting, looks whether the server offers XOAUTH2 or
# OAUTHBEARER, sends no login and asks for no password, and says that Claws Mail's "Authorize"
# button signs in.  A server that offers no OAuth2 fails at auth, saying so.  Prints TAP.
. "${top_srcdir:?run through make check}/tests/check-env.sh"
check_env_servers

# IMAP over TLS offering XOAUTH2; SMTP with STARTTLS (Outlook's 587) whose EHLO offers
# XOAUTH2 and OAUTHBEARER; and the same two without OAuth2.
mpa_fake_spawn o_imap --capabilities 'IMAP4rev1 ID SASL-IR AUTH=PLAIN AUTH=XOAUTH2'
mpa_fake_spawn o_smtp --json '{"proto": "smtp", "tls": "starttls", "replies": {"EHLO": ["250-localhost", "250-STARTTLS", "250 AUTH LOGIN XOAUTH2 OAUTHBEARER"]}}'
mpa_fake_spawn p_imap
mpa_fake_spawn p_smtp --proto smtp --tls starttls
for s in o_imap o_smtp p_imap p_smtp; do
	mpa_fake_wait $s || { echo "Bail out! fake server $s did not start"; exit 1; }
done

# check NAME ARGS...: no password option and stdin closed — a check that wanted a password would
# stop with "no terminal to ask for the password".
check_run() {
	_name=$1; shift
	"$CLI" check --ca-file "$CA" "$@" lisi@outlook.com >"$OUT/$_name.out" 2>"$OUT/$_name.err" </dev/null
	echo $? >"$OUT/$_name.rc"
}
# jq_expect NAME DESCRIPTION PYTHON-EXPRESSION-ON-d
jq_expect() {
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$OUT/$1.out" "$3" 2>/dev/null
	_st=$?
	result $_st "$2"
	[ $_st -eq 0 ] || { sed 's/^/#   /' "$OUT/$1.out" | head -40; sed 's/^/#   err: /' "$OUT/$1.err" | head -5; }
}

check_run offered --json --imap "127.0.0.1:$o_imap_PORT" --smtp "127.0.0.1:$o_smtp_PORT" --timeout 5
result $([ "$(cat "$OUT/offered.rc")" = 0 ]; echo $?) "OAuth2 offered: exit 0 without any password given"
jq_expect offered "IMAP: ok, oauth2, the auth stage skipped (no login), no select" \
	'd["imap"]["status"] == "ok" and d["imap"]["oauth2"] is True and [(s["stage"], s["status"]) for s in d["imap"]["stages"]][-1] == ("auth", "skipped")'
jq_expect offered "SMTP (after STARTTLS): ok, oauth2, the auth stage skipped" \
	'd["smtp"]["status"] == "ok" and d["smtp"]["oauth2"] is True and ("tls", "ok") in [(s["stage"], s["status"]) for s in d["smtp"]["stages"]] and d["smtp"]["stages"][-1]["status"] == "skipped"'
never_sent() {
	! grep -Eq 'CMD (LOGIN|AUTHENTICATE|AUTH)\b' "$1"
	result $? "$2"
}
never_sent "$o_imap_LOG" "IMAP: no LOGIN or AUTHENTICATE reached the server"
never_sent "$o_smtp_LOG" "SMTP: no AUTH reached the server"

check_run text --imap "127.0.0.1:$o_imap_PORT" --smtp "127.0.0.1:$o_smtp_PORT" --timeout 5
result $(grep -q 'offers OAuth2 sign-in' "$OUT/text.out" && grep -q '"Authorize"' "$OUT/text.out"; echo $?) \
	"text: says the server offers OAuth2 and that Claws Mail's \"Authorize\" button signs in"
[ "$(cat "$OUT/text.rc")" = 0 ] || sed 's/^/#   /' "$OUT/text.out" "$OUT/text.err"

check_run none --json --imap "127.0.0.1:$p_imap_PORT" --smtp "127.0.0.1:$p_smtp_PORT" --timeout 5
result $([ "$(cat "$OUT/none.rc")" = 1 ]; echo $?) "no OAuth2 offered: exit 1"
jq_expect none "no OAuth2 offered: both fail at auth, saying so, no login sent" \
	'all(d[p]["status"] == "failed" and d[p]["stage"] == "auth" and "OAuth2" in d[p]["detail"] for p in ("imap", "smtp"))'
never_sent "$p_imap_LOG" "no OAuth2: still no LOGIN sent to the IMAP server"

tap_done
