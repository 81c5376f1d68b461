#!/usr/bin/env bash
# Builds Fireside's signed Linux release from this checkout, into dist/ (or --out DIR):
#   fireside_<version>_<arch>.deb         the package, with an embedded origin signature
#   fireside-<version>-linux-<machine>.tar.gz   the frozen bundle (PyInstaller onedir)
#   fireside-<version>.cdx.json           CycloneDX SBOM of the bundle
#   *.asc, SHA256SUMS, SHA256SUMS.asc     detached signatures, checksums, signed checksums
#   fireside-archive-key.asc / -keyring.gpg, debsig/, apt/   public key, debsig-verify
#                                          policy and keyring, signed apt repository
# Intermediate files go to build/linux (or --build-dir DIR).
#
# Usage: bash packaging/build-linux.sh [--throwaway-key] [--build-dir DIR] [--out DIR]
# The signing key never comes from the repository. In order of precedence:
#   --throwaway-key             a new one-day key in a temporary keyring (tests, dry runs)
#   FIRESIDE_GPG_KEY_FILE=PATH  an armored secret key with no passphrase (a CI secret),
#                               imported into a temporary keyring
#   FIRESIDE_GPG_KEY_ID=ID      a key in $GNUPGHOME (or ~/.gnupg) that can sign unprompted
# Debian packages it needs: see packaging/README.md. PYTHON picks the interpreter
# (default python3, 3.11+ with its shared library).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
here=$repo/packaging/linux
build=$repo/build/linux
out=$repo/dist
throwaway=0
while (($#)); do
    case $1 in
        --throwaway-key) throwaway=1 ;;
        --build-dir) build=$(realpath -m "$2") && shift ;;
        --out) out=$(realpath -m "$2") && shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' && exit 0 ;;
        *) echo "build-linux.sh: unknown option $1 (see --help)" >&2 && exit 2 ;;
    esac
    shift
done

# --- the signing key, first: no point building what cannot be signed -------------------
if ((throwaway)); then
    key_source=(throwaway)
elif [[ -n ${FIRESIDE_GPG_KEY_FILE:-} ]]; then
    key_source=(file "$FIRESIDE_GPG_KEY_FILE")
elif [[ -n ${FIRESIDE_GPG_KEY_ID:-} ]]; then
    key_source=(id "$FIRESIDE_GPG_KEY_ID")
else
    cat >&2 <<'EOF'
build-linux.sh: no signing key. Provide one of:
  FIRESIDE_GPG_KEY_FILE=/path/to/secret-key.asc   (gpg --armor --export-secret-keys ID;
                                                  keep it out of the repository)
  FIRESIDE_GPG_KEY_ID=<key id>                    (a key in $GNUPGHOME that signs unprompted)
or pass --throwaway-key for a test build signed with a one-day key.
EOF
    exit 2
fi

missing=()
for tool in git:git gpg:gpg lintian:lintian debsigs:debsigs \
    apt-ftparchive:apt-utils rsvg-convert:librsvg2-bin patchelf:patchelf help2man:help2man \
    appstreamcli:appstream desktop-file-validate:desktop-file-utils strip:binutils; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
# The runtime libraries the .deb depends on, here too: PyInstaller copies those the bundle
# links to, so every build machine must have them for every build to hold the same files.
for package in $(sed -n 's/^Depends: //p' "$here/control" | tr ',' '\n' | awk '{print $1}'); do
    dpkg-query -W -f '${Status}\n' "$package" 2>/dev/null | grep -q ' installed$' ||
        missing+=("$package")
done
if ((${#missing[@]})); then
    echo "build-linux.sh: missing packages; run: apt-get install ${missing[*]}" >&2
    exit 2
fi

if [[ ${key_source[0]} != id ]]; then
    GNUPGHOME=$(mktemp -d -t fireside-gnupg.XXXXXX)
    export GNUPGHOME
    trap 'gpgconf --kill all; rm -rf "$GNUPGHOME"' EXIT
fi
key=$(bash "$here/signing-key.sh" "${key_source[@]}")
echo "build-linux.sh: signing with key $key (${key_source[0]})"

# --- build -------------------------------------------------------------------------------
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$repo/app/__init__.py")
arch=$(dpkg --print-architecture)
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct)}
export SOURCE_DATE_EPOCH
bundle=$build/pyinstaller/dist/fireside
binaries=$build/pyinstaller/work/fireside/bundle-binaries.tsv
deb=fireside_${version}_$arch.deb
tarball=fireside-$version-linux-$(uname -m).tar.gz

mkdir -p "$build" "$out"
rm -rf "$out"/fireside[_-]* "$out"/SHA256SUMS* "$out/debsig" "$out/apt"

echo "build-linux.sh: build venv"
bash "$here/make-venv.sh" "$repo" "$build"

echo "build-linux.sh: freezing with PyInstaller"
(cd "$build" && venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
    --distpath pyinstaller/dist --workpath pyinstaller/work \
    "$repo/packaging/pyinstaller/fireside.spec")
bash "$here/fix-runpaths.sh" "$bundle"
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    -C "${bundle%/*}" -cf - fireside | gzip -n >"$out/$tarball"

echo "build-linux.sh: SBOM"
bash "$here/debian-origins.sh" "$binaries" >"$build/debian-origins.tsv"
"$build/venv/bin/python" "$here/sbom.py" --version "$version" \
    --pyproject "$repo/pyproject.toml" --model-requirements "$repo/requirements/model.txt" \
    --bundle "$bundle" --binaries "$binaries" \
    --debian-origins "$build/debian-origins.tsv" --out "$out/fireside-$version.cdx.json"

echo "build-linux.sh: .deb (lintian)"
bash "$here/build-deb.sh" "$repo" "$bundle" "$binaries" "$version" "$build/deb" "$out/$deb"

echo "build-linux.sh: signatures and apt repository"
bash "$here/sign-release.sh" "$out" "$key"
bash "$here/apt-repo.sh" "$out" "$key"

echo "build-linux.sh: done; in $out:"
ls -l "$out"
