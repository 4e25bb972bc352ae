#!/bin/sh
# dovecot.sh start|stop|status DIR [options] — shell entry point of dovecot.py (see README.md).
exec /usr/bin/python3 "$(dirname "$0")/dovecot.py" "$@"
