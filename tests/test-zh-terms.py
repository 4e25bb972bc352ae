#!/usr/bin/env python3
"""test-zh-terms.py — the Chinese catalogue keeps to the terms of doc/zh_CN-terms.md (TAP).

Every row of the table names the word to use and the words not to use; no translation in
po/zh_CN.po may contain a word of the "not" column.  The first row is the plugin's page: its
name ("Provider Assistant") is translated with the word to use, and so is every message that
names the page.  Also: no spaced Western dash in a translation, and Claws Mail's own labels are
quoted in English (its zh_CN translation does not exist), e.g. “Basic”（基本）.  And the
provider files' Chinese texts keep one spacing style between Chinese and Latin text.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402

srcdir = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def catalogue(path):
    """[(msgid, msgstr)] of the active (not obsolete) entries."""
    entries, cur, key = [], {"msgid": [], "msgstr": []}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#~"):
            continue
        m = re.match(r'^(msgid|msgstr) (".*")$', line)
        if m:
            if m.group(1) == "msgid" and cur["msgstr"]:
                entries.append(cur)
                cur = {"msgid": [], "msgstr": []}
            key = m.group(1)
            cur[key].append(eval(m.group(2)))
        elif line.startswith('"') and key:
            cur[key].append(eval(line))
        elif not line.strip():
            key = None
    if cur["msgstr"]:
        entries.append(cur)
    return [("".join(e["msgid"]), "".join(e["msgstr"])) for e in entries if "".join(e["msgid"])]


def terms(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("term", "") or set(cells[1]) <= set("-"):
            continue
        rows.append((cells[0], cells[1], [w.strip() for w in cells[2].split(",") if w.strip()]))
    return rows


po = catalogue(os.path.join(srcdir, "po", "zh_CN.po"))
rows = terms(os.path.join(srcdir, "doc", "zh_CN-terms.md"))
tap.ok(len(po) > 300, "the catalogue has its messages (%d)" % len(po))
tap.ok(len(rows) >= 8 and rows[0][0].startswith("the plugin"), "the terms table has its rows (%d)" % len(rows))

for term, use, nots in rows:
    bad = ["%s → %s" % (mid[:60], s[:80]) for mid, s in po for w in nots if w in s]
    tap.ok(not bad, "%s: %s, never %s" % (term, use, ", ".join(nots) or "-"), bad)

page = rows[0][1] if rows else "?"
names = [s for mid, s in po if mid == "Provider Assistant"]
tap.ok(names == [page], "the page is called %s (msgid \"Provider Assistant\")" % page, names)
# Every message that names the page in English names it with the same Chinese name.
naming = [(mid, s) for mid, s in po if "Provider Assistant" in mid and mid != "Provider Assistant"]
bad = ["%s → %s" % (mid[:70], s[:70]) for mid, s in naming if page not in s]
tap.ok(naming and not bad, "the %d messages that name the page say %s" % (len(naming), page), bad)

bad = [s[:80] for mid, s in po if " — " in s or re.search(r"[\u4e00-\u9fff）]—[^—]", s)]
tap.ok(not bad, "no Western spaced dash in a Chinese translation", bad)

# Claws Mail's labels: wherever an English message names one, the translation quotes it in English.
claws_labels = {"Basic page": "“Basic”", "Rebuild folder tree": "“Rebuild folder tree”",
                "Press OK": "“OK”", "Cancel to undo": "“Cancel”", "closed with OK": "“OK”",
                "Other › Miscellaneous": "Miscellaneous"}
bad = ["%s → %s" % (mid[:60], s[:80]) for mid, s in po for en, zh in claws_labels.items()
       if en in mid and zh not in s]
tap.ok(not bad, "Claws Mail's own labels are quoted as Claws shows them (English)", bad)

# Provider files: one spacing style, no space between Chinese and Latin letters or digits (the
# style most files had).  A web label in “…” is quoted as the provider writes it, and so are the
# provider's own names of its passwords (Apple: App 专用密码).
OWN_SPACED = ("App 专用密码",)
CJK = "\u4e00-\u9fff"
spaced = re.compile("[%s] +[A-Za-z0-9]|[A-Za-z0-9] +[%s]" % (CJK, CJK))
pdir = os.path.join(srcdir, "providers")
bad, n = [], 0
for name in sorted(os.listdir(pdir)):
    if not name.endswith(".xml"):
        continue
    text = open(os.path.join(pdir, name), encoding="utf-8").read()
    for m in re.finditer(r'<([\w:]+)[^>]*lang="zh_CN"[^>]*>(.*?)</\1>', text, re.S):
        n += 1
        body = re.sub("“[^”]*”", "“”", m.group(2))
        for own in OWN_SPACED:
            body = body.replace(own, "")
        bad += ["%s: …%s…" % (name, body[max(0, h.start() - 8):h.end() + 8].strip()) for h in spaced.finditer(body)]
tap.ok(n > 300 and not bad, "provider files: no space between Chinese and Latin text (%d zh_CN texts)" % n, bad)
tap.done()
