# Shared helpers for the provider-file tests: parse provider files with the standard library and check
# them against doc/provider-format.md.  Kept free of third-party modules so any python3 runs it.
import os
import re
import xml.etree.ElementTree as ET

NS = "urn:x-claws-mail-provider-assistant:provider:1"
M = "{%s}" % NS

CAUSES = set("""app-password-required service-disabled ip-not-allowed client-id-required rate-limited
message-rejected-spam sender-not-allowed oauth-required account-locked temporary-failure
wrong-credentials dns-failure connection-refused timeout connection-closed tls-handshake-failed
certificate-untrusted certificate-expired certificate-hostname-mismatch protocol-error encryption-required tls-outdated preauth-unencrypted unknown""".split())
PROTOCOLS = {"imap", "smtp", "any"}
STAGES = {"connect", "tls", "greeting", "auth", "select", "send", "any"}
AUTH = {"password-cleartext", "password-encrypted", "plain", "secure", "OAuth2", "client-IP-address",
        "TLS-client-cert", "none", "GSAPI", "NTLM"}
HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")
ID_RE = re.compile(r"^[a-z0-9-]+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def providers_dir():
    d = os.environ.get("MPA_PROVIDERS_PATH", "").split(":")[0]
    if not d:
        d = os.path.join(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..")), "providers")
    return d


def provider_files(d=None):
    d = d or providers_dir()
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".xml"))


def texts(parent, tag):
    """A localized text: {lang: text} of the children named tag (zh-CN normalised to zh_CN)."""
    out = {}
    for e in parent.findall(M + tag):
        lang = (e.get("lang") or "").replace("-", "_")
        out[lang] = (e.text or "").strip()
    return out


def server(e):
    if e is None:
        return None
    return {
        "host": (e.findtext("hostname") or "").strip(),
        "port": int((e.findtext("port") or "0").strip() or 0),
        "security": (e.findtext("socketType") or "").strip(),
        "username": (e.findtext("username") or "").strip(),
        "auth": [a.text.strip() for a in e.findall("authentication")],
    }


def load(path):
    """Parse one file into a plain dict (no validation)."""
    root = ET.parse(path).getroot()
    ep = root.find("emailProvider")
    imap = next((s for s in ep.findall("incomingServer") if s.get("type") == "imap"), None)
    smtp = next((s for s in ep.findall("outgoingServer") if s.get("type") == "smtp"), None)
    a = ep.find(M + "assistant")
    p = {
        "file": path, "id": ep.get("id"),
        "domains": [d.text.strip().lower() for d in ep.findall("domain")],
        "display_name": (ep.findtext("displayName") or "").strip(),
        "imap": server(imap), "smtp": server(smtp), "assistant": a is not None,
        "mx_hosts": [], "mx_suffixes": [],
    }
    if a is not None:
        pw = a.find(M + "password")
        p.update({
            "checked": a.get("checked"),
            "name": texts(a, "name"),
            "password_kind": pw.get("kind") if pw is not None else None,
            "password_label": texts(pw, "label") if pw is not None else {},
            "rules": [dict(r.attrib, line=None) for r in a.findall(M + "rule")],
            "causes": {c.get("id"): c for c in a.findall(M + "cause")},
            "mx_hosts": [m.get("host") for m in a.findall(M + "mx") if m.get("host") is not None],
            "mx_suffixes": [m.get("suffix") for m in a.findall(M + "mx") if m.get("suffix") is not None],
        })
    return p


def _lines(path):
    """Element -> line number is not kept by ElementTree; find lines of start tags by order instead."""
    return open(path, encoding="utf-8").read().split("\n")


def validate(path):
    """Return a list of problems "file:line: problem" (line 0 when unknown)."""
    problems = []
    name = os.path.basename(path)

    def bad(msg, line=0):
        problems.append("%s:%d: %s" % (name, line, msg))

    try:
        tree = ET.parse(path)
    except ET.ParseError as e:
        bad("not well-formed XML: %s" % e, e.position[0])
        return problems
    root = tree.getroot()
    if root.tag != "clientConfig" or root.get("version") != "1.1":
        bad("root must be <clientConfig version=\"1.1\">")
        return problems
    eps = root.findall("emailProvider")
    if len(eps) != 1:
        bad("exactly one <emailProvider> expected")
        return problems
    for child in root:
        if child.tag not in ("emailProvider", "oAuth2", "webMail"):
            bad("unknown element <%s> under clientConfig" % child.tag)
    ep = eps[0]
    pid = ep.get("id") or ""
    if name != pid + ".xml":
        bad("file name must be the provider id + .xml (id is %r)" % pid)
    allowed = {"domain", "displayName", "displayShortName", "incomingServer", "outgoingServer",
               "documentation", "enable", M + "assistant", "inputField", "addressbook", "calendar", "webMail"}
    for child in ep:
        if child.tag not in allowed:
            bad("unknown element <%s> in emailProvider" % child.tag)
    doms = [d.text or "" for d in ep.findall("domain")]
    mxs = ep.findall(M + "assistant/" + M + "mx")
    if not doms and not mxs:
        bad("at least one <domain> (or an <mpa:mx> for a host of company domains) is required")
    for d in doms:
        if d != d.strip().lower() or not HOST_RE.match(d.strip()):
            bad("malformed or upper-case domain %r" % d)
    if len(set(doms)) != len(doms):
        bad("a domain is listed twice")
    if not (ep.findtext("displayName") or "").strip():
        bad("<displayName> is required")
    for s in ep.findall("incomingServer") + ep.findall("outgoingServer"):
        if s.get("type") not in ("imap", "pop3", "smtp"):
            bad("unknown server type %r" % s.get("type"))
        for c in s:
            if c.tag not in ("hostname", "port", "socketType", "username", "authentication", "password", "pop3"):
                bad("unknown element <%s> in a server" % c.tag)
        sv = server(s)
        if not HOST_RE.match(sv["host"].replace("%EMAILDOMAIN%", "example.com")):
            bad("host name %r is malformed or not lower case" % sv["host"])
        if not 1 <= sv["port"] <= 65535:
            bad("port %r outside 1-65535" % sv["port"])
        if sv["security"] not in ("SSL", "STARTTLS", "plain"):
            bad("socketType %r is not SSL, STARTTLS or plain" % sv["security"])
        if re.sub(r"%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%", "", sv["username"]).count("%"):
            bad("unknown placeholder in username %r" % sv["username"])
        if not sv["auth"] or any(x not in AUTH for x in sv["auth"]):
            bad("authentication values %r not all known" % sv["auth"])
    if not any(s.get("type") == "imap" for s in ep.findall("incomingServer")):
        bad("no IMAP server")
    if not any(s.get("type") == "smtp" for s in ep.findall("outgoingServer")):
        bad("no SMTP server")

    a = ep.find(M + "assistant")
    if a is None:
        return problems

    def need_text(parent, tag, where):
        t = texts(parent, tag)
        for lang in ("en", "zh_CN"):
            if not t.get(lang):
                bad("%s: <mpa:%s> lacks lang=\"%s\"" % (where, tag, lang))
        for e in parent.findall(M + tag):
            if set(e.attrib) - {"lang"}:
                bad("%s: unknown attribute on <mpa:%s>" % (where, tag))

    def attrs(e, ok, where):
        for k in e.attrib:
            if k not in ok:
                bad("%s: unknown attribute %r" % (where, k))

    attrs(a, {"checked"}, "mpa:assistant")
    if not DATE_RE.match(a.get("checked") or ""):
        bad("mpa:assistant needs checked=\"YYYY-MM-DD\"")
    known = {M + t for t in ("name", "password", "auth", "link", "step", "note", "oauth2-client", "cause", "rule", "sending", "mx")}
    for c in a:
        if c.tag not in known:
            bad("unknown element %s in mpa:assistant" % c.tag)
    need_text(a, "name", "mpa:assistant")
    pw = a.find(M + "password")
    if pw is not None:
        attrs(pw, {"kind"}, "mpa:password")
        if pw.get("kind") not in ("login", "app-password", "oauth2"):
            bad("mpa:password kind %r unknown" % pw.get("kind"))
        need_text(pw, "label", "mpa:password")
        need_text(pw, "hint", "mpa:password")
        for c in pw:
            if c.tag not in (M + "label", M + "hint"):
                bad("unknown element %s in mpa:password" % c.tag)
    # mpa:auth: the one sign-in method per server, which that server's <authentication> must list
    au = a.findall(M + "auth")
    if len(au) > 1:
        bad("mpa:auth given twice")
    first = lambda kind: next((x for x in ep.findall(kind) if x.get("type") in ("imap", "smtp")), None)
    srv = {"imap": next((x for x in ep.findall("incomingServer") if x.get("type") == "imap"), None),
           "smtp": first("outgoingServer")}
    for e in au[:1]:
        attrs(e, {"imap", "smtp", "oauth2-provider"}, "mpa:auth")
        for proto in ("imap", "smtp"):
            m = e.get(proto)
            if m is None:
                continue
            if m not in ("login", "plain", "oauth2"):
                bad("mpa:auth %s=%r is not login, plain or oauth2" % (proto, m))
                continue
            listed = [x.text for x in srv[proto].findall("authentication")] if srv[proto] is not None else []
            if m == "oauth2" and "OAuth2" not in listed:
                bad("mpa:auth %s=oauth2 but that server does not list OAuth2" % proto)
            if m != "oauth2" and not set(listed) & {"password-cleartext", "password-encrypted", "plain", "secure"}:
                bad("mpa:auth %s=%s but that server lists no password method" % (proto, m))
        if e.get("oauth2-provider") not in (None, "google", "outlook", "exchange", "yahoo"):
            bad("mpa:auth oauth2-provider=%r unknown" % e.get("oauth2-provider"))
    # A provider that takes no password must say which OAuth2 service Claws Mail asks.
    if a.find(M + "password") is not None and a.find(M + "password").get("kind") == "oauth2":
        if not au or not au[0].get("oauth2-provider"):
            bad("mpa:password kind=oauth2 needs <mpa:auth ... oauth2-provider=\"...\">")
    # Claws Mail 4.1.1 has no built-in client ID for any OAuth2 service (src/oauth2.c): a file that
    # names one must say how to register an ID, once.
    oc = a.findall(M + "oauth2-client")
    if len(oc) > 1:
        bad("mpa:oauth2-client given twice")
    named = bool(au and au[0].get("oauth2-provider"))
    if named and not oc:
        bad("mpa:auth names an oauth2-provider but there is no <mpa:oauth2-client> (how to register a client ID)")
    if oc and not named:
        bad("mpa:oauth2-client without <mpa:auth ... oauth2-provider=...>")
    seen_mx = set()
    for m in a.findall(M + "mx"):
        attrs(m, {"host", "suffix"}, "mpa:mx")
        if (m.get("host") is None) == (m.get("suffix") is None):
            bad("mpa:mx needs exactly one of host and suffix")
            continue
        kind = "host" if m.get("host") is not None else "suffix"
        v = m.get(kind)
        if not HOST_RE.match(v):
            bad("mpa:mx %s %r is not a lower-case host name with a dot" % (kind, v))
        if (kind, v) in seen_mx:
            bad("mpa:mx %s %r listed twice" % (kind, v))
        seen_mx.add((kind, v))
        if len(m) or (m.text or "").strip():
            bad("mpa:mx is an empty element")
    links = {}
    ids = set()
    for l in a.findall(M + "link"):
        attrs(l, {"id", "url"}, "mpa:link")
        lid = l.get("id") or ""
        if not ID_RE.match(lid) or lid in links:
            bad("link id %r malformed or duplicated" % lid)
        if not (l.get("url") or "").startswith(("https://", "http://")):
            bad("link %r: url must be http(s)" % lid)
        links[lid] = l
        need_text(l, "title", "link " + lid)
    for kind, body in (("step", "text"), ("note", "text"), ("oauth2-client", "text"), ("cause", "fix")):
        for e in a.findall(M + kind):
            attrs(e, {"id", "link"}, "mpa:" + kind)
            eid = e.get("id") or ""
            if kind == "cause":
                if eid not in CAUSES:
                    bad("unknown cause %r" % eid)
                key = "cause:" + eid
            else:
                if not ID_RE.match(eid):
                    bad("%s id %r malformed" % (kind, eid))
                key = "item:" + eid
            if key in ids:
                bad("duplicated %s id %r" % (kind, eid))
            ids.add(key)
            if e.get("link") is not None and e.get("link") not in links:
                bad("%s %r refers to unknown link %r" % (kind, eid, e.get("link")))
            need_text(e, "title", "%s %s" % (kind, eid))
            need_text(e, body, "%s %s" % (kind, eid))
            for c in e:
                if c.tag not in (M + "title", M + body):
                    bad("unknown element %s in %s %s" % (c.tag, kind, eid))
    for r in a.findall(M + "rule"):
        attrs(r, {"protocol", "stage", "code", "match", "cause", "candidates"}, "mpa:rule")
        if r.get("protocol") not in PROTOCOLS:
            bad("rule: protocol %r unknown" % r.get("protocol"))
        if r.get("stage") not in STAGES:
            bad("rule: stage %r unknown" % r.get("stage"))
        for c in [r.get("cause")] + (r.get("candidates") or "").split():
            if c not in CAUSES:
                bad("rule: unknown cause %r" % c)
        if r.get("match") is not None:
            try:
                re.compile(r.get("match"), re.I)
            except re.error as e:
                bad("rule: broken regular expression %r: %s" % (r.get("match"), e))
    s = a.find(M + "sending")
    if s is not None:
        attrs(s, {"bulk-recipients"}, "mpa:sending")
        prev_to = 0
        stages = s.findall(M + "stage")
        for i, st in enumerate(stages):
            attrs(st, {"from", "to", "daily", "interval"}, "mpa:sending stage")
            try:
                f = int(st.get("from"))
                t = int(st.get("to")) if st.get("to") is not None else None
                int(st.get("daily"))
                int(st.get("interval"))
            except (TypeError, ValueError):
                bad("sending stage needs integer from, daily, interval (and to except the last)")
                continue
            if f != prev_to or (t is None and i != len(stages) - 1) or (t is not None and t <= f):
                bad("sending stages must be contiguous from day 0, the last without \"to\"")
            prev_to = t
        if s.findall(M + "text"):
            need_text(s, "text", "mpa:sending")
    return problems


def parse_reply(reply):
    """(smtp code, enhanced code, imap response code) found in a reply text."""
    code = enh = imap = None
    m = re.match(r"^\s*(\d{3})[ -]?(\d\.\d{1,3}\.\d{1,3})?", reply)
    if m:
        code = m.group(1)
        enh = m.group(2)
    m = re.search(r"\[([A-Za-z-]+)", reply)
    if m:
        imap = m.group(1).upper()
    return code, enh, imap


def match_rules(p, protocol, stage, reply):
    """First provider rule that matches (file order), as the diagnosis is documented to do."""
    code, enh, imap = parse_reply(reply)
    for r in p["rules"]:
        if r["protocol"] not in ("any", protocol) or r["stage"] not in ("any", stage):
            continue
        if r.get("code") and r["code"].upper() not in {x.upper() for x in (code, enh, imap) if x}:
            continue
        if r.get("match") and not re.search(r["match"], reply, re.I):
            continue
        return r
    return None
