import XCTest
@testable import XSigRSA

/// RFC 8017 7.1.2 / 7.2.2: every invalid ciphertext, one generated case per check, is refused by
/// both backends with the same generic error; only `explain` may say which check failed.
final class DecryptionInvalidCiphertextTests: XCTestCase {
    static let paddings: [RSAEncryptionPadding] = [.pkcs1v15, .oaepSHA1, .oaepSHA256, .oaepSHA256MGF1SHA1, .oaep(hash: .sha384)]

    func testEveryInvalidCaseIsRejectedGenericallyOnBothBackends() throws {
        var rejected: [RSADecryptor.Backend: Int] = [:]
        var covered = Set<DecryptionCheck>()
        for bits in [1024, 2048] {
            let key = try DecryptionKeys.privateKey(bits: bits)
            let decryptors = try [RSADecryptor(privateKey: key, backend: .gmp), RSADecryptor(privateKey: key, backend: .openssl)]
            for padding in Self.paddings {
                let cases = try InvalidCiphertexts.cases(padding: padding, key: key.publicKey)
                XCTAssertGreaterThanOrEqual(cases.count, padding.isOAEP ? 11 : 12)
                for testCase in cases {
                    for decryptor in decryptors {
                        let context = "\(bits) \(padding.name) \(decryptor.backend): \(testCase.name)"
                        assertGenericDecryptionError(try decryptor.decrypt(testCase.ciphertext, padding: padding, label: testCase.label), context)
                        XCTAssertEqual(try decryptor.explain(testCase.ciphertext, padding: padding, label: testCase.label), testCase.expected, context)
                        rejected[decryptor.backend, default: 0] += 1
                    }
                    covered.insert(testCase.expected)
                }
            }
        }
        XCTAssertEqual(covered, Set(DecryptionCheck.allCases).subtracting([.modulusTooSmall]))
        // The figures of the closing note.
        print("invalid-ciphertext suite: gmp rejected \(rejected[.gmp] ?? 0), openssl rejected \(rejected[.openssl] ?? 0)")
    }

    /// The constructions are only meaningful if the unbroken message decrypts: check the base.
    func testTheUnbrokenEncodingsDecrypt() throws {
        let key = try DecryptionKeys.privateKey(bits: 1024)
        for padding in Self.paddings {
            let ciphertext = try RSAEncryptor(key: key.publicKey).encrypt(InvalidCiphertexts.message, padding: padding)
            for backend in [RSADecryptor.Backend.gmp, .openssl] {
                let decryptor = try RSADecryptor(privateKey: key, backend: backend)
                XCTAssertEqual(try decryptor.decrypt(ciphertext, padding: padding), InvalidCiphertexts.message, "\(padding) \(backend)")
                XCTAssertNil(try decryptor.explain(ciphertext, padding: padding), "\(padding) \(backend)")
            }
        }
    }

    /// A 1024-bit key cannot carry OAEP with SHA-512 (k = 128 < 2 * 64 + 2): 7.1.2 step 1c.
    func testModulusTooSmallForThePaddingIsTheGenericError() throws {
        let key = try DecryptionKeys.privateKey(bits: 1024)
        let padding = RSAEncryptionPadding.oaep(hash: .sha512)
        let ciphertext = try RSAEncryptor(key: key.publicKey).rawEncrypt([UInt8](repeating: 0, count: 127) + [1])
        for backend in [RSADecryptor.Backend.gmp, .openssl] {
            let decryptor = try RSADecryptor(privateKey: key, backend: backend)
            assertGenericDecryptionError(try decryptor.decrypt(ciphertext, padding: padding), "\(backend)")
            XCTAssertEqual(try decryptor.explain(ciphertext, padding: padding), .modulusTooSmall)
        }
    }

    /// Same key, right padding family, wrong parameters: refused, never misread.
    func testWrongOAEPParametersAreRejected() throws {
        let key = try DecryptionKeys.privateKey(bits: 2048)
        let ciphertext = try RSAEncryptor(key: key.publicKey, backend: .openssl).encrypt(InvalidCiphertexts.message, padding: .oaepSHA256)
        for backend in [RSADecryptor.Backend.gmp, .openssl] {
            let decryptor = try RSADecryptor(privateKey: key, backend: backend)
            for wrong in [RSAEncryptionPadding.oaepSHA1, .oaepSHA256MGF1SHA1, .pkcs1v15] {
                assertGenericDecryptionError(try decryptor.decrypt(ciphertext, padding: wrong), "\(backend) \(wrong)")
            }
        }
    }

    // MARK: - The decoders alone

    /// No early exit: a block broken in several ways reports every broken check at once.
    func testPKCS1DecoderEvaluatesEveryCheck() {
        let k = 128
        var em = [UInt8](repeating: 0x55, count: k)
        em[0] = 0x01
        em[1] = 0x01
        let result = em.withUnsafeBytes { PKCS1v15Decoding.check($0) }
        XCTAssertEqual(result.failures, bits(.firstOctet, .blockType, .separator))
        em[5] = 0
        let short = em.withUnsafeBytes { PKCS1v15Decoding.check($0) }
        XCTAssertEqual(short.failures, bits(.firstOctet, .blockType, .paddingStringLength))
    }

    func testPKCS1DecoderFindsTheFirstSeparatorAndAcceptsTheMinimumPS() {
        let k = 128
        // PS of exactly 8 octets, then M = 0x00 0x41 ...: M may itself start with or contain zeros.
        let em: [UInt8] = [0x00, 0x02] + [UInt8](repeating: 0xaa, count: 8) + [0x00, 0x00] + [UInt8](repeating: 0x41, count: k - 12)
        let result = em.withUnsafeBytes { PKCS1v15Decoding.check($0) }
        XCTAssertEqual(result.failures, 0)
        XCTAssertEqual(result.messageOffset, 11)
        let tooSmall = [UInt8](repeating: 0, count: 10).withUnsafeBytes { PKCS1v15Decoding.check($0) }
        XCTAssertEqual(DecryptionCheck.first(in: tooSmall.failures), .modulusTooSmall)
    }

    func testOAEPDecoderEvaluatesEveryCheck() {
        let hash = DigestAlgorithm.sha256
        let k = 256
        let seed = [UInt8](repeating: 0x33, count: 32)
        // Nonzero leading octet, wrong lHash and no 0x01 at all: three bits.
        var em = InvalidCiphertexts.oaepEM(db: [UInt8](repeating: 0, count: k - 33), seed: seed, mgf1: hash)
        em[0] = 0x07
        let all = em.withUnsafeMutableBytes { OAEPDecoding.check($0, label: UnsafeRawBufferPointer(start: nil, count: 0), hash: hash, mgf1Hash: hash) }
        XCTAssertEqual(all.failures, bits(.leadingOctet, .labelHash, .oneSeparator))
        // A valid block whose message begins with 0x00 and 0x01 octets: M starts after the first 0x01.
        let message: [UInt8] = [0x00, 0x01, 0x00, 0x02]
        let db = hash.hash([UInt8]()) + [UInt8](repeating: 0, count: k - 2 * 32 - 2 - message.count) + [0x01] + message
        var good = InvalidCiphertexts.oaepEM(db: db, seed: seed, mgf1: hash)
        let result = good.withUnsafeMutableBytes { OAEPDecoding.check($0, label: UnsafeRawBufferPointer(start: nil, count: 0), hash: hash, mgf1Hash: hash) }
        XCTAssertEqual(result.failures, 0)
        XCTAssertEqual(Array(good[result.messageOffset...]), message)
    }

    func testConstantTimeHelpers() {
        XCTAssertEqual(ConstantTime.isZero(0), UInt.max)
        XCTAssertEqual(ConstantTime.isZero(1), 0)
        XCTAssertEqual(ConstantTime.isZero(UInt.max), 0)
        XCTAssertEqual(ConstantTime.isZero(1 << 63), 0)
        XCTAssertEqual(ConstantTime.lessThan(9, 10), UInt.max)
        XCTAssertEqual(ConstantTime.lessThan(10, 10), 0)
        XCTAssertEqual(ConstantTime.lessThan(11, 10), 0)
        XCTAssertEqual(ConstantTime.lessThan(0, UInt.max), UInt.max)
        XCTAssertEqual(ConstantTime.lessThan(UInt.max, 0), 0)
        XCTAssertEqual(ConstantTime.select(UInt.max, 4, 5), 4)
        XCTAssertEqual(ConstantTime.select(0, 4, 5), 5)
    }

    private func bits(_ checks: DecryptionCheck...) -> UInt {
        checks.reduce(0) { $0 | (1 << UInt($1.rawValue)) }
    }
}
