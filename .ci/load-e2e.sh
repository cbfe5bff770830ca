#!/usr/bin/env bash
# End to end with real load tools, loopback only, bounded counts (issue 14):
#   1. Debian's wrk -> examples/nginx/run.sh -> xsig sidecar (signs at send time) -> xsig mock:
#      REQUESTS requests, every one 200 and counted by the mock as accepted; the mock's window is
#      --max-skew-seconds 60 (locust starts in about 10 s: its batch is signed before), so every
#      timestamp is within a minute of the mock's clock.
#   2. a headless Locust run of examples/locust/locustfile.py over a batch signed just before,
#      against the mock: zero failures, every record accepted.
# Usage: .ci/load-e2e.sh [XSIG_BINARY]   env: REQUESTS=3000 LOCUST_RECORDS=400
set -euo pipefail
cd "$(dirname "$0")/.."
xsig=${1:-"$(swift build --show-bin-path)/xsig"}
REQUESTS=${REQUESTS:-3000}
LOCUST_RECORDS=${LOCUST_RECORDS:-400}
tmp=$(mktemp -d)
fail() { echo "load-e2e: FAILED: $*" >&2; for f in "$tmp"/*.err; do echo "--- $f" >&2; tail -5 "$f" >&2; done; exit 1; }
source scripts/lib/servers.sh
metric() { curl -sf "$1/metrics" | awk -v name="$2" '$1 == name { print $2 }'; }

fields=(--client-id app1 --device-fingerprint fp-e2e --os-version Linux --agent xsig-e2e/1.0)
start mock "xsig mock: listening on" "$xsig" mock --private-key vectors/keys/demo-rsa-2048.pem --listen 127.0.0.1:0 \
    --client-id app1 --max-skew-seconds 60
mock=$url
seq -f "e2e-token-%.0f" 1 200 > "$tmp/tokens.txt"
start sidecar "xsig sidecar: listening on" "$xsig" sidecar --key vectors/keys/demo-rsa-2048.pub.pem --listen 127.0.0.1:0 \
    --tokens "$tmp/tokens.txt" "${fields[@]}"
sidecar=$url
start nginx "nginx: listening on" examples/nginx/run.sh "127.0.0.1:$(free_port)" "$sidecar" "$mock"
proxy=$url

echo "load-e2e: wrk -> nginx -> sidecar -> mock, $REQUESTS requests"
# wrk has no request count: each thread stops sending at its share (proxy.lua), and wrk is
# interrupted (SIGINT: it reports and exits) once the mock has accepted them all.
XSIG_REQUESTS=$REQUESTS XSIG_WRK_THREADS=2 wrk -t2 -c8 -d100s --timeout 10s -s examples/wrk/proxy.lua \
    "$proxy/api/v2/sdk/logout" > "$tmp/wrk.txt" &
wrk_pid=$!
started=$(date +%s.%N)
for _ in $(seq 1 1000); do
    accepted=$(metric "$mock" 'xsig_mock_accepted_total{route="/api/v2/sdk/logout"}')
    (( ${accepted:-0} >= REQUESTS )) && break
    kill -0 "$wrk_pid" 2>/dev/null || break
    sleep 0.1
done
elapsed=$(python3 -c "import time; print(round(time.time() - $started, 1))")
sleep 0.5  # the last answers in flight
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" || fail "wrk"
result=$(grep '^{' "$tmp/wrk.txt" | tail -1)
echo "load-e2e: wrk: $result"
accepted=$(metric "$mock" 'xsig_mock_accepted_total{route="/api/v2/sdk/logout"}')
rejections=$(curl -sf "$mock/metrics" | grep '^xsig_mock_rejections_total' || true)
python3 - "$result" "$REQUESTS" "${accepted:-0}" <<'PY2' || fail "wrk counts"
import json, sys
r, want, accepted = json.loads(sys.argv[1]), int(sys.argv[2]), int(float(sys.argv[3]))
assert r["ok"] >= want and r["rejected_400"] == 0 and r["other"] == 0, r
assert accepted >= r["ok"] and accepted >= want, f"mock accepted {accepted}, wrk saw {r['ok']} answers 200"
PY2
[[ -z "$rejections" ]] || fail "the mock rejected: $rejections"
echo "load-e2e: wrk: ${accepted} accepted by the mock (window 60 s) in ${elapsed} s, 0 rejected"

echo "load-e2e: locust (headless) over $LOCUST_RECORDS pre-signed records -> mock"
seq -f "locust-token-%.0f" 1 "$LOCUST_RECORDS" > "$tmp/locust-tokens.txt"
"$xsig" batch --key vectors/keys/demo-rsa-2048.pub.pem --input "$tmp/locust-tokens.txt" --output "$tmp/signed.ndjson" \
    --base-url "$mock" "${fields[@]}" --quiet
before=${accepted:-0}
(cd "$tmp" && XSIG_NDJSON="$tmp/signed.ndjson" timeout 120 locust -f "$OLDPWD/examples/locust/locustfile.py" --headless \
    -u 4 -r 4 -t 30s --host "$mock" --only-summary > "$tmp/locust.out" 2> "$tmp/locust.err") || fail "locust (exit $?)"
after=$(metric "$mock" 'xsig_mock_accepted_total{route="/api/v2/sdk/logout"}')
grep -E "Aggregated" "$tmp/locust.err" | tail -1 || true
[[ $(( ${after%.*} - ${before%.*} )) == "$LOCUST_RECORDS" ]] || fail "the mock accepted $(( ${after%.*} - ${before%.*} )) of $LOCUST_RECORDS locust requests"
rejections=$(curl -sf "$mock/metrics" | grep '^xsig_mock_rejections_total' || true)
[[ -z "$rejections" ]] || fail "the mock rejected: $rejections"
echo "load-e2e: locust: $LOCUST_RECORDS accepted by the mock, 0 failures"

echo "load-e2e: wrk over a pre-signed headers batch (examples/wrk/presigned.lua, a slice per thread) -> mock"
seq -f "wrk-token-%.0f" 1 300 > "$tmp/wrk-tokens.txt"
"$xsig" batch --key vectors/keys/demo-rsa-2048.pub.pem --input "$tmp/wrk-tokens.txt" --output "$tmp/headers.txt" --format headers \
    --base-url "$mock" "${fields[@]}" --quiet
before=$(metric "$mock" 'xsig_mock_accepted_total{route="/api/v2/sdk/logout"}')
XSIG_HEADERS="$tmp/headers.txt" XSIG_WRK_THREADS=2 wrk -t2 -c4 -d3s -s examples/wrk/presigned.lua "$mock" > "$tmp/wrk2.txt" || fail "wrk presigned"
after=$(metric "$mock" 'xsig_mock_accepted_total{route="/api/v2/sdk/logout"}')
# wrk may prepare a last request per thread that it never sends when -d ends: at most 2 short.
got=$(( ${after%.*} - ${before%.*} ))
(( got >= 298 && got <= 300 )) || fail "the mock accepted $got of 300 pre-signed wrk requests"
rejections=$(curl -sf "$mock/metrics" | grep '^xsig_mock_rejections_total' || true)
[[ -z "$rejections" ]] || fail "the mock rejected: $rejections"
echo "load-e2e: wrk presigned: $got of 300 accepted, none twice (replay check on), 0 rejected"

echo "load-e2e: recipes whose tools are not installable here (k6, JMeter 5, vegeta): layout and syntax"
if grep -nE "^import .*from '(https?:)?//" examples/k6/*.js; then fail "k6 recipes must not import from the network"; fi
grep -q "exec.scenario.iterationInTest" examples/k6/presigned.js || fail "the k6 recipe must index rows by exec.scenario.iterationInTest"
if command -v node >/dev/null; then
    for script in examples/k6/*.js; do cp "$script" "$tmp/check.mjs"; node --check "$tmp/check.mjs" || fail "$script syntax"; done
fi
head -1 "$tmp/signed.csv" 2>/dev/null > /dev/null || "$xsig" batch --key vectors/keys/demo-rsa-2048.pub.pem --input "$tmp/wrk-tokens.txt" \
    --output "$tmp/signed.csv" --format csv --base-url "$mock" "${fields[@]}" --quiet
python3 - "$tmp/signed.csv" examples/jmeter/presigned.jmx <<'PY2' || fail "the JMeter plan"
import re, sys, xml.dom.minidom
columns = open(sys.argv[1]).readline().strip().split(",")
plan = xml.dom.minidom.parse(sys.argv[2])
used = set(re.findall(r"\$\{([a-z_]+)\}", open(sys.argv[2]).read()))
missing = used - set(columns)
assert not missing, f"the plan uses columns that xsig batch --format csv does not write: {missing}"
modes = [e.firstChild.data for e in plan.getElementsByTagName("stringProp") if e.getAttribute("name") == "shareMode"]
assert modes == ["shareMode.all"], modes
PY2
echo "load-e2e: k6 (2 scripts, no network imports), JMeter plan (well-formed, columns of --format csv): ok"
echo "load-e2e: 4 passed, 0 failed"
