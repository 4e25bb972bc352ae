#!/bin/bash
# run-demo.sh — try Provider Assistant without a real mailbox: local demo mail servers, a demo
# provider, and Claws Mail with the plugin loaded (or, without a display, the command line tool).
#
#   demo/run-demo.sh          Claws Mail when $DISPLAY is set, else the command-line demo
#   demo/run-demo.sh --cli    the command-line demo only
#   make demo                 the same, from a build tree
#
# Everything stays on 127.0.0.1 and in one temporary directory, removed at the end.  The servers
# are a real Dovecot (tests/servers/), so it must run as root, like the tests.  Nothing in your own
# Claws Mail configuration or provider directory is touched.
set -u

top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${MPA_BUILDDIR:-}
if [ -z "$builddir" ]; then
	for d in "$top_srcdir" "$top_srcdir"/_build*; do
		[ -x "$d/plugin/provider-assistant" ] && { builddir=$d; break; }
	done
fi
CLI=${builddir:+$builddir/plugin/provider-assistant}
[ -n "$CLI" ] && [ -x "$CLI" ] || CLI=$(command -v provider-assistant || true)
SO=${builddir:+$builddir/plugin/.libs/provider_assistant.so}
if [ -z "$SO" ] || [ ! -f "$SO" ]; then
	SO=$(pkg-config --variable=plugindir claws-mail 2>/dev/null)/provider_assistant.so
fi

mode=gui
[ "${1:-}" = "--cli" ] && mode=cli
if [ "$mode" = gui ] && [ -z "${DISPLAY:-}" ]; then
	echo "No display (\$DISPLAY is not set): running the command-line demo instead."
	echo "To see the plugin, run this from a desktop session, or under Xvfb: xvfb-run -a $0"
	mode=cli
fi
if [ "$mode" = gui ] && { ! command -v claws-mail >/dev/null || [ ! -f "$SO" ]; }; then
	echo "Claws Mail or the plugin (provider_assistant.so) was not found: running the command-line demo instead."
	mode=cli
fi
[ -n "$CLI" ] || { echo "run-demo: provider-assistant not found; build first (make)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run-demo: the demo servers are a real Dovecot, which must be started as root (sudo $0)" >&2; exit 1; }
command -v dovecot >/dev/null || { echo "run-demo: dovecot is not installed (see .ci/packages)" >&2; exit 1; }

D=$(mktemp -d /tmp/mpa-demo.XXXXXX)
chmod 755 "$D"      # Dovecot's unprivileged processes must reach their files below
cleanup() {
	/usr/bin/python3 "$top_srcdir/tests/servers/dovecot.py" stop "$D/dovecot" >/dev/null 2>&1
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "Starting the demo mail servers (Dovecot on 127.0.0.1)..."
/usr/bin/python3 "$top_srcdir/tests/servers/dovecot.py" start "$D/dovecot" --parent $$ --lifetime 7200 \
	>"$D/dovecot.out" 2>&1 || { echo "run-demo: the servers did not start:"; tail -5 "$D/dovecot.out"; exit 1; }
. "$D/dovecot/ports"
export MPA_CA_FILE=$CA_FILE

# The demo provider, in a private user provider directory: like Sohu Mail, it wants an
# "independent password", but its servers are the local Dovecot.
export XDG_CONFIG_HOME=$D/config
PD=$XDG_CONFIG_HOME/claws-mail-provider-assistant/providers
mkdir -p "$PD"
cat >"$PD/example.com.xml" <<X
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1" xmlns:mpa="urn:x-claws-mail-provider-assistant:provider:1">
  <emailProvider id="example.com">
    <domain>example.com</domain>
    <displayName>Demo Mail</displayName>
    <incomingServer type="imap">
      <hostname>127.0.0.1</hostname><port>$IMAPS_PORT</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>127.0.0.1</hostname><port>$SMTPS_PORT</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </outgoingServer>
    <mpa:assistant checked="2026-11-28">
      <mpa:name lang="en">Demo Mail</mpa:name><mpa:name lang="zh_CN">演示邮箱</mpa:name>
      <mpa:password kind="app-password">
        <mpa:label lang="en">independent password</mpa:label><mpa:label lang="zh_CN">独立密码</mpa:label>
        <mpa:hint lang="en">Demo Mail, like Sohu Mail, refuses the web login password in mail programs. Use the independent password printed in the terminal that started the demo.</mpa:hint>
        <mpa:hint lang="zh_CN">和搜狐邮箱一样，演示邮箱不接受网页登录密码。请使用启动演示的终端里显示的独立密码。</mpa:hint>
      </mpa:password>
      <mpa:step id="enable-service">
        <mpa:title lang="en">Switch IMAP/SMTP on</mpa:title><mpa:title lang="zh_CN">开启 IMAP/SMTP 服务</mpa:title>
        <mpa:text lang="en">Already done for the demo account.</mpa:text><mpa:text lang="zh_CN">演示账户已经开启。</mpa:text>
      </mpa:step>
      <mpa:rule protocol="any" stage="auth" match="authentication failed" cause="app-password-required" candidates="service-disabled"/>
      <mpa:sending bulk-recipients="3">
        <mpa:stage from="0" daily="20" interval="10"/>
      </mpa:sending>
    </mpa:assistant>
  </emailProvider>
</clientConfig>
X
ADDRESS=ok@example.com

if [ "$mode" = cli ]; then
	echo
	echo "== provider-assistant show $ADDRESS"
	"$CLI" show "$ADDRESS"
	echo
	echo "== provider-assistant check $ADDRESS --password-file FILE   (the right password)"
	"$CLI" check "$ADDRESS" --password-file "$PASSWORD_FILE" --ca-file "$CA_FILE"
	ok=$?
	echo
	echo "== provider-assistant check $ADDRESS --password-stdin   (a wrong password: the explanation)"
	echo "not-the-password" | "$CLI" check "$ADDRESS" --password-stdin --ca-file "$CA_FILE"
	echo
	echo "Demo done; the servers are stopped now."
	exit $ok
fi

# Claws Mail with a private configuration: one local placeholder account (so no first-run
# wizard), the plugin loaded at startup, and the demo servers' certificate already accepted.
CFG=$D/claws
mkdir -p "$CFG/certs" "$D/Mail"/{inbox,sent,queue,draft,trash} && chmod 700 "$CFG/certs"
cat >"$CFG/folderlist.xml" <<X
<?xml version="1.0" encoding="UTF-8"?>
<folderlist config_version="4">
<folder type="mh" name="Mail" path="$D/Mail" collapsed="0">
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
account_name=Local (placeholder)
is_default=1
name=Demo
address=demo@localhost.invalid
protocol=4
smtp_server=127.0.0.1
set_smtpport=1
smtp_port=1
X
printf '[Common]\nconfig_version=4\n\n[Plugins_Common]\n%s\n\n[Plugins_GTK3]\n' "$SO" >"$CFG/clawsrc"
openssl x509 -in "$(dirname "$CA_FILE")/server.pem" -outform DER -out "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert"
cp "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert" "$CFG/certs/127.0.0.1.$SMTPS_PORT.cert"

cat <<T

Claws Mail is starting with the Provider Assistant plugin and a private configuration.

  1. Configuration → Create new account…
  2. Mail address:  $ADDRESS      (the servers fill in by themselves)
  3. Password:      $(cat "$PASSWORD_FILE")
     (or type a wrong one first, to see the explanation)
  4. Open the page "Provider Assistant" and press Test connection, or just press OK.

Quit Claws Mail to stop the demo servers.
T
# Root was needed for Dovecot only: Claws Mail runs as the user who called sudo, with a private
# HOME, on that user's display.
RUN_AS=()
mkdir -p "$D/home"
if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] && id -u "$SUDO_USER" >/dev/null 2>&1; then
	if [ -z "${XAUTHORITY:-}" ]; then
		user_home=$(getent passwd "$SUDO_USER" | cut -d: -f6)
		[ -f "$user_home/.Xauthority" ] && export XAUTHORITY=$user_home/.Xauthority
	fi
	chown -R "$SUDO_USER" "$CFG" "$D/Mail" "$D/config" "$D/home"
	RUN_AS=(runuser -u "$SUDO_USER" --)
fi
"${RUN_AS[@]}" env HOME="$D/home" claws-mail --alternate-config-dir "$CFG"
