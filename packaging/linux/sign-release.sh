#!/usr/bin/env bash
# Signs the release artifacts in DIST_DIR (the .deb, the bundle tarball, the SBOM) with the
# key in $GNUPGHOME: an origin signature inside the .deb (debsigs), then a detached armored
# signature per artifact (X.asc), SHA256SUMS and its clearsigned copy SHA256SUMS.asc. Also
# writes the public key, armored (fireside-archive-key.asc) and as a keyring for apt's
# signed-by= (fireside-archive-keyring.gpg), and debsig-verify's policy and keyring
# (debsig/policies/<KEY_ID>/, debsig/keyrings/<KEY_ID>/).
# Usage: sign-release.sh DIST_DIR FINGERPRINT
set -euo pipefail
dist=$1 key=$2
here=$(cd "$(dirname "$0")" && pwd)
key_id=${key: -16}
gpg=(gpg --batch --quiet --yes --local-user "$key")

cd "$dist"
artifacts=(fireside_*.deb fireside-*.tar.gz fireside-*.cdx.json)
# The embedded signature changes the .deb's bytes: it comes before every checksum.
debsigs --sign=origin --default-key="$key" fireside_*.deb
for artifact in "${artifacts[@]}"; do
    "${gpg[@]}" --armor --detach-sign --output "$artifact.asc" "$artifact"
done
sha256sum "${artifacts[@]}" >SHA256SUMS
"${gpg[@]}" --clearsign --output SHA256SUMS.asc SHA256SUMS

gpg --batch --armor --export-options export-minimal --export "$key" >fireside-archive-key.asc
gpg --batch --export-options export-minimal --export "$key" >fireside-archive-keyring.gpg
mkdir -p "debsig/policies/$key_id" "debsig/keyrings/$key_id"
sed "s/@KEY_ID@/$key_id/g" "$here/debsig-policy.pol" >"debsig/policies/$key_id/fireside.pol"
cp fireside-archive-keyring.gpg "debsig/keyrings/$key_id/debsig.gpg"
