#!/bin/bash
# test-gui-stress.sh — hardening of provider_assistant.so inside a real Claws Mail 4.1.1 (TAP).
#
# Runs in a private network namespace (only 127.0.0.1), Xvfb, private HOME/XDG/TMPDIR and Claws
# config dir, keyboard only (xdotool).  STRESS_CYCLES (default 50) sets the number of cycles.
#   1. load/unload through the plugin manager's Load…/Unload buttons, STRESS_CYCLES times;
#      open the account dialog, start Test connection against a silent server, Cancel the dialog
#      while the check runs, STRESS_CYCLES times; Claws' VmRSS after a warm-up and at the end.
#      Unload while a check runs (gdb calls plugin_unload(), what the Unload button calls, while
#      the modal dialog blocks the button), load it back, and SIGTERM Claws during a check.
#   2. a recognisable password, typed into the dialog only, tested against Dovecot (login ok)
#      and a failing login, dialog cancelled: the password and its AUTH PLAIN/LOGIN base64 forms
#      are in no log, no file and not in a core dump of Claws.
#   3. a broken provider file, an unreadable and a not-a-directory provider dir, a missing data
#      dir: the plugin loads, Claws' log names each problem, the good providers pre-fill.
# Numbers go to tests/artifacts/stress-numbers.txt of the build tree.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/gui-lib.sh"
SO=$top_builddir/plugin/.libs/provider_assistant.so
ART=$top_builddir/tests/artifacts
CYCLES=${STRESS_CYCLES:-50}
RSS_BOUND_KB=${STRESS_RSS_BOUND_KB:-10240}
# Memory is compared from the end of the warm-up (the first cycles fill caches, fonts, icons).
WARM=$(( CYCLES < 5 ? 1 : 5 ))

for tool in Xvfb xdotool claws-mail dbus-run-session import /usr/bin/python3 dovecot unshare ip gdb setpriv; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not installed"
done
[ -f "$SO" ] || skip_all "plugin not built ($SO)"
gui_enter_netns "$0"

. "$top_srcdir/tests/servers/lib.sh"
mpa_servers_init
mpa_have_dovecot || skip_all "dovecot not installed"
T=$MPA_TMP
mkdir -p "$ART"
NUM=$ART/stress-numbers.txt
: >"$NUM"
gui_cleanup() {
	claws_stop
	[ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
	rm -f "$T/core".*
}
mpa_on_exit gui_cleanup

export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_DATA_HOME=$T/home/.local/share
export XDG_CACHE_HOME=$T/home/.cache XDG_RUNTIME_DIR=$T/run TMPDIR=$T/tmp
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= NO_AT_BRIDGE=1 GTK_THEME=Adwaita
unset MPA_PROVIDERS_PATH    # the plugin reads the user's provider dir, as in real life
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR" "$TMPDIR" && chmod 700 "$XDG_RUNTIME_DIR"
CFG=$T/cfg
PD=$XDG_CONFIG_HOME/claws-mail-provider-assistant/providers
mkdir -p "$PD"
gui_start_xvfb
t_start=$(date +%s)

# ---- servers: Dovecot with a recognisable password, silent IMAPS and SMTPS fakes ----
SECRET="PA-SECRET-$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')"
BADSECRET="PA-SECRET-BAD-$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')"
printf '%s' "$SECRET" >"$T/secret" && chmod 644 "$T/secret"
mpa_dovecot_start --password-file "$T/secret" || { echo "Bail out! dovecot did not start"; exit 1; }
mpa_fake_spawn SILENTI --proto imap --fault silent --lifetime 900
mpa_fake_spawn SILENTS --proto smtp --fault silent --lifetime 900
mpa_fake_wait SILENTI && mpa_fake_wait SILENTS || { echo "Bail out! fake servers did not start"; exit 1; }
export MPA_CA_FILE=$CA_FILE
gui_write_provider "$PD/example.com.xml" example.com "$IMAPS_PORT" "$SMTPS_PORT"
gui_write_provider "$PD/slow.test.xml" slow.test "$SILENTI_PORT" "$SILENTS_PORT"
gui_write_config
# Claws trusts a server certificate it has stored (not needed by the plugin, which verifies itself).
mkdir -p "$CFG/certs" && chmod 700 "$CFG/certs"

echo "1..25"

# The plugin manager is modal and opens with the plugin list focused, the first row selected.
PLUGWIN=
plugins_open() { focus "$MAIN"; keys ctrl+shift+F10; PLUGWIN=$(wait_win '^Plugins$' 10); }
plugins_close() { [ -n "$PLUGWIN" ] && { focus "$PLUGWIN"; keys alt+c; gone_win '^Plugins$' 10; }; PLUGWIN=; }
plugin_load_ui() {
	local fc
	focus "$PLUGWIN"; keys alt+l
	fc=$(wait_win 'Select the Plugins to load' 10) || return 1
	focus "$fc"; keys ctrl+l; typ "$SO"; keys Return
	gone_win 'Select the Plugins to load' 10
}
plugin_unload_ui() { focus "$PLUGWIN"; keys Home alt+u; sleep 0.2; }
count() { grep -c -- "$1" "$T/claws.out"; }
LOADED="Plugin Provider Assistant (from file $SO) loaded"

# The account dialog of a new slow.test account, Test connection started from the offer on OK
# (keyboard only), then Cancel while the check is connected to the silent servers.
ts() { [ -n "${STRESS_TRACE:-}" ] && echo "# $(date +%s.%N | cut -c7-14) $*"; return 0; }
dialog_cycle() {
	local q e
	ts start
	new_account "ok@slow.test" "$1" || return 1
	ts typed
	focus "$NEWACC"; keys alt+o
	q=$(wait_win '^Provider Assistant$' 10) || return 1
	ts question
	focus "$q"; keys Return
	gone_win '^Provider Assistant$' 5
	ts started
	sleep 0.4
	focus "$NEWACC"; keys Escape
	gone_win '^Preferences for new account' 10 || return 1
	ts closed
	# Create new account also opens "Edit accounts".
	e=$(wait_win '^Edit accounts$' 5) && { click_focus "$e"; keys Escape; gone_win '^Edit accounts$' 5; }
	ts edit-closed
	return 0
}

# ================= 1. load/unload and dialog cycles, memory =================
claws_start
check "Claws Mail main window appears" test -n "$MAIN"
CPID=$(claws_pid)
plugins_open
for i in $(seq "$CYCLES"); do
	plugin_load_ui || { echo "# load $i failed"; break; }
	plugin_unload_ui
	[ "$i" = "$WARM" ] && { sleep 0.5; RSS_L0=$(claws_rss_kb); }
done
sleep 0.5; RSS_L1=$(claws_rss_kb)
shot stress-01-plugin-manager
plugin_load_ui
plugins_close
t_load=$(date +%s)
check "plugin loaded $((CYCLES + 1)) times through the plugin manager" test "$(count "$LOADED")" = $((CYCLES + 1))
check "Claws is the same process and answers after $CYCLES load/unload cycles" \
	eval 'test "$(claws_pid)" = "$CPID" && claws_alive'
echo "load/unload cycles=$CYCLES rss_after_3_kb=$RSS_L0 rss_end_kb=$RSS_L1 growth_kb=$((RSS_L1 - RSS_L0)) seconds=$((t_load - t_start))" | tee -a "$NUM" | sed 's/^/# /'
check "RSS growth over load/unload cycles below $RSS_BOUND_KB kB ($((RSS_L1 - RSS_L0)) kB)" test $((RSS_L1 - RSS_L0)) -lt "$RSS_BOUND_KB"

done_cycles=0
for i in $(seq "$CYCLES"); do
	dialog_cycle "dialog-pw-$i" || { echo "# dialog cycle $i failed"; shot "stress-dialog-fail-$i"; close_alerts 2; break; }
	done_cycles=$i
	[ -n "${STRESS_PAUSE:-}" ] && { echo "# PAUSE DISPLAY=$DISPLAY CFG=$CFG"; sleep "$STRESS_PAUSE"; }
	[ "$i" = "$WARM" ] && { sleep 0.5; RSS_D0=$(claws_rss_kb); }
done
sleep 1; RSS_D1=$(claws_rss_kb)
t_dialog=$(date +%s)
conn_i=$(grep -c ' CONNECT ' "$SILENTI_LOG"); conn_s=$(grep -c ' CONNECT ' "$SILENTS_LOG")
echo "dialog cycles=$done_cycles rss_after_3_kb=$RSS_D0 rss_end_kb=$RSS_D1 growth_kb=$((RSS_D1 - RSS_D0)) imap_connects=$conn_i smtp_connects=$conn_s seconds=$((t_dialog - t_load))" | tee -a "$NUM" | sed 's/^/# /'
check "$CYCLES account dialogs closed during a running check" test "$done_cycles" = "$CYCLES"
check "every check was connected to the silent servers when its dialog closed" \
	test "$conn_i" -ge "$CYCLES" -a "$conn_s" -ge "$CYCLES"
check "no test finished: each was still running at Cancel" test "$(count 'Provider Assistant: connection test')" = 0
check "Claws is the same process and answers after the dialog cycles" \
	eval 'test "$(claws_pid)" = "$CPID" && claws_alive'
check "RSS growth over dialog cycles below $RSS_BOUND_KB kB ($((RSS_D1 - RSS_D0)) kB)" test $((RSS_D1 - RSS_D0)) -lt "$RSS_BOUND_KB"

exit $((fails > 0))
