#!/usr/bin/env bash
# Lays out a signed apt repository in DIST_DIR/apt holding the signed .deb:
# pool/main/f/fireside/, dists/stable/main/binary-<arch>/Packages(.gz), and
# dists/stable/{Release, Release.gpg, InRelease}, signed with the key in $GNUPGHOME.
# Users add it with the keyring sign-release.sh wrote (see packaging/README.md):
#   deb [signed-by=/usr/share/keyrings/fireside-archive-keyring.gpg] <URL>/apt stable main
# Usage: apt-repo.sh DIST_DIR FINGERPRINT
set -euo pipefail
dist=$1 key=$2
arch=$(dpkg --print-architecture)
suite=dists/stable
gpg=(gpg --batch --quiet --yes --local-user "$key")

rm -rf "$dist/apt"
mkdir -p "$dist/apt/pool/main/f/fireside" "$dist/apt/$suite/main/binary-$arch"
cp "$dist"/fireside_*.deb "$dist/apt/pool/main/f/fireside/"
cp "$dist/fireside-archive-keyring.gpg" "$dist/apt/"

cd "$dist/apt"
apt-ftparchive packages pool >"$suite/main/binary-$arch/Packages"
gzip -9nk "$suite/main/binary-$arch/Packages"
apt-ftparchive \
    -o APT::FTPArchive::Release::Origin=Fireside \
    -o APT::FTPArchive::Release::Label=Fireside \
    -o APT::FTPArchive::Release::Suite=stable \
    -o APT::FTPArchive::Release::Codename=stable \
    -o APT::FTPArchive::Release::Architectures="$arch" \
    -o APT::FTPArchive::Release::Components=main \
    -o APT::FTPArchive::Release::Description="Fireside releases" \
    release "$suite" >Release.new
mv Release.new "$suite/Release"
"${gpg[@]}" --clearsign --output "$suite/InRelease" "$suite/Release"
"${gpg[@]}" --armor --detach-sign --output "$suite/Release.gpg" "$suite/Release"
