#!/bin/bash
# bench-check.sh [BUILDDIR] — how fast is "provider-assistant check" against a local Dovecot?
#
#  1. our whole check (IMAP login + EXAMINE and SMTP AUTH, in parallel) vs. curl doing the same
#     two logins one after the other: reported (the 0.6 x target is withdrawn: on two shared
#     cores it measures CPU, not the protocol);
#  1b. with MPA_BENCH_RTT_MS=N: the whole check, process start to exit, within 4.5 round trips
#     (the protocol's floor is 4: TLS 1.3, greeting, ID+LOGIN, EXAMINE; SMTP: TLS, greeting,
#     EHLO, AUTH);
#  2. our whole check vs. the slower of our own two paths run alone (--only imap / --only smtp):
#     target <= 1.15 x (running both at once costs almost nothing);
#  3. time to a verdict on a server that accepts and stays silent, with --timeout 2:
#     target <= the deadline + 0.3 s.
# Medians of $MPA_BENCH_RUNS (default 20) runs.  Exit status 0 when every target is met.
# MPA_BENCH_RTT_MS=N puts a relay that delays every chunk by N/2 ms each way (bench/delay-proxy.py)
# between the clients and Dovecot: a round trip of N ms, as to a remote server.
# bash, not sh: the clock is $EPOCHREALTIME, read without starting a process (a `date` per
# reading cost several ms here, added to every measured command alike: unfair to the pair's ratio).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(dirname "$here")
builddir=${1:-${top_builddir:-$top_srcdir}}
CLI=$builddir/plugin/provider-assistant
RUNS=${MPA_BENCH_RUNS:-20}
export top_srcdir

[ -x "$CLI" ] || { echo "bench-check.sh: $CLI is missing: build first" >&2; exit 2; }
command -v curl >/dev/null || { echo "bench-check.sh: curl is needed for the comparison" >&2; exit 2; }

. "$top_srcdir/tests/servers/lib.sh"
mpa_servers_init
mpa_dovecot_start || { echo "bench-check.sh: Dovecot did not start" >&2; exit 2; }
mpa_fake_start silent --fault silent || exit 2
RTT_MS=${MPA_BENCH_RTT_MS:-0}
. "$top_srcdir/bench/relay.sh"
bench_relay_start "$RTT_MS" || { echo "bench-check.sh: the delay relay did not start" >&2; exit 2; }
PW=$(cat "$PASSWORD_FILE")
USER=ok@example.com
# curl takes the password on its command line; this is a throw-away test password.
CURL_AUTH="$USER:$PW"


# median_us CMD...: runs CMD $RUNS times, prints the median wall time in microseconds
median_us() {
	_f=$MPA_TMP/times
	: > "$_f"
	_i=0
	while [ $_i -lt "$RUNS" ]; do
		_t0=${EPOCHREALTIME/./}
		"$@" >"$MPA_TMP/out" 2>&1 || { echo "bench-check.sh: failed: $*" >&2; tail -20 "$MPA_TMP/out" >&2; return 1; }
		_t1=${EPOCHREALTIME/./}
		echo $((_t1 - _t0)) >> "$_f"
		_i=$((_i + 1))
	done
	sort -n "$_f" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

ours() {
	"$CLI" check --json --password-file "$PASSWORD_FILE" --ca-file "$CA_FILE" "$USER" \
		--imap localhost:$IMAPS_PORT --smtp localhost:$SMTPS_PORT --timeout 10 "$@"
}
curl_pair() {
	curl -sf --cacert "$CA_FILE" "imaps://localhost:$IMAPS_PORT/" -u "$CURL_AUTH" -X 'EXAMINE INBOX' &&
	curl -sf --cacert "$CA_FILE" "smtps://localhost:$SMTPS_PORT" -u "$CURL_AUTH" -X NOOP
}
silent() {
	"$CLI" check --json --password-file "$PASSWORD_FILE" --ca-file "$CA_FILE" "$USER" \
		--imap 127.0.0.1:$silent_PORT --timeout 2
	[ $? -eq 1 ]
}

# warm up the servers (first logins start Dovecot's auth processes)
ours >/dev/null 2>&1; curl_pair >/dev/null 2>&1

both=$(median_us ours) || exit 1
imap=$(median_us ours --only imap) || exit 1
smtp=$(median_us ours --only smtp) || exit 1
pair=$(median_us curl_pair) || exit 1
RUNS=$(( RUNS < 5 ? RUNS : 5 ))
verdict=$(median_us silent) || exit 1

slower=$imap
[ "$smtp" -gt "$slower" ] && slower=$smtp

awk -v both="$both" -v imap="$imap" -v smtp="$smtp" -v pair="$pair" -v slower="$slower" \
    -v verdict="$verdict" -v runs="${MPA_BENCH_RUNS:-20}" -v rtt="$RTT_MS" 'BEGIN {
	fail = 0
	printf "connection check against local Dovecot%s, medians of %d runs\n", rtt ? sprintf(" (round trip %s ms through a delay relay)", rtt) : "", runs
	printf "  ours, IMAP + SMTP in parallel  %8.1f ms\n", both / 1000
	printf "  ours, IMAP alone               %8.1f ms\n", imap / 1000
	printf "  ours, SMTP alone               %8.1f ms\n", smtp / 1000
	printf "  curl imaps + curl smtps        %8.1f ms\n", pair / 1000
	r = both / pair
	printf "ours / curl pair           %.2f  (reported; the 0.60 target is withdrawn)\n", r
	if (rtt > 0) {
		r = both / 1000 / rtt
		printf "whole check in round trips %.2f  (target <= 4.50)  %s\n", r, r <= 4.5 ? "ok" : "MISSED"
		if (r > 4.5) fail = 1
	}
	r = both / slower
	printf "ours / slower path alone   %.2f  (target <= 1.15)  %s\n", r, r <= 1.15 ? "ok" : "MISSED"
	if (r > 1.15) fail = 1
	printf "silent server, --timeout 2: verdict after %.2f s (target <= 2.30 s)  %s\n", verdict / 1e6,
	       verdict <= 2300000 ? "ok" : "MISSED"
	if (verdict > 2300000) fail = 1
	exit fail
}'
