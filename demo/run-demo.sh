#!/bin/bash
# run-demo.sh — try Provider Assistant without a real mailbox: local demo mail servers, a demo
# provider, and Claws Mail with the plugin loaded (or, without a display, the command line tool).
#
#   demo/run-demo.sh          Claws Mail when $DISPLAY is set, else the command-line demo
#   demo/run-demo.sh --cli    the command-line demo only
#   make demo                 the same, from a build tree
#
# Everything stays on 127.0.0.1 and in one temporary directory (under $TMPDIR, else /tmp), removed
# at the end.  The servers are a real Dovecot (tests/servers/), so it must run as root, like the
# tests.  Nothing in your own Claws Mail configuration or provider directory is touched.
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

# The terminal's words follow the locale, like the plugin's: Simplified Chinese under zh_CN.
case "${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}" in
zh_CN*|zh_SG*) zh=1 ;;
*) zh= ;;
esac
say() { # english chinese
	if [ -n "$zh" ]; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi
}

mode=gui
[ "${1:-}" = "--cli" ] && mode=cli
if [ "$mode" = gui ] && [ -z "${DISPLAY:-}" ]; then
	say "No display (\$DISPLAY is not set): running the command-line demo instead." \
	    "没有图形界面（未设置 \$DISPLAY）：改为运行命令行演示。"
	say "To see the plugin, run this from a desktop session, or under Xvfb: xvfb-run -a $0" \
	    "要看插件本身，请在桌面会话中运行，或在 Xvfb 下运行：xvfb-run -a $0"
	mode=cli
fi
if [ "$mode" = gui ] && { ! command -v claws-mail >/dev/null || [ ! -f "$SO" ]; }; then
	say "Claws Mail or the plugin (provider_assistant.so) was not found: running the command-line demo instead." \
	    "找不到 Claws Mail 或插件（provider_assistant.so）：改为运行命令行演示。"
	mode=cli
fi
[ -n "$CLI" ] || { echo "run-demo: provider-assistant not found; build first (make)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run-demo: the demo servers are a real Dovecot, which must be started as root (sudo $0)" >&2; exit 1; }
command -v dovecot >/dev/null || { echo "run-demo: dovecot is not installed (see .ci/packages)" >&2; exit 1; }

D=$(mktemp -d -t mpa-demo.XXXXXX)  # under $TMPDIR, else /tmp
chmod 755 "$D"      # Dovecot's unprivileged processes must reach their files below
cleanup() {
	/usr/bin/python3 "$top_srcdir/tests/servers/dovecot.py" stop "$D/dovecot" >/dev/null 2>&1
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "Starting the demo mail servers (Dovecot on 127.0.0.1)..." "正在启动演示用的邮件服务器（127.0.0.1 上的 Dovecot）……"
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

# One welcome message in the demo mailbox (Dovecot's maildir for the demo user), so that Get Mail
# shows something.
MD=$D/dovecot/mail/$ADDRESS
mkdir -p "$MD/new" "$MD/cur" "$MD/tmp"
cat >"$MD/new/$(date +%s).1.demo" <<M
From: Demo Mail <welcome@example.com>
To: $ADDRESS
Subject: =?UTF-8?B?$(printf 'Welcome to the Provider Assistant demo / 欢迎试用邮箱设置助手' | base64 -w0)?=
Date: $(LC_ALL=C date -R)
Message-ID: <welcome.$$@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

This message comes from the demo's own mail server on this computer: the demo
account works.  Now try what Provider Assistant does for a new account:
Configuration > Create new account..., type $ADDRESS and a wrong password,
press OK and take the offered test.  Quit Claws Mail to end the demo.

这封邮件来自本机上的演示邮件服务器：演示账户可以正常收信。接下来试试邮箱设置助手
对新账户的帮助：点“Configuration > Create new account...”（配置 > 新建账户），
填入 $ADDRESS 和一个错误的密码，点“OK”（确定），再按提示测试连接。
退出 Claws Mail 即结束演示。
M
chown -R --reference="$D/dovecot/mail" "$MD" 2>/dev/null || chown -R dovecot:dovecot "$MD" 2>/dev/null

if [ "$mode" = cli ]; then
	echo
	echo "== provider-assistant show $ADDRESS"
	"$CLI" show "$ADDRESS"
	echo
	echo "== provider-assistant check $ADDRESS --password-file FILE   (the right password)"
	# a private copy: the server's file is readable by Dovecot's group, which the tool warns about
	install -m 600 "$PASSWORD_FILE" "$D/password"
	"$CLI" check "$ADDRESS" --password-file "$D/password" --ca-file "$CA_FILE"
	ok=$?
	echo
	echo "== provider-assistant check $ADDRESS --password-stdin   (a wrong password: the explanation)"
	echo "not-the-password" | "$CLI" check "$ADDRESS" --password-stdin --ca-file "$CA_FILE"
	echo
	say "Demo done; the servers are stopped now." "演示结束，服务器已停止。"
	exit $ok
fi

# Claws Mail with a private configuration: the demo account, already set up and the default
# account (so the main window's Get Mail fetches it, and there is no first-run wizard), the
# plugin loaded at startup, and the demo servers' certificate already accepted.
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
account_name=Demo Mail
is_default=1
name=Demo
address=$ADDRESS
protocol=1
receive_server=127.0.0.1
smtp_server=127.0.0.1
user_id=$ADDRESS
password=$(cat "$PASSWORD_FILE")
ssl_imap=1
set_imapport=1
imap_port=$IMAPS_PORT
ssl_smtp=1
set_smtpport=1
smtp_port=$SMTPS_PORT
use_smtp_auth=1
X
printf '[Common]\nconfig_version=4\n\n[Plugins_Common]\n%s\n\n[Plugins_GTK3]\n' "$SO" >"$CFG/clawsrc"
openssl x509 -in "$(dirname "$CA_FILE")/server.pem" -outform DER -out "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert"
cp "$CFG/certs/127.0.0.1.$IMAPS_PORT.cert" "$CFG/certs/127.0.0.1.$SMTPS_PORT.cert"

PW=$(cat "$PASSWORD_FILE")
if [ -n "$zh" ]; then
	cat <<T

Claws Mail 正在启动，已加载邮箱设置助手插件，使用独立的临时配置。
演示账户 $ADDRESS 已经设好并设为默认账户：点“Get Mail”（收信）就能看到一封欢迎邮件。

看看插件对新账户的帮助（Claws Mail 本身没有简体中文界面，菜单和按钮是英文的）：
  1. Configuration → Create new account…（配置 → 新建账户）
  2. Mail address（邮箱地址）：$ADDRESS      （服务器会自动填好）
  3. Password（密码）：       $PW
     （也可以先填一个错误的密码，看看问题说明）
  4. 点“OK”（确定）并接受测试，或打开“邮箱设置助手”页点“测试连接”。

退出 Claws Mail 即停止演示服务器。
T
else
	cat <<T

Claws Mail is starting with the Provider Assistant plugin and a private configuration.
The demo account $ADDRESS is set up already and is the default account: Get Mail shows a
welcome message.

To see what the plugin does for a new account:
  1. Configuration → Create new account…
  2. Mail address:  $ADDRESS      (the servers fill in by themselves)
  3. Password:      $PW
     (or type a wrong one first, to see the explanation)
  4. Press OK and take the offered test, or open the page "Provider Assistant" and press
     Test connection.

Quit Claws Mail to stop the demo servers.
T
fi
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
