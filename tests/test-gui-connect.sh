#!/bin/bash
# test-gui-connect.sh — Claws Mail 4.1.1 cannot reach a known provider's IMAP server: the hint
# names the cause (TAP).
#
# Stock Claws says only "Can't connect to IMAP server" (an alert, not even logged) after waiting
# for its whole I/O timeout; its log has "TLS handshake failed" or "IMAP error on HOST: stream
# error / connection refused".  Four IMAP accounts of a test provider, each on a broken server,
# log in when Claws starts (I/O timeout 4 s):
#   Silent     accepts and never sends a byte (the TLS handshake waits)   -> timeout
#   SilentTLS  completes TLS, never greets                                -> timeout
#   Garbage    answers the TLS ClientHello with plain text                -> tls-handshake-failed
#   Refused    nothing listens on the port                                -> connection-refused
# and a message is sent through an SMTP server that accepts and never speaks; Claws gives its own
# TLS handshake 30 s and then logs "TLS handshake failed"        -> SilentSMTP: timeout
# and a POP3 account whose password the server refuses when Claws gets mail
# ("-ERR [AUTH] Authentication failed.", then "error occurred on authentication")
#                                                                 -> PopLogin: app-password-required
# Real Claws under Xvfb in a private network namespace, as tests/test-gui.sh.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/gui-lib.sh"
gui_test_start openssl

gui_servers_start connect

mpa_fake_spawn SILENT --proto imap --fault silent
mpa_fake_spawn SILENTTLS --proto imap --fault silent-after-tls
mpa_fake_spawn GARBAGE --proto imap --fault garbage
mpa_fake_spawn SILENTS --proto smtp --fault silent
printf 'the-right-one' >"$T/pop-password"
mpa_fake_spawn POP --proto pop3 --password-file "$T/pop-password"
mpa_fake_wait SILENT && mpa_fake_wait SILENTTLS && mpa_fake_wait GARBAGE && mpa_fake_wait SILENTS &&
	mpa_fake_wait POP ||
	{ echo "Bail out! fake servers did not start"; exit 1; }
REFUSED_PORT=9     # nothing listens there in this network namespace

gui_write_provider "$PD/example.com.xml" example.com "$SILENT_PORT" "$SILENT_PORT"

gui_write_config
# IMAP accounts of the test provider (never used to send)
{
	gui_imap_account 2 Silent user2@example.com not-the-point "$SILENT_PORT"
	gui_imap_account 3 SilentTLS user3@example.com not-the-point "$SILENTTLS_PORT"
	gui_imap_account 4 Garbage user4@example.com not-the-point "$GARBAGE_PORT"
	gui_imap_account 5 Refused user5@example.com not-the-point "$REFUSED_PORT"
	# receiving on POP3 (Claws checks mail at startup below); a wrong password
	cat <<X

[Account: 7]
account_name=PopLogin
is_default=0
name=PopLogin
address=user7@example.com
protocol=0
receive_server=127.0.0.1
smtp_server=127.0.0.1
user_id=user7@example.com
password=not-the-point
ssl_pop=1
set_popport=1
pop_port=$POP_PORT
X
	# sending only (like gui_write_config's Local account), the default for a new message
	cat <<X

[Account: 6]
account_name=SilentSMTP
is_default=1
name=SilentSMTP
address=user6@example.com
protocol=4
smtp_server=127.0.0.1
set_smtpport=1
smtp_port=$SILENTS_PORT
ssl_smtp=1
use_smtp_auth=1
user_id=user6@example.com
password=not-the-point
X
} >>"$CFG/accountrc"
sed -i '0,/^is_default=1$/s//is_default=0/' "$CFG/accountrc"    # Local is no longer the default
# Claws 4.1.1 creates its POP3 "processing" folder on an account's first fetch and appends the new
# folder to the tree twice (GLib-CRITICAL "g_node_insert_before: assertion ... failed"); now and
# then it crashes right there, plugin or not.  An existing folder is found instead of created.
mkdir -p "$CFG/tempfolder/processing-7"
# "Get from all accounts" (below) is for the POP3 account only: it leaves the IMAP accounts alone
# (they connect at startup anyway, for their folder lists).
sed -i 's/^protocol=1$/protocol=1\nreceive_at_get_all=0/' "$CFG/accountrc"
# A short I/O timeout (Configuration › Preferences › Other › Miscellaneous; default 60 s).
# No subject warning, no spell checker (no dictionary here: its alert would take the keys).
printf 'io_timeout_secs=4\nwarn_empty_subj=0\nenable_aspell=0\n' >>"$CFG/clawsrc"
printf '\n[Plugins_Common]\n%s\n\n[Plugins_GTK3]\n' "$SO" >>"$CFG/clawsrc"
# The server completing TLS has the test certificate: stored, so Claws asks nothing about it.
mkdir -p "$CFG/certs" && chmod 700 "$CFG/certs"
openssl x509 -in "$MPA_TEST_CERTS/server.pem" -outform DER -out "$CFG/certs/127.0.0.1.$SILENTTLS_PORT.cert"
openssl x509 -in "$MPA_TEST_CERTS/server.pem" -outform DER -out "$CFG/certs/127.0.0.1.$POP_PORT.cert"

gui_start_xvfb || { echo "Bail out! Xvfb did not start"; exit 1; }
# Claws logs in to the four accounts at startup, before its main window shows, and opens a
# "Can't connect" alert for each; the hints wait until the alerts are closed.
claws_spawn --online
want="Silent:timeout SilentTLS:timeout Garbage:tls-handshake-failed Refused:connection-refused"
# all the hints of $want are in Claws' output; else the alerts holding them back are closed
hints_logged() {
	local w
	for w in $want; do
		grep -q "Provider Assistant: ${w%%:*}: ${w#*:}\$" "$T/claws.out" || { close_alerts 1; return 1; }
	done
}
gui_wait 60 "the startup hints ($want) in Claws' output" hints_logged
MAIN=$(wait_win ' - Claws Mail ' 30)
check "Claws Mail main window appears" test -n "$MAIN"
shot connect-hints

# Get mail from all accounts: the POP3 server refuses the password.
close_alerts 2
focus "$MAIN"; keys ctrl+shift+i
# one line in Claws' output; else the alerts in the way are closed
logged_or_close_alerts() { grep -q -- "$1" "$T/claws.out" || { close_alerts 1; return 1; }; }
gui_wait 40 "the PopLogin hint in Claws' output" \
	logged_or_close_alerts 'Provider Assistant: PopLogin: app-password-required$'
want="$want PopLogin:app-password-required"

# A message through the silent SMTP server: the hint comes once Claws gives up (30 s).
close_alerts 2
focus "$MAIN"; keys ctrl+m
COMPOSE=$(wait_win 'Compose message' 15)
check "the compose window opens" test -n "$COMPOSE"
if [ -n "$COMPOSE" ]; then
	# the To entry has the focus once the window is fully built
	sleep 2; focus "$COMPOSE"; typ "someone@example.com"; sleep 0.5
	keys ctrl+Return
fi
# Claws gives its TLS handshake 30 s, on a loaded machine a little more
gui_wait 90 "the SilentSMTP hint in Claws' output (Claws gives up after 30 s)" \
	logged_or_close_alerts 'Provider Assistant: SilentSMTP: timeout$'
shot connect-smtp-hint
want="$want SilentSMTP:timeout"

for w in $want; do
	name=${w%%:*} cause=${w#*:}
	check "$name: the hint names the cause ($cause)" grep -q "Provider Assistant: $name: $cause\$" "$T/claws.out"
	check "$name: its hint window is open" \
		sh -c "timeout 10 xdotool search --onlyvisible --name '^Provider Assistant: $name\$' >/dev/null 2>&1"
done
check "one hint per account and cause" \
	test "$(grep -c 'Provider Assistant: [A-Za-z]*: [a-z-]*$' "$T/claws.out")" -eq 6
# What stock Claws logs for them, so that a Claws that words it differently shows up here.
check "Claws logged the failed TLS handshakes" grep -q 'TLS handshake failed' "$T/claws.out"
check "Claws logged the refused connection" grep -q 'IMAP error on 127.0.0.1: connection refused' "$T/claws.out"
check "Claws logged the refused POP3 login" grep -q 'error occurred on authentication' "$T/claws.out"
check "the POP3 server refused PASS (the login was really tried)" grep -q 'AUTH bad user=user7@example.com' "$POP_LOG"

claws_stop
[ -n "$(claws_pid)" ] && not_ok "Claws Mail ended" || ok "Claws Mail ended"
tap_done
