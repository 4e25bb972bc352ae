#!/bin/bash
# test-gui-worked.sh — "a password that worked and then stopped", in a real Claws Mail 4.1.1 under
# Xvfb against the test Dovecot (TAP).
#
# A test provider modelled on Sohu (an independent password; its servers are the test Dovecot).
#   1. Worked  a new account typed through the plugin with the right password: Claws' own login
#              (not the plugin's test) succeeds; the plugin reads that from Claws' log and its
#              per-account record (provider_assistant_logins) then says the account logged in;
#      Fresh   a new account with a wrong password from the start: Claws' login fails; the hint
#              leads with the first-login advice ("Use the independent password, not the login
#              password").
#   2. The password is changed on the server (Dovecot's passwd file); Claws starts again and its
#      login of Worked fails: the hint and the account page's "last problem" lead with "The
#      independent password is no longer valid…"; Fresh, which never logged in, still gets the
#      first-login advice.
#   3. Once more in zh_CN: the hint leads with "独立密码已经失效…".
#   4. A different password saved for Worked in Claws' account dialog forgets its record (a refusal
#      of the new one is a first-login problem); deleting an account forgets its record, and
#      only its.
# Real Claws under Xvfb in a private network namespace (only 127.0.0.1 is reachable).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/gui-lib.sh"
gui_test_start openssl

gui_servers_start worked dovecot 900
NEWPW="Tn-$$-changed"
LOGINS=$CFG/provider_assistant_logins

# Sohu's provider file, for example.com (Dovecot's users) on the test Dovecot's ports.
/usr/bin/python3 - "$top_srcdir/providers/sohu.com.xml" "$PD/example.com.xml" "$IMAPS_PORT" "$SMTPS_PORT" <<'P'
import re, sys
src, dst, imap, smtp = sys.argv[1:]
x = open(src, encoding='utf-8').read()
x = x.replace('<domain>vip.sohu.com</domain>', '').replace('<domain>sohu.com</domain>', '<domain>example.com</domain>')
x = x.replace('id="sohu.com"', 'id="example.com"')
x = re.sub(r'<hostname>[^<]*</hostname>', '<hostname>127.0.0.1</hostname>', x)
x = re.sub(r'(<incomingServer type="imap">.*?<port>)\d+', r'\g<1>' + imap, x, flags=re.S)
x = re.sub(r'(<outgoingServer type="smtp">.*?<port>)\d+', r'\g<1>' + smtp, x, flags=re.S)
open(dst, 'w', encoding='utf-8').write(x)
P
grep -q "<port>$IMAPS_PORT</port>" "$PD/example.com.xml" || { echo "Bail out! cannot write the test provider file"; exit 1; }

gui_write_config
printf 'warn_empty_subj=0\nenable_aspell=0\n' >>"$CFG/clawsrc"
printf '\n[Plugins_Common]\n%s\n\n[Plugins_GTK3]\n' "$SO" >>"$CFG/clawsrc"
cp "$CFG/folderlist.xml" "$T/folderlist.xml.0"   # the local folders only (see phase 2)
# The test certificate, as if accepted once.
mkdir -p "$CFG/certs" && chmod 700 "$CFG/certs"
openssl x509 -in "$MPA_TEST_CERTS/server.pem" -outform DER -out "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert"
cp "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert" "$CFG/certs/127.0.0.1.$SMTPS_PORT.cert"

_saved() { [ "$(grep -c "^address=$1\$" "$CFG/accountrc" 2>/dev/null)" -ge 1 ]; }
# After OK: "not now" to the offer to test, Claws' alerts and password prompts closed, Edit
# accounts closed (Claws writes accountrc then).
finish_new_account() { # address
	local q e
	focus "$NEWACC"; keys alt+o
	q=$(GUI_QUIET=1 wait_win '^Provider Assistant$' 10) && { focus "$q"; keys Escape; }
	gone_win '^Preferences for new account' 10
	e=$(GUI_QUIET=1 wait_win '^Edit accounts$' 5) && { focus "$e"; keys Escape; }
	gui_wait 20 "account $1 in accountrc" _saved "$1"
}
# account_field ADDRESS KEY: a key of the account with ADDRESS in accountrc
account_field() {
	/usr/bin/python3 - "$CFG/accountrc" "$1" "$2" <<'P'
import re, sys
for head, body in re.findall(r'^\[Account: (\d+)\]\n(.*?)(?=^\[Account: |\Z)', open(sys.argv[1]).read(), flags=re.M | re.S):
    if 'address=' + sys.argv[2] + '\n' in body:
        if sys.argv[3] == 'id':
            print(head)
        else:
            m = re.search('^' + re.escape(sys.argv[3]) + '=(.*)$', body, flags=re.M)
            print(m.group(1) if m else '')
P
}
# Dovecot's successful and refused IMAP logins of a user
dv_logins() { grep -F "imap-login: Info: Login: user=<$1>" "$DVLOG" | wc -l; }
dv_refused() { grep -F "user=<$1>" "$DVLOG" | grep -c 'auth failed'; }
# the plugin's record says account ID logged in with IMAP
recorded() { grep -A3 "^\[$1\]" "$LOGINS" 2>/dev/null | grep -q '^imap=[1-9]'; }
# the headline of the last hint of account NAME (Claws' debug output)
hint_of() { sed -n "s/.*Provider Assistant: hint: $1: //p" "$T/claws.out" | tail -1; }
hint_or_close() { [ -n "$(hint_of "$1")" ] || { close_alerts 1; return 1; }; }
# the hint window of account NAME: Open account settings → the account's page, its last problem
page_problem() { # name title-prefix
	local h a n0
	h=$(xdo search --onlyvisible --name "^$2: $1\$" 2>/dev/null | tail -1)
	[ -n "$h" ] || { echo "# no hint window for $1"; return 0; }
	close_alerts 1
	n0=$(grep -c 'Provider Assistant: page: last problem: ' "$T/claws.out")
	focus "$h"; keys alt+o
	a=$(wait_win ' - Account preferences$' 15)
	[ -n "$a" ] || return 0
	gui_wait 10 "the page's last problem in Claws' output" \
		sh -c '[ "$(grep -c "Provider Assistant: page: last problem: " "$1")" -gt "$2" ]' _ "$T/claws.out" "$n0"
	shot "worked-page-$1"
	focus "$a"; keys Escape; gone_win ' - Account preferences$' 10
}
last_page_problem() { sed -n 's/.*Provider Assistant: page: last problem: //p' "$T/claws.out" | tail -1; }

gui_start_xvfb || { echo "Bail out! Xvfb did not start"; exit 1; }

# ---- 1. the first logins -----------------------------------------------------------------
claws_start --online
check "Claws Mail main window appears" test -n "$MAIN"

l0=$(dv_logins ok@example.com)
new_account ok@example.com "$GOODPW"
[ -n "${NEWACC:-}" ] && finish_new_account ok@example.com
WID=$(account_field ok@example.com id)
WNAME=$(account_field ok@example.com account_name)
echo "# Worked: account $WID, named '$WNAME'"
_logged_in() { [ "$(dv_logins ok@example.com)" -gt "$l0" ] || { close_alerts 1; return 1; }; }
gui_wait 40 "a successful IMAP login of ok@example.com in Dovecot's log" _logged_in
check "Worked: Claws' own login succeeds (Dovecot logs it)" test "$(dv_logins ok@example.com)" -gt "$l0"
check "Worked: Claws logged the login (what the plugin reads)" grep -q 'IMAP> Logging ok@example.com to 127.0.0.1' "$T/claws.out"
check "Worked: the plugin's per-account record says it logged in with IMAP" \
	gui_wait 20 "account $WID in $LOGINS" recorded "$WID"
check "the record holds no password" sh -c '! grep -qF -e "$1" "$2"' _ "$GOODPW" "$LOGINS"
check "Worked: no hint (the login worked)" test -z "$(hint_of "$WNAME")"

new_account fresh@example.com "$BADPW"
[ -n "${NEWACC:-}" ] && finish_new_account fresh@example.com
FID=$(account_field fresh@example.com id)
FNAME=$(account_field fresh@example.com account_name)
echo "# Fresh: account $FID, named '$FNAME'"
gui_wait 40 "the Fresh hint in Claws' output" hint_or_close "$FNAME"
H=$(hint_of "$FNAME")
echo "# Fresh, first login: $H"
check "Fresh (wrong password from the start): Dovecot refused it" test "$(dv_refused fresh@example.com)" -gt 0
check "Fresh: the hint leads with the first-login advice" \
	bash -c '[[ "$1" == *"Use the independent password, not the login password"* ]]' _ "$H"
check "Fresh: nothing recorded (it never logged in)" bash -c '! grep -A3 "^\[$1\]" "$2" 2>/dev/null | grep -q "^imap="' _ "$FID" "$LOGINS"
close_alerts 2
claws_stop
cp "$T/claws.out" "$ART/gui-worked-1.log"

# ---- 2. the password is changed on the server ----------------------------------------------
# (Dovecot's passwd-file passdb reads its file again once it changed; written in place, so its
# owner and mode stay)
/usr/bin/python3 - "$MPA_DOVECOT_DIR/users" "$NEWPW" <<'P'
import sys
path, pw = sys.argv[1:]
lines = open(path).read().splitlines()
lines = ['ok@example.com:{PLAIN}%s::::::' % pw if l.startswith('ok@example.com:') else l for l in lines]
with open(path, 'r+') as f:
    f.seek(0); f.write('\n'.join(lines) + '\n'); f.truncate()
P
r0=$(dv_refused ok@example.com)
# Claws logs in to an IMAP account at startup when its folder tree is not in folderlist.xml (it
# builds the tree then); with the tree kept, "Get mail" left the IMAP accounts alone.  So the tree
# of phase 1 is forgotten: each start logs in to both accounts, as the first one did.
cp "$T/folderlist.xml.0" "$CFG/folderlist.xml"
claws_spawn --online
gui_wait 60 "the Worked hint in Claws' output" hint_or_close "$WNAME"
MAIN=$(wait_win ' - Claws Mail ' 30)
check "Claws Mail starts again" test -n "$MAIN"
H=$(hint_of "$WNAME")
echo "# Worked, after the change: $H"
check "Worked: Claws' next login is refused (Dovecot)" test "$(dv_refused ok@example.com)" -gt "$r0"
check "Worked: the hint leads with 'the independent password is no longer valid'" \
	bash -c '[[ "$1" == *"The independent password is no longer valid: it was deleted, replaced, or the login password was changed"* ]]' _ "$H"
gui_wait 40 "the Fresh hint in Claws' output" hint_or_close "$FNAME"
H=$(hint_of "$FNAME")
echo "# Fresh, second start: $H"
check "Fresh (never logged in): still the first-login advice" \
	bash -c '[[ "$1" == *"Use the independent password, not the login password"* ]]' _ "$H"
shot worked-hints
page_problem "$WNAME" "Provider Assistant"
P=$(last_page_problem)
echo "# Worked, page: $P"
check "Worked: the page's last problem leads with the same headline" \
	bash -c '[[ "$1" == *"The independent password is no longer valid"* ]]' _ "$P"
close_alerts 2
claws_stop
cp "$T/claws.out" "$ART/gui-worked-2.log"

# ---- 3. the same in Chinese ----------------------------------------------------------------
if [ -e "${LOCPATH:-/nonexistent}/zh_CN.UTF-8" ] || locale -a 2>/dev/null | grep -qi '^zh_CN.utf-\?8$'; then
	cp "$T/folderlist.xml.0" "$CFG/folderlist.xml"
	LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 claws_spawn --online
	gui_wait 60 "the Worked hint (zh_CN) in Claws' output" hint_or_close "$WNAME"
	MAIN=$(wait_win ' - Claws Mail ' 30)
	H=$(hint_of "$WNAME")
	echo "# Worked, zh_CN: $H"
	check "zh_CN: the hint leads with 独立密码已经失效" \
		bash -c '[[ "$1" == *"独立密码已经失效：它被删除或重新生成了，或者登录密码被修改过"* ]]' _ "$H"
	close_alerts 2
	claws_stop
	cp "$T/claws.out" "$ART/gui-worked-3.log"
else
	ok "zh_CN: the hint in Chinese # SKIP no zh_CN.UTF-8 locale"
fi

# ---- 4. a new password saved, an account removed: the record forgets ----------------------
# The tree of the account dialog: a click on its lower part gives it the focus.
tree_focus() { xdo mousemove --window "$1" 60 "$(( $(xdo getwindowgeometry "$1" | sed -n 's/.*Geometry: [0-9]*x\([0-9]*\).*/\1/p') - 80 ))" click 1; sleep 0.3; }
not_recorded() { ! recorded "$1"; }
# the row of account ID in Edit accounts (the accounts in accountrc's order)
row_of() { grep '^\[Account: ' "$CFG/accountrc" | grep -n "^\[Account: $1\]" | cut -d: -f1; }
edit_accounts() {
	local e
	e=$(xdo search --onlyvisible --name '^Edit accounts$' 2>/dev/null | tail -1)
	if [ -z "$e" ]; then
		focus "$MAIN"; keys ctrl+shift+F12
		e=$(wait_win '^Edit accounts$' 10) || return 1
	fi
	focus "$e"; click_focus "$e"; keys Home
	for _ in $(seq 2 "$(row_of "$1")"); do keys Down; done
	sleep 0.3
	EA=$e
}
printf '(gtk_accel_path "<Actions>/Menu/Configuration/EditAccounts" "<Primary><Shift>F12")\n' >>"$CFG/menurc"
cp "$T/folderlist.xml.0" "$CFG/folderlist.xml"
claws_spawn --online
gui_wait 60 "the Worked hint in Claws' output" hint_or_close "$WNAME"
MAIN=$(wait_win ' - Claws Mail ' 30)
close_alerts 2
check "Worked: still recorded before its password is changed in Claws" recorded "$WID"
# The hint windows of the refused logins, closed (they would take the keys).
for h in $(xdo search --onlyvisible --name '^Provider Assistant: ' 2>/dev/null); do focus "$h"; keys Escape; done
# The account's dialog (Edit accounts, its row, Edit; a late hint may take the keys: again, three
# times at most): Basic page, the password typed anew, OK.
A=
for try in 1 2 3; do
	edit_accounts "$WID" || continue
	# "_Edit" (the first of the two Alt+E buttons) gets the focus, space presses it
	keys alt+e; sleep 0.2; keys space
	A=$(GUI_QUIET=1 wait_win ' - Account preferences$' 10) && break
	echo "# attempt $try did not open the account dialog"
	for h in $(xdo search --onlyvisible --name '^Provider Assistant: ' 2>/dev/null); do focus "$h"; keys Escape; done
	close_alerts 1
done
check "Worked: its account dialog opens from Edit accounts" test -n "$A"
if true; then
	if [ -n "$A" ]; then
		focus "$A"; tree_focus "$A"; keys Home Down; sleep 0.8
		# name, default, full name, address, organisation, (protocol: fixed once saved),
		# auto-configure, receive server, SMTP server, user ID, password
		keys Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab; sleep 0.3
		keys ctrl+a; typ_secret "$NEWPW"; sleep 0.3
		shot worked-new-password
		focus "$A"; keys alt+o
		gone_win ' - Account preferences$' 10
		close_alerts 2
	fi
fi
check "Worked: a different password saved in Claws forgets the account's logins" \
	gui_wait 10 "account $WID gone from $LOGINS" not_recorded "$WID"
# Deleting an account forgets it too (Claws' account-list hook), and only it.
printf '[%s]\nimap=1764800000\n\n[%s]\nimap=1764800000\n' "$WID" "$FID" >>"$LOGINS"
E=$(xdo search --onlyvisible --name '^Edit accounts$' 2>/dev/null | tail -1)
[ -n "$E" ] && { focus "$E"; keys Escape; GUI_QUIET=1 gone_win '^Edit accounts$' 10; }
if edit_accounts "$WID"; then
	# "_Edit" and "D_elete" share Alt+E (which of them a press reaches depends on the focus):
	# the Delete button is clicked instead, the third of the column of buttons beside the list
	xdo mousemove --window "$EA" 445 176 click 1
	D=$(wait_win '^Delete account$' 10) && { focus "$D"; keys alt+d; }
	sleep 0.5
	shot worked-deleted
	focus "$EA"; keys Escape
	GUI_QUIET=1 gone_win '^Edit accounts$' 10
fi
check "Worked deleted: its record is forgotten" gui_wait 10 "account $WID gone from $LOGINS" not_recorded "$WID"
check "Worked deleted: the other account's record is kept" recorded "$FID"
close_alerts 2
claws_stop
cp "$T/claws.out" "$ART/gui-worked-4.log"

leak=0
for f in "$ART"/gui-worked-*.log "$LOGINS"; do
	grep -qF -e "$GOODPW" -e "$BADPW" -e "$NEWPW" "$f" 2>/dev/null && { echo "# a password in $f"; leak=1; }
done
check "no password in Claws' output or the record" test $leak = 0
[ -n "$(claws_pid)" ] && not_ok "Claws Mail ended" || ok "Claws Mail ended"
tap_done
