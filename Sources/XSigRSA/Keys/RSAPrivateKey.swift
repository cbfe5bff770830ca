import SwiftASN1
import XSigBigInt

/// An RSA private key (RFC 8017 section 3.2): n, e, d and, usually, the CRT members p, q,
/// dp, dq, qInv. Validated once at construction; the members are kept in GMP integers, whose
/// storage is wiped when released, and never appear in messages, descriptions or mirrors.
///
/// Read one from any encoding with ``PrivateKeyDecoder`` (PKCS#8, PKCS#1, DER, JWK, encrypted
/// PKCS#8 with a passphrase), or build it from its members.
public struct RSAPrivateKey: Sendable {
    /// The CRT members of RFC 8017 3.2 (second representation, two primes).
    struct CRTMembers: Sendable {
        let p, q, dp, dq, qInv: GMPInteger
    }

    /// (n, e), checked with the same policy as any public key (size floor, odd modulus, e).
    public let publicKey: RSAPublicKey
    let d: GMPInteger
    let crt: CRTMembers?

    public var modulusBits: Int { publicKey.modulusBits }
    /// k, the length of n in octets: every ciphertext is exactly k octets.
    public var modulusOctets: Int { publicKey.modulusOctets }
    /// Whether the key carries p, q, dp, dq, qInv (else decryption uses d alone, about 4x slower).
    public var hasCRTParameters: Bool { crt != nil }

    /// Builds a key from big-endian members. The five CRT members come all together or not at
    /// all (empty, or all zero as some PKCS#1 writers store "absent").
    ///
    /// Checks: the public half as for any public key; 0 < d < n; with CRT members p * q = n,
    /// dp = d mod (p - 1), dq = d mod (q - 1), e * dp = 1 mod (p - 1), e * dq = 1 mod (q - 1),
    /// q * qInv = 1 mod p; without them a round trip (2^e)^d = 2 mod n. These run once, at load,
    /// with GMP's ordinary (not constant-time) functions.
    public init(modulus: [UInt8], publicExponent: [UInt8], privateExponent: [UInt8],
                prime1: [UInt8] = [], prime2: [UInt8] = [], exponent1: [UInt8] = [],
                exponent2: [UInt8] = [], coefficient: [UInt8] = [], policy: KeyPolicy = .standard) throws {
        let publicKey = try RSAPublicKey(modulus: modulus, publicExponent: publicExponent, policy: policy)
        let crtMembers = [prime1, prime2, exponent1, exponent2, coefficient].map { GMPInteger(bigEndian: $0) }
        let present = crtMembers.map { !$0.isZero }
        let crt: CRTMembers?
        if present.allSatisfy({ $0 }) {
            crt = CRTMembers(p: crtMembers[0], q: crtMembers[1], dp: crtMembers[2], dq: crtMembers[3], qInv: crtMembers[4])
        } else if present.contains(true) {
            let names = ["p", "q", "dp", "dq", "qInv"]
            let missing = zip(names, present).filter { !$0.1 }.map(\.0)
            throw XSigError(.invalidKey, "CRT parameters are incomplete (missing \(missing.joined(separator: ", "))); give all of p, q, dp, dq, qInv or none")
        } else {
            crt = nil
        }
        try self.init(publicKey: publicKey, d: GMPInteger(bigEndian: privateExponent), crt: crt)
    }

    /// The key pair OpenSSL holds (e.g. from ``OpenSSLKey/generateRSA(bits:publicExponent:)``),
    /// read through its members and validated like any other.
    public init(_ key: OpenSSLKey, policy: KeyPolicy = .standard) throws {
        var d = key.member("d")
        var crt = ["rsa-factor1", "rsa-factor2", "rsa-exponent1", "rsa-exponent2", "rsa-coefficient1"].map { key.member($0) }
        defer {
            for i in d.indices { d[i] = 0 }
            for j in crt.indices { for i in crt[j].indices { crt[j][i] = 0 } }
        }
        guard !d.isEmpty else { throw XSigError(.invalidKey, "the OpenSSL key has no private exponent (a public key)") }
        try self.init(modulus: key.member("n"), publicExponent: key.member("e"), privateExponent: d,
                      prime1: crt[0], prime2: crt[1], exponent1: crt[2], exponent2: crt[3], coefficient: crt[4], policy: policy)
    }

    init(publicKey: RSAPublicKey, d: GMPInteger, crt: CRTMembers?) throws {
        let n = publicKey.modulusInteger
        let e = publicKey.exponentInteger
        let one = GMPInteger(1)
        guard !d.isZero, d < n else {
            throw XSigError(.invalidKey, "private exponent d is zero or not smaller than the modulus")
        }
        if let crt {
            let (p, q) = (crt.p, crt.q)
            guard p > one, q > one, p * q == n else {
                throw XSigError(.invalidKey, "prime1 x prime2 is not the modulus (corrupt key or members from different keys)")
            }
            let (p1, q1) = (p - one, q - one)
            guard crt.dp == d.modulo(p1), crt.dq == d.modulo(q1) else {
                throw XSigError(.invalidKey, "CRT exponents do not match d (dp != d mod (p-1) or dq != d mod (q-1))")
            }
            guard (e * crt.dp).modulo(p1) == one, (e * crt.dq).modulo(q1) == one else {
                throw XSigError(.invalidKey, "private exponent does not invert the public exponent (e * d != 1 mod lcm(p-1, q-1))")
            }
            guard crt.qInv < p, (q * crt.qInv).modulo(p) == one else {
                throw XSigError(.invalidKey, "CRT coefficient is not q^-1 mod p")
            }
        } else {
            let two = GMPInteger(2)
            guard two.power(e, modulus: n).powerSecure(d, modulus: n) == two else {
                throw XSigError(.invalidKey, "private exponent does not invert the public exponent ((2^e)^d != 2 mod n)")
            }
        }
        self.publicKey = publicKey
        self.d = d
        self.crt = crt
    }

    /// The members as big-endian octets for a backend that needs them (OpenSSL). The caller
    /// wipes the arrays after use.
    func memberOctets() -> (n: [UInt8], e: [UInt8], d: [UInt8], p: [UInt8], q: [UInt8], dp: [UInt8], dq: [UInt8], qInv: [UInt8]) {
        (publicKey.modulus, publicKey.publicExponent, d.bigEndianBytes,
         crt?.p.bigEndianBytes ?? [], crt?.q.bigEndianBytes ?? [], crt?.dp.bigEndianBytes ?? [],
         crt?.dq.bigEndianBytes ?? [], crt?.qInv.bigEndianBytes ?? [])
    }

    /// ``memberOctets()`` for the duration of `body`; the secret members are wiped afterwards.
    func withMemberOctets<T>(_ body: ((n: [UInt8], e: [UInt8], d: [UInt8], p: [UInt8], q: [UInt8], dp: [UInt8], dq: [UInt8], qInv: [UInt8])) throws -> T) rethrows -> T {
        var m = memberOctets()
        defer {
            for i in m.d.indices { m.d[i] = 0 }
            for i in m.p.indices { m.p[i] = 0 }
            for i in m.q.indices { m.q[i] = 0 }
            for i in m.dp.indices { m.dp[i] = 0 }
            for i in m.dq.indices { m.dq[i] = 0 }
            for i in m.qInv.indices { m.qInv[i] = 0 }
        }
        return try body(m)
    }

    // MARK: - Encodings

    /// DER RSAPrivateKey of PKCS#1 (RFC 8017 A.1.2, version 0). Without CRT members they are
    /// written as zeros, the convention of writers that only know n, e, d.
    public var pkcs1DERRepresentation: [UInt8] {
        var m = memberOctets()
        defer { for i in m.d.indices { m.d[i] = 0 } }
        func integer(_ bytes: [UInt8]) -> ArraySlice<UInt8> { bytes.isEmpty ? [0] : bytes[...] }
        let structure = RSAPKCS1PrivateKey(members: [m.n, m.e, m.d, m.p, m.q, m.dp, m.dq, m.qInv].map(integer))
        var serializer = DER.Serializer()
        try! serializer.serialize(structure)
        return serializer.serializedBytes
    }

    /// DER PrivateKeyInfo of PKCS#8 (RFC 5208), algorithm rsaEncryption.
    public var pkcs8DERRepresentation: [UInt8] {
        let info = PrivateKeyInfo(version: 0, algorithm: .rsaEncryption, privateKey: ASN1OctetString(contentBytes: pkcs1DERRepresentation[...]))
        var serializer = DER.Serializer()
        try! serializer.serialize(info)
        return serializer.serializedBytes
    }

    /// PEM `PRIVATE KEY` (PKCS#8).
    public var pemRepresentation: String { PEMDocument(type: "PRIVATE KEY", derBytes: pkcs8DERRepresentation).pemString }

    /// PEM `RSA PRIVATE KEY` (PKCS#1).
    public var pkcs1PEMRepresentation: String { PEMDocument(type: "RSA PRIVATE KEY", derBytes: pkcs1DERRepresentation).pemString }
}

extension RSAPrivateKey: CustomStringConvertible, CustomReflectable {
    /// Public facts only: size, CRT or not, the public key's fingerprint.
    public var description: String {
        "RSAPrivateKey(\(modulusBits) bits, \(hasCRTParameters ? "CRT" : "no CRT members"), public sha256:\(publicKey.fingerprint))"
    }

    /// Keeps dump() and debuggers' summaries away from the secret members.
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey]) }
}
