#!/usr/bin/env python3
"""Convert the RSA Laboratories PKCS#1 encryption test vectors to .kat files.

Inputs (verbatim copies, see README.md for provenance):
  pkcs1v15crypt-vectors.txt  -> pkcs1v15.kat   (RSAES-PKCS1-v1_5)
  oaep-vect.txt              -> oaep-sha1.kat  (RSAES-OAEP, SHA-1, MGF1-SHA1)

Output format (one stanza per example, stanzas separated by one blank line,
lines starting with '#' are comments and only appear in the file header):

  Key = key1
  N = <modulus, hex>
  E = <public exponent, hex>
  D = <private exponent, hex>
  Msg = <message, hex>
  PS = <padding string, hex>      (pkcs1v15.kat)
  Seed = <OAEP seed, hex>         (oaep-sha1.kat)
  CT = <ciphertext, hex, k bytes>

All hex is lowercase without spaces; byte strings are reproduced exactly as
printed in the source files (no leading-zero stripping or padding).

Every example is verified before anything is written, independently of any
crypto library (Python 3 standard library only):
  * EM is rebuilt per RFC 8017 (v1.5: 00 02 PS 00 M;
    OAEP: lHash = SHA-1(""), DB = lHash || 00.. || 01 || M, MGF1-SHA1 masking),
  * pow(EM, e, n) == CT and pow(CT, d, n) == EM,
  * for v1.5: PS is nonzero and exactly k - mLen - 3 bytes long;
    for OAEP: the seed is exactly hLen = 20 bytes.
The written .kat files are then parsed back and verified again.

Usage: python3 convert.py            (writes the .kat files next to this script)
       python3 convert.py --check    (only re-verifies the existing .kat files)
"""

import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

V15_SRC = "pkcs1v15crypt-vectors.txt"
OAEP_SRC = "oaep-vect.txt"
V15_KAT = "pkcs1v15.kat"
OAEP_KAT = "oaep-sha1.kat"

SHA256 = {
    V15_SRC: "56489d946ad17b0b043812a06294e282d2b7ce095fd3f5899a7e8b60eaea7cba",
    OAEP_SRC: "abca68e5176027ac98af1a4100b73e06bf2b36054d3f13f6a10e2fe603e8af4f",
}

HEX_LINE = re.compile(r"^[0-9a-fA-F]{2}( [0-9a-fA-F]{2})*\s*$")


# --------------------------------------------------------------------------
# Parsing the RSA Labs text format
# --------------------------------------------------------------------------

def read_fields(path):
    """Yield (label, bytes) for every '# Label:' followed by hex lines, and
    ('#KEY', header) for every '# Example N: ...' key header."""
    with open(path, "rb") as f:
        lines = f.read().decode("ascii").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        m = re.match(r"^# Example (\d+): (.*)$", line)
        if m:
            yield ("#KEY", (int(m.group(1)), m.group(2).strip()))
            i += 1
            continue
        m = re.match(r"^# ([A-Za-z0-9 ]+):$", line)
        if m:
            label = m.group(1).strip()
            i += 1
            data = []
            while i < len(lines) and HEX_LINE.match(lines[i]):
                data.extend(lines[i].split())
                i += 1
            if data:
                yield (label, bytes.fromhex("".join(data)))
            continue
        i += 1


def parse(path, seed_label):
    """Return a list of keys: {num, desc, n, e, d, examples: [(msg, seed, ct)]}.

    The public-key section lists 'Modulus' and 'Exponent' (= e); the
    private-key section lists 'Modulus', 'Public exponent', 'Exponent' (= d),
    primes, CRT exponents and coefficient.  Examples follow as
    'Message' / <seed_label> / 'Encryption' triples.
    """
    keys = []
    key = None
    section = None  # "pub" or "priv"
    pending = {}
    for label, value in read_fields(path):
        if label == "#KEY":
            key = {"num": value[0], "desc": value[1], "examples": []}
            keys.append(key)
            section = "pub"
            continue
        if key is None:
            continue
        if label == "Modulus":
            if "n" in key:
                if key["n"] != value:
                    raise ValueError("key %d: public/private modulus differ" % key["num"])
                section = "priv"
            else:
                key["n"] = value
        elif label == "Exponent":
            if section == "pub":
                key["e"] = value
            else:
                key["d"] = value
        elif label == "Public exponent":
            if value != key["e"]:
                raise ValueError("key %d: public exponent mismatch" % key["num"])
        elif label in ("Prime 1", "Prime 2", "Prime exponent 1",
                       "Prime exponent 2", "Coefficient"):
            key[label] = value
        elif label == "Message":
            if pending:
                raise ValueError("key %d: incomplete example" % key["num"])
            pending = {"msg": value}
        elif label == seed_label:
            pending["seed"] = value
        elif label == "Encryption":
            if set(pending) != {"msg", "seed"}:
                raise ValueError("key %d: incomplete example" % key["num"])
            key["examples"].append((pending["msg"], pending["seed"], value))
            pending = {}
        else:
            raise ValueError("unexpected field %r in %s" % (label, path))
    if pending:
        raise ValueError("trailing incomplete example in %s" % path)
    return keys


# --------------------------------------------------------------------------
# RFC 8017 encoding (independent of any crypto library)
# --------------------------------------------------------------------------

def i2osp(x, length):
    return x.to_bytes(length, "big")


def os2ip(b):
    return int.from_bytes(b, "big")


def mgf1(seed, length, hashname):
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.new(hashname, seed + i2osp(counter, 4)).digest()
        counter += 1
    return out[:length]


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def em_pkcs1v15(k, msg, ps):
    if len(ps) != k - len(msg) - 3:
        raise ValueError("PS length %d != k - mLen - 3 = %d" % (len(ps), k - len(msg) - 3))
    if len(ps) < 8:
        raise ValueError("PS shorter than 8 bytes")
    if 0 in ps:
        raise ValueError("PS contains a zero byte")
    return b"\x00\x02" + ps + b"\x00" + msg


def em_oaep(k, msg, seed, hashname="sha1", mgfhash="sha1", label=b""):
    lhash = hashlib.new(hashname, label).digest()
    hlen = len(lhash)
    if len(seed) != hlen:
        raise ValueError("seed length %d != hLen %d" % (len(seed), hlen))
    if len(msg) > k - 2 * hlen - 2:
        raise ValueError("message too long")
    ps = b"\x00" * (k - len(msg) - 2 * hlen - 2)
    db = lhash + ps + b"\x01" + msg
    masked_db = xor(db, mgf1(seed, k - hlen - 1, mgfhash))
    masked_seed = xor(seed, mgf1(masked_db, hlen, mgfhash))
    return b"\x00" + masked_seed + masked_db


def verify(kind, n, e, d, msg, seed, ct):
    """Raise on any mismatch.  kind is 'pkcs1v15' or 'oaep-sha1'."""
    k = (n.bit_length() + 7) // 8
    if len(ct) != k:
        raise ValueError("CT length %d != k %d" % (len(ct), k))
    if kind == "pkcs1v15":
        em = em_pkcs1v15(k, msg, seed)
    else:
        em = em_oaep(k, msg, seed)
    if len(em) != k:
        raise ValueError("EM length")
    if i2osp(pow(os2ip(em), e, n), k) != ct:
        raise ValueError("EM^e mod n != CT")
    if i2osp(pow(os2ip(ct), d, n), k) != em:
        raise ValueError("CT^d mod n != EM")


def verify_key(key):
    n, e, d = os2ip(key["n"]), os2ip(key["e"]), os2ip(key["d"])
    p, q = os2ip(key["Prime 1"]), os2ip(key["Prime 2"])
    if p * q != n:
        raise ValueError("key %d: p*q != n" % key["num"])
    if (e * d) % ((p - 1) * (q - 1) // _gcd(p - 1, q - 1)) != 1:
        raise ValueError("key %d: e*d != 1 mod lambda(n)" % key["num"])
    if n.bit_length() != int(key["desc"].split("-bit")[0].split()[-1]):
        raise ValueError("key %d: bit length does not match header" % key["num"])


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


# --------------------------------------------------------------------------
# .kat writing / reading
# --------------------------------------------------------------------------

def header_v15(keys):
    sizes = ", ".join("key%d=%d" % (k["num"], os2ip(k["n"]).bit_length()) for k in keys)
    total = sum(len(k["examples"]) for k in keys)
    return [
        "# RSAES-PKCS1-v1_5 encryption known-answer tests (RFC 8017 section 7.2).",
        "# Source: RSA Laboratories PKCS#1 v1.5 encryption test vectors",
        "# (pkcs1v15crypt-vectors.txt), as shipped verbatim in the PyPI package",
        "# cryptography-vectors 50.0.2 at cryptography_vectors/asymmetric/RSA/",
        "# pkcs1v15crypt-vectors.txt (sha256 %s)." % SHA256[V15_SRC],
        "# Generated by convert.py in this directory; do not edit by hand.",
        "#",
        "# %d keys, %d examples. Stanza j of key i is RSA Labs Example i.j." % (len(keys), total),
        "# Key sizes (bits): %s." % sizes,
        "# PS is the 'Seed' field of the source file: the nonzero padding string,",
        "# exactly k - len(Msg) - 3 bytes (k = byte length of N).",
        "# EM = 00 || 02 || PS || 00 || Msg;  CT = I2OSP(EM^E mod N, k);  EM = CT^D mod N.",
        "# Fields: Key, N, E, D, Msg, PS, CT. Hex is lowercase, no spaces.",
    ]


def header_oaep(keys):
    sizes = ", ".join("key%d=%d" % (k["num"], os2ip(k["n"]).bit_length()) for k in keys)
    total = sum(len(k["examples"]) for k in keys)
    return [
        "# RSAES-OAEP encryption known-answer tests (RFC 8017 section 7.1),",
        "# hash SHA-1, MGF1 with SHA-1, empty label.",
        "# Source: RSA Laboratories PKCS#1 v2.1 draft 2 test vectors",
        "# (pkcs-1v2-1d2-vec.zip, oaep-vect.txt), as shipped verbatim in the PyPI",
        "# package cryptography-vectors 50.0.2 at cryptography_vectors/asymmetric/",
        "# RSA/pkcs-1v2-1d2-vec/oaep-vect.txt (sha256 %s)." % SHA256[OAEP_SRC],
        "# Generated by convert.py in this directory; do not edit by hand.",
        "#",
        "# %d keys, %d examples. Stanza j of key i is RSA Labs OAEP Example i.j." % (len(keys), total),
        "# Key sizes (bits): %s." % sizes,
        "# Seed is the 20-byte OAEP seed. CT = I2OSP(EM^E mod N, k); EM = CT^D mod N.",
        "# Fields: Key, N, E, D, Msg, Seed, CT. Hex is lowercase, no spaces.",
    ]


def render(header, keys, seed_field):
    out = list(header)
    for key in keys:
        for msg, seed, ct in key["examples"]:
            out.append("")
            out.append("Key = key%d" % key["num"])
            out.append("N = " + key["n"].hex())
            out.append("E = " + key["e"].hex())
            out.append("D = " + key["d"].hex())
            out.append("Msg = " + msg.hex())
            out.append("%s = %s" % (seed_field, seed.hex()))
            out.append("CT = " + ct.hex())
    return "\n".join(out) + "\n"


def read_kat(path):
    """Parse a .kat file into a list of dicts (field name -> string)."""
    stanzas, cur = [], {}
    with open(path, "r", encoding="ascii", newline="") as f:
        text = f.read()
    if "\r" in text:
        raise ValueError("%s: unexpected CR" % path)
    for line in text.split("\n"):
        if line.startswith("#"):
            continue
        if line == "":
            if cur:
                stanzas.append(cur)
                cur = {}
            continue
        name, sep, value = line.partition(" = ")
        if not sep or name in cur:
            raise ValueError("%s: bad line %r" % (path, line))
        if not re.fullmatch(r"(?:[0-9a-f]{2})*", value) and name != "Key":
            raise ValueError("%s: bad hex in %r" % (path, line))
        cur[name] = value
    if cur:
        stanzas.append(cur)
    return stanzas


def check_kat(path, kind):
    seed_field = "PS" if kind == "pkcs1v15" else "Seed"
    want = ["Key", "N", "E", "D", "Msg", seed_field, "CT"]
    stanzas = read_kat(path)
    keys = set()
    for s in stanzas:
        if list(s) != want:
            raise ValueError("%s: fields %r != %r" % (path, list(s), want))
        keys.add(s["Key"])
        h = {f: bytes.fromhex(s[f]) for f in want[1:]}
        verify(kind, os2ip(h["N"]), os2ip(h["E"]), os2ip(h["D"]), h["Msg"], h[seed_field], h["CT"])
    return len(keys), len(stanzas)


# --------------------------------------------------------------------------

def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def convert(src, dst, kind):
    src_path = os.path.join(HERE, src)
    got = sha256_file(src_path)
    if got != SHA256[src]:
        raise SystemExit("%s: sha256 %s, expected %s" % (src, got, SHA256[src]))
    keys = parse(src_path, "Seed")
    v15_short_ps = 0
    for key in keys:
        verify_key(key)
        n, e, d = os2ip(key["n"]), os2ip(key["e"]), os2ip(key["d"])
        k = (n.bit_length() + 7) // 8
        for j, (msg, seed, ct) in enumerate(key["examples"], 1):
            try:
                verify(kind, n, e, d, msg, seed, ct)
            except ValueError as exc:
                raise SystemExit("%s example %d.%d: %s" % (src, key["num"], j, exc))
            if kind == "pkcs1v15" and len(seed) != k - len(msg) - 3:
                v15_short_ps += 1
    header = header_v15(keys) if kind == "pkcs1v15" else header_oaep(keys)
    text = render(header, keys, "PS" if kind == "pkcs1v15" else "Seed")
    with open(os.path.join(HERE, dst), "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    nkeys = len(keys)
    nex = sum(len(k["examples"]) for k in keys)
    print("%s: %d keys, %d examples verified (EM rebuilt, EM^e == CT, CT^d == EM) -> %s"
          % (src, nkeys, nex, dst))
    return nkeys, nex


def main(argv):
    if "--check" not in argv:
        convert(V15_SRC, V15_KAT, "pkcs1v15")
        convert(OAEP_SRC, OAEP_KAT, "oaep-sha1")
    failed = False
    for dst, kind in ((V15_KAT, "pkcs1v15"), (OAEP_KAT, "oaep-sha1")):
        try:
            nkeys, nex = check_kat(os.path.join(HERE, dst), kind)
            print("%s: %d keys, %d stanzas re-parsed and verified (sha256 %s)"
                  % (dst, nkeys, nex, sha256_file(os.path.join(HERE, dst))))
        except (ValueError, OSError) as exc:
            print("%s: FAILED: %s" % (dst, exc))
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
