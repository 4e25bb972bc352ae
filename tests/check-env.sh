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
