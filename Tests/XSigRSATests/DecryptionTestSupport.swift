import Foundation
import XCTest
import XSigBigInt
@testable import XSigRSA

/// Private keys for the decryption tests, from the shared OpenSSL key cache (one keygen per
/// size and exponent per run).
enum DecryptionKeys {
    static func privateKey(bits: Int, e: [UInt8] = TestKeys.e65537) throws -> RSAPrivateKey {
        try RSAPrivateKey(TestKeys.pair(bits: bits, e: e), policy: .allowingWeakKeys)
    }

    /// The same key without its CRT members (n, e, d only).
    static func withoutCRT(_ key: RSAPrivateKey) throws -> RSAPrivateKey {
        let m = key.memberOctets()
        return try RSAPrivateKey(modulus: m.n, publicExponent: m.e, privateExponent: m.d, policy: .allowingWeakKeys)
    }
}

/// One deliberately invalid ciphertext and the RFC 8017 check it must fail.
struct InvalidCiphertextCase {
    let name: String
    let ciphertext: [UInt8]
    let label: [UInt8]
    let expected: DecryptionCheck
}

/// Builds invalid ciphertexts by writing a broken encoded message EM and applying RSAEP
/// (xsig's raw public operation): each case breaks exactly one check of RFC 8017 7.1.2 / 7.2.2.
enum InvalidCiphertexts {
    static let message = Array("xsig invalid suite".utf8)

    static func cases(padding: RSAEncryptionPadding, key: RSAPublicKey) throws -> [InvalidCiphertextCase] {
        let k = key.modulusOctets
        let encryptor = try RSAEncryptor(key: key)
        func encrypt(_ em: [UInt8]) throws -> [UInt8] {
            precondition(em.count == k)
            return try encryptor.rawEncrypt(em)
        }
        let valid = try encryptor.encrypt(message, padding: padding)
        // Checks on public data, common to both paddings.
        var cases = [
            InvalidCiphertextCase(name: "ciphertext one octet short", ciphertext: Array(valid.dropLast()), label: [], expected: .ciphertextLength),
            InvalidCiphertextCase(name: "ciphertext one octet long", ciphertext: [0] + valid, label: [], expected: .ciphertextLength),
            InvalidCiphertextCase(name: "empty ciphertext", ciphertext: [], label: [], expected: .ciphertextLength),
            InvalidCiphertextCase(name: "c = n", ciphertext: key.modulus, label: [], expected: .ciphertextRange),
            InvalidCiphertextCase(name: "c > n (all 0xff)", ciphertext: [UInt8](repeating: 0xff, count: k), label: [], expected: .ciphertextRange),
        ]
        if padding.isOAEP {
            let hash = padding.oaepHash!, mgf1 = padding.mgf1Hash!
            let hLen = hash.outputLength
            let seed = (0..<hLen).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let lHash = hash.hash([UInt8]())
            let zeros = [UInt8](repeating: 0, count: k - 2 * hLen - 2 - message.count)
            let good = lHash + zeros + [0x01] + message
            var leading = oaepEM(db: good, seed: seed, mgf1: mgf1)
            leading[0] = 0x01
            cases += [
                InvalidCiphertextCase(name: "Y = 0x01", ciphertext: try encrypt(leading), label: [], expected: .leadingOctet),
                InvalidCiphertextCase(name: "encrypted under label 'other', decrypted with none",
                                      ciphertext: try encryptor.encrypt(message, padding: padding, label: Array("other".utf8)),
                                      label: [], expected: .labelHash),
                InvalidCiphertextCase(name: "lHash' with one bit flipped",
                                      ciphertext: try encrypt(oaepEM(db: flip(good, at: hLen / 2), seed: seed, mgf1: mgf1)),
                                      label: [], expected: .labelHash),
                InvalidCiphertextCase(name: "DB without 0x01 (all zero after lHash')",
                                      ciphertext: try encrypt(oaepEM(db: lHash + [UInt8](repeating: 0, count: k - 2 * hLen - 1), seed: seed, mgf1: mgf1)),
                                      label: [], expected: .oneSeparator),
                InvalidCiphertextCase(name: "0x02 where 0x01 belongs",
                                      ciphertext: try encrypt(oaepEM(db: lHash + zeros + [0x02] + message, seed: seed, mgf1: mgf1)),
                                      label: [], expected: .oneSeparator),
                InvalidCiphertextCase(name: "Y = 0x01 and wrong label: the first check in RFC order is reported",
                                      ciphertext: try encrypt(leading), label: Array("x".utf8), expected: .leadingOctet),
            ]
        } else {
            let ps = (0..<(k - 3 - message.count)).map { UInt8(1 + ($0 * 7) % 254) }
            let good = [0x00, 0x02] + ps + [0x00] + message
            var first = good
            first[0] = 0x01
            var typeOne = good
            typeOne[1] = 0x01
            var typeZero = good
            typeZero[1] = 0x00
            let noSeparator = [0x00, 0x02] + (0..<(k - 2)).map { UInt8(1 + ($0 * 5) % 254) }
            let shortPS = [0x00, 0x02] + ps.prefix(7) + [0x00] + [UInt8](repeating: 0x41, count: k - 10)
            let emptyPS = [0x00, 0x02, 0x00] + [UInt8](repeating: 0x41, count: k - 3)
            cases += [
                InvalidCiphertextCase(name: "first octet 0x01", ciphertext: try encrypt(first), label: [], expected: .firstOctet),
                InvalidCiphertextCase(name: "block type 0x01 (a signature block)", ciphertext: try encrypt(typeOne), label: [], expected: .blockType),
                InvalidCiphertextCase(name: "block type 0x00", ciphertext: try encrypt(typeZero), label: [], expected: .blockType),
                InvalidCiphertextCase(name: "c = 0", ciphertext: [UInt8](repeating: 0, count: k), label: [], expected: .blockType),
                InvalidCiphertextCase(name: "no 0x00 separator", ciphertext: try encrypt(noSeparator), label: [], expected: .separator),
                InvalidCiphertextCase(name: "PS of 7 octets", ciphertext: try encrypt(shortPS), label: [], expected: .paddingStringLength),
                InvalidCiphertextCase(name: "PS of 0 octets", ciphertext: try encrypt(emptyPS), label: [], expected: .paddingStringLength),
            ]
        }
        return cases
    }

    /// EM = 0x00 || (seed xor MGF(maskedDB)) || (DB xor MGF(seed)), for any DB.
    static func oaepEM(db: [UInt8], seed: [UInt8], mgf1: DigestAlgorithm) -> [UInt8] {
        var maskedDB = db
        var maskedSeed = seed
        seed.withUnsafeBytes { s in maskedDB.withUnsafeMutableBytes { OAEP.mgf1XOR(seed: s, hash: mgf1, into: $0) } }
        maskedDB.withUnsafeBytes { d in maskedSeed.withUnsafeMutableBytes { OAEP.mgf1XOR(seed: d, hash: mgf1, into: $0) } }
        return [0x00] + maskedSeed + maskedDB
    }

    static func flip(_ bytes: [UInt8], at index: Int) -> [UInt8] {
        var copy = bytes
        copy[index] ^= 0x01
        return copy
    }
}

/// Asserts the one generic error and nothing more specific.
func assertGenericDecryptionError(_ body: @autoclosure () throws -> [UInt8], _ context: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), context, file: file, line: line) { error in
        guard let error = error as? XSigError else { return XCTFail("\(context): not an XSigError: \(error)", file: file, line: line) }
        XCTAssertEqual(error.code, .decryptionError, context, file: file, line: line)
        XCTAssertEqual(error.message, "decryption error", context, file: file, line: line)
    }
}
