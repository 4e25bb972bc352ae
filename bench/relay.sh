# relay.sh — sourced by the benchmarks after tests/servers/lib.sh and mpa_dovecot_start.
#
#   bench_relay_start RTT_MS || fail
#
# Puts bench/delay-proxy.py between the clients and the test Dovecot's IMAPS and SMTPS ports, so
# that each round trip costs RTT_MS as to a remote server, and points IMAPS_PORT and SMTPS_PORT at
# the relay.  RTT_MS 0 (or empty) does nothing.  The relay stops with the servers.
bench_relay_start() {
	[ -n "$1" ] && [ "$1" != 0 ] || return 0
	"$MPA_SYSTEM_PYTHON" "$top_srcdir/bench/delay-proxy.py" --delay-ms "$(awk -v r="$1" 'BEGIN { print r / 2 }')" \
		--port-file "$MPA_TMP/relay.ports" "$IMAPS_PORT" "$SMTPS_PORT" &
	mpa_on_exit "kill $! 2>/dev/null"
	for _i in $(seq 50); do [ -s "$MPA_TMP/relay.ports" ] && break; sleep 0.1; done
	[ -s "$MPA_TMP/relay.ports" ] || return 1
	IMAPS_PORT=$(awk -v p="$IMAPS_PORT" '$1 == p { print $2 }' "$MPA_TMP/relay.ports")
	SMTPS_PORT=$(awk -v p="$SMTPS_PORT" '$1 == p { print $2 }' "$MPA_TMP/relay.ports")
}
