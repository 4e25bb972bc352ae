#!/usr/bin/python3
"""Generate the supported-provider table (Markdown) from the provider files.

    gen-table.py --providers DIR [--doc FILE] [--readme FILE] [--check]

Writes the table to --doc (whole file) and between the lines <!-- providers:begin --> and
<!-- providers:end --> of --readme (when the markers are there).  With --check nothing is written;
the exit status is 1 when a file is out of date, with a diff on standard error.
Standard library only, so any python3 runs it.
"""
import argparse
import difflib
import os
import sys
import xml.etree.ElementTree as ET

M = "{urn:x-claws-mail-provider-assistant:provider:1}"
BEGIN = "<!-- providers:begin -->"
END = "<!-- providers:end -->"
MAX_DOMAINS = 6
SECURITY = {"SSL": "SSL/TLS", "STARTTLS": "STARTTLS", "plain": "none"}
USER = {"%EMAILADDRESS%": "", "%EMAILLOCALPART%": ", user = local part", "%EMAILDOMAIN%": ", user = domain"}


def text(parent, tag, lang):
    for e in parent.findall(M + tag):
        if (e.get("lang") or "").replace("-", "_") == lang:
            return " ".join((e.text or "").split())
    return ""


def server(ep, kind, typ):
    for s in ep.findall(kind):
        if s.get("type") == typ:
            user = (s.findtext("username") or "").strip()
            host = s.findtext("hostname").strip().replace("%EMAILDOMAIN%", "(your domain)")
            return "%s:%s %s%s" % (host, s.findtext("port").strip(),
                                   SECURITY.get(s.findtext("socketType").strip(), "?"),
                                   USER.get(user, ", user = " + user))
    return "—"


def cell(s):
    return s.replace("|", "\\|")


def rows(directory):
    out = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".xml"):
            continue
        ep = ET.parse(os.path.join(directory, name)).getroot().find("emailProvider")
        a = ep.find(M + "assistant")
        domains = [d.text.strip() for d in ep.findall("domain")]
        shown = ", ".join(domains[:MAX_DOMAINS])
        if len(domains) > MAX_DOMAINS:
            shown += " and %d more" % (len(domains) - MAX_DOMAINS)
        # mpa:mx: a company's own domain whose MX host is the provider's
        mx = [m.get("host") or "*." + m.get("suffix") for m in ep.findall(M + "assistant/" + M + "mx")]
        if mx:
            shown = (shown + "; " if shown else "") + "company domains with MX " + ", ".join(mx[:3])
            if len(mx) > 3:
                shown += " and %d more" % (len(mx) - 3)
        if a is not None:
            en, zh = text(a, "name", "en"), text(a, "name", "zh_CN")
            provider = en if en == zh else "%s / %s" % (en, zh)
            pw = a.find(M + "password")
            if pw is None:
                password = "—"
            else:
                pen, pzh = text(pw, "label", "en"), text(pw, "label", "zh_CN")
                password = pen if pen == pzh else "%s / %s" % (pen, pzh)
            checked = a.get("checked") or "—"
        else:
            provider, password, checked = ep.findtext("displayName").strip(), "—", "—"
        out.append((provider, shown, server(ep, "incomingServer", "imap"),
                    server(ep, "outgoingServer", "smtp"), password, checked))
    return out


def table(directory):
    lines = ["| Provider | Domains | IMAP | SMTP | Password | Checked |",
             "|---|---|---|---|---|---|"]
    for r in rows(directory):
        lines.append("| " + " | ".join(cell(c) for c in r) + " |")
    return "\n".join(lines) + "\n"


def doc_text(tbl):
    return ("# Supported providers\n\n"
            "Generated from the files in `providers/` by `make provider-table`; do not edit by hand.\n\n"
            + tbl)


def readme_text(old, tbl):
    b, e = old.find(BEGIN), old.find(END)
    if b < 0 or e < b:
        return None
    return old[:b + len(BEGIN)] + "\n" + tbl + old[e:]


def update(path, new, check):
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    if old == new:
        return True
    if check:
        sys.stderr.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                   path + " (now)", path + " (from the provider files)"))
        return False
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)
    print("gen-table: updated %s" % path)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--providers", required=True)
    ap.add_argument("--doc")
    ap.add_argument("--readme")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    tbl = table(args.providers)
    good = True
    if args.doc:
        good &= update(args.doc, doc_text(tbl), args.check)
    if args.readme and os.path.exists(args.readme):
        old = open(args.readme, encoding="utf-8").read()
        new = readme_text(old, tbl)
        if new is None:
            print("gen-table: %s has no %s ... %s block; left alone" % (args.readme, BEGIN, END),
                  file=sys.stderr)
            good = good and not args.check
        else:
            good &= update(args.readme, new, args.check)
    if not args.doc and not args.readme:
        sys.stdout.write(tbl)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
