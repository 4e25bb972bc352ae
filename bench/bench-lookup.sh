#!/bin/sh
# bench-lookup.sh [BUILDDIR] — the settings lookup with every DNS and HTTPS round trip 50 ms long.
#
# In private network and mount namespaces (as tests/test-lookup.sh; root or user namespaces
# needed): dnsmasq on 127.0.0.12 and the HTTPS server on 127.0.0.13, each behind
# bench/lookup-delay.py (127.0.0.2 for DNS, 127.0.0.3:443 for HTTPS), which gives every DNS query
# and every TCP/TLS/HTTP exchange a round trip of MPA_BENCH_RTT_MS (default 50).  The median of
# MPA_BENCH_RUNS (default 15) lookups, from "lookup_ms" of `show --json` (the lookup alone, not
# the process start), against the targets:
#   MX-matched domain       1.5 round trips (75 ms): the MX answer is the verdict, nothing waits
#   autoconfig domain       4.5 round trips (225 ms): name, TCP, TLS, request, all queries at once
# Prints each median with "ok" or "MISSED"; exits 1 when a target is missed.
set -u
builddir=${1:-${top_builddir:-.}}
builddir=$(cd "$builddir" && pwd)
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
export top_srcdir
CLI=$builddir/plugin/provider-assistant
RTT=${MPA_BENCH_RTT_MS:-50}
RUNS=${MPA_BENCH_RUNS:-15}

. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lookup-env.sh"
[ -x "$CLI" ] || { echo "bench-lookup: build first ($CLI missing)"; exit 2; }
export top_builddir=$builddir      # the re-run in the namespaces gets no arguments
lookup_enter_netns "$0"
lookup_env_init
export MPA_PROVIDERS_PATH=$top_srcdir/providers

cp "$top_srcdir/tests/lookup/ac.test.xml" "$LT/"
printf '{"autoconfig.ac.test /mail/config-v1.1.xml": {"file": "ac.test.xml"}}\n' > "$LT/routes.json"
lookup_leaf web "DNS:autoconfig.ac.test,DNS:ac.test"
/usr/bin/python3 "$top_srcdir/bench/lookup-delay.py" --rtt-ms "$RTT" \
	--udp 127.0.0.2:53=127.0.0.12:53 --tcp 127.0.0.3:443=127.0.0.13:443 \
	--ready "$LT/relay.ready" 2>"$LT/relay.err" &
LOOKUP_PIDS="$LOOKUP_PIDS $!"
i=0; while [ ! -e "$LT/relay.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$LT/relay.ready" ] || { echo "bench-lookup: the relay did not start: $(cat "$LT/relay.err")"; exit 2; }
LOOKUP_DNS_ADDR=127.0.0.12 LOOKUP_RESOLV_ADDR=127.0.0.2 lookup_dns_start \
	--mx-host=company.test,mxbiz1.qq.com,10 \
	--address=/autoconfig.ac.test/127.0.0.3 --address=/ac.test/127.0.0.3
lookup_https_start 127.0.0.13 web "$LT/routes.json"

# median LABEL ADDRESS -> prints the median lookup_ms of RUNS runs
median() {
	: > "$LT/$1.ms"
	r=0
	while [ $r -lt "$RUNS" ]; do
		"$CLI" show --json --ca-file "$LT/certs/ca.pem" "$2" > "$LT/$1.json" 2>"$LT/$1.err" ||
			{ echo "bench-lookup: show $2 failed: $(cat "$LT/$1.err")" >&2; return 1; }
		/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["source"] == sys.argv[2], d["source"]; print(d["lookup_ms"])' \
			"$LT/$1.json" "$3" >> "$LT/$1.ms" || return 1
		r=$((r + 1))
	done
	sort -n "$LT/$1.ms" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

status=0
report() { # label median target
	if [ "$2" -le "$3" ]; then verdict=ok; else verdict=MISSED; status=1; fi
	printf '%-44s median %4d ms   target <= %3d ms   %s\n' "$1" "$2" "$3" "$verdict"
}
echo "# round trip ${RTT} ms for every DNS query and every TCP/TLS/HTTP exchange; $RUNS runs each"
mx=$(median mx u@company.test mx) || exit 2
report "MX-matched domain (mxbiz1.qq.com)" "$mx" $((RTT * 3 / 2))
ac=$(median ac u@ac.test autoconfig) || exit 2
report "autoconfig domain (autoconfig.ac.test)" "$ac" $((RTT * 9 / 2))
echo "# all runs (ms): MX $(tr '\n' ' ' < "$LT/mx.ms")| autoconfig $(tr '\n' ' ' < "$LT/ac.ms")"
exit $status
