#!/usr/bin/python3
"""dovecot.py — a private Dovecot 2.3 (IMAP + submission) on 127.0.0.1 for tests.

    dovecot.py start DIR [--certs CERTDIR] [--password-file FILE] [--parent PID] [--lifetime S]
    dovecot.py stop DIR
    dovecot.py status DIR

`start` returns once every port accepts connections and writes DIR/ports (shell-sourceable):
IMAPS_PORT, IMAP_STARTTLS_PORT, SMTPS_PORT, SUBMISSION_PORT, SINK_PORT, plus CA_FILE and
PASSWORD_FILE.  The password shared by all test users is in DIR/password (no trailing newline).
`stop` ends Dovecot, its children and the SMTP sink; it is safe to call twice or after a failed start.
See README.md in this directory for the users and what each one models.

Python use:  from dovecot import Dovecot;  d = Dovecot(dir); d.start(); ...; d.stop()
"""
import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEM_PYTHON = '/usr/bin/python3'  # aiosmtpd is a Debian module: not importable from a pyenv python

# Test users.  All share one password (DIR/password) so that a refusal is never "wrong password".
USERS = {
    'ok@example.com': 'logs in; a normal account',
    'disabled@example.com': 'refused: NO [CONTACTADMIN] Login disabled for this user (SMTP 525)',
    'whitelisted@example.com': 'IP whitelist 10.0.0.0/8: refused from loopback with AUTHENTICATIONFAILED',
    'needid@example.com': 'LOGIN works; EXAMINE/SELECT answer NO unless IMAP ID was sent before LOGIN',
    'expired@example.com': 'refused: NO [EXPIRED] Password expired (whatever the password)',
    'tempfail@example.com': 'refused: NO [UNAVAILABLE] Temporary authentication failure (SMTP 454)',
}

PORT_NAMES = ('IMAPS_PORT', 'IMAP_STARTTLS_PORT', 'SMTPS_PORT', 'SUBMISSION_PORT')


class ServerError(Exception):
    pass


def _free_port():
    """A port the kernel just handed out for 127.0.0.1; Dovecot binds it a moment later.
    The tiny race with another process is handled by retrying the start."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _accepts(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=0.5):
            return True
    except OSError:
        return False


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purposes.
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def _pid_is_ours(pid, marker):
    """Guards against a recycled pid: the process must mention our directory on its command line."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return marker.encode() in f.read()
    except OSError:
        return False


def _kill_group(pid, marker, timeout=5.0):
    """TERM, then KILL, the process group (session) led by pid."""
    if not _pid_alive(pid) or not _pid_is_ours(pid, marker):
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                # Reaps it when it is our child (the Python API case); harmless otherwise.
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            if not _pid_alive(pid):
                return
            time.sleep(0.05)


class Dovecot:
    def __init__(self, directory, certs=None, password_file=None):
        self.dir = os.path.abspath(directory)
        self.certs = os.path.abspath(certs) if certs else os.path.join(self.dir, 'certs')
        self.password_file = password_file
        self.run = os.path.join(self.dir, 'run')
        self.ports = {}

    # -- files ------------------------------------------------------------------------------
    def _path(self, *parts):
        return os.path.join(self.dir, *parts)

    def _write(self, name, text, mode=0o644):
        path = self._path(name)
        tmp = path + '.tmp'
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        os.chmod(tmp, mode)
        if mode & 0o040:
            # Secrets readable by Dovecot's auth worker (it runs as the dovecot user), no one else.
            os.chown(tmp, 0, self._mail_ids()[1])
        os.rename(tmp, path)
        return path

    def password(self):
        with open(self._path('password')) as f:
            return f.read()

    def _setup_password(self):
        if self.password_file:
            with open(self.password_file) as f:
                pw = f.read().rstrip('\n')
        elif os.environ.get('MPA_TEST_PASSWORD'):
            pw = os.environ['MPA_TEST_PASSWORD']
        else:
            # Random per run, so no test can depend on a password written in a script or log.
            pw = 'Tp-' + secrets.token_hex(8)
        if any(c in pw for c in ':\n\r\t') or not pw:
            raise ServerError('password: must be non-empty and contain no colon, tab or newline')
        self._write('password', pw, 0o640)
        return pw

    def _users_file(self, pw):
        # passwd-file: user:{PLAIN}password:uid:gid:gecos:home:shell:extra fields
        lines = [
            'ok@example.com:{PLAIN}%s::::::' % pw,
            'disabled@example.com:{PLAIN}%s::::::nologin' % pw,
            'whitelisted@example.com:{PLAIN}%s::::::allow_nets=10.0.0.0/8' % pw,
        ]
        self._write('users', '\n'.join(lines) + '\n', 0o640)

    def _lua_file(self):
        # The Lua passdb handles the users whose behaviour passwd-file cannot express; it answers
        # USER_UNKNOWN for everyone else so the passwd-file passdb after it takes over.
        # needid: with imap_id_retain the client's ID (sent before LOGIN) is %{client_id}; without
        # it the session gets a global ACL that only allows listing, so EXAMINE/SELECT fail.
        lua = '''-- generated by dovecot.py
local function read_password()
  local f = assert(io.open("%(pwfile)s", "r"))
  local pw = f:read("*a")
  f:close()
  return pw
end

function auth_passdb_lookup(req)
  if req.user == "needid@example.com" then
    local fields = { password = "{PLAIN}" .. read_password() }
    if req:var_expand("%%{client_id}") == "" then
      fields["userdb_acl"] = "vfile:%(noid_acl)s"
    end
    return dovecot.auth.PASSDB_RESULT_OK, fields
  elseif req.user == "expired@example.com" then
    return dovecot.auth.PASSDB_RESULT_PASS_EXPIRED, "password expired"
  elseif req.user == "tempfail@example.com" then
    return dovecot.auth.PASSDB_RESULT_INTERNAL_FAILURE, "temporary failure (test)"
  end
  return dovecot.auth.PASSDB_RESULT_USER_UNKNOWN, "not a Lua user"
end
''' % {'pwfile': self._path('password'), 'noid_acl': self._path('acl-noid')}
        self._write('auth.lua', lua)
        # Global ACL file: mailbox pattern, identifier, rights.  "l" only: the mailbox can be
        # listed but not read, so EXAMINE/SELECT answer NO.
        self._write('acl-noid', '* owner l\n')

    def _config(self, ports, sink_port):
        uid, gid = self._mail_ids()
        c = {
            'dir': self.dir, 'run': self.run, 'certs': self.certs, 'uid': uid, 'gid': gid,
            'sink': sink_port, 'instance': 'mpa-test-%d' % os.getpid(),
        }
        c.update({k.lower(): v for k, v in ports.items()})
        return '''# generated by dovecot.py: a throw-away test server on 127.0.0.1
base_dir = %(run)s
state_dir = %(dir)s/state
instance_name = %(instance)s
protocols = imap submission
listen = 127.0.0.1
hostname = localhost
log_path = %(dir)s/dovecot.log
info_log_path = %(dir)s/dovecot.log
auth_verbose = yes
auth_failure_delay = 0
# In 2.3 this is "Insecure", and from localhost Dovecot also treats plaintext LOGIN as secured,
# so a client that skips STARTTLS would still be served; the tests stay on TLS anyway.
ssl = required
ssl_cert = <%(certs)s/server.pem
ssl_key = <%(certs)s/server.key
ssl_dh = <%(certs)s/dh.pem
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:%(dir)s/mail/%%u
mail_plugins = acl
plugin {
  acl = vfile
}
imap_id_log = *
imap_id_retain = yes

passdb {
  driver = lua
  args = file=%(dir)s/auth.lua blocking=no
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN %(dir)s/users
}
userdb {
  driver = static
  args = uid=%(uid)d gid=%(gid)d home=%(dir)s/mail/%%u
}

submission_relay_host = 127.0.0.1
submission_relay_port = %(sink)d
submission_relay_ssl = no
submission_relay_trusted = no

# Login and session processes are started ahead and reused ("high-performance mode"): a
# real server has its own CPUs, this one shares two with the client under test, and forking a
# login process per connection would otherwise dominate every timing the tests and bench take.
service imap-login {
  service_count = 0
  process_min_avail = 2
  inet_listener imap {
    address = 127.0.0.1
    port = %(imap_starttls_port)d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %(imaps_port)d
    ssl = yes
  }
}
service submission-login {
  service_count = 0
  process_min_avail = 2
  inet_listener submission {
    address = 127.0.0.1
    port = %(submission_port)d
  }
  inet_listener submissions {
    address = 127.0.0.1
    port = %(smtps_port)d
    ssl = yes
  }
}
service imap {
  process_min_avail = 2
}
service submission {
  process_min_avail = 2
}
service stats {
  inet_listener http {
    port = 0
  }
}
''' % c

    # -- processes --------------------------------------------------------------------------
    def _pid(self, name):
        try:
            with open(os.path.join(self.run, name + '.pid')) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def _spawn(self, name, argv, log):
        with open(self._path(log), 'ab') as out:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                 start_new_session=True, close_fds=True)
        with open(os.path.join(self.run, name + '.pid'), 'w') as f:
            f.write('%d\n' % p.pid)
        return p

    def _start_sink(self):
        port_file = os.path.join(self.run, 'sink.port')
        if os.path.exists(port_file):
            os.unlink(port_file)
        p = self._spawn('sink', [SYSTEM_PYTHON, os.path.join(HERE, 'smtpsink.py'),
                                 '--dir', self._path('sink'), '--port-file', port_file], 'sink.log')
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if os.path.exists(port_file):
                with open(port_file) as f:
                    return int(f.read())
            if p.poll() is not None:
                break
            time.sleep(0.02)
        raise ServerError('start: the SMTP sink did not come up (see %s)' % self._path('sink.log'))

    def _start_dovecot(self, sink_port):
        for attempt in range(3):
            ports = {name: _free_port() for name in PORT_NAMES}
            if len(set(ports.values())) != len(ports):
                continue
            conf = self._write('dovecot.conf', self._config(ports, sink_port))
            p = self._spawn('dovecot', ['dovecot', '-F', '-c', conf], 'dovecot.stderr')
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and p.poll() is None:
                if all(_accepts(port) for port in ports.values()):
                    return ports
                time.sleep(0.02)
            _kill_group(p.pid, self.dir)
            p.wait()
            # A port taken in the meantime by someone else: try again with new ones.
        raise ServerError('start: dovecot did not come up (see %s and %s)'
                          % (self._path('dovecot.stderr'), self._path('dovecot.log')))

    def _disarm_auth_penalty(self):
        # After a failed login, anvil makes the next login from the same IP wait 2..15 s, and in
        # 2.3.19 no setting turns that off.  Auth processes connect to this socket lazily; when it
        # is gone they skip the penalty.  Must happen before the first client, and no reload after.
        sock = os.path.join(self.run, 'anvil-auth-penalty')
        deadline = time.monotonic() + 5
        while not os.path.exists(sock):
            if time.monotonic() > deadline:
                raise ServerError('start: %s never appeared' % sock)
            time.sleep(0.01)
        os.unlink(sock)

    def start(self, parent=None, lifetime=0):
        if os.getuid() != 0:
            raise ServerError('start: run as root (Dovecot drops privileges to its own users)')
        if self._pid('dovecot') and _pid_alive(self._pid('dovecot')):
            raise ServerError('start: a server already runs in %s (stop it first)' % self.dir)
        os.makedirs(self.run, exist_ok=True)
        os.makedirs(self.certs, exist_ok=True)
        for sub in ('state', 'mail', 'sink'):
            os.makedirs(self._path(sub), exist_ok=True)
        # Auth and mail processes run as the dovecot user: it must reach DIR and the certificates.
        os.chmod(self.dir, os.stat(self.dir).st_mode | 0o111)
        for path in (self.dir, self.certs):
            self._check_traversable(os.path.dirname(path))
        os.chown(self._path('mail'), *self._mail_ids())
        subprocess.run(['sh', os.path.join(HERE, 'make-certs.sh'), self.certs], check=True)
        try:
            pw = self._setup_password()
            self._users_file(pw)
            self._lua_file()
            sink_port = self._start_sink()
            self.ports = self._start_dovecot(sink_port)
            self._disarm_auth_penalty()
            self.ports['SINK_PORT'] = sink_port
            text = ''.join('%s=%d\n' % kv for kv in self.ports.items())
            text += 'CA_FILE=%s\nPASSWORD_FILE=%s\nSINK_DIR=%s\n' % (
                os.path.join(self.certs, 'ca.pem'), self._path('password'), self._path('sink'))
            self._write('ports', text)
            if parent or lifetime:
                self._spawn('watchdog', [sys.executable, os.path.abspath(__file__), 'watchdog',
                                         self.dir, '--parent', str(parent or 0),
                                         '--lifetime', str(lifetime or 0)], 'watchdog.log')
        except BaseException:
            self.stop()
            raise
        return self.ports

    def _check_traversable(self, path):
        uid, gid = self._mail_ids()
        while True:
            st = os.stat(path)
            if not (st.st_mode & 0o001 or (st.st_uid == uid and st.st_mode & 0o100)
                    or (st.st_gid == gid and st.st_mode & 0o010)):
                raise ServerError('start: the dovecot user cannot enter %s (chmod o+x it, e.g. a '
                                  'mktemp -d directory)' % path)
            if path == '/':
                return
            path = os.path.dirname(path)

    def _mail_ids(self):
        import pwd
        u = pwd.getpwnam('dovecot')
        return u.pw_uid, u.pw_gid

    def stop(self):
        me = os.getpid()
        for name in ('dovecot', 'sink', 'watchdog'):
            pid = self._pid(name)
            if pid and pid != me:
                _kill_group(pid, self.dir)
            try:
                os.unlink(os.path.join(self.run, name + '.pid'))
            except FileNotFoundError:
                pass
        try:
            os.unlink(self._path('ports'))
        except FileNotFoundError:
            pass

    def running(self):
        pid = self._pid('dovecot')
        return bool(pid and _pid_alive(pid))


def _watchdog(d, parent, lifetime):
    """Stops the servers when the test that started them is gone, or after `lifetime` seconds:
    a test killed with SIGKILL runs no trap, and nothing may stay behind."""
    end = time.monotonic() + lifetime if lifetime > 0 else None
    while d.running():
        if parent and not _pid_alive(parent):
            break
        if end and time.monotonic() > end:
            break
        time.sleep(0.5)
    d.stop()


def main(argv=None):
    p = argparse.ArgumentParser(description='Private Dovecot on 127.0.0.1 for tests.')
    p.add_argument('command', choices=('start', 'stop', 'status', 'watchdog'))
    p.add_argument('dir')
    p.add_argument('--certs', help='certificate directory (made with make-certs.sh; default DIR/certs)')
    p.add_argument('--password-file', help='file holding the test users\' password '
                   '(default: $MPA_TEST_PASSWORD, else a random one); copied to DIR/password')
    p.add_argument('--parent', type=int, default=0, help='stop the servers when this PID exits')
    p.add_argument('--lifetime', type=float, default=0, help='stop the servers after SECONDS')
    a = p.parse_args(argv)
    d = Dovecot(a.dir, a.certs, a.password_file)
    try:
        if a.command == 'start':
            d.start(parent=a.parent, lifetime=a.lifetime)
            with open(os.path.join(d.dir, 'ports')) as f:
                sys.stdout.write(f.read())
        elif a.command == 'stop':
            if os.path.isdir(d.dir):
                d.stop()
        elif a.command == 'status':
            print('running' if d.running() else 'stopped')
            return 0 if d.running() else 3
        else:
            _watchdog(d, a.parent, a.lifetime)
    except ServerError as e:
        print('dovecot.py: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
