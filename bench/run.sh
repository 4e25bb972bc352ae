#!/bin/sh
# run.sh [BUILDDIR] — time loading providers/*.xml and 1,000,000 address look-ups.
# Exit status 0 when both targets are met (load < 5 ms, look-up < 1 us), 1 otherwise.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(dirname "$here")
builddir=${1:-${top_builddir:-$srcdir}}
prog=$builddir/bench/bench-provider
if [ ! -x "$prog" ]; then
	echo "run.sh: $prog is missing: run 'make bench' in the build directory" >&2
	exit 2
fi
exec "$prog" "$srcdir/providers" "${MPA_BENCH_LOADS:-200}" "${MPA_BENCH_LOOKUPS:-1000000}"
