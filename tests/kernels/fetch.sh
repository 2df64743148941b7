#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fetch.sh SUITE: the vmlinuz of Debian SUITE's cloud kernel, downloaded with
# apt through a private configuration (the machine's own sources, lists and
# cache are not touched) and cached under ${XDG_CACHE_HOME:-~/.cache}/execrec/kernels.
# Prints the vmlinuz path on stdout; one line on stderr and exit 1 if it
# cannot be had.
#
# The mirror is the one this machine's apt already uses, read from
# /etc/apt/sources.list and /etc/apt/sources.list.d at run time.
set -eu

suite=${1:?usage: fetch.sh SUITE}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/execrec/kernels
mkdir -p "$cache"

# cached: a rerun costs no download
if [ -f "$cache/$suite/vmlinuz" ]; then
	echo "$cache/$suite/vmlinuz"
	exit 0
fi

# The first Debian archive URI of this machine's apt sources (deb822 or
# one-line format), leaving out security and third-party archives.
mirror_uri() {
	{
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] && awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f"
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] && awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break } }' "$f"
		done
	} | grep '/debian/*$' | grep -v security | head -n 1
}

uri=$(mirror_uri)
if [ -z "$uri" ]; then
	echo "fetch.sh: no Debian archive found in /etc/apt/sources.list(.d) to download the $suite kernel from" >&2
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/etc"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" >"$work/etc/sources.list"
: >"$work/status"
APT="-o Dir::Etc::sourcelist=$work/etc/sources.list -o Dir::Etc::sourceparts=/dev/null
 -o Dir::State::Lists=$work/lists -o Dir::State::status=$work/status
 -o Dir::Cache=$work/cache -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
 -o APT::Architecture=amd64 -o APT::Architectures=amd64 -o Debug::NoLocking=1"

# shellcheck disable=SC2086
if ! apt-get -q $APT update >"$work/log" 2>&1; then
	echo "fetch.sh: apt-get update of $suite from the machine's Debian mirror failed: $(grep -E '^(E|Err):' "$work/log" | head -n 1)" >&2
	exit 1
fi
# the meta package names the current kernel package
# shellcheck disable=SC2086
pkg=$(apt-cache $APT depends linux-image-cloud-amd64 2>/dev/null |
	awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$pkg" ]; then
	echo "fetch.sh: $suite has no linux-image-cloud-amd64 kernel package" >&2
	exit 1
fi
# shellcheck disable=SC2086
if ! (cd "$work" && apt-get -q $APT download "$pkg" >"$work/log" 2>&1); then
	echo "fetch.sh: downloading $pkg ($suite) failed: $(grep -E '^(E|Err):' "$work/log" | head -n 1)" >&2
	exit 1
fi
dpkg-deb -x "$work"/"$pkg"_*.deb "$work/x"
mkdir -p "$cache/$suite"
cp "$work"/x/boot/vmlinuz-* "$cache/$suite/vmlinuz.tmp"
echo "$pkg" >"$cache/$suite/package"
mv "$cache/$suite/vmlinuz.tmp" "$cache/$suite/vmlinuz"
echo "$cache/$suite/vmlinuz"
