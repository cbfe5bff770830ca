#!/usr/bin/env python3
"""Whole-process comparison: `xsig sign` against `openssl pkeyutl -encrypt`, one process per
signature, as a shell-script load generator would run them. The two commands alternate
(A B A B ...); the result is the median wall time per process and the per-round ratio.

usage: process_peers.py --xsig PATH [--rounds N] KEY.pub.pem...
"""
import argparse, json, os, statistics, subprocess, tempfile, time

TOKEN = "a" * 40
PAYLOAD = f"session_token={TOKEN}&timestamp=1628496895102&nonce=17b29fa9c7e".encode()

def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xsig", required=True)
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("keys", nargs="+")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        payload = os.path.join(tmp, "payload.bin")
        with open(payload, "wb") as f:
            f.write(PAYLOAD)
        for key in args.keys:
            for pad in ["pkcs1", "oaep-sha256"]:
                ossl = ["openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey", key, "-in", payload, "-out", os.devnull]
                if pad == "oaep-sha256":
                    ossl += ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256"]
                xsig = [args.xsig, "sign", "--key", key, "--allow-weak-key", "--session-token", TOKEN,
                        "--timestamp", "1628496895102", "--padding", pad]
                try:
                    timed(ossl); timed(xsig)   # warm the page cache
                except subprocess.CalledProcessError:
                    print(json.dumps({"key": key, "padding": pad, "skipped": "payload does not fit"}))
                    continue
                a, b = [], []
                for _ in range(args.rounds):
                    a.append(timed(xsig)); b.append(timed(ossl))
                ratios = [y / x for x, y in zip(a, b)]   # > 1: xsig is faster
                print(json.dumps({"key": os.path.basename(key), "padding": pad,
                                  "xsig_sign_ms_median": round(statistics.median(a) * 1e3, 2),
                                  "openssl_pkeyutl_ms_median": round(statistics.median(b) * 1e3, 2),
                                  "openssl_time_over_xsig_time_median": round(statistics.median(ratios), 3),
                                  "rounds": args.rounds}))

if __name__ == "__main__":
    main()
