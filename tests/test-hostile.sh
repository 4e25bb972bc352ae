#!/bin/sh
# test-hostile.sh — "provider-assistant check" against servers that try to hurt the client: Pango
# markup, terminal escape sequences and bells, NUL bytes, invalid UTF-8, 10 MB of data, thousands
# of continuation lines, a server that talks first, a hostile IMAP ID answer.  Each case must end in
# a clean diagnosis, in JSON (valid, text kept literally) and in the human output (control
# characters made visible), within the deadline and with bounded memory.  Real sockets on
# 127.0.0.1 (tests/servers/fakeserver.py).  Prints TAP.
. "${top_srcdir:?run through make check}/tests/check-env.sh"
TIMEOUT=4               # --timeout of every check (seconds)
MAX_GROWTH_KB=20480     # a hostile server may cost at most 20 MB more than a plain login

[ -x /usr/bin/time ] || skip_all "/usr/bin/time (package time) is not installed"
check_env_servers
printf 'hostile-test-password\n' > "$MPA_TMP/pw"
chmod 600 "$MPA_TMP/pw"    # private, as a password file should be (else: a warning on stderr)
printf 'a-different-password' > "$MPA_TMP/pw.other"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run NAME MODE ARGS...: MODE json or text; output in $OUT/NAME.MODE.{out,err,rc,ms,rss}
run() {
	_name=$1 _mode=$2; shift 2
	_j=
	[ "$_mode" = json ] && _j=--json
	_t0=$(now_ms)
	/usr/bin/time -f '%M' -o "$OUT/$_name.$_mode.rss" \
		"$CLI" check $_j --ca-file "$CA" --password-file "$MPA_TMP/pw" --timeout $TIMEOUT "$@" \
		>"$OUT/$_name.$_mode.out" 2>"$OUT/$_name.$_mode.err" </dev/null
	echo $? > "$OUT/$_name.$_mode.rc"
	echo $(($(now_ms) - _t0)) > "$OUT/$_name.$_mode.ms"
}

# judge NAME PROTO DESCRIPTION KEY=VALUE...: both outputs of NAME, with the JSON conditions
# (KEY a path like imap.stage; "~text" contains, "!text" does not contain).
judge() {
	_name=$1 _proto=$2 _desc=$3; shift 3
	_why=$("$PY" - "$OUT/$_name" "$_proto" "$TIMEOUT" "$BASE_RSS" "$MAX_GROWTH_KB" "$@" <<'PYEOF'
import json, os, sys
base, proto, timeout, base_rss, max_growth = sys.argv[1:6]
conds = sys.argv[6:]
bad = []
def read(mode, kind):
    return open('%s.%s.%s' % (base, mode, kind), 'rb').read()
for mode in ('json', 'text'):
    rc = int(read(mode, 'rc'))
    if rc != 1:
        bad.append('%s: exit status %d, want 1 (a failure, diagnosed)' % (mode, rc))
    ms = int(read(mode, 'ms'))
    # wall-clock limits are the normal build's to assert (a sanitizer build is several times slower)
    if ms > int(timeout) * 1000 + 700 and not os.environ.get('MPA_TEST_SANITIZED'):
        bad.append('%s: took %d ms (deadline %s s)' % (mode, ms, timeout))
    rss = int(read(mode, 'rss').split()[-1])
    if rss - int(base_rss) > int(max_growth):
        bad.append('%s: max RSS %d KB, %d KB more than a plain login' % (mode, rss, rss - int(base_rss)))
    for kind in ('out', 'err'):
        data = read(mode, kind)
        try:
            text = data.decode('utf-8')
        except UnicodeDecodeError as e:
            bad.append('%s std%s is not UTF-8: %s' % (mode, kind, e)); continue
        ctl = [c for c in text if (ord(c) < 0x20 and c not in '\n') or 0x7f <= ord(c) < 0xa0]
        if ctl:
            bad.append('%s std%s has raw control characters %r' % (mode, kind, sorted(set(ctl))))
        if kind == 'err' and text.strip():
            bad.append('%s stderr not empty: %r' % (mode, text[:200]))
try:
    data = json.loads(read('json', 'out'))
except Exception as e:
    print('; '.join(bad + ['no valid JSON: %s' % e])); sys.exit(1)
r = data.get(proto) or {}
if r.get('status') != 'failed':
    bad.append('%s.status is %r, want failed' % (proto, r.get('status')))
if not (data.get('diagnosis') or r.get('diagnosis') or r.get('causes')):
    pass  # where the diagnosis sits is checked through the conditions
text = read('text', 'out').decode('utf-8', 'replace')
for c in conds:
    key, want = c.split('=', 1)
    if key == 'text':
        if want[1:] not in text:
            bad.append('human output lacks %r' % want[1:])
        continue
    got = data
    for part in key.split('.'):
        got = got.get(part) if isinstance(got, dict) else None
    if want.startswith('~'):
        good = isinstance(got, str) and want[1:] in got
    elif want.startswith('!'):
        good = not (isinstance(got, str) and want[1:] in got)
    else:
        good = str(got) == want
    if not good:
        bad.append('%s: want %s, got %r' % (key, want, got if not isinstance(got, str) else got[:300]))
if bad:
    print('; '.join(bad)); sys.exit(1)
PYEOF
)
	_st=$?
	result $_st "$_desc"
	[ $_st -eq 0 ] || echo "# $_why"
	echo "#   max RSS $(tail -n 1 "$OUT/$_name.json.rss") / $(tail -n 1 "$OUT/$_name.text.rss") KB (json / text), $(cat "$OUT/$_name.json.ms") ms"
}

# both NAME PROTO ARGS...: the JSON run and the human run
both() {
	_n=$1 _p=$2; shift 2
	run "$_n" json user@example.com "$@"
	run "$_n" text user@example.com "$@"
}

echo "# starting fake servers"
ESC=$(printf '\033')
mpa_fake_spawn plain
mpa_fake_spawn markup --reply 'LOGIN=NO <b>bold</b> &amp; & <span foreground="red">red</span> <a href="x">'
mpa_fake_spawn markup_smtp --proto smtp --reply 'AUTH=535 5.7.8 <i>no</i> & <u>entry</u>'
mpa_fake_spawn escapes --json '{"replies": {"LOGIN": "NO [AUTHENTICATIONFAILED] \u001b[2J\u001b[31mred\u001b]0;owned\u0007 bell\u0007 csi\u009b1m rlo\u202eevil tab\tend"}}'
mpa_fake_spawn escapes_smtp --proto smtp --json '{"replies": {"AUTH": "535 5.7.8 \u001b[5mblink\u001b[0m\u0007\u0007"}}'
mpa_fake_spawn nul --json '{"replies": {"LOGIN": ["* NO before\u0000after\u0000", "NO [AUTHENTICATIONFAILED] nul\u0000inside"]}}'
mpa_fake_spawn nul_greeting --fault nul --reply 'LOGIN=NO [AUTHENTICATIONFAILED] x'
mpa_fake_spawn badutf8 --json '{"replies": {"LOGIN": [{"hex": "2a204e4f206261642027ff fe c3 28 e2 82 2720627974657320 0d0a"}, "NO [AUTHENTICATIONFAILED] see above"]}}'
mpa_fake_spawn badutf8_smtp --proto smtp --reply-hex 'AUTH=353335203520ff80c0afe0800d0a'
mpa_fake_spawn big_line --fault long-line --json '{"long_line_bytes": 10485760}'
mpa_fake_spawn big_lines --json '{"replies": {"LOGIN": [{"repeat": "* OK 0123456789012345678901234567890123456789012345678901234567890123456789", "count": 150000}, "NO done"]}}'
mpa_fake_spawn big_smtp --proto smtp --json '{"replies": {"AUTH": [{"repeat": "535-5.7.8 0123456789012345678901234567890123456789012345678901234567890123456789", "count": 150000}, "535 5.7.8 done"]}}'
mpa_fake_spawn many_ehlo --proto smtp --lines 3000 --reply 'AUTH=535 5.7.8 Authentication failed after 3000 EHLO lines'
mpa_fake_spawn many_smtp --proto smtp --json '{"replies": {"AUTH": [{"repeat": "535-5.7.8 line", "count": 3000}, "535 5.7.8 the end"]}}'
mpa_fake_spawn many_imap --json '{"replies": {"LOGIN": [{"repeat": "* NO warning", "count": 3000}, "NO [AUTHENTICATIONFAILED] the end"]}}'
mpa_fake_spawn talk --fault talk-first --user someone --password-file "$MPA_TMP/pw.other"
mpa_fake_spawn talk_smtp --proto smtp --fault talk-first --json '{"early": ["235 2.7.0 forged success", "250 forged"]}' --user someone --password-file "$MPA_TMP/pw.other"
mpa_fake_spawn id_hostile --json '{"capabilities": "IMAP4rev1 ID AUTH=PLAIN", "replies": {"ID": ["* ID (\"name\" \"Evil\u001b[2J\u0007\" \"version\" \"<b>1</b>\")", "OK ID done"], "LOGIN": "NO [AUTHENTICATIONFAILED] x"}}'
for s in plain markup markup_smtp escapes escapes_smtp nul nul_greeting badutf8 badutf8_smtp big_line \
	 big_lines big_smtp many_ehlo many_smtp many_imap talk talk_smtp id_hostile; do
	mpa_fake_wait $s || { echo "Bail out! fake server $s did not start"; exit 1; }
done

I="--imap 127.0.0.1"
S="--smtp 127.0.0.1"

# The yardstick: a plain successful login.
run plain json user@example.com $I:$plain_PORT
BASE_RSS=$(tail -n 1 "$OUT/plain.json.rss")
[ "$(cat "$OUT/plain.json.rc")" = 0 ] && [ "$BASE_RSS" -gt 0 ]
result $? "plain login works; its max RSS ($BASE_RSS KB) is the yardstick"

both markup imap $I:$markup_PORT
judge markup imap "IMAP Pango markup is shown literally" imap.stage=auth \
	'imap.reply=~NO <b>bold</b> &amp; & <span foreground="red">red</span> <a href="x">' \
	'text=~<b>bold</b> &amp; &'
both markup_smtp smtp $S:$markup_smtp_PORT
judge markup_smtp smtp "SMTP Pango markup is shown literally" smtp.smtp_code=535 \
	'smtp.reply=~535 5.7.8 <i>no</i> & <u>entry</u>' 'text=~<i>no</i> & <u>entry</u>'

both escapes imap $I:$escapes_PORT
judge escapes imap "IMAP escape sequences, bells, C1 and bidi controls are made visible" \
	imap.imap_code=AUTHENTICATIONFAILED 'imap.reply=~\x1b[2J\x1b[31mred\x1b]0;owned\x07 bell\x07 csi\x9b1m rlo\u202eevil tab end' \
	'text=~\x1b[2J'
both escapes_smtp smtp $S:$escapes_smtp_PORT
judge escapes_smtp smtp "SMTP escape sequences and bells are made visible" smtp.enhanced_code=5.7.8 \
	'smtp.reply=~\x1b[5mblink\x1b[0m\x07\x07' 'text=~\x1b[5mblink'

both nul imap $I:$nul_PORT
judge nul imap "NUL bytes in IMAP replies are made visible, the code still read" \
	imap.imap_code=AUTHENTICATIONFAILED 'imap.reply=~before\x00after' 'imap.reply=~nul\x00inside'
both nul_greeting imap $I:$nul_greeting_PORT
judge nul_greeting imap "NUL bytes in the greeting (not IMAP): refused at the greeting, shown visibly" imap.stage=greeting \
	'imap.reply=~hello\x00\x00world\x00 ready'

both badutf8 imap $I:$badutf8_PORT
judge badutf8 imap "invalid UTF-8 from an IMAP server becomes U+FFFD, valid JSON" imap.imap_code=AUTHENTICATIONFAILED \
	"imap.reply=~NO bad '"
both badutf8_smtp smtp $S:$badutf8_smtp_PORT
judge badutf8_smtp smtp "invalid UTF-8 from an SMTP server: code kept, valid output" smtp.smtp_code=535

both big_line imap $I:$big_line_PORT
judge big_line imap "a 10 MB greeting line: protocol error, bounded memory" imap.stage=greeting imap.net_error=protocol
both big_lines imap $I:$big_lines_PORT
judge big_lines imap "10 MB of untagged IMAP lines: protocol error, bounded memory" imap.stage=auth imap.net_error=protocol
both big_smtp smtp $S:$big_smtp_PORT
judge big_smtp smtp "10 MB of SMTP continuation lines: protocol error, bounded memory" smtp.stage=auth smtp.net_error=protocol

both many_ehlo smtp $S:$many_ehlo_PORT
judge many_ehlo smtp "3000 EHLO continuation lines are read, AUTH still diagnosed" smtp.stage=auth smtp.smtp_code=535 \
	'smtp.reply=~after 3000 EHLO lines'
both many_smtp smtp $S:$many_smtp_PORT
judge many_smtp smtp "a 535 of 3000 continuation lines: code and text kept, shown bounded" smtp.smtp_code=535 \
	smtp.enhanced_code=5.7.8 'smtp.reply=~535-5.7.8 line'
both many_imap imap $I:$many_imap_PORT
judge many_imap imap "3000 untagged NO lines before the verdict: code of the tagged line" imap.imap_code=AUTHENTICATIONFAILED

both talk imap $I:$talk_PORT
judge talk imap "an IMAP server talking first (forged OK) does not fake a login" imap.stage=auth
both talk_smtp smtp $S:$talk_smtp_PORT
judge talk_smtp smtp "an SMTP server talking first (forged 235) does not fake a login" smtp.stage=greeting

both id_hostile imap $I:$id_hostile_PORT
judge id_hostile imap "a hostile IMAP ID answer is made visible" 'imap.id=~Evil\x1b[2J\x07' 'text=~Evil\x1b[2J\x07'

tap_done
