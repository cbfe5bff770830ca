#!/usr/bin/env bash
# Opt-in: the test suite under AddressSanitizer and ThreadSanitizer (issue 7), each in its own
# scratch directory so that the normal .build is untouched.
#
#   scripts/sanitize.sh                 ASan on the whole suite, then TSan on the batch tests
#   scripts/sanitize.sh asan [FILTER]   ASan only (optional swift test --filter)
#   scripts/sanitize.sh tsan [FILTER]   TSan only (default filter: Batch)
#
# Known TSan false positive: SecureRandom is an empty struct, and inout accesses to zero-sized
# values share one sentinel address, so concurrent RSADecryptor.decrypt calls (VerificationTests'
# parallel verifier) are reported as a "Swift access race" at RSADecryptor.swift:54, and the
# TSan-built xsig binary can SEGV inside TSan's shadow store there (xsig demo). Hence the default
# filter; widen it with an explicit FILTER once that is resolved.
#
# The CLI tests (xsigCLITests) run the sanitized xsig binary, so sanitizer reports from the child
# surface as test failures (non-empty stderr, exit status). ASan's leak checker is off: Swift
# runtime metadata and GMP/OpenSSL globals live for the whole process and read as leaks.
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-all}"
filter="${2:-}"
status=0

run_asan() {
    echo "sanitize: AddressSanitizer (.build-asan)${filter:+, filter $filter}"
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:quarantine_size_mb=2:${ASAN_OPTIONS:-}" \
        swift test -Xswiftc -sanitize=address --scratch-path .build-asan ${filter:+--filter "$filter"} || status=1
}

run_tsan() {
    local f="${filter:-Batch}"
    echo "sanitize: ThreadSanitizer (.build-tsan), filter $f"
    TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:${TSAN_OPTIONS:-}" \
        swift test -Xswiftc -sanitize=thread --scratch-path .build-tsan --filter "$f" || status=1
}

case "$what" in
    asan) run_asan ;;
    tsan) run_tsan ;;
    all) run_asan; filter=""; run_tsan ;;
    *) echo "usage: $0 [asan|tsan|all] [FILTER]" >&2; exit 64 ;;
esac
echo "sanitize: $([[ $status == 0 ]] && echo clean || echo FAILED)"
exit "$status"
