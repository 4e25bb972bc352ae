# gui-lib.sh — shell helpers for tests that drive a real Claws Mail 4.1.1 under Xvfb (bash).
#
# TAP (ok, not_ok, check, skip, skip_all) comes from tests/tap.sh.  Here: the private network
# namespace re-exec (gui_enter_netns), wait_win, gone_win, focus, keys, typ, typ_secret,
# gui_start_xvfb, claws_spawn, claws_start, claws_pid, claws_rss_kb, claws_alive, close_alerts, claws_stop and
# the configuration files of gui_write_config.
#
# Before sourcing: top_srcdir, top_builddir.  Uses $T (test dir), $CFG (Claws config dir), $ART.
# gui_private_home sets up HOME, XDG_*, TMPDIR, CFG and PD below $T.

. "$top_srcdir/tests/tap.sh"

# Re-run the calling script in a private network namespace with only loopback: Claws may try to
# log in to whatever account exists; there it cannot reach anything but 127.0.0.1.  Also a private
# mount namespace, so that a test may bind-mount its own /etc/resolv.conf.
gui_enter_netns() { # script
	[ -n "${MPA_GUI_NETNS:-}" ] && return 0
	if unshare -n -m -- true 2>/dev/null; then
		export MPA_GUI_NETNS=1 top_srcdir top_builddir
		exec unshare -n -m -- bash -c 'ip link set lo up && exec bash "$0"' "$1"
	fi
	skip_all "cannot create a private network namespace (unshare -n), needed to keep Claws on 127.0.0.1"
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

XVFB_PID= DBUS_PID= MAIN=
# The first free display number from 141 on, ready when it answers (xdpyinfo; deadline 20 s per
# number).  Another test may take the same number at the same moment: the lock file then names the
# other server, or ours exits, and the next number is tried.
gui_start_xvfb() {
	local d i
	for d in $(seq 141 190); do
		{ [ -e /tmp/.X$d-lock ] || [ -e /tmp/.X11-unix/X$d ]; } && continue
		Xvfb ":$d" -screen 0 1280x1024x24 -nolisten tcp >"$T/xvfb.log" 2>&1 &
		XVFB_PID=$!
		for i in $(seq 200); do
			kill -0 "$XVFB_PID" 2>/dev/null || break
			if [ "$(tr -d ' \n' </tmp/.X$d-lock 2>/dev/null)" = "$XVFB_PID" ] &&
				DISPLAY=:$d xdpyinfo >/dev/null 2>&1; then
				export DISPLAY=:$d
				return 0
			fi
			sleep 0.1
		done
		echo "# Xvfb :$d did not start: $(tail -2 "$T/xvfb.log" | tr '\n' ' ')"
		kill "$XVFB_PID" 2>/dev/null; wait "$XVFB_PID" 2>/dev/null
		XVFB_PID=
	done
	return 1
}

shot() { import -window root "$ART/$1.png" 2>/dev/null; }
# wait_win REGEX SECONDS -> prints the window id.  Visible windows only: Claws keeps some windows
# (Edit accounts) hidden for reuse, and focusing a hidden one blocks xdotool --sync.
wait_win() {
	local i w
	for i in $(seq $(($2 * 10))); do
		w=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | tail -1)
		[ -n "$w" ] && { echo "$w"; return 0; }
		sleep 0.1
	done
	return 1
}
gone_win() {
	local i
	for i in $(seq $(($2 * 10))); do
		xdotool search --onlyvisible --name "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}
focus() { xdotool windowfocus --sync "$1" 2>/dev/null; sleep 0.2; }
# Edit accounts ignores keys after the account dialog on top of it closed, until it gets a click
# (no window manager): click an empty spot of its account list.
click_focus() { xdotool mousemove --window "$1" 200 200 click 1; sleep 0.2; }
keys() { xdotool key --delay 40 "$@"; }
typ() { xdotool type --delay 15 "$1"; }
# A secret is typed from stdin: never in xdotool's argv, where any process could read it.
typ_secret() { printf '%s' "$1" | xdotool type --delay 15 --file -; }

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
			w=$(xdotool search --name "$name" 2>/dev/null | tail -1)
			[ -n "$w" ] && { focus "$w"; keys Escape; }
		done
		sleep 0.3
	done
}
claws_stop() {
	local p i
	# File › Exit first: Claws writes its configuration on a normal exit.
	if [ -n "$(claws_pid)" ] && [ -n "${MAIN:-}" ]; then
		close_alerts 1; focus "$MAIN"; keys ctrl+q
		for i in $(seq 50); do [ -z "$(claws_pid)" ] && break; sleep 0.2; done
	fi
	p=$(claws_pid)
	# claws first (child of dbus-run-session), so no dbus-daemon is orphaned
	[ -n "$p" ] && kill "$p" 2>/dev/null
	for i in $(seq 50); do [ -z "$(claws_pid)" ] && break; sleep 0.1; done
	p=$(claws_pid); [ -n "$p" ] && kill -9 "$p" 2>/dev/null
	[ -n "$DBUS_PID" ] && { wait "$DBUS_PID" 2>/dev/null; DBUS_PID=; }
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
