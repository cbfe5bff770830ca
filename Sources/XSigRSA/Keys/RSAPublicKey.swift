import SwiftASN1
import XSigBigInt

/// What key sizes xsig accepts. Under 2048 bits only with the explicit opt-in (for test vectors).
public struct KeyPolicy: Sendable, Hashable {
    /// NIST SP 800-131A: RSA under 2048 bits is disallowed for encryption.
    public static let minimumBits = 2048
    /// The floor even with `allowWeakKey`: the RSA Laboratories vectors use 1024-bit keys.
    public static let weakMinimumBits = 1024
    /// OpenSSL's own limit (OPENSSL_RSA_MAX_MODULUS_BITS).
    public static let maximumBits = 16384
    /// Exponents above this many bits are refused. Real keys use 3, 17 or 65537 (FIPS 186-5 requires
    /// e < 2^256; Windows CryptoAPI stores e in 32 bits) and OpenSSL refuses e over 64 bits above
    /// 3072-bit moduli. Encryption costs one modular squaring per bit of e, so an exponent of
    /// thousands of bits (up to 16383 with a 16384-bit modulus) makes every signature up to
    /// ~1000x slower than e = 65537: a denial of service for a batch. 1024 bits bounds that at
    /// ~60x and still admits the 1000-bit exponents the engine cross-checks against OpenSSL.
    public static let maximumExponentBits = 1024

    public var allowWeakKey: Bool

    public init(allowWeakKey: Bool = false) { self.allowWeakKey = allowWeakKey }

    public static let standard = KeyPolicy()
    public static let allowingWeakKeys = KeyPolicy(allowWeakKey: true)
}

/// An RSA public key (n, e), validated once at construction.
///
/// Build one from any encoding with ``PublicKeyDecoder`` (PEM, DER, Base64, JSON, JWK,
/// certificate), or from the members directly.
public struct RSAPublicKey: Sendable, Hashable {
    /// n as minimal big-endian octets.
    public let modulus: [UInt8]
    /// e as minimal big-endian octets.
    public let publicExponent: [UInt8]
    /// The exact bit length of n (1025 for a 1025-bit key).
    public let modulusBits: Int

    /// k, the length of n in octets: every ciphertext is exactly k octets.
    public var modulusOctets: Int { (modulusBits + 7) / 8 }

    // GMP stays behind the package boundary: library users see octets and strings only.
    package var modulusInteger: GMPInteger { GMPInteger(bigEndian: modulus) }
    package var exponentInteger: GMPInteger { GMPInteger(bigEndian: publicExponent) }

    /// e in decimal ("65537").
    public var publicExponentDecimal: String { exponentInteger.description }
    /// The bit length of e (17 for 65537).
    public var publicExponentBits: Int { exponentInteger.bitWidth }

    public init<N: Collection, E: Collection>(modulus: N, publicExponent: E, policy: KeyPolicy = .standard) throws
    where N.Element == UInt8, E.Element == UInt8 {
        let n = Array(modulus.drop(while: { $0 == 0 }))
        let e = Array(publicExponent.drop(while: { $0 == 0 }))
        let nInt = GMPInteger(bigEndian: n)
        let eInt = GMPInteger(bigEndian: e)
        let bits = nInt.bitWidth
        guard bits <= KeyPolicy.maximumBits else {
            throw XSigError(.invalidKey, "modulus of \(bits) bits is over the \(KeyPolicy.maximumBits)-bit limit")
        }
        guard nInt.isOdd else {
            throw XSigError(.invalidKey, "modulus is even (\(bits) bits); an RSA modulus is a product of two odd primes")
        }
        guard bits >= KeyPolicy.weakMinimumBits else {
            throw XSigError(.weakKey, "modulus of \(bits) bits is under the \(KeyPolicy.weakMinimumBits)-bit floor")
        }
        guard bits >= KeyPolicy.minimumBits || policy.allowWeakKey else {
            throw XSigError(.weakKey,
                "modulus of \(bits) bits is under \(KeyPolicy.minimumBits) bits; pass --allow-weak-key to use it anyway (test vectors only)")
        }
        guard eInt.isOdd, eInt >= GMPInteger(3) else {
            throw XSigError(.invalidKey, "public exponent \(eInt.bitWidth <= 64 ? eInt.description : "of \(eInt.bitWidth) bits") must be odd and at least 3")
        }
        guard eInt < nInt else {
            throw XSigError(.invalidKey, "public exponent is not smaller than the modulus")
        }
        guard eInt.bitWidth <= KeyPolicy.maximumExponentBits else {
            throw XSigError(.invalidKey, "public exponent of \(eInt.bitWidth) bits is over the \(KeyPolicy.maximumExponentBits)-bit limit")
        }
        self.modulus = n
        self.publicExponent = e
        self.modulusBits = bits
    }

    /// Reads any supported encoding (see ``PublicKeyDecoder``).
    public init(pemRepresentation: String, policy: KeyPolicy = .standard) throws {
        self = try PublicKeyDecoder(policy: policy).decode(Array(pemRepresentation.utf8)).key
    }

    public init(derRepresentation: [UInt8], policy: KeyPolicy = .standard) throws {
        self = try PublicKeyDecoder(policy: policy).decode(derRepresentation).key
    }

    /// DER SubjectPublicKeyInfo (the `BEGIN PUBLIC KEY` form, Java's `getEncoded()`).
    public var derRepresentation: [UInt8] {
        var serializer = DER.Serializer()
        let spki = SubjectPublicKeyInfo(algorithm: .rsaEncryption,
                                        subjectPublicKey: ASN1BitString(bytes: pkcs1DERRepresentation[...]))
        try! serializer.serialize(spki)
        return serializer.serializedBytes
    }

    /// DER RSAPublicKey of PKCS#1 (the `BEGIN RSA PUBLIC KEY` form).
    public var pkcs1DERRepresentation: [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.serialize(RSAPKCS1PublicKey(modulus: modulus[...], publicExponent: publicExponent[...]))
        return serializer.serializedBytes
    }

    public var pemRepresentation: String { PEMDocument(type: "PUBLIC KEY", derBytes: derRepresentation).pemString + "\n" }

    public var pkcs1PEMRepresentation: String {
        PEMDocument(type: "RSA PUBLIC KEY", derBytes: pkcs1DERRepresentation).pemString + "\n"
    }

    /// The public fingerprint: SHA-256 of the SubjectPublicKeyInfo DER in lowercase hex (64
    /// digits), the value `openssl pkey -pubin -outform DER | sha256sum` prints.
    public var fingerprint: String {
        DigestAlgorithm.sha256.hash(derRepresentation).map { String(format2: $0) }.joined()
    }
}

extension String {
    /// Two lowercase hex digits.
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef".utf8)
        self = String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
    }
}
