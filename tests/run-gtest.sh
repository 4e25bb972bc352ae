#!/bin/sh
# run-gtest.sh TEST [ARGS] — run a GTest binary in TAP mode, optionally under $MPA_TEST_WRAPPER
# (e.g. "valgrind --error-exitcode=1 --leak-check=full"; see make check-valgrind).  The binaries
# are libtool wrappers: the wrapper must run the real program, through the build's own libtool
# ($MPA_LIBTOOL, set by make check; there is usually no libtool on PATH).
prog=$1; shift
case $prog in */*) ;; *) prog=./$prog ;; esac
if [ -n "${MPA_TEST_WRAPPER:-}" ]; then
	exec ${MPA_LIBTOOL:-${top_builddir:-.}/libtool} --mode=execute $MPA_TEST_WRAPPER "$prog" --tap "$@"
fi
exec "$prog" --tap "$@"
