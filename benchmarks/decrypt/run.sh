#!/usr/bin/env bash
# RSA private-key operation, xsig's GMP backend (blinding + CRT on mpn_sec_powm + fault check)
# against OpenSSL's EVP_PKEY_decrypt, one thread, per key size.
#
# Each run is one `xsig bench --operation decrypt`: it generates one key per size, then
# interleaves the two backends sample by sample (A B A B ...) for ROUNDS samples of
# SECONDS_PER_ROUND each and reports per size the median ops/s of each backend and the median of
# the sample-by-sample gmp/openssl ratios, so that a noisy, shared machine slows both sides alike.
# This script repeats that RUNS times and prints the median over runs.
#
# Usage: benchmarks/decrypt/run.sh            (env: RUNS=3 ROUNDS=7 SECONDS_PER_ROUND=0.5
#                                               BITS=1024,2048,3072,4096 PADDING=oaep-sha256
#                                               CLOCK=wall SCRATCH=.build)
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-3}
ROUNDS=${ROUNDS:-7}
SECONDS_PER_ROUND=${SECONDS_PER_ROUND:-0.5}
BITS=${BITS:-1024,2048,3072,4096}
PADDING=${PADDING:-oaep-sha256}
SCRATCH=${SCRATCH:-.build}
CLOCK=${CLOCK:-wall}

swift build -c release --scratch-path "$SCRATCH" --product xsig >&2
XSIG="$SCRATCH/release/xsig"

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
sizes=$(tr ',' ' ' <<<"$BITS")
count=$(wc -w <<<"$sizes")
for run in $(seq 1 "$RUNS"); do
    echo "run $run/$RUNS ..." >&2
    # --seconds is the whole sweep's budget: ROUNDS samples x 2 backends x sizes.
    budget=$(python3 -c "print($ROUNDS * 2 * $count * $SECONDS_PER_ROUND)")
    "$XSIG" bench --operation decrypt --backend gmp,openssl --bits "$BITS" --padding "$PADDING" \
        --samples "$ROUNDS" --seconds "$budget" --clock "$CLOCK" --quiet --json "$results/run-$run.json" >&2
done

echo "# $(uname -m), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$SCRATCH/release/xsig" --version 2>/dev/null || true) | $(openssl version 2>/dev/null || echo 'OpenSSL (library)') | $PADDING | $RUNS runs x $ROUNDS samples x ${SECONDS_PER_ROUND}s per backend, --clock $CLOCK"
python3 - "$results" <<'PY'
import glob, json, statistics, sys
rows = {}
for path in sorted(glob.glob(sys.argv[1] + "/run-*.json")):
    for case in json.load(open(path))["cases"]:
        series = {s["backend"]: s["ops_per_second"]["median"] for s in case["series"]}
        rows.setdefault(case["bits"], []).append((series["gmp"], series["openssl"], case["gmp_over_openssl"]["median"]))
print(f"{'bits':>5} {'gmp ops/s':>10} {'openssl ops/s':>14} {'gmp/openssl':>12}   per-run ratios")
for bits in sorted(rows):
    rs = rows[bits]
    g = statistics.median(r[0] for r in rs)
    o = statistics.median(r[1] for r in rs)
    ratio = statistics.median(r[2] for r in rs)
    print(f"{bits:>5} {g:>10.0f} {o:>14.0f} {ratio:>11.2f}x   " + " ".join(f"{r[2]:.2f}" for r in rs))
PY
