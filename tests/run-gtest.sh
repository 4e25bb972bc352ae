#!/bin/sh
# run-gtest.sh TEST [ARGS] — run a GTest binary in TAP mode, optionally under $MPA_TEST_WRAPPER
# (e.g. "valgrind --error-exitcode=1 --leak-check=full").
prog=$1; shift
case $prog in */*) ;; *) prog=./$prog ;; esac
if [ -n "${MPA_TEST_WRAPPER:-}" ]; then
	exec libtool --mode=execute $MPA_TEST_WRAPPER "$prog" --tap "$@"
fi
exec "$prog" --tap "$@"
