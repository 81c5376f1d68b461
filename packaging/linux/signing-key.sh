#!/usr/bin/env bash
# Makes the release signing key usable in $GNUPGHOME and prints the fingerprint of the key
# that signatures will name (a signing subkey's, if the key has one).
# Usage: signing-key.sh file ARMORED_SECRET_KEY   import it (GNUPGHOME: a fresh folder)
#        signing-key.sh id KEY_ID                 use a key already in GNUPGHOME
#        signing-key.sh throwaway                 make a one-day key (GNUPGHOME: fresh)
set -euo pipefail
: "${GNUPGHOME:?signing-key.sh needs GNUPGHOME}"
gpg=(gpg --batch --quiet --no-tty)

case $1 in
    file)
        "${gpg[@]}" --import "$2"
        mapfile -t keys < <("${gpg[@]}" --with-colons --list-secret-keys |
            awk -F: '$1 == "sec" {print $5}')
        if [[ ${#keys[@]} -ne 1 ]]; then
            echo "signing-key.sh: $2 holds ${#keys[@]} secret keys; it must hold exactly one." >&2
            exit 1
        fi
        key=${keys[0]}
        ;;
    id)
        key=$2
        ;;
    throwaway)
        "${gpg[@]}" --passphrase '' --quick-gen-key \
            'Fireside throwaway signing key (tests only, never a release)' ed25519 sign 1d
        key=$("${gpg[@]}" --with-colons --list-secret-keys |
            awk -F: '$1 == "fpr" {print $10; exit}')
        ;;
    *)
        echo "usage: signing-key.sh file PATH | id KEY_ID | throwaway" >&2
        exit 2
        ;;
esac

# Sign a probe: proves the key is usable without a prompt, and tells which (sub)key signs.
if ! status=$(echo probe |
    "${gpg[@]}" --local-user "$key" --status-fd 1 --output /dev/null --sign); then
    echo "signing-key.sh: key $key cannot sign here (no secret key, or it needs a passphrase" \
        "that no gpg-agent has cached)." >&2
    exit 1
fi
awk '$2 == "SIG_CREATED" {print $NF}' <<<"$status"
