#!/bin/sh
# test-format.sh — the C code stays in the tree's one style: every .c and .h under plugin/,
# tests/ and bench/ is as clang-format -i leaves it (style in .clang-format, written for
# clang-format 14, Debian bookworm's, which .ci/packages installs).  One test point per file; a
# failure shows the start of the change clang-format wants.  Fix:  clang-format -i FILE
# Skipped, saying why, without clang-format, with another major version (its output differs
# from 14's on the same style) or without .clang-format (a tree without it).  Prints TAP.
set -u
srcdir=${top_srcdir:?run through make check}
. "$srcdir/tests/tap.sh"

command -v clang-format >/dev/null 2>&1 ||
	skip_all "clang-format is not installed (apt-get install clang-format; CI has it from .ci/packages)"
[ -f "$srcdir/.clang-format" ] || skip_all "no .clang-format in $srcdir"
version=$(clang-format --version 2>/dev/null | sed -n 's/.*clang-format version \([0-9][0-9]*\)\..*/\1/p' | head -1)
[ "$version" = 14 ] ||
	skip_all "clang-format ${version:-of unknown version}: the style is kept with clang-format 14 (Debian bookworm, as in CI)"
tap_tmpdir format

files=$(cd "$srcdir" && find plugin tests bench -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | LC_ALL=C sort)
[ -n "$files" ]
result $? "C files found under plugin/, tests/ and bench/"

for rel in $files; do
	# from the source dir, so that clang-format finds .clang-format above the file
	if (cd "$srcdir" && clang-format --style=file "$rel" >"$tmp/formatted" 2>"$tmp/err"); then
		if cmp -s "$srcdir/$rel" "$tmp/formatted"; then
			ok "$rel is formatted"
		else
			not_ok "$rel is formatted (clang-format -i $rel)"
			diff -u "$srcdir/$rel" "$tmp/formatted" | sed -n '3,22s/^/# /p'
		fi
	else
		not_ok "$rel is formatted (clang-format failed)"
		sed 's/^/# /' "$tmp/err" | head -8
	fi
done

tap_done
