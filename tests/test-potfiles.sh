#!/bin/sh
# test-potfiles.sh — translations stay complete: every plugin/*.c that marks strings with _( or
# N_( is listed in po/POTFILES.in, every listed file exists, and every po/*.po passes
# msgfmt --check.  Prints TAP.
set -u
srcdir=${top_srcdir:?run through make check}
. "$srcdir/tests/tap.sh"
tap_tmpdir potfiles

listed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$srcdir/po/POTFILES.in")

for file in "$srcdir"/plugin/*.c; do
	rel=plugin/${file##*/}
	if grep -qE '(^|[^A-Za-z0-9_])N?_\(' "$file"; then
		echo "$listed" | grep -qxF "$rel"
		result $? "$rel has translatable strings and is in po/POTFILES.in"
	fi
done

for rel in $listed; do
	[ -f "$srcdir/$rel" ]
	result $? "po/POTFILES.in entry $rel exists"
done

# The catalogue of the sources, made the way po/Makefile makes it (keywords from po/Makevars).
(cd "$srcdir" && xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	--keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=Q_:1g --keyword=g_dngettext:2,3 \
	--output="$tmp/all.pot" $listed) 2>"$tmp/xgettext.err"
result $? "xgettext extracts the strings of po/POTFILES.in"

for po in "$srcdir"/po/*.po; do
	[ -f "$po" ] || continue
	out=$(msgfmt --check --output-file=/dev/null "$po" 2>&1)
	status=$?
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
	result $status "msgfmt --check ${po##*/}"
	# A string left untranslated shows English in the middle of Chinese.
	stats=$(LC_ALL=C msgfmt --statistics --output-file=/dev/null "$po" 2>&1)
	echo "# ${po##*/}: $stats"
	# Every string of the sources has a translation (msgcmp ignores obsolete entries).
	if [ -f "$tmp/all.pot" ]; then
		out=$(msgcmp "$po" "$tmp/all.pot" 2>&1)
		status=$?
		echo "$out" | grep -v "this message is not used" | grep -v "^$" | sed "s/^/# /" | head -40
		result $status "${po##*/} translates every string of the sources"
	fi
	case $stats in
	*untranslated*|*fuzzy*) result 1 "${po##*/} has no untranslated or fuzzy strings" ;;
	*) result 0 "${po##*/} has no untranslated or fuzzy strings" ;;
	esac
done

tap_done
