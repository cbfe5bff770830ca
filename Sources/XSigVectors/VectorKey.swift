import XSigBigInt
import XSignature

/// An RSA key pair of the test vectors with every member and encoding the files carry.
/// PUBLIC TEST MATERIAL: its private half is published with the vectors.
public struct VectorKey: @unchecked Sendable {
    public let n: [UInt8]
    public let e: [UInt8]
    public let d: [UInt8]
    public let p: [UInt8]
    public let q: [UInt8]
    public let bits: Int
    public let openSSLKey: OpenSSLKey
    public let publicKey: RSAPublicKey
    /// PKCS#8 `PRIVATE KEY` PEM and DER, SubjectPublicKeyInfo `PUBLIC KEY` PEM, as OpenSSL writes them.
    public let privateKeyPEM: String
    public let privateKeyPKCS8: [UInt8]
    public let publicKeyPEM: String

    /// k, the modulus length in octets.
    public var modulusOctets: Int { (bits + 7) / 8 }

    /// Builds the key in OpenSSL from its members and checks that OpenSSL reads back the same
    /// n and e from the PKCS#8 it writes.
    public init(openSSLKey key: OpenSSLKey) throws {
        n = key.member("n")
        e = key.member("e")
        d = key.member("d")
        p = key.member("rsa-factor1")
        q = key.member("rsa-factor2")
        guard !n.isEmpty, !e.isEmpty, !d.isEmpty else {
            throw XSigError(.invalidKey, "not an RSA private key (n, e and d are needed)")
        }
        openSSLKey = key
        publicKey = try key.publicKey(policy: .allowingWeakKeys)
        bits = publicKey.modulusBits
        privateKeyPEM = try key.pem(privateKey: true)
        privateKeyPKCS8 = try key.der(privateKey: true)
        publicKeyPEM = try key.pem(privateKey: false)
        let reread = try OpenSSLKey.fromDER(privateKeyPKCS8, isPrivate: true)
        guard reread.member("n") == n, reread.member("e") == e, reread.member("d") == d else {
            throw XSigError(.invalidKey, "OpenSSL does not read back the key it wrote")
        }
    }

    /// A key pair from all eight members (minimal big-endian octets).
    public init(n: [UInt8], e: [UInt8], d: [UInt8], p: [UInt8], q: [UInt8], dp: [UInt8], dq: [UInt8], qInv: [UInt8]) throws {
        try self.init(openSSLKey: try OpenSSLKey.fromMembers(n: n, e: e, d: d, p: p, q: q, dp: dp, dq: dq, qInv: qInv))
    }

    /// A key pair from n, e and d alone: the primes are recovered from d (see
    /// ``NumberTheory/factorModulus(n:e:d:)``) so that the PKCS#8 form is complete.
    public init(n: [UInt8], e: [UInt8], d: [UInt8]) throws {
        let nInt = GMPInteger(bigEndian: n), eInt = GMPInteger(bigEndian: e), dInt = GMPInteger(bigEndian: d)
        guard let (p, q) = NumberTheory.factorModulus(n: nInt, e: eInt, d: dInt) else {
            throw XSigError(.invalidKey, "n, e, d are not an RSA key: d does not factor n")
        }
        try self.init(members: DeterministicKeyGenerator.members(p: p, q: q, e: eInt, d: dInt))
    }

    init(members m: DeterministicKeyGenerator.Members) throws {
        try self.init(n: m.n.bigEndianBytes, e: m.e.bigEndianBytes, d: m.d.bigEndianBytes, p: m.p.bigEndianBytes,
                      q: m.q.bigEndianBytes, dp: m.dp.bigEndianBytes, dq: m.dq.bigEndianBytes, qInv: m.qInv.bigEndianBytes)
    }

    /// Reads a private key, PEM (PKCS#8 or PKCS#1).
    public init(privateKeyPEM text: String) throws {
        try self.init(openSSLKey: try OpenSSLKey.fromPEM(text, isPrivate: true))
    }
}
