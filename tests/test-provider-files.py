#!/usr/bin/python3
# TAP: every provider file follows doc/provider-format.md (checked here with the standard library,
# independently of the C loader), no domain belongs to two providers, and every file carries the
# assistant part with at least one diagnosis rule.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import providerfiles as pf  # noqa: E402
import tap  # noqa: E402

files = pf.provider_files()
tap.ok(len(files) >= 20, "providers/ holds the provider files (%d found)" % len(files))
owner = {}
for f in files:
    probs = pf.validate(f)
    tap.ok(not probs, "%s is valid" % os.path.basename(f), probs)
    if probs:
        continue
    p = pf.load(f)
    tap.ok(p["assistant"] and len(p["rules"]) >= 1 and p["password_kind"] is not None,
           "%s has the assistant part, a password kind and rules" % os.path.basename(f))
    clash = [d for d in p["domains"] if d in owner]
    tap.ok(not clash, "%s claims no domain of another file" % os.path.basename(f),
           ["%s is also in %s" % (d, owner[d]) for d in clash])
    for d in p["domains"]:
        owner.setdefault(d, os.path.basename(f))
tap.done()
