#!/usr/bin/env bash
# Throughput of `xsig mock` under wrk, against the bare decryption rate of the same engine.
#
# Starts the mock on loopback (port 0, replay check on), signs REQUESTS distinct logouts with
# `xsig batch --format headers` against the key the mock serves, and drives it with wrk and
# benchmarks/mock/logout.lua (every request distinct, each sent once) for DURATION seconds.
# `xsig bench --operation decrypt` for the same key size, padding, backend and thread count runs
# just before and just after (BENCH_SECONDS each; the machine may be shared, so the mean of the
# two is the reference), and the script prints verified requests/s, p50/p99 latency and the
# ratio of verified requests/s to that decryption rate (target >= 0.8: HTTP costs under 20%).
# Because the wall-clock ratio moves with whatever else runs on the machine, it also prints a CPU
# ratio: verified requests per CPU-second of the mock process (all its threads, from /proc)
# against decryptions per CPU-second (`xsig bench --clock cpu`).
#
# Usage: benchmarks/mock/run.sh
#   env: DURATION=20 REQUESTS=100000 THREADS=$(nproc) BACKEND=openssl CONNECTIONS=32
#        WRK_THREADS=1 KEY=vectors/keys/demo-rsa-2048.pem BITS=2048 BENCH_SECONDS=10
#        SCRATCH=.build OUT=(none: a JSON line with the figures is written there too)
# Loopback only; bounded by DURATION and by REQUESTS (a thread that runs out sends /healthz).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-20}
REQUESTS=${REQUESTS:-100000}
THREADS=${THREADS:-$(nproc)}
BACKEND=${BACKEND:-openssl}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-1}
KEY=${KEY:-vectors/keys/demo-rsa-2048.pem}
BITS=${BITS:-2048}
BENCH_SECONDS=${BENCH_SECONDS:-10}
SCRATCH=${SCRATCH:-.build}
OUT=${OUT:-}

command -v wrk >/dev/null || { echo "run.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
swift build -c release --scratch-path "$SCRATCH" --product xsig >&2
XSIG="$SCRATCH/release/xsig"

tmp=$(mktemp -d)
mock_pid=""
cleanup() {
    if [[ -n "$mock_pid" ]] && kill -0 "$mock_pid" 2>/dev/null; then kill -TERM "$mock_pid"; wait "$mock_pid" || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

bench() {
    "$XSIG" bench --operation decrypt --backend "$BACKEND" --bits "$BITS" --padding oaep-sha256 --threads "$THREADS" \
        --seconds "$BENCH_SECONDS" --clock wall --quiet --json "$1" > /dev/null
}
echo "xsig bench --operation decrypt, $BITS bits, $BACKEND, $THREADS thread(s), before ..." >&2
bench "$tmp/bench-before.json"
"$XSIG" bench --operation decrypt --backend "$BACKEND" --bits "$BITS" --padding oaep-sha256 --threads "$THREADS" \
    --seconds "$BENCH_SECONDS" --clock cpu --quiet --json "$tmp/bench-cpu.json" > /dev/null

source benchmarks/mock/start-mock.sh
start_mock "$XSIG" "$tmp" --private-key "$KEY" --threads "$THREADS" --backend "$BACKEND" --client-id bench
curl -sf "$URL/api/v2/sdk/public-key" > "$tmp/key.json"

echo "signing $REQUESTS distinct logouts ..." >&2
seq -f "bench-token-%.0f" 1 "$REQUESTS" > "$tmp/tokens.txt"
"$XSIG" batch --key "$tmp/key.json" --input "$tmp/tokens.txt" --format headers --output "$tmp/headers.txt" \
    --domain "127.0.0.1:$PORT" --client-id bench --device-fingerprint fp-bench --os-version "Linux" --agent "wrk/4.1" \
    --timestamp now --quiet

echo "wrk: $WRK_THREADS thread(s), $CONNECTIONS connections, ${DURATION}s ..." >&2
cpu_ticks() { awk '{print $14 + $15}' "/proc/$mock_pid/stat"; }
cpu_before=$(cpu_ticks)
XSIG_HEADERS="$tmp/headers.txt" XSIG_WRK_THREADS="$WRK_THREADS" \
    wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s -s benchmarks/mock/logout.lua "$URL" > "$tmp/wrk.txt"
mock_cpu=$(python3 -c "import os; print(($(cpu_ticks) - $cpu_before) / os.sysconf('SC_CLK_TCK'))")
kill -TERM "$mock_pid"; wait "$mock_pid"; mock_pid=""
summary=$(tail -n 1 "$tmp/mock.err")

echo "xsig bench --operation decrypt, after ..." >&2
bench "$tmp/bench-after.json"

echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') (family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$XSIG" --version) | $(openssl version) | wrk $WRK_THREADS thread(s), $CONNECTIONS connections, ${DURATION}s | mock --threads $THREADS --backend $BACKEND | $BITS-bit key, oaep-sha256"
python3 - "$tmp/wrk.txt" "$tmp/bench-before.json" "$tmp/bench-after.json" "$OUT" "$summary" "$tmp/bench-cpu.json" "$mock_cpu" <<'PY'
import json, sys
wrk_lines = open(sys.argv[1]).read().splitlines()
result = json.loads(next(line for line in reversed(wrk_lines) if line.startswith("{")))
def rate(path):
    return json.load(open(path))["cases"][0]["series"][0]["ops_per_second"]["median"]
before, after = rate(sys.argv[2]), rate(sys.argv[3])
decrypt = (before + after) / 2
out_path, mock_summary = sys.argv[4], sys.argv[5]
decrypt_per_cpu_second = json.load(open(sys.argv[6]))["cases"][0]["series"][0]["ops_per_second_per_core"]["median"]
mock_cpu = float(sys.argv[7])
seconds = result["duration_us"] / 1e6
verified = result["verified"] / seconds
result.update(verified_per_second=round(verified, 1), bench_decrypt_per_second=round(decrypt, 1),
              bench_before=before, bench_after=after, mock_cpu_seconds=mock_cpu,
              verified_per_cpu_second=round(result["verified"] / mock_cpu, 1), decrypt_per_cpu_second=decrypt_per_cpu_second,
              cpu_ratio=round(result["verified"] / mock_cpu / decrypt_per_cpu_second, 3), ratio=round(verified / decrypt, 3), seconds=round(seconds, 2),
              mock_summary=mock_summary)
print(f"verified requests/s  {verified:10.0f}   ({result['verified']} in {seconds:.1f} s; 400: {result['rejected_400']}, "
      f"other: {result['other']}, filler: {result['filler']}, socket errors: {result['socket_errors']})")
print(f"latency p50 / p99    {result['p50_us'] / 1000:7.2f} ms / {result['p99_us'] / 1000:.2f} ms (max {result['max_us'] / 1000:.1f} ms)")
print(f"bench decrypt ops/s  {decrypt:10.0f}   (before {before:.0f}, after {after:.0f})")
print(f"ratio                {verified / decrypt:10.2f}   (target >= 0.8)")
print(f"CPU ratio            {result['verified'] / mock_cpu / decrypt_per_cpu_second:10.2f}   "
      f"({result['verified'] / mock_cpu:.0f} verified per mock CPU-second, {decrypt_per_cpu_second:.0f} decryptions per CPU-second)")
print(f"mock: {mock_summary}")
if result["filler"]:
    print("warning: the batch ran out before the duration; raise REQUESTS", file=sys.stderr)
if out_path:
    with open(out_path, "a") as out:
        out.write(json.dumps(result) + "\n")
PY
