#!/usr/bin/env python3
"""probe.py — a tiny scripted IMAP/SMTP client for tests and demos (stdlib only).

    probe.py --proto imap|smtp --tls implicit|starttls|plain --port N [--ca FILE] [--host NAME]
             [--password-file F] [--timeout S] [--no-greeting] -- STEP...

Each STEP is a command line to send, or one of:
  !tls        do the TLS handshake now (after your own STARTTLS command)
  !send LINE  send LINE without waiting for a reply (message body lines after DATA)
  !sleep S    pause;   !read   read one more line;   !close   close the connection
After a command, IMAP waits for the line tagged like the command; SMTP waits for the last line of
the reply ("NNN text").  In a command, {PASSWORD} is the password from --password-file and
{PLAIN:user} is base64("\\0user\\0password") for SASL PLAIN.  Output, one event per line:
  S: line from the server (non-UTF-8 bytes as \\xNN)     C: line sent (password hidden)
  TLS: ok VERSION | TLS-ERROR: reason (e.g. "certificate verify failed: certificate has expired")
  TIMEOUT | EOF | ERROR: reason
Exit status 0 when every step ran, 1 otherwise.  Certificates are verified against --ca (default:
the system store) and --host (default localhost); --insecure turns verification off.
"""
import argparse
import base64
import socket
import ssl
import sys
import time


def show(prefix, data):
    # Valid UTF-8 is shown as text; anything else (GBK, binary) byte by byte as \xNN.
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        text = data.decode('ascii', 'backslashreplace')
    text = text.rstrip('\r\n')
    print('%s %s' % (prefix, text.replace('\r', '\\r').replace('\x00', '\\x00')), flush=True)


class Probe:
    def __init__(self, a):
        self.a = a
        self.sock = socket.create_connection(('127.0.0.1', a.port), timeout=a.timeout)
        self.buf = b''
        if a.insecure:
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            self.ctx.check_hostname = False
            self.ctx.verify_mode = ssl.CERT_NONE
        else:
            self.ctx = ssl.create_default_context(cafile=a.ca)

    def tls(self):
        try:
            self.sock = self.ctx.wrap_socket(self.sock, server_hostname=self.a.host)
        except ssl.SSLCertVerificationError as e:
            print('TLS-ERROR: certificate verify failed: %s' % e.verify_message, flush=True)
            raise SystemExit(1)
        except (ssl.SSLError, OSError) as e:
            print('TLS-ERROR: %s' % (getattr(e, 'reason', None) or e), flush=True)
            raise SystemExit(1)
        print('TLS: ok %s' % self.sock.version(), flush=True)

    def readline(self):
        while b'\n' not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                print('TIMEOUT', flush=True)
                raise SystemExit(1)
            except (ssl.SSLError, OSError) as e:
                print('ERROR: %s' % (getattr(e, 'reason', None) or e), flush=True)
                raise SystemExit(1)
            if not chunk:
                if self.buf:
                    show('S:', self.buf)
                print('EOF', flush=True)
                raise SystemExit(1)
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        show('S:', line)
        return line

    pending_tag = None

    def response(self, cmd):
        if self.a.proto == 'imap':
            # After a continuation request ("+ ..."), the next step is data for the same command.
            tag = self.pending_tag or cmd.split(b' ', 1)[0]
            self.pending_tag = None
            while True:
                line = self.readline()
                if line.startswith(tag + b' '):
                    return
                if line.startswith(b'+'):
                    self.pending_tag = tag
                    return
        else:
            while True:
                line = self.readline()
                if len(line) < 4 or line[3:4] != b'-':
                    return


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--proto', choices=('imap', 'smtp'), required=True)
    p.add_argument('--tls', choices=('implicit', 'starttls', 'plain'), default='implicit')
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--ca')
    p.add_argument('--host', default='localhost')
    p.add_argument('--insecure', action='store_true')
    p.add_argument('--password-file')
    p.add_argument('--timeout', type=float, default=5)
    p.add_argument('--no-greeting', action='store_true')
    p.add_argument('steps', nargs='*')
    a = p.parse_args()
    password = ''
    if a.password_file:
        with open(a.password_file) as f:
            password = f.read().rstrip('\n')
    try:
        pr = Probe(a)
    except OSError as e:
        print('ERROR: connect: %s' % e)
        return 1
    if a.tls == 'implicit':
        pr.tls()
    if not a.no_greeting:
        if a.proto == 'smtp':
            pr.response(b'')
        else:
            pr.readline()
    for step in a.steps:
        if step == '!tls':
            pr.tls()
        elif step.startswith('!sleep'):
            time.sleep(float(step.split()[1]))
        elif step.startswith('!send '):
            print('C: %s' % step[6:], flush=True)
            pr.sock.sendall(step[6:].encode() + b'\r\n')
        elif step == '!read':
            pr.readline()
        elif step == '!close':
            pr.sock.close()
            return 0
        else:
            shown = step
            if '{PASSWORD}' in step:
                shown = step.replace('{PASSWORD}', '***')
                step = step.replace('{PASSWORD}', password)
            while '{PLAIN:' in step:
                start = step.index('{PLAIN:')
                end = step.index('}', start)
                user = step[start + 7:end]
                blob = base64.b64encode(b'\0' + user.encode() + b'\0' + password.encode()).decode()
                step = step[:start] + blob + step[end + 1:]
                shown = shown[:shown.index('{PLAIN:')] + '***' + shown[shown.index('}', shown.index('{PLAIN:')) + 1:]
            print('C: %s' % shown, flush=True)
            try:
                pr.sock.sendall(step.encode() + b'\r\n')
            except OSError as e:
                print('ERROR: send: %s' % e, flush=True)
                return 1
            pr.response(step.encode())
    return 0


if __name__ == '__main__':
    sys.exit(main())
