#!/bin/bash
# test-gui-auth.sh — one explicit sign-in method per server, in a real Claws Mail 4.1.1 under Xvfb
# against the test Dovecot (TAP).
#
# Claws' "Automatic" authentication tries every method the server offers, one after the other:
# against Dovecot (AUTH=PLAIN AUTH=LOGIN) that is AUTHENTICATE PLAIN, AUTHENTICATE LOGIN and the
# LOGIN command, so one wrong password costs three failed logins per attempt.  The plugin sets the
# one method of the provider file instead.  Here:
#   Before   an account as Claws makes it by hand (Automatic), a wrong password: Dovecot logs
#            "auth failed, 3 attempts" for its connection (the count before this change);
#   ok@      a new account typed through the plugin with a wrong password: every connection of it
#            ends "auth failed, 1 attempts"; typed again with the right password: Claws logs in;
#   Sohu     a new account: one explicit password method on the Receive and the Send page;
#   Hand     a new Sohu account whose Receive method the user sets to PLAIN by hand: another
#            address typed over it keeps PLAIN (saved so); reopened, Apply provider settings
#            sets the provider's method again;
#   Outlook  a new account: OAuth2 on both pages and "MS Outlook" on the OAuth2 page;
#   Gmail    a new account: the app password (LOGIN on both pages), the OAuth2 page left alone;
#   GmailOA  a new Gmail account where the user picks OAuth2 on the plugin's page: OAuth2 on both
#            pages and "Google/Gmail" saved; the client-ID notice shows (Debian's Claws has no
#            Google client ID); Apply provider settings keeps the pick, and so does reopening the
#            account (the page shows OAuth2 picked; Apply again; saved unchanged), and a Client
#            ID typed on Claws' OAuth2 page hides the notice;
#   Yahoo    the same choice; Claws' Yahoo service signs in with the redirect URI "oob";
#   OAuthBad an Outlook account set to OAuth2 with no authorisation: Claws logs "OAuth2 access
#            token not obtained", logs in anyway and is refused; the hint names the OAuth2 page.
# Real Claws under Xvfb in a private network namespace (only 127.0.0.1 is reachable).
# MPA_SCREENSHOTS=DIR: the Outlook account's dialog for README (en-outlook-oauth2.png), the plugin's
# page with OAuth2 picked for Gmail and the client-ID notice (en-gmail-oauth2-choice.png).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/gui-lib.sh"
gui_test_start openssl

gui_servers_start auth dovecot 600

gui_write_provider "$PD/example.com.xml" example.com "$IMAPS_PORT" "$SMTPS_PORT"
for p in sohu.com outlook.com gmail.com yahoo.com; do
	cp "$top_srcdir/providers/$p.xml" "$PD/" || { echo "Bail out! no providers/$p.xml"; exit 1; }
done

# An IMAP server offering XOAUTH2 (it refuses it: no token can be right here).
mpa_fake_spawn XO --capabilities 'IMAP4rev1 ID SASL-IR AUTH=PLAIN AUTH=XOAUTH2'
mpa_fake_wait XO || { echo "Bail out! fake server did not start"; exit 1; }

gui_write_config
# OAuthBad: an Outlook address on that server, OAuth2 chosen, never authorised.
{
	gui_imap_account 3 OAuthBad oauthbad@outlook.com "not-a-token" "$XO_PORT"
	printf 'imap_auth_method=256\noauth2_auth_provider=2\n'
} >>"$CFG/accountrc"
# "Before": made by hand, so Claws' defaults (Automatic); a user Dovecot does not know.
gui_imap_account 2 Before before@example.com "$BADPW" "$IMAPS_PORT" >>"$CFG/accountrc"
printf 'warn_empty_subj=0\nenable_aspell=0\n' >>"$CFG/clawsrc"
# Edit accounts by key (Configuration menu), to reopen an account.
printf '(gtk_accel_path "<Actions>/Menu/Configuration/EditAccounts" "<Primary><Shift>F12")\n' >>"$CFG/menurc"
printf '\n[Plugins_Common]\n%s\n\n[Plugins_GTK3]\n' "$SO" >>"$CFG/clawsrc"
# The test certificate, as if accepted once.
mkdir -p "$CFG/certs" && chmod 700 "$CFG/certs"
openssl x509 -in "$MPA_TEST_CERTS/server.pem" -outform DER -out "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert"
cp "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert" "$CFG/certs/127.0.0.1.$SMTPS_PORT.cert"
cp "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert" "$CFG/certs/127.0.0.1.$XO_PORT.cert"

# Dovecot's end-of-connection lines of a refused user: "... (auth failed, N attempts in S secs): user=<U>"
failed_lines() { grep -F "user=<$1>" "$DVLOG" | grep 'auth failed, '; }
_saved() { [ "$(grep -c "^address=$1\$" "$CFG/accountrc" 2>/dev/null)" -ge "$2" ]; }
# After OK: "not now" to the offer to test, Claws' alerts and password prompts closed, Edit
# accounts closed (Claws writes accountrc then).
finish_new_account() { # address count
	local q e
	focus "$NEWACC"; keys alt+o
	q=$(GUI_QUIET=1 wait_win '^Provider Assistant$' 10) && { focus "$q"; keys Escape; }
	gone_win '^Preferences for new account' 10
	close_alerts 3
	e=$(GUI_QUIET=1 wait_win '^Edit accounts$' 5) && { focus "$e"; keys Escape; }
	gui_wait 20 "account $1 (number $2) in accountrc" _saved "$1" "$2"
}

# The account dialog's page tree: a click on its lower part gives it the focus (End: our page).
tree_focus() { xdo mousemove --window "$1" 60 "$(( $(xdo getwindowgeometry "$1" | sed -n 's/.*Geometry: [0-9]*x\([0-9]*\).*/\1/p') - 80 ))" click 1; sleep 0.3; }
# The plugin's "sign-in:" lines in Claws' --debug output (one each time the choice changes).
signin_lines() { grep -F 'Provider Assistant: sign-in: ' "$T/claws.out" 2>/dev/null | sed 's/.*Provider Assistant: sign-in: //'; }
_signin_count() { [ "$(signin_lines | grep -cF -- "$1")" -ge "$2" ]; }
wait_signin() { # text count seconds
	gui_wait "$3" "sign-in line number $2 '$1' in Claws' output" _signin_count "$1" "$2"
}
_apply_count() { [ "$(grep -cF 'Provider Assistant: apply provider settings' "$T/claws.out")" -ge "$1" ]; }

gui_start_xvfb || { echo "Bail out! Xvfb did not start"; exit 1; }
# The Before account logs in at startup and fails; its alert (and the password prompt) is closed.
claws_spawn --online
_before_done() { failed_lines before@example.com >/dev/null || { close_alerts 1; return 1; }; }
gui_wait 60 "Dovecot's end of the Before account's connection" _before_done
MAIN=$(wait_win ' - Claws Mail ' 30)
check "Claws Mail main window appears" test -n "$MAIN"
close_alerts 2
BEFORE=$(failed_lines before@example.com | head -1)
echo "# before (Automatic): $BEFORE"
check "Automatic (Claws' default): one wrong password = 3 failed logins on one connection" \
	grep -q 'auth failed, 3 attempts' <<<"$BEFORE"

# OAuthBad logged in at startup too, without a token.
_oauth_hint() { grep -q 'Provider Assistant: OAuthBad: oauth-required' "$T/claws.out" || { close_alerts 1; return 1; }; }
gui_wait 40 "the OAuthBad hint in Claws' output" _oauth_hint
check "Claws logged that it had no OAuth2 token, then tried XOAUTH2" \
	sh -c 'grep -q "OAuth2 access token not obtained" "$1" && grep -q "AUTHENTICATE XOAUTH2" "$2"' _ "$T/claws.out" "$XO_LOG"
check "OAuth2 without a token: the hint says so and points at the OAuth2 page (not at a password)" \
	grep -q 'Provider Assistant: hint: .*: Claws Mail has no valid OAuth2 sign-in for this account' "$T/claws.out"
close_alerts 2
H=$(xdo search --onlyvisible --name '^Provider Assistant: OAuthBad$' 2>/dev/null | tail -1)
[ -n "$H" ] && { focus "$H"; keys Escape; }

# A new account through the plugin, wrong password: Claws logs in at once after OK.
new_account ok@example.com "$BADPW"
if [ -n "${NEWACC:-}" ]; then
	finish_new_account ok@example.com 1
	_bad_done() { failed_lines ok@example.com >/dev/null || { close_alerts 1; return 1; }; }
	gui_wait 40 "Dovecot's end of the wrong-password connection" _bad_done
	close_alerts 3
fi
ACC=$(accountrc_of ok@example.com 1)
echo "# plugin account: $ACC"
check "plugin account: one explicit method on both sides (IMAP LOGIN command, SMTP AUTH LOGIN)" \
	has_all imap_auth_method=1 use_smtp_auth=1 smtp_auth_method=1
AFTER=$(failed_lines ok@example.com)
echo "$AFTER" | sed 's/^/# after: /'
check "plugin account, wrong password: Dovecot saw a refused connection" test -n "$AFTER"
check "plugin account, wrong password: exactly 1 failed login per connection (Claws attempt)" \
	sh -c '[ -n "$1" ] && ! printf "%s\n" "$1" | grep -qv "auth failed, 1 attempts"' _ "$AFTER"
check "no log holds the passwords" sh -c '! grep -rqF -e "$1" -e "$2" "$3" "$4"' _ "$BADPW" "$GOODPW" "$T/claws.out" "$DVLOG"

# The right password: Claws' own login succeeds (the plugin's test, not run here, would send an
# IMAP ID "Provider Assistant" first; Claws' login sends none).
claws_logins() { grep -F 'imap-login: Info: Login: user=<ok@example.com>' "$DVLOG" | wc -l; }
l0=$(claws_logins)
new_account ok@example.com "$GOODPW"
if [ -n "${NEWACC:-}" ]; then
	finish_new_account ok@example.com 2
	_logged_in() { [ "$(claws_logins)" -gt "$l0" ] || { close_alerts 1; return 1; }; }
	gui_wait 40 "a successful IMAP login of ok@example.com in Dovecot's log" _logged_in
fi
check "plugin account, right password: Claws logs in with the one method" test "$(claws_logins)" -gt "$l0"
ACC=$(accountrc_of ok@example.com 2)
check "the right-password account has the explicit methods too" has_all imap_auth_method=1 smtp_auth_method=1

# The last row of Edit accounts (Claws names a new account "AccountN": the newest is last), opened
# with Return (the list's row-activated; Alt+E is also D_elete's mnemonic).  Claws' login hints
# for the new accounts may pop up meanwhile and take the keys: then again, three times at most.
reopen_last() {
	local try e q
	EDIT=
	for try in 1 2 3; do
		q=1; [ "$try" = 3 ] && q=
		e=$(xdo search --onlyvisible --name '^Edit accounts$' 2>/dev/null | tail -1)
		if [ -z "$e" ]; then
			focus "$MAIN"; keys ctrl+shift+F12
			e=$(GUI_QUIET=$q wait_win '^Edit accounts$' 10)
		fi
		if [ -n "$e" ]; then
			focus "$e"; click_focus "$e"; keys End; sleep 0.3; keys Return
			EDIT=$(GUI_QUIET=$q wait_win ' - Account preferences$' 10) && return 0
		fi
		echo "# reopening: attempt $try did not open the account dialog"
		shot "auth-reopen-attempt-$try"; close_alerts 1
	done
	return 1
}
# Sohu: one explicit password method on both sides (Claws cannot reach imap.sohu.com here).
new_account zhangsan@sohu.com "$BADPW"
[ -n "${NEWACC:-}" ] && finish_new_account zhangsan@sohu.com 1
ACC=$(accountrc_of zhangsan@sohu.com)
echo "# sohu: $ACC"
check "Sohu: receive server and one explicit password method on the Receive and Send pages" \
	has_all receive_server=imap.sohu.com imap_auth_method=1 use_smtp_auth=1 smtp_auth_method=1

# A method chosen by hand is the user's (README: "a method you chose yourself is kept, and Apply
# provider settings sets it again"): on a new Sohu account, Receive → PLAIN (64) by hand, then
# another address typed over it (the plugin fills the account once more): PLAIN stays and is saved;
# reopened, Apply provider settings sets the provider's method (1) again.
methods_lines() { grep -F 'Provider Assistant: methods: ' "$T/claws.out" 2>/dev/null | sed 's/.*Provider Assistant: methods: //'; }
_methods_count() { [ "$(methods_lines | grep -cF -- "$1")" -ge "$2" ]; }
n_64=$(methods_lines | grep -cF 'imap 64,')
n_1=$(methods_lines | grep -cF 'imap 1,')
new_account handpick@sohu.com "$BADPW"
if [ -n "${NEWACC:-}" ]; then
	check "Hand-picked: the plugin set the provider's method (LOGIN command, 1) as the address was typed" \
		gui_wait 10 "a 'methods: imap 1' line" _methods_count 'imap 1,' $((n_1 + 1))
	# The tree's third row (under "Account" and Basic) is the Receive page; its first control (an
	# IMAP account) is the "Authentication method" list: End (OAUTH2), Up (LOGIN), Up (PLAIN).
	focus "$NEWACC"; tree_focus "$NEWACC"; keys Home Down Down; sleep 0.8
	keys Tab; sleep 0.3; keys End Up Up; sleep 0.5
	check "Hand-picked: Receive → PLAIN (64) chosen by hand" \
		gui_wait 10 "a 'methods: imap 64' line" _methods_count 'imap 64,' $((n_64 + 1))
	n_1=$(methods_lines | grep -cF 'imap 1,')
	# Another address typed over it: the plugin fills the account from it once more (the user ID
	# it had set follows the address), but not the method the user chose.
	focus "$NEWACC"; tree_focus "$NEWACC"; keys Home Down; sleep 0.8
	keys Tab Tab Tab Tab ctrl+a; sleep 0.3; typ handpicked@sohu.com; sleep 1
	shot auth-handpicked-retyped
	check "Hand-picked: another address typed over it keeps PLAIN (no 'imap 1' line after the pick)" \
		sh -c '[ "$(grep -F "Provider Assistant: methods: " "$1" | grep -cF "imap 1,")" = "$2" ]' _ "$T/claws.out" "$n_1"
	finish_new_account handpicked@sohu.com 1
fi
ACC=$(accountrc_of handpicked@sohu.com)
echo "# hand-picked: $ACC"
check "Hand-picked: saved with the user's PLAIN (64) for IMAP, the provider's LOGIN (1) for SMTP, the user ID of the address typed last" \
	has_all receive_server=imap.sohu.com user_id=handpicked@sohu.com imap_auth_method=64 smtp_auth_method=1
n_ap=$(grep -cF 'Provider Assistant: apply provider settings' "$T/claws.out")
reopen_last
check "Hand-picked: the account reopens from Edit accounts" test -n "$EDIT"
if [ -n "$EDIT" ]; then
	focus "$EDIT"; keys End; sleep 0.8
	keys alt+p
	gui_wait 10 "the Apply line in Claws' output" _apply_count $((n_ap + 1))
	focus "$EDIT"; keys alt+o
	gone_win ' - Account preferences$' 10
	close_alerts 2
	E=$(GUI_QUIET=1 wait_win '^Edit accounts$' 5) && { focus "$E"; keys Escape; }
	GUI_QUIET=1 gone_win '^Edit accounts$' 10
fi
ACC=$(accountrc_of handpicked@sohu.com)
echo "# hand-picked, Apply: $ACC"
check "Hand-picked, reopened, Apply provider settings, OK: the provider's LOGIN (1) again" \
	has_all receive_server=imap.sohu.com imap_auth_method=1 smtp_auth_method=1

# Outlook: no password sign-in at all: OAuth2 on both pages, the "MS Outlook" service.
new_account lisi@outlook.com ""     # no password: OAuth2
[ -n "${NEWACC:-}" ] && { sleep 0.5; shot auth-outlook-new; dshot en-outlook-oauth2 "$NEWACC"; finish_new_account lisi@outlook.com 1; }
ACC=$(accountrc_of lisi@outlook.com)
echo "# outlook: $ACC"
check "Outlook (OAuth2 the only way): no choice offered, the client-ID notice shown (Claws has no Microsoft client ID)" \
	sh -c 'grep -q "Provider Assistant: sign-in: choice none, oauth2, client ID notice shown" "$1" && grep -q "Provider Assistant: OAuth2 service 2: built-in client ID: none" "$1"' _ "$T/claws.out"
check "Outlook: OAuth2 for IMAP (256) and SMTP (32), SMTP AUTH on, OAuth2 service MS Outlook (2)" \
	has_all receive_server=outlook.office365.com imap_auth_method=256 use_smtp_auth=1 smtp_auth_method=32 \
	oauth2_auth_provider=2

# Gmail: OAuth2 is possible, the app password is the default: LOGIN, OAuth2 page untouched.
new_account wangwu@gmail.com "$BADPW"
[ -n "${NEWACC:-}" ] && finish_new_account wangwu@gmail.com 1
ACC=$(accountrc_of wangwu@gmail.com)
echo "# gmail: $ACC"
check "Gmail: the app password (LOGIN on both sides), no OAuth2 service chosen" \
	has_all receive_server=imap.gmail.com imap_auth_method=1 smtp_auth_method=1 oauth2_auth_provider=0

# GmailOA: OAuth2 picked on the plugin's page of a new Gmail account.
PICKED='choice offered, oauth2, client ID notice'
n_pw=$(signin_lines | grep -cF 'choice offered, password')
n_oa=$(signin_lines | grep -cF "$PICKED")
new_account zhaoliu@gmail.com ""
if [ -n "${NEWACC:-}" ]; then
	check "GmailOA: the page offers the choice, the app password picked (the default)" \
		wait_signin 'choice offered, password, client ID notice hidden' $((n_pw + 1)) 10
	focus "$NEWACC"; tree_focus "$NEWACC"; keys End; sleep 0.8
	keys alt+2
	check "GmailOA: Alt+2 picks OAuth2 on the plugin's page" wait_signin "$PICKED" $((n_oa + 1)) 10
	BUILTIN=$(sed -n 's/.*Provider Assistant: OAuth2 service 1: built-in client ID: //p' "$T/claws.out" | tail -1)
	echo "# Claws' Google client ID: $BUILTIN"
	check "GmailOA: Claws Mail 4.1.1 was asked for its Google client ID, and its redirect URI is http://127.0.0.1:8888" \
		sh -c 'case "$1" in "none, redirect URI http://127.0.0.1:8888"|"yes, redirect URI http://127.0.0.1:8888") ;; *) exit 1;; esac' _ "$BUILTIN"
	case "$BUILTIN" in
	none*) check "GmailOA: without a built-in client ID the notice shows as OAuth2 is picked" \
		sh -c 'grep -F "Provider Assistant: sign-in: " "$1" | tail -1 | grep -q "oauth2, client ID notice shown"' _ "$T/claws.out" ;;
	*) check "GmailOA: with a built-in client ID no notice shows" \
		sh -c 'grep -F "Provider Assistant: sign-in: " "$1" | tail -1 | grep -q "oauth2, client ID notice hidden"' _ "$T/claws.out" ;;
	esac
	sleep 0.5; shot auth-gmail-oauth2-picked; dshot en-gmail-oauth2-choice "$NEWACC"
	# Apply provider settings: the pick stays (no "password" line after it)
	n_pw=$(signin_lines | grep -cF 'choice offered, password')
	n_ap=$(grep -cF 'Provider Assistant: apply provider settings' "$T/claws.out")
	focus "$NEWACC"; keys alt+p
	gui_wait 10 "the Apply line in Claws' output" _apply_count $((n_ap + 1))
	check "GmailOA: Apply provider settings keeps OAuth2" \
		sh -c '[ "$(grep -F "Provider Assistant: sign-in: " "$1" | grep -cF "choice offered, password")" = "$2" ]' _ "$T/claws.out" "$n_pw"
	finish_new_account zhaoliu@gmail.com 1
fi
ACC=$(accountrc_of zhaoliu@gmail.com)
echo "# gmail oauth2: $ACC"
check "GmailOA: saved with OAuth2 for IMAP (256) and SMTP (32), SMTP AUTH on, OAuth2 service Google/Gmail (1)" \
	has_all receive_server=imap.gmail.com imap_auth_method=256 use_smtp_auth=1 smtp_auth_method=32 oauth2_auth_provider=1

# Reopened from Edit accounts (the last row): the page shows OAuth2 picked; Apply; OK.
n_oa=$(signin_lines | grep -cF "$PICKED")
n_pw=$(signin_lines | grep -cF 'choice offered, password')
reopen_last
check "GmailOA: the account reopens from Edit accounts" test -n "$EDIT"
if [ -n "$EDIT" ]; then
	check "GmailOA reopened: the page shows OAuth2 picked" wait_signin "$PICKED" $((n_oa + 1)) 10
	focus "$EDIT"; keys End; sleep 0.8
	n_ap=$(grep -cF 'Provider Assistant: apply provider settings' "$T/claws.out")
	keys alt+p
	gui_wait 10 "the Apply line in Claws' output" _apply_count $((n_ap + 1))
	check "GmailOA reopened: Apply provider settings keeps OAuth2" \
		sh -c '[ "$(grep -F "Provider Assistant: sign-in: " "$1" | grep -cF "choice offered, password")" = "$2" ]' _ "$T/claws.out" "$n_pw"
	# A Client ID typed on Claws' OAuth2 page (the tree's 10th row; its first field after the
	# service list) hides the notice: the user has one.
	if grep -q 'OAuth2 service 1: built-in client ID: none' "$T/claws.out"; then
		n_hid=$(signin_lines | grep -cF 'choice offered, oauth2, client ID notice hidden')
		focus "$EDIT"; tree_focus "$EDIT"; keys Home Down Down Down Down Down Down Down Down Down; sleep 0.5
		keys Tab Tab; typ "mpa-test-client-id"; sleep 0.3
		shot auth-gmail-client-id-typed
		check "GmailOA reopened: a Client ID typed on the OAuth2 page hides the notice" \
			wait_signin 'choice offered, oauth2, client ID notice hidden' $((n_hid + 1)) 10
	fi
	focus "$EDIT"; keys alt+o
	gone_win ' - Account preferences$' 10
	close_alerts 2
	E=$(GUI_QUIET=1 wait_win '^Edit accounts$' 5) && { focus "$E"; keys Escape; }
	GUI_QUIET=1 gone_win '^Edit accounts$' 10
fi
ACC=$(accountrc_of zhaoliu@gmail.com)
echo "# gmail oauth2, reopened: $ACC"
check "GmailOA reopened, Apply, OK: still OAuth2 on both sides and Google/Gmail" \
	has_all imap_auth_method=256 use_smtp_auth=1 smtp_auth_method=32 oauth2_auth_provider=1
grep -q 'OAuth2 service 1: built-in client ID: none' "$T/claws.out" &&
	check "GmailOA reopened: the Client ID typed is saved (oauth2_client_id)" \
		grep -qx 'oauth2_client_id=mpa-test-client-id' "$CFG/accountrc"

# Yahoo: the same choice from its file (oauth2-provider="yahoo"); Claws' Yahoo service signs in
# with the redirect URI "oob" (what yahoo.com.xml tells the user to register).  Cancelled.
n_pw=$(signin_lines | grep -cF 'choice offered, password')
n_oa=$(signin_lines | grep -cF 'choice offered, oauth2')
new_account zhouba@yahoo.com ""
if [ -n "${NEWACC:-}" ]; then
	check "Yahoo: the page offers the choice, the app password picked" \
		wait_signin 'choice offered, password' $((n_pw + 1)) 10
	focus "$NEWACC"; tree_focus "$NEWACC"; keys End; sleep 0.8
	keys alt+2
	check "Yahoo: Alt+2 picks OAuth2" wait_signin 'choice offered, oauth2' $((n_oa + 1)) 10
	YAHOO=$(sed -n 's/.*Provider Assistant: OAuth2 service 4: built-in client ID: //p' "$T/claws.out" | tail -1)
	echo "# Claws' Yahoo client ID: $YAHOO"
	check "Yahoo: Claws Mail's Yahoo service uses the redirect URI oob (as yahoo.com.xml says)" \
		sh -c 'case "$1" in *", redirect URI oob") ;; *) exit 1;; esac' _ "$YAHOO"
	focus "$NEWACC"; keys alt+c
	gone_win '^Preferences for new account' 10
	close_alerts 1
fi
check "Yahoo: cancelled, nothing saved" sh -c '! grep -q "^address=zhouba@yahoo.com$" "$1"' _ "$CFG/accountrc"

claws_stop
[ -n "$(claws_pid)" ] && not_ok "Claws Mail ended" || ok "Claws Mail ended"
tap_done
