#!/usr/bin/env python3
"""End to end: `xsig batch` (N tokens -> NDJSON) against a Python `cryptography` script doing the
same job (read tokens, build each payload, encrypt, Base64, write one NDJSON line per token).
Both runs are timed as whole processes on the same token file, alternating; xsig runs once with
--threads 1 (per-core comparison) and once with its default (all cores).

usage: batch_e2e.py --xsig PATH --key KEY.pub.pem [--count 1000000] [--padding oaep-sha256] [--rounds 1]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

PY_SIGNER = r'''
import base64, json, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
key = serialization.load_pem_public_key(open(sys.argv[1], "rb").read())
pad = padding.PKCS1v15() if sys.argv[2] == "pkcs1" else padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
base = int(sys.argv[5])
with open(sys.argv[3]) as tokens, open(sys.argv[4], "w") as out:
    for index, line in enumerate(tokens):
        token = line.rstrip("\n")
        ts = base
        nonce = format(ts, "x")
        payload = f"session_token={token}&timestamp={ts}&nonce={nonce}".encode()
        sig = base64.b64encode(key.encrypt(payload, pad)).decode()
        out.write(json.dumps({"index": index, "session_token": token, "timestamp": str(ts), "nonce": nonce, "signature": sig}, separators=(",", ":")) + "\n")
'''

def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xsig", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--padding", default="oaep-sha256")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tokens = os.path.join(tmp, "tokens.txt")
        with open(tokens, "w") as f:
            for i in range(args.count):
                f.write(f"tok{i:012d}abcdefghijklmnopqrstuvwxyz\n")
        script = os.path.join(tmp, "signer.py")
        with open(script, "w") as f:
            f.write(PY_SIGNER)
        ts = "1700000000000"
        runs = {"xsig batch --threads 1": [], "xsig batch (all cores)": [], "python cryptography (1 thread)": []}
        for _ in range(args.rounds):
            base = [args.xsig, "batch", "--key", args.key, "--allow-weak-key", "--input", tokens, "--padding", args.padding,
                    "--timestamp", ts, "--quiet"]
            runs["xsig batch --threads 1"].append(timed(base + ["--threads", "1", "--output", os.path.join(tmp, "x1.ndjson")]))
            runs["xsig batch (all cores)"].append(timed(base + ["--output", os.path.join(tmp, "xn.ndjson")]))
            runs["python cryptography (1 thread)"].append(timed([sys.executable, script, args.key, args.padding, tokens,
                                                                 os.path.join(tmp, "py.ndjson"), ts]))
        for name, values in runs.items():
            seconds = statistics.median(values)
            print(json.dumps({"run": name, "tokens": args.count, "padding": args.padding, "seconds": round(seconds, 2),
                              "tokens_per_s": round(args.count / seconds)}))

if __name__ == "__main__":
    main()
