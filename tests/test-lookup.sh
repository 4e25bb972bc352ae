#!/bin/sh
# test-lookup.sh — the settings lookup for a domain no provider file names (MX, the domain's own
# autoconfig over HTTPS, SRV), through the CLI, against a real DNS server (dnsmasq) and an HTTPS
# server with a test-CA certificate.  Prints TAP.
#
# Everything runs in private network and mount namespaces (tests/lookup-env.sh): dnsmasq on
# 127.0.0.2, HTTPS servers on 127.0.0.3 (trusted test CA) and 127.0.0.4 (a CA nobody trusts), and
# the namespace's own /etc/resolv.conf.  No query can leave the machine.
. "${top_srcdir:?run through make check}/tests/check-env.sh"
. "$srcdir/tests/lookup-env.sh"
lookup_enter_netns "$0"
lookup_env_init
unset MPA_CA_FILE
export COLUMNS=300   # one line per message, for the checks on human output

# ---- the world ----
cp "$srcdir"/tests/lookup/*.xml "$srcdir"/tests/lookup/*.txt "$LT/"
# A valid document made larger than 64 KiB by a comment.
{ sed -n 1p "$srcdir/tests/lookup/ac.test.xml"; printf '<!-- '; head -c 70000 /dev/zero | tr '\0' 'x'; printf ' -->\n';
  sed 1d "$srcdir/tests/lookup/ac.test.xml"; } > "$LT/big.xml"
cat > "$LT/routes.json" <<'JSON'
{
 "autoconfig.ac.test /mail/config-v1.1.xml": {"file": "ac.test.xml"},
 "wk.test /.well-known/autoconfig/mail/config-v1.1.xml": {"file": "wk.test.xml", "chunked": true},
 "autoconfig.both.test /mail/config-v1.1.xml": {"file": "ac.test.xml"},
 "both.test /.well-known/autoconfig/mail/config-v1.1.xml": {"file": "second.xml"},
 "autoconfig.big.test /mail/config-v1.1.xml": {"file": "big.xml"},
 "autoconfig.bigchunk.test /mail/config-v1.1.xml": {"file": "big.xml", "chunked": true},
 "autoconfig.laughs.test /mail/config-v1.1.xml": {"file": "laughs.xml"},
 "autoconfig.html.test /mail/config-v1.1.xml": {"file": "html.txt"},
 "autoconfig.redirect.test /mail/config-v1.1.xml": {"status": 301, "location": "https://autoconfig.ac.test/mail/config-v1.1.xml"},
 "autoconfig.silent.test /mail/config-v1.1.xml": {"silent": true},
 "autoconfig.mxfast.test /mail/config-v1.1.xml": {"silent": true},
 "autoconfig.untrusted.test /mail/config-v1.1.xml": {"file": "ac.test.xml"},
 "autoconfig.links.test /mail/config-v1.1.xml": {"file": "links.test.xml"}
}
JSON
# Every MX pattern of the shipped provider files, each as a company domain coN.test whose MX
# record names it: "coN.test MX-HOST PROVIDER-ID" lines in $LT/mx-cases.
"$PY" - "$srcdir/providers" > "$LT/mx-cases" <<'PYEOF'
import glob, re, sys
n = 0
for f in sorted(glob.glob(sys.argv[1] + '/*.xml')):
    text = open(f, encoding='utf-8').read()
    m = re.search(r'<emailProvider\s+id="([^"]+)"', text)
    for kind, value in re.findall(r'<mpa:mx\s+(host|suffix)="([^"]+)"', text):
        n += 1
        print('co%d.test %s %s' % (n, value if kind == 'host' else 'mx1.' + value, m.group(1)))
PYEOF
MX_ARGS=
while read -r dom host id; do MX_ARGS="$MX_ARGS --mx-host=$dom,$host,10"; done < "$LT/mx-cases"
# Two providers' MX hosts for the preference tests.
MX_A=$(awk 'NR == 1 { print $2 }' "$LT/mx-cases"); ID_A=$(awk 'NR == 1 { print $3 }' "$LT/mx-cases")
MX_B=$(awk -v a="$ID_A" '$3 != a { print $2; exit }' "$LT/mx-cases")
ID_B=$(awk -v a="$ID_A" '$3 != a { print $3; exit }' "$LT/mx-cases")

lookup_leaf web "DNS:autoconfig.ac.test,DNS:wk.test,DNS:autoconfig.both.test,DNS:both.test,DNS:autoconfig.big.test,DNS:autoconfig.bigchunk.test,DNS:autoconfig.laughs.test,DNS:autoconfig.html.test,DNS:autoconfig.redirect.test,DNS:autoconfig.silent.test,DNS:autoconfig.mxfast.test,DNS:autoconfig.links.test"
lookup_leaf untrusted "DNS:autoconfig.untrusted.test" other-ca
lookup_dns_start \
	--address=/autoconfig.ac.test/127.0.0.3 --address=/imap.ac.test/127.0.0.5 \
	--address=/wk.test/127.0.0.3 \
	--address=/autoconfig.both.test/127.0.0.3 --address=/both.test/127.0.0.3 \
	--address=/autoconfig.big.test/127.0.0.3 --address=/autoconfig.bigchunk.test/127.0.0.3 \
	--address=/autoconfig.laughs.test/127.0.0.3 --address=/autoconfig.html.test/127.0.0.3 \
	--address=/autoconfig.redirect.test/127.0.0.3 --address=/autoconfig.silent.test/127.0.0.3 \
	--address=/autoconfig.untrusted.test/127.0.0.4 --address=/autoconfig.links.test/127.0.0.3 \
	--srv-host=_imaps._tcp.srv.test,mail.srv.test,993,10,0 \
	--srv-host=_imaps._tcp.srv.test,backup.srv.test,994,20,0 \
	--srv-host=_submissions._tcp.srv.test,mail.srv.test,465,10,0 \
	--srv-host=_imap._tcp.srv.test,plain.srv.test,143,0,0 \
	--srv-host=_imap._tcp.srvst.test,mail.srvst.test,143,0,0 \
	--srv-host=_submission._tcp.srvst.test,mail.srvst.test,587,0,0 \
	--srv-host=_imaps._tcp.srvout.test,imap.hoster.test,993,0,0 \
	--srv-host=_submissions._tcp.srvout.test,smtp.hoster.test,465,0,0 \
	--srv-host=_imaps._tcp.srvbad.test,srvbad.test.evil.test,993,0,0 \
	$MX_ARGS \
	--mx-host=mixed.test,mx.unknown.test,5 --mx-host=mixed.test,"$MX_A",10 \
	--mx-host=unknownmx.test,mx.unknown.test,10 \
	--srv-host=_imaps._tcp.unknownmx.test,mail.unknownmx.test,993,0,0 \
	--srv-host=_submissions._tcp.unknownmx.test,mail.unknownmx.test,465,0,0 \
	--mx-host=mxfast.test,"$MX_A",10 --address=/autoconfig.mxfast.test/127.0.0.3 \
	${MX_B:+--mx-host=pref.test,$MX_A,20 --mx-host=pref.test,$MX_B,10}
lookup_https_start 127.0.0.3 web "$LT/routes.json"
lookup_https_start 127.0.0.4 untrusted "$LT/routes.json"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run NAME ARGS...: output in $LT/NAME.out (stdout) and .err, exit status .rc, wall time .ms
run() {
	_name=$1; shift
	_t0=$(now_ms)
	"$CLI" "$@" >"$LT/$_name.out" 2>"$LT/$_name.err" </dev/null
	echo $? > "$LT/$_name.rc"
	echo $(($(now_ms) - _t0)) > "$LT/$_name.ms"
}

# expect NAME DESCRIPTION PYTHON-CONDITION: d = the JSON output (or None), out, err, rc, ms
expect() {
	_why=$("$PY" - "$LT/$1" "$3" <<'PYEOF'
import json, os, sys
base, cond = sys.argv[1], sys.argv[2]
out = open(base + '.out', encoding='utf-8').read(); err = open(base + '.err', encoding='utf-8').read()
rc = int(open(base + '.rc').read()); ms = int(open(base + '.ms').read())
try:
    d = json.loads(out)
except ValueError:
    d = None
slow = 3 if os.environ.get('MPA_TEST_SANITIZED') else 1
try:
    good = eval(cond)
except Exception as e:
    good = False; print('exception %r' % e)
if not good:
    print('failed: %s; rc=%d ms=%d' % (cond, rc, ms))
    print('stdout: ' + out[:600].replace('\n', '\n# '))
    print('stderr: ' + err[:900].replace('\n', '\n# '))
    sys.exit(1)
PYEOF
)
	_st=$?
	result $_st "$2"
	[ $_st -eq 0 ] || printf '%s\n' "$_why" | sed 's/^/# /'
}

CA="--ca-file $LT/certs/ca.pem"

# 0. MX: every MX pattern of every provider file finds its provider.
[ -s "$LT/mx-cases" ]
result $? "the provider files declare MX patterns (mpa:mx)" "$LT/mx-cases"
while read -r dom host id; do
	run "mx-$dom" show --json $CA "u@$dom"
	expect "mx-$dom" "MX $host: $dom is hosted by $id (source mx, found_via the MX host)" \
		"rc == 0 and d['source'] == 'mx' and d['provider'] == '$id' and d['found_via'] == ['$host']"
done < "$LT/mx-cases"
run mixed show --json $CA u@mixed.test
expect mixed "MX: an unknown host with a better preference is passed over for a known one" \
	"rc == 0 and d['source'] == 'mx' and d['provider'] == '$ID_A' and d['found_via'] == ['$MX_A']"
if [ -n "$MX_B" ]; then
	run pref show --json $CA u@pref.test
	expect pref "MX: of two known hosts the better preference (10) wins over the first listed (20)" \
		"rc == 0 and d['provider'] == '$ID_B' and d['found_via'] == ['$MX_B']"
else
	skip "MX: of two known hosts the better preference wins" "fewer than two providers with mpa:mx"
fi
run unknownmx show --json $CA u@unknownmx.test
expect unknownmx "MX: only unknown hosts: the lookup goes on (here to SRV)" \
	"rc == 0 and d['source'] == 'srv' and d['imap']['host'] == 'mail.unknownmx.test'"
run mxhuman show $CA u@mixed.test
expect mxhuman "MX, human output: 'Mail for mixed.test is hosted by ..., found from the domain's MX record'" \
	"rc == 0 and 'Mail for mixed.test is hosted by' in out and 'MX record' in out"
# The autoconfig server of mxfast.test never answers: an MX match does not wait for it.
run mxfast show --json --timeout 4 $CA u@mxfast.test
expect mxfast "MX match with a silent autoconfig server: the verdict at once (< 1 s), not at the 4 s deadline" \
	"rc == 0 and d['source'] == 'mx' and ms < 1000 * slow"

# 1. The domain's own autoconfig, first URL (autoconfig.DOMAIN, with the address).
run ac show --json $CA u@ac.test
expect ac "autoconfig.DOMAIN: found, source autoconfig, provider = the document's id" \
	"rc == 0 and d['source'] == 'autoconfig' and d['provider'] == 'ac.test' and d['imap']['host'] == 'imap.ac.test' and d['smtp']['port'] == 465"
expect ac "autoconfig.DOMAIN: found_via is the URL, with the address" \
	"d['found_via'] == ['https://autoconfig.ac.test/mail/config-v1.1.xml?emailaddress=u%40ac.test'] and not d['needs_confirmation']"
grep -q '^autoconfig.ac.test /mail/config-v1.1.xml?emailaddress=u%40ac.test$' "$LT/https.log"
result $? "autoconfig.DOMAIN: the server saw Host autoconfig.ac.test and ?emailaddress=u%40ac.test" "$LT/https.log"

# 2. The well-known URL on the domain itself (served chunked); autoconfig.DOMAIN does not exist.
run wk show --json $CA u@wk.test
expect wk "DOMAIN/.well-known/autoconfig: found (chunked answer)" \
	"rc == 0 and d['source'] == 'autoconfig' and d['provider'] == 'wk.test' and d['found_via'] == ['https://wk.test/.well-known/autoconfig/mail/config-v1.1.xml']"

# 3. Both URLs answer: autoconfig.DOMAIN wins.
run both show --json $CA u@both.test
expect both "both autoconfig URLs answer: autoconfig.DOMAIN's document is used" \
	"rc == 0 and d['provider'] == 'ac.test' and 'autoconfig.both.test' in d['found_via'][0]"

# 4. Human output says where the settings came from.
run achuman show $CA u@ac.test
expect achuman "human output: servers and 'configuration document (URL)'" \
	"rc == 0 and 'imap.ac.test' in out and 'configuration document' in out and '(https://autoconfig.ac.test/mail/config-v1.1.xml?emailaddress=u%40ac.test)' in out"

# 5. MPA_CA_FILE works like --ca-file; without either, the test CA is not trusted.
MPA_CA_FILE=$LT/certs/ca.pem run acenv show --json u@ac.test
expect acenv "MPA_CA_FILE trusts the test CA like --ca-file" "rc == 0 and d['source'] == 'autoconfig'"
# (--timeout 30: under the sanitizers, loading the system's trust store alone takes seconds)
run acnoca show --json --timeout 30 u@ac.test
expect acnoca "without the test CA the certificate is not trusted: nothing found, exit 3, the reason shown" \
	"rc == 3 and d is None and 'autoconfig.ac.test/mail/config-v1.1.xml?emailaddress=u%40ac.test: the certificate' in err"
# The deadline comes while the fetch is still verifying (sanitizers: loading the trust store) or
# just after: the program ends cleanly either way, never under a thread still in TLS.
run acnoca1 show --json --timeout 0.3 u@ac.test
expect acnoca1 "a deadline during the certificate check: exit 3, no crash at exit" "rc == 3 and 'Sanitizer' not in err"

# 6. Untrusted certificate (a CA nobody trusts), even with --ca-file: ignored.
run untrusted show --json $CA u@untrusted.test
expect untrusted "autoconfig with an untrusted certificate: ignored, exit 3" \
	"rc == 3 and 'autoconfig.untrusted.test/mail/config-v1.1.xml?emailaddress=u%40untrusted.test: the certificate' in err"

# 7. Oversized and hostile documents are rejected; the lookup still ends with a verdict.
run big show --json $CA u@big.test
expect big "a document over 64 KiB (Content-Length): rejected, exit 3" "rc == 3 and '64 KiB' in err"
run bigchunk show --json $CA u@bigchunk.test
expect bigchunk "a document over 64 KiB (chunked): rejected, exit 3" "rc == 3 and '64 KiB' in err"
run laughs show --json $CA u@laughs.test
expect laughs "a document with entity definitions (billion laughs): rejected quickly, exit 3" \
	"rc == 3 and ms < 3000 * slow"
run html show --json $CA u@html.test
expect html "an HTML page instead of a document: rejected, exit 3" "rc == 3 and d is None"
run redirect show --json $CA u@redirect.test
expect redirect "a redirect is not followed (status 200 only): exit 3" "rc == 3 and '301' in err"

# 7b. A document's texts are plain data, and only its https links are kept.
run links show --json $CA u@links.test
expect links "autoconfig links: only the https link is kept; the step that pointed at the http one has no link" \
	"rc == 0 and [l['url'] for l in d['links']] == ['https://links.test/settings'] and d['steps'][0]['link'] is None and d['steps'][1]['link']['url'] == 'https://links.test/settings'"
expect links "autoconfig texts: markup in the document stays text" \
	"d['password']['hint'] == '<b>Bold?</b> <a href=\"http://evil.test/\">click</a>'"
run linkshuman show $CA u@links.test
expect linkshuman "autoconfig links, human output: no http:// link anywhere" \
	"rc == 0 and 'http://evil.test/settings' not in out and 'https://links.test/settings' in out"

# 8. SRV inside the domain: implicit TLS first, best priority first.
run srv show --json $CA u@srv.test
expect srv "SRV inside the domain: source srv, _imaps (priority 10) and _submissions, no confirmation needed" \
	"rc == 0 and d['source'] == 'srv' and d['provider'] == 'srv.test' and d['imap'] == {'host': 'mail.srv.test', 'port': 993, 'security': 'ssl', 'username': 'u@srv.test', 'auth': 'login'} and d['smtp']['port'] == 465 and d['smtp']['security'] == 'ssl' and not d['needs_confirmation']"
expect srv "SRV: found_via names the SRV records" \
	"d['found_via'] == ['_imaps._tcp.srv.test', '_submissions._tcp.srv.test']"
run srvst show --json $CA u@srvst.test
expect srvst "SRV _imap/_submission only: STARTTLS on 143 and 587" \
	"rc == 0 and d['imap']['security'] == 'starttls' and d['imap']['port'] == 143 and d['smtp']['port'] == 587 and d['smtp']['security'] == 'starttls'"

# 9. SRV outside the domain: a suggestion, marked as such.
run srvout show --json $CA u@srvout.test
expect srvout "SRV outside the domain: shown, but needs_confirmation" \
	"rc == 0 and d['source'] == 'srv' and d['needs_confirmation'] is True and d['imap']['host'] == 'imap.hoster.test'"
run srvouthuman show $CA u@srvout.test
expect srvouthuman "SRV outside the domain, human output: says the servers are outside srvout.test" \
	"rc == 0 and 'outside srvout.test' in out"
run srvbad show --json $CA u@srvbad.test
expect srvbad "a host that merely starts with the domain's name is outside it" \
	"rc == 0 and d['needs_confirmation'] is True"

# 10. A provider file wins: no query at all.
: > "$LT/dns.log.mark"; _before=$(wc -l < "$LT/dns.log")
run sohu show --json u@sohu.com
expect sohu "a provider file's domain: source provider-file" "rc == 0 and d['source'] == 'provider-file' and d['provider'] == 'sohu.com'"
_after=$(wc -l < "$LT/dns.log")
[ "$_before" -eq "$_after" ]
result $? "a provider file's domain: not a single DNS query was made" "$LT/dns.log"

# 11. --offline: nothing goes out, exit 3.
_before=$(grep -c 'offline.test' "$LT/dns.log")
run offline show --json --offline $CA u@offline.test
expect offline "--offline: exit 3 at once" "rc == 3 and d is None and ms < 1000 * slow"
[ "$(grep -c 'offline.test' "$LT/dns.log")" -eq "$_before" ]
result $? "--offline: no DNS query was made" "$LT/dns.log"

_before=$(grep -c 'offline.test' "$LT/dns.log")
MPA_OFFLINE=1 run offlineenv show --json $CA u@offline.test
expect offlineenv "MPA_OFFLINE=1 (the switch for the plugin too): exit 3 at once" "rc == 3 and d is None"
[ "$(grep -c 'offline.test' "$LT/dns.log")" -eq "$_before" ]
result $? "MPA_OFFLINE=1: no DNS query was made" "$LT/dns.log"

# 12. NXDOMAIN everywhere: exit 3 quickly, saying nothing was found.
run nx show --json $CA u@nx.test
expect nx "NXDOMAIN: exit 3 quickly, the message says nothing was found" \
	"rc == 3 and ms < 2000 * slow and 'found nothing' in err and 'no name server' not in err"

# 13. The autoconfig server accepts and never answers: the verdict comes at the deadline.
run silent show --json --timeout 2 $CA u@silent.test
expect silent "a silent autoconfig server: exit 3 by the deadline (--timeout 2)" \
	"rc == 3 and 1800 <= ms < 2000 + 1000 * slow"

# 14. check ADDRESS uses the same lookup (no --imap/--smtp): it tries the document's server.
printf 'not-used\n' > "$LT/pw"
run checkac check $CA --password-file "$LT/pw" --timeout 3 u@ac.test
expect checkac "check: an autoconfig domain is checked on the document's servers" \
	"rc == 1 and 'imap.ac.test port 993' in out and 'configuration document' in out"
run checksrvout check $CA --password-file "$LT/pw" --timeout 3 u@srvout.test
expect checksrvout "check: SRV servers outside the domain get no password, exit 3" \
	"rc == 3 and 'not sent' in err"
run checknx check --json $CA --password-file "$LT/pw" u@nx.test
expect checknx "check: nothing found is exit 3" "rc == 3"

# 15. A name server that never answers (the resolver's own timeout is longer than ours): the
#     verdict by the deadline, saying no name server answered.
"$PY" - "$LT/silentdns.ready" <<'PYEOF' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.9', 53))
open(sys.argv[1], 'w').close()
end = time.monotonic() + 600
s.settimeout(1)
while time.monotonic() < end:
    try:
        s.recvfrom(512)      # and never answer
    except socket.timeout:
        pass
PYEOF
LOOKUP_PIDS="$LOOKUP_PIDS $!"
_i=0; while [ ! -e "$LT/silentdns.ready" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
lookup_resolv 'nameserver 127.0.0.9
options timeout:10 attempts:2'
run dnssilent show --json --timeout 2 $CA u@ac.test
expect dnssilent "silent name server: exit 3 by the deadline (--timeout 2), not the resolver's 20 s" \
	"rc == 3 and 1800 <= ms < 2000 + 1000 * slow"
expect dnssilent "silent name server: the message says no name server answered within 2 seconds" \
	"'no name server answered within 2 seconds' in err"
# The engine's own deadline and cancel with this name server (tests/test-lookup.c).
MPA_LOOKUP_SILENT_DNS=1 "$builddir/tests/test-lookup-engine" >"$LT/engine.log" 2>&1
_st=$?
grep -q 'SKIP' "$LT/engine.log" && _st=1
result $_st "engine: a silent name server ends at the deadline; a cancel answers at once (test-lookup-engine)" "$LT/engine.log"
run dnssilent5 show --json $CA u@ac.test
expect dnssilent5 "silent name server, default deadline: exit 3 within 5 s" \
	"rc == 3 and 4800 <= ms < 5000 + 1000 * slow"
lookup_resolv 'nameserver 127.0.0.2
options timeout:2 attempts:1'

tap_done
