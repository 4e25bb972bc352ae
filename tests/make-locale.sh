#!/bin/sh
# make-locale.sh DEST PODIR... — build the locales the tests need (zh_CN.UTF-8, en_US.UTF-8) into
# DEST (used as LOCPATH) and put the built catalogues of each PODIR (later ones win) under
# DEST/mo/LANG/LC_MESSAGES.
set -eu
dest=$1
shift
mkdir -p "$dest"
for loc in zh_CN en_US; do
	if [ ! -f "$dest/$loc.UTF-8/LC_CTYPE" ]; then
		localedef -i "$loc" -f UTF-8 "$dest/$loc.UTF-8" 2>/dev/null || {
			# localedef exits 1 for mere warnings; only a missing result is fatal
			[ -f "$dest/$loc.UTF-8/LC_CTYPE" ] || {
				echo "make-locale.sh: cannot build $loc.UTF-8 (install the 'locales' package)" >&2
				exit 1
			}
		}
	fi
done
# C.UTF-8 lives outside LOCPATH: make it visible there too.
if [ ! -e "$dest/C.UTF-8" ] && [ -d /usr/lib/locale/C.utf8 ]; then
	ln -s /usr/lib/locale/C.utf8 "$dest/C.UTF-8"
fi
for podir in "$@"; do
	for gmo in "$podir"/*.gmo; do
		[ -f "$gmo" ] || continue
		lang=$(basename "$gmo" .gmo)
		mkdir -p "$dest/mo/$lang/LC_MESSAGES"
		cp "$gmo" "$dest/mo/$lang/LC_MESSAGES/claws-mail-provider-assistant.mo"
	done
done
