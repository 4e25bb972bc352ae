#!/bin/bash
# test-gui-lookup.sh — in real Claws Mail 4.1.1, a new account on a company domain that no provider
# file names gets its settings from the lookup (TAP):
#   li@company.test   MX mxbiz1.qq.com (Tencent Exmail)  -> Exmail's servers, password note, and
#                     "found from the domain's MX record" in the note
#   wu@srvout.test    SRV servers outside the domain      -> a suggestion; filled only after
#                     "Use these servers"
#   a@slowco.test     its autoconfig server never answers -> typing on cancels the lookup at once
# Real Claws under Xvfb in private network and mount namespaces, with dnsmasq and an HTTPS server
# on 127.0.0.x and the namespace's own /etc/resolv.conf (tests/lookup-env.sh).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/gui-lib.sh"
[ -x /usr/sbin/dnsmasq ] || skip_all "dnsmasq not installed (.ci/packages)"
gui_test_start openssl

. "$top_srcdir/tests/lookup-env.sh"
lookup_env_init
T=$LT
gui_init lookup
trap 'gui_keep_artifacts $?; gui_stop; lookup_cleanup' EXIT
gui_private_home

# The world: Exmail's provider file in the user's provider directory; DNS and one HTTPS server.
cp "$top_srcdir/providers/exmail.qq.com.xml" "$PD/"
printf '{"autoconfig.slowco.test /mail/config-v1.1.xml": {"silent": true}}\n' > "$T/routes.json"
lookup_leaf web "DNS:autoconfig.slowco.test"
export MPA_CA_FILE=$T/certs/ca.pem      # the plugin trusts the test CA (mpa_pa_ca_file)
lookup_dns_start \
	--mx-host=company.test,mxbiz2.qq.com,20 --mx-host=company.test,mxbiz1.qq.com,10 \
	--srv-host=_imaps._tcp.srvout.test,imap.hoster.test,993,0,0 \
	--srv-host=_submissions._tcp.srvout.test,smtp.hoster.test,465,0,0 \
	--address=/autoconfig.slowco.test/127.0.0.3
lookup_https_start 127.0.0.3 web "$T/routes.json"

gui_write_config
printf '\n[Plugins_Common]\n%s\n\n[Plugins_GTK3]\n' "$SO" >>"$CFG/clawsrc"

# wait_log REGEX SECONDS: until Claws' --debug output has a line matching REGEX
wait_log() {
	local i
	for i in $(seq $(($2 * 10))); do grep -q "$1" "$T/claws.out" && return 0; sleep 0.1; done
	echo "# no line matching '$1' within $2 s"; return 1
}
# OK on the new account, then whatever comes, until Claws has written the account: the plugin's
# offer to test first (declined), Claws' "Offline warning" for the new IMAP account (No), and
# "Edit accounts" (closed: Claws writes accountrc then).  Every wait has a deadline.
close_new_account() { # address
	local i w
	focus "$NEWACC"; keys alt+o
	for i in $(seq 60); do
		grep -q "^address=$1\$" "$CFG/accountrc" 2>/dev/null &&
			! xdo search --onlyvisible --name '^Edit accounts$' >/dev/null 2>&1 && return 0
		for name in '^Provider Assistant$' 'Offline warning' '^Error$' '^Warning$' '^Notice$'; do
			w=$(xdo search --onlyvisible --name "$name" 2>/dev/null | tail -1)
			[ -n "$w" ] && { focus "$w"; keys Escape; sleep 0.3; }
		done
		if ! xdo search --onlyvisible --name '^Preferences for new account' >/dev/null 2>&1; then
			w=$(xdo search --onlyvisible --name '^Edit accounts$' 2>/dev/null | tail -1)
			[ -n "$w" ] && { focus "$w"; keys Escape; }
		fi
		sleep 0.5
	done
	shot "not-saved-$1"
	echo "# the account $1 was not saved within 30 s; windows: $(xdo search --onlyvisible --name . getwindowname %@ 2>/dev/null | tr '\n' '|')"
	return 1
}

gui_start_xvfb || { echo "Bail out! Xvfb did not start"; exit 1; }
# --offline: the accounts created here are saved, and Claws must not try to log in to them.
claws_start --offline
check "Claws Mail main window appears" test -n "$MAIN"
check "the plugin is loaded" grep -q "Plugin Provider Assistant (from file $SO) loaded" "$T/claws.out"

# ---- 1. MX: a company domain hosted by Tencent Exmail ----
new_account "li@company.test" "not-the-point"
check "company.test: looked up once, after the typing stopped (debounced)" \
	bash -c 'wait_log() { for i in $(seq 100); do grep -q "$1" "$2" && return 0; sleep 0.1; done; return 1; }
		wait_log "lookup company.test: started" "$1" &&
		test "$(grep -c "Provider Assistant: lookup [^:]*: started" "$1")" = 1' _ "$T/claws.out"
wait_log 'lookup company.test: mx exmail.qq.com' 10
check "company.test: the lookup found Exmail by the MX record" grep -q 'lookup company.test: mx exmail.qq.com' "$T/claws.out"
wait_log 'password hint: exmail.qq.com' 5
check "company.test: Exmail's password note is shown" grep -q 'Provider Assistant: password hint: exmail.qq.com' "$T/claws.out"
check "company.test: the note says the settings came from the MX record" grep -q 'Provider Assistant: settings from mx' "$T/claws.out"
sleep 0.5; shot lookup-mx-exmail
if [ -n "${NEWACC:-}" ]; then close_new_account li@company.test; fi
ACC=$(accountrc_of li@company.test)
echo "# company.test account: $ACC"
check "accountrc: IMAP, imap.exmail.qq.com, smtp.exmail.qq.com, the whole address as user ID" \
	has_all protocol=1 receive_server=imap.exmail.qq.com smtp_server=smtp.exmail.qq.com user_id=li@company.test
check "accountrc: SSL tunnel for IMAP and SMTP, SMTP AUTH on" has_all ssl_imap=1 ssl_smtp=1 use_smtp_auth=1

# ---- 2. SRV outside the domain: only after the user's confirmation ----
new_account "wu@srvout.test" "not-the-point"
wait_log 'lookup hint: suggestion' 10
check "srvout.test: the SRV servers outside the domain are a suggestion" grep -q 'Provider Assistant: lookup hint: suggestion' "$T/claws.out"
check "srvout.test: nothing filled before the confirmation" sh -c '! grep -q "Provider Assistant: settings from srv" "$1"' _ "$T/claws.out"
sleep 0.5; shot lookup-srv-suggestion
if [ -n "${NEWACC:-}" ]; then
	focus "$NEWACC"; keys alt+u
	wait_log 'settings from srv' 5
fi
check "srvout.test: 'Use these servers' fills them in" grep -q 'Provider Assistant: settings from srv' "$T/claws.out"
if [ -n "${NEWACC:-}" ]; then close_new_account wu@srvout.test; fi
ACC=$(accountrc_of wu@srvout.test)
echo "# srvout.test account: $ACC"
check "accountrc: the confirmed SRV servers" has_all receive_server=imap.hoster.test smtp_server=smtp.hoster.test

# ---- 3. typing on cancels a lookup in flight; the dialog does not wait for it ----
focus "$MAIN"; keys ctrl+shift+F11
NEWACC=$(wait_win '^Preferences for new account' 15)
if [ -n "$NEWACC" ]; then
	focus "$NEWACC"; keys Tab Tab Tab Tab; typ "a@slowco.test"
	wait_log 'lookup slowco.test: started' 5
	t0=$(date +%s%N)
	typ "x"
	wait_log 'lookup slowco.test: cancelled' 3
	t1=$(date +%s%N)
	echo "# cancelled after $(( (t1 - t0) / 1000000 )) ms"
fi
check "slowco.test: typing on cancelled the lookup in flight at once (not at its 5 s deadline)" \
	sh -c 'grep -q "lookup slowco.test: cancelled" "$1" && test $(( ($3 - $2) / 1000000 )) -lt 2000' _ "$T/claws.out" "${t0:-0}" "${t1:-99999999999999}"
# the new address (a@slowco.testx) is looked up in its turn and found nothing: nothing filled
wait_log 'lookup slowco.testx: none' 10
check "slowco.testx: nothing found, the dialog left alone" grep -q 'lookup slowco.testx: none' "$T/claws.out"
if [ -n "${NEWACC:-}" ]; then
	focus "$NEWACC"; keys Escape; gone_win '^Preferences for new account' 5
	close_alerts 2
	E=$(wait_win '^Edit accounts$' 5) && { focus "$E"; keys Escape; gone_win '^Edit accounts$' 5; }
fi
check "Claws Mail still answers" claws_alive

claws_stop
[ -n "$(claws_pid)" ] && not_ok "Claws Mail ended" || ok "Claws Mail ended"
[ "$failures" -gt 0 ] && cp "$T/claws.out" "$ART/lookup-claws.out"
tap_done
