#!/bin/bash
# bench-gui-stall.sh [BUILDDIR] — does Test connection ever stall Claws Mail's window?
#
# Real Claws Mail 4.1.1 under Xvfb (private network namespace, private config), the plugin
# loaded, one IMAP account of a test provider whose servers are the test Dovecot.  The account's
# Provider Assistant page runs Test connection MPA_BENCH_RUNS times (default 20).  During each
# check the plugin ticks a 5 ms main-loop timer (MPA_STALL_LOG) and records the longest gap
# between two ticks: the longest time Claws' window could not react.  Target: no gap over 20 ms.
# Prints the median and the worst of the per-check maxima; exits 1 when the target is missed.
# It also prints the most CPU time Claws' main thread spent between two ticks: a long gap with
# little CPU in it is the thread waiting to be scheduled (here: beside Dovecot's and the check's
# TLS work on the same cores) or for the X server, not work the plugin does on the main loop.
# And the plugin's own longest main-loop callback (starting a check, a progress step, showing the
# result), wall time: target under 5 ms (MPA_BENCH_CALLBACK_MS); missing it also exits 1.
# MPA_BENCH_RTT_MS=N: the servers are reached through bench/delay-proxy.py, a round trip of N ms
# as to a remote server (the check's CPU work then comes in bursts, as it does for a user).
# Needs root (Dovecot, the network namespace) and the test packages (.ci/packages).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(cd "${1:-$top_srcdir}" && pwd)}
RUNS=${MPA_BENCH_RUNS:-20}
TARGET_MS=20
. "$top_srcdir/tests/gui-lib.sh"
# gui-lib's skip_all speaks TAP; a benchmark says why it cannot run and fails.
skip_all() { echo "bench-gui-stall: cannot run: $1" >&2; exit 2; }

SO=$top_builddir/plugin/.libs/provider_assistant.so
[ -f "$SO" ] || skip_all "plugin not built ($SO): run make first"
for tool in Xvfb xdotool claws-mail dbus-run-session /usr/bin/python3 dovecot unshare ip; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not installed (see .ci/packages)"
done
gui_enter_netns "$0"

. "$top_srcdir/tests/servers/lib.sh"
mpa_servers_init
MPA_DOVECOT_LIFETIME=900 mpa_dovecot_start || skip_all "Dovecot did not start"
T=$MPA_TMP
RTT_MS=${MPA_BENCH_RTT_MS:-0}
. "$top_srcdir/bench/relay.sh"
bench_relay_start "$RTT_MS" || skip_all "the delay relay did not start"
# Screenshots and Claws' output of a failed run.
ART=$top_builddir/bench/artifacts
mkdir -p "$ART"
mpa_on_exit 'claws_stop; [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null'

gui_private_home
gui_write_provider "$PD/example.com.xml" example.com "$IMAPS_PORT" "$SMTPS_PORT"
export MPA_CA_FILE=$CA_FILE MPA_STALL_LOG=$T/stall.log
: >"$MPA_STALL_LOG"

gui_write_config
sed -i 's/^is_default=1$/is_default=0/' "$CFG/accountrc"
gui_imap_account 2 Bench ok@example.com "$(cat "$PASSWORD_FILE")" "$IMAPS_PORT" "$SMTPS_PORT" 1 >>"$CFG/accountrc"
printf '\n[Plugins_Common]\n%s\n\n[Plugins_GTK3]\n' "$SO" >>"$CFG/clawsrc"
echo '(gtk_accel_path "<Actions>/Menu/Configuration/AccountPrefs" "<Primary><Shift>F9")' >>"$CFG/menurc"

# Claws' own login at startup trusts the test server's certificate it finds stored.
mkdir -p "$CFG/certs" && chmod 700 "$CFG/certs"
openssl x509 -in "$(dirname "$CA_FILE")/server.pem" -outform DER -out "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert"
cp "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert" "$CFG/certs/127.0.0.1.$SMTPS_PORT.cert"

gui_start_xvfb
claws_start --online
[ -n "$MAIN" ] || { shot gui-stall-start; cp "$T/claws.out" "$ART/"; skip_all "Claws Mail did not start (see $ART)"; }
sleep 3      # Claws' own first login and folder scan of the account
close_alerts 1
focus "$MAIN"; keys ctrl+shift+F9
W=$(wait_win ' - Account preferences$' 10) || skip_all "the account preferences did not open"
focus "$W"; keys End; sleep 0.8

for i in $(seq "$RUNS"); do
	keys alt+t
	for j in $(seq 100); do
		[ "$(grep -c max_gap_us "$MPA_STALL_LOG")" -ge "$i" ] && break
		sleep 0.1
	done
	sleep 0.3
done
focus "$W"; keys Escape
claws_stop

done_runs=$(grep -c max_gap_us "$MPA_STALL_LOG")
[ "$done_runs" -ge "$RUNS" ] || { echo "bench-gui-stall: only $done_runs of $RUNS checks finished" >&2; exit 2; }
grep -q 'IMAP ok, SMTP ok' "$T/claws.out" || { echo "bench-gui-stall: the checks did not pass" >&2; exit 2; }
sed -n 's/^max_gap_us=\([0-9]*\).*max_busy_us=\([0-9]*\).*max_callback_us=\([0-9]*\) max_callback=\([a-z-]*\).*/\1 \2 \3 \4/p' "$MPA_STALL_LOG" | sort -n |
awk -v target="$TARGET_MS" -v rtt="$RTT_MS" -v cbtarget="${MPA_BENCH_CALLBACK_MS:-5}" '
	{ v[NR] = $1; if ($2 > busy) busy = $2; if ($3 > cb) { cb = $3; cbname = $4 } }
	END {
		med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		worst = v[NR]
		verdict = (worst <= target * 1000) ? "ok" : "MISSED"
		printf "Test connection, %d checks%s: longest main-loop gap per check: median %.1f ms, worst %.1f ms (target %d ms): %s\n",
			NR, rtt ? sprintf(" (round trip %s ms)", rtt) : "", med / 1000, worst / 1000, target, verdict
		printf "most CPU time of the main thread between two ticks: %.1f ms\n", busy / 1000
		cbverdict = (cb <= cbtarget * 1000) ? "ok" : "MISSED"
		printf "the plugin'"'"'s own longest main-loop callback: %.2f ms (%s; target %d ms): %s\n",
			cb / 1000, cbname, cbtarget, cbverdict
		exit verdict != "ok" || cbverdict != "ok"
	}'
