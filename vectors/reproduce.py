#!/usr/bin/env python3
"""Independent Python reproduction of xsig's deterministic encryption mode.

This script re-implements, by hand, the deterministic ("test vector") mode of
the xsig RSA toolkit so that the Swift implementation can be checked against
a second, unrelated implementation.  Only the RSA public key loading
(`load_pem_public_key`) and the raw ChaCha20 keystream come from the
`cryptography` package; padding and the RSA operation (pow) are done here.

Specification
=============

Byte stream
    K = SHA-256(seed bytes).  For record index i (unsigned 64-bit, default 0)
    the byte stream is the ChaCha20 keystream of RFC 8439 with key K, 96-bit
    nonce = 00 00 00 00 || I2OSP(i, 8) (big-endian), initial block counter 0.
    (cryptography's ChaCha20 takes a 16-byte "nonce" that is the RFC 8439
    initial state words 12..15 serialized little-endian, i.e.
    LE32(counter) || 96-bit nonce; here that is 16 bytes of
    00 00 00 00 | 00 00 00 00 | BE64(i).)

PKCS#1 v1.5 (RFC 8017 section 7.2.1), padding name "pkcs1"
    PS = the first k - mLen - 3 NONZERO bytes of the stream, in stream order
    (zero bytes are skipped).  EM = 00 || 02 || PS || 00 || M.
    Requires mLen <= k - 11.

OAEP (RFC 8017 section 7.1.1), padding names "oaep-<h>" and
"oaep-<h>-mgf1<h2>", h, h2 in sha1, sha224, sha256, sha384, sha512
    The OAEP seed is the first hLen bytes of the stream (hLen = output size
    of the OAEP hash h).  "oaep-<h>" uses MGF1 with the same hash;
    "oaep-<h>-mgf1<h2>" uses MGF1 with h2.  Label optional, default empty.
    Requires mLen <= k - 2*hLen - 2.

Ciphertext
    C = I2OSP(OS2IP(EM)^e mod n, k), k = byte length of n.

X-signature
    payload   = "session_token=<token>&timestamp=<ms>&nonce=<hex(ms)>"
                where hex(ms) is lowercase hex without prefix
                (1628496895102 -> "17b29fa9c7e"); encoded as UTF-8 (ASCII for
                ASCII tokens).
    signature = standard Base64 (with '=' padding) of C for that payload.

Usage
=====

  # one signature
  python3 reproduce.py --key PEM --seed HEX [--index N] --padding P \\
                       --session-token T --timestamp MS [--label-hex HEX]

  # check a committed table (exit status 1 on any failure)
  python3 reproduce.py --check cases.json

  # build a table: Cartesian product of every list given, in the order
  # key, padding, seed, index, session-token, timestamp
  python3 reproduce.py --emit cases.json --key keys/a.pem [--key ...] \\
      --padding pkcs1 --padding oaep-sha256 --seed 00 --seed 0102 \\
      --index 0 --index 1 --session-token abc --timestamp 1628496895102

  # check Wycheproof-format vector files (xsig vectors generate/convert-kat):
  # re-encrypt from seed/index or ps/oaepSeed, recompute X-signatures, and,
  # with the private exponent in the file, decode every case by RFC 8017
  # (invalid cases must fail exactly the check their xsig flag names)
  python3 reproduce.py --check-vectors vectors/generated/*.json [--sample N]

  # self-test (RFC 8439 vectors, pure-Python ChaCha20 cross-check, and
  # decrypt round trips with a throwaway key via cryptography)
  python3 reproduce.py --self-test

JSON case format (--check / --emit)
===================================

An array of objects:
  keyFile       path of the PEM public key, relative to the JSON file
  padding       padding name as above
  seed          seed bytes, lowercase hex (may be "")
  index         record index, integer 0 <= i < 2**64
  sessionToken  string
  timestamp     milliseconds, non-negative integer
  nonce         lowercase hex of timestamp
  payload       the exact payload string
  signature     Base64 ciphertext
  labelHex      optional OAEP label as hex; absent means empty label
"""

import argparse
import base64
import hashlib
import itertools
import json
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.serialization import (
    load_pem_private_key,
    load_pem_public_key,
)

HASHES = ("sha1", "sha224", "sha256", "sha384", "sha512")
HASH_LEN = {h: hashlib.new(h).digest_size for h in HASHES}


# --------------------------------------------------------------------------
# Deterministic byte stream
# --------------------------------------------------------------------------

def chacha_key(seed: bytes) -> bytes:
    return hashlib.sha256(seed).digest()


def rfc8439_nonce(index: int) -> bytes:
    """96-bit RFC 8439 nonce: 4 zero bytes || BE64(index)."""
    if not 0 <= index < 1 << 64:
        raise ValueError("index must be an unsigned 64-bit integer")
    return b"\x00" * 4 + index.to_bytes(8, "big")


def cryptography_nonce(counter: int, nonce96: bytes) -> bytes:
    """cryptography's 16-byte ChaCha20 nonce: LE32(counter) || nonce96."""
    assert len(nonce96) == 12
    return counter.to_bytes(4, "little") + nonce96


class Stream:
    """The deterministic byte stream for (seed, index)."""

    def __init__(self, seed: bytes, index: int):
        nonce16 = cryptography_nonce(0, rfc8439_nonce(index))
        cipher = Cipher(algorithms.ChaCha20(chacha_key(seed), nonce16), mode=None)
        self._enc = cipher.encryptor()

    def read(self, n: int) -> bytes:
        return self._enc.update(b"\x00" * n)

    def nonzero(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            out.extend(b for b in self.read(64) if b != 0)
        return bytes(out[:n])


# Pure-Python ChaCha20 block function (RFC 8439 2.3), used only by the
# self-test to cross-check how cryptography's ChaCha20 is driven.

def _rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def _qr(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 7)


def chacha20_block_py(key: bytes, counter: int, nonce96: bytes) -> bytes:
    state = ([0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
             + list(struct.unpack("<8I", key)) + [counter & 0xFFFFFFFF]
             + list(struct.unpack("<3I", nonce96)))
    w = list(state)
    for _ in range(10):
        _qr(w, 0, 4, 8, 12); _qr(w, 1, 5, 9, 13); _qr(w, 2, 6, 10, 14); _qr(w, 3, 7, 11, 15)
        _qr(w, 0, 5, 10, 15); _qr(w, 1, 6, 11, 12); _qr(w, 2, 7, 8, 13); _qr(w, 3, 4, 9, 14)
    return struct.pack("<16I", *((x + y) & 0xFFFFFFFF for x, y in zip(w, state)))


def keystream_py(key: bytes, nonce96: bytes, n: int, counter: int = 0) -> bytes:
    out = b""
    while len(out) < n:
        out += chacha20_block_py(key, counter, nonce96)
        counter += 1
    return out[:n]


# --------------------------------------------------------------------------
# RFC 8017 padding, by hand
# --------------------------------------------------------------------------

def parse_padding(name: str):
    """Return ("pkcs1", None, None) or ("oaep", hash, mgf1hash)."""
    if name == "pkcs1":
        return ("pkcs1", None, None)
    parts = name.split("-")
    if parts[0] == "oaep" and len(parts) in (2, 3) and parts[1] in HASHES:
        if len(parts) == 2:
            return ("oaep", parts[1], parts[1])
        if parts[2].startswith("mgf1") and parts[2][4:] in HASHES:
            return ("oaep", parts[1], parts[2][4:])
    raise ValueError("unknown padding %r" % name)


def mgf1(seed: bytes, length: int, h: str) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.new(h, seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b))


def encode_pkcs1(k: int, m: bytes, stream: Stream) -> bytes:
    if len(m) > k - 11:
        raise ValueError("message too long for PKCS#1 v1.5 (%d > %d)" % (len(m), k - 11))
    ps = stream.nonzero(k - len(m) - 3)
    return b"\x00\x02" + ps + b"\x00" + m


def encode_oaep(k: int, m: bytes, stream: Stream, h: str, mgfh: str, label: bytes = b"") -> bytes:
    hlen = HASH_LEN[h]
    if len(m) > k - 2 * hlen - 2:
        raise ValueError("message too long for OAEP-%s (%d > %d)" % (h, len(m), k - 2 * hlen - 2))
    lhash = hashlib.new(h, label).digest()
    db = lhash + b"\x00" * (k - len(m) - 2 * hlen - 2) + b"\x01" + m
    seed = stream.read(hlen)
    masked_db = _xor(db, mgf1(seed, k - hlen - 1, mgfh))
    masked_seed = _xor(seed, mgf1(masked_db, hlen, mgfh))
    return b"\x00" + masked_seed + masked_db


def encode(k: int, m: bytes, padding: str, seed: bytes, index: int, label: bytes = b"") -> bytes:
    kind, h, mgfh = parse_padding(padding)
    stream = Stream(seed, index)
    if kind == "pkcs1":
        if label:
            raise ValueError("a label is only meaningful for OAEP")
        return encode_pkcs1(k, m, stream)
    return encode_oaep(k, m, stream, h, mgfh, label)


def encrypt(n: int, e: int, m: bytes, padding: str, seed: bytes, index: int, label: bytes = b"") -> bytes:
    k = (n.bit_length() + 7) // 8
    em = encode(k, m, padding, seed, index, label)
    return pow(int.from_bytes(em, "big"), e, n).to_bytes(k, "big")


# --------------------------------------------------------------------------
# X-signature
# --------------------------------------------------------------------------

def nonce_hex(timestamp_ms: int) -> str:
    if timestamp_ms < 0:
        raise ValueError("timestamp must be non-negative")
    return format(timestamp_ms, "x")


def build_payload(session_token: str, timestamp_ms: int) -> str:
    return "session_token=%s&timestamp=%d&nonce=%s" % (
        session_token, timestamp_ms, nonce_hex(timestamp_ms))


def load_public_numbers(path: str):
    with open(path, "rb") as f:
        data = f.read()
    try:
        pub = load_pem_public_key(data)
    except ValueError:
        # Convenience: accept an unencrypted private key PEM as well.
        pub = load_pem_private_key(data, password=None).public_key()
    nums = pub.public_numbers()
    return nums.n, nums.e


def sign(key_path: str, padding: str, seed: bytes, index: int, session_token: str,
         timestamp_ms: int, label: bytes = b"") -> str:
    n, e = load_public_numbers(key_path)
    payload = build_payload(session_token, timestamp_ms).encode("utf-8")
    return base64.b64encode(encrypt(n, e, payload, padding, seed, index, label)).decode("ascii")


# --------------------------------------------------------------------------
# --check / --emit
# --------------------------------------------------------------------------

CASE_FIELDS = ("keyFile", "padding", "seed", "index", "sessionToken",
               "timestamp", "nonce", "payload", "signature")


def make_case(json_dir, key_path, padding, seed_hex, index, token, ts, label_hex=""):
    rel = os.path.relpath(os.path.abspath(key_path), os.path.abspath(json_dir))
    case = {
        "keyFile": rel.replace(os.sep, "/"),
        "padding": padding,
        "seed": seed_hex.lower(),
        "index": index,
        "sessionToken": token,
        "timestamp": ts,
        "nonce": nonce_hex(ts),
        "payload": build_payload(token, ts),
        "signature": sign(key_path, padding, bytes.fromhex(seed_hex), index, token, ts,
                          bytes.fromhex(label_hex)),
    }
    if label_hex:
        case["labelHex"] = label_hex.lower()
    return case


def check_case(json_dir, case):
    """Return a list of mismatch descriptions (empty if the case passes)."""
    missing = [f for f in CASE_FIELDS if f not in case]
    if missing:
        return ["missing fields %s" % ", ".join(missing)]
    ts = int(case["timestamp"])
    index = int(case["index"])
    key_path = os.path.join(json_dir, case["keyFile"])
    errors = []
    if case["nonce"] != nonce_hex(ts):
        errors.append("nonce %r != %r" % (case["nonce"], nonce_hex(ts)))
    payload = build_payload(case["sessionToken"], ts)
    if case["payload"] != payload:
        errors.append("payload %r != %r" % (case["payload"], payload))
    sig = sign(key_path, case["padding"], bytes.fromhex(case["seed"]), index,
               case["sessionToken"], ts, bytes.fromhex(case.get("labelHex", "")))
    if case["signature"] != sig:
        errors.append("signature differs; recomputed %s" % sig)
    return errors


def run_check(path, verbose=False):
    with open(path, "r", encoding="utf-8") as f:
        cases = json.load(f)
    if not isinstance(cases, list):
        print("%s: top level must be a JSON array" % path)
        return 1
    json_dir = os.path.dirname(os.path.abspath(path))
    passed = failed = 0
    for i, case in enumerate(cases):
        try:
            errors = check_case(json_dir, case)
        except Exception as exc:  # report and keep going
            errors = ["%s: %s" % (type(exc).__name__, exc)]
        label = "case %d (%s, %s, index %s)" % (
            i, case.get("keyFile"), case.get("padding"), case.get("index"))
        if errors:
            failed += 1
            for err in errors:
                print("FAIL %s: %s" % (label, err))
        else:
            passed += 1
            if verbose:
                print("ok   %s" % label)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not cases else 0


def run_emit(out, keys, paddings, seeds, indices, tokens, timestamps, label_hex):
    json_dir = os.path.dirname(os.path.abspath(out))
    cases = []
    for key, pad, seed, idx, tok, ts in itertools.product(
            keys, paddings, seeds, indices, tokens, timestamps):
        try:
            cases.append(make_case(json_dir, key, pad, seed, idx, tok, ts, label_hex))
        except ValueError as exc:
            print("skipped (%s, %s, seed %s, index %d, token %r, timestamp %d): %s"
                  % (key, pad, seed or '""', idx, tok, ts, exc), file=sys.stderr)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        json.dump(cases, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("wrote %d cases to %s" % (len(cases), out))
    return run_check(out)


# --------------------------------------------------------------------------
# --check-vectors: Wycheproof-format files (xsig vectors generate/convert-kat)
# --------------------------------------------------------------------------
#
# Independently of the Swift code, for every test of a Wycheproof RSA decryption
# file (schema rsaes_pkcs1_decrypt / rsaes_oaep_decrypt, v0 or v1):
#   - with "seed" and "index" (xsig's deterministic stream): encrypt msg with
#     this script's own padding code and pow(); the result must equal ct;
#   - with "ps" / "oaepSeed" (converted known answers): the same with the
#     published padding bytes;
#   - X-signature cases: payload, nonce and signature (Base64 of ct) recomputed
#     from sessionToken and timestamp per the spec;
#   - with the private exponent (n/e/d in the file): RSADP by pow() and an RFC
#     8017 decoder written here; a valid case must decode to msg, an invalid
#     one must fail, and when it carries one of xsig's check flags it must
#     fail exactly that check (the first failing one in RFC order).

WYCHEPROOF_HASHES = {"SHA-1": "sha1", "SHA-224": "sha224", "SHA-256": "sha256",
                     "SHA-384": "sha384", "SHA-512": "sha512"}

# xsig's invalid-case flags and the RFC 8017 check each one names.
FLAG_CHECKS = {
    "WrongCiphertextLength": "length",
    "CiphertextNotReduced": "range",
    "OaepFirstByteNotZero": "oaep-y",
    "OaepLHashMismatch": "oaep-lhash",
    "OaepNoSeparator": "oaep-separator",
    "OaepNonzeroPS": "oaep-separator",
    "Pkcs1FirstByteNotZero": "pkcs1-first",
    "Pkcs1WrongBlockType": "pkcs1-blocktype",
    "Pkcs1NoSeparator": "pkcs1-separator",
    "Pkcs1ShortPS": "pkcs1-pslength",
}


def bigint(text: str) -> int:
    return int(text, 16) if text else 0


def group_key(group):
    """(n, e, rsadp) for the group; rsadp(c) = c^d mod n, or None without a private key.

    n and e come from n/e (v0), privateKey (v1) or the encoded key; RSADP uses the
    CRT members of the encoded private key when there is one (p, q, dP, dQ, qInv),
    else d alone.
    """
    nums = None
    if group.get("privateKeyPkcs8") or group.get("privateKeyPem"):
        from cryptography.hazmat.primitives.serialization import load_der_private_key
        if group.get("privateKeyPkcs8"):
            key = load_der_private_key(bytes.fromhex(group["privateKeyPkcs8"]), password=None)
        else:
            key = load_pem_private_key(group["privateKeyPem"].encode("ascii"), password=None)
        nums = key.private_numbers()
    pk = group.get("privateKey") if isinstance(group.get("privateKey"), dict) else {}
    if group.get("n") and group.get("e"):
        n, e, d = bigint(group["n"]), bigint(group["e"]), bigint(group.get("d", ""))
    elif pk.get("modulus"):
        n, e, d = bigint(pk["modulus"]), bigint(pk["publicExponent"]), bigint(pk.get("privateExponent", ""))
    elif nums is not None:
        n, e, d = nums.public_numbers.n, nums.public_numbers.e, nums.d
    else:
        raise ValueError("the group has no key")
    if nums is not None:
        if (nums.public_numbers.n, nums.public_numbers.e) != (n, e):
            raise ValueError("n, e disagree with the encoded private key")
        p, q, dp, dq, qinv = nums.p, nums.q, nums.dmp1, nums.dmq1, nums.iqmp

        def rsadp(c):
            m1, m2 = pow(c, dp, p), pow(c, dq, q)
            return m2 + q * ((qinv * (m1 - m2)) % p)
        return n, e, rsadp
    if d:
        return n, e, lambda c: pow(c, d, n)
    return n, e, None


def group_padding(doc, group):
    """xsig's padding name for the group, or None when this script does not handle it."""
    if doc.get("algorithm") == "RSAES-PKCS1-v1_5" or group.get("type") == "RsaesPkcs1Decrypt":
        return "pkcs1"
    h = WYCHEPROOF_HASHES.get(group.get("sha", ""))
    m = WYCHEPROOF_HASHES.get(group.get("mgfSha", group.get("sha", "")))
    if group.get("mgf", "MGF1") != "MGF1" or not h or not m:
        return None
    return "oaep-%s" % h if h == m else "oaep-%s-mgf1%s" % (h, m)


def rfc8017_decode(k, em_int, ct_len, ct_int, n, padding, label):
    """(message, None) or (None, the first failing check) for RSADP output em_int."""
    if ct_len != k:
        return None, "length"
    if ct_int >= n:
        return None, "range"
    em = em_int.to_bytes(k, "big")
    kind, h, mgfh = parse_padding(padding)
    if kind == "pkcs1":
        if em[0] != 0:
            return None, "pkcs1-first"
        if em[1] != 2:
            return None, "pkcs1-blocktype"
        sep = em.find(b"\x00", 2)
        if sep < 0:
            return None, "pkcs1-separator"
        if sep - 2 < 8:
            return None, "pkcs1-pslength"
        return em[sep + 1:], None
    hlen = HASH_LEN[h]
    masked_seed, masked_db = em[1:1 + hlen], em[1 + hlen:]
    seed = _xor(masked_seed, mgf1(masked_db, hlen, mgfh))
    db = _xor(masked_db, mgf1(seed, k - hlen - 1, mgfh))
    if em[0] != 0:
        return None, "oaep-y"
    if db[:hlen] != hashlib.new(h, label).digest():
        return None, "oaep-lhash"
    rest = db[hlen:].lstrip(b"\x00")
    if not rest or rest[0] != 1:
        return None, "oaep-separator"
    return rest[1:], None


def check_vector_test(doc, group, test, n, e, rsadp, padding):
    errors = []
    k = (n.bit_length() + 7) // 8
    msg, ct = bytes.fromhex(test["msg"]), bytes.fromhex(test["ct"])
    label = bytes.fromhex(test.get("label", "") or "")
    done = []
    if test["result"] == "valid":
        if "seed" in test:
            seed = bytes.fromhex(test["seed"])
            got = encrypt(n, e, msg, padding, seed, int(test.get("index", 0)), label)
            done.append("reencrypted")
            if got != ct:
                errors.append("re-encryption from seed/index differs from ct")
        elif "ps" in test or "oaepSeed" in test:
            em = (b"\x00\x02" + bytes.fromhex(test["ps"]) + b"\x00" + msg if "ps" in test else None)
            if em is None:
                _, h, mgfh = parse_padding(padding)
                hlen = HASH_LEN[h]
                db = (hashlib.new(h, label).digest() + b"\x00" * (k - len(msg) - 2 * hlen - 2) + b"\x01" + msg)
                oseed = bytes.fromhex(test["oaepSeed"])
                masked_db = _xor(db, mgf1(oseed, k - hlen - 1, mgfh))
                em = b"\x00" + _xor(oseed, mgf1(masked_db, hlen, mgfh)) + masked_db
            done.append("reencrypted")
            if pow(int.from_bytes(em, "big"), e, n).to_bytes(k, "big") != ct:
                errors.append("re-encryption from ps/oaepSeed differs from ct")
    if "XSignature" in test.get("flags", []) or "signature" in test:
        token, ts = test["sessionToken"], int(test["timestamp"])
        payload = build_payload(token, ts)
        done.append("xsignature")
        if test["nonce"] != nonce_hex(ts):
            errors.append("nonce is not the lowercase hex of timestamp")
        if test["payload"] != payload or payload.encode("utf-8") != msg:
            errors.append("payload/msg differ from session_token=..&timestamp=..&nonce=..")
        if test["signature"] != base64.b64encode(ct).decode("ascii"):
            errors.append("signature is not the Base64 of ct")
    if rsadp is not None:
        ct_int = int.from_bytes(ct, "big")
        em_int = rsadp(ct_int) if len(ct) == k and ct_int < n else 0
        message, failed = rfc8017_decode(k, em_int, len(ct), ct_int, n, padding, label)
        done.append("decrypted")
        if test["result"] == "valid" and message != msg:
            errors.append("does not decrypt to msg (%s)" % (failed or "other message"))
        if test["result"] == "invalid":
            named = [FLAG_CHECKS[f] for f in test.get("flags", []) if f in FLAG_CHECKS]
            if message is not None:
                errors.append("invalid case decrypts")
            elif len(named) == 1 and failed != named[0]:
                errors.append("fails check %s, its flag names %s" % (failed, named[0]))
    return errors, done


def run_check_vectors(paths, sample=None):
    total_failed = 0
    for path in paths:
        with open(path, "r", encoding="utf-8") as f:
            doc = json.load(f)
        counts = {"tests": 0, "reencrypted": 0, "xsignature": 0, "decrypted": 0, "skipped": 0, "failed": 0}
        tests = [(g, t) for g in doc["testGroups"] for t in g["tests"]]
        if sample and len(tests) > sample:
            tests = [tests[i * len(tests) // sample] for i in range(sample)]
        keys = {}
        for group, test in tests:
            padding = group_padding(doc, group)
            if padding is None:
                counts["skipped"] += 1
                continue
            if id(group) not in keys:
                keys[id(group)] = group_key(group)
            n, e, rsadp = keys[id(group)]
            counts["tests"] += 1
            try:
                errors, done = check_vector_test(doc, group, test, n, e, rsadp, padding)
            except Exception as exc:  # report and keep going
                errors, done = ["%s: %s" % (type(exc).__name__, exc)], []
            for what in done:
                counts[what] += 1
            if errors:
                counts["failed"] += 1
                for err in errors:
                    print("FAIL %s tcId %s: %s" % (path, test.get("tcId"), err))
        print("%s: %d tests, %d re-encrypted, %d X-signatures, %d decrypted, %d skipped, %d failed"
              % (path, counts["tests"], counts["reencrypted"], counts["xsignature"], counts["decrypted"],
                 counts["skipped"], counts["failed"]))
        total_failed += counts["failed"]
        if counts["tests"] == 0:
            total_failed += 1
    return 1 if total_failed else 0


# --------------------------------------------------------------------------
# --self-test
# --------------------------------------------------------------------------

RFC8439_KEY = bytes(range(32))
RFC8439_2_3_2_NONCE = bytes.fromhex("000000090000004a00000000")
RFC8439_2_3_2_BLOCK = bytes.fromhex(
    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
    "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e")
RFC8439_2_4_2_NONCE = bytes.fromhex("000000000000004a00000000")
RFC8439_2_4_2_PLAINTEXT = (
    b"Ladies and Gentlemen of the class of '99: If I could offer you only "
    b"one tip for the future, sunscreen would be it.")
RFC8439_2_4_2_CIPHERTEXT = bytes.fromhex(
    "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
    "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
    "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
    "5af90bbf74a35be6b40b8eedf2785e42874d")


def _cryptography_xor(key, counter, nonce96, data):
    cipher = Cipher(algorithms.ChaCha20(key, cryptography_nonce(counter, nonce96)), mode=None)
    return cipher.encryptor().update(data)


def self_test():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding as cpad
    from cryptography.hazmat.primitives.asymmetric import rsa

    results = []

    def t(name, cond):
        results.append((name, bool(cond)))
        print("%s %s" % ("ok  " if cond else "FAIL", name))

    # RFC 8439 2.3.2: block function.
    t("RFC 8439 2.3.2 block (pure Python)",
      chacha20_block_py(RFC8439_KEY, 1, RFC8439_2_3_2_NONCE) == RFC8439_2_3_2_BLOCK)
    t("RFC 8439 2.3.2 block (cryptography, counter=1)",
      _cryptography_xor(RFC8439_KEY, 1, RFC8439_2_3_2_NONCE, bytes(64)) == RFC8439_2_3_2_BLOCK)
    # RFC 8439 2.4.2: encryption with initial counter 1.
    t("RFC 8439 2.4.2 sunscreen (cryptography, counter=1)",
      _cryptography_xor(RFC8439_KEY, 1, RFC8439_2_4_2_NONCE, RFC8439_2_4_2_PLAINTEXT)
      == RFC8439_2_4_2_CIPHERTEXT)
    t("RFC 8439 2.4.2 sunscreen (pure Python, counter=1)",
      _xor(keystream_py(RFC8439_KEY, RFC8439_2_4_2_NONCE, len(RFC8439_2_4_2_PLAINTEXT), 1),
           RFC8439_2_4_2_PLAINTEXT) == RFC8439_2_4_2_CIPHERTEXT)

    # The deterministic stream (counter 0, nonce 0^4 || BE64(i)) equals the
    # pure-Python keystream, across several blocks and for large indices.
    for seed, idx in ((b"", 0), (b"xsig", 1), (bytes(range(7)), 0x0102030405060708),
                      (b"\xff", (1 << 64) - 1)):
        st = Stream(seed, idx)
        got = st.read(10) + st.read(200)  # split reads must continue the stream
        want = keystream_py(chacha_key(seed), rfc8439_nonce(idx), 210, 0)
        t("stream seed=%s index=%d == pure-Python keystream" % (seed.hex() or '""', idx),
          got == want)
    t("nonce hex 1628496895102 -> 17b29fa9c7e", nonce_hex(1628496895102) == "17b29fa9c7e")
    t("payload format", build_payload("abc", 1628496895102)
      == "session_token=abc&timestamp=1628496895102&nonce=17b29fa9c7e")
    t("padding names", parse_padding("oaep-sha256-mgf1sha1") == ("oaep", "sha256", "sha1")
      and parse_padding("oaep-sha384") == ("oaep", "sha384", "sha384"))

    # Round trips with a throwaway key: our encryption, cryptography's decryption.
    priv = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pn = priv.public_key().public_numbers()
    d = priv.private_numbers().d
    k = (pn.n.bit_length() + 7) // 8
    chash = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
             "sha384": hashes.SHA384, "sha512": hashes.SHA512}
    msg = build_payload("tok-\u00e9-123", 1628496895102).encode("utf-8")
    paddings = ["pkcs1"] + ["oaep-%s" % h for h in HASHES] + [
        "oaep-sha256-mgf1sha1", "oaep-sha1-mgf1sha256", "oaep-sha512-mgf1sha224"]
    for pad in paddings:
        for seed, idx in ((b"seed", 0), (b"seed", 1), (bytes.fromhex("00ff"), 12345)):
            ct = encrypt(pn.n, pn.e, msg, pad, seed, idx)
            kind, h, mgfh = parse_padding(pad)
            if kind == "pkcs1":
                cp = cpad.PKCS1v15()
            else:
                cp = cpad.OAEP(mgf=cpad.MGF1(chash[mgfh]()), algorithm=chash[h](), label=None)
            ok = priv.decrypt(ct, cp) == msg
            # Independent check of the stream usage: raw-decrypt EM and compare
            # the PS / OAEP seed with the pure-Python keystream.
            em = pow(int.from_bytes(ct, "big"), d, pn.n).to_bytes(k, "big")
            ks = keystream_py(chacha_key(seed), rfc8439_nonce(idx), 1024, 0)
            if kind == "pkcs1":
                ps_len = k - len(msg) - 3
                ok = ok and em == b"\x00\x02" + bytes(b for b in ks if b)[:ps_len] + b"\x00" + msg
            else:
                hlen = HASH_LEN[h]
                masked_seed, masked_db = em[1:1 + hlen], em[1 + hlen:]
                ok = ok and _xor(masked_seed, mgf1(masked_db, hlen, mgfh)) == ks[:hlen]
            ok = ok and ct == encrypt(pn.n, pn.e, msg, pad, seed, idx)  # deterministic
            t("round trip %s seed=%s index=%d" % (pad, seed.hex(), idx), ok)
        t("%s: index changes ciphertext" % pad,
          encrypt(pn.n, pn.e, msg, pad, b"s", 0) != encrypt(pn.n, pn.e, msg, pad, b"s", 1))

    # OAEP with a label.
    label = b"xsig-label"
    ct = encrypt(pn.n, pn.e, msg, "oaep-sha256-mgf1sha1", b"s", 7, label)
    t("round trip oaep-sha256-mgf1sha1 with label",
      priv.decrypt(ct, cpad.OAEP(mgf=cpad.MGF1(hashes.SHA1()), algorithm=hashes.SHA256(),
                                 label=label)) == msg)

    # PKCS#1 v1.5 zero skipping: find a seed whose PS region of the stream
    # contains a zero byte and check it was skipped (not substituted).
    for s in range(10000):
        seed = s.to_bytes(2, "big")
        raw = Stream(seed, 0).read(k - len(msg) - 3)
        if 0 in raw:
            em = pow(int.from_bytes(encrypt(pn.n, pn.e, msg, "pkcs1", seed, 0), "big"),
                     d, pn.n).to_bytes(k, "big")
            want_prefix = bytes(b for b in raw if b)
            t("pkcs1 skips zero bytes (seed %s, zero at stream offset %d)"
              % (seed.hex(), raw.index(0)),
              em[2:2 + len(want_prefix)] == want_prefix and 0 not in em[2:k - len(msg) - 1])
            break
    else:
        t("found a seed with a zero byte in the PS region", False)

    # Message-too-long is rejected.
    try:
        encrypt(pn.n, pn.e, bytes(k - 2 * 64 - 1), "oaep-sha512", b"", 0)
        t("oaep-sha512 rejects mLen > k - 2hLen - 2", False)
    except ValueError:
        t("oaep-sha512 rejects mLen > k - 2hLen - 2", True)

    passed = sum(1 for _, ok in results if ok)
    failed = len(results) - passed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Reproduce xsig deterministic-mode X-signatures in Python.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring for the exact specification.")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--self-test", action="store_true", help="run built-in tests")
    mode.add_argument("--check", metavar="FILE.json", help="verify a JSON table of cases")
    mode.add_argument("--check-vectors", metavar="FILE.json", nargs="+",
                      help="verify Wycheproof-format files (xsig vectors generate / convert-kat)")
    mode.add_argument("--emit", metavar="OUT.json",
                      help="write a JSON table (Cartesian product of the lists given)")
    ap.add_argument("--key", action="append", default=[], help="PEM public key (repeatable with --emit)")
    ap.add_argument("--seed", action="append", default=[], help="seed as hex (repeatable with --emit)")
    ap.add_argument("--index", action="append", type=int, default=[], help="record index, default 0")
    ap.add_argument("--padding", action="append", default=[],
                    help="pkcs1 | oaep-<h> | oaep-<h>-mgf1<h2> (repeatable with --emit)")
    ap.add_argument("--session-token", action="append", default=[], help="session token")
    ap.add_argument("--timestamp", action="append", type=int, default=[], help="milliseconds")
    ap.add_argument("--label-hex", default="", help="OAEP label as hex (default empty)")
    ap.add_argument("-v", "--verbose", action="store_true", help="with --check: list passing cases")
    ap.add_argument("--sample", type=int, default=None,
                    help="with --check-vectors: check only this many tests per file, evenly spread")
    args = ap.parse_args(argv)

    if args.self_test:
        return self_test()
    if args.check:
        return run_check(args.check, args.verbose)
    if args.check_vectors:
        return run_check_vectors(args.check_vectors, args.sample)

    indices = args.index or [0]
    required = {"--key": args.key, "--seed": args.seed, "--padding": args.padding,
                "--session-token": args.session_token, "--timestamp": args.timestamp}
    missing = [name for name, v in required.items() if not v]
    if missing:
        ap.error("missing %s" % ", ".join(missing))
    for p in args.padding:
        try:
            parse_padding(p)
        except ValueError as exc:
            ap.error(str(exc))
    for h in args.seed + [args.label_hex]:
        try:
            bytes.fromhex(h)
        except ValueError:
            ap.error("not hex: %r" % h)
    if any(not 0 <= i < 1 << 64 for i in indices):
        ap.error("--index must be in 0 ..< 2**64")
    if any(ts < 0 for ts in args.timestamp):
        ap.error("--timestamp must be non-negative")
    if args.emit:
        return run_emit(args.emit, args.key, args.padding, args.seed, indices,
                        args.session_token, args.timestamp, args.label_hex)
    many = [name for name, v in list(required.items()) + [("--index", indices)] if len(v) > 1]
    if many:
        ap.error("%s given more than once (only allowed with --emit)" % ", ".join(many))
    print(sign(args.key[0], args.padding[0], bytes.fromhex(args.seed[0]), indices[0],
               args.session_token[0], args.timestamp[0], bytes.fromhex(args.label_hex)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
