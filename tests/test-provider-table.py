#!/usr/bin/python3
# TAP: the provider table, through the real command line.
#  - "provider-assistant validate" accepts every provider file;
#  - every domain of tests/provider-table.tsv resolves (show --json) to the expected provider, servers,
#    ports, security and user names (iCloud: IMAP = local part, SMTP = full address);
#  - every domain listed in a provider file resolves to that file's provider;
#  - "show" works for every provider in English and in Chinese (LC_ALL=en_US.UTF-8 / zh_CN.UTF-8 with the
#    test environment's LOCPATH), with the provider's own name and password label in each language.
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import providerfiles as pf  # noqa: E402
import tap  # noqa: E402

top_builddir = os.environ.get("top_builddir")
srcdir = os.environ.get("G_TEST_SRCDIR", os.path.dirname(os.path.abspath(__file__)))
PA = os.path.join(top_builddir or ".", "plugin", "provider-assistant")
if not top_builddir or not os.access(PA, os.X_OK):
    tap.skip_all("provider-assistant is not built (run through make check)")

home = tempfile.mkdtemp()
base_env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"))


def run(args, lang="en_US.UTF-8"):
    env = dict(base_env, LC_ALL=lang)
    p = subprocess.run([PA] + args, capture_output=True, env=env, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


# 1. validate
rc, out, err = run(["validate"])
tap.ok(rc == 0 and not err.strip(), "provider-assistant validate accepts every provider file", [out, err])

# 2. the expected table
rows = []
for line in open(os.path.join(srcdir, "provider-table.tsv"), encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    rows.append(line.rstrip("\n").split("\t"))

for dom, pid, ih, ip, isec, iu, sh, sp, ssec, su in rows:
    addr = "someone@" + dom
    want_user = {"address": addr, "localpart": "someone"}
    rc, out, err = run(["show", "--json", addr])
    try:
        d = json.loads(out)
        got = (d["provider"], d["imap"]["host"], d["imap"]["port"], d["imap"]["security"], d["imap"]["username"],
               d["smtp"]["host"], d["smtp"]["port"], d["smtp"]["security"], d["smtp"]["username"])
    except (ValueError, KeyError, TypeError) as e:
        got = ("unparsable: %s" % e,)
    want = (pid, ih, int(ip), isec, want_user[iu], sh, int(sp), ssec, want_user[su])
    tap.ok(rc == 0 and got == want, "%s resolves to %s with the expected servers and user names" % (dom, pid),
           ["want %r" % (want,), "got  %r" % (got,), err])

# 3. every listed domain resolves to its own file; 4. show in both languages
for f in pf.provider_files():
    p = pf.load(f)
    wrong = []
    for dom in p["domains"]:
        rc, out, err = run(["show", "--json", "x@" + dom])
        try:
            got = json.loads(out)["provider"]
        except (ValueError, KeyError):
            got = None
        if got != p["id"]:
            wrong.append("%s -> %s (exit %d) %s" % (dom, got, rc, err.strip()))
    tap.ok(not wrong, "all %d domains of %s resolve to it" % (len(p["domains"]), os.path.basename(f)), wrong)
    if not p["assistant"]:
        continue
    extra = []
    if p["domains"]:
        addr = "x@" + p["domains"][0]
    else:
        # A host of company domains (found by MX) names no domain: show it through a copy that
        # names one, so its texts are checked the same way.
        only = tempfile.mkdtemp(dir=home)
        xml = open(f, encoding="utf-8").read()
        head, sep, tail = xml.partition('<emailProvider id="%s">' % p["id"])
        with open(os.path.join(only, os.path.basename(f)), "w", encoding="utf-8") as out_f:
            out_f.write(head + sep + "<domain>company.example</domain>" + tail)
        extra = ["--providers-dir", only]
        addr = "x@company.example"
    for lang, key in (("en_US.UTF-8", "en"), ("zh_CN.UTF-8", "zh_CN")):
        rc, out, err = run(extra + ["show", addr], lang)
        dom = addr.split("@")[1]
        want = [p["name"][key]] + [p[k]["host"].replace("%EMAILDOMAIN%", dom) for k in ("imap", "smtp")]
        missing = [w for w in want if w not in out]
        tap.ok(rc == 0 and not missing, "show %s in %s: name and servers" % (p["id"], key),
               ["missing: %r" % missing, "exit %d" % rc, err, out[:600]])
        rc, out, err = run(extra + ["show", "--json", addr], lang)
        try:
            d = json.loads(out)
            got = (key if d["lang"].split("_")[0] == key.split("_")[0] else d["lang"], d["name"], d["password"]["kind"], d["password"]["label"])
        except (ValueError, KeyError) as e:
            got = ("unparsable: %s" % e,)
        want = (key, p["name"][key], p["password_kind"], p["password_label"][key])
        tap.ok(rc == 0 and got == want, "show --json %s in %s: the provider's own name and password label" % (p["id"], key),
               ["want %r" % (want,), "got  %r" % (got,), err])

tap.done()
