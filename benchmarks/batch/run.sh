#!/usr/bin/env bash
# Batch signer benchmark (issue 4): throughput of `xsig batch` for N tokens at 2048 bits with
# 1 and 2 threads, as records/s and as a ratio to the single-operation rate measured in the same
# run, peak RSS at 10^4 and N records, and the same job in Python `cryptography`.
#
# Usage: benchmarks/batch/run.sh [N=1000000] [REPEATS=3]
#   SCRATCH=.build-batch   SwiftPM scratch directory for the release build
#   RESULTS=benchmarks/batch/RESULTS.md   where the figures go ("" to skip writing)
#
# Needs GNU time for peak RSS: /usr/bin/time (Debian/Ubuntu: apt-get install -y time),
# python3 with `cryptography` (pip install cryptography).
#
# On a shared or busy machine every measurement is noisy, so the script repeats the whole set
# REPEATS times, interleaved, and keeps each measurement's best (highest rate, lowest RSS).
set -euo pipefail

cd "$(dirname "$0")/../.."
N=${1:-1000000}
REPEATS=${2:-3}
SCRATCH=${SCRATCH:-.build-batch}
RESULTS=${RESULTS-benchmarks/batch/RESULTS.md}
KEY=vectors/keys/demo-rsa-2048.pub.pem
TIMESTAMP=1700000000000
COMMAND="benchmarks/batch/run.sh $N $REPEATS"

[ -x /usr/bin/time ] || { echo "run.sh: GNU time is missing: apt-get install -y time" >&2; exit 1; }
python3 -c 'import cryptography' 2>/dev/null || { echo "run.sh: pip install cryptography" >&2; exit 1; }

echo "== building release (scratch $SCRATCH)" >&2
swift build -c release --scratch-path "$SCRATCH" --product xsig >&2
XSIG="$SCRATCH/release/xsig"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/xsig-batch-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# 41-character tokens, about the size of real opaque session tokens.
python3 - "$WORK" "$N" <<'EOF'
import sys
work, n = sys.argv[1], int(sys.argv[2])
for path, count in ((f"{work}/tokens.txt", n), (f"{work}/tokens-1e4.txt", 10_000)):
    with open(path, "w") as f:
        for i in range(count):
            f.write(f"tok-{i:012d}-{'a' * 24}\n")
EOF

# time_run LABEL COMMAND...: runs with GNU time; prints "wall-seconds peakKiB cpu-seconds".
time_run() {
    local label=$1; shift
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.txt" "$@" 2>"$WORK/$label.err" >/dev/null \
        || { echo "run.sh: $label failed:" >&2; cat "$WORK/$label.err" >&2; exit 1; }
    read -r e m u sy < "$WORK/time.txt"
    echo "$e $m $(python3 -c "print($u + $sy)")"
}

best_single=0; best_t1=0; best_t2=0; best_py=0
# Records per CPU-second (user + sys of the whole process): what contention from other
# processes cannot distort, unlike wall-clock rates.
cpu_t1=0; cpu_t2=0; cpu_py=0
rss_t1=999999999; rss_t2=999999999; rss_small=999999999; rss_py=999999999
max() { python3 -c "print(max($1, $2))"; }
min() { python3 -c "print(min($1, $2))"; }
rate() { python3 -c "print(round($N / max($1, 0.001)))"; }

for rep in $(seq 1 "$REPEATS"); do
    echo "== repetition $rep/$REPEATS" >&2
    single=$("$XSIG" batch --key "$KEY" --input /dev/null --output /dev/null --benchmark-single 5 | sed -E 's/^single_op_per_second=([0-9]+).*/\1/')
    best_single=$(max "$best_single" "$single")
    echo "   single operation: $single op/s" >&2

    read -r s kib cpu < <(time_run t1 "$XSIG" batch --key "$KEY" --input "$WORK/tokens.txt" --output "$WORK/out1.ndjson" \
        --threads 1 --timestamp "$TIMESTAMP" --quiet)
    r=$(rate "$s"); best_t1=$(max "$best_t1" "$r"); rss_t1=$(min "$rss_t1" "$kib"); cpu_t1=$(max "$cpu_t1" "$(rate "$cpu")")
    echo "   xsig batch, 1 thread: $s s ($cpu CPU s), $r records/s, peak $kib KiB" >&2

    read -r s kib cpu < <(time_run t2 "$XSIG" batch --key "$KEY" --input "$WORK/tokens.txt" --output "$WORK/out2.ndjson" \
        --threads 2 --timestamp "$TIMESTAMP" --quiet)
    r=$(rate "$s"); best_t2=$(max "$best_t2" "$r"); rss_t2=$(min "$rss_t2" "$kib"); cpu_t2=$(max "$cpu_t2" "$(rate "$cpu")")
    echo "   xsig batch, 2 threads: $s s ($cpu CPU s), $r records/s, peak $kib KiB" >&2

    read -r s kib cpu < <(time_run small "$XSIG" batch --key "$KEY" --input "$WORK/tokens-1e4.txt" --output "$WORK/small.ndjson" \
        --threads 2 --timestamp "$TIMESTAMP" --quiet)
    rss_small=$(min "$rss_small" "$kib")
    echo "   xsig batch, 10^4 records: peak $kib KiB" >&2

    read -r s kib cpu < <(time_run python python3 benchmarks/batch/python_batch.py "$KEY" "$WORK/tokens.txt" "$WORK/py.ndjson" "$TIMESTAMP")
    r=$(rate "$s"); best_py=$(max "$best_py" "$r"); rss_py=$(min "$rss_py" "$kib"); cpu_py=$(max "$cpu_py" "$(rate "$cpu")")
    echo "   python cryptography: $s s ($cpu CPU s), $r records/s, peak $kib KiB" >&2
    rm -f "$WORK"/*.ndjson
done

# The two outputs describe the same records: same count, same fields (signatures differ: random padding).
REPORT=$(python3 - "$N" "$best_single" "$best_t1" "$best_t2" "$best_py" "$rss_small" "$rss_t1" "$rss_t2" "$rss_py" \
    "$cpu_t1" "$cpu_t2" "$cpu_py" <<'EOF'
import sys
n, single, t1, t2, py, rss_small, rss_t1, rss_t2, rss_py, c1, c2, cpy = map(float, sys.argv[1:])
mib = lambda k: k / 1024
ok = lambda b: "met" if b else "NOT met"
rows = [
    ("single operation (one core, sign only)", f"{single:,.0f} op/s", "", ""),
    ("xsig batch, 1 thread", f"{t1:,.0f} records/s", f"{t1 / single:.2f} of single-op", f"{mib(rss_t1):.1f} MiB"),
    ("xsig batch, 2 threads", f"{t2:,.0f} records/s", f"{t2 / single / 2:.2f} of single-op per thread; scaling {t2 / t1:.2f}x", f"{mib(rss_t2):.1f} MiB"),
    ("xsig batch, 10^4 records, 2 threads", "", "", f"{mib(rss_small):.1f} MiB"),
    ("python cryptography, 1 process", f"{py:,.0f} records/s", f"xsig 2 threads = {t2 / py:.2f}x, 1 thread = {t1 / py:.2f}x", f"{mib(rss_py):.1f} MiB"),
]
print("| measurement | throughput (wall clock) | ratio | peak RSS |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("Per CPU-second (user + sys of the whole process; unaffected by other processes on the machine):")
print()
print("| run | records per CPU-second | ratio to single-op |")
print("|---|---|---|")
print(f"| xsig batch, 1 thread | {c1:,.0f} | {c1 / single:.2f} |")
print(f"| xsig batch, 2 threads | {c2:,.0f} | {c2 / single:.2f} |")
print(f"| python cryptography | {cpy:,.0f} | {cpy / single:.2f} |")
print()
print("| target | figure | status |")
print("|---|---|---|")
print(f"| end-to-end >= 0.90 of single-op rate per thread | 1 thread {t1 / single:.2f}, 2 threads {t2 / single / 2:.2f} | {ok(t1 / single >= 0.9 and t2 / single / 2 >= 0.9)} |")
print(f"| 2-thread scaling >= 1.85x | {t2 / t1:.2f}x | {ok(t2 / t1 >= 1.85)} |")
print(f"| peak RSS < 64 MiB | {mib(max(rss_t1, rss_t2)):.1f} MiB at {n:,.0f} records ({mib(rss_small):.1f} MiB at 10^4) | {ok(max(rss_t1, rss_t2) < 64 * 1024)} |")
print(f"| >= 2x Python cryptography | {t2 / py:.2f}x (default threads) | {ok(t2 / py >= 2)} |")
EOF
)

CPU=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
NPROC=$(nproc)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "$REPORT"

if [ -n "$RESULTS" ]; then
    cat > "$RESULTS" <<EOF
# xsig batch: throughput and memory

Produced by \`$COMMAND\` on $(date -u +"%Y-%m-%d %H:%M UTC").

- Machine: $NPROC CPUs ($CPU), load average after the run: $LOAD
- Swift: $(swift --version 2>/dev/null | head -1)
- Python: $(python3 --version 2>&1), cryptography $(python3 -c 'import cryptography; print(cryptography.__version__)')
- Job: $N tokens of 41 characters, 2048-bit key (vectors/keys/demo-rsa-2048.pub.pem), OAEP-SHA-256,
  NDJSON out without request headers, \`--timestamp $TIMESTAMP\`; best of $REPEATS interleaved repetitions.
- Single operation: \`xsig batch --benchmark-single 5\` (hidden flag): \`XSignatureSigner.sign(_:random:)\` on
  one thread for 5 s, the same call the batch workers make, measured in the same run.
- Peak RSS: GNU time's maximum resident set size.

$REPORT
EOF
    echo "wrote $RESULTS" >&2
fi
