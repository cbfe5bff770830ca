#!/usr/bin/env bash
# Measures, in one run on one machine, what users would pick instead of xsig, beside xsig itself:
#   1. xsig bench (gmp and openssl backends, in process)
#   2. Python `cryptography` encrypting the same payloads in a loop
#   3. swift-crypto 3.12.3 `_RSA.Encryption` (OAEP only: it has no PKCS#1 v1.5 encryption)
#   4. `xsig sign` vs `openssl pkeyutl -encrypt`, one process per signature
#   5. with --batch: `xsig batch` (10^6 tokens -> NDJSON) vs a Python script doing the same job
# Results go to benchmarks/results/peers-*.jsonl. Usage: benchmarks/peers/run-peers.sh [--batch] [--quick]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/benchmarks/results"
mkdir -p "$out"
batch=0; quick=0
for a in "$@"; do case "$a" in --batch) batch=1 ;; --quick) quick=1 ;; esac; done
seconds=0.3; samples=7; rounds=60; count=1000000
if ((quick)); then seconds=0.1; samples=3; rounds=10; count=20000; fi

echo "== building xsig (release)"
(cd "$root" && swift build -c release --scratch-path .build-bench >/dev/null)
xsig="$root/.build-bench/release/xsig"

keys="$(mktemp -d)"; trap 'rm -rf "$keys"' EXIT
for bits in 1024 2048 3072 4096; do
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:$bits -pkeyopt rsa_keygen_pubexp:65537 -out "$keys/$bits.pem" 2>/dev/null
    openssl pkey -in "$keys/$bits.pem" -pubout -out "$keys/$bits.pub.pem"
done
pubs=("$keys"/1024.pub.pem "$keys"/2048.pub.pem "$keys"/3072.pub.pem "$keys"/4096.pub.pem)

echo "== 1. xsig bench (encrypt, both backends)"
"$xsig" bench --operation encrypt --seconds $((quick ? 10 : 40)) --json "$out/peers-xsig-bench.json" --quiet | tee "$out/peers-xsig-bench.txt"

echo "== 2. Python cryptography"
python3 -c "import cryptography" 2>/dev/null || python3 -m pip install --quiet cryptography
python3 "$here/python_cryptography_peer.py" --seconds $seconds --samples $samples "${pubs[@]}" | tee "$out/peers-python.jsonl"

echo "== 3. swift-crypto _RSA"
(cd "$here/swift-crypto-peer" && swift build -c release --scratch-path .build >/dev/null)
"$here/swift-crypto-peer/.build/release/SwiftCryptoPeer" --seconds $seconds --samples $samples "${pubs[@]}" | tee "$out/peers-swift-crypto.jsonl"

echo "== 4. one process per signature: xsig sign vs openssl pkeyutl -encrypt"
python3 "$here/process_peers.py" --xsig "$xsig" --rounds $rounds "$keys/2048.pub.pem" "$keys/4096.pub.pem" | tee "$out/peers-process.jsonl"

if ((batch)); then
    echo "== 5. batch end to end: $count tokens -> NDJSON (2048-bit key)"
    python3 "$here/batch_e2e.py" --xsig "$xsig" --key "$keys/2048.pub.pem" --count $count --padding oaep-sha256 | tee "$out/peers-batch.jsonl"
fi
