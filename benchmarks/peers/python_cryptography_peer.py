#!/usr/bin/env python3
"""Peer: Python `cryptography` (OpenSSL underneath) encrypting the same 96-octet X-signature
payload in a loop, as a user's own load-generator script would. One JSON line per
(key, padding): median ops/s of interleaved samples (pkcs1 and oaep-sha256 alternate).

usage: python_cryptography_peer.py [--seconds S] [--samples N] KEY.pub.pem...
"""
import argparse, json, statistics, time
import cryptography
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

TOKEN = "a" * 40
PAYLOAD = f"session_token={TOKEN}&timestamp=1628496895102&nonce=17b29fa9c7e".encode()  # 96 octets

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=0.3)
    ap.add_argument("--samples", type=int, default=5)
    ap.add_argument("keys", nargs="+")
    args = ap.parse_args()
    paddings = {
        "pkcs1": (padding.PKCS1v15(), 11),
        "oaep-sha256": (padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None), 66),
    }
    for path in args.keys:
        with open(path, "rb") as f:
            key = serialization.load_pem_public_key(f.read())
        k = (key.key_size + 7) // 8
        rates = {name: [] for name in paddings}
        for _ in range(args.samples):
            for name, (pad, overhead) in paddings.items():
                message = PAYLOAD[: k - overhead]
                encrypt = key.encrypt
                count, start = 0, time.perf_counter()
                while True:
                    encrypt(message, pad)
                    count += 1
                    if count % 16 == 0 and time.perf_counter() - start >= args.seconds:
                        break
                rates[name].append(count / (time.perf_counter() - start))
        for name, values in rates.items():
            print(json.dumps({"peer": f"python cryptography {cryptography.__version__}", "bits": key.key_size,
                              "padding": name, "payload_octets": min(len(PAYLOAD), k - paddings[name][1]),
                              "median_ops_per_s": round(statistics.median(values)),
                              "min": round(min(values)), "max": round(max(values))}))

if __name__ == "__main__":
    main()
