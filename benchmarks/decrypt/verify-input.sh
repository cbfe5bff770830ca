#!/usr/bin/env bash
# xsig verify --input over N records signed with a 2048-bit key, one thread: --backend lanes
# against --backend openssl in the same run, as interleaved pairs (openssl, lanes, openssl, ...);
# prints each run, each pair's ratio and the ratio of the medians.
#   bash benchmarks/decrypt/verify-input.sh [N] [PAIRS]   (defaults 100000 and 3; release build
#   first: swift build -c release --product xsig, or XSIG=path/to/xsig for another binary, such as
#   the release tarball's bin/xsig)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
pairs=${2:-3}
xsig=${XSIG:-"$(swift build -c release --show-bin-path)/xsig"}
[[ -x "$xsig" ]] || { echo "verify-input: $xsig is not an executable (swift build -c release --product xsig, or set XSIG)" >&2; exit 2; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$xsig" keygen --bits 2048 --out "$tmp/key" >/dev/null
priv="$tmp/key.pem"; pub="$tmp/key.pub.pem"
seq -f "tok-%08g-abcdefghijklmnopqrstuvwxyz0123" 1 "$n" >"$tmp/tokens.txt"
"$xsig" batch --key "$pub" --input "$tmp/tokens.txt" --output "$tmp/signed.ndjson" --quiet
echo "verify-input: $n records, 2048-bit key, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), lanes kernel ${XSIG_LANES_KERNEL:-default}, $pairs pairs"
for pair in $(seq 1 "$pairs"); do
    for backend in openssl lanes; do
        start=$(date +%s.%N)
        "$xsig" verify --private-key "$priv" --input "$tmp/signed.ndjson" --threads 1 --backend "$backend" --quiet >"$tmp/out.$backend"
        end=$(date +%s.%N)
        secs=$(echo "$end - $start" | bc -l)
        printf '%-8s %8.2f s  %9.0f records/s  %s\n' "$backend" "$secs" "$(echo "$n / $secs" | bc -l)" "$(tail -n 1 "$tmp/out.$backend")"
        echo "$pair $backend $secs" >>"$tmp/times"
    done
done
awk '{t[$1, $2] = $3; if ($2 == "openssl") o[++no] = $3; else l[++nl] = $3}
     function median(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
                                        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
     END { r = ""; for (p = 1; p <= no; p++) r = r sprintf(" %.2f", t[p, "openssl"] / t[p, "lanes"])
           printf "pair ratios (openssl s / lanes s):%s\n", r
           mo = median(o, no); ml = median(l, nl)
           printf "medians: openssl %.2f s, lanes %.2f s: lanes/openssl %.2fx\n", mo, ml, mo / ml }' "$tmp/times"
