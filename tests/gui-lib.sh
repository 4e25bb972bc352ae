# gui-lib.sh — shell helpers for tests that drive a real Claws Mail 4.1.1 under Xvfb (bash).
#
# TAP (ok, not_ok, check, skip, skip_all) comes from tests/tap.sh.  Here: the start of a test
# (gui_test_start: the skips, then the private network namespace re-exec, gui_enter_netns),
# wait_win, gone_win, focus, keys, typ, typ_secret, shot, dshot, gui_start_xvfb, claws_spawn,
# claws_start, claws_pid, claws_rss_kb, claws_alive, close_alerts, claws_stop, gui_load_plugin,
# accountrc_of and the configuration files of gui_write_config.
#
# Before sourcing: top_srcdir (top_builddir defaults to it).  Sets SO (the plugin under test, in
# the build tree) and ART (where screenshots and a failed test's files go); a test may set its own
# after sourcing.  Uses $T (test dir), $CFG (Claws config dir).
# gui_private_home sets up HOME, XDG_*, TMPDIR, CFG and PD below $T.
#
# Every wait has a deadline (gui_wait) and, when it runs out, says in the TAP output what it was
# waiting for and what it saw: the visible windows, whether Claws runs, the end of its output.
# A failed test point gets a screenshot, and at exit a failed test keeps Claws' output, the Xvfb
# log and a last screenshot in $ART as GUI_NAME-failed-* (gui_init NAME; gui_keep_artifacts),
# each named in the TAP output.

. "$top_srcdir/tests/tap.sh"
top_builddir=${top_builddir:-$top_srcdir}
SO=$top_builddir/plugin/.libs/provider_assistant.so
ART=$top_builddir/tests/artifacts

# An ASan-built plugin cannot be loaded into the distribution's Claws Mail (the sanitizer runtime
# must come first in the process): every point would fail for that reason alone.
[ -z "${MPA_TEST_SANITIZED:-}" ] ||
	skip_all "built with --enable-sanitizers: an ASan-built plugin cannot be loaded into a normal Claws Mail"

# xdotool with a deadline of its own: a frozen X server (seen once: Xvfb stopped serving every
# client but Claws while Claws started) made one xdotool call block, and with it the wait that
# called it, until the CI step's time limit.  Exit status 124 when it ran out.
# Once a call ran out, the server is taken for frozen ($T/x-frozen, a file: most calls run inside
# $(...)) and the next calls get 3 s, so that a test with a frozen server ends in minutes; the
# first call that answers clears it.
xdo() {
	local st f=${T:-/nonexistent}/x-frozen
	if [ -e "$f" ]; then timeout 3 xdotool "$@"; else timeout "${XDO_TIMEOUT:-10}" xdotool "$@"; fi
	st=$?
	if [ "$st" = 124 ]; then
		[ -n "${T:-}" ] && : >"$f"
	elif [ -e "$f" ]; then
		rm -f "$f"
	fi
	return "$st"
}
_gui_x_answers() { xdo getmouselocation >/dev/null 2>&1; }

# TAP comments, also from inside $(...) (wait_win's caller captures stdout): fd 3 is the test's
# own standard output.
exec 3>&1
gui_diag() { printf '# %s\n' "$@" >&3; }
gui_now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }

# What the test sees now, for a wait that ran out.
gui_saw() {
	local w names=
	local st list
	list=$(xdo search --onlyvisible --name . 2>/dev/null)
	st=$?
	for w in $(printf '%s\n' "$list" | head -20); do
		names="$names [$(xdo getwindowname "$w" 2>/dev/null)]"
	done
	if [ "$st" = 124 ]; then
		gui_diag "  the X server does not answer (xdotool timed out)"
	else
		gui_diag "  visible windows:${names:- none}"
	fi
	if [ -n "${CFG:-}" ]; then
		if [ -n "$(claws_pid)" ]; then gui_diag "  Claws Mail is running"; else gui_diag "  Claws Mail is not running"; fi
	fi
	if [ -s "${T:-/nonexistent}/claws.out" ]; then
		gui_diag "  the end of Claws Mail's output ($T/claws.out):"
		tail -n 8 "$T/claws.out" | cut -c1-200 | sed 's/^/#     /' >&3
	fi
	gui_backtraces
	return 0
}

# gui_backtraces: where Claws Mail (and Xvfb) are at the moment, for a wait that ran out.
# A hang seen now and then (Claws' output ends at startup, the X server answers nobody) cannot
# be reproduced at will, so each failure has to name its culprit itself: gdb writes the
# backtraces of every thread to $ART/GUI_NAME-failed-bt-N/{claws,xvfb}.txt and the main thread's
# top frames go to the TAP output.  The first three waits that run out in a test get them (gdb
# takes seconds, and the later ones mostly follow from the first); counted by the directories,
# as most waits run inside $(...).  Waits that may rightly run out say GUI_QUIET=1 and get none.
_gui_bt() { # PID FILE LABEL
	local main
	timeout 60 gdb -batch -nx -p "$1" -ex 'set pagination off' -ex 'info threads' \
		-ex 'thread apply all bt 40' >"$2" 2>&1 </dev/null
	gui_diag "  backtraces of every thread of $3 (pid $1): $2"
	# gdb lists the threads from the newest down: thread 1 (the main thread) comes last.
	main=$(awk '/^Thread 1 /{p=1} p&&/^$/{exit} p' "$2" | sed -n '2,13p' | grep -v '^\[Inferior' | cut -c1-200)
	if [ -n "$main" ]; then
		gui_diag "  $3, main thread, top frames:"
		printf '%s\n' "$main" | sed 's/^/#     /' >&3
	else
		gui_diag "  no backtrace of $3's main thread; gdb said:"
		tail -n 5 "$2" | cut -c1-200 | sed 's/^/#     /' >&3
	fi
}
gui_backtraces() {
	local p n d
	# GUI_NO_BT=1: a wait with a fallback whose running out is common and says nothing of a hang
	# (File › Exit while a dialog is open: SIGTERM next) keeps the three for the waits that matter.
	[ -n "${ART:-}" ] && [ -z "${GUI_NO_BT:-}" ] || return 0
	n=$(ls -d "$ART/$GUI_NAME"-failed-bt-[0-9]* 2>/dev/null | wc -l)
	[ "$n" -lt 3 ] || return 0
	if ! command -v gdb >/dev/null; then
		gui_diag "  (gdb is not installed: no backtraces)"
		return 0
	fi
	d=$ART/$GUI_NAME-failed-bt-$((n + 1))
	mkdir -p "$d"
	# claws-mail itself, not dbus-run-session (whose command line also names it)
	p=$( [ -n "${CFG:-}" ] && pgrep -f "^claws-mail --alternate-config-dir $CFG" | head -1)
	[ -n "$p" ] && _gui_bt "$p" "$d/claws.txt" "Claws Mail"
	if [ -n "${XVFB_PID:-}" ] && kill -0 "$XVFB_PID" 2>/dev/null; then
		_gui_bt "$XVFB_PID" "$d/xvfb.txt" Xvfb
	fi
	return 0
}

# gui_wait SECONDS WHAT COMMAND...: run COMMAND every 0.1 s until it succeeds; false after
# SECONDS (wall clock), saying so: "wait ran out after N s: WHAT", then what the test saw.
# At least SECONDS×5 tries are made, so a machine too loaded to try quickly does not cut the
# wait short (the waits of the tests were counted in tries before).
# GUI_QUIET=1 (for a window that may rightly never come) keeps the reason to itself.
gui_wait() {
	local secs=$1 what=$2 end tries=0
	shift 2
	end=$(( $(gui_now_ms) + secs * 1000 ))
	until "$@"; do
		tries=$((tries + 1))
		# (with a frozen X server every try takes seconds: the wall clock alone)
		if { [ "$tries" -ge $((secs * 5)) ] || [ -e "${T:-/nonexistent}/x-frozen" ]; } &&
			[ "$(gui_now_ms)" -ge "$end" ]; then
			[ -n "${GUI_QUIET:-}" ] && return 1
			gui_diag "wait ran out after $secs s: $what"
			gui_saw
			return 1
		fi
		sleep 0.1
	done
}

# A failed point gets a screenshot (the first three of a test), named in the output.
GUI_NAME=gui GUI_SHOTS=0
eval "_tap_not_ok() $(declare -f not_ok | sed 1d)"
not_ok() {
	_tap_not_ok "$@"
	if [ "$GUI_SHOTS" -lt 3 ] && [ -n "${DISPLAY:-}" ] && [ -n "${ART:-}" ]; then
		GUI_SHOTS=$((GUI_SHOTS + 1))
		shot "$GUI_NAME-failed-$n" && gui_diag "screenshot of the failure: $ART/$GUI_NAME-failed-$n.png"
	fi
	return 0
}
# gui_init NAME: the test's name for its artifacts; those of an earlier run are removed.
gui_init() {
	GUI_NAME=$1
	mkdir -p "$ART"
	rm -rf "$ART/$GUI_NAME"-failed-* "$ART/$GUI_NAME-xfrozen.txt"
}
# gui_keep_artifacts STATUS: at exit (before Claws and Xvfb stop), if the test failed, keep
# Claws' output, the Xvfb log and a screenshot in $ART and name them.
gui_keep_artifacts() {
	[ "${failures:-0}" -gt 0 ] || [ "${1:-0}" -ne 0 ] || return 0
	mkdir -p "$ART"
	gui_diag "the test failed; kept for a look:"
	if [ -f "$T/claws.out" ]; then
		cp "$T/claws.out" "$ART/$GUI_NAME-failed-claws.log" && gui_diag "  Claws Mail's output: $ART/$GUI_NAME-failed-claws.log"
	fi
	if [ -f "$T/xvfb.log" ]; then
		cp "$T/xvfb.log" "$ART/$GUI_NAME-failed-xvfb.log" && gui_diag "  Xvfb's log: $ART/$GUI_NAME-failed-xvfb.log"
	fi
	if [ -n "${XVFB_PID:-}" ] && kill -0 "$XVFB_PID" 2>/dev/null && shot "$GUI_NAME-failed-exit"; then
		gui_diag "  the screen at exit: $ART/$GUI_NAME-failed-exit.png"
	fi
	return 0
}

# Re-run the calling script in a private network namespace with only loopback: Claws may try to
# log in to whatever account exists; there it cannot reach anything but 127.0.0.1.  Also a private
# mount namespace, so that a test may bind-mount its own /etc/resolv.conf, with X's socket
# directory of its own: an X server that is still shutting down elsewhere (the previous test's,
# another run's) unlinks /tmp/.X11-unix/X<n> on its way out, and when the new Xvfb had taken the
# same number, Claws found no socket ("cannot open display: :0", seen in CI after test-gui-worked).
gui_enter_netns() { # script
	[ -n "${MPA_GUI_NETNS:-}" ] && return 0
	if unshare -n -m -- true 2>/dev/null; then
		export MPA_GUI_NETNS=1 top_srcdir top_builddir
		exec unshare -n -m -- bash -c 'ip link set lo up || exit 1
mkdir -p /tmp/.X11-unix && mount -t tmpfs -o mode=1777,size=1m mpa-x11 /tmp/.X11-unix ||
	echo "# no private /tmp/.X11-unix (mount failed): sharing the machine'"'"'s"
exec bash "$0"' "$1"
	fi
	skip_all "cannot create a private network namespace (unshare -n), needed to keep Claws on 127.0.0.1"
}

# gui_need [TOOL...]: the test is skipped unless every tool a GUI test needs, and each TOOL, is
# installed.
gui_need() {
	local tool
	for tool in Xvfb xdotool claws-mail dbus-run-session import /usr/bin/python3 unshare ip "$@"; do
		command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not installed"
	done
}
# gui_test_start [TOOL...]: the start of a test of the built plugin in Claws Mail, right after
# sourcing this file: skipped under MPA_SKIP_GUI, without a tool (gui_need) or without the built
# plugin; then the test goes on in its private network namespace (gui_enter_netns).
gui_test_start() {
	[ -z "${MPA_SKIP_GUI:-}" ] || skip_all "MPA_SKIP_GUI is set"
	gui_need "$@"
	[ -f "$SO" ] || skip_all "plugin not built ($SO)"
	gui_enter_netns "$0"
}

# A private home below $T for Claws and the plugin: HOME, the XDG directories, TMPDIR, C.UTF-8,
# Adwaita, no MPA_PROVIDERS_PATH (the plugin reads the user's provider directory, as in real
# life).  Sets CFG (Claws' configuration directory) and PD (the user's provider directory, made).
gui_private_home() {
	export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_DATA_HOME=$T/home/.local/share
	export XDG_CACHE_HOME=$T/home/.cache XDG_RUNTIME_DIR=$T/run TMPDIR=$T/tmp
	export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= NO_AT_BRIDGE=1 GTK_THEME=Adwaita
	unset MPA_PROVIDERS_PATH
	mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR" "$TMPDIR" && chmod 700 "$XDG_RUNTIME_DIR"
	CFG=$T/cfg
	PD=$XDG_CONFIG_HOME/claws-mail-provider-assistant/providers
	mkdir -p "$PD"
}

# gui_servers_start NAME [dovecot LIFETIME]: the start of a GUI test with servers of its own,
# after gui_test_start: tests/servers/lib.sh with its directory as T (removed at exit), NAME's
# artifacts kept if the test fails and Claws and Xvfb stopped at exit (before the servers), a
# private home (gui_private_home).  "dovecot LIFETIME": skipped unless the real Dovecot can run;
# it is started (a watchdog stops it after LIFETIME seconds) and its log kept with the artifacts
# as NAME-dovecot.log; sets DVLOG (its log), GOODPW (the test user's password), BADPW (a wrong one).
gui_servers_start() {
	. "$top_srcdir/tests/servers/lib.sh"
	mpa_servers_init
	if [ "${2:-}" = dovecot ]; then
		mpa_have_dovecot || skip_all "Dovecot (imapd, submissiond, auth-lua) or python3-aiosmtpd not installed"
	fi
	T=$MPA_TMP
	gui_init "$1"
	# ($st: the exit status, set by mpa_servers_init's trap)
	if [ "${2:-}" = dovecot ]; then
		mpa_on_exit "gui_keep_artifacts \"\$st\"; [ -n \"\${MPA_DOVECOT_DIR:-}\" ] && cp \"\$MPA_DOVECOT_DIR/dovecot.log\" \"\$ART/$1-dovecot.log\" 2>/dev/null"
	else
		mpa_on_exit 'gui_keep_artifacts "$st"'
	fi
	mpa_on_exit gui_stop
	gui_private_home
	[ "${2:-}" = dovecot ] || return 0
	MPA_DOVECOT_LIFETIME=$3 mpa_dovecot_start || { echo "Bail out! Dovecot did not start"; exit 1; }
	DVLOG=$MPA_DOVECOT_DIR/dovecot.log
	GOODPW=$(cat "$PASSWORD_FILE")
	BADPW="wrong-Pw-$$-x"
}

XVFB_PID= DBUS_PID= MAIN=
# Xvfb picks a free display itself (-displayfd: no race with another test choosing the same one)
# and writes its number once it accepts connections.
_xvfb_ready() { [ "$(wc -l <"$T/xvfb.display" 2>/dev/null)" -ge 1 ]; }
gui_start_xvfb() {
	: >"$T/xvfb.display"
	Xvfb -displayfd 5 -screen 0 1280x1024x24 -nolisten tcp 5>"$T/xvfb.display" >"$T/xvfb.log" 2>&1 &
	XVFB_PID=$!
	if ! gui_wait 30 "Xvfb to accept connections" _xvfb_ready; then
		sed 's/^/#   xvfb: /' "$T/xvfb.log" | tail -n 20
		return 1
	fi
	export DISPLAY=:$(head -1 "$T/xvfb.display")
}

# import talks to the X server too: under the same deadline as xdotool.
shot() { timeout "${XDO_TIMEOUT:-10}" import -window root "$ART/$1.png" 2>/dev/null; }
# MPA_SCREENSHOTS=DIR: also save the window alone, reduced to 256 colours, for doc/screenshots/
# (needs convert).
dshot() { # NAME WINDOW
	[ -n "${MPA_SCREENSHOTS:-}" ] && [ -n "$2" ] || return 0
	mkdir -p "$MPA_SCREENSHOTS"
	# No window manager: a window is captured with whatever lies over it, so raise it first.
	xdo windowraise "$2" 2>/dev/null; sleep 0.3
	timeout "${XDO_TIMEOUT:-10}" import -window "$2" png:- 2>/dev/null | convert - -strip -colors 256 "png8:$MPA_SCREENSHOTS/$1.png"
}
# wait_win REGEX SECONDS -> prints the window id.  Visible windows only: Claws keeps some windows
# (Edit accounts) hidden for reuse, and focusing a hidden one blocks xdotool --sync.
_win_found() { _WIN=$(xdo search --onlyvisible --name "$1" 2>/dev/null | tail -1); [ -n "$_WIN" ]; }
# gone: xdotool found nothing (status 1), not: it did not answer in time (124)
_win_gone() { xdo search --onlyvisible --name "$1" >/dev/null 2>&1; [ $? = 1 ]; }
wait_win() {
	_WIN=
	gui_wait "$2" "a visible window named /$1/" _win_found "$1" && echo "$_WIN"
}
gone_win() { gui_wait "$2" "the window /$1/ to close" _win_gone "$1"; }
# gui_wait_log REGEX SECONDS [FILE]: a line in Claws' output (or FILE) matching REGEX (grep -E).
gui_wait_log() { gui_wait "$2" "a line /$1/ in ${3:-$T/claws.out}" grep -Eq -- "$1" "${3:-$T/claws.out}"; }
focus() { xdo windowfocus --sync "$1" 2>/dev/null; sleep 0.2; }
# Edit accounts ignores keys after the account dialog on top of it closed, until it gets a click
# (no window manager): click an empty spot of its account list.
click_focus() { xdo mousemove --window "$1" 200 200 click 1; sleep 0.2; }
# Typing takes time of its own (the delays): a longer deadline.
keys() { XDO_TIMEOUT=30 xdo key --delay 40 "$@"; }
typ() { XDO_TIMEOUT=30 xdo type --delay 15 "$1"; }
# A secret is typed from stdin: never in xdotool's argv, where any process could read it.
typ_secret() { printf '%s' "$1" | XDO_TIMEOUT=30 xdo type --delay 15 --file -; }

# claws_spawn starts Claws; claws_start also waits for its main window (MAIN).  Alerts at
# startup (a failed login) hold the main window back until they are closed.
claws_spawn() { # [claws options]
	: >"$T/claws.out"
	dbus-run-session -- claws-mail --alternate-config-dir "$CFG" --debug "$@" >"$T/claws.out" 2>&1 &
	DBUS_PID=$!
}
claws_start() { # [claws options]
	claws_spawn "$@"
	MAIN=$(wait_win ' - Claws Mail ' 30)
	[ -n "$MAIN" ] || _claws_restart_if_frozen "$@"
}
# The main window did not come and the X server answers nobody (seen a few times, not
# reproduced at will; the wait that ran out wrote the backtraces of Claws and Xvfb): Claws is
# killed, which ends its connection and so any server grab it holds.  If the server answers
# again, Claws held it: said in the TAP output (and in $ART/GUI_NAME-xfrozen.txt, which CI
# prints even for a passed test) and Claws is started once more.  Anything else is left to the
# test's own checks.
_claws_restart_if_frozen() { # [claws options]
	local p
	_gui_x_answers && return 0
	p=$(claws_pid)
	gui_diag "the X server answers nobody while Claws Mail starts: Claws Mail (pid ${p:-gone}) is killed"
	[ -n "$p" ] && kill -9 "$p" 2>/dev/null
	gui_wait 10 "Claws Mail to end on SIGKILL" _claws_gone
	[ -n "$DBUS_PID" ] && { wait "$DBUS_PID" 2>/dev/null; DBUS_PID=; }
	# (the server frees the grab once it sees the connection closed: a loaded machine may take a while)
	if ! GUI_QUIET=1 gui_wait 10 "the X server to answer" _gui_x_answers; then
		gui_diag "  the X server still answers nobody: not Claws Mail's doing; no new start"
		return 0
	fi
	gui_diag "  the X server answers again once Claws Mail is gone: Claws held it; Claws Mail is started once more"
	[ -n "${ART:-}" ] && { mkdir -p "$ART"; printf '%s: Claws Mail (pid %s) froze the X server at startup and was restarted; backtraces: %s\n' \
		"$GUI_NAME" "${p:-?}" "$(ls -d "$ART/$GUI_NAME"-failed-bt-* 2>/dev/null | tr '\n' ' ')" >>"$ART/$GUI_NAME-xfrozen.txt"; }
	claws_spawn "$@"
	MAIN=$(wait_win ' - Claws Mail ' 30)
}
# Anchored: dbus-run-session's own command line also names the config dir.
claws_pid() { pgrep -f "^claws-mail --alternate-config-dir $CFG" | head -1; }
claws_rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$(claws_pid)/status" 2>/dev/null; }
# Alive and its main loop answering: a new window opens (the plugin manager) and closes again.
claws_alive() {
	local w
	[ -n "$(claws_pid)" ] || return 1
	focus "$MAIN"; keys ctrl+shift+F10
	w=$(wait_win '^Plugins$' 10) || return 1
	focus "$w"; keys alt+c
	gone_win '^Plugins$' 10
}
# Claws' own alerts and password prompts (modal, nested main loops) are dismissed.
close_alerts() { # rounds
	local r name w
	for r in $(seq "$1"); do
		for name in '^Error$' '^Warning$' 'Offline warning' '^Notice$' 'Input password'; do
			w=$(xdo search --name "$name" 2>/dev/null | tail -1)
			[ -n "$w" ] && { focus "$w"; keys Escape; }
		done
		sleep 0.3
	done
}
_claws_gone() { [ -z "$(claws_pid)" ]; }
claws_stop() {
	local p
	# File › Exit first: Claws writes its configuration on a normal exit.
	if [ -n "$(claws_pid)" ] && [ -n "${MAIN:-}" ]; then
		close_alerts 1; focus "$MAIN"; keys ctrl+q
		GUI_NO_BT=1 gui_wait 10 "Claws Mail to quit after File › Exit (SIGTERM next)" _claws_gone
	fi
	p=$(claws_pid)
	# claws first (child of dbus-run-session), so no dbus-daemon is orphaned
	if [ -n "$p" ]; then
		kill "$p" 2>/dev/null
		gui_wait 5 "Claws Mail to end on SIGTERM (SIGKILL next)" _claws_gone
	fi
	p=$(claws_pid); [ -n "$p" ] && kill -9 "$p" 2>/dev/null
	[ -n "$DBUS_PID" ] && { wait "$DBUS_PID" 2>/dev/null; DBUS_PID=; }
}

# gui_stop: at the end, Claws Mail (claws_stop), then Xvfb.
gui_stop() {
	local i
	claws_stop
	[ -n "$XVFB_PID" ] || return 0
	kill "$XVFB_PID" 2>/dev/null
	# Gone before the next test starts its own (10 s, then SIGKILL).
	for i in $(seq 100); do
		kill -0 "$XVFB_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$XVFB_PID" 2>/dev/null
	wait "$XVFB_PID" 2>/dev/null
	XVFB_PID=
	return 0
}

# No wizard (a folder tree and one SMTP-only local account), and accelerators for the menus used.
# Extra accountrc blocks come from stdin.
gui_write_config() {
	mkdir -p "$CFG" "$T/Mail"/{inbox,sent,queue,draft,trash}
	cat >"$CFG/folderlist.xml" <<X
<?xml version="1.0" encoding="UTF-8"?>
<folderlist config_version="4">
<folder type="mh" name="Mail" path="$T/Mail" collapsed="0">
<folderitem type="inbox" name="inbox" path="inbox"/>
<folderitem type="outbox" name="sent" path="sent"/>
<folderitem type="queue" name="queue" path="queue"/>
<folderitem type="draft" name="draft" path="draft"/>
<folderitem type="trash" name="trash" path="trash"/>
</folder>
</folderlist>
X
	cat >"$CFG/accountrc" <<X
[Account: 1]
account_name=Local
is_default=1
name=Tester
address=tester@localhost.invalid
protocol=4
smtp_server=127.0.0.1
set_smtpport=1
smtp_port=1
X
	printf '[Common]\nconfig_version=4\n' >"$CFG/clawsrc"
	cat >"$CFG/menurc" <<'X'
(gtk_accel_path "<Actions>/Menu/Configuration/CreateAccount" "<Primary><Shift>F11")
(gtk_accel_path "<Actions>/Menu/Configuration/Plugins" "<Primary><Shift>F10")
X
}

# An accountrc block (with a blank line before it) for an IMAP account on 127.0.0.1, SSL tunnel,
# the address as user ID; with SMTP_PORT also its SMTP side (SSL tunnel, SMTP AUTH).
gui_imap_account() { # id name address password imap-port [smtp-port] [is-default]
	cat <<X

[Account: $1]
account_name=$2
is_default=${7:-0}
name=$2
address=$3
protocol=1
receive_server=127.0.0.1
smtp_server=127.0.0.1
user_id=$3
password=$4
ssl_imap=1
set_imapport=1
imap_port=$5
X
	[ -n "${6:-}" ] && printf 'ssl_smtp=1\nset_smtpport=1\nsmtp_port=%s\nuse_smtp_auth=1\n' "$6"
	return 0
}

# A provider file for DOMAIN whose IMAP and SMTP servers are 127.0.0.1 on the given ports.
gui_write_provider() { # file domain imap-port smtp-port
	cat >"$1" <<X
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1" xmlns:mpa="urn:x-claws-mail-provider-assistant:provider:1">
  <emailProvider id="$2">
    <domain>$2</domain>
    <displayName>Test Mail $2</displayName>
    <incomingServer type="imap">
      <hostname>127.0.0.1</hostname><port>$3</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>127.0.0.1</hostname><port>$4</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </outgoingServer>
    <mpa:assistant checked="2026-11-28">
      <mpa:name lang="en">Test Mail $2</mpa:name><mpa:name lang="zh_CN">测试邮箱 $2</mpa:name>
      <mpa:password kind="app-password">
        <mpa:label lang="en">client password</mpa:label><mpa:label lang="zh_CN">客户端密码</mpa:label>
        <mpa:hint lang="en">Use the client password.</mpa:hint>
        <mpa:hint lang="zh_CN">请使用客户端密码。</mpa:hint>
      </mpa:password>
    </mpa:assistant>
  </emailProvider>
</clientConfig>
X
}

# Configuration › Plugins… › Load…: FILE typed into the file chooser, a screenshot SHOT of the
# plugin manager, which is closed again.  Whether the plugin loaded is the caller's check.
gui_load_plugin() { # file shot
	local pw fc
	focus "$MAIN"; keys ctrl+shift+F10
	pw=$(wait_win '^Plugins$' 15) || return 1
	focus "$pw"; keys alt+l
	fc=$(wait_win 'Select the Plugins to load' 15)
	if [ -n "$fc" ]; then
		focus "$fc"; keys ctrl+l; sleep 0.3; typ "$1"; sleep 0.5; keys Return
		gone_win 'Select the Plugins to load' 10
	fi
	sleep 1; shot "$2"
	focus "$pw"; keys alt+c; gone_win '^Plugins$' 10
}

# accountrc_of ADDRESS [N]: the keys the tests look at of the N-th saved account with ADDRESS
# (default: the last), on one line (KEY=VALUE ...).
accountrc_of() {
	/usr/bin/python3 - "$CFG/accountrc" "$1" "${2:-0}" <<'P'
import sys, re
blocks = [b for b in re.split(r'^\[Account: \d+\]\n', open(sys.argv[1]).read(), flags=re.M)
          if 'address=' + sys.argv[2] + '\n' in b]
n = int(sys.argv[3])
if blocks:
    b = blocks[n - 1] if n else blocks[-1]
    print(' '.join(l for l in b.splitlines() if re.match(r'(protocol|receive_server|smtp_server|user_id|smtp_user_id|ssl_imap|ssl_pop|ssl_smtp|use_smtp_auth|set_imapport|set_smtpport|smtp_port|imap_auth_method|smtp_auth_method|oauth2_auth_provider)=', l)))
P
}
# has_all KEY=VALUE...: each is in $ACC (a line of accountrc_of); names the first one missing.
has_all() { local kv; for kv in "$@"; do case " $ACC " in *" $kv "*) ;; *) echo "# missing $kv"; return 1;; esac; done; }

# The "Preferences for new account" dialog: type the address, then the password (from stdin, see
# typ_secret).  Sets NEWACC to the dialog's window.
new_account() { # address password
	local w
	NEWACC=
	focus "$MAIN"; keys ctrl+shift+F11
	w=$(wait_win '^Preferences for new account' 15) || return 1
	focus "$w"
	# Tab order from the page tree: name, default, full name, mail address.
	keys Tab Tab Tab Tab; typ "$1"; sleep 0.5
	# Mail address → Organization, Protocol, Auto-configure, receive, SMTP, user ID, password.
	keys Tab Tab Tab Tab Tab Tab Tab; typ_secret "$2"; sleep 0.2
	NEWACC=$w
}
