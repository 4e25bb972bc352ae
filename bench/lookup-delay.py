#!/usr/bin/python3
"""lookup-delay.py — relays that give DNS and HTTPS on loopback a network's round trip.

    lookup-delay.py --rtt-ms N --udp LISTEN_ADDR:PORT=TARGET_ADDR:PORT \\
                    --tcp LISTEN_ADDR:PORT=TARGET_ADDR:PORT --ready FILE

--udp: each datagram (a DNS query) is forwarded at once; its answer is delivered N ms after the
query arrived, so one query costs one round trip.  Queries are independent (glibc asks A and
AAAA at the same time: one round trip for both).
--tcp: a new connection's first bytes wait one extra round trip (the TCP handshake a real network
would have cost before the client could send), then every chunk is delivered N/2 ms late in each
direction.  Bytes pass unchanged (TLS included).
For bench/bench-lookup.sh.  Ends on SIGTERM or after --lifetime seconds (default 600).
"""
import argparse, asyncio, os, signal, socket, sys

from relaypump import pump     # bench/relaypump.py, beside this file

ap = argparse.ArgumentParser()
ap.add_argument('--rtt-ms', type=float, required=True)
ap.add_argument('--udp', action='append', default=[])
ap.add_argument('--tcp', action='append', default=[])
ap.add_argument('--ready', required=True)
ap.add_argument('--lifetime', type=float, default=600)
a = ap.parse_args()
RTT = a.rtt_ms / 1000


def pair(spec):
    listen, target = spec.split('=')
    la, lp = listen.rsplit(':', 1)
    ta, tp = target.rsplit(':', 1)
    return (la, int(lp)), (ta, int(tp))


class UdpRelay(asyncio.DatagramProtocol):
    def __init__(self, target):
        self.target = target

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, peer):
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        relay = self

        class Upstream(asyncio.DatagramProtocol):
            def connection_made(self, tr):
                self.tr = tr
                tr.sendto(data)

            def datagram_received(self, answer, _):
                wait = t0 + RTT - loop.time()
                loop.call_later(max(0, wait), relay.transport.sendto, answer, peer)
                loop.call_later(max(0, wait), self.tr.close)

        loop.create_task(loop.create_datagram_endpoint(Upstream, remote_addr=self.target))


def tcp_handler(target):
    async def handle(reader, writer):
        try:
            ur, uw = await asyncio.open_connection(*target)
        except OSError:
            writer.close()
            return
        for s in (writer, uw):
            s.get_extra_info('socket').setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # the first bytes wait one extra round trip (the TCP handshake), then each chunk half of one
        await asyncio.gather(pump(reader, uw, RTT / 2, RTT), pump(ur, writer, RTT / 2), return_exceptions=True)
        for s in (writer, uw):
            s.close()
    return handle


async def main():
    loop = asyncio.get_running_loop()
    for spec in a.udp:
        listen, target = pair(spec)
        await loop.create_datagram_endpoint(lambda t=target: UdpRelay(t), local_addr=listen)
    for spec in a.tcp:
        listen, target = pair(spec)
        await asyncio.start_server(tcp_handler(target), *listen)
    open(a.ready, 'w').close()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), a.lifetime)
    except asyncio.TimeoutError:
        pass

asyncio.run(main())
