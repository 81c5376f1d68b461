#!/usr/bin/env bash
# Removes absolute RUNPATH/RPATH entries from the bundle's shared objects, keeping the
# $ORIGIN-relative ones the bundle needs. An interpreter built outside /usr (pyenv, say)
# leaves its build folder in libpython and its extension modules; on a user's machine that
# folder means nothing, or worse, something else. (The executable, PyInstaller's bootloader
# with its archive appended, has no RUNPATH and is left alone.)
# Usage: fix-runpaths.sh BUNDLE_DIR
set -euo pipefail

find "$1" -type f -name '*.so*' -print0 | while IFS= read -r -d '' file; do
    runpath=$(patchelf --print-rpath "$file" 2>/dev/null) || continue  # not an ELF file
    [[ -n $runpath ]] || continue
    # shellcheck disable=SC2016 # a literal $ORIGIN, as the loader reads it
    kept=$(tr ':' '\n' <<<"$runpath" | grep '^\$ORIGIN' | paste -sd:) || true
    if [[ $kept != "$runpath" ]]; then
        if [[ -n $kept ]]; then
            patchelf --set-rpath "$kept" "$file"
        else
            patchelf --remove-rpath "$file"
        fi
    fi
done
