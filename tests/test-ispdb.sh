#!/bin/sh
# test-ispdb.sh — Thunderbird's ISPDB (tests/data/ispdb: a snapshot of its 163 files, with their
# licence) through the command line: "validate" accepts every file; what the loader does not know
# is a warning on standard error, never a refused file; "show" finds an address of an ISPDB-only
# provider and stays quiet about the warnings.  Prints TAP.
set -u
builddir=${top_builddir:?run through make check}
srcdir=${top_srcdir:?run through make check}
CLI=$builddir/plugin/provider-assistant
ISPDB=$srcdir/tests/data/ispdb

. "$srcdir/tests/tap.sh"
tap_tmpdir ispdb
T=$tmp

count=$(ls "$ISPDB"/*.xml | wc -l)
check "the snapshot holds its 163 files" test "$count" -eq 163
check "... with the licence they come under (MPL-2.0)" grep -q "Mozilla Public License Version 2.0" "$ISPDB/LICENSE"

timeout 60 "$CLI" validate "$ISPDB" >"$T/v.out" 2>"$T/v.err" </dev/null
rc=$?
result "$rc" "validate accepts every ISPDB file (exit 0)" "$T/v.err"
grep -q "^$count provider files valid\.$" "$T/v.out"
result $? "... all $count of them are valid" "$T/v.out"
! grep -q ": INVALID$" "$T/v.out"
result $? "... none is INVALID" "$T/v.out"
! grep -v ": warning: " "$T/v.err" | grep -q .
result $? "... everything on standard error is a warning" "$T/v.err"
grep -q "nili.ca.xml:6: warning: unknown element <displayNameShort> inside <emailProvider> is ignored — " "$T/v.err"
result $? "... an element the loader does not know is named, with file and line" "$T/v.err"
grep -q "zoho.eu.xml:3: warning: provider id 'zoho.com' is already used by .*this file is loaded as 'zoho.eu'" "$T/v.err"
result $? "... Zoho's regional files that share one id each load under their own name" "$T/v.err"

timeout 60 "$CLI" validate --json "$ISPDB" >"$T/j.out" 2>/dev/null </dev/null
python3 - "$T/j.out" "$count" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
ok = d["valid"] and len(d["files"]) == n and all(f["valid"] for f in d["files"]) \
    and d["problems"] and all(p["warning"] for p in d["problems"])
sys.exit(0 if ok else 1)
PY
result $? "validate --json: valid, every file valid, every problem marked as a warning" "$T/j.out"

# An ISPDB-only provider works like any other, and the warnings are validate's business.
timeout 60 "$CLI" show --json --providers-dir "$ISPDB" someone@zoho.eu >"$T/s.out" 2>"$T/s.err" </dev/null
rc=$?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["provider"]=="zoho.eu" and d["imap"]["host"]=="imap.zoho.eu" else 1)' "$T/s.out"
result $? "show finds zoho.eu in the ISPDB directory (its own id, its servers)" "$T/s.out"
[ "$rc" = 0 ] && [ ! -s "$T/s.err" ]
result $? "... exit 0 and nothing on standard error" "$T/s.err"

tap_done
