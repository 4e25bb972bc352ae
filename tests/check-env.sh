# check-env.sh — the common start of the tests that run provider-assistant against servers of
# their own (test-check*.sh, test-hostile.sh, test-secrets.sh, test-lookup.sh); sourced first:
#
#   . "${top_srcdir:?run through make check}/tests/check-env.sh"
#
# Sets srcdir, builddir, CLI (the built provider-assistant) and PY (the system Python, which has
# the servers' modules); loads tests/tap.sh and skips the test under MPA_SKIP_SERVERS.
#   check_env_servers [dovecot]   tests/servers/lib.sh with a directory of the test's own
#                                 ($MPA_TMP, removed at exit), CA (the test CA's certificate) and
#                                 OUT (an empty directory for outputs); "dovecot": skipped unless
#                                 the real server can run (mpa_have_dovecot)
#   expect NAME DESCRIPTION CONDITION...   one test point on a JSON run of the CLI (below)
set -u
srcdir=${top_srcdir:?run through make check}
builddir=${top_builddir:?run through make check}
CLI=$builddir/plugin/provider-assistant
PY=/usr/bin/python3

. "$srcdir/tests/tap.sh"
skip_if_no_servers

check_env_servers() {
	. "$srcdir/tests/servers/lib.sh"
	if [ "${1:-}" = dovecot ]; then
		mpa_have_dovecot || skip_all "Dovecot, dovecot-auth-lua or python3-aiosmtpd not installed"
	fi
	mpa_servers_init
	CA=$MPA_TEST_CERTS/ca.pem
	OUT=$MPA_TMP/out
	mkdir -p "$OUT"
}

# expect NAME DESCRIPTION CONDITION...: one test point on the CLI's run NAME ($OUT/NAME.json,
# .rc, .err, and .ms for the time conditions); on failure the unmet conditions and the start
# of the run's stderr.  A CONDITION is KEY=VALUE: KEY a path in the JSON like imap.stage, VALUE
# "~text" contains (a substring of a string, or a member of a list), "null" JSON null, else the
# value as text; rc=N the exit status; max_ms=N / min_ms=N the wall time (max_ms is not asserted
# in a sanitizer build, MPA_TEST_SANITIZED: it runs several times slower, and is there for
# memory errors); "!KEY=VALUE" the opposite.  Output that is no JSON fails the JSON conditions.
expect() {
	_name=$1 _desc=$2
	shift 2
	_why=$("$PY" - "$OUT/$_name" "$@" <<'EOF'
import json, os, sys
base, conds = sys.argv[1], sys.argv[2:]
rc = int(open(base + '.rc').read())
try:
    data = json.load(open(base + '.json'))
    no_json = None
except Exception as e:
    data, no_json = None, 'no JSON: %s' % e
sanitized = bool(os.environ.get('MPA_TEST_SANITIZED'))
bad = []
for c in conds:
    key, want = c.split('=', 1)
    negate = key.startswith('!')
    key = key.lstrip('!')
    if key == 'rc':
        got = rc; ok = rc == int(want)
    elif key in ('max_ms', 'min_ms') and not os.path.exists(base + '.ms'):
        bad.append('%s: want %s, but the run kept no time (.ms)' % (key, want)); continue
    elif key in ('max_ms', 'min_ms'):
        got = int(open(base + '.ms').read())
        ok = (sanitized or got <= int(want)) if key == 'max_ms' else got >= int(want)
    elif no_json is not None:
        bad.append('%s: want %s, but %s' % (key, want, no_json)); continue
    else:
        got = data
        for part in key.split('.'):
            got = got.get(part) if isinstance(got, dict) else None
        if want == 'null':
            ok = got is None
        elif want.startswith('~'):
            ok = isinstance(got, (str, list)) and want[1:] in got
        else:
            ok = str(got) == want
    if negate:
        ok, want = not ok, 'not ' + want
    if not ok:
        bad.append('%s: want %s, got %r' % (key, want, got))
if bad:
    print('; '.join(bad)); sys.exit(1)
EOF
)
	_st=$?
	result $_st "$_desc"
	[ $_st -eq 0 ] || { echo "# $_why"; sed 's/^/#   /' "$OUT/$_name.err" | head -5; }
}
