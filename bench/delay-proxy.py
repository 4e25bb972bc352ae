#!/usr/bin/python3
"""delay-proxy.py — a TCP relay on 127.0.0.1 that holds every chunk back for a fixed time.

    delay-proxy.py --delay-ms N --port-file FILE TARGET_PORT [TARGET_PORT ...]

For each TARGET_PORT it listens on a free loopback port and relays connections to
127.0.0.1:TARGET_PORT, delivering each chunk N ms after it arrived, in both directions, in order:
a round trip through the relay costs 2 N ms, as on a network with that latency.  FILE receives one
line "TARGET_PORT LISTEN_PORT" per target once all are listening.  Bytes pass unchanged (TLS
included).  Ends on SIGTERM or after --lifetime seconds (default 600).  For bench/bench-check.sh:
on loopback every step is CPU, which is not what a user's check against a remote server is.
"""

import argparse
import asyncio
import os
import signal
import sys

from relaypump import pump     # bench/relaypump.py, beside this file


async def relay(client_reader, client_writer, target_port, delay):
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pump(client_reader, server_writer, delay),
                         pump(server_reader, client_writer, delay),
                         return_exceptions=True)
    for w in (client_writer, server_writer):
        w.close()


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--delay-ms", type=float, required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--lifetime", type=float, default=600)
    ap.add_argument("targets", type=int, nargs="+")
    args = ap.parse_args()
    delay = args.delay_ms / 1000.0

    lines = []
    servers = []
    for target in args.targets:
        srv = await asyncio.start_server(
            lambda r, w, t=target: relay(r, w, t, delay), "127.0.0.1", 0)
        servers.append(srv)
        lines.append("%d %d\n" % (target, srv.sockets[0].getsockname()[1]))
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.writelines(lines)
    os.rename(tmp, args.port_file)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), args.lifetime)
    except asyncio.TimeoutError:
        pass
    for srv in servers:
        srv.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
