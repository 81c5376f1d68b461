#!/usr/bin/env bash
# Build the Fireside MSI on Linux with wixl (msitools), from the same fireside.wxs that the
# release build on Windows (build-msi.ps1, WiX Toolset) uses. Why: so that the package's
# tables, its Authenticode signature and a Wine install can be checked without Windows
# (tests/packaging/test_windows_msi.py). PyInstaller cannot build fireside.exe here, so the
# payload is whatever onedir bundle you pass, on Linux a stand-in (see the README).
#
#   packaging/windows/build-msi.sh --payload DIR [--version X.Y.Z] [--out FILE.msi]
#
# PYTHON (default python3) must have PySide6, for the icon. Needs: wixl, msitools.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
python=${PYTHON:-python3}
payload="" version="" out=""

die() { echo "build-msi.sh: $*" >&2; exit 2; }

while (($#)); do
    case $1 in
        --payload) payload=${2:?}; shift 2 ;;
        --version) version=${2:?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        *) die "unknown argument $1 (see the header of this script)" ;;
    esac
done
[[ -n $payload ]] || die "--payload DIR is required (the PyInstaller onedir bundle)"
for exe in fireside.exe fireside-gui.exe; do  # the CLI and the shortcut's windowed twin
    [[ -f $payload/$exe ]] || die "$payload/$exe is missing"
done
for tool in wixl msibuild msiinfo; do
    command -v "$tool" >/dev/null || die "$tool not found: apt-get install wixl msitools"
done
if [[ -z $version ]]; then
    version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$repo/app/__init__.py")
fi
# ProductVersion is three numbers (major and minor up to 255); anything else breaks upgrades.
[[ $version =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,5}$ ]] ||
    die "version '$version' is not X.Y.Z, which an MSI needs"
out=${out:-$repo/build/windows/Fireside-$version-x64.msi}
payload=$(cd "$payload" && pwd)

mkdir -p "$(dirname "$out")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" "$here/harvest.py" "$payload" "$work/files.wxs"
"$python" "$here/make_icon.py" "$work/fireside.ico"
"$python" "$here/wixl_compat.py" prepare "$here/fireside.wxs" "$work/fireside.wxs"
# wixl 0.101 finds sources only by paths relative to where it runs: run it in $work.
ln -s "$payload" "$work/payload"
(cd "$work" && wixl --arch x64 -D "Version=$version" -D PayloadDir=payload \
    -D IconFile=fireside.ico -o product.msi fireside.wxs files.wxs)
"$python" "$here/wixl_compat.py" fix "$here/fireside.wxs" "$work/product.msi"
mv "$work/product.msi" "$out"
echo "$out"
