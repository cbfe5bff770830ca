#!/usr/bin/env bash
# Start-up: `xsig sign` as a whole process against `openssl pkeyutl -encrypt`, interleaved run by
# run (interleave.c), for PKCS#1 v1.5 and OAEP-SHA-256 under the 2048-bit demo key. Run it
# on a quiet machine (nothing else compiling) with a release binary; docs/startup.md has the figures.
#
# usage: benchmarks/startup/run.sh [XSIG] [RUNS]     (default .build-release/release/xsig, 300)
set -euo pipefail
cd "$(dirname "$0")/../.."
xsig=${1:-.build-release/release/xsig}
runs=${2:-300}
[[ -x "$xsig" ]] || { echo "startup: $xsig is not an executable (build it with scripts/release.sh)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/interleave" benchmarks/startup/interleave.c
key=vectors/keys/demo-rsa-2048.pub.pem
printf 'session_token=abc123&timestamp=1628496895102&nonce=17b29fa9c7e' > "$tmp/payload"

echo "A = $xsig sign, B = openssl pkeyutl -encrypt; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
echo -n "pkcs1:       "
"$tmp/interleave" "$runs" "$xsig" sign --key "$key" --session-token abc123 --timestamp 1628496895102 --padding pkcs1 -- \
    openssl pkeyutl -encrypt -pubin -inkey "$key" -in "$tmp/payload"
echo -n "oaep-sha256: "
"$tmp/interleave" "$runs" "$xsig" sign --key "$key" --session-token abc123 --timestamp 1628496895102 -- \
    openssl pkeyutl -encrypt -pubin -inkey "$key" -in "$tmp/payload" -pkeyopt rsa_padding_mode:oaep \
    -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
