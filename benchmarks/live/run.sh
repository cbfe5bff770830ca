#!/usr/bin/env bash
# Signing at send time, measured on loopback (issue 14):
#   1. wrk against `xsig sidecar`'s GET /sign: signed headers per second with 1 and 2 signing
#      threads, each as a ratio to `xsig bench --operation sign-payload` for the same backend
#      and thread count (wall clock, run just before), and the sidecar's mean group size.
#   2. the nginx chain against `xsig mock`: wrk -> examples/nginx/run.sh -> sidecar -> mock,
#      requests/s and p50/p99 latency, against wrk hitting the mock directly with pre-signed
#      requests (benchmarks/mock/logout.lua): the difference is what nginx and the sidecar add.
# Usage: benchmarks/live/run.sh
#   env: DURATION=10 BACKEND=auto CONNECTIONS=16 BENCH_SECONDS=5 SCRATCH=.build
#        KEY=vectors/keys/demo-rsa-2048.pem (its .pub.pem beside it) OUT=(none: a JSON line appended)
# Loopback only; every run bounded by DURATION. Run it alone on the machine (the figures are
# wall-clock rates; wrk, nginx, the sidecar and the mock share the cores).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10}
BACKEND=${BACKEND:-auto}
CONNECTIONS=${CONNECTIONS:-16}
BENCH_SECONDS=${BENCH_SECONDS:-5}
SCRATCH=${SCRATCH:-.build}
KEY=${KEY:-vectors/keys/demo-rsa-2048.pem}
PUB=${KEY%.pem}.pub.pem
OUT=${OUT:-}

for tool in wrk nginx; do command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "run.sh: needs $tool" >&2; exit 2; }; done
swift build -c release --scratch-path "$SCRATCH" --product xsig >&2
XSIG="$SCRATCH/release/xsig"

tmp=$(mktemp -d)
# A failed start shows what the servers wrote on stderr.
fail() { echo "run.sh: $*" >&2; for f in "$tmp"/*.err; do echo "--- $f" >&2; tail -5 "$f" >&2; done; exit 1; }
source scripts/lib/servers.sh
stop_last() { kill -TERM "${pids[-1]}"; wait "${pids[-1]}" || true; unset 'pids[-1]'; }
wrk_json() { grep '^{' "$1" | tail -1; }

seq -f "live-token-%.0f" 1 1000 > "$tmp/tokens.txt"
fields=(--client-id bench --device-fingerprint fp-bench --os-version Linux --agent wrk/4.1)
results="{}"
add() { results=$(python3 -c "import json,sys; r=json.loads(sys.argv[1]); r[sys.argv[2]]=json.loads(sys.argv[3]); print(json.dumps(r))" "$results" "$1" "$2"); }

for threads in 1 2; do
    echo "xsig bench --operation sign-payload --backend $BACKEND --threads $threads ..." >&2
    "$XSIG" bench --operation sign-payload --backend "$BACKEND" --bits 2048 --padding oaep-sha256 --threads "$threads" \
        --seconds "$BENCH_SECONDS" --clock wall --quiet --json "$tmp/bench-$threads.json" > /dev/null
    start sidecar "xsig sidecar: listening on" "$XSIG" sidecar --key "$PUB" --listen 127.0.0.1:0 --tokens "$tmp/tokens.txt" \
        --backend "$BACKEND" --threads "$threads" "${fields[@]}"
    echo "wrk -> sidecar /sign, $threads signing thread(s), $CONNECTIONS connections, ${DURATION}s ..." >&2
    XSIG_WRK_THREADS=1 wrk -t1 -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s -s examples/wrk/proxy.lua "$url/sign" > "$tmp/sign-$threads.txt"
    curl -sf "$url/metrics" > "$tmp/sign-$threads.metrics"
    stop_last
    add "sign_$threads" "$(python3 - "$(wrk_json "$tmp/sign-$threads.txt")" "$tmp/bench-$threads.json" "$tmp/sign-$threads.metrics" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
bench = json.load(open(sys.argv[2]))["cases"][0]["series"][0]["ops_per_second"]["median"]
metrics = dict(line.rsplit(" ", 1) for line in open(sys.argv[3]) if line.startswith("xsig_sidecar_group_size_"))
groups = float(metrics.get("xsig_sidecar_group_size_count", 0)) or 1
rate = r["ok"] / (r["duration_us"] / 1e6)
print(json.dumps(dict(signed_per_second=round(rate), bench_sign_payload_per_second=round(bench), ratio=round(rate / bench, 3),
                      mean_group=round(float(metrics.get("xsig_sidecar_group_size_sum", 0)) / groups, 2),
                      non_200=r["rejected_400"] + r["other"], p50_us=r["p50_us"], p99_us=r["p99_us"])))
PY
)"
done

echo "the chain: wrk -> nginx -> sidecar -> mock, and wrk -> mock with pre-signed requests ..." >&2
start mock "xsig mock: listening on" "$XSIG" mock --private-key "$KEY" --listen 127.0.0.1:0 --client-id bench --backend openssl
mock=$url
start sidecar "xsig sidecar: listening on" "$XSIG" sidecar --key "$PUB" --listen 127.0.0.1:0 --tokens "$tmp/tokens.txt" \
    --backend "$BACKEND" "${fields[@]}"
sidecar=$url
start nginx "nginx: listening on" examples/nginx/run.sh "127.0.0.1:$(free_port)" "$sidecar" "$mock"
proxy=$url
XSIG_WRK_THREADS=1 wrk -t1 -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s -s examples/wrk/proxy.lua \
    "$proxy/api/v2/sdk/logout" > "$tmp/chain.txt"
"$XSIG" batch --key "$PUB" --input <(seq -f "direct-token-%.0f" 1 200000) --format headers --output "$tmp/headers.txt" \
    --base-url "$mock" "${fields[@]}" --timestamp now --quiet
XSIG_HEADERS="$tmp/headers.txt" XSIG_WRK_THREADS=1 wrk -t1 -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s \
    -s benchmarks/mock/logout.lua "$mock" > "$tmp/direct.txt"
add chain "$(python3 - "$(wrk_json "$tmp/chain.txt")" "$(wrk_json "$tmp/direct.txt")" <<'PY'
import json, sys
chain, direct = json.loads(sys.argv[1]), json.loads(sys.argv[2])
c_rate = chain["ok"] / (chain["duration_us"] / 1e6)
d_rate = direct["verified"] / (direct["duration_us"] / 1e6)
print(json.dumps(dict(chain_per_second=round(c_rate), direct_per_second=round(d_rate), ratio=round(c_rate / d_rate, 3),
                      chain_non_200=chain["rejected_400"] + chain["other"], direct_rejected=direct["rejected_400"], direct_filler=direct["filler"],
                      chain_p50_us=chain["p50_us"], chain_p99_us=chain["p99_us"], direct_p50_us=direct["p50_us"], direct_p99_us=direct["p99_us"],
                      added_p50_us=chain["p50_us"] - direct["p50_us"], added_p99_us=chain["p99_us"] - direct["p99_us"])))
PY
)"

echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$XSIG" --version | head -1) | $(nginx -v 2>&1) | wrk 1 thread, $CONNECTIONS connections, ${DURATION}s | backend $BACKEND | 2048-bit, oaep-sha256"
python3 - "$results" "$OUT" <<'PY'
import json, sys
r, out = json.loads(sys.argv[1]), sys.argv[2]
for t in (1, 2):
    s = r[f"sign_{t}"]
    print(f"sidecar /sign, {t} signing thread(s): {s['signed_per_second']:7d} signed/s   bench sign-payload {s['bench_sign_payload_per_second']:7d}/s   "
          f"ratio {s['ratio']:.2f}   mean group {s['mean_group']}   p50 {s['p50_us'] / 1000:.2f} ms  p99 {s['p99_us'] / 1000:.2f} ms   non-200 {s['non_200']}")
c = r["chain"]
print(f"chain wrk->nginx->sidecar->mock: {c['chain_per_second']:6d} req/s  p50 {c['chain_p50_us'] / 1000:.2f} ms  p99 {c['chain_p99_us'] / 1000:.2f} ms  non-200 {c['chain_non_200']}")
print(f"direct wrk->mock (pre-signed):   {c['direct_per_second']:6d} req/s  p50 {c['direct_p50_us'] / 1000:.2f} ms  p99 {c['direct_p99_us'] / 1000:.2f} ms  rejected {c['direct_rejected']}")
print(f"nginx + sidecar add: p50 {c['added_p50_us'] / 1000:+.2f} ms, p99 {c['added_p99_us'] / 1000:+.2f} ms; chain/direct requests/s {c['ratio']:.2f}")
if out:
    open(out, "a").write(json.dumps(r) + "\n")
PY
