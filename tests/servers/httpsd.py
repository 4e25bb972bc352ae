#!/usr/bin/python3
"""httpsd.py — a small HTTPS server for the settings-lookup tests and bench (loopback only).

    httpsd.py --listen 127.0.0.3:443 --cert leaf-chain.pem --key leaf.key --routes routes.json \\
              --ready FILE --log FILE [--lifetime S] [--delay-ms N]

routes.json maps "HOST PATH" (PATH without the query string) to an object:
  {"file": F}          serve F with status 200 and a Content-Length
  {"file": F, "chunked": true}    the same, chunked
  {"status": 301, "location": URL}  a redirect
  {"silent": true}     accept, then never answer (until the client goes away)
Anything else gets 404.  Every request line is logged as "HOST REQUEST-TARGET".
--delay-ms delays each answer (the bench's round trip).  The server ends after --lifetime s.
"""
import argparse, json, os, socket, ssl, sys, threading, time

ap = argparse.ArgumentParser()
ap.add_argument('--listen', required=True)
ap.add_argument('--cert', required=True)
ap.add_argument('--key', required=True)
ap.add_argument('--routes', required=True)
ap.add_argument('--ready', required=True)
ap.add_argument('--log', required=True)
ap.add_argument('--lifetime', type=float, default=120)
ap.add_argument('--delay-ms', type=float, default=0)
a = ap.parse_args()

host, port = a.listen.rsplit(':', 1)
routes = json.load(open(a.routes))
base = os.path.dirname(os.path.abspath(a.routes))
log = open(a.log, 'a')
lock = threading.Lock()
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(a.cert, a.key)

def serve(conn):
    try:
        conn.settimeout(30)
        tls = ctx.wrap_socket(conn, server_side=True)
        data = b''
        while b'\r\n\r\n' not in data and len(data) < 65536:
            chunk = tls.recv(4096)
            if not chunk:
                return
            data += chunk
        head = data.split(b'\r\n\r\n', 1)[0].decode('latin-1').split('\r\n')
        target = head[0].split(' ')[1] if len(head[0].split(' ')) > 2 else ''
        hhost = ''
        for h in head[1:]:
            if h.lower().startswith('host:'):
                hhost = h[5:].strip()
        with lock:
            log.write('%s %s\n' % (hhost, target)); log.flush()
        route = routes.get('%s %s' % (hhost, target.split('?', 1)[0]))
        if a.delay_ms:
            time.sleep(a.delay_ms / 1000)
        if route is None:
            tls.sendall(b'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        elif route.get('silent'):
            while tls.recv(4096):
                pass
        elif 'status' in route:
            tls.sendall(('HTTP/1.1 %d Moved\r\nLocation: %s\r\nContent-Length: 0\r\n'
                         'Connection: close\r\n\r\n' % (route['status'], route.get('location', ''))).encode())
        else:
            body = open(os.path.join(base, route['file']), 'rb').read()
            if route.get('chunked'):
                out = b'HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n'
                for i in range(0, len(body), 1000):
                    piece = body[i:i + 1000]
                    out += b'%x\r\n' % len(piece) + piece + b'\r\n'
                out += b'0\r\n\r\n'
            else:
                out = (b'HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n'
                       b'Connection: close\r\n\r\n' % len(body)) + body
            tls.sendall(out)
        tls.close()
    except (OSError, ssl.SSLError, IndexError):
        pass
    finally:
        conn.close()

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, int(port)))
s.listen(64)
s.settimeout(0.5)
open(a.ready, 'w').close()
end = time.monotonic() + a.lifetime
while time.monotonic() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
