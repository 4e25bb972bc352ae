#!/bin/sh
# test-quota.sh — "provider-assistant quota": the sending guard's counts and limits as a user or a
# script sees them.  Prints TAP.  Needs the environment of tests/tests.am.
set -u

PA="${top_builddir:?run through make check}/plugin/provider-assistant"
SRC_PROVIDERS=${MPA_PROVIDERS_PATH:?}
. "${top_srcdir:?}/tests/tap.sh"
# Never read the real user's files (the default config dir is ~/.claws-mail).
tap_tmpdir quota
. "$top_srcdir/tests/cli-run.sh"

EN="LC_ALL=en_US.UTF-8"
ZH="LC_ALL=zh_CN.UTF-8"

# A provider file with the stages of doc/provider-format.md, so the numbers below do not depend
# on the shipped data.
prov="$tmp/providers"
mkdir -p "$prov"
cat >"$prov/sohu.com.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1" xmlns:mpa="urn:x-claws-mail-provider-assistant:provider:1">
  <emailProvider id="sohu.com">
    <domain>sohu.com</domain>
    <domain>vip.sohu.com</domain>
    <displayName>Sohu Mail</displayName>
    <outgoingServer type="smtp">
      <hostname>smtp.sohu.com</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
    <mpa:assistant checked="2026-11-28">
      <mpa:name lang="en">Sohu Mail</mpa:name>
      <mpa:name lang="zh_CN">搜狐邮箱</mpa:name>
      <mpa:sending bulk-recipients="20">
        <mpa:stage from="0" to="7" daily="50" interval="300"/>
        <mpa:stage from="7" to="28" daily="150" interval="120"/>
        <mpa:stage from="28" daily="300" interval="60"/>
        <mpa:text lang="en">Personal mailboxes are for one-to-one mail.</mpa:text>
        <mpa:text lang="zh_CN">个人邮箱只适合一对一往来。</mpa:text>
      </mpa:sending>
    </mpa:assistant>
  </emailProvider>
  </clientConfig>
EOF
cat >"$prov/plain.example.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="plain.example">
    <domain>plain.example</domain>
    <displayName>Plain Example</displayName>
    <outgoingServer type="smtp">
      <hostname>smtp.plain.example</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
EOF
P="--providers-dir=$prov"

cfg="$tmp/cfg"
mkdir -p "$cfg"
guard="$cfg/provider_assistant_guard.rc"
today=$(date +%F)
ten_days_ago=$(date -d '10 days ago' +%F)
yesterday=$(date -d 'yesterday' +%F)

# ---- a fresh account: no guard file at all ----
run "$EN" -- quota zhangsan@sohu.com "$P" --config-dir "$cfg" --json
check "fresh Sohu account: JSON with the first-week limits" all 'rc_is 0' \
	"json 'd[\"sent_today\"] == 0 and d[\"daily_limit\"] == 50 and d[\"min_interval_s\"] == 300'" \
	"json 'd[\"bulk_recipients\"] == 20 and d[\"stage\"] == \"week-1\" and d[\"guard_enabled\"] is True'" \
	"json 'd[\"first_seen\"] is None and d[\"known\"] is False'"
check "a reader creates no file" test ! -e "$guard"

run "$EN" -- quota zhangsan@sohu.com "$P" --config-dir "$cfg"
check "fresh Sohu account: text says first week and 0 of about 50" all 'rc_is 0' \
	'out_has "first week" "0 of about 50" "5 min" "more than 20 recipients" "one-to-one"'

run "$ZH" -- quota zhangsan@sohu.com "$P" --config-dir "$cfg"
check "zh_CN: the stage and the provider's note in Chinese" all 'rc_is 0' \
	'out_has "第 1 周" "搜狐邮箱" "一对一" "5 分钟"'

# ---- counts written by the plugin ----
cat >"$guard" <<EOF
[guard]
version=1

[account 3 zhangsan@sohu.com]
account_id=3
address=zhangsan@sohu.com
first_seen=$ten_days_ago
day=$today
sent=7
last_sent=1700000000
enabled=true

[account 4 lisi@vip.sohu.com]
account_id=4
address=lisi@vip.sohu.com
first_seen=$ten_days_ago
day=$yesterday
sent=42
enabled=false
EOF
cp "$guard" "$tmp/guard.orig"

run "$EN" -- quota ZhangSan@SOHU.com "$P" --config-dir "$cfg" --json
check "counted account: today's count, second stage, first_seen" all 'rc_is 0' \
	"json 'd[\"sent_today\"] == 7 and d[\"daily_limit\"] == 150 and d[\"min_interval_s\"] == 120'" \
	"json 'd[\"stage\"] == \"weeks-2-4\" and d[\"first_seen\"] == \"$ten_days_ago\" and d[\"age_days\"] == 10'" \
	"json 'd[\"last_sent\"] == 1700000000 and d[\"known\"] is True'"

run "$EN" -- quota lisi@vip.sohu.com "$P" --config-dir "$cfg" --json
check "yesterday's count is not today's; the switch is read" all 'rc_is 0' \
	"json 'd[\"sent_today\"] == 0 and d[\"guard_enabled\"] is False'"

run "$EN" -- quota lisi@vip.sohu.com "$P" --config-dir "$cfg"
check "text shows the guard switched off" all 'rc_is 0' 'out_has "off"'

run "$EN" -- --config-dir "$cfg" quota zhangsan@sohu.com "$P"
check "--config-dir before the command" all 'rc_is 0' 'out_has "7 of about 150"'

mkdir -p "$HOME/.claws-mail"
cp "$guard" "$HOME/.claws-mail/"
run "$EN" -- quota zhangsan@sohu.com "$P" --json
check "default config dir is ~/.claws-mail" all 'rc_is 0' "json 'd[\"sent_today\"] == 7'"

run "$EN" -- quota someone@plain.example "$P" --json
check "provider without mpa:sending: no limits" all 'rc_is 0' \
	"json 'd[\"has_limits\"] is False and d[\"daily_limit\"] == 0 and d[\"stage\"] is None'"

# ---- a stray temporary file from an interrupted write is neither read nor removed ----
printf '[guard]\nversion=1\n[acc' >"$guard.Ab12Cd"
run "$EN" -- quota zhangsan@sohu.com "$P" --config-dir "$cfg" --json
check "a half-written temporary is ignored and left to the writer" all 'rc_is 0' \
	"json 'd[\"sent_today\"] == 7'" 'test -e "$guard.Ab12Cd"'
cmp -s "$guard" "$tmp/guard.orig"
check "the reader never rewrites the guard file" test $? -eq 0

# ---- failures ----
printf 'garbage without a group\n' >"$guard"
run "$EN" -- quota zhangsan@sohu.com "$P" --config-dir "$cfg"
check "damaged guard file: exit 1, named, not replaced" all 'rc_is 1' \
	'err_has "$guard" ".corrupt"' "grep -q garbage \"\$guard\""

rm -f "$guard"
mkdir "$guard"
run "$EN" -- quota zhangsan@sohu.com "$P" --config-dir "$cfg"
check "unreadable guard file: exit 1" rc_is 1
rmdir "$guard"

run "$EN" -- quota someone@unknown.example "$P" --config-dir "$cfg"
check "unknown provider: exit 3" rc_is 3

run "$EN" -- quota not-an-address "$P" --config-dir "$cfg"
check "not an address: exit 2" rc_is 2

run "$EN" -- quota "$P"
check "missing address: exit 2" all 'rc_is 2' 'err_has ADDRESS'

run "$EN" -- quota a@sohu.com b@sohu.com "$P"
check "two addresses: exit 2" rc_is 2

run "$EN" -- quota --help
check "quota --help names its options" all 'rc_is 0' 'out_has --config-dir --json ADDRESS'

# ---- the shipped data, when the Sohu file is there ----
if [ -f "$SRC_PROVIDERS/sohu.com.xml" ]; then
	run "$EN" -- quota zhangsan@sohu.com --config-dir "$tmp/empty" --json
	check "shipped sohu.com.xml: a fresh account is in its first week" all 'rc_is 0' \
		"json 'd[\"stage\"] == \"week-1\" and d[\"sent_today\"] == 0 and d[\"daily_limit\"] > 0'"
else
	skip "providers/sohu.com.xml not in this tree yet"
fi

tap_done
