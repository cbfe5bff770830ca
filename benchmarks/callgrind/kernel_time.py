#!/usr/bin/env python3
"""Interleaved wall-clock timing of the kernels in kernel_ir.c (build it with `run.sh --build-only`).
Each round runs every variant once as its own process (A B C ... A B C ...); the figure is the
median over rounds of (time of the reference / time of the variant), i.e. > 1 is faster than
the reference. usage: kernel_time.py [--rounds N] [--reference ossl-bn] [VARIANT ...]"""
import argparse, os, statistics, subprocess, time

here = os.path.dirname(os.path.abspath(__file__))
binary = os.path.join(os.environ.get("TMPDIR", "/tmp"), "xsig-kernel_ir")   # run.sh --build-only makes it
ap = argparse.ArgumentParser()
ap.add_argument("--rounds", type=int, default=9)
ap.add_argument("--reference", default="ossl-bn")
ap.add_argument("variants", nargs="*", default=["head", "xsig", "xsig-r2-redc1", "xsig-div-redc1", "xsig-div-redc2", "powm", "ossl-bn", "ossl-evp-raw", "ossl-evp-pkcs1"])
args = ap.parse_args()
iterations = {1024: 20000, 2048: 6000, 3072: 3000, 4096: 1500}
variants = list(dict.fromkeys([args.reference] + args.variants))
print(f"{'speed vs ' + args.reference:24s}" + "".join(f"{b:>10d}" for b in iterations))
table = {v: [] for v in variants}
for bits, count in iterations.items():
    times = {v: [] for v in variants}
    for _ in range(args.rounds):
        for v in variants:
            start = time.perf_counter()
            subprocess.run([binary, v, str(bits), str(count)], check=True, stdout=subprocess.DEVNULL)
            times[v].append(time.perf_counter() - start)
    for v in variants:
        table[v].append(statistics.median(r / t for r, t in zip(times[args.reference], times[v])))
for v in variants:
    print(f"{v:24s}" + "".join(f"{x:10.3f}" for x in table[v]))
