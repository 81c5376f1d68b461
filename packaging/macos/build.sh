#!/usr/bin/env bash
# Build, sign, notarise and staple Fireside for macOS: Fireside.app (PyInstaller, from the
# shared spec, with Homebrew's Enchant and English dictionaries for spell checking) inside a
# signed, notarised and stapled .dmg. Gatekeeper opens it without a
# warning because every Mach-O file is signed with the Developer ID and the hardened runtime
# (inside-out: libraries first, the app last), and Apple's notary service has accepted both
# the app and the disk image. Runs on a Mac only, with a Developer ID; it stops before doing
# anything when either is missing.
#
#   packaging/macos/build.sh [--version X.Y.Z] [--out DIR]
#
# Environment:
#   FIRESIDE_MACOS_IDENTITY   "Developer ID Application: Name (TEAMID)", in a keychain in
#                             the search list (FIRESIDE_KEYCHAIN: a specific keychain file)
#   notarisation, one of:
#     FIRESIDE_NOTARY_PROFILE a profile saved by `xcrun notarytool store-credentials`
#     FIRESIDE_NOTARY_KEY_FILE, FIRESIDE_NOTARY_KEY_ID, FIRESIDE_NOTARY_ISSUER
#                             an App Store Connect API key (.p8 file outside the repo)
#   PYTHON                    a Python with Fireside and PyInstaller installed (default
#                             python3); FIRESIDE_NOTARY_TIMEOUT (default 1h)
# Needs Homebrew (brew): it installs the formulae in ENCHANT_FORMULAE when missing.
# Output: DIR/Fireside-X.Y.Z-ARCH.dmg (default DIR: build/macos).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bundle_id=com.fireside.Fireside
# Spell checking: Homebrew's enchant is built with its aspell provider only (no hunspell,
# and Homebrew has no hunspell dictionary formula); aspell comes with every aspell
# dictionary, of which the app carries the English ones (ASPELL_LANGUAGES' files).
ENCHANT_FORMULAE=(enchant aspell)
ASPELL_LANGUAGES=(en_US en_GB)
python=${PYTHON:-python3}
version="" out="$repo/build/macos"

die() { echo "macos/build.sh: $*" >&2; exit 2; }

while (($#)); do
    case $1 in
        --version) version=${2:?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        *) die "unknown argument $1 (see the header of this script)" ;;
    esac
done

# --- everything that can be missing, before any work --------------------------------------
[[ $(uname -s) == Darwin ]] || die "this builds the macOS app and runs on macOS only (this is $(uname -s))"
for tool in xcrun codesign ditto hdiutil spctl security /usr/libexec/PlistBuddy; do
    command -v "$tool" >/dev/null || die "$tool not found (install the Xcode command line tools)"
done
xcrun --find notarytool >/dev/null 2>&1 || die "xcrun notarytool not found (Xcode 13 or later)"
xcrun --find stapler >/dev/null 2>&1 || die "xcrun stapler not found"
identity=${FIRESIDE_MACOS_IDENTITY:-}
[[ $identity == "Developer ID Application: "* ]] ||
    die "set FIRESIDE_MACOS_IDENTITY to your \"Developer ID Application: Name (TEAMID)\" identity"
security find-identity -v -p codesigning ${FIRESIDE_KEYCHAIN:+"$FIRESIDE_KEYCHAIN"} |
    grep -qF "\"$identity\"" || die "no valid signing identity \"$identity\" in the keychain"
if [[ -n ${FIRESIDE_NOTARY_PROFILE:-} ]]; then
    notary=(--keychain-profile "$FIRESIDE_NOTARY_PROFILE")
elif [[ -n ${FIRESIDE_NOTARY_KEY_FILE:-} ]]; then
    [[ -n ${FIRESIDE_NOTARY_KEY_ID:-} && -n ${FIRESIDE_NOTARY_ISSUER:-} ]] ||
        die "FIRESIDE_NOTARY_KEY_FILE needs FIRESIDE_NOTARY_KEY_ID and FIRESIDE_NOTARY_ISSUER"
    [[ -f $FIRESIDE_NOTARY_KEY_FILE ]] || die "$FIRESIDE_NOTARY_KEY_FILE does not exist"
    [[ $(cd "$(dirname "$FIRESIDE_NOTARY_KEY_FILE")" && pwd)/ != "$repo"/* ]] ||
        die "the notary key is inside the repository: keep keys out of git"
    notary=(--key "$FIRESIDE_NOTARY_KEY_FILE" --key-id "$FIRESIDE_NOTARY_KEY_ID"
        --issuer "$FIRESIDE_NOTARY_ISSUER")
else
    die "no notary credentials: set FIRESIDE_NOTARY_PROFILE, or FIRESIDE_NOTARY_KEY_FILE," \
        "FIRESIDE_NOTARY_KEY_ID and FIRESIDE_NOTARY_ISSUER"
fi
command -v brew >/dev/null || die "brew not found: Homebrew provides Enchant for spell checking"
"$python" -c 'import PyInstaller, app' 2>/dev/null ||
    die "$python lacks PyInstaller or Fireside: use the build venv (PYTHON=...)"
if [[ -z $version ]]; then
    version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$repo/app/__init__.py")
fi

arch=$(uname -m)
work="$out/work"
app="$out/dist/Fireside.app"
dmg="$out/Fireside-$version-$arch.dmg"
rm -rf "$out/dist" "$work"
mkdir -p "$out" "$work"

# --- Enchant, staged as a prefix for the spec (packaging/pyinstaller/enchant_files.py) -------
# lib/libenchant-2.*.dylib (the real file, not Homebrew's unversioned link), its providers in
# lib/enchant-2, and aspell's English dictionaries and language data in lib/aspell-0.60.
# The app points pyenchant and aspell at them (app/text/bundled_enchant.py).
brew list --versions "${ENCHANT_FORMULAE[@]}" >/dev/null 2>&1 || brew install "${ENCHANT_FORMULAE[@]}"
enchant_home=$(brew --prefix enchant) aspell_home=$(brew --prefix aspell)
staged="$work/enchant-prefix"
mkdir -p "$staged/lib/enchant-2" "$staged/lib/aspell-0.60"
library=$("$python" -c 'import os, sys; print(os.path.realpath(sys.argv[1]))' \
    "$enchant_home/lib/libenchant-2.dylib")
cp "$library" "$staged/lib/"
cp "$enchant_home"/lib/enchant-2/*.so "$staged/lib/enchant-2/" ||
    die "Homebrew's enchant has no provider in $enchant_home/lib/enchant-2"
# en*: the dictionaries (.multi, .rws, .alias) and English's .dat files; the rest: the
# character sets and keyboards every language's data refers to
(cd "$aspell_home/lib/aspell-0.60" && cp en* ./*.cset ./*.cmap ./*.kbd "$staged/lib/aspell-0.60/")
for language in "${ASPELL_LANGUAGES[@]}"; do
    [[ -f $staged/lib/aspell-0.60/$language.multi ]] ||
        die "Homebrew's aspell has no $language dictionary in $aspell_home/lib/aspell-0.60"
done

# --- the app --------------------------------------------------------------------------------
FIRESIDE_ENCHANT_PREFIX="$staged" "$python" -m PyInstaller --noconfirm --clean --distpath "$out/dist" --workpath "$work/pyinstaller" \
    "$repo/packaging/pyinstaller/fireside.spec"
[[ -d $app ]] || die "PyInstaller made no $app: the spec needs a BUNDLE step for macOS"
plist="$app/Contents/Info.plist"
[[ $(/usr/libexec/PlistBuddy -c 'Print :CFBundleIdentifier' "$plist") == "$bundle_id" ]] ||
    die "the bundle identifier in $plist is not $bundle_id (set bundle_identifier in the spec)"
# The spec renders the icon (macos/make_icns.py) and asks for Retina drawing: check both, as
# neither failing would stop the app from starting, only make it look wrong.
[[ -s $app/Contents/Resources/$(/usr/libexec/PlistBuddy -c 'Print :CFBundleIconFile' "$plist") ]] ||
    die "$app has no icon file (CFBundleIconFile)"
[[ $(/usr/libexec/PlistBuddy -c 'Print :NSHighResolutionCapable' "$plist") == true ]] ||
    die "NSHighResolutionCapable is not true in $plist"
# Spell checking works from the bundle: its own Enchant finds the English dictionaries.
spelling=$("$app/Contents/MacOS/fireside" doctor --json |
    "$python" -c 'import json, sys; print(" ".join(json.load(sys.stdin)["spelling"]))') ||
    die "$app/Contents/MacOS/fireside doctor failed"
for language in "${ASPELL_LANGUAGES[@]}"; do
    [[ " $spelling " == *" $language "* ]] ||
        die "the app finds no $language dictionary (it finds: ${spelling:-none})"
done
for key in CFBundleShortVersionString CFBundleVersion; do
    /usr/libexec/PlistBuddy -c "Set :$key $version" "$plist" 2>/dev/null ||
        /usr/libexec/PlistBuddy -c "Add :$key string $version" "$plist"
done

# --- sign inside-out: loose Mach-O files, then frameworks (nested first), then the app -----
# Written for macOS's bash 3.2 too: no empty arrays under set -u.
sign() {  # sign [codesign options] PATH, with our identity and a secure timestamp
    if [[ -n ${FIRESIDE_KEYCHAIN:-} ]]; then set -- --keychain "$FIRESIDE_KEYCHAIN" "$@"; fi
    codesign --force --timestamp --sign "$identity" "$@"
}
while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q 'Mach-O'; then
        [[ $file == "$app/Contents/MacOS/"* ]] || sign --options runtime "$file"
    fi
done < <(find "$app/Contents" -type f -print0)
while IFS= read -r -d '' framework; do  # -depth: a nested framework before its parent
    sign --options runtime "$framework"
done < <(find "$app/Contents" -depth -type d -name '*.framework' -print0)
for executable in "$app/Contents/MacOS/"*; do
    sign --options runtime --entitlements "$here/entitlements.plist" "$executable"
done
sign --options runtime --entitlements "$here/entitlements.plist" "$app"
codesign --verify --deep --strict --verbose=2 "$app"

# --- notarise and staple the app, then check it as Gatekeeper will ---------------------------
field() {  # field NAME: one member of notarytool's JSON answer on stdin, or nothing
    "$python" -c 'import json, sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$1" \
        2>/dev/null || true
}
notarise() {  # submit, wait (bounded), and fail with Apple's log unless Accepted
    local result id
    result=$(xcrun notarytool submit "$1" "${notary[@]}" --wait \
        --timeout "${FIRESIDE_NOTARY_TIMEOUT:-1h}" --output-format json) || true
    id=$(field id <<<"$result")
    if [[ $(field status <<<"$result") != Accepted ]]; then
        echo "$result" >&2
        [[ -z $id ]] || xcrun notarytool log "$id" "${notary[@]}" >&2 || true
        die "notarisation of $1 was not accepted"
    fi
    echo "notarised: $1 ($id)"
}
ditto -c -k --keepParent "$app" "$work/Fireside.zip"
notarise "$work/Fireside.zip"
xcrun stapler staple "$app"
xcrun stapler validate "$app"
spctl -a -vv --type execute "$app"

# --- the disk image: the app and a link to /Applications; signed, notarised, stapled ---------
stage="$work/dmg"
mkdir -p "$stage"
ditto "$app" "$stage/Fireside.app"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname Fireside -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
sign "$dmg"
codesign --verify --strict --verbose=2 "$dmg"
notarise "$dmg"
xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
spctl -a -vv --type open --context context:primary-signature "$dmg"
echo "$dmg"
