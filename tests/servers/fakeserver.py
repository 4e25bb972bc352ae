#!/usr/bin/env python3
"""fakeserver.py — a scriptable fake IMAP/SMTP/POP3 server on 127.0.0.1 for tests (stdlib only).

It says exactly what a test tells it to (provider texts, raw or GBK bytes) and misbehaves on
request (silence, broken TLS, huge or slow lines...).  Every command it receives is written to a
log, passwords redacted, so a test can prove that a client never sent LOGIN/AUTH after a bad
certificate.  README.md in this directory documents every option; in short:

    fakeserver.py --proto imap --tls implicit --cert server --port-file P --log L \\
                  [--reply 'LOGIN=NO LOGIN Login error or password error'] [--fault NAME]...
    fakeserver.py --script case.json          (same keys as the long options, '-' -> '_')

It binds 127.0.0.1 port 0, prints "PORT=N" and writes N to --port-file once it accepts
connections, serves any number of connections, and exits by itself after --lifetime seconds
(default 120) or on SIGTERM/SIGINT.

Python:  from fakeserver import FakeServer
         srv = FakeServer({'proto': 'smtp', 'replies': {'AUTH': '535 Error: authentication failed'}})
         port = srv.start(); ...; srv.stop(); srv.log_lines()
"""
import argparse
import base64
import binascii
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))

FAULTS = {
    'silent': 'accept the connection and never send a byte (no TLS handshake either)',
    'drop-handshake': 'read the TLS ClientHello, then close the connection',
    'garbage': 'answer the TLS ClientHello with plain text (see "garbage")',
    'silent-after-tls': 'complete the TLS handshake, then never send a byte',
    'close-after-greeting': 'send the greeting, then close',
    'talk-first': 'send "early" lines right after the greeting, before the client says anything',
    'long-line': 'the greeting is one line of long_line_bytes (default 1 MiB)',
    'slow': 'send every byte separately, byte_interval seconds apart (default 1 s)',
    'nul': 'the greeting contains NUL bytes',
}

DEFAULTS = {
    'proto': 'imap',            # imap | smtp | pop3 (POP3: a login and an empty mailbox)
    'tls': 'implicit',          # implicit | starttls | plain
    'cert': 'server',           # server | wronghost | selfsigned | expired | unknownca
    'certs': None,              # directory made by make-certs.sh ($MPA_TEST_CERTS, else a shared temp dir)
    'send_chain': False,        # also send the issuing CA certificate
    'tls_max': None,            # highest TLS version offered: '1.0', '1.1', '1.2' (default: any)
    'faults': [],
    'greeting': None,           # reply spec; default a normal greeting
    'greeting_delay': 0.0,
    'replies': {},              # COMMAND -> reply spec
    'lines': 0,                 # extra continuation lines in EHLO (SMTP) / untagged lines in CAPABILITY (IMAP)
    'require_id': False,        # IMAP: EXAMINE/SELECT fail (NetEase "Unsafe Login") until ID was sent
    'user': None,               # if set, only this user name is accepted
    'password_file': None,      # if set (or $MPA_FAKE_PASSWORD), only this password is accepted
    'advertise_starttls': True,  # starttls flavour: list STARTTLS (and IMAP LOGINDISABLED) before TLS
    'capabilities': None,       # IMAP capability list (string); default a small sensible one
    'early': None,              # reply spec for the talk-first fault
    'garbage': None,            # reply spec for the garbage fault
    'starttls_inject': None,    # reply spec sent in plain text right after the STARTTLS "go ahead"
    'long_line_bytes': 1 << 20,
    'byte_interval': 1.0,
    'idle_timeout': 60.0,       # close a connection after this long without a command
    'sink': None,               # SMTP: store received messages as DIR/NNNNNN.eml
    'log': None,
    'port_file': None,
    'lifetime': 120.0,
}

IMAP_NETEASE_UNSAFE = 'NO SELECT Unsafe Login. Please contact kefu@188.com for help'
MAX_LINE = 64 * 1024


class Closed(Exception):
    """The connection is over (client gone, or the script said so)."""


def default_certs_dir():
    return os.environ.get('MPA_TEST_CERTS') or os.path.join(
        tempfile.gettempdir(), 'mpa-test-certs-%d' % os.getuid())


def ensure_certs(directory):
    if not os.path.exists(os.path.join(directory, '.complete')):
        subprocess.run(['sh', os.path.join(HERE, 'make-certs.sh'), directory], check=True)
    return directory


# -- reply specs ------------------------------------------------------------------------------
# spec := "text" | [item, ...] | {"lines": [item...], "delay": s, "then": "close"|"silent"}
#       | {"seq": [spec, ...]} (n-th use of the command gets the n-th spec, the last one repeats)
#       | item
# item := "text" (UTF-8 + CRLF) | {"text": "...", "encoding": "gbk"} (+ CRLF)
#       | {"hex": "..."} | {"b64": "..."} (exact bytes, nothing added) | {"repeat": item, "count": N}
# IMAP: the last text item gets the command's tag in front unless it starts with "*" or "+";
# "{tag}" anywhere is replaced by the tag.

def _spec_parts(spec):
    if isinstance(spec, dict) and not ({'lines', 'delay', 'then'} & spec.keys()):
        return [spec], 0.0, None
    if isinstance(spec, dict):
        return list(spec.get('lines', [])), float(spec.get('delay', 0)), spec.get('then')
    if isinstance(spec, list):
        return spec, 0.0, None
    return [spec], 0.0, None


def _expand(items):
    out = []
    for item in items:
        if isinstance(item, dict) and 'repeat' in item:
            out.extend(_expand([item['repeat']]) * int(item.get('count', 1)))
        else:
            out.append(item)
    return out


def render(spec, tag=None):
    """spec -> (bytes, delay, then)"""
    items, delay, then = _spec_parts(spec)
    items = _expand(items)
    last_text = max((i for i, it in enumerate(items) if isinstance(it, str) or
                     (isinstance(it, dict) and 'text' in it)), default=-1)
    parts = []   # joined once: 10 MB of repeated lines must not take quadratic time
    for i, item in enumerate(items):
        if isinstance(item, dict) and 'hex' in item:
            parts.append(binascii.unhexlify(re.sub(r'\s+', '', item['hex'])))
            continue
        if isinstance(item, dict) and 'b64' in item:
            parts.append(base64.b64decode(item['b64']))
            continue
        if isinstance(item, dict):
            text, enc = item['text'], item.get('encoding', 'utf-8')
        else:
            text, enc = str(item), 'utf-8'
        if tag is not None:
            if '{tag}' in text:
                text = text.replace('{tag}', tag)
            elif i == last_text and not text.startswith(('*', '+')):
                text = '%s %s' % (tag, text)
        parts.append(text.encode(enc) + b'\r\n')
    return b''.join(parts), delay, then


def _printable(data):
    return data.decode('utf-8', 'backslashreplace').replace('\r', '\\r').replace('\n', '\\n')


# -- one connection ---------------------------------------------------------------------------

class Connection:
    def __init__(self, server, sock, number):
        self.srv = server
        self.cfg = server.cfg
        self.sock = sock
        self.n = number
        self.buf = b''
        self.tls = False
        self.counts = {}
        self.authenticated = False
        self.id_sent = False
        self.faults = set(self.cfg['faults'])

    # logging
    def log(self, event, detail=''):
        self.srv.log('%d %s %s' % (self.n, event, detail))

    # output
    def send(self, data):
        if not data:
            return
        try:
            if 'slow' in self.faults:
                for i in range(len(data)):
                    self.sock.sendall(data[i:i + 1])
                    time.sleep(self.cfg['byte_interval'])
            else:
                self.sock.sendall(data)
        except OSError as e:
            raise Closed('send: %s' % e)

    def reply(self, spec, tag=None):
        data, delay, then = render(spec, tag)
        if delay:
            time.sleep(delay)
        self.send(data)
        if then == 'close':
            raise Closed('closed by script')
        if then == 'silent':
            self.stay_silent()
        return data

    # input
    def _fill(self):
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise Closed('idle timeout')
        except OSError as e:
            raise Closed('recv: %s' % e)
        if not chunk:
            raise Closed('client closed')
        self.buf += chunk

    def readline(self):
        while b'\n' not in self.buf:
            if len(self.buf) > MAX_LINE:
                self.log('ERROR', 'line longer than %d bytes' % MAX_LINE)
                raise Closed('line too long')
            self._fill()
        line, self.buf = self.buf.split(b'\n', 1)
        return line.rstrip(b'\r')

    def readexact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def stay_silent(self):
        total = 0
        self.buf = b''
        while True:
            try:
                self._fill()
            except Closed:
                self.log('SILENT', 'read %d bytes while silent' % (total + len(self.buf)))
                raise
            total += len(self.buf)
            self.buf = b''

    # TLS
    def start_tls(self):
        raw = self.sock
        if 'drop-handshake' in self.faults:
            raw.settimeout(10)
            try:
                hello = raw.recv(4096)
            except OSError:
                hello = b''
            self.log('TLS', 'dropped during handshake (read %d bytes)' % len(hello))
            raise Closed('dropped during handshake')
        if 'garbage' in self.faults:
            raw.settimeout(10)
            try:
                raw.recv(4096)
            except OSError:
                pass
            garbage = self.cfg['garbage'] or ['this is not TLS, this is plain text', '* OK plain', '220 plain']
            self.log('TLS', 'sent garbage instead of a handshake')
            self.reply(garbage)
            time.sleep(0.5)
            raise Closed('garbage sent')
        try:
            raw.settimeout(15)
            self.sock = self.srv.ssl_ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.log('TLS', 'failed: %s' % (getattr(e, 'reason', None) or e))
            raise Closed('handshake failed')
        self.sock.settimeout(self.cfg['idle_timeout'])
        self.tls = True
        self.log('TLS', 'ok %s %s' % (self.sock.version(), self.sock.cipher()[0]))
        if 'silent-after-tls' in self.faults:
            self.stay_silent()

    def starttls_go(self, spec, tag=None):
        """Send the "go ahead" for STARTTLS and switch to TLS."""
        if self.buf:
            self.log('WARN', 'client pipelined %d bytes after STARTTLS (discarded)' % len(self.buf))
            self.buf = b''
        self.reply(spec, tag)
        if self.cfg['starttls_inject']:
            self.reply(self.cfg['starttls_inject'])
        self.start_tls()

    # common flow
    def override(self, verb):
        spec = self.cfg['replies'].get(verb)
        if spec is None:
            return None
        k = self.counts.get(verb, 1) - 1
        if isinstance(spec, dict) and 'seq' in spec:
            seq = spec['seq']
            spec = seq[min(k, len(seq) - 1)]
        return spec

    def count(self, verb):
        self.counts[verb] = self.counts.get(verb, 0) + 1

    def password_ok(self, user, password):
        want_user = self.cfg['user']
        want_pw = self.srv.password
        ok = (want_user is None or user == want_user) and (want_pw is None or password == want_pw)
        self.log('AUTH', '%s user=%s' % ('ok' if ok else 'bad', user))
        return ok

    def run(self):
        self.log('CONNECT', '%s:%d' % self.sock.getpeername())
        try:
            self.sock.settimeout(self.cfg['idle_timeout'])
            if 'silent' in self.faults:
                self.stay_silent()
            if self.cfg['tls'] == 'implicit':
                self.start_tls()
            if self.cfg['greeting_delay']:
                time.sleep(self.cfg['greeting_delay'])
            self.send_greeting()
            if 'close-after-greeting' in self.faults:
                raise Closed('closed after greeting')
            if 'talk-first' in self.faults:
                self.reply(self.cfg['early'] or self.default_early())
            self.serve()
        except Closed as e:
            self.log('CLOSE', str(e))
        except Exception as e:  # a bug here must not kill the server; it shows in the log
            self.log('ERROR', '%s: %s' % (type(e).__name__, e))
        finally:
            try:
                self.sock.close()
            except OSError:
                pass

    def plain_before_tls(self):
        """Still plain text on a STARTTLS server that offers STARTTLS (every protocol alike)."""
        return self.cfg['tls'] == 'starttls' and not self.tls and self.cfg['advertise_starttls']

    def ok_prefix(self):
        return {'imap': b'* OK ', 'smtp': b'220 ', 'pop3': b'+OK '}[self.proto]

    def send_greeting(self):
        if 'long-line' in self.faults:
            self.send(self.ok_prefix() + b'x' * self.cfg['long_line_bytes'] + b'\r\n')
        elif 'nul' in self.faults:
            self.send(self.ok_prefix() + b'hello\x00\x00world\x00 ready\r\n')
        else:
            self.reply(self.cfg['greeting'] or self.default_greeting())


class ImapConnection(Connection):
    proto = 'imap'

    def caps(self):
        caps = self.cfg['capabilities'] or 'IMAP4rev1 ID SASL-IR LITERAL+ AUTH=PLAIN'
        if self.plain_before_tls():
            caps += ' STARTTLS LOGINDISABLED'
        return caps

    def default_greeting(self):
        return '* OK [CAPABILITY %s] FakeIMAP ready.' % self.caps()

    def default_early(self):
        return ['* OK unsolicited line before any command', 'A1 OK LOGIN completed (forged)']

    def read_command(self):
        """A command with its literals inline ("{N}\\r\\n" + N bytes), literals acknowledged."""
        data = self.readline()
        while True:
            m = re.search(rb'\{(\d+)(\+?)\}$', data)
            if not m:
                return data
            size = int(m.group(1))
            if size > MAX_LINE:
                raise Closed('literal too large')
            if not m.group(2):
                self.send(b'+ Ready for literal data\r\n')
            data += b'\r\n' + self.readexact(size) + self.readline()

    @staticmethod
    def tokens(args):
        """Atoms, quoted strings and literals of an IMAP argument list (enough for LOGIN)."""
        out, i = [], 0
        while i < len(args):
            c = args[i:i + 1]
            if c == b' ':
                i += 1
            elif c == b'"':
                j, val = i + 1, b''
                while j < len(args) and args[j:j + 1] != b'"':
                    if args[j:j + 1] == b'\\':
                        j += 1
                    val += args[j:j + 1]
                    j += 1
                out.append(val)
                i = j + 1
            elif c == b'{':
                m = re.match(rb'\{(\d+)\+?\}\r\n', args[i:])
                size = int(m.group(1))
                start = i + m.end()
                out.append(args[start:start + size])
                i = start + size
            else:
                j = args.find(b' ', i)
                j = len(args) if j < 0 else j
                out.append(args[i:j])
                i = j
        return out

    def redact(self, verb, line):
        if verb == 'LOGIN':
            args = line.split(b' ', 2)[2] if line.count(b' ') >= 2 else b''
            toks = self.tokens(args)
            user = toks[0] if toks else b''
            # how the password came: "quoted", "literal" or "literal+" (RFC 3501 / 7888), for
            # tests of 8-bit passwords; a literal's header is the last "{N}" before it
            form = 'atom'
            if args.endswith(b'"'):
                form = 'quoted'
            heads = re.findall(rb'\{\d+(\+?)\}\r\n', args)
            if heads and len(toks) == 2 and not args.endswith(b'"') and \
                    args.endswith(toks[1]) and re.search(rb'\{\d+\+?\}\r\n' + re.escape(toks[1]) + rb'$', args):
                form = 'literal+' if heads[-1] else 'literal'
            return '%s LOGIN %s *** password=%s' % (_printable(line.split(b' ', 1)[0]), _printable(user), form)
        if verb == 'AUTHENTICATE' and line.count(b' ') >= 3:
            return _printable(line.rsplit(b' ', 1)[0]) + ' ***'
        return _printable(line)

    def serve(self):
        while True:
            line = self.read_command()
            parts = line.split(b' ', 2)
            if len(parts) < 2:
                self.log('CMD', '? ' + _printable(line))
                self.reply('* BAD Missing tag or command')
                continue
            tag = parts[0].decode('ascii', 'replace')
            verb = parts[1].decode('ascii', 'replace').upper()
            args = parts[2] if len(parts) > 2 else b''
            self.count(verb)
            self.log('CMD', '%s %s' % (verb, self.redact(verb, line)))
            handler = getattr(self, 'cmd_' + verb.lower(), None)
            if handler is None:
                self.reply(self.override(verb) or 'BAD Unknown command', tag)
            else:
                handler(tag, args, verb)

    def cmd_capability(self, tag, args, verb):
        over = self.override(verb)
        if over:
            return self.reply(over, tag)
        lines = ['* OK filler line %d' % i for i in range(self.cfg['lines'])]
        self.reply(lines + ['* CAPABILITY ' + self.caps(), 'OK CAPABILITY completed'], tag)

    def cmd_noop(self, tag, args, verb):
        self.reply(self.override(verb) or 'OK NOOP completed', tag)

    def cmd_id(self, tag, args, verb):
        self.id_sent = True
        self.reply(self.override(verb) or ['* ID ("name" "FakeIMAP" "version" "1")', 'OK ID completed'], tag)

    def cmd_starttls(self, tag, args, verb):
        over = self.override(verb)
        if self.cfg['tls'] != 'starttls' or self.tls:
            return self.reply(over or 'BAD STARTTLS not available', tag)
        data, _, _ = render(over or 'OK Begin TLS negotiation now', tag)
        if over and not data.startswith(tag.encode() + b' OK'):
            return self.reply(over, tag)
        self.starttls_go(over or 'OK Begin TLS negotiation now', tag)

    def finish_login(self, tag, verb, user, password):
        over = self.override(verb)
        if over is not None:
            data = self.reply(over, tag)
            self.authenticated = (tag.encode() + b' OK') in data
            return
        if self.plain_before_tls():
            return self.reply('NO [PRIVACYREQUIRED] Plaintext authentication disallowed', tag)
        if self.password_ok(user, password):
            self.authenticated = True
            self.reply('OK [CAPABILITY IMAP4rev1 ID] Logged in', tag)
        else:
            self.reply('NO [AUTHENTICATIONFAILED] Authentication failed.', tag)

    def cmd_login(self, tag, args, verb):
        toks = self.tokens(args)
        if len(toks) != 2:
            return self.reply('BAD LOGIN needs a user and a password', tag)
        self.finish_login(tag, verb, toks[0].decode('utf-8', 'replace'), toks[1].decode('utf-8', 'replace'))

    def cmd_authenticate(self, tag, args, verb):
        words = args.split(b' ')
        if not words[0] or words[0].upper() != b'PLAIN':
            return self.reply('NO Unsupported authentication mechanism', tag)
        if len(words) > 1:
            blob = words[1]
        else:
            self.send(b'+ \r\n')
            blob = self.readline()
            self.log('CMD', 'AUTHENTICATE-DATA ***')
        if blob == b'*':
            return self.reply('BAD AUTHENTICATE cancelled', tag)
        try:
            _authz, user, password = base64.b64decode(blob, validate=True).split(b'\0')
        except (binascii.Error, ValueError):
            return self.reply('BAD Invalid base64 data in AUTHENTICATE', tag)
        self.finish_login(tag, verb, user.decode('utf-8', 'replace'), password.decode('utf-8', 'replace'))

    def cmd_select(self, tag, args, verb):
        over = self.override(verb)
        if over is not None:
            return self.reply(over, tag)
        if not self.authenticated:
            return self.reply('BAD Not logged in', tag)
        if self.cfg['require_id'] and not self.id_sent:
            return self.reply(IMAP_NETEASE_UNSAFE, tag)
        mode = 'READ-ONLY' if verb == 'EXAMINE' else 'READ-WRITE'
        self.reply(['* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)', '* 0 EXISTS', '* 0 RECENT',
                    '* OK [UIDVALIDITY 1] UIDs valid', 'OK [%s] %s completed' % (mode, verb)], tag)

    cmd_examine = cmd_select

    def cmd_logout(self, tag, args, verb):
        self.reply(self.override(verb) or ['* BYE Logging out', 'OK LOGOUT completed'], tag)
        raise Closed('logout')


class SmtpConnection(Connection):
    proto = 'smtp'

    def default_greeting(self):
        return '220 localhost ESMTP FakeSMTP ready'

    def default_early(self):
        return ['250 2.0.0 unsolicited reply before any command']

    def serve(self):
        while True:
            line = self.readline()
            verb = line.split(b' ', 1)[0].decode('ascii', 'replace').upper()
            self.count(verb)
            shown = _printable(line)
            if verb == 'AUTH' and line.count(b' ') >= 2:
                shown = _printable(line.rsplit(b' ', 1)[0]) + ' ***'
            self.log('CMD', '%s %s' % (verb, shown))
            handler = getattr(self, 'cmd_' + verb.lower(), None)
            if handler is None:
                self.reply(self.override(verb) or '502 5.5.2 Error: command not recognized')
            else:
                handler(line, verb)

    def cmd_ehlo(self, line, verb):
        over = self.override(verb)
        if over is not None:
            return self.reply(over)
        caps = ['PIPELINING', 'SIZE 10485760', '8BITMIME', 'ENHANCEDSTATUSCODES']
        caps += ['X-FILLER-%d' % i for i in range(self.cfg['lines'])]
        if self.plain_before_tls():
            caps.append('STARTTLS')
        else:
            caps.append('AUTH PLAIN LOGIN')
        lines = ['localhost'] + caps
        self.reply(['250-' + c for c in lines[:-1]] + ['250 ' + lines[-1]])

    def cmd_helo(self, line, verb):
        self.reply(self.override(verb) or '250 localhost')

    def cmd_starttls(self, line, verb):
        over = self.override(verb)
        if self.cfg['tls'] != 'starttls' or self.tls:
            return self.reply(over or '502 5.5.1 STARTTLS not available')
        if over and not render(over)[0].startswith(b'220'):
            return self.reply(over)
        self.starttls_go(over or '220 2.0.0 Ready to start TLS')

    def _b64_line(self, what):
        data = self.readline()
        self.log('CMD', 'AUTH-DATA %s' % what)
        if data == b'*':
            return None
        try:
            return base64.b64decode(data, validate=True)
        except binascii.Error:
            return b''

    def cmd_auth(self, line, verb):
        words = line.split(b' ')
        mech = words[1].upper() if len(words) > 1 else b''
        if self.plain_before_tls():
            return self.reply(self.override(verb) or '530 5.7.0 Must issue a STARTTLS command first')
        user = password = None
        if mech == b'PLAIN':
            if len(words) > 2:
                blob = base64.b64decode(words[2]) if words[2] != b'=' else b''
            else:
                self.send(b'334 \r\n')
                blob = self._b64_line('***')
            if blob is None:
                return self.reply('501 5.7.0 Authentication cancelled')
            parts = blob.split(b'\0')
            if len(parts) == 3:
                user, password = parts[1], parts[2]
        elif mech == b'LOGIN':
            if len(words) > 2:
                user = base64.b64decode(words[2])
            else:
                self.send(b'334 VXNlcm5hbWU6\r\n')
                user = self._b64_line('(user name)')
                if user is None:
                    return self.reply('501 5.7.0 Authentication cancelled')
            self.send(b'334 UGFzc3dvcmQ6\r\n')
            password = self._b64_line('***')
            if password is None:
                return self.reply('501 5.7.0 Authentication cancelled')
        else:
            return self.reply(self.override(verb) or '504 5.5.4 Unrecognized authentication type')
        over = self.override(verb)
        if over is not None:
            data = self.reply(over)
            self.authenticated = data.startswith(b'235')
            return
        if user is not None and self.password_ok(user.decode('utf-8', 'replace'),
                                                 (password or b'').decode('utf-8', 'replace')):
            self.authenticated = True
            self.reply('235 2.7.0 Authentication successful')
        else:
            self.reply('535 5.7.8 Error: authentication failed')

    def cmd_mail(self, line, verb):
        self.reply(self.override(verb) or '250 2.1.0 Ok')

    def cmd_rcpt(self, line, verb):
        self.reply(self.override(verb) or '250 2.1.5 Ok')

    def cmd_data(self, line, verb):
        over = self.override(verb)
        if over is not None and not render(over)[0].startswith(b'354'):
            return self.reply(over)
        self.reply(over or '354 End data with <CR><LF>.<CR><LF>')
        body = []
        while True:
            l = self.readline()
            if l == b'.':
                break
            body.append(l[1:] if l.startswith(b'.') else l)
        message = b'\r\n'.join(body) + b'\r\n'
        self.log('DATA', '%d bytes' % len(message))
        name = self.srv.store(message)
        self.count('DATA_END')
        self.reply(self.override('DATA_END') or '250 2.0.0 Ok: queued as %s' % name)

    def cmd_rset(self, line, verb):
        self.reply(self.override(verb) or '250 2.0.0 Ok')

    cmd_noop = cmd_rset

    def cmd_quit(self, line, verb):
        self.reply(self.override(verb) or '221 2.0.0 Bye')
        raise Closed('quit')


class Pop3Connection(Connection):
    """POP3 (RFC 1939): USER/PASS against the configured user and password, an empty mailbox."""
    proto = 'pop3'

    def default_greeting(self):
        return '+OK FakePOP3 ready.'

    def default_early(self):
        return ['+OK unsolicited line before any command']

    def serve(self):
        self.user = None
        while True:
            line = self.readline()
            verb = line.split(b' ', 1)[0].decode('ascii', 'replace').upper()
            self.count(verb)
            self.log('CMD', '%s %s' % (verb, 'PASS ***' if verb == 'PASS' else _printable(line)))
            handler = getattr(self, 'cmd_' + verb.lower(), None)
            if handler is None:
                self.reply(self.override(verb) or '-ERR Unknown command')
            else:
                handler(line, verb)

    def cmd_capa(self, line, verb):
        caps = ['USER', 'UIDL', 'TOP'] + (['STLS'] if self.plain_before_tls() else [])
        self.reply(self.override(verb) or ['+OK'] + caps + ['.'])

    def cmd_stls(self, line, verb):
        if self.cfg['tls'] != 'starttls' or self.tls:
            return self.reply(self.override(verb) or '-ERR STLS not available')
        self.starttls_go(self.override(verb) or '+OK Begin TLS negotiation')

    def cmd_user(self, line, verb):
        self.user = line.split(b' ', 1)[1].decode('utf-8', 'replace') if b' ' in line else ''
        self.reply(self.override(verb) or '+OK')

    def cmd_pass(self, line, verb):
        password = line.split(b' ', 1)[1].decode('utf-8', 'replace') if b' ' in line else ''
        over = self.override(verb)
        if over is not None:
            return self.reply(over)
        if self.user is not None and self.password_ok(self.user, password):
            self.authenticated = True
            return self.reply('+OK Logged in.')
        self.reply('-ERR [AUTH] Authentication failed.')

    def cmd_stat(self, line, verb):
        self.reply(self.override(verb) or '+OK 0 0')

    def cmd_uidl(self, line, verb):
        self.reply(self.override(verb) or ['+OK', '.'])

    cmd_list = cmd_uidl

    def cmd_noop(self, line, verb):
        self.reply(self.override(verb) or '+OK')

    def cmd_quit(self, line, verb):
        self.reply(self.override(verb) or '+OK Logging out.')
        raise Closed('quit')


# -- the server -------------------------------------------------------------------------------

class FakeServer:
    def __init__(self, config=None):
        cfg = dict(DEFAULTS)
        cfg['replies'] = {}
        for key, value in (config or {}).items():
            key = key.replace('-', '_')
            if key not in DEFAULTS:
                raise ValueError('unknown setting %r' % key)
            cfg[key] = value
        cfg['replies'] = {k.upper(): v for k, v in cfg['replies'].items()}
        for f in cfg['faults']:
            if f not in FAULTS:
                raise ValueError('unknown fault %r (known: %s)' % (f, ', '.join(FAULTS)))
        if cfg['proto'] not in ('imap', 'smtp', 'pop3'):
            raise ValueError('proto must be imap, smtp or pop3')
        if cfg['tls'] not in ('implicit', 'starttls', 'plain'):
            raise ValueError('tls must be implicit, starttls or plain')
        self.cfg = cfg
        self.password = None
        if cfg['password_file']:
            with open(cfg['password_file']) as f:
                self.password = f.read().rstrip('\n')
        elif os.environ.get('MPA_FAKE_PASSWORD'):
            self.password = os.environ['MPA_FAKE_PASSWORD']
        self.ssl_ctx = None
        if cfg['tls'] != 'plain':
            certs = ensure_certs(cfg['certs'] or default_certs_dir())
            name = cfg['cert']
            chain = os.path.join(certs, name + ('-chain.pem' if cfg['send_chain'] else '.pem'))
            self.ssl_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ssl_ctx.load_cert_chain(chain, os.path.join(certs, name + '.key'))
            if cfg['tls_max']:
                # an outdated server: OpenSSL 3 refuses TLS 1.0/1.1 at its default security
                # level, so the level is lowered for this test server only
                versions = {'1.0': ssl.TLSVersion.TLSv1, '1.1': ssl.TLSVersion.TLSv1_1,
                            '1.2': ssl.TLSVersion.TLSv1_2}
                if cfg['tls_max'] not in versions:
                    raise ValueError('tls_max must be one of %s' % ', '.join(versions))
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore', DeprecationWarning)   # outdated on purpose
                    self.ssl_ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
                    self.ssl_ctx.maximum_version = versions[cfg['tls_max']]
                self.ssl_ctx.set_ciphers('DEFAULT:@SECLEVEL=0')
        self._log_lock = threading.Lock()
        self._log_file = open(cfg['log'], 'a', encoding='utf-8') if cfg['log'] else None
        self._lines = []
        self._msg_lock = threading.Lock()
        self._msg_count = 0
        self._stop = threading.Event()
        self._listener = None
        self._thread = None
        self.port = None

    def log(self, line):
        with self._log_lock:
            self._lines.append(line)
            if self._log_file:
                self._log_file.write(line + '\n')
                self._log_file.flush()

    def log_lines(self):
        with self._log_lock:
            return list(self._lines)

    def store(self, message):
        with self._msg_lock:
            self._msg_count += 1
            name = '%06d' % self._msg_count
        if self.cfg['sink']:
            os.makedirs(self.cfg['sink'], exist_ok=True)
            tmp = os.path.join(self.cfg['sink'], '.%s.tmp' % name)
            with open(tmp, 'wb') as f:
                f.write(message)
            os.rename(tmp, os.path.join(self.cfg['sink'], name + '.eml'))
        return name

    def bind(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('127.0.0.1', 0))  # loopback only, always
        s.listen(16)
        s.settimeout(0.2)
        self._listener = s
        self.port = s.getsockname()[1]
        if self.cfg['port_file']:
            tmp = self.cfg['port_file'] + '.tmp'
            with open(tmp, 'w') as f:
                f.write('%d\n' % self.port)
            os.rename(tmp, self.cfg['port_file'])
        self.log('0 LISTEN 127.0.0.1:%d %s %s cert=%s faults=%s' % (
            self.port, self.cfg['proto'], self.cfg['tls'], self.cfg['cert'],
            ','.join(self.cfg['faults']) or '-'))
        return self.port

    def serve_forever(self):
        deadline = time.monotonic() + float(self.cfg['lifetime'])
        cls = {'imap': ImapConnection, 'smtp': SmtpConnection, 'pop3': Pop3Connection}[self.cfg['proto']]
        n = 0
        while not self._stop.is_set():
            if time.monotonic() > deadline:
                self.log('0 EXIT lifetime of %s s reached' % self.cfg['lifetime'])
                break
            try:
                sock, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            n += 1
            threading.Thread(target=cls(self, sock, n).run, daemon=True).start()
        self._listener.close()

    def start(self):
        """Python API: serve in a background thread; returns the port."""
        port = self.bind()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return port

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(2)


def _reply_arg(value, kind):
    if '=' not in value:
        raise argparse.ArgumentTypeError('expected COMMAND=REPLY')
    cmd, text = value.split('=', 1)
    item = {'text': text} if kind == 'text' else {kind: text}
    if kind == 'gbk':
        item = {'text': text, 'encoding': 'gbk'}
    return cmd.upper(), item


def main(argv=None):
    p = argparse.ArgumentParser(
        description='Scriptable fake IMAP/SMTP/POP3 server on 127.0.0.1.',
        epilog='faults: ' + '; '.join('%s: %s' % kv for kv in FAULTS.items()))
    p.add_argument('--script', help='JSON file with settings (keys as the long options, "-" -> "_")')
    p.add_argument('--json', help='the same settings as a JSON string')
    p.add_argument('--proto', choices=('imap', 'smtp', 'pop3'))
    p.add_argument('--tls', choices=('implicit', 'starttls', 'plain'))
    p.add_argument('--cert', choices=('server', 'wronghost', 'selfsigned', 'expired', 'unknownca'))
    p.add_argument('--certs', help='certificate directory (default $MPA_TEST_CERTS or a shared temp dir)')
    p.add_argument('--send-chain', action='store_true', default=None)
    p.add_argument('--tls-max', choices=('1.0', '1.1', '1.2'), help='highest TLS version offered')
    p.add_argument('--fault', action='append', choices=sorted(FAULTS), dest='faults')
    p.add_argument('--greeting', help='greeting line (text)')
    p.add_argument('--greeting-delay', type=float)
    p.add_argument('--reply', action='append', default=[], metavar='CMD=TEXT',
                   help='reply line for CMD (IMAP: tag added); repeat to script several commands')
    p.add_argument('--reply-gbk', action='append', default=[], metavar='CMD=TEXT', help='reply text sent in GBK')
    p.add_argument('--reply-hex', action='append', default=[], metavar='CMD=HEX', help='exact reply bytes')
    p.add_argument('--lines', type=int)
    p.add_argument('--require-id', action='store_true', default=None)
    p.add_argument('--user')
    p.add_argument('--password-file')
    p.add_argument('--no-advertise-starttls', action='store_false', dest='advertise_starttls', default=None)
    p.add_argument('--capabilities')
    p.add_argument('--long-line-bytes', type=int)
    p.add_argument('--byte-interval', type=float)
    p.add_argument('--idle-timeout', type=float)
    p.add_argument('--sink')
    p.add_argument('--log')
    p.add_argument('--port-file')
    p.add_argument('--lifetime', type=float)
    a = p.parse_args(argv)

    cfg = {}
    if a.script:
        with open(a.script) as f:
            cfg.update(json.load(f))
    if a.json:
        cfg.update(json.loads(a.json))
    for key in ('proto', 'tls', 'cert', 'certs', 'send_chain', 'tls_max', 'faults', 'greeting_delay', 'lines',
                'require_id', 'user', 'password_file', 'advertise_starttls', 'capabilities',
                'long_line_bytes', 'byte_interval', 'idle_timeout', 'sink', 'log', 'port_file', 'lifetime'):
        value = getattr(a, key)
        if value is not None:
            cfg[key] = value
    if a.greeting is not None:
        cfg['greeting'] = a.greeting
    replies = dict(cfg.get('replies', {}))
    for values, kind in ((a.reply, 'text'), (a.reply_gbk, 'gbk'), (a.reply_hex, 'hex')):
        for v in values:
            cmd, item = _reply_arg(v, kind)
            replies[cmd] = item
    cfg['replies'] = replies

    try:
        srv = FakeServer(cfg)
    except (ValueError, OSError, subprocess.CalledProcessError) as e:
        print('fakeserver.py: %s' % e, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: srv._stop.set())
    signal.signal(signal.SIGINT, lambda *_: srv._stop.set())
    port = srv.bind()
    print('PORT=%d' % port, flush=True)
    srv.serve_forever()
    return 0


if __name__ == '__main__':
    sys.exit(main())
