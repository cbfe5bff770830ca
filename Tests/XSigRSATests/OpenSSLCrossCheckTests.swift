import XCTest
import XSigBigInt
@testable import XSigRSA

/// Source of truth: OpenSSL 3 (EVP_PKEY_encrypt / EVP_PKEY_decrypt with its own padding code).
/// Every ciphertext path of xsig is checked against it in both directions, for every key size,
/// exponent and padding, with messages from empty to the maximum length.
final class OpenSSLCrossCheckTests: XCTestCase {
    static let sizes = [1024, 1025, 1536, 2048, 3072, 4096]
    static let exponents: [(String, [UInt8])] = [("3", TestKeys.e3), ("65537", TestKeys.e65537), ("2^64-59", TestKeys.eLarge)]
    static let paddings: [RSAEncryptionPadding] = [
        .pkcs1v15, .oaepSHA1, .oaep(hash: .sha224), .oaepSHA256, .oaep(hash: .sha384), .oaep(hash: .sha512),
        .oaepSHA256MGF1SHA1, .oaep(hash: .sha1, mgf1: .sha256), .oaep(hash: .sha512, mgf1: .sha224),
    ]

    /// Message lengths: empty, 1, a few random, maximum - 1 and the maximum.
    static func lengths(maximum: Int, rng: inout SplitMix64) -> [Int] {
        guard maximum > 0 else { return [0] }
        var set: Set<Int> = [0, 1, maximum - 1, maximum]
        for _ in 0..<3 { set.insert(Int.random(in: 0...maximum, using: &rng)) }
        return set.sorted()
    }

    func testGMPCiphertextsDecryptWithOpenSSL_AndOpenSSLCiphertextsDecryptWithReference() throws {
        var rng = SplitMix64(state: 0x5eed)
        var counts = (gmpToOpenSSL: 0, openSSLToReference: 0, deterministicEqual: 0, tooSmall: 0)
        for bits in Self.sizes {
            for (eName, e) in Self.exponents {
                let pair = try TestKeys.pair(bits: bits, e: e)
                let key = try pair.publicKey()
                XCTAssertEqual(key.modulusBits, bits)
                let gmp = try RSAEncryptor(key: key, backend: .gmp)
                let openssl = try RSAEncryptor(key: key, backend: .openssl)
                for padding in Self.paddings {
                    let maximum = padding.maximumMessageLength(modulusOctets: key.modulusOctets)
                    if maximum < 0 {
                        // oaep-sha512 under 1040 bits: both backends must refuse with the same reason.
                        XCTAssertThrowsError(try gmp.encrypt([], padding: padding)) {
                            XCTAssertEqual(($0 as? XSigError)?.code, .keyTooSmallForPadding)
                        }
                        counts.tooSmall += 1
                        continue
                    }
                    let label: [UInt8] = padding.isOAEP && bits == 2048 ? Array("xsig label".utf8) : []
                    for length in Self.lengths(maximum: maximum, rng: &rng) {
                        let message = rng.bytes(length)
                        let context = "\(bits)-bit e=\(eName) \(padding.name) mLen=\(length)"

                        // Direction 1: xsig GMP (random padding) -> OpenSSL private decrypt.
                        let c1 = try gmp.encrypt(message, padding: padding, label: label)
                        XCTAssertEqual(c1.count, key.modulusOctets, context)
                        XCTAssertEqual(try pair.decrypt(c1, padding: padding, label: label), message, context)
                        counts.gmpToOpenSSL += 1

                        // Direction 2: OpenSSL's own padding -> independent reference decoder.
                        let c2 = try openssl.encrypt(message, padding: padding, label: label)
                        let em = ReferenceDecryptor.rsadp(c2, key: pair)
                        XCTAssertEqual(ReferenceDecryptor.decode(em, padding: padding, label: label), message, context)
                        counts.openSSLToReference += 1

                        // Deterministic mode: identical bytes on both backends.
                        let randomness = PaddingRandomness.deterministic(seed: [UInt8(bits & 255), UInt8(length & 255)], index: UInt64(length))
                        let d1 = try gmp.encrypt(message, padding: padding, label: label, randomness: randomness)
                        let d2 = try openssl.encrypt(message, padding: padding, label: label, randomness: randomness)
                        XCTAssertEqual(d1, d2, context)
                        XCTAssertEqual(try pair.decrypt(d1, padding: padding, label: label), message, context)
                        counts.deterministicEqual += 1
                    }
                    // One byte over the limit is refused with the numbers in the message.
                    XCTAssertThrowsError(try gmp.encrypt(rng.bytes(maximum + 1), padding: padding)) { error in
                        XCTAssertEqual((error as? XSigError)?.code, .messageTooLong)
                        XCTAssertTrue("\(error)".contains("\(maximum + 1) bytes > \(maximum) allowed by \(padding.name) with a \(bits)-bit key"), "\(error)")
                    }
                }
            }
        }
        print("cross-check counts: gmp->openssl \(counts.gmpToOpenSSL), openssl->reference \(counts.openSSLToReference), deterministic gmp==openssl \(counts.deterministicEqual), key-too-small refusals \(counts.tooSmall)")
        XCTAssertGreaterThan(counts.gmpToOpenSSL, 700)
    }

    /// RSAEP alone: xsig's Montgomery engine, OpenSSL's raw RSA and GMP's mpz_powm agree.
    func testRawExponentiationAgreesWithOpenSSLAndMpzPowm() throws {
        var rng = SplitMix64(state: 42)
        var count = 0
        for bits in Self.sizes {
            for (_, e) in Self.exponents {
                let key = try TestKeys.publicKey(bits: bits, e: e)
                let gmp = try RSAEncryptor(key: key, backend: .gmp)
                let openssl = try RSAEncryptor(key: key, backend: .openssl)
                let n = key.modulusInteger
                let k = key.modulusOctets
                let nMinus1 = (n - GMPInteger(1)).bigEndianBytes(count: k)!
                var inputs: [[UInt8]] = [[UInt8](repeating: 0, count: k), [UInt8](repeating: 0, count: k - 1) + [1], nMinus1]
                // Inputs with leading zero octets, and random values below n.
                inputs.append([0, 0, 0] + rng.bytes(k - 3))
                for _ in 0..<6 {
                    let x = GMPInteger(bigEndian: rng.bytes(k)).modulo(n)
                    inputs.append(x.bigEndianBytes(count: k)!)
                }
                for x in inputs {
                    let expected = GMPInteger(bigEndian: x).power(key.exponentInteger, modulus: n).bigEndianBytes(count: k)!
                    XCTAssertEqual(try gmp.rawEncrypt(x), expected)
                    XCTAssertEqual(try openssl.rawEncrypt(x), expected)
                    count += 1
                }
                // n itself and anything above is out of range on both backends.
                let nBytes = n.bigEndianBytes(count: k)!
                XCTAssertThrowsError(try gmp.rawEncrypt(nBytes))
                XCTAssertThrowsError(try openssl.rawEncrypt(nBytes))
                XCTAssertThrowsError(try gmp.rawEncrypt([UInt8](repeating: 0xff, count: k)))
            }
        }
        print("raw RSAEP agreement: \(count) inputs")
    }

    /// A ciphertext whose first octet is 0x00 (found by searching the deterministic stream's index)
    /// still comes out as exactly k octets and decrypts in OpenSSL.
    func testCiphertextWithLeadingZeroByte() throws {
        let pair = try TestKeys.pair(bits: 1024)
        let key = try pair.publicKey()
        let gmp = try RSAEncryptor(key: key, backend: .gmp)
        let openssl = try RSAEncryptor(key: key, backend: .openssl)
        let message = Array("session_token=leading-zero&timestamp=1628496895102&nonce=17b29fa9c7e".utf8)
        var found: (index: UInt64, ciphertext: [UInt8])?
        for index in UInt64(0)..<20_000 {
            let c = try gmp.encrypt(message, padding: .pkcs1v15, randomness: .deterministic(seed: [0x0f], index: index))
            if c[0] == 0 { found = (index, c); break }
        }
        let (index, ciphertext) = try XCTUnwrap(found, "no leading-zero ciphertext in 20000 tries")
        XCTAssertEqual(ciphertext.count, 128)
        XCTAssertEqual(ciphertext[0], 0)
        XCTAssertEqual(try openssl.encrypt(message, padding: .pkcs1v15, randomness: .deterministic(seed: [0x0f], index: index)), ciphertext)
        XCTAssertEqual(try pair.decrypt(ciphertext, padding: .pkcs1v15), message)
        XCTAssertEqual(Base64.decode(Base64.encode(ciphertext)).count, 128)
    }
}

private extension Base64 {
    static func decode(_ s: String) -> [UInt8] { (try? decode(s[...])) ?? [] }
}
