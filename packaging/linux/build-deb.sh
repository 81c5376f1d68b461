#!/usr/bin/env bash
# Builds the .deb from the frozen bundle: the bundle in /usr/lib/fireside, /usr/bin/fireside,
# the desktop entry, hicolor icons (PNGs rendered from the SVG here), AppStream metadata,
# a manual page (from fireside --help), copyright files and changelog. Checks the metadata,
# that Depends cover the system libraries the bundle links to, and that lintian finds
# nothing (overrides aside). Lintian sees the .deb before sign-release.sh embeds the origin
# signature: it does not know debsigs' extra member.
# Usage: build-deb.sh REPO BUNDLE_DIR BUNDLE_BINARIES_TSV VERSION STAGE_DIR OUT_DEB
# Needs SOURCE_DATE_EPOCH (the release date in the changelog and metadata).
set -euo pipefail
repo=$1 bundle=$2 binaries=$3 version=$4 stage=$5 deb=$6
here=$(cd "$(dirname "$0")" && pwd)
: "${SOURCE_DATE_EPOCH:?build-deb.sh needs SOURCE_DATE_EPOCH}"

root=$stage/root
doc=$root/usr/share/doc/fireside
icons=$root/usr/share/icons/hicolor
metainfo=$root/usr/share/metainfo/com.fireside.Fireside.metainfo.xml
rm -rf "$stage"
mkdir -p "$root/DEBIAN" "$root/usr/lib" "$root/usr/bin" "$doc" "${metainfo%/*}"

cp -a "$bundle" "$root/usr/lib/fireside"
ln -s ../lib/fireside/fireside "$root/usr/bin/fireside"

install -D -m644 "$repo/resources/fireside.desktop" "$root/usr/share/applications/fireside.desktop"
desktop-file-validate "$root/usr/share/applications/fireside.desktop"
install -D -m644 "$repo/resources/fireside.svg" "$icons/scalable/apps/fireside.svg"
for size in 16 22 24 32 48 64 128 256 512; do
    mkdir -p "$icons/${size}x$size/apps"
    rsvg-convert --width "$size" --height "$size" "$repo/resources/fireside.svg" \
        --output "$icons/${size}x$size/apps/fireside.png"
done

release="<release version=\"$version\" date=\"$(date -u -d "@$SOURCE_DATE_EPOCH" +%F)\"/>"
sed "s|^</component>|  <releases>\n    $release\n  </releases>\n</component>|" \
    "$repo/resources/com.fireside.Fireside.metainfo.xml" >"$metainfo"
appstreamcli validate --no-net --explain "$metainfo"

mkdir -p "$root/usr/share/man/man1"
help2man --no-info --version-string="$version" --include="$here/fireside.h2m" \
    --name="offline drafts and a keyboard triage inbox for comments on posts" \
    "$bundle/fireside" | gzip -9n >"$root/usr/share/man/man1/fireside.1.gz"

install -m644 "$here/copyright" "$doc/copyright"
maintainer=$(sed -n 's/^Maintainer: //p' "$here/control")
printf '%s\n' "fireside ($version) stable; urgency=medium" "" "  * Fireside $version." "" \
    " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")" | gzip -9n >"$doc/changelog.gz"
# The copyright files of the Debian packages whose libraries the bundle carries.
bash "$here/debian-origins.sh" "$binaries" | cut -f2 | sort -u | while read -r package; do
    install -D -m644 "/usr/share/doc/$package/copyright" "$doc/third-party/$package/copyright"
done
install -D -m644 "$here/fireside.lintian-overrides" "$root/usr/share/lintian/overrides/fireside"

# Debian's modes: nothing group- or world-writable, shared objects not executable.
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -exec chmod 644 {} +
chmod 755 "$root/usr/lib/fireside/fireside"

# The bundle links to this machine's glibc: it needs at least that version.
glibc=$(dpkg-query -W -f '${Version}' libc6)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$(dpkg --print-architecture)/" \
    -e "s/@GLIBC@/${glibc%%-*}/" \
    -e "s/@INSTALLED_SIZE@/$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)/" \
    "$here/control" >"$root/DEBIAN/control"
bash "$here/check-depends.sh" "$root/usr/lib/fireside" "$root/DEBIAN/control"

dpkg-deb --root-owner-group -Zxz --build "$root" "$deb"
lintian --fail-on error,warning --info "$deb"
