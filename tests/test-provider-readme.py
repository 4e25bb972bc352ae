#!/usr/bin/python3
# TAP: the supported-provider table in README and doc/providers.md matches the provider files
# (run "make provider-table" to regenerate), and the generator really reflects the files.
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402

top = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
gen = os.path.join(top, "providers", "gen-table.py")
prov = os.path.join(top, "providers")
py = sys.executable or "/usr/bin/python3"
def check(*args):
    p = subprocess.run([py, gen, "--providers", prov, "--check"] + list(args), capture_output=True, text=True)
    return p.returncode, p.stderr


rc, err = check("--doc", os.path.join(top, "doc", "providers.md"))
tap.ok(rc == 0, "doc/providers.md is up to date with providers/ (make provider-table)", err)
readme = os.path.join(top, "README")
text = open(readme, encoding="utf-8").read()
tap.ok("<!-- providers:begin -->" in text and "<!-- providers:end -->" in text, "README has the provider table markers")
rc, err = check("--readme", readme)
tap.ok(rc == 0, "README's provider table is up to date with providers/ (make provider-table)", err)

# The check must notice a change: a copy of the files with one host changed is out of date.
tmp = tempfile.mkdtemp()
try:
    shutil.copytree(prov, os.path.join(tmp, "p"))
    f = os.path.join(tmp, "p", "qq.com.xml")
    s = open(f, encoding="utf-8").read().replace("imap.qq.com", "imap2.qq.com")
    open(f, "w", encoding="utf-8").write(s)
    p = subprocess.run([py, gen, "--providers", os.path.join(tmp, "p"), "--check", "--readme", readme],
                       capture_output=True, text=True)
    tap.ok(p.returncode == 1 and "imap2.qq.com" in p.stderr, "a changed provider file makes the README table stale")
finally:
    shutil.rmtree(tmp)
tap.done()
