#!/bin/sh
# test-check-dns.sh — a server name that cannot be looked up ends the check at stage "connect"
# with its own reason and diagnosis, at once.  Prints TAP.
#
# The resolver must never ask a real name server, so the test re-runs itself in private network
# and mount namespaces (unshare -n -m; loopback only) and bind-mounts its own resolv.conf there,
# naming a small name server of its own on 127.0.0.1 that answers "no such name" (NXDOMAIN) to
# everything.  Without unshare (not root, no user namespaces) the whole test is skipped.
. "${top_srcdir:?run through make check}/tests/check-env.sh"

if [ -z "${MPA_DNS_NETNS:-}" ]; then
	unshare -n -m -- true 2>/dev/null ||
		skip_all "cannot create private network and mount namespaces (unshare -n -m)"
	export MPA_DNS_NETNS=1
	exec unshare -n -m -- sh -c 'ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null; exec sh "$0"' "$0"
fi


T=$(mktemp -d "${TMPDIR:-/tmp}/mpa-dns.XXXXXX") || exit 99
DNS_PID=
cleanup() {
	[ -n "$DNS_PID" ] && kill "$DNS_PID" 2>/dev/null && wait "$DNS_PID" 2>/dev/null
	rm -rf "$T"
}
trap 'cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The namespace has no route anywhere (loopback lives in the local table); make sure.
if [ -n "$(ip -4 route show 2>/dev/null)$(ip -6 route show 2>/dev/null | grep -v '^::1\|^fe80')" ]; then
	echo "Bail out! the private namespace has a route off this machine"; exit 1
fi

# A name server on 127.0.0.1:53 that answers every query with NXDOMAIN and logs the names asked.
cat > "$T/nxdns.py" <<'EOF'
import socket, sys
log = open(sys.argv[1], 'a')
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 53))
open(sys.argv[2], 'w').close()
s.settimeout(60)
while True:
    try:
        q, peer = s.recvfrom(512)
    except socket.timeout:
        break
    if len(q) < 12:
        continue
    # the question name, for the log
    i, labels = 12, []
    while i < len(q) and q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode('ascii', 'replace')); i += 1 + q[i]
    log.write('QUERY %s\n' % '.'.join(labels)); log.flush()
    # same id and question; QR=1, opcode and RD copied, RA=1, RCODE=3 (NXDOMAIN), no answers
    flags = bytes([0x80 | (q[2] & 0x79), 0x83])
    s.sendto(q[:2] + flags + q[4:6] + b'\0\0\0\0\0\0' + q[12:], peer)
EOF
"$PY" "$T/nxdns.py" "$T/dns.log" "$T/dns.ready" 2>"$T/dns.err" &
DNS_PID=$!
i=0
while [ ! -e "$T/dns.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$T/dns.ready" ] || { echo "Bail out! test name server did not start: $(cat "$T/dns.err")"; exit 1; }

printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$T/resolv.conf"
mount --bind "$T/resolv.conf" /etc/resolv.conf || { echo "Bail out! cannot bind-mount resolv.conf"; exit 1; }
printf 'not-used\n' > "$T/pw"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run NAME ARGS...: JSON in $T/NAME.json, exit status in $T/NAME.rc, wall time in $T/NAME.ms
run() {
	_name=$1; shift
	_t0=$(now_ms)
	"$CLI" check --json --password-file "$T/pw" "$@" >"$T/$_name.json" 2>"$T/$_name.err" </dev/null
	echo $? > "$T/$_name.rc"
	echo $(($(now_ms) - _t0)) > "$T/$_name.ms"
}

# expect NAME DESCRIPTION PYTHON-CONDITION (d = the JSON, rc, ms)
expect() {
	_why=$("$PY" - "$T/$1" "$3" <<'EOF'
import json, os, sys
base, cond = sys.argv[1], sys.argv[2]
d = json.load(open(base + '.json'))
rc = int(open(base + '.rc').read()); ms = int(open(base + '.ms').read())
slow_ok = bool(os.environ.get('MPA_TEST_SANITIZED'))
if not eval(cond):
    print('failed: %s; imap=%r rc=%d ms=%d' % (cond, {k: d['imap'].get(k) for k in
          ('status', 'stage', 'net_error', 'detail', 'cause')}, rc, ms))
    sys.exit(1)
EOF
)
	_st=$?
	result $_st "$2"
	[ $_st -eq 0 ] || echo "# $_why"
}

# 1. A name that does not exist (the reserved .invalid domain): our name server says NXDOMAIN.
run nx user@example.com --imap no-such-host.invalid:993 --timeout 5
expect nx "unknown host name: stage connect, net_error dns, exit 1" \
	"rc == 1 and d['imap']['status'] == 'failed' and d['imap']['stage'] == 'connect' and d['imap']['net_error'] == 'dns'"
expect nx "unknown host name: the reason says the name does not exist" \
	"'no-such-host.invalid' in d['imap']['detail'] and 'does not exist' in d['imap']['detail']"
expect nx "unknown host name: diagnosed as dns-failure, with steps to fix it" \
	"d['imap']['cause'] == 'dns-failure' and 'server name' in d['imap']['title'] and d['imap']['fix']"
expect nx "unknown host name: answered at once (under 1 s), nothing else tried" \
	"(slow_ok or ms < 1000) and d['smtp']['status'] == 'skipped' and [s['stage'] for s in d['imap']['stages']] == ['connect']"
grep -q 'QUERY no-such-host.invalid' "$T/dns.log"
result $? "the look-up went to the test's own name server on 127.0.0.1"

# 2. No name server answers at all (nothing listens on 127.0.0.2:53): a different reason.
printf 'nameserver 127.0.0.2\noptions timeout:1 attempts:1\n' > "$T/resolv.conf"
run nons user@example.com --smtp mail.example.invalid:465 --timeout 5
expect nons "no name server: stage connect, net_error dns, diagnosed as dns-failure" \
	"rc == 1 and d['smtp']['stage'] == 'connect' and d['smtp']['net_error'] == 'dns' and d['smtp']['cause'] == 'dns-failure'"
expect nons "no name server: the reason says nobody answered, not that the name does not exist" \
	"'no name server answered' in d['smtp']['detail'] and 'does not exist' not in d['smtp']['detail']"
expect nons "no name server: answered within the resolver's own 1 s timeout" \
	"slow_ok or ms < 2500"

# 3. The human output names the host and the fix.
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$T/resolv.conf"
"$CLI" check --password-file "$T/pw" user@example.com --imap no-such-host.invalid:993 --timeout 5 \
	>"$T/human.txt" 2>&1 </dev/null
grep -q 'no-such-host.invalid' "$T/human.txt" && grep -q 'server name could not be found' "$T/human.txt"
result $? "human output: the host name and 'The server name could not be found'"

tap_done
