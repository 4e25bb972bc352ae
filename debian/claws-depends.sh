#!/bin/sh
# claws-depends.sh BUILDDIR — prints the package's dependency on claws-mail, for the substvar
# ${claws:Depends} (debian/rules, override_dh_gencontrol).
#
# Claws Mail loads a plugin only if its plugin_init() passes check_plugin_version(minimum,
# compiled, ...) (src/common/plugin.c): the running Claws' VERSION_NUMERIC, which is
# MAKE_NUMERIC_VERSION(major, minor, micro, extra) with extra = git commits after the release tag
# (0 for a release), must be
#   >= minimum:  the plugin's MPA_CLAWS_MIN_VERSION (configure.ac), and
#   <= compiled: VERSION_NUMERIC of the Claws headers the plugin was built with.
# Debian's claws-mail a.b.c-N (also +dfsg, +debNuM, binNMUs) is a release of a.b.c, so it is
# numeric a.b.c.0.  Hence: claws-mail (>= minimum), claws-mail (<< a.b.c.(extra+1)~) — every Debian
# revision of the release the headers belong to, not the next release (a.b.c.1~ sorts after
# a.b.c-N and a.b.c+dfsg, before a.b.(c+1)).
set -eu
b=${1:?usage: claws-depends.sh BUILDDIR}
min=$(sed -n 's/^#define MPA_CLAWS_MIN_VERSION "\(.*\)"$/\1/p' "$b/config.h")
# The headers exactly as the plugin was compiled against them (configure's CLAWS_CFLAGS).
cflags=$(sed -n 's/^CLAWS_CFLAGS = //p' "$b/Makefile")
set -- $(printf '%s\n' '#include "common/version.h"' '#undef MAKE_NUMERIC_VERSION' \
	'#define MAKE_NUMERIC_VERSION(a, b, c, d) mpa_claws_version a b c d' 'VERSION_NUMERIC' |
	${CC:-cc} -E -P $cflags - | sed -n 's/^ *mpa_claws_version //p')
if [ -z "$min" ] || [ $# -ne 4 ]; then
	echo "claws-depends.sh: cannot read the minimum ($b/config.h) or the headers' VERSION_NUMERIC" >&2
	exit 1
fi
compiled=$1.$2.$3.$4
if ! dpkg --compare-versions "$min" le "$compiled"; then
	echo "claws-depends.sh: the Claws headers ($compiled) are older than the plugin's minimum ($min)" >&2
	exit 1
fi
echo "claws-mail (>= $min), claws-mail (<< $1.$2.$3.$(($4 + 1))~)"
