#!/usr/bin/env bash
# Authenticode-sign Windows files (the MSI, fireside.exe) on Linux with osslsigncode, then
# verify each signature. The release signs on Windows with signtool (sign.ps1); this is
# how a Linux machine signs, and how tests/packaging/test_windows_msi.py checks that the MSI
# takes a signature and that tampering breaks it.
#
#   sign-linux.sh [KEY OPTIONS] [--timestamp URL | --no-timestamp] FILE...
#
# KEY OPTIONS, one of (each has an environment variable instead of the option):
#   --pkcs12 FILE        FIRESIDE_SIGN_PKCS12; its password in FIRESIDE_SIGN_PASSWORD
#   --cert FILE --key FILE
#                        FIRESIDE_SIGN_CERT, FIRESIDE_SIGN_KEY (PEM or DER; an encrypted
#                        key's password in FIRESIDE_SIGN_PASSWORD)
#   --pkcs11-module SO --cert FILE --key URI
#                        FIRESIDE_SIGN_PKCS11_MODULE: a key on a token or HSM, as the CA
#                        rules now require for public code-signing keys; KEY is its
#                        pkcs11: URI, CERT the certificate (chain) file
#   --test-cert DIR      make a throwaway self-signed certificate (extendedKeyUsage
#                        codeSigning, valid one day) in DIR and sign with it; verify with
#                        DIR/cert.pem as the trust anchor. Trusted by nobody: for tests only.
# Key and certificate files must lie outside this repository: keys never go into git.
# A release signature needs an RFC 3161 timestamp (--timestamp URL or
# FIRESIDE_SIGN_TIMESTAMP_URL) so that it outlives the certificate; --no-timestamp, and
# --test-cert, sign without one (there is no network here).
# Files are signed in place. Verification trusts FIRESIDE_SIGN_CAFILE (default: the system
# CA bundle; the test certificate with --test-cert). Needs osslsigncode (2.x) and openssl.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
pkcs12=${FIRESIDE_SIGN_PKCS12:-}
cert=${FIRESIDE_SIGN_CERT:-}
key=${FIRESIDE_SIGN_KEY:-}
module=${FIRESIDE_SIGN_PKCS11_MODULE:-}
timestamp=${FIRESIDE_SIGN_TIMESTAMP_URL:-}
cafile=${FIRESIDE_SIGN_CAFILE:-/etc/ssl/certs/ca-certificates.crt}
test_dir="" no_timestamp=0 files=()

die() { echo "sign-linux.sh: $*" >&2; exit 2; }

while (($#)); do
    case $1 in
        --pkcs12) pkcs12=${2:?}; shift 2 ;;
        --cert) cert=${2:?}; shift 2 ;;
        --key) key=${2:?}; shift 2 ;;
        --pkcs11-module) module=${2:?}; shift 2 ;;
        --test-cert) test_dir=${2:?}; shift 2 ;;
        --timestamp) timestamp=${2:?}; shift 2 ;;
        --no-timestamp) no_timestamp=1; shift ;;
        -*) die "unknown option $1 (see the header of this script)" ;;
        *) files+=("$1"); shift ;;
    esac
done
((${#files[@]})) || die "no file to sign"
command -v osslsigncode >/dev/null || die "osslsigncode not found: apt-get install osslsigncode"

outside_repo() {  # a secret's file must not be in the work tree
    [[ $(realpath -m "$1") != "$repo"/* ]] || die "$1 is inside the repository: keep keys out of git"
}
secret_file() {  # ... and must exist
    outside_repo "$1"
    [[ -f $1 ]] || die "$1 does not exist"
}

if [[ -n $test_dir ]]; then
    outside_repo "$test_dir"
    mkdir -p "$test_dir"
    cert=$test_dir/cert.pem key=$test_dir/key.pem cafile=$test_dir/cert.pem no_timestamp=1
    openssl req -x509 -newkey rsa:3072 -sha256 -days 1 -nodes -keyout "$key" -out "$cert" \
        -subj "/CN=Fireside TEST code signing (not trusted)" \
        -addext "basicConstraints=critical,CA:FALSE" \
        -addext "keyUsage=critical,digitalSignature" \
        -addext "extendedKeyUsage=critical,codeSigning" 2>/dev/null
fi

signer=()
if [[ -n $module ]]; then
    [[ -n $cert && -n $key ]] || die "--pkcs11-module needs --cert FILE and --key pkcs11:URI"
    secret_file "$cert"
    signer=(-pkcs11module "$module" -certs "$cert" -key "$key")
elif [[ -n $pkcs12 ]]; then
    secret_file "$pkcs12"
    signer=(-pkcs12 "$pkcs12")
elif [[ -n $cert && -n $key ]]; then
    secret_file "$cert"
    secret_file "$key"
    signer=(-certs "$cert" -key "$key")
else
    die "no key: give --pkcs12, --cert and --key, --pkcs11-module, or --test-cert"
fi
if [[ -n ${FIRESIDE_SIGN_PASSWORD:-} ]]; then
    # through a pipe, never an argument (ps would show it)
    signer+=(-readpass -)
fi
if ((no_timestamp)); then
    timestamp=""
elif [[ -z $timestamp ]]; then
    die "no timestamp server: --timestamp URL (or --no-timestamp for a signature that dies with the certificate)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for file in "${files[@]}"; do
    [[ -f $file ]] || die "$file is not a file"
    extra=()
    [[ $file != *.msi ]] || extra+=(-add-msi-dse)  # also hash the MSI's metadata, as signtool
    [[ -z $timestamp ]] || extra+=(-ts "$timestamp")
    signed=$work/$(basename "$file")
    printf '%s' "${FIRESIDE_SIGN_PASSWORD:-}" |
        osslsigncode sign "${signer[@]}" -h sha256 -n Fireside "${extra[@]}" \
            -in "$file" -out "$signed" >/dev/null
    mv "$signed" "$file"
    osslsigncode verify -in "$file" -CAfile "$cafile" >/dev/null ||
        die "$file: the signature does not verify against $cafile"
    echo "signed and verified: $file"
done
