#!/usr/bin/env bash
# `xsig batch` on the lanes engine against OpenSSL's single operation, measured in one run.
#
# For each padding (pkcs1, oaep-sha256): N tokens at 2048 bits, NDJSON out, --threads 1 and 2,
# interleaved with `xsig bench --backend openssl --operation encrypt` (EVP_PKEY_encrypt with a
# reused context: the rate a careful OpenSSL caller gets from one core). Reports records/s,
# the ratio to the OpenSSL rate measured just before, the 2-thread scaling and peak RSS.
#
# Usage: benchmarks/batch/lanes.sh [N=1000000] [REPEATS=3]
#   SCRATCH=.build-bench   SwiftPM scratch directory for the release build
#   BACKEND=lanes          the engine under test (auto, gmp, openssl work too)
# Needs GNU time (/usr/bin/time). Loopback-free: reads and writes local files only.
set -euo pipefail

cd "$(dirname "$0")/../.."
N=${1:-1000000}
REPEATS=${2:-3}
SCRATCH=${SCRATCH:-.build-bench}
BACKEND=${BACKEND:-lanes}
KEY=vectors/keys/demo-rsa-2048.pub.pem
[ -x /usr/bin/time ] || { echo "lanes.sh: GNU time is missing: apt-get install -y time" >&2; exit 1; }

echo "== building release (scratch $SCRATCH)" >&2
swift build -c release --scratch-path "$SCRATCH" --product xsig >&2
XSIG="$SCRATCH/release/xsig"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/xsig-lanes-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "tok-%012d-aaaaaaaaaaaaaaaaaaaaaaaa\n", i }' > "$WORK/tokens.txt"

openssl_rate() {  # padding -> EVP_PKEY_encrypt ops/s (wall clock, median of 5 samples)
    "$XSIG" bench --bits 2048 --padding "$1" --backend openssl --operation encrypt --samples 5 --seconds 2.5 \
        --clock wall --json "$WORK/single.json" >/dev/null 2>&1
    python3 -c "import json; print(round(json.load(open('$WORK/single.json'))['cases'][0]['series'][0]['ops_per_second']['median']))"
}

batch_run() {  # padding threads -> "records/s peakKiB"
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$XSIG" batch --key "$KEY" --input "$WORK/tokens.txt" \
        --output "$WORK/out.ndjson" --padding "$1" --threads "$2" --backend "$BACKEND" --timestamp 1700000000000 --quiet
    read -r seconds kib < "$WORK/time.txt"
    [ "$(wc -l < "$WORK/out.ndjson")" -eq "$N" ] || { echo "lanes.sh: output is not $N records" >&2; exit 1; }
    echo "$(python3 -c "print(round($N / max($seconds, 0.001)))") $kib"
}

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); $(nproc) cores"
echo "| padding | rep | openssl op/s | batch t1 rec/s | t1 / openssl | openssl op/s | batch t2 rec/s | t2 / t1 | peak RSS t1, t2 |"
echo "|---|---|---|---|---|---|---|---|---|"
for padding in pkcs1 oaep-sha256; do
    for rep in $(seq 1 "$REPEATS"); do
        o1=$(openssl_rate "$padding"); read -r r1 k1 < <(batch_run "$padding" 1)
        o2=$(openssl_rate "$padding"); read -r r2 k2 < <(batch_run "$padding" 2)
        python3 - "$padding" "$rep" "$o1" "$r1" "$o2" "$r2" "$k1" "$k2" <<'EOF'
import sys
p, rep, o1, r1, o2, r2, k1, k2 = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:])
print(f"| {p} | {rep} | {o1:,.0f} | {r1:,.0f} | {r1 / o1:.2f} | {o2:,.0f} | {r2:,.0f} | {r2 / r1:.2f} | {k1 / 1024:.1f}, {k2 / 1024:.1f} MiB |")
EOF
    done
done
