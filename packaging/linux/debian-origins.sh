#!/usr/bin/env bash
# Lists the bundled binaries that were copied from Debian packages, one per line:
# path in the bundle, package, version, architecture (tab-separated).
# Usage: debian-origins.sh BUNDLE_BINARIES_TSV   (the list fireside.spec writes)
set -euo pipefail

declare -A source_of=() owner_of=()
while IFS=$'\t' read -r path source; do
    [[ $source == /usr/* || $source == /lib* ]] && source_of[$path]=$source
done <"$1"
((${#source_of[@]})) || exit 0

# dpkg knows a merged-/usr library by one of its names (the link or its target): ask for
# both, all in one query, and keep what it answers ("libssl3:amd64: /usr/lib/...").
mapfile -t names < <(for s in "${source_of[@]}"; do echo "$s"; realpath "$s"; done | sort -u)
while IFS= read -r line; do
    owner_of[${line#*: }]=${line%%:*}
done < <(dpkg -S "${names[@]}" 2>/dev/null || true)

for path in "${!source_of[@]}"; do
    source=${source_of[$path]}
    package=${owner_of[$source]:-${owner_of[$(realpath "$source")]:-}}
    [[ -n $package ]] || continue
    dpkg-query -W -f "$path\t\${Package}\t\${Version}\t\${Architecture}\n" "$package"
done | sort
