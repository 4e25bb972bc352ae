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
#   4. a provider file nested 140,000 elements deep in the user's provider directory: Claws
#      starts, the plugin loads, Claws' log names the file, a Sohu account is still pre-filled.
# Numbers go to tests/artifacts/stress-numbers.txt of the build tree.  STRESS_TRACE=1 prints the
# timing of each dialog cycle.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/gui-lib.sh"
CYCLES=${STRESS_CYCLES:-50}
RSS_BOUND_KB=${STRESS_RSS_BOUND_KB:-10240}
# Memory is compared from the end of the warm-up (the first cycles fill caches, fonts, icons).
WARM=$(( CYCLES < 5 ? 1 : 5 ))

gui_test_start dovecot gdb setpriv

. "$top_srcdir/tests/servers/lib.sh"
mpa_servers_init
mpa_have_dovecot || skip_all "dovecot not installed"
T=$MPA_TMP
gui_init stress
NUM=$ART/stress-numbers.txt
: >"$NUM"
gui_cleanup() {
	gui_stop
	rm -f "$T/core".*
}
# ($st: the exit status, set by mpa_servers_init's trap)
mpa_on_exit 'gui_keep_artifacts "$st"'
mpa_on_exit gui_cleanup

gui_private_home
gui_start_xvfb || { echo "Bail out! Xvfb did not start"; exit 1; }
t_start=$(date +%s)

# ---- servers: Dovecot with a recognisable password, silent IMAPS and SMTPS fakes ----
SECRET="PA-SECRET-$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')"
BADSECRET="PA-SECRET-BAD-$(head -c 9 /dev/urandom | base64 | tr '+/' 'xy')"
# The server's copy of the password lives with the server (excluded from the file scan below).
mkdir -p "$T/server-secret" && printf '%s' "$SECRET" >"$T/server-secret/pw" && chmod 644 "$T/server-secret/pw"
# The default lifetime (300 s) is shorter than a run with 50 cycles.
MPA_DOVECOT_LIFETIME=1800 mpa_dovecot_start --password-file "$T/server-secret/pw" || { echo "Bail out! dovecot did not start"; exit 1; }
mpa_fake_spawn SILENTI --proto imap --fault silent --lifetime 1800
mpa_fake_spawn SILENTS --proto smtp --fault silent --lifetime 1800
mpa_fake_wait SILENTI && mpa_fake_wait SILENTS || { echo "Bail out! fake servers did not start"; exit 1; }
export MPA_CA_FILE=$CA_FILE
gui_write_provider "$PD/example.com.xml" example.com "$IMAPS_PORT" "$SMTPS_PORT"
gui_write_provider "$PD/slow.test.xml" slow.test "$SILENTI_PORT" "$SILENTS_PORT"
# Servers with names, resolved through a DNS server that never answers (see slow_dns_on).
gui_write_provider "$PD/slowdns.test.xml" slowdns.test "$SILENTI_PORT" "$SILENTS_PORT"
sed -i 's|<hostname>127.0.0.1</hostname>|<hostname>mail.slowdns.test</hostname>|' "$PD/slowdns.test.xml"
# A name server on 127.0.0.1 that reads queries and never answers: getaddrinfo() then blocks for
# the resolver timeout, and no signal or shutdown() ends it early.
DNS_TIMEOUT=12
printf 'nameserver 127.0.0.1\noptions timeout:%s attempts:1\n' "$DNS_TIMEOUT" >"$T/resolv.conf"
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 53))
t = time.time() + float(sys.argv[1])
while time.time() < t:
    s.settimeout(5)
    try: s.recv(4096)
    except OSError: pass
' 1800 >/dev/null 2>&1 &
mpa_on_exit "kill $! 2>/dev/null; umount /etc/resolv.conf 2>/dev/null"
slow_dns_on() { mount --bind "$T/resolv.conf" /etc/resolv.conf; }
slow_dns_off() { umount /etc/resolv.conf; }
gui_write_config
# Claws trusts a server certificate it has stored (not needed by the plugin, which verifies itself).
mkdir -p "$CFG/certs" && chmod 700 "$CFG/certs"

echo "1..34"

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
sleep 0.5; RSS_L1=$(claws_rss_kb); RSS_L0=${RSS_L0:-$RSS_L1}
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
	[ "$i" = "$WARM" ] && { sleep 0.5; RSS_D0=$(claws_rss_kb); }
done
sleep 1; RSS_D1=$(claws_rss_kb); RSS_D0=${RSS_D0:-$RSS_D1}
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


# ---- unload while a worker still runs ----
# A cancelled check returns at once; its worker thread ends when the call it is blocked in
# returns.  getaddrinfo() cannot be interrupted: with the silent name server the worker stays in
# it for DNS_TIMEOUT seconds, long enough to close the dialog and unload through the plugin
# manager.  If the module were unmapped then, the thread would return into unmapped code.
slow_dns_on
t0=$(date +%s.%N)
new_account "ok@slowdns.test" "dns-pw" && { focus "$NEWACC"; keys alt+o; }
q=$(wait_win '^Provider Assistant$' 10) && { focus "$q"; keys Return; gone_win '^Provider Assistant$' 5; }
sleep 0.3
focus "$NEWACC"; keys Escape; gone_win '^Preferences for new account' 10
e=$(wait_win '^Edit accounts$' 5) && { click_focus "$e"; keys Escape; gone_win '^Edit accounts$' 5; }
plugins_open; plugin_unload_ui; shot stress-02-unloaded-during-dns; plugins_close
t1=$(date +%s.%N)
echo "# unloaded $(echo "$t1 - $t0" | bc) s after the check started (resolver timeout $DNS_TIMEOUT s)"
sleep $((DNS_TIMEOUT + 2))
slow_dns_off
check "unloaded while a check's worker was blocked in DNS: Claws survives the worker's return" \
	eval 'test "$(claws_pid)" = "$CPID" && claws_alive'
check "the unload happened while the worker was still blocked" \
	test "$(echo "$t1 - $t0 < $DNS_TIMEOUT" | bc)" = 1

# ---- after a check: the module stays mapped, load/unload reuse it ----
plugins_open
for i in 1 2 3 4 5; do plugin_load_ui; plugin_unload_ui; done
plugin_load_ui
plugins_close
check "5 more load/unload cycles after checks ran (module kept in memory)" \
	eval 'test "$(count "$LOADED")" = $((CYCLES + 7)) && test "$(claws_pid)" = "$CPID" && claws_alive'

# ---- unload while the check of an open dialog runs ----
# The account dialog is modal, so the Unload button cannot be pressed meanwhile; Claws calls
# plugin_done() in that state when it quits with the dialog open.  gdb makes the same call the
# Unload button makes, plugin_unload(), from the dialog's main loop.
gdb_unload() {
	timeout 60 gdb -p "$(claws_pid)" -batch -nx \
		-ex 'call (void) ((void (*)(void *)) plugin_unload)(((void *(*)(const char *)) plugin_get_loaded_by_name)("Provider Assistant"))' \
		>"$T/gdb-unload.out" 2>&1
}
new_account "ok@slow.test" "gdb-pw" && { focus "$NEWACC"; keys alt+o; }
q=$(wait_win '^Provider Assistant$' 10) && { focus "$q"; keys Return; gone_win '^Provider Assistant$' 5; }
sleep 0.5
gdb_unload
sleep 0.5
check "unload during a running check: plugin_done() defers (returns FALSE)" \
	grep -q 'Provider Assistant: a connection check is running; unload deferred' "$T/claws.out"
shot stress-03-unload-deferred
focus "$NEWACC"; keys Escape; gone_win '^Preferences for new account' 10
e=$(wait_win '^Edit accounts$' 5) && { click_focus "$e"; keys Escape; gone_win '^Edit accounts$' 5; }
plugins_open; plugin_load_ui; plugins_close
check "loaded again: Claws re-shows it, plugin_init() finds it still initialised" \
	eval 'grep -q "Provider Assistant: shown again; still initialised" "$T/claws.out" && test "$(claws_pid)" = "$CPID" && claws_alive'

# ================= 2. secrets =================
# A password typed into the dialog only, tested, and the dialog cancelled: Claws never stores it,
# so any copy left in Claws' memory or files would be the plugin's.
secret_test() { # password expected-line
	local i
	new_account "ok@example.com" "$1" || return 1
	focus "$NEWACC"; keys alt+o
	q=$(wait_win '^Provider Assistant$' 10) && { focus "$q"; keys Return; }
	gui_wait_log "$2" 15
	sleep 0.3
	focus "$NEWACC"; keys Escape; gone_win '^Preferences for new account' 10
	e=$(wait_win '^Edit accounts$' 5) && { click_focus "$e"; keys Escape; gone_win '^Edit accounts$' 5; }
	grep -q "$2" "$T/claws.out"
}
check "Test connection with the typed password passes against Dovecot (after the re-show)" \
	secret_test "$SECRET" 'Provider Assistant: connection test: IMAP ok, SMTP ok'
check "Test connection with a wrong password fails (login refused)" \
	secret_test "$BADSECRET" 'Provider Assistant: connection test: IMAP failed, SMTP failed'
sleep 1
# Every form a password takes on the wire: plain, AUTH PLAIN / AUTHENTICATE PLAIN, AUTH LOGIN.
forms() {
	local pw
	for pw in "$SECRET" "$BADSECRET"; do
		printf '%s\n' "$pw"
		printf '\0%s\0%s' ok@example.com "$pw" | base64 -w0; echo
		printf '%s\0%s\0%s' ok@example.com ok@example.com "$pw" | base64 -w0; echo
		printf '%s' "$pw" | base64 -w0; echo
	done
}
forms >"$T/forms"
# Which forms occur in FILE (fixed strings, binary files too).
found_in() { grep -a -o -F -f "$T/forms" "$1" 2>/dev/null | sort | uniq -c | sed 's/^/# /'; }
rm -f "$T/core".*
timeout 120 gcore -o "$T/core" "$CPID" >"$T/gcore.out" 2>&1
CORE=$T/core.$CPID
core_mb=$(( $(stat -c %s "$CORE" 2>/dev/null || echo 0) / 1048576 ))
echo "core dump of Claws after both tests: $core_mb MB" | tee -a "$NUM" | sed 's/^/# /'
hits=$(found_in "$CORE")
[ -n "$hits" ] && echo "# password forms in the core dump:" && echo "$hits"
check "core dump taken, and text typed into the dialogs is findable in it (the search works)" \
	eval 'test "$core_mb" -gt 10 && grep -a -q -F "ok@slowdns.test" "$CORE"'
check "no password (plain, AUTH PLAIN, AUTH LOGIN) in Claws' memory after the tests" test -z "$hits"
rm -f "$CORE"

# ---- Claws quits (SIGTERM) while the check of an open dialog runs ----
new_account "ok@slow.test" "term-pw" && { focus "$NEWACC"; keys alt+o; }
q=$(wait_win '^Provider Assistant$' 10) && { focus "$q"; keys Return; gone_win '^Provider Assistant$' 5; }
sleep 0.5
kill -TERM "$CPID"
gui_wait 20 "Claws Mail to quit on SIGTERM" _claws_gone
still=$(claws_pid)
[ -n "$still" ] && { close_alerts 2; gui_wait 5 "Claws Mail to quit once its alerts are closed" _claws_gone; still=$(claws_pid); }
# Still there.  Claws 4.1.1's own SIGTERM handler (quit_signal_handler in main.c) calls g_timeout_add():
# when the signal lands on the main thread while that thread holds the main context's lock
# (g_main_context_prepare/check), the handler waits for that lock forever.  Seen once in about 50
# runs; it does not depend on the plugin.  That deadlock is told apart by the main thread's stack
# (g_source_attach above "<signal handler called>") and reported as a skip that names it; any other
# way of not quitting is a failure.  SIGKILL then, so that the wait below has an end.
claws_deadlock=
if [ -n "$still" ] && command -v gdb >/dev/null; then
	bt=$(timeout 60 gdb -p "$still" -batch -nx -ex 'thread 1' -ex 'bt 12' 2>/dev/null)
	echo "$bt" | grep -q '<signal handler called>' && echo "$bt" | grep -q 'g_source_attach' &&
		echo "$bt" | grep -q 'g_main_context_\(prepare\|check\|query\|dispatch\)\|g_source_ref' &&
		claws_deadlock=1
	echo "$bt" | sed -n '1,14s/^/#   main thread: /p'
fi
[ -n "$still" ] && kill -9 "$still" 2>/dev/null
wait "$DBUS_PID" 2>/dev/null; st=$?; DBUS_PID=
echo "# after SIGTERM: exit status $st"
if [ -n "$claws_deadlock" ]; then
	skip "SIGTERM during a check in an open dialog: Claws quits normally" \
		"Claws 4.1.1 deadlocked in its own SIGTERM handler (g_timeout_add() in a signal handler, main thread inside GLib)"
else
	check "SIGTERM during a check in an open dialog: Claws quits normally (status $st)" \
		eval 'test -z "$still" && test "$st" = 0 && grep -q "Quitting on signal 15" "$T/claws.out"'
fi
cp "$T/claws.out" "$ART/stress-claws-1.log"

# Files: nothing under the config dir, HOME/XDG, TMPDIR, runtime dir or the test dir holds any
# form of the passwords (the server's own password file and Dovecot's dir excluded).
leaks=$(grep -r -l -a -F -f "$T/forms" "$T" --exclude-dir=server-secret --exclude-dir=dovecot \
	--exclude=forms 2>/dev/null)
[ -n "$leaks" ] && echo "$leaks" | sed 's/^/# password form found in /'
check "no password form in any file of the test (config dir, HOME, XDG, TMPDIR, Claws' output)" test -z "$leaks"
check "Claws' password store holds no plaintext password" \
	eval '! grep -a -q -F -f "$T/forms" "$CFG/passwordstorerc" 2>/dev/null'
check "Claws' debug output was searched (it holds the test lines)" grep -q 'connection test: IMAP ok' "$ART/stress-claws-1.log"

# ================= 3. broken provider data =================
# Claws runs without the capabilities that let root read anything, so a mode-000 directory is
# unreadable to it like to any user.
PD3=$T/providers3
mkdir -p "$PD3" "$T/unreadable-dir" "$PD3/directory.xml"
cp "$PD/example.com.xml" "$PD3/"
gui_write_provider "$T/unreadable-dir/hidden.test.xml" hidden.test 1 2
chmod 000 "$T/unreadable-dir"
printf 'not a directory\n' >"$T/not-a-dir"
printf '<?xml version="1.0"?>\n<clientConfig version="1.1">\n  <emailProvider id="broken">\n    <domain>broken.test</domain>\n  </emailProvide>\n</clientConfig>\n' >"$PD3/broken.xml"
export MPA_PROVIDERS_PATH="$T/no-such-data-dir:$T/not-a-dir:$T/unreadable-dir:$PD3"
claws_start_nodac() {
	: >"$T/claws.out"
	setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search -- \
		dbus-run-session -- claws-mail --alternate-config-dir "$CFG" --debug >"$T/claws.out" 2>&1 &
	DBUS_PID=$!
	MAIN=$(wait_win ' - Claws Mail ' 30)
}
claws_start_nodac
close_alerts 2
check "broken provider data: Claws starts, the plugin loads" grep -q "$LOADED" "$T/claws.out"
check "log names the broken file, its line and the XML error" \
	grep -q "Provider Assistant: $PD3/broken.xml:5" "$T/claws.out"
check "log names the not-a-directory provider dir" grep -q "Provider Assistant: $T/not-a-dir.*cannot read the directory" "$T/claws.out"
check "log names the unreadable provider dir" grep -q "Provider Assistant: $T/unreadable-dir.*cannot read the directory" "$T/claws.out"
check "log names the directory named like a provider file" grep -q "Provider Assistant: $PD3/directory.xml" "$T/claws.out"
check "a missing data dir is not an error" eval '! grep -q "no-such-data-dir" "$T/claws.out"'
grep 'Provider Assistant: /' "$T/claws.out" | sed 's/^/# log: /'
check "the good provider still works: pre-filled servers pass Test connection" \
	secret_test "$SECRET" 'Provider Assistant: connection test: IMAP ok, SMTP ok'
claws_stop
chmod 755 "$T/unreadable-dir"
check "Claws' log file (claws.log) names the broken file too" grep -q "Provider Assistant: $PD3/broken.xml:5" "$CFG/claws.log"
cp "$T/claws.out" "$ART/stress-claws-3.log"

# ================= 4. a provider file nested 140,000 deep =================
# It crashed every command of the CLI (a recursive free of the element tree ran out of stack;
# issue #15), and Claws loads the same files through the same core at every start.  The user's
# provider directory as in real life (no MPA_PROVIDERS_PATH): the deep file beside Sohu's.
unset MPA_PROVIDERS_PATH
cp "$top_srcdir/providers/sohu.com.xml" "$PD/"
{
	printf '<clientConfig version="1.1">\n<emailProvider id="deep.example">\n'
	awk 'BEGIN { for (i = 0; i < 140000; i++) printf "<a>"; for (i = 0; i < 140000; i++) printf "</a>" }'
	printf '\n</emailProvider>\n</clientConfig>\n'
} >"$PD/deep.xml"
claws_start
close_alerts 2
check "a provider file nested 140,000 deep in the user's directory: Claws starts, the plugin loads" \
	eval 'test -n "$MAIN" && grep -q "$LOADED" "$T/claws.out"'
check "Claws' log names the deep file, its line and why" \
	grep -q "Provider Assistant: $PD/deep.xml:3: elements are nested more than 64 deep" "$T/claws.out"
new_account "zhangsan@sohu.com" "deep-pw" && { focus "$NEWACC"; keys alt+o; }
q=$(wait_win '^Provider Assistant$' 10)
check "... a new Sohu account is recognised: OK offers the test" test -n "$q"
[ -n "$q" ] && { focus "$q"; keys Escape; }
GUI_QUIET=1 gone_win '^Preferences for new account' 10 || { focus "$NEWACC"; keys alt+o; gone_win '^Preferences for new account' 10; }
close_alerts 3
e=$(wait_win '^Edit accounts$' 5) && { click_focus "$e"; keys Escape; gone_win '^Edit accounts$' 5; }
sohu_saved() { grep -q '^address=zhangsan@sohu.com$' "$CFG/accountrc" 2>/dev/null; }
gui_wait 20 "the Sohu account in $CFG/accountrc" sohu_saved
check "... and pre-filled: imap.sohu.com and smtp.sohu.com saved with it" \
	eval "grep -q '^receive_server=imap.sohu.com\$' '$CFG/accountrc' && grep -q '^smtp_server=smtp.sohu.com\$' '$CFG/accountrc'"
claws_stop
cp "$T/claws.out" "$ART/stress-claws-4.log"
echo "total seconds=$(( $(date +%s) - t_start ))" | tee -a "$NUM" | sed 's/^/# /'

exit $((failures > 0))
