#!/bin/bash
# test-gui-page.sh — the plugin's page in Claws Mail 4.1.1 at its default account-dialog size,
# as a new Sohu user meets it without a network (TAP).
#
# Real Claws under Xvfb in private network and mount namespaces (loopback only, and a resolv.conf
# whose name server does not answer): every lookup of imap.sohu.com / smtp.sohu.com fails at once.
# Once in English (C.UTF-8) and once in Simplified Chinese (zh_CN.UTF-8):
#   1. a new Sohu account, OK → the offer to test → Test connection: the test fails; its progress
#      and its verdict (headline and first step) lie inside the visible part of the page's
#      scrolled window (the plugin logs the geometry: MPA_GEOMETRY_LOG);
#   2. the password edited on the Basic page → the result is marked out of date;
#   3. OK again → the offer names the failure (the verdict's headline), "Save anyway";
#   4. Claws' own login to the new account fails → the hint says "Could not reach imap.sohu.com"
#      (not "refused"); its "Open account settings" button opens the account's preferences on the
#      plugin's page, which shows that last problem.
# Claws' dialog keeps its default size: clawsrc sets no editaccountwin_width/height.
# MPA_SCREENSHOTS=DIR: README's screenshots at the default size: the Basic page's note, the page
# after the failed test, the page opened from the hint (en-/zh-basic-page-note.png,
# en-/zh-page-after-test.png, en-page-last-problem.png).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/gui-lib.sh"
gui_test_start convert mount

T=$(mktemp -d /tmp/mpa-gui-page.XXXXXX)
gui_init page
cleanup() {
	gui_keep_artifacts $?
	gui_stop
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# No name server answers: lookups fail fast, as on a computer without a network.
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$T/resolv.conf"
mount --bind "$T/resolv.conf" /etc/resolv.conf || { echo "Bail out! cannot bind-mount resolv.conf"; exit 1; }

gui_private_home
cp "$top_srcdir/providers/sohu.com.xml" "$PD/"
export MPA_GEOMETRY_LOG=$T/geometry.log
SOHUPW="sohu-Secret-$$-pw"

# The window alone, reduced to 256 colours, for doc/screenshots/ (MPA_SCREENSHOTS=DIR).
# wait_for FILE PATTERN SECONDS COUNT: until FILE has COUNT lines matching PATTERN (grep -E).
wait_for() {
	local i
	for i in $(seq $(($3 * 10))); do
		[ "$(grep -cE -- "$2" "$1" 2>/dev/null)" -ge "$4" ] && return 0
		sleep 0.1
	done
	echo "# waited $3 s for $4 × '$2' in $(basename "$1"); last lines:"
	tail -5 "$1" 2>/dev/null | sed 's/^/#   /'
	return 1
}
# The Page Index tree of an account dialog: a click on its empty lower part gives it the focus.
tree_focus() { xdo mousemove --window "$1" 60 "$(( $(xdo getwindowgeometry "$1" | sed -n 's/.*Geometry: [0-9]*x\([0-9]*\).*/\1/p') - 80 ))" click 1; sleep 0.3; }

gui_start_xvfb || { echo "Bail out! Xvfb did not start"; exit 1; }
gui_write_config
printf 'warn_empty_subj=0\nenable_aspell=0\n' >>"$CFG/clawsrc"
printf '\n[Plugins_Common]\n%s\n\n[Plugins_GTK3]\n' "$SO" >>"$CFG/clawsrc"

run_phase() { # en|zh  LANG  the-plugin's-name-in-window-titles
	local L=$1 n_out geo W H Q WGEO PA=$3
	: >"$MPA_GEOMETRY_LOG"
	LANG=$2 LC_ALL=$2 claws_start --online
	check "$L: Claws Mail main window appears" test -n "$MAIN"
	[ -n "$MAIN" ] || return 0
	close_alerts 1

	# 1. a new Sohu account, OK, the offered test
	new_account "zhangsan@sohu.com" "$SOHUPW"
	if [ -z "${NEWACC:-}" ]; then not_ok "$L: the new account dialog opens"; return 0; fi
	WGEO=$(xdo getwindowgeometry "$NEWACC" | sed -n 's/.*Geometry: //p')
	shot "page-$L-basic-note"; dshot "$L-basic-page-note" "$NEWACC"
	echo "# $L: account dialog at its default size: $WGEO"
	focus "$NEWACC"; keys alt+o
	Q=$(wait_win "^$PA\$" 10)
	check "$L: OK on the untested new account offers the test" test -n "$Q"
	[ -n "$Q" ] && { focus "$Q"; keys Return; }
	wait_for "$MPA_GEOMETRY_LOG" '^event=verdict' 30 1
	sed 's/^/# geometry: /' "$MPA_GEOMETRY_LOG"
	check "$L: the test failed without a network (IMAP and SMTP: the names cannot be looked up)" \
		grep -q 'IMAP failed, SMTP failed; causes: IMAP dns-failure SMTP dns-failure' "$T/claws.out"
	check "$L: one explanation for both (same cause)" \
		grep -Eq 'Provider Assistant: test verdict: (IMAP and SMTP|IMAP 和 SMTP)' "$T/claws.out"
	check "$L: the test's progress was in view at the default dialog size" \
		grep -q '^event=progress .* in_view=1$' "$MPA_GEOMETRY_LOG"
	check "$L: the verdict (headline, first step) was in view at the default dialog size" \
		grep -q '^event=verdict .*headline=[0-9].*first_step=[0-9].* in_view=1$' "$MPA_GEOMETRY_LOG"
	shot "page-$L-failed-test"; dshot "$L-page-after-test" "$NEWACC"

	# 2. the password edited on the Basic page: the result is out of date
	n_out=$(grep -c 'test result out of date' "$T/claws.out")
	focus "$NEWACC"; tree_focus "$NEWACC"
	keys Home Down; sleep 0.5
	keys Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab; typ "x"; sleep 0.5
	shot "page-$L-password-edited"
	check "$L: editing the password marks the test result out of date" \
		wait_for "$T/claws.out" 'test result out of date' 5 $((n_out + 1))
	# back to the page (Shift+Tab to the tree, the last row)
	keys shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab shift+Tab
	keys End; sleep 0.8
	shot "page-$L-out-of-date"

	# 3. OK again: the offer names the failure; "Save anyway" (Escape) saves
	focus "$NEWACC"; keys alt+o
	Q=$(wait_win "^$PA\$" 10)
	shot "page-$L-offer-after-failure"
	VERDICT=$(sed -n 's/.*Provider Assistant: test verdict: //p' "$T/claws.out" | tail -1)
	OFFER=$(grep -A3 'Provider Assistant: offer on OK:' "$T/claws.out" | tail -4)
	echo "# verdict: $VERDICT"
	echo "# offer: $(tr '\n' ' ' <<<"$OFFER")"
	check "$L: OK after the failed test offers the test again" test -n "$Q"
	check "$L: the offer names the failure (the verdict's headline)" \
		bash -c '[ -n "$1" ] && [[ "$2" == *"$1"* ]]' _ "$VERDICT" "$OFFER"
	[ -n "$Q" ] && { focus "$Q"; keys Escape; }
	gone_win '^Preferences for new account' 10
	# 4. Claws logs in to the new account at once and fails: the hint, then its button
	H=
	for i in $(seq 40); do
		H=$(xdo search --onlyvisible --name "^$PA(: |：)" 2>/dev/null | tail -1)
		[ -n "$H" ] && break
		close_alerts 1
		E=$(xdo search --onlyvisible --name '^Edit accounts$' 2>/dev/null | tail -1)
		[ -n "$E" ] && { focus "$E"; keys Escape; }
	done
	check "$L: Claws' failed login to the new account brings the hint window" test -n "$H"
	HINT=$(sed -n 's/.*Provider Assistant: hint: //p' "$T/claws.out" | tail -1)
	echo "# hint: $HINT"
	check "$L: the hint does not claim more than Claws' log tells (Could not reach imap.sohu.com)" \
		bash -c '[[ "$1" == *imap.sohu.com* ]] && [[ "$1" != *refused* ]] && [[ "$1" != *拒绝* ]]' _ "$HINT"
	shot "page-$L-hint"
	if [ -n "$H" ]; then
		close_alerts 1
		focus "$H"; keys alt+o
		A=$(wait_win ' - Account preferences$' 15)
		check "$L: the hint's button opens the account's preferences" test -n "$A"
		check "$L: ... on the plugin's page" wait_for "$T/claws.out" 'Provider Assistant: page shown for account' 10 1
		sleep 1; shot "page-$L-from-hint"; [ "$L" = en ] && dshot "$L-page-last-problem" "$A"
		[ -n "$A" ] && { focus "$A"; keys Escape; gone_win ' - Account preferences$' 10; }
	else
		not_ok "$L: the hint's button opens the account's preferences"
	fi
	close_alerts 2
	claws_stop
	cp "$T/claws.out" "$ART/gui-page-$L.log"
	cp "$MPA_GEOMETRY_LOG" "$ART/gui-page-$L-geometry.log"
	# the next phase starts from a configuration without the Sohu account
	gui_write_config
	printf 'warn_empty_subj=0\nenable_aspell=0\n' >>"$CFG/clawsrc"
	printf '\n[Plugins_Common]\n%s\n\n[Plugins_GTK3]\n' "$SO" >>"$CFG/clawsrc"
	rm -f "$CFG/passwordstorerc"
}

run_phase en C.UTF-8 'Provider Assistant'
if [ -e "${LOCPATH:-/nonexistent}/zh_CN.UTF-8" ] || locale -a 2>/dev/null | grep -qi '^zh_CN.utf-\?8$'; then
	run_phase zh zh_CN.UTF-8 '邮箱设置助手'
else
	ok "zh: the page in Chinese # SKIP no zh_CN.UTF-8 locale"
fi
leak=0
for f in "$ART"/gui-page-*.log; do grep -qF -- "$SOHUPW" "$f" && { echo "# password in $f"; leak=1; }; done
check "no password in Claws' debug output" test $leak = 0
tap_done
