"""TAP for the Python tests, the counterpart of tests/tap.sh.

    import tap
    tap.ok(condition, "description", diag)   # diag: a string or a list; shown only on failure
    tap.skip_all("reason")                   # before the first test point
    tap.done()                               # the plan, and the exit status
"""
import sys

_n = 0
_failed = 0


def ok(cond, desc, diag=()):
    global _n, _failed
    _n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", _n, desc))
    if not cond:
        _failed += 1
        for d in [diag] if isinstance(diag, str) else diag:
            for line in str(d).splitlines()[:40]:
                print("# " + line)


def skip_all(reason):
    print("1..0 # SKIP " + reason)
    sys.exit(0)


def done():
    print("1..%d" % _n)
    sys.exit(1 if _failed else 0)
