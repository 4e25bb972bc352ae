# lookup-env.sh — a private DNS and HTTPS world for the settings-lookup tests (sourced; POSIX sh).
#
#   . "$top_srcdir/tests/lookup-env.sh"
#   lookup_enter_netns "$0"        # re-runs the script in private network + mount namespaces
#                                  # (skips the whole test when that is impossible)
#   lookup_env_init                # $LT: temp dir; $LT/certs: test CA (ca.pem) and leaves; cleanup trap
#   lookup_leaf NAME SAN [CA]      # $LT/NAME.pem (leaf + CA chain) and $LT/NAME.key, signed by CA
#                                  # (default: the trusted test CA "ca"; "other-ca" is trusted by nobody)
#   lookup_dns_start [dnsmasq record options...]   # dnsmasq on 127.0.0.2:53, authoritative for
#                                  # .test, qq.com, ... (no upstream); /etc/resolv.conf points at it
#                                  # ($LOOKUP_DNS_ADDR / $LOOKUP_RESOLV_ADDR: other addresses for
#                                  # dnsmasq and for resolv.conf, e.g. a relay in between)
#   lookup_https_start ADDR LEAF ROUTES [httpsd options]   # tests/servers/httpsd.py on ADDR:443
#   lookup_resolv TEXT             # replaces the namespace's /etc/resolv.conf contents
#
# dnsmasq logs every query to $LT/dns.log ("query[MX] example.test from 127.0.0.1").
# Everything listens on 127.0.0.x inside the namespace; the host's /etc/resolv.conf is untouched.

lookup_enter_netns() {
	if [ -z "${MPA_LOOKUP_NETNS:-}" ]; then
		command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] ||
			skip_all "dnsmasq is not installed (.ci/packages)"
		unshare -n -m -- true 2>/dev/null ||
			skip_all "cannot create private network and mount namespaces (unshare -n -m)"
		export MPA_LOOKUP_NETNS=1
		exec unshare -n -m -- sh -c 'ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null; exec sh "$0"' "$1"
	fi
	# The namespace has no route anywhere (loopback lives in the local table); make sure.
	if [ -n "$(ip -4 route show 2>/dev/null)$(ip -6 route show 2>/dev/null | grep -v '^::1\|^fe80')" ]; then
		echo "Bail out! the private namespace has a route off this machine"; exit 1
	fi
}

LOOKUP_PIDS=
lookup_cleanup() {
	for _p in $LOOKUP_PIDS; do kill "$_p" 2>/dev/null; done
	for _p in $LOOKUP_PIDS; do wait "$_p" 2>/dev/null; done
	LOOKUP_PIDS=
	[ -n "${LT:-}" ] && [ -z "${MPA_KEEP_TMP:-}" ] && rm -rf "$LT"
}

lookup_env_init() {
	LT=$(mktemp -d "${TMPDIR:-/tmp}/mpa-lookup.XXXXXX") || exit 99
	trap 'lookup_cleanup' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	export HOME="$LT/home" XDG_CONFIG_HOME="$LT/home/.config"
	mkdir -p "$HOME"
	sh "$top_srcdir/tests/servers/make-certs.sh" "$LT/certs" >"$LT/certs.log" 2>&1 ||
		{ echo "Bail out! make-certs.sh failed: $(tail -3 "$LT/certs.log")"; exit 1; }
}

# lookup_leaf NAME SAN [CA]
lookup_leaf() {
	_ca=${3:-ca}
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$LT/$1.key" 2>/dev/null &&
	openssl req -new -key "$LT/$1.key" -out "$LT/$1.csr" -subj "/O=Provider Assistant tests/CN=$1" 2>/dev/null &&
	printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
		"extendedKeyUsage=serverAuth" "subjectAltName=$2" > "$LT/$1.ext" &&
	openssl x509 -req -in "$LT/$1.csr" -CA "$LT/certs/$_ca.pem" -CAkey "$LT/certs/$_ca.key" \
		-CAcreateserial -days 30 -extfile "$LT/$1.ext" -out "$LT/$1.leaf" 2>/dev/null &&
	cat "$LT/$1.leaf" "$LT/certs/$_ca.pem" > "$LT/$1.pem" ||
		{ echo "Bail out! cannot make the test certificate $1"; exit 1; }
}

lookup_resolv() {
	printf '%s\n' "$1" > "$LT/resolv.conf"
}

lookup_dns_start() {
	lookup_resolv "nameserver ${LOOKUP_RESOLV_ADDR:-${LOOKUP_DNS_ADDR:-127.0.0.2}}
options timeout:2 attempts:1"
	mount --bind "$LT/resolv.conf" /etc/resolv.conf ||
		{ echo "Bail out! cannot bind-mount /etc/resolv.conf"; exit 1; }
	# Authoritative for the test zones: a name it has no record for is NXDOMAIN at once.
	/usr/sbin/dnsmasq --no-resolv --no-hosts --conf-file=/dev/null --keep-in-foreground --port 53 \
		--listen-address="${LOOKUP_DNS_ADDR:-127.0.0.2}" --bind-interfaces --pid-file= --user=root \
		--log-queries --log-facility="$LT/dns.log" \
		--local=/test/ --local=/qq.com/ --local=/163.com/ --local=/aliyun.com/ --local=/263.net/ \
		--local=/zoho.com/ --local=/google.com/ --local=/outlook.com/ --local=/sohu.com/ \
		--address=/ready.test/127.0.0.1 "$@" 2>"$LT/dns.err" &
	LOOKUP_PIDS="$LOOKUP_PIDS $!"
	_i=0
	until getent hosts ready.test >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ]; then
			echo "Bail out! dnsmasq did not answer within 5 s: $(cat "$LT/dns.err")"; exit 1
		fi
		sleep 0.05
	done
}

# lookup_https_start ADDR LEAF ROUTES [httpsd options]
lookup_https_start() {
	_addr=$1 _leaf=$2 _routes=$3
	shift 3
	_ready="$LT/https-$_addr.ready"
	/usr/bin/python3 "$top_srcdir/tests/servers/httpsd.py" --listen "$_addr:443" \
		--cert "$LT/$_leaf.pem" --key "$LT/$_leaf.key" --routes "$_routes" \
		--ready "$_ready" --log "$LT/https.log" --lifetime 1800 "$@" 2>"$LT/https-$_addr.err" &
	LOOKUP_PIDS="$LOOKUP_PIDS $!"
	_i=0
	until [ -e "$_ready" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 200 ]; then
			echo "Bail out! the HTTPS server on $_addr did not start: $(cat "$LT/https-$_addr.err")"; exit 1
		fi
		sleep 0.05
	done
}
