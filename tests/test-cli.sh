#!/bin/sh
# test-cli.sh — the provider-assistant command line, run the way a user runs it.  Prints TAP.
# Needs the environment of tests/tests.am (top_builddir, LOCPATH, MPA_LOCALEDIR, MPA_PROVIDERS_PATH).
set -u

PA="${top_builddir:?run through make check}/plugin/provider-assistant"
SRC_PROVIDERS=${MPA_PROVIDERS_PATH:?}
. "${top_srcdir:?}/tests/tap.sh"
tap_tmpdir cli
. "$top_srcdir/tests/cli-run.sh"

EN="LC_ALL=en_US.UTF-8"
ZH="LC_ALL=zh_CN.UTF-8"

# ---- version and help ----
run -- --version
check "--version prints the name and version" all 'rc_is 0' \
	"grep -qE '^provider-assistant \\(Provider Assistant\\) [0-9]+\\.[0-9]+' \"\$tmp/out\""

run -- --help
check "--help lists the commands and exit codes" all 'rc_is 0' 'out_has Usage show validate --providers-dir "Exit status"'

run -- show --help
check "show --help describes the options" all 'rc_is 0' 'out_has ADDRESS --json --providers-dir'

run -- help validate
check "help validate shows the validate help" all 'rc_is 0' 'out_has FILE --providers-dir'

run "$ZH" -- --help
check "--help is in Chinese under zh_CN.UTF-8" all 'rc_is 0' 'out_has 用法 命令'

# ---- usage errors: exit 2 ----
run -- shwo someone@sohu.com
check "a mistyped command exits 2 with a suggestion" all 'rc_is 2' "err_has \"'shwo'\" 'provider-assistant show' --help"

run --
check "no command exits 2" all 'rc_is 2' 'err_has --help'

run -- show
check "show without an address exits 2" all 'rc_is 2' 'err_has ADDRESS'

run -- show a@sohu.com b@sohu.com
check "show with two addresses exits 2" rc_is 2

run -- show --bogus zhangsan@sohu.com
check "an unknown option exits 2" all 'rc_is 2' 'err_has bogus'

for bad in not-an-address "zhangsan@" "@sohu.com" "a@@sohu.com" "" "zhang san@sohu.com"; do
	run "$EN" -- show "$bad"
	check "show '$bad' is a bad address: exit 2, says so" all 'rc_is 2' 'out_empty' '[ -s "$tmp/err" ]'
done

run "$EN" -- show -- -x@example.org
check "show -- ARG takes an argument starting with '-' as the address" all 'rc_is 3' 'err_has example.org.xml'

# Control characters and invalid UTF-8 in the argument never reach the terminal raw.
esc=$(printf 'evil\033[31m\007@sohu.com')
run "$EN" -- show "$esc"
check "escape sequences in an address are not echoed raw" all 'rc_is 2' \
	"! grep -q \"\$(printf '\\033')\" \"\$tmp/err\"" "! grep -q \"\$(printf '\\007')\" \"\$tmp/err\""
latin1=$(printf 'zh\377ng@sohu.com')
run "$EN" -- show "$latin1"
check "an address that is not UTF-8 exits 2 with valid UTF-8 output" all 'rc_is 2' \
	"\"\$PY\" -c 'import sys; open(sys.argv[1], \"rb\").read().decode(\"utf-8\")' \"\$tmp/err\""

# ---- unknown provider: exit 3 ----
run "$EN" -- show someone@example.org
check "an unknown domain exits 3 and says how to add a provider file" all 'rc_is 3' 'out_empty' \
	'err_has example.org example.org.xml .config/claws-mail-provider-assistant/providers "Adding a provider" validate'

run "$ZH" -- show someone@example.org
check "the unknown-domain advice is in Chinese under zh_CN.UTF-8" all 'rc_is 3' 'err_has example.org.xml 服务商'

run "$EN" -- show --json someone@example.org
check "show --json for an unknown domain exits 3 with no output" all 'rc_is 3' 'out_empty'

# ---- show: English ----
run "$EN" -- show zhangsan@sohu.com
check "show sohu.com in English: servers, ports, security" all 'rc_is 0' \
	'out_has "Sohu Mail" imap.sohu.com 993 smtp.sohu.com 465 SSL/TLS "Incoming mail (IMAP)" "Outgoing mail (SMTP)"'
check "show sohu.com in English: user name, password, checklist" \
	out_has zhangsan@sohu.com "independent password" "Before you connect" "  1. " "last checked"
check "show sohu.com in English has no Chinese UI strings" out_lacks 服务器 端口

run "$EN" -- show "  Zhang San <ZhangSan@SOHU.com> "
check "show accepts 'Name <address>' and normalises the domain" all 'rc_is 0' 'out_has ZhangSan@sohu.com imap.sohu.com'

run "$EN" -- show lisi@vip.sohu.com
check "show vip.sohu.com in English: same servers, VIP user name" all 'rc_is 0' \
	'out_has imap.sohu.com smtp.sohu.com lisi@vip.sohu.com "independent password"'

# ---- show: Chinese ----
run "$ZH" -- show zhangsan@sohu.com
check "show sohu.com in Chinese: Chinese UI strings" all 'rc_is 0' 'out_has 收信服务器 发信服务器 服务器 端口 用户名 密码 连接前'
check "show sohu.com in Chinese: Chinese provider texts" out_has 搜狐 独立密码 imap.sohu.com 993 zhangsan@sohu.com
check "show sohu.com in Chinese has no English UI strings" out_lacks "Before you connect" "User name" "independent password"

check "show sohu.com in Chinese: full-width brackets and colons, no space after them" \
	all 'out_has "搜狐邮箱（sohu.com）" "）：https://mail.sohu.com/"' 'out_lacks "搜狐邮箱 (sohu.com)" "： " "）: https"'

run "$EN" -- show zhangsan@sohu.com
check "show sohu.com in English keeps its heading and link lines" \
	out_has "Sohu Mail (sohu.com)" "POP3/SMTP/IMAP):"

run "$ZH" -- show lisi@vip.sohu.com
check "show vip.sohu.com in Chinese" all 'rc_is 0' 'out_has 独立密码 lisi@vip.sohu.com smtp.sohu.com 465'

# ---- show --json ----
run "$EN" -- show --json zhangsan@sohu.com
check "show --json: exit 0, one JSON object" all 'rc_is 0' 'json "isinstance(d, dict)"'
check "show --json: provider, name, user name" json \
	'd["provider"] == "sohu.com" and d["name"] == "Sohu Mail" and d["username"] == "zhangsan@sohu.com"'
check "show --json: imap" json \
	'd["imap"] == {"host": "imap.sohu.com", "port": 993, "security": "ssl", "username": "zhangsan@sohu.com", "auth": "login"}'
check "show --json: smtp" json \
	'd["smtp"] == {"host": "smtp.sohu.com", "port": 465, "security": "ssl", "username": "zhangsan@sohu.com", "auth": "login"}'
check "show --json: a password provider names no OAuth2 service" json 'd["password"]["oauth2_provider"] is None'
check "show --json: password, steps, links, checked" json \
	'd["password"]["kind"] == "app-password" and "independent password" in d["password"]["label"] and d["password"]["hint"] and len(d["steps"]) >= 2 and all(s["title"] for s in d["steps"]) and all(l["url"].startswith("https://") for l in d["links"]) and __import__("re").fullmatch(r"\d{4}-\d\d-\d\d", d["checked"])'

run "$EN" -- show lisi@outlook.com --json
check "show --json for Outlook: OAuth2 on both servers, Claws Mail's MS Outlook service" json \
	'd["imap"]["auth"] == "oauth2" and d["smtp"]["auth"] == "oauth2" and d["password"]["oauth2_provider"] == "outlook"'

run "$EN" -- show lisi@vip.sohu.com --json
check "show ADDRESS --json (option after the address) for vip.sohu.com" all 'rc_is 0' \
	'json "d[\"provider\"] == \"sohu.com\" and d[\"username\"] == \"lisi@vip.sohu.com\" and d[\"smtp\"][\"username\"] == \"lisi@vip.sohu.com\""'

run "$ZH" -- --json show zhangsan@sohu.com
check "--json before the command; Chinese texts in JSON under zh_CN.UTF-8" all 'rc_is 0' \
	'json "d[\"password\"][\"label\"] == \"独立密码\" and d[\"name\"] == \"搜狐邮箱\""'

# ---- wrapping ----
for loc in "$EN" "$ZH"; do
	run "$loc" COLUMNS=50 -- show zhangsan@sohu.com
	check "show wraps to 50 columns ($loc)" all 'rc_is 0' \
		"\"\$PY\" -c '
import sys, unicodedata
bad = [l for l in open(sys.argv[1], encoding=\"utf-8\").read().splitlines()
       if \"://\" not in l and sum(2 if unicodedata.east_asian_width(c) in \"WF\" else 1 for c in l) > 50]
for l in bad: print(\"# too wide:\", l)
sys.exit(1 if bad else 0)' \"\$tmp/out\""
done

# ---- --providers-dir ----
mkdir -p "$tmp/mine"
cat >"$tmp/mine/example.test.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <displayName>Example Mail</displayName>
    <outgoingServer type="smtp">
      <hostname>smtp.example.test</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
EOF
run "$EN" -- show --json --providers-dir "$tmp/mine" bob@example.test
check "--providers-dir: a plain ISPDB file with SMTP only" all 'rc_is 0' \
	'json "d[\"provider\"] == \"example.test\" and d[\"imap\"] is None and d[\"smtp\"][\"security\"] == \"starttls\" and d[\"username\"] == \"bob\" and d[\"password\"][\"kind\"] == \"login\""'

run "$EN" -- --providers-dir "$tmp/mine" show bob@example.test
check "--providers-dir before the command; text output without IMAP" all 'rc_is 0' \
	'out_has "Example Mail" smtp.example.test 587 STARTTLS bob'

run "$EN" -- show --providers-dir "$tmp/mine" zhangsan@sohu.com
check "--providers-dir replaces the default directories" rc_is 3

run "$EN" -- show --providers-dir "$tmp/mine" --providers-dir "$SRC_PROVIDERS" zhangsan@sohu.com
check "--providers-dir is repeatable" all 'rc_is 0' 'out_has imap.sohu.com'

mkdir -p "$XDG_CONFIG_HOME/claws-mail-provider-assistant/providers"
cp "$tmp/mine/example.test.xml" "$XDG_CONFIG_HOME/claws-mail-provider-assistant/providers/"
run "$EN" MPA_PROVIDERS_PATH= -- show --json bob@example.test
check "a file in the user's provider directory is found" all 'rc_is 0' 'json "d[\"provider\"] == \"example.test\""'
rm -rf "$XDG_CONFIG_HOME/claws-mail-provider-assistant"

# ---- validate ----
run "$EN" -- validate
check "validate with no FILE checks the providers in the search path" all 'rc_is 0' 'out_has sohu.com "valid"'

run "$EN" -- validate "$SRC_PROVIDERS/sohu.com.xml" "$tmp/mine/example.test.xml"
check "validate FILE FILE: both valid, one line per file" all 'rc_is 0' \
	'out_has "sohu.com.xml: ok" "example.test.xml: ok" "2 provider files valid"'

run "$EN" -- validate --json "$tmp/mine"
check "validate --json DIR" all 'rc_is 0' \
	'json "d[\"valid\"] is True and d[\"files\"][0][\"provider\"] == \"example.test\" and d[\"problems\"] == []"'

mkdir -p "$tmp/bad"
sed 's|<port>587</port>|<port>99999</port>|' "$tmp/mine/example.test.xml" >"$tmp/bad/port.xml"
run "$EN" -- validate "$tmp/bad/port.xml"
check "validate: a port out of range exits 1 with file:line" all 'rc_is 1' \
	"grep -qE '^$tmp/bad/port.xml:8: ' \"\$tmp/err\"" 'out_has INVALID'

sed 's|<displayName>|<bogusElement/><displayName>|' "$tmp/mine/example.test.xml" >"$tmp/bad/unknown.xml"
run "$EN" -- validate "$tmp/bad/unknown.xml"
# An ISPDB element the assistant does not know is ignored, as Thunderbird does: a warning, valid.
check "validate: an unknown ISPDB element is a warning with file:line, the file valid (exit 0)" all 'rc_is 0' \
	"grep -qE '^$tmp/bad/unknown.xml:5: warning: unknown element <bogusElement> inside <emailProvider> is ignored' \"\$tmp/err\"" \
	'out_has "1 provider file valid"'

printf '<clientConfig version="1.1"><emailProvider id="x">\n' >"$tmp/bad/truncated.xml"
run "$EN" -- validate "$tmp/bad/truncated.xml"
check "validate: malformed XML exits 1" all 'rc_is 1' "grep -qF '$tmp/bad/truncated.xml:' \"\$tmp/err\""

# Another provider id that also claims example.test.
sed 's|id="example.test"|id="twin.test"|; s|<domain>example.test</domain>|<domain>twin.test</domain><domain>example.test</domain>|' \
	"$tmp/mine/example.test.xml" >"$tmp/bad/twin.xml"
run "$EN" -- validate "$tmp/mine/example.test.xml" "$tmp/bad/twin.xml"
check "validate: a domain claimed by two files exits 1" all 'rc_is 1' 'err_has example.test' 'out_has INVALID'

run "$EN" -- validate "$tmp/mine/example.test.xml" "$tmp/bad/port.xml"
check "validate: one good and one bad file exits 1 and counts them" all 'rc_is 1' 'out_has "example.test.xml: ok" "1 of 2"'

run "$EN" -- validate --providers-dir "$tmp/bad"
check "validate --providers-dir DIR checks that directory" all 'rc_is 1' "err_has '$tmp/bad/port.xml:'"

long="$tmp/a-directory-name-long-enough/to-make-the-path-longer-than-eighty-characters"
mkdir -p "$long"
cp "$tmp/mine/example.test.xml" "$long/"
run "$EN" -- validate "$long/example.test.xml"
check "validate prints long paths whole" all 'rc_is 0' 'out_has "$long/example.test.xml: ok"'

run "$EN" -- validate "$tmp/does-not-exist.xml"
check "validate: a missing FILE exits 2" all 'rc_is 2' 'err_has does-not-exist.xml'

mkdir -p "$tmp/empty"
run "$EN" -- validate --providers-dir "$tmp/empty"
check "validate: no provider files at all exits 1" all 'rc_is 1' '[ -s "$tmp/err" ]'

# ---- check, read in Chinese: titles, not internal ids ----
# A port nothing listens on: a socket bound to it (never listening) is held while the command
# runs, so the connection is refused (RST) and no other process can take the port meanwhile.
cat >"$tmp/refused" <<EOF
#!$PY
import os, socket, sys
args = []
for a in sys.argv[1:]:
    if "REFUSED" in a:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        os.set_inheritable(s.fileno(), True)
        a = a.replace("REFUSED", str(s.getsockname()[1]))
    args.append(a)
os.execv("$PA", ["$PA"] + args)
EOF
chmod +x "$tmp/refused"
printf 'not-a-real-password\n' >"$tmp/pw"
chmod 600 "$tmp/pw"
PA_REAL=$PA
PA=$tmp/refused
for loc in "$ZH" "$EN"; do
	run "$loc" -- check --offline --timeout 10 --password-file "$tmp/pw" \
		--imap 127.0.0.1:REFUSED --smtp 127.0.0.1:REFUSED zhangsan@sohu.com
	echo "$rc" >"$tmp/check-rc.${loc#LC_ALL=}"
	cp "$tmp/out" "$tmp/check-out.${loc#LC_ALL=}"
	cp "$tmp/err" "$tmp/check-err.${loc#LC_ALL=}"
done
use_run() { rc=$(cat "$tmp/check-rc.$1"); cp "$tmp/check-out.$1" "$tmp/out"; cp "$tmp/check-err.$1" "$tmp/err"; }
use_run zh_CN.UTF-8
check "check in Chinese: a refused connection, named by the stage's title" all 'rc_is 1' \
	'out_has "（SSL/TLS）" "IMAP  ✗ 连接服务器" "IMAP：在“连接服务器”这一步失败。" "原因：服务器拒绝了连接"'
check "check in Chinese: no stage, security or cause ids, no space after full-width colons" \
	all 'out_lacks "（ssl）" connect 阶段 "： " "(ip-not-allowed)"' \
	"! grep -E '\\([a-z]+(-[a-z]+)+\\)' \"\$tmp/out\""
use_run en_US.UTF-8
check "check in English is unchanged: ids for stage, security and other causes" all 'rc_is 1' \
	'out_has "(ssl), user zhangsan@sohu.com" "IMAP  ✗ connect  " "IMAP: failed at connect." "Cause: The server refused the connection" "(ip-not-allowed)"'
run "$ZH" -- check --json --offline --timeout 10 --password-file "$tmp/pw" \
	--imap 127.0.0.1:REFUSED --smtp 127.0.0.1:REFUSED zhangsan@sohu.com
check "check --json in Chinese keeps the ids" all 'rc_is 1' \
	'json "d[\"imap\"][\"stage\"] == \"connect\" and d[\"imap\"][\"security\"] == \"ssl\" and d[\"imap\"][\"cause\"] == \"connection-refused\" and d[\"imap\"][\"stages\"][0][\"stage\"] == \"connect\""'
PA=$PA_REAL

# ---- passwords: the tool never reads one ----
printf 'hunter2-secret\n' >"$tmp/stdin"
"$PA" show zhangsan@sohu.com <"$tmp/stdin" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "show reads no password from stdin and prints none" all 'rc_is 0' \
	"! grep -q hunter2 \"\$tmp/out\" \"\$tmp/err\""

tap_done
