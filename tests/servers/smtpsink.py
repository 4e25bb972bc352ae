#!/usr/bin/python3
"""smtpsink.py — a plain SMTP sink on 127.0.0.1 that stores every message it receives.

Dovecot's submission service relays the mail a client sends to this sink, so a test can count
and read what was "sent".  Needs Debian's python3-aiosmtpd: run it with /usr/bin/python3.

    smtpsink.py --dir DIR --port-file FILE [--lifetime SECONDS]

Binds port 0, writes the port to FILE when it accepts connections, and stores each message as
DIR/NNNNNN.eml (the envelope is in the X-Sink-Mail-From / X-Sink-Rcpt-To header lines prepended
to it).  Files appear atomically (written under a temporary name, then renamed).
"""
import argparse
import asyncio
import itertools
import os
import signal
import socket
import sys

from aiosmtpd.smtp import SMTP


class _Store:
    def __init__(self, directory):
        self.directory = directory
        existing = [int(n[:6]) for n in os.listdir(directory) if n.endswith('.eml') and n[:6].isdigit()]
        self.counter = itertools.count(max(existing, default=0) + 1)

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        head = 'X-Sink-Mail-From: %s\r\nX-Sink-Rcpt-To: %s\r\n' % (
            envelope.mail_from, ', '.join(envelope.rcpt_tos))
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode('utf-8', 'surrogateescape')
        tmp = os.path.join(self.directory, '.%06d.tmp' % n)
        with open(tmp, 'wb') as f:
            f.write(head.encode('utf-8', 'backslashreplace') + data)
        os.rename(tmp, os.path.join(self.directory, '%06d.eml' % n))
        return '250 Ok: stored as %06d' % n


async def _serve(args):
    os.makedirs(args.dir, exist_ok=True)
    store = _Store(args.dir)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('127.0.0.1', 0))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(store, hostname='sink.localhost'), sock=sock)
    port = sock.getsockname()[1]
    tmp = args.port_file + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d\n' % port)
    os.rename(tmp, args.port_file)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.lifetime or None)
    except asyncio.TimeoutError:
        print('smtpsink: lifetime of %s s reached, stopping' % args.lifetime, file=sys.stderr)
    server.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dir', required=True)
    p.add_argument('--port-file', required=True)
    p.add_argument('--lifetime', type=float, default=0, help='stop after SECONDS (0: never)')
    asyncio.run(_serve(p.parse_args()))


if __name__ == '__main__':
    main()
