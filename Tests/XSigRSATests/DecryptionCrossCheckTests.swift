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

    /// Key sizes of the constant-time CRT kernel's tests: even and odd, equal limb counts for p and
    /// q and (3073: 1537 and 1536 bits, 25 and 24 limbs) different ones.
    static let crtSizes = [1024, 1031, 1536, 2047, 2048, 3072, 3073, 4096]

    /// A key whose n has exactly `bits` bits: OpenSSL's when it has (OpenSSL 3 makes both primes
    /// bits/2 long from 2048 bits up, so an odd size such as 3073 comes out one bit short),
    /// otherwise one built here from primes of ceil(bits/2) and floor(bits/2) bits with their top
    /// two bits set (p 1537 and q 1536 bits for 3073: 25 and 24 limbs), handed to OpenSSL as members.
    static func exactPair(bits: Int, generator: inout SplitMix64) throws -> OpenSSLKey {
        let made = try TestKeys.pair(bits: bits)
        if GMPInteger(bigEndian: made.member("n")).bitWidth == bits { return made }
        let e = GMPInteger(65537), one = GMPInteger(1)
        func prime(_ size: Int) -> GMPInteger {
            var bytes = generator.bytes((size + 7) / 8)
            let top = (size - 1) % 8
            bytes[0] &= UInt8(truncatingIfNeeded: (1 << (top + 1)) - 1)
            bytes[0] |= UInt8(1 << top)
            bytes[top == 0 ? 1 : 0] |= top == 0 ? 0x80 : UInt8(1 << (top - 1))
            bytes[bytes.count - 1] |= 1
            var x = GMPInteger(bigEndian: bytes)
            while !x.isProbablePrime() || (x - one).gcd(e) != one { x = x + GMPInteger(2) }
            return x
        }
        let p = prime((bits + 1) / 2), q = prime(bits / 2)
        let n = p * q
        precondition(n.bitWidth == bits)
        let phi = (p - one) * (q - one)
        let d = try XCTUnwrap(e.inverse(modulo: phi))
        return try OpenSSLKey.fromMembers(n: n.bigEndianBytes, e: e.bigEndianBytes, d: d.bigEndianBytes,
                                          p: p.bigEndianBytes, q: q.bigEndianBytes,
                                          dp: d.modulo(p - one).bigEndianBytes, dq: d.modulo(q - one).bigEndianBytes,
                                          qInv: try XCTUnwrap(q.inverse(modulo: p)).bigEndianBytes)
    }

    /// The key's members in both orders: as OpenSSL made them (p > q) and swapped (p < q, with
    /// qInv = q^-1 mod p recomputed for the new q).
    static func bothOrders(_ pair: OpenSSLKey) throws -> [(p: GMPInteger, q: GMPInteger, dp: GMPInteger, dq: GMPInteger, qInv: GMPInteger)] {
        let member = { (name: String) in GMPInteger(bigEndian: pair.member(name)) }
        let (p, q) = (member("rsa-factor1"), member("rsa-factor2"))
        let swappedInverse = try XCTUnwrap(p.inverse(modulo: q))
        return [(p, q, member("rsa-exponent1"), member("rsa-exponent2"), member("rsa-coefficient1")),
                (q, p, member("rsa-exponent2"), member("rsa-exponent1"), swappedInverse)]
    }

    /// Edge inputs of RSADP for the CRT halves: 0, 1, 2, n - 1, the primes and their neighbours,
    /// multiples of each prime (x = 0 mod p: m1 = 0), and random residues.
    static func edgeInputs(n: GMPInteger, p: GMPInteger, q: GMPInteger, generator: inout SplitMix64) -> [GMPInteger] {
        let one = GMPInteger(1)
        var inputs = [GMPInteger(0), one, GMPInteger(2), n - one, p, q, p - one, p + one, q - one, q + one,
                      p * (q - one), q * (p - one)]
        for _ in 0..<2 {
            inputs.append(p * GMPInteger(bigEndian: generator.bytes(q.byteCount - 1)))
            inputs.append(q * GMPInteger(bigEndian: generator.bytes(p.byteCount - 1)))
        }
        for _ in 0..<4 { inputs.append(GMPInteger(bigEndian: generator.bytes(n.byteCount)).modulo(n)) }
        return inputs
    }

    /// The CRT exponentiator (the constant-time kernel xsig_gmp_crt) against mpz_powm with d and
    /// against the plain form (mpn_sec_powm modulo n), for every size in both prime orders.
    func testSecretExponentiatorMatchesPlainExponentiation() throws {
        var generator = SplitMix64(state: 7)
        for bits in Self.crtSizes {
            let pair = try Self.exactPair(bits: bits, generator: &generator)
            let n = GMPInteger(bigEndian: pair.member("n")), d = GMPInteger(bigEndian: pair.member("d"))
            XCTAssertEqual(n.bitWidth, bits)
            let plain = try XCTUnwrap(SecretExponentiator(modulus: n, privateExponent: d))
            for (order, m) in try Self.bothOrders(pair).enumerated() {
                let crt = try XCTUnwrap(SecretExponentiator(modulus: n, p: m.p, q: m.q, dp: m.dp, dq: m.dq, qInv: m.qInv))
                XCTAssertEqual(crt.method, .crt)
                XCTAssertEqual(m.p < m.q, order == 1, "\(bits): the second order has p < q")
                for x in Self.edgeInputs(n: n, p: m.p, q: m.q, generator: &generator) {
                    let expected = x.power(d, modulus: n)
                    XCTAssertEqual(crt.apply(x), expected, "\(bits) bits, p \(m.p.bitWidth) q \(m.q.bitWidth), x \(x.hexString)")
                    XCTAssertEqual(plain.apply(x), expected, "\(bits) bits, plain")
                }
            }
        }
        let pair = try TestKeys.pair(bits: 2048)
        let n = GMPInteger(bigEndian: pair.member("n"))
        // A copy, not n itself: GMPInteger's operators must not see one instance on both sides.
        XCTAssertNil(SecretExponentiator(modulus: n, privateExponent: GMPInteger(bigEndian: n.bigEndianBytes)))
        XCTAssertNil(SecretExponentiator(modulus: n, p: GMPInteger(3), q: GMPInteger(5), dp: GMPInteger(1), dq: GMPInteger(1), qInv: GMPInteger(2)))
    }

    /// RSADP through the whole GMP backend (blinding, the CRT kernel, the fault check) against
    /// OpenSSL's decryption and mpz_powm, for every size in both prime orders, on the edge inputs
    /// and on OpenSSL's OAEP ciphertexts.
    func testGMPPrivateBackendAgreesWithOpenSSLInBothPrimeOrders() throws {
        var generator = SplitMix64(state: 0xc7)
        for bits in Self.crtSizes {
            let pair = try Self.exactPair(bits: bits, generator: &generator)
            let m = try RSAPrivateKey(pair, policy: .allowingWeakKeys).memberOctets()
            let n = GMPInteger(bigEndian: m.n)
            for (order, members) in try Self.bothOrders(pair).enumerated() {
                let key = try RSAPrivateKey(modulus: m.n, publicExponent: m.e, privateExponent: m.d,
                                            prime1: members.p.bigEndianBytes, prime2: members.q.bigEndianBytes,
                                            exponent1: members.dp.bigEndianBytes, exponent2: members.dq.bigEndianBytes,
                                            coefficient: members.qInv.bigEndianBytes, policy: .allowingWeakKeys)
                let gmp = try RSADecryptor(privateKey: key, backend: .gmp)
                let openssl = try RSADecryptor(privateKey: key, backend: .openssl)
                XCTAssertEqual(key.modulusBits, bits)
                let context = "\(bits) bits, p \(members.p.bitWidth) \(order == 0 ? ">" : "<") q \(members.q.bitWidth)"
                for x in Self.edgeInputs(n: n, p: members.p, q: members.q, generator: &generator) {
                    let c = try XCTUnwrap(x.bigEndianBytes(count: key.modulusOctets))
                    let expected = ReferenceDecryptor.rsadp(c, key: pair)
                    XCTAssertEqual(try gmp.rawDecrypt(c), expected, "\(context), c \(x.hexString)")
                    XCTAssertEqual(try openssl.rawDecrypt(c), expected, "\(context), openssl")
                }
                let message = Array("session_token=order-\(order)&timestamp=1628496895102".utf8)
                let ciphertext = try RSAEncryptor(key: key.publicKey, backend: .openssl).encrypt(message, padding: .oaepSHA256)
                XCTAssertEqual(try gmp.decrypt(ciphertext, padding: .oaepSHA256), message, context)
                XCTAssertEqual(try openssl.decrypt(ciphertext, padding: .oaepSHA256), message, context)
            }
        }
    }
}
