#!/usr/bin/env bash
# xsig verify --input over N records signed with a 2048-bit key, one thread: --backend lanes
# against --backend openssl in the same run (issue 12's target: lanes >= 1.5x openssl).
#   bash benchmarks/decrypt/verify-input.sh [N]     (default 100000; release build first:
#   swift build -c release --product xsig)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
xsig="$(swift build -c release --show-bin-path)/xsig"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$xsig" keygen --bits 2048 --out "$tmp/key" >/dev/null
priv="$tmp/key.pem"; pub="$tmp/key.pub.pem"
seq -f "tok-%08g-abcdefghijklmnopqrstuvwxyz0123" 1 "$n" >"$tmp/tokens.txt"
"$xsig" batch --key "$pub" --input "$tmp/tokens.txt" --output "$tmp/signed.ndjson" --quiet
echo "verify-input: $n records, 2048-bit key, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), lanes kernel ${XSIG_LANES_KERNEL:-default}"
for backend in openssl lanes openssl lanes; do
    start=$(date +%s.%N)
    "$xsig" verify --private-key "$priv" --input "$tmp/signed.ndjson" --threads 1 --backend "$backend" --quiet >"$tmp/out.$backend"
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc -l)
    printf '%-8s %8.2f s  %9.0f records/s  %s\n' "$backend" "$secs" "$(echo "$n / $secs" | bc -l)" "$(tail -n 1 "$tmp/out.$backend")"
    echo "$backend $secs" >>"$tmp/times"
done
awk -v n="$n" '{t[$1]=(t[$1]==""||$2<t[$1])?$2:t[$1]} END {printf "lanes/openssl (best of two each): %.2fx\n", t["openssl"]/t["lanes"]}' "$tmp/times"
