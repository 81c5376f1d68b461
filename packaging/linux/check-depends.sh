#!/usr/bin/env bash
# Fails unless the .deb's Depends cover every system library the bundle links to and does
# not carry itself: each such library's Debian package must be in Depends, or be a direct
# dependency of a package there (libgl1 brings libglx0, say).
# Usage: check-depends.sh BUNDLE_DIR CONTROL_FILE
set -euo pipefail
bundle=$(realpath "$1") control=$2

mapfile -t declared < <(sed -n 's/^Depends: //p' "$control" | tr ',' '\n' | awk '{print $1}')
allowed=$(printf '%s\n' "${declared[@]}"
    dpkg-query -W -f '${Depends}\n' "${declared[@]}" | tr ',|' '\n' | awk '{print $1}')

# What the bundle's ELF files resolve outside the bundle, as the bootloader sets it up.
mapfile -t outside < <(
    find "$bundle" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
        | LD_LIBRARY_PATH=$bundle/_internal xargs -0 ldd 2>/dev/null \
        | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | grep -v "^$bundle/" | sort -u
)
missing=0
for lib in "${outside[@]}"; do
    package=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")")
    package=${package%%:*}
    if ! grep -qx "$package" <<<"$allowed"; then
        echo "check-depends.sh: $lib (package $package) is not covered by Depends" >&2
        missing=1
    fi
done
exit "$missing"
