#!/usr/bin/env bash
# Builds the libFuzzer targets (ASan + libFuzzer coverage) and runs each for SECONDS (default 30)
# on its seed corpus. Usage: bash fuzz/run.sh [SECONDS] [TARGET...]
#   FUZZ_JOBS=N     libFuzzer -fork=N per target (default: plain single process)
#   FUZZ_SEED=N     libFuzzer -seed=N, for a reproducible run (CI uses 1)
#   FUZZ_KEEP=1     keep the grown corpus in fuzz/corpus/<target> (default: a scratch copy)
# Exit status non-zero if any target crashes (reproducers land in fuzz/artifacts/<target>/).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-30}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(FuzzKeyParser FuzzBatchReader FuzzPayloadParser FuzzDecrypt)

start=$(date +%s)
echo "fuzz: building ${targets[*]} (debug, -sanitize=fuzzer,address)"
swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --scratch-path .build \
    >build.log 2>&1 || { tail -50 build.log; exit 1; }
bin="$(swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --scratch-path .build --show-bin-path)"
echo "fuzz: built in $(( $(date +%s) - start )) s"

status=0
summary=()
for t in "${targets[@]}"; do
    corpus="corpus/$t"
    work="$corpus"
    if [[ "${FUZZ_KEEP:-0}" != 1 ]]; then
        work="$(mktemp -d)"
        cp -r "$corpus"/. "$work"/
    fi
    mkdir -p "artifacts/$t"
    log="$(mktemp)"
    args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 -max_len=65536 -print_final_stats=1
          -artifact_prefix="artifacts/$t/")
    [[ -n "${FUZZ_JOBS:-}" ]] && args+=(-fork="$FUZZ_JOBS" -ignore_crashes=0)
    [[ -n "${FUZZ_SEED:-}" ]] && args+=(-seed="$FUZZ_SEED")
    echo "fuzz: $t for ${seconds} s"
    set +e
    ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1" "$bin/$t" "${args[@]}" "$work" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(grep -E "stat::number_of_executed_units" "$log" | awk '{print $2}' | tail -1)
    cov=$(grep -oE "cov: [0-9]+" "$log" | tail -1 | awk '{print $2}')
    if [[ $rc != 0 ]]; then
        status=1
        echo "fuzz: $t FAILED (exit $rc); log tail:"
        tail -40 "$log"
        summary+=("$t: FAILED after ${execs:-?} executions, see fuzz/artifacts/$t/")
    else
        summary+=("$t: ${execs:-?} executions, coverage ${cov:-?}, no findings")
    fi
    rm -f "$log"
    [[ "${FUZZ_KEEP:-0}" == 1 ]] || rm -rf "$work"
done
echo "fuzz: summary (${seconds} s per target, total $(( $(date +%s) - start )) s)"
printf '  %s\n' "${summary[@]}"
exit "$status"
