#!/usr/bin/env bash
# Constant-time evidence for the lanes private kernel and the GMP backend's CRT kernel (SECURITY.md;
# tools/ctgrind/ctgrind_gmp.c for the latter, below). For the lanes: compiles the C kernels with
# tools/ctgrind/ctgrind_lanes.c, runs it under valgrind memcheck with every secret (primes and
# their lane constants, dP, dQ, qInv, the blinding factors, the ciphertexts) marked undefined, and
# fails on any report: a branch or memory address computed from a secret is an error.
#   bash scripts/ctgrind.sh            # portable kernel, 1024- and 2048-bit keys, plus the odd 1031
#   BITS="2048 3072" bash scripts/ctgrind.sh
# Needs gcc (or CC), libgmp-dev and valgrind (apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "ctgrind: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
src=Sources/CXSigKernels
# -gdwarf-4: valgrind 3.19 cannot read DWARF 5 line tables. XSIG_LANES_CTGRIND declassifies the
# kernel's two verdicts (c < n, fault mask); XSIG_LANES_TEST_HOOKS adds the fault injection.
${CC:-cc} -O2 -std=c11 -gdwarf-4 -D_POSIX_C_SOURCE=200809L -DXSIG_LANES_CTGRIND -DXSIG_LANES_TEST_HOOKS \
    -I"$src/include" -I"$src" -o "$out/ctgrind_lanes" "$src"/lanes_*.c "$src/wipe.c" tools/ctgrind/ctgrind_lanes.c -lgmp
# The control: a table lookup indexed by a secret must be reported, or the method proves nothing.
cat >"$out/canary.c" <<'C'
#include <valgrind/memcheck.h>
static unsigned char table[256];
int main(void) { unsigned char secret = 7; VALGRIND_MAKE_MEM_UNDEFINED(&secret, 1); return table[secret]; }
C
${CC:-cc} -O0 -gdwarf-4 -o "$out/canary" "$out/canary.c"
if valgrind --tool=memcheck --error-exitcode=1 -q "$out/canary" >/dev/null 2>&1; then
    echo "ctgrind: the control (a secret-indexed lookup) was NOT reported: this valgrind proves nothing" >&2; exit 1
fi
echo "ctgrind: control: a secret-indexed table lookup is reported, as it must be"
bits=${BITS:-1024 2048 1031}
echo "ctgrind: $(valgrind --version), $(${CC:-cc} --version | head -n 1)"
echo "ctgrind: portable kernel under memcheck, secrets undefined"
valgrind --tool=memcheck --error-exitcode=1 --track-origins=yes -q "$out/ctgrind_lanes" portable $bits
# The IFMA kernel: valgrind 3.19 does not emulate AVX-512, and its virtual CPU reports no AVX-512
# in CPUID, so the driver says so (exit 3) instead of running it. Natively it runs for correctness.
if grep -qw avx512ifma /proc/cpuinfo; then
    echo "ctgrind: ifma kernel, natively (correctness and fault path only: no memcheck)"
    "$out/ctgrind_lanes" ifma $bits
    set +e
    valgrind --tool=memcheck -q "$out/ctgrind_lanes" ifma 1024 >"$out/ifma.txt" 2>&1
    status=$?
    set -e
    echo "ctgrind: ifma kernel under memcheck: exit $status: $(head -n 1 "$out/ifma.txt")"
fi
# The GMP backend's CRT kernel (gmp_private_crt.c; GMP_BITS: 1025 has p and q of 8 and 9 limbs),
# then the code it replaced (mpn_sec_powm and mpn_sec_div_r with the secret p), which must be reported.
${CC:-cc} -O2 -std=c11 -gdwarf-4 -D_POSIX_C_SOURCE=200809L -I"$src/include" -I"$src" -o "$out/ctgrind_gmp" tools/ctgrind/ctgrind_gmp.c "$src/wipe.c" -lgmp
valgrind --tool=memcheck --error-exitcode=1 --track-origins=yes -q "$out/ctgrind_gmp" new ${GMP_BITS:-1024 1025 2048}
if valgrind --tool=memcheck --error-exitcode=1 -q "$out/ctgrind_gmp" old 1024 >"$out/old.txt" 2>&1; then
    echo "ctgrind: the replaced GMP path (mpn_sec_powm, mpn_sec_div_r by the secret p) was NOT reported" >&2; exit 1
fi
echo "ctgrind: the replaced GMP path is reported, as it must be: $(grep -cE 'Conditional jump|uninitialised value' "$out/old.txt") errors at $(awk '/Conditional jump|uninitialised value/ { getline; sub(/.*: /, ""); sub(/ \(.*/, ""); print }' "$out/old.txt" | sort -u | paste -sd, -)"
echo "ctgrind: no secret-dependent branch or address in the portable lanes private kernel or the GMP CRT kernel"
