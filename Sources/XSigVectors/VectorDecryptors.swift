import COpenSSL
import XSignature

/// What `vectors check` needs from a decryption backend: RSAES decryption with the generic
/// error, and, for xsig's own flagged cases, which RFC 8017 check a ciphertext fails.
protocol VectorDecryptor {
    func decrypt(_ ciphertext: [UInt8], padding: RSAEncryptionPadding, label: [UInt8]) throws -> [UInt8]
    /// The first failing check, nil when the ciphertext decrypts; nil-returning backends that
    /// cannot tell set ``explains`` to false.
    func explain(_ ciphertext: [UInt8], padding: RSAEncryptionPadding, label: [UInt8]) throws -> DecryptionCheck?
    var explains: Bool { get }
}

/// Both backends of xsig's ``RSADecryptor``: `gmp` (xsig's decoders on GMP, CRT and blinding) and
/// `openssl` (EVP_PKEY_decrypt with OpenSSL's own padding checks and PKCS#1 v1.5 implicit
/// rejection switched off, so that a bad padding is an explicit error on every OpenSSL version).
extension RSADecryptor: VectorDecryptor {
    var explains: Bool { true }
}

/// OpenSSL's EVP_PKEY_decrypt through ``OpenSSLKey`` alone, for keys that xsig's own key type
/// refuses (moduli under 1024 bits in upstream Wycheproof files). OpenSSL 3.2 and later answer a
/// bad PKCS#1 v1.5 padding with a synthetic message instead of an error ("implicit rejection");
/// the checker then counts "decrypts to something other than msg" as a rejection.
struct OpenSSLKeyDecryptor: VectorDecryptor {
    let key: OpenSSLKey

    func decrypt(_ ciphertext: [UInt8], padding: RSAEncryptionPadding, label: [UInt8]) throws -> [UInt8] {
        try key.decrypt(ciphertext, padding: padding, label: label)
    }

    func explain(_ ciphertext: [UInt8], padding: RSAEncryptionPadding, label: [UInt8]) throws -> DecryptionCheck? { nil }

    var explains: Bool { false }

    /// Whether this OpenSSL may return a synthetic message for bad PKCS#1 v1.5 padding.
    static var mayRejectImplicitly: Bool { OpenSSLVersion.number >= 0x3020_0000 }
}

/// The check each of xsig's invalid-case flags names, for ``RSADecryptor/explain(_:padding:label:)``.
enum FlagCheck {
    static let expected: [String: DecryptionCheck] = [
        "WrongCiphertextLength": .ciphertextLength,
        "CiphertextNotReduced": .ciphertextRange,
        "OaepFirstByteNotZero": .leadingOctet,
        "OaepLHashMismatch": .labelHash,
        "OaepNoSeparator": .oneSeparator,
        "OaepNonzeroPS": .oneSeparator,
        "Pkcs1FirstByteNotZero": .firstOctet,
        "Pkcs1WrongBlockType": .blockType,
        "Pkcs1NoSeparator": .separator,
        "Pkcs1ShortPS": .paddingStringLength,
    ]

    /// The check a case's flags name, when exactly one of them is one of xsig's.
    static func expectedCheck(flags: [String]) -> DecryptionCheck? {
        let named = flags.compactMap { expected[$0] }
        return named.count == 1 ? named[0] : nil
    }
}

/// The OpenSSL library xsig runs on (the runtime version, not the headers').
enum OpenSSLVersion {
    static var number: UInt { UInt(OpenSSL_version_num()) }
}

/// The lanes engine's answers for a whole group, computed up front with
/// ``RSADecryptor/decrypt(batch:padding:label:)`` (eight ciphertexts per pass, one batch per
/// label), then looked up per case. It does not explain rejections (gmp does that for the same
/// cases); a ciphertext it was not given is decrypted on its own.
final class PrecomputedDecryptor: VectorDecryptor {
    let decryptor: RSADecryptor
    private var answers: [[UInt8]: Result<[UInt8], XSigError>] = [:]

    init(_ decryptor: RSADecryptor, tests: [WycheproofTestCase], padding: RSAEncryptionPadding) {
        self.decryptor = decryptor
        var byLabel: [[UInt8]: [[UInt8]]] = [:]
        for test in tests {
            guard let ct = try? Hex.decode(test.ct), let label = try? Hex.decode(test.label ?? "") else { continue }
            byLabel[label, default: []].append(ct)
        }
        for (label, ciphertexts) in byLabel {
            for (ct, result) in zip(ciphertexts, decryptor.decrypt(batch: ciphertexts, padding: padding, label: label)) {
                answers[Self.key(ct, label)] = result
            }
        }
    }

    private static func key(_ ct: [UInt8], _ label: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: UInt64(ct.count).littleEndian) { Array($0) } + ct + label
    }

    func decrypt(_ ciphertext: [UInt8], padding: RSAEncryptionPadding, label: [UInt8]) throws -> [UInt8] {
        guard let answer = answers[Self.key(ciphertext, label)] else {
            return try decryptor.decrypt(ciphertext, padding: padding, label: label)
        }
        return try answer.get()
    }

    func explain(_ ciphertext: [UInt8], padding: RSAEncryptionPadding, label: [UInt8]) throws -> DecryptionCheck? { nil }

    var explains: Bool { false }
}
