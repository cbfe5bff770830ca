#!/usr/bin/env bash
# RSA private-key operation, xsig's GMP backend (blinding + CRT on mpn_sec_powm + fault check)
# against OpenSSL's EVP_PKEY_decrypt, one thread, per key size.
#
# Each `xsig decrypt-bench` run generates one key per size, then alternates the two backends for
# ROUNDS rounds of SECONDS_PER_ROUND each (the order flips every round) and reports per size the
# median ops/s of each backend and the median of the per-round gmp/openssl ratios, so that a
# noisy, shared machine slows both sides alike. This script repeats that RUNS times and prints
# the median over runs.
#
# Usage: benchmarks/decrypt/run.sh            (env: RUNS=3 ROUNDS=7 SECONDS_PER_ROUND=0.5
#                                               BITS=1024,2048,3072,4096 PADDING=oaep-sha256
#                                               SCRATCH=.build)
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-3}
ROUNDS=${ROUNDS:-7}
SECONDS_PER_ROUND=${SECONDS_PER_ROUND:-0.5}
BITS=${BITS:-1024,2048,3072,4096}
PADDING=${PADDING:-oaep-sha256}
SCRATCH=${SCRATCH:-.build}

swift build -c release --scratch-path "$SCRATCH" --product xsig >&2
XSIG="$SCRATCH/release/xsig"

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for run in $(seq 1 "$RUNS"); do
    echo "run $run/$RUNS ..." >&2
    "$XSIG" decrypt-bench --bits "$BITS" --padding "$PADDING" --rounds "$ROUNDS" --seconds "$SECONDS_PER_ROUND" --json | tee -a "$results" >&2
done

echo "# $(uname -m), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$SCRATCH/release/xsig" --version 2>/dev/null || true) | $(openssl version 2>/dev/null || echo 'OpenSSL (library)') | $PADDING | $RUNS runs x $ROUNDS rounds x ${SECONDS_PER_ROUND}s per backend"
python3 - "$results" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault(r["bits"], []).append(r)
print(f"{'bits':>5} {'gmp ops/s':>10} {'openssl ops/s':>14} {'gmp/openssl':>12}   per-run ratios")
for bits in sorted(rows):
    rs = rows[bits]
    g = statistics.median(r["gmp_ops_per_s"] for r in rs)
    o = statistics.median(r["openssl_ops_per_s"] for r in rs)
    ratio = statistics.median(r["ratio"] for r in rs)
    print(f"{bits:>5} {g:>10.0f} {o:>14.0f} {ratio:>11.2f}x   " + " ".join(f"{r['ratio']:.2f}" for r in rs))
PY
