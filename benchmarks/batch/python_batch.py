#!/usr/bin/env python3
"""The Python baseline for benchmarks/batch/run.sh: the same job as `xsig batch` with NDJSON
output, written the way a Python user would with the `cryptography` package.

Reads one session token per line, builds session_token=<t>&timestamp=<ms>&nonce=<hex ms>,
encrypts it with RSA-OAEP (SHA-256, MGF1-SHA-256) under the public key, Base64-encodes it and
writes one JSON object per line with the fields xsig writes, in the same order.

Usage: python_batch.py KEY.pem TOKENS.txt OUT.ndjson TIMESTAMP_MS
"""
import base64
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


def main() -> int:
    key_path, tokens_path, out_path, timestamp = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(key_path, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    nonce = format(timestamp, "x")
    count = 0
    with open(tokens_path, "r", encoding="utf-8") as tokens, open(out_path, "w", encoding="utf-8") as out:
        for index, line in enumerate(tokens):
            token = line.rstrip("\r\n")
            payload = f"session_token={token}&timestamp={timestamp}&nonce={nonce}".encode()
            signature = base64.b64encode(key.encrypt(payload, oaep)).decode("ascii")
            out.write(json.dumps({"index": index, "session_token": token, "timestamp": str(timestamp),
                                  "nonce": nonce, "signature": signature}, separators=(",", ":")))
            out.write("\n")
            count += 1
    print(f"python: {count} records", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
