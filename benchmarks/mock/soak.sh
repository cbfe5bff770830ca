#!/usr/bin/env bash
# Soak test of `xsig mock`: DURATION seconds (default 300) at the highest rate wrk gets out of it
# on loopback, replay check on, with its resident memory sampled every 10 s.
#
# The run is cut into SEGMENT-second wrk runs (default 30); before each, a fresh batch of
# distinct logouts is signed, so every request is distinct and fresh. The mock runs with
# --max-skew-seconds 60, so its replay cache fills within the first two minutes and must then
# stay flat (entries expire with the window). Pass: RSS after the first minute grows by at most
# 10% over the first sample taken after one minute, no 5xx, no socket errors, the mock alive to the
# end and exiting 0 on SIGTERM.
#
# Usage: benchmarks/mock/soak.sh [DURATION_SECONDS]
#   env: SEGMENT=30 RATE_GUESS=4000 (rows signed per second of segment) THREADS=$(nproc)
#        BACKEND=openssl CONNECTIONS=32 KEY=vectors/keys/demo-rsa-2048.pem SCRATCH=.build OUT=(none)
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${1:-300}
SEGMENT=${SEGMENT:-30}
RATE_GUESS=${RATE_GUESS:-4000}
THREADS=${THREADS:-$(nproc)}
BACKEND=${BACKEND:-openssl}
CONNECTIONS=${CONNECTIONS:-32}
KEY=${KEY:-vectors/keys/demo-rsa-2048.pem}
SCRATCH=${SCRATCH:-.build}
OUT=${OUT:-}

command -v wrk >/dev/null || { echo "soak.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
swift build -c release --scratch-path "$SCRATCH" --product xsig >&2
XSIG="$SCRATCH/release/xsig"

tmp=$(mktemp -d)
mock_pid=""
sampler_pid=""
cleanup() {
    [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
    if [[ -n "$mock_pid" ]] && kill -0 "$mock_pid" 2>/dev/null; then kill -TERM "$mock_pid"; wait "$mock_pid" || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

source benchmarks/mock/start-mock.sh
start_mock "$XSIG" "$tmp" --private-key "$KEY" --threads "$THREADS" --backend "$BACKEND" --client-id soak --max-skew-seconds 60
curl -sf "$URL/api/v2/sdk/public-key" > "$tmp/key.json"
started=$(date +%s)

# RSS every 10 s: "seconds_since_start rss_kib"
(
    while kill -0 "$mock_pid" 2>/dev/null; do
        echo "$(( $(date +%s) - started )) $(awk '/^VmRSS/ {print $2}' "/proc/$mock_pid/status")" >> "$tmp/rss.txt"
        sleep 10
    done
) &
sampler_pid=$!

rows=$((SEGMENT * RATE_GUESS))
segment=0
while (( $(date +%s) - started < DURATION )); do
    left=$(( DURATION - ($(date +%s) - started) ))
    length=$(( left < SEGMENT ? left : SEGMENT ))
    (( length >= 1 )) || break
    segment=$((segment + 1))
    seq -f "soak-$segment-%.0f" 1 "$rows" > "$tmp/tokens.txt"
    "$XSIG" batch --key "$tmp/key.json" --input "$tmp/tokens.txt" --format headers --output "$tmp/headers.txt" \
        --domain "127.0.0.1:$PORT" --client-id soak --device-fingerprint fp-soak --os-version Linux --agent "wrk/4.1" \
        --timestamp now --quiet
    XSIG_HEADERS="$tmp/headers.txt" XSIG_WRK_THREADS=1 \
        wrk -t 1 -c "$CONNECTIONS" -d "${length}s" --timeout 10s -s benchmarks/mock/logout.lua "$URL" | tail -n 1 >> "$tmp/segments.jsonl"
    echo "segment $segment: $(tail -n 1 "$tmp/segments.jsonl")" >&2
done
kill -0 "$mock_pid" || { echo "soak: the mock died" >&2; cat "$tmp/mock.err" >&2; exit 1; }
curl -sf "$URL/metrics" > "$tmp/metrics.txt"
kill "$sampler_pid" 2>/dev/null || true; sampler_pid=""
kill -TERM "$mock_pid"
status=0; wait "$mock_pid" || status=$?
mock_pid=""

echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') (family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$XSIG" --version) | soak ${DURATION}s in ${SEGMENT}s segments | mock --threads $THREADS --backend $BACKEND --max-skew-seconds 60 | wrk 1 thread, $CONNECTIONS connections"
python3 - "$tmp/segments.jsonl" "$tmp/rss.txt" "$tmp/metrics.txt" "$status" "$(tail -n 1 "$tmp/mock.err")" "$OUT" <<'PY'
import json, re, sys
segments = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
rss = [tuple(map(int, line.split())) for line in open(sys.argv[2]) if len(line.split()) == 2]
metrics = open(sys.argv[3]).read()
exit_status = int(sys.argv[4])
fivexx = sum(float(v) for v in re.findall(r'^xsig_http_requests_total\{[^}]*status="5\d\d"\} (\S+)$', metrics, re.M))
verified = sum(s["verified"] for s in segments)
seconds = sum(s["duration_us"] for s in segments) / 1e6
socket_errors = sum(s["socket_errors"] for s in segments)
rejected = sum(s["rejected_400"] for s in segments)
other = sum(s["other"] for s in segments)
after = [kib for t, kib in rss if t >= 60]
base = after[0] if after else (rss[-1][1] if rss else 0)
growth = (max(after) / base - 1) if after and base else 0.0
print(f"verified {verified} in {seconds:.0f} s of wrk: {verified / seconds:.0f}/s; 400: {rejected}, other: {other}, socket errors: {socket_errors}, 5xx: {fivexx:.0f}")
print("rss MiB every 10 s: " + " ".join(f"{kib / 1024:.0f}" for _, kib in rss))
print(f"rss growth after the first minute: {growth * 100:+.1f}% (limit +10%)")
print(f"mock exit status {exit_status}; {sys.argv[5]}")
ok = fivexx == 0 and socket_errors == 0 and other == 0 and exit_status == 0 and growth <= 0.10
print("PASS" if ok else "FAIL")
if sys.argv[6]:
    with open(sys.argv[6], "a") as out:
        out.write(json.dumps(dict(verified=verified, seconds=seconds, per_second=verified / seconds, rejected_400=rejected,
                                  other=other, socket_errors=socket_errors, fivexx=fivexx, rss_kib=rss, growth=growth,
                                  exit_status=exit_status)) + "\n")
sys.exit(0 if ok else 1)
PY
