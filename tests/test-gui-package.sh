#!/bin/bash
# test-gui-package.sh — the installed Debian package in a real Claws Mail 4.1.1 under Xvfb (TAP).
#
# Not part of make check (the other GUI tests load the plugin from the build tree): run by
# debian/tests/gui after the package is installed.  The plugin is loaded from Claws Mail's plugin
# directory (pkg-config --variable=plugindir claws-mail) through Configuration › Plugins › Load…,
# and a Sohu account typed into a new account is pre-filled from the packaged provider files (no
# MPA_PROVIDERS_PATH, an empty user provider directory, no MPA_LOCALEDIR).  Claws runs offline in
# a private network namespace (only 127.0.0.1), with a private home (tests/gui-lib.sh).
# Screenshots go to $AUTOPKGTEST_ARTIFACTS when set.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/gui-lib.sh"
PKG=claws-mail-provider-assistant
gui_need pkg-config dpkg-query
SO=$(pkg-config --variable=plugindir claws-mail)/provider_assistant.so
gui_enter_netns "$0"

T=$(mktemp -d /tmp/mpa-gui-pkg.XXXXXX) || exit 99
ART=${AUTOPKGTEST_ARTIFACTS:-$T/artifacts}
mkdir -p "$ART"
cleanup() {
	gui_stop
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

check "the plugin in Claws' plugin directory belongs to $PKG ($SO)" \
	sh -c '[ "$(dpkg-query -S "$1" 2>/dev/null)" = "$2: $1" ]' _ "$SO" "$PKG"

gui_private_home
unset MPA_LOCALEDIR MPA_CA_FILE
gui_start_xvfb || { echo "Bail out! Xvfb did not start"; exit 1; }
gui_write_config
claws_start --offline
check "Claws Mail main window appears" test -n "$MAIN"

# Configuration › Plugins… › Load…, the installed file typed into the file chooser.
gui_load_plugin "$SO" pkg-01-plugin-manager
TAP_DIAG='grep -i "plugin" "$T/claws.out" | tail -5 | sed "s/^/# /"'
check "the packaged plugin is loaded through the plugin manager" \
	grep -qF "Plugin Provider Assistant (from file $SO) loaded" "$T/claws.out"
TAP_DIAG=

# A new account: the address, then a password; the plugin fills in the rest from the packaged
# sohu.com.xml and logs the password hint it shows.
new_account "zhangsan@sohu.com" "pkg-test-not-a-password"
shot pkg-02-sohu-prefilled
check "the password hint for sohu.com is shown" grep -q 'Provider Assistant: password hint: sohu.com' "$T/claws.out"
if [ -n "${NEWACC:-}" ]; then
	focus "$NEWACC"; keys alt+o
	# The offer to test first (the account was never tested): not now.
	Q=$(wait_win '^Provider Assistant$' 10) && { shot pkg-03-offer; focus "$Q"; keys Escape; }
	GUI_QUIET=1 gone_win '^Preferences for new account' 8 || { focus "$NEWACC"; keys alt+o; gone_win '^Preferences for new account' 10; }
fi
# Claws writes accountrc when "Edit accounts" closes.  Before that, it wants to log in to the new
# account: its offline warning (modal) comes when it comes, and swallows the keys meant for "Edit
# accounts".  So, until accountrc has the account (deadline 30 s): dismiss alerts, close the window.
saved=
for i in $(seq 30); do
	grep -q '^address=zhangsan@sohu.com$' "$CFG/accountrc" 2>/dev/null && { saved=1; break; }
	close_alerts 1
	E=$(xdo search --onlyvisible --name '^Edit accounts$' 2>/dev/null | tail -1)
	[ -n "$E" ] && { focus "$E"; keys Escape; }
	sleep 0.7
done
[ -n "$saved" ] || { shot pkg-04-not-saved; echo "# accountrc after 30 s:"; sed 's/^/#   /' "$CFG/accountrc"; }
ACC=$(accountrc_of zhangsan@sohu.com)
echo "# saved account: $ACC"
check "accountrc: IMAP, imap.sohu.com, smtp.sohu.com, the address as user ID" \
	has_all protocol=1 receive_server=imap.sohu.com smtp_server=smtp.sohu.com user_id=zhangsan@sohu.com
check "accountrc: SSL tunnel for IMAP and SMTP, SMTP AUTH on" has_all ssl_imap=1 ssl_smtp=1 use_smtp_auth=1
claws_stop
tap_done
