#!/bin/bash
# Build the Debian package from this checkout and check it with lintian:
#   tools/deb.sh [OUTDIR]     -> OUTDIR/execrec_VERSION_amd64.deb (default: .)
# It runs 'dpkg-buildpackage -b -us -uc' in a copy of the tree (the tracked
# and new files, no build directories), so the checkout stays clean and the
# package holds what the tree holds now. DEB_BUILD_OPTIONS=nocheck skips the
# test suites. Installs the packages of tools/deps.sh first, if missing.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# dpkg-parsechangelog, debhelper and lintian are not on a fresh Debian 12.
"$src/tools/deps.sh"
out=${1:-.}
mkdir -p "$out"
out=$(cd "$out" && pwd)

changelog=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
project=$(sed -n "s/^  version : '\([^']*\)',\$/\1/p" "$src/meson.build")
if [ "$changelog" != "$project" ]; then
	echo "deb: debian/changelog says $changelog, meson.build says $project: add a changelog entry" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/execrec"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$src/$f" ] && printf '%s\0' "$f"; done |
		tar -C "$src" --null -T - -cf - | tar -C "$tmp/execrec" -xf -
else
	tar -C "$src" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -C "$tmp/execrec" -xf -
fi

echo "deb: building execrec $changelog (log: $out/execrec_${changelog}_amd64.build)" >&2
if ! (cd "$tmp/execrec" && dpkg-buildpackage -b -us -uc) >"$out/execrec_${changelog}_amd64.build" 2>&1; then
	tail -n 30 "$out/execrec_${changelog}_amd64.build" >&2
	echo "deb: dpkg-buildpackage failed (whole log: $out/execrec_${changelog}_amd64.build)" >&2
	exit 1
fi
for f in "$tmp"/*.deb "$tmp"/*.changes "$tmp"/*.buildinfo; do
	cp "$f" "$out/"
done

# Errors fail the build; warnings and the rest are shown.
lintian --fail-on error --display-info "$out/execrec_${changelog}_amd64.changes"
echo "$out/execrec_${changelog}_amd64.deb"
