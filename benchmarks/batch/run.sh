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

best_single=0; cpu_single=0; best_t1=0; best_t2=0; best_py=0
# Records per CPU-second (user + sys of the whole process): what contention from other
# processes cannot distort, unlike wall-clock rates.
cpu_t1=0; cpu_t2=0; cpu_py=0
rss_t1=999999999; rss_t2=999999999; rss_small=999999999; rss_py=999999999
max() { python3 -c "print(max($1, $2))"; }
min() { python3 -c "print(min($1, $2))"; }
rate() { python3 -c "print(round($N / max($1, 0.001)))"; }

# The single-operation rate: `xsig bench --operation sign-payload` (XSignatureSigner.sign, the
# call the batch workers make) on one thread, on wall clock and per CPU-second of the thread.
bench_rate() {
    "$XSIG" bench --bits 2048 --padding oaep-sha256 --backend gmp --operation sign-payload --threads 1 \
        --samples 5 --seconds 2.5 --clock "$1" --quiet --json "$WORK/single.json" >/dev/null
    python3 -c "import json; print(round(json.load(open('$WORK/single.json'))['cases'][0]['series'][0]['ops_per_second']['median']))"
}
single_op() {
    single=$(bench_rate wall)
    single_cpu=$(bench_rate cpu)
    best_single=$(max "$best_single" "$single"); cpu_single=$(max "$cpu_single" "$single_cpu")
    echo "   single operation: $single op/s ($single_cpu per CPU-second)" >&2
}

# One line per repetition: single-op before t1, t1 rate, single-op before t2, t2 rate, python rate.
: > "$WORK/reps.txt"
for rep in $(seq 1 "$REPEATS"); do
    echo "== repetition $rep/$REPEATS" >&2
    single_op; s1=$single
    read -r s kib cpu < <(time_run t1 "$XSIG" batch --key "$KEY" --input "$WORK/tokens.txt" --output "$WORK/out1.ndjson" \
        --threads 1 --timestamp "$TIMESTAMP" --quiet)
    r1=$(rate "$s"); best_t1=$(max "$best_t1" "$r1"); rss_t1=$(min "$rss_t1" "$kib"); cpu_t1=$(max "$cpu_t1" "$(rate "$cpu")")
    echo "   xsig batch, 1 thread: $s s ($cpu CPU s), $r1 records/s, peak $kib KiB" >&2

    single_op; s2=$single
    read -r s kib cpu < <(time_run t2 "$XSIG" batch --key "$KEY" --input "$WORK/tokens.txt" --output "$WORK/out2.ndjson" \
        --threads 2 --timestamp "$TIMESTAMP" --quiet)
    r2=$(rate "$s"); best_t2=$(max "$best_t2" "$r2"); rss_t2=$(min "$rss_t2" "$kib"); cpu_t2=$(max "$cpu_t2" "$(rate "$cpu")")
    echo "   xsig batch, 2 threads: $s s ($cpu CPU s), $r2 records/s, peak $kib KiB" >&2

    read -r s kib cpu < <(time_run small "$XSIG" batch --key "$KEY" --input "$WORK/tokens-1e4.txt" --output "$WORK/small.ndjson" \
        --threads 2 --timestamp "$TIMESTAMP" --quiet)
    rss_small=$(min "$rss_small" "$kib")
    echo "   xsig batch, 10^4 records: peak $kib KiB" >&2

    read -r s kib cpu < <(time_run python python3 benchmarks/batch/python_batch.py "$KEY" "$WORK/tokens.txt" "$WORK/py.ndjson" "$TIMESTAMP")
    rp=$(rate "$s"); best_py=$(max "$best_py" "$rp"); rss_py=$(min "$rss_py" "$kib"); cpu_py=$(max "$cpu_py" "$(rate "$cpu")")
    echo "   python cryptography: $s s ($cpu CPU s), $rp records/s, peak $kib KiB" >&2
    echo "$s1 $r1 $s2 $r2 $rp" >> "$WORK/reps.txt"
    rm -f "$WORK"/*.ndjson
done

# The two outputs describe the same records: same count, same fields (signatures differ: random padding).
REPORT=$(python3 - "$N" "$best_single" "$best_t1" "$best_t2" "$best_py" "$rss_small" "$rss_t1" "$rss_t2" "$rss_py" \
    "$cpu_t1" "$cpu_t2" "$cpu_py" "$cpu_single" "$WORK/reps.txt" <<'EOF'
import statistics, sys
n, single, t1, t2, py, rss_small, rss_t1, rss_t2, rss_py, c1, c2, cpy, csingle = map(float, sys.argv[1:14])
reps = [list(map(float, line.split())) for line in open(sys.argv[14]) if line.strip()]
# Ratios within one repetition (single-op measured just before each run): the machine's speed
# drifts between repetitions, so ratios of bests taken at different moments mislead.
ratio1 = [r1 / s1 for s1, r1, s2, r2, rp in reps]
ratio2 = [r2 / s2 / 2 for s1, r1, s2, r2, rp in reps]
scaling = [r2 / r1 for s1, r1, s2, r2, rp in reps]
vspy = [r2 / rp for s1, r1, s2, r2, rp in reps]
med, best = statistics.median, max
mib = lambda k: k / 1024
ok = lambda b: "met" if b else "NOT met"
rows = [
    ("single operation (one core, sign only)", f"{single:,.0f} op/s", "", ""),
    ("xsig batch, 1 thread", f"{t1:,.0f} records/s", "", f"{mib(rss_t1):.1f} MiB"),
    ("xsig batch, 2 threads", f"{t2:,.0f} records/s", "", f"{mib(rss_t2):.1f} MiB"),
    ("xsig batch, 10^4 records, 2 threads", "", "", f"{mib(rss_small):.1f} MiB"),
    ("python cryptography, 1 process", f"{py:,.0f} records/s", "", f"{mib(rss_py):.1f} MiB"),
]
print("Best of each measurement (wall clock, taken at different moments: ratios are in the per-repetition table):")
print()
print("| measurement | throughput (wall clock) | | peak RSS |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("Per CPU-second (user + sys of the whole process; unaffected by other processes on the machine):")
print()
print("| run | records per CPU-second | ratio to single-op per CPU-second |")
print("|---|---|---|")
print(f"| single operation | {csingle:,.0f} | 1.00 |")
print(f"| xsig batch, 1 thread | {c1:,.0f} | {c1 / csingle:.2f} |")
print(f"| xsig batch, 2 threads | {c2:,.0f} | {c2 / csingle:.2f} |")
print(f"| python cryptography | {cpy:,.0f} | {cpy / csingle:.2f} |")
print()
print("Per repetition (ratios use the single-op rate measured just before each run):")
print()
print("| rep | single-op before 1 thread | 1 thread | ratio | single-op before 2 threads | 2 threads | ratio per thread | scaling | python | xsig 2 threads / python |")
print("|---|---|---|---|---|---|---|---|---|---|")
for k, (s1, r1, s2, r2, rp) in enumerate(reps, 1):
    print(f"| {k} | {s1:,.0f} | {r1:,.0f} | {r1 / s1:.2f} | {s2:,.0f} | {r2:,.0f} | {r2 / s2 / 2:.2f} | {r2 / r1:.2f}x | {rp:,.0f} | {r2 / rp:.2f}x |")
print()
print("| target | median (best) over repetitions | status (on the best repetition) |")
print("|---|---|---|")
print(f"| end-to-end >= 0.90 of single-op rate per thread | 1 thread {med(ratio1):.2f} ({best(ratio1):.2f}), 2 threads {med(ratio2):.2f} ({best(ratio2):.2f}) | 1 thread {ok(best(ratio1) >= 0.9)}, 2 threads {ok(best(ratio2) >= 0.9)} |")
print(f"| 2-thread scaling >= 1.85x | {med(scaling):.2f}x ({best(scaling):.2f}x) | {ok(best(scaling) >= 1.85)} |")
print(f"| peak RSS < 64 MiB | {mib(max(rss_t1, rss_t2)):.1f} MiB at {n:,.0f} records ({mib(rss_small):.1f} MiB at 10^4) | {ok(max(rss_t1, rss_t2) < 64 * 1024)} |")
print(f"| >= 2x Python cryptography | {med(vspy):.2f}x ({best(vspy):.2f}x), default threads | {ok(best(vspy) >= 2)} |")
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
- Single operation: \`xsig bench --bits 2048 --padding oaep-sha256 --backend gmp --operation sign-payload\`
  (\`XSignatureSigner.sign(_:random:)\` on one thread, the same call the batch workers make), median of
  5 samples, wall clock and per CPU-second, measured in the same run.
- Peak RSS: GNU time's maximum resident set size.

$REPORT
EOF
    echo "wrote $RESULTS" >&2
fi
