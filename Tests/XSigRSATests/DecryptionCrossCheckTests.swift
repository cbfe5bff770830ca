import Foundation
import XCTest
import XSigBigInt
@testable import XSigRSA

/// GMP decryption against OpenSSL: OpenSSL's own ciphertexts (its encoder, its CSPRNG) for every
/// padding and key size decrypt on GMP to the same message, and both backends agree on every
/// valid case.
final class DecryptionCrossCheckTests: XCTestCase {
    static let paddings: [RSAEncryptionPadding] = [
        .pkcs1v15, .oaepSHA1, .oaepSHA256, .oaepSHA256MGF1SHA1, .oaep(hash: .sha384), .oaep(hash: .sha512),
        .oaep(hash: .sha224, mgf1: .sha512),
    ]

    func testOpenSSLCiphertextsDecryptOnGMPForEveryPaddingAndSize() throws {
        var generator = SplitMix64(state: 0x5eed)
        var valid: [RSADecryptor.Backend: Int] = [:]
        for bits in [1024, 2048, 3072, 4096] {
            let key = try DecryptionKeys.privateKey(bits: bits)
            let openSSLEncryptor = try RSAEncryptor(key: key.publicKey, backend: .openssl)
            let decryptors = try [RSADecryptor(privateKey: key, backend: .gmp), RSADecryptor(privateKey: key, backend: .openssl)]
            for padding in Self.paddings {
                let maximum = padding.maximumMessageLength(modulusOctets: key.modulusOctets)
                guard maximum >= 0 else { continue }
                var cases: [(message: [UInt8], label: [UInt8])] = [([], []), (generator.bytes(1), []), (generator.bytes(min(96, maximum)), []),
                                                                   (generator.bytes(maximum), [])]
                if padding.isOAEP { cases.append((generator.bytes(min(40, maximum)), Array("xsig label".utf8))) }
                for (message, label) in cases {
                    let ciphertext = try openSSLEncryptor.encrypt(message, padding: padding, label: label)
                    for decryptor in decryptors {
                        let context = "\(bits) \(padding.name) \(message.count)-byte message, label \(label.count), \(decryptor.backend)"
                        XCTAssertEqual(try decryptor.decrypt(ciphertext, padding: padding, label: label), message, context)
                        valid[decryptor.backend, default: 0] += 1
                    }
                }
            }
        }
        XCTAssertEqual(valid[.gmp], valid[.openssl])
        print("valid-ciphertext suite: gmp decrypted \(valid[.gmp] ?? 0), openssl decrypted \(valid[.openssl] ?? 0), all equal")
    }

    /// xsig's GMP encoder with xsig's GMP decryptor, OpenSSL's decryptor as the referee.
    func testGMPCiphertextsRoundTripAndOpenSSLAgrees() throws {
        let key = try DecryptionKeys.privateKey(bits: 2048)
        let gmp = try RSADecryptor(privateKey: key)
        let openssl = try RSADecryptor(privateKey: key, backend: .openssl)
        let encryptor = try RSAEncryptor(key: key.publicKey)
        for padding in Self.paddings {
            for index in 0..<3 as Range<UInt64> {
                let message = Array("session_token=tok-\(index)&timestamp=1628496895102&nonce=17b29fa9c7e".utf8)
                let ciphertext = try encryptor.encrypt(message, padding: padding, randomness: .deterministic(seed: [1, 2, 3], index: index))
                XCTAssertEqual(try gmp.decrypt(ciphertext, padding: padding), message, padding.name)
                XCTAssertEqual(try openssl.decrypt(ciphertext, padding: padding), message, padding.name)
            }
        }
    }

    /// RSADP alone: GMP CRT, OpenSSL and the tests' independent mpz_powm with d agree on random c.
    func testRawDecryptionAgreesWithOpenSSLAndTheReference() throws {
        var generator = SplitMix64(state: 42)
        for bits in [1024, 2048, 3072] {
            let pair = try TestKeys.pair(bits: bits)
            let key = try RSAPrivateKey(pair, policy: .allowingWeakKeys)
            let gmp = try RSADecryptor(privateKey: key)
            let openssl = try RSADecryptor(privateKey: key, backend: .openssl)
            for _ in 0..<4 {
                var c = generator.bytes(key.modulusOctets)
                c[0] &= 0x7f
                let expected = ReferenceDecryptor.rsadp(c, key: pair)
                XCTAssertEqual(try gmp.rawDecrypt(c), expected, "\(bits)")
                XCTAssertEqual(try openssl.rawDecrypt(c), expected, "\(bits)")
            }
            XCTAssertEqual(try gmp.rawDecrypt([UInt8](repeating: 0, count: key.modulusOctets)), [UInt8](repeating: 0, count: key.modulusOctets))
            XCTAssertThrowsError(try gmp.rawDecrypt(key.publicKey.modulus))
        }
    }

    /// "Keys without CRT parameters (only n, e, d) still work", on both backends.
    func testKeysWithoutCRTParametersDecrypt() throws {
        for bits in [1024, 2048] {
            let full = try DecryptionKeys.privateKey(bits: bits)
            let bare = try DecryptionKeys.withoutCRT(full)
            XCTAssertTrue(full.hasCRTParameters)
            XCTAssertFalse(bare.hasCRTParameters)
            for padding in [RSAEncryptionPadding.pkcs1v15, .oaepSHA256] {
                let message = Array("n, e and d only".utf8)
                let ciphertext = try RSAEncryptor(key: full.publicKey, backend: .openssl).encrypt(message, padding: padding)
                for backend in [RSADecryptor.Backend.gmp, .openssl] {
                    XCTAssertEqual(try RSADecryptor(privateKey: bare, backend: backend).decrypt(ciphertext, padding: padding), message,
                                   "\(bits) \(padding) \(backend)")
                }
                for testCase in try InvalidCiphertexts.cases(padding: padding, key: full.publicKey) {
                    assertGenericDecryptionError(try RSADecryptor(privateKey: bare).decrypt(testCase.ciphertext, padding: padding, label: testCase.label),
                                                 "no CRT: \(testCase.name)")
                }
            }
        }
    }

    func testSmallAndLargePublicExponents() throws {
        for e in [TestKeys.e3, TestKeys.eLarge] {
            let key = try DecryptionKeys.privateKey(bits: 2048, e: e)
            let message = Array("exponent \(Hex.encode(e))".utf8)
            let ciphertext = try RSAEncryptor(key: key.publicKey, backend: .openssl).encrypt(message, padding: .oaepSHA256)
            XCTAssertEqual(try RSADecryptor(privateKey: key).decrypt(ciphertext, padding: .oaepSHA256), message)
            XCTAssertEqual(try RSADecryptor(privateKey: DecryptionKeys.withoutCRT(key)).decrypt(ciphertext, padding: .oaepSHA256), message)
        }
    }

    /// Blinding pairs are reused by squaring and replaced after 32 uses: 80 decryptions cross two
    /// replacements; a deterministic blinding stream gives the same answers as the CSPRNG.
    func testBlindingNeverChangesTheResult() throws {
        let key = try DecryptionKeys.privateKey(bits: 1024)
        let decryptor = try RSADecryptor(privateKey: key)
        let encryptor = try RSAEncryptor(key: key.publicKey)
        var deterministic = DeterministicStream(seed: Array("blinding".utf8))
        for i in 0..<80 {
            let message = Array("message \(i)".utf8)
            let ciphertext = try encryptor.encrypt(message, padding: .pkcs1v15)
            XCTAssertEqual(try decryptor.decrypt(ciphertext, padding: .pkcs1v15), message)
            let again = try ciphertext.withUnsafeBytes { c in
                try decryptor.decrypt(ciphertext: c, padding: .pkcs1v15, label: UnsafeRawBufferPointer(start: nil, count: 0), random: &deterministic)
            }
            XCTAssertEqual(again, message)
        }
    }

    /// A pair is (A, A^-1') = (r^e, r^-1): so A * (r^-1)^e = 1 mod n, before and after squaring.
    func testBlindingPairsAreConsistent() throws {
        let key = try DecryptionKeys.privateKey(bits: 1024)
        let n = key.publicKey.modulusInteger, e = key.publicKey.exponentInteger
        let pool = BlindingPool(modulus: n, publicExponent: e)
        var random = SecureRandom()
        var pair = pool.take(random: &random)
        for _ in 0..<3 {
            XCTAssertEqual(pair.factor.secureProduct(pair.inverse.power(e, modulus: n), modulo: n), GMPInteger(1))
            XCTAssertNotEqual(pair.factor, GMPInteger(1))
            pool.giveBack(pair)
            let next = pool.take(random: &random)
            XCTAssertEqual(next.factor, pair.factor.secureProduct(pair.factor, modulo: n))
            XCTAssertEqual(next.uses, pair.uses + 1)
            pair = next
        }
    }

    func testConcurrentDecryptionsShareOneDecryptor() throws {
        let key = try DecryptionKeys.privateKey(bits: 1024)
        let encryptor = try RSAEncryptor(key: key.publicKey)
        let messages = (0..<32).map { Array("concurrent \($0)".utf8) }
        let ciphertexts = try messages.map { try encryptor.encrypt($0, padding: .oaepSHA256) }
        for backend in [RSADecryptor.Backend.gmp, .openssl] {
            let decryptor = try RSADecryptor(privateKey: key, backend: backend)
            let failures = Counter()
            DispatchQueue.concurrentPerform(iterations: messages.count) { i in
                if (try? decryptor.decrypt(ciphertexts[i], padding: .oaepSHA256)) != messages[i] { failures.increment() }
            }
            XCTAssertEqual(failures.value, 0, "\(backend)")
        }
    }

    /// "1024 to 8192 bits must work": the stored 8192-bit key, both backends.
    func test8192BitKey() throws {
        let decoded = try PrivateKeyDecoder().decode(Array(DecryptionFixtures.rsa8192PEM.utf8))
        XCTAssertEqual(decoded.key.modulusBits, 8192)
        XCTAssertEqual(decoded.form, .pemPKCS8)
        let message = Array("eight thousand one hundred and ninety-two".utf8)
        for padding in [RSAEncryptionPadding.pkcs1v15, .oaepSHA256] {
            let ciphertext = try RSAEncryptor(key: decoded.key.publicKey, backend: .openssl).encrypt(message, padding: padding)
            XCTAssertEqual(try RSADecryptor(privateKey: decoded.key).decrypt(ciphertext, padding: padding), message)
            XCTAssertEqual(try RSADecryptor(privateKey: decoded.key, backend: .openssl).decrypt(ciphertext, padding: padding), message)
        }
    }

    /// The CRT exponentiator against mpz_powm with d on its own (no blinding, no padding).
    func testSecretExponentiatorMatchesPlainExponentiation() throws {
        var generator = SplitMix64(state: 7)
        let pair = try TestKeys.pair(bits: 2048)
        let n = GMPInteger(bigEndian: pair.member("n")), d = GMPInteger(bigEndian: pair.member("d"))
        let crt = try XCTUnwrap(SecretExponentiator(modulus: n, p: GMPInteger(bigEndian: pair.member("rsa-factor1")),
                                                    q: GMPInteger(bigEndian: pair.member("rsa-factor2")),
                                                    dp: GMPInteger(bigEndian: pair.member("rsa-exponent1")),
                                                    dq: GMPInteger(bigEndian: pair.member("rsa-exponent2")),
                                                    qInv: GMPInteger(bigEndian: pair.member("rsa-coefficient1"))))
        let plain = try XCTUnwrap(SecretExponentiator(modulus: n, privateExponent: d))
        for x in [GMPInteger(0), GMPInteger(1), n - GMPInteger(1)] + (0..<4).map({ _ in GMPInteger(bigEndian: generator.bytes(255)) }) {
            let expected = x.power(d, modulus: n)
            XCTAssertEqual(crt.apply(x), expected)
            XCTAssertEqual(plain.apply(x), expected)
        }
        // A copy, not n itself: GMPInteger's operators must not see one instance on both sides.
        XCTAssertNil(SecretExponentiator(modulus: n, privateExponent: GMPInteger(bigEndian: n.bigEndianBytes)))
        XCTAssertNil(SecretExponentiator(modulus: n, p: GMPInteger(3), q: GMPInteger(5), dp: GMPInteger(1), dq: GMPInteger(1), qInv: GMPInteger(2)))
    }
}
