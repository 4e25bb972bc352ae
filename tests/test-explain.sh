#!/bin/sh
# test-explain.sh — "provider-assistant explain", run the way a user runs it.  Prints TAP.
# Needs the environment of tests/tests.am (top_builddir, LOCPATH, MPA_LOCALEDIR, MPA_PROVIDERS_PATH).
set -u

PA="${top_builddir:?run through make check}/plugin/provider-assistant"
. "${top_srcdir:?}/tests/tap.sh"
tap_tmpdir explain
. "$top_srcdir/tests/cli-run.sh"

# json_is EXPR VALUE: a Python expression on the parsed output (variable j) equals VALUE
json_is() {
	$PY -c 'import json,sys; j=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); sys.exit(0 if str(v)==sys.argv[3] else 1)' \
		"$tmp/out" "$1" "$2"
}

QQ535='535 Login Fail. Please enter your authorization code to login. More information in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256'

run LC_ALL=C.UTF-8 -- explain --address zhangsan@example.net --protocol smtp --stage auth --reply "$QQ535"
check "QQ 535, unknown domain (generic rules): exit 0" test "$rc" -eq 0
check "QQ 535, unknown domain (generic rules): the cause's title" out_has "Cause: Use the app password (authorization code), not your login password"
check "QQ 535, unknown domain (generic rules): the steps" out_has "1. Log in to your mailbox in a web browser"
check "QQ 535, unknown domain (generic rules): other candidates with titles" out_has "- The user name or password was not accepted (wrong-credentials)"
check "QQ 535, unknown domain (generic rules): the server's words" out_has "Server said: 535 Login Fail."

run LC_ALL=C.UTF-8 -- explain --address zhangsan@example.net --protocol smtp --stage auth --reply "$QQ535" --json
check "--json, generic rules: exit 0" test "$rc" -eq 0
check "--json, generic rules: cause" json_is 'j["cause"]' app-password-required
check "--json, generic rules: candidates are the other causes, in order" json_is '",".join(j["candidates"])' wrong-credentials,service-disabled
check "--json, generic rules: title, fix, link, reply" json_is 'bool(j["title"]) and "1." in j["fix"] and "link" in j and j["reply"].startswith("535 Login Fail")' True

# The same reply at qq.com: QQ's own provider file words the fix and orders the candidates.
run LC_ALL=C.UTF-8 -- explain --address zhangsan@qq.com --protocol smtp --stage auth --reply "$QQ535" --json
check "QQ 535 at qq.com: exit 0" test "$rc" -eq 0
check "QQ 535 at qq.com: provider rule" json_is 'j["provider"]+" "+j["cause"]+" "+str(j["from_provider_rule"])' "qq.com app-password-required True"
check "QQ 535 at qq.com: QQ's own title" json_is '"QQ Mail authorization code" in j["title"]' True

# QQ's 535 as older servers send it, in GBK: "请使用授权码登录。"
printf '535 Error: \307\353\312\271\323\303\312\332\310\250\302\353\265\307\302\274\241\243' >"$tmp/gbk.txt"
run LC_ALL=C.UTF-8 -- explain --address zhangsan@qq.com --protocol smtp --stage auth --reply-file "$tmp/gbk.txt" --json
check "--reply-file GBK: exit 0" test "$rc" -eq 0
check "--reply-file GBK: decoded, no mojibake" json_is 'j["reply"]' '535 Error: 请使用授权码登录。'
check "--reply-file GBK: app-password-required" json_is 'j["cause"]' app-password-required
cp "$tmp/out" "$tmp/gbk.json"
run LC_ALL=C.UTF-8 -- explain --address zhangsan@qq.com --protocol smtp --stage auth --reply '535 Error: 请使用授权码登录。' --json
check "GBK reply == its UTF-8 twin" cmp -s "$tmp/out" "$tmp/gbk.json"
run LC_ALL=C.UTF-8 -- explain --address zhangsan@qq.com --protocol smtp --stage auth --reply "$(cat "$tmp/gbk.txt")" --json
check "--reply with GBK bytes == its UTF-8 twin" cmp -s "$tmp/out" "$tmp/gbk.json"
run LC_ALL=C.UTF-8 -- explain --address zhangsan@qq.com --protocol smtp --stage auth --reply-file - --json
check "--reply-file - reads standard input" test "$rc" -eq 0

run LC_ALL=zh_CN.UTF-8 -- explain --address zhangsan@sohu.com --protocol smtp --stage auth --reply '535 Authentication failed'
check "Sohu 535 in Chinese: exit 0" test "$rc" -eq 0
check "Sohu 535 in Chinese: Sohu's title" out_has "原因：请使用独立密码，而不是登录密码"
check "Sohu 535 in Chinese: Chinese labels, no space after their full-width colons" out_has "服务器回复：535 Authentication failed"
check "Sohu 535 in Chinese: the whitelist among the candidates, by its title, not its id" \
	sh -c 'grep -qF "IP白名单挡住了这次连接" "$1" && ! grep -qF "(ip-not-allowed)" "$1" && ! grep -qF "： " "$1"' _ "$tmp/out"

run LC_ALL=C.UTF-8 -- explain --address zhangsan@sohu.com --protocol imap --stage auth --reply 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.' --json
check "Sohu IMAP AUTHENTICATIONFAILED: independent password first" json_is 'j["cause"]+" "+str("service-disabled" in j["candidates"] and "ip-not-allowed" in j["candidates"])' "app-password-required True"
check "Sohu: the provider and its link" json_is 'j["provider"]+" "+str(j["link"].startswith("https://"))' "sohu.com True"

run LC_ALL=C.UTF-8 -- explain --address zhangsan@example.org --protocol imap --stage select --reply "$(printf 'a3 NO the \033[31mflux\033[0m capacitor')" --json
check "unknown domain, unknown reply: exit 0" test "$rc" -eq 0
check "unknown domain: note on stderr" err_has "generic rules"
check "unknown reply: cause unknown, no provider" json_is 'j["cause"]+" "+str(j["provider"])' "unknown None"
check "unknown reply: raw text shown, escapes made visible" json_is 'j["reply"]' 'a3 NO the \x1b[31mflux\x1b[0m capacitor'

run LC_ALL=C.UTF-8 -- explain --address zhangsan@example.org --protocol imap --stage auth --reply 'a1 NO whatever' --code limit --json
check "--code overrides the reply" json_is 'j["cause"]' rate-limited
run LC_ALL=C.UTF-8 -- explain --address zhangsan@example.org --protocol smtp --stage auth --reply 'no code here' --code 5.7.139 --json
check "--code takes an enhanced code" json_is 'j["cause"]' oauth-required

# A password that worked before: the headline says it is no longer valid (issue 19's last pit)
run LC_ALL=C.UTF-8 -- explain --address zhangsan@sohu.com --protocol smtp --stage auth --reply '535 Authentication failed' --worked-before --json
check "--worked-before at Sohu: still the independent password" json_is 'j["cause"]' app-password-required
check "--worked-before at Sohu: the headline" json_is 'j["title"]' "The independent password is no longer valid: it was deleted, replaced, or the login password was changed"
check "--worked-before at Sohu: its steps" json_is '"Delete the old one" in j["fix"]' True
run LC_ALL=zh_CN.UTF-8 -- explain --address zhangsan@sohu.com --protocol smtp --stage auth --reply '535 Authentication failed' --worked-before
check "--worked-before at Sohu, in Chinese" out_has "独立密码已经失效：它被删除或重新生成了，或者登录密码被修改过"
run LC_ALL=C.UTF-8 -- explain --address zhangsan@sohu.com --protocol smtp --stage auth --reply '535 Authentication failed' --json
check "without --worked-before: the first-login headline" json_is '"no longer valid" in j["title"]' False

# Other programs' connection and TLS texts; the port and the security setting in the fix
run LC_ALL=C.UTF-8 -- explain --address a@example.net --protocol smtp --stage tls --reply 'Error: 140327535802304:error:1408F10B:SSL routines:ssl3_get_record:wrong version number' --port 587 --security ssl --json
check "OpenSSL wrong version number: tls-handshake-failed" json_is 'j["cause"]' tls-handshake-failed
check "OpenSSL wrong version number: the fix names port 587 and STARTTLS" json_is '"Port 587 starts unencrypted" in j["fix"]' True
run LC_ALL=C.UTF-8 -- explain --address a@example.net --protocol smtp --stage connect --reply 'Error: connect ETIMEDOUT 203.0.113.9:25' --json
check "Node.js ETIMEDOUT on port 25: timeout, port 25 named" json_is 'j["cause"]+" "+str("Port 25" in j["fix"])' "timeout True"
# Claws Mail's own text names port 25: the advice once in the whole answer, not under every cause
run LC_ALL=C.UTF-8 -- explain --address a@example.net --protocol smtp --stage connect --reply "can't connect to SMTP server: smtp.example.net:25"
check "Claws 'can't connect' on port 25: refused, then time-out" out_has "Cause: The server refused the connection" "(timeout)"
check "Claws 'can't connect' on port 25: the port-25 advice said once" test "$(tr -s ' \n' '  ' < "$tmp/out" | grep -o 'Port 25 is meant' | wc -l)" -eq 1
run LC_ALL=C.UTF-8 -- explain --address a@example.net --protocol smtp --stage connect --reply 'no idea what this is' --json
check "an unknown text at connect: the stage's causes as candidates" json_is 'j["cause"]+" "+",".join(j["candidates"][:3])' "unknown dns-failure,connection-refused,timeout"
run LC_ALL=C.UTF-8 -- explain --address zhangsan@qq.com --protocol smtp --stage auth --reply '530 Must issue a STARTTLS command first' --json
check "encryption required at QQ: not the authorization code" json_is 'j["cause"]+" "+str("smtp.qq.com:465" in j["fix"])' "encryption-required True"

run -- explain --protocol smtp --stage auth --reply x
check "missing --address: exit 2" test "$rc" -eq 2
run -- explain --address a@qq.com --protocol smtp --stage auth --reply x --security tls13
check "bad --security: exit 2" test "$rc" -eq 2
run -- explain --address a@qq.com --protocol smtp --stage auth --reply x --port 70000
check "bad --port: exit 2" test "$rc" -eq 2
run -- explain --address a@qq.com --protocol pop3 --stage auth --reply x
check "bad --protocol: exit 2" test "$rc" -eq 2
run -- explain --address a@qq.com --protocol smtp --stage login --reply x
check "bad --stage: exit 2" test "$rc" -eq 2
run -- explain --address a@qq.com --protocol smtp --stage auth
check "no reply: exit 2" test "$rc" -eq 2
run -- explain --address a@qq.com --protocol smtp --stage auth --reply x --reply-file "$tmp/gbk.txt"
check "--reply and --reply-file: exit 2" test "$rc" -eq 2
run -- explain --address a@qq.com --protocol smtp --stage auth --reply x --code 5x5
check "bad --code: exit 2" test "$rc" -eq 2
run -- explain --address not-an-address --protocol smtp --stage auth --reply x
check "not an address: exit 2" test "$rc" -eq 2
run -- explain --address a@qq.com --protocol smtp --stage auth --reply-file "$tmp/missing"
check "missing reply file: exit 2 and says so" sh -c "test $rc -eq 2 && grep -q missing '$tmp/err'"
run -- --help
check "explain is listed in --help" out_has "explain"

tap_done
