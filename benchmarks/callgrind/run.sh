#!/usr/bin/env bash
# Per-operation instruction counts (callgrind, deterministic whatever the machine's load).
# usage: benchmarks/callgrind/run.sh [BITS...]   (default 1024 2048 3072 4096)
set -euo pipefail
cd "$(dirname "$0")"
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)"; exit 1; }
bin="${TMPDIR:-/tmp}/xsig-kernel_ir"   # built outside the work tree
cc -O2 -o "$bin" kernel_ir.c $(pkg-config --cflags --libs gmp libcrypto)

[ "${1:-}" = "--build-only" ] && exit 0
sizes=("${@:-1024 2048 3072 4096}")
variants=(head xsig xsig-r2-redc1 xsig-div-redc1 xsig-div-redc2 powm ossl-bn ossl-evp-raw ossl-evp-pkcs1 ossl-evp-oaep)
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" "$3" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
printf "%-16s" "Ir/op"; for b in ${sizes[@]}; do printf "%12s" "$b"; done; echo
for v in "${variants[@]}"; do
    printf "%-16s" "$v"
    for b in ${sizes[@]}; do
        lo=$(ir "$v" "$b" 20); hi=$(ir "$v" "$b" 120)
        printf "%12d" $(( (hi - lo) / 100 ))
    done
    echo
done
