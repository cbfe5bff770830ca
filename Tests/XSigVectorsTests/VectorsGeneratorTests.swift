import Foundation
import XCTest
import XSigBigInt
@testable import XSignature
@testable import XSigVectors

/// Sources of truth: RFC 8017 (key relations, EM layouts), the committed vector set under
/// vectors/generated/ (which vectors/reproduce.py checks independently in CI), and xsig's
/// RSAEncryptor with injected padding bytes for the well-formed encoded messages.
final class VectorsGeneratorTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
    static func text(_ relative: String) throws -> String { try String(contentsOfFile: path(relative), encoding: .utf8) }

    // MARK: - Number theory and key generation

    func testFactorModulusRecoversThePrimes() throws {
        let key = try DeterministicKeyGenerator.generate(seed: Array("factor".utf8), bits: 1024)
        let (p, q) = try XCTUnwrap(NumberTheory.factorModulus(n: GMPInteger(bigEndian: key.n), e: GMPInteger(bigEndian: key.e),
                                                              d: GMPInteger(bigEndian: key.d)))
        XCTAssertEqual(p.bigEndianBytes, key.p)
        XCTAssertEqual(q.bigEndianBytes, key.q)
        // Not a key: d that does not invert e.
        XCTAssertNil(NumberTheory.factorModulus(n: GMPInteger(bigEndian: key.n), e: GMPInteger(bigEndian: key.e), d: GMPInteger(12345)))
        XCTAssertEqual(NumberTheory.nextProbablePrime(after: GMPInteger(100)), GMPInteger(101))
        XCTAssertEqual(NumberTheory.leastCommonMultiple(GMPInteger(12), GMPInteger(18)), GMPInteger(36))
        XCTAssertEqual(NumberTheory.trailingZeroBits(GMPInteger(40)), 3)
        XCTAssertEqual(NumberTheory.shiftRight(GMPInteger(40), by: 3), GMPInteger(5))
        XCTAssertTrue(NumberTheory.testBit(NumberTheory.settingBit(GMPInteger(0), 70), 70))
    }

    func testDeterministicKeysFollowTheSpec() throws {
        for bits in [1024, 1025, 2048] {
            let a = try DeterministicKeyGenerator.generate(seed: VectorGenerator.defaultSeed, bits: bits)
            let b = try DeterministicKeyGenerator.generate(seed: VectorGenerator.defaultSeed, bits: bits)
            XCTAssertEqual(a.privateKeyPKCS8, b.privateKeyPKCS8, "\(bits): same seed, same key")
            XCTAssertEqual(a.bits, bits)
            let p = GMPInteger(bigEndian: a.p), q = GMPInteger(bigEndian: a.q), n = GMPInteger(bigEndian: a.n)
            let e = GMPInteger(bigEndian: a.e), d = GMPInteger(bigEndian: a.d), one = GMPInteger(1)
            XCTAssertEqual(a.e, [1, 0, 1])
            XCTAssertEqual(p * q, n)
            XCTAssertTrue(p > q)
            XCTAssertTrue(p.isProbablePrime() && q.isProbablePrime())
            XCTAssertEqual(p.bitWidth, (bits + 1) / 2)
            XCTAssertEqual(q.bitWidth, bits / 2)
            for prime in [p, q] {
                XCTAssertTrue(NumberTheory.testBit(prime, prime.bitWidth - 2), "top two bits set")
                XCTAssertEqual((prime - one).gcd(e), one)
            }
            XCTAssertTrue(p - q > NumberTheory.settingBit(GMPInteger(0), bits / 2 - 100))
            let lambda = NumberTheory.leastCommonMultiple(p - one, q - one)
            XCTAssertEqual((e * d).modulo(lambda), one, "d = e^-1 mod lcm(p-1, q-1)")
            XCTAssertTrue(d < lambda)
            // OpenSSL reads the PEM it wrote and decrypts with it.
            let reread = try OpenSSLKey.fromPEM(a.privateKeyPEM, isPrivate: true)
            let ct = try RSAEncryptor(key: a.publicKey).encrypt(Array("round trip".utf8), padding: .oaepSHA256)
            XCTAssertEqual(try reread.decrypt(ct, padding: .oaepSHA256), Array("round trip".utf8))
        }
        let other = try DeterministicKeyGenerator.generate(seed: Array("another seed".utf8), bits: 1024)
        XCTAssertNotEqual(other.n, try DeterministicKeyGenerator.generate(seed: VectorGenerator.defaultSeed, bits: 1024).n)
        XCTAssertThrowsError(try DeterministicKeyGenerator.generate(seed: [], bits: 512))
    }

    // MARK: - Encoded messages

    func testWellFormedEncodedMessagesMatchTheEncryptor() throws {
        let key = try DeterministicKeyGenerator.generate(seed: VectorGenerator.defaultSeed, bits: 1024)
        let encryptor = try RSAEncryptor(key: key.publicKey)
        let builder = EncodedMessageBuilder(encryptor: encryptor)
        let k = key.modulusOctets
        for length in [0, 1, 20, 62] {
            let message = [UInt8](repeating: 0x5a, count: length)
            for padding in [RSAEncryptionPadding.oaepSHA256, .oaepSHA256MGF1SHA1, .oaepSHA1] {
                let hash = padding.oaepHash!
                let seed = (0..<hash.outputLength).map { UInt8($0 * 7 & 0xff) }
                for label in [[], Array("xsig".utf8)] {
                    let block = builder.oaepBlock(message: message, label: label, hash: hash)
                    let em = builder.oaep(block: block.bytes, seed: seed, hash: hash, mgf1: padding.mgf1Hash!)
                    XCTAssertEqual(try builder.encrypt(em), try encryptor.encrypt(message, padding: padding, label: label, randomness: .injected(seed)),
                                   "\(padding) length \(length)")
                }
            }
            let ps = [UInt8](repeating: 0xa5, count: k - length - 3)
            XCTAssertEqual(try builder.encrypt(builder.pkcs1(message: message, ps: ps)),
                           try encryptor.encrypt(message, padding: .pkcs1v15, randomness: .injected(ps)))
        }
        // EM at or above n is refused, not wrapped.
        XCTAssertNil(try builder.encrypt([UInt8](repeating: 0xff, count: k)))
    }

    func testMessageLengthsIncludeBothEnds() {
        XCTAssertEqual(VectorGenerator.messageLengths(count: 10, maximum: 86), [0, 9, 19, 28, 38, 47, 57, 66, 76, 86])
        XCTAssertEqual(VectorGenerator.messageLengths(count: 2, maximum: 245), [0, 245])
        XCTAssertEqual(VectorGenerator.messageLengths(count: 100, maximum: 5), [0, 1, 2, 3, 4, 5])
    }

    // MARK: - Files

    func testGenerationIsByteForByteDeterministic() throws {
        let options = VectorGenerator.Options(bits: [1024], paddings: [.pkcs1v15, .oaepSHA256], count: 4, seed: Array("determinism".utf8))
        let first = try VectorGenerator.generate(options)
        let second = try VectorGenerator.generate(options)
        XCTAssertEqual(first.files, second.files)
        XCTAssertEqual(first.files.map(\.path), ["keys/rsa-1024.pem", "keys/rsa-1024.pub.pem",
                                                 "xsig_rsa_pkcs1_1024_test.json", "xsig_rsa_oaep_1024_sha256_mgf1sha256_test.json"])
        var other = options
        other.seed = Array("determinisn".utf8)
        XCTAssertNotEqual(try VectorGenerator.generate(other).files[2].text, first.files[2].text, "the seed matters")
        // Too small a key for the padding: left out with a reason, not an error.
        let skipped = try VectorGenerator.generate(VectorGenerator.Options(bits: [1024], paddings: [.oaep(hash: .sha512)], count: 2))
        XCTAssertEqual(skipped.files.count, 2)
        XCTAssertEqual(skipped.skipped, ["oaep-sha512 with 1024-bit keys: oaep-sha512 needs at least 1033 bits"])
        XCTAssertThrowsError(try VectorGenerator.generate(VectorGenerator.Options(count: 1)))
    }

    /// The committed set is what `xsig vectors generate --out vectors/generated` writes today,
    /// with keys derived from the seed and, equally, with keys read back from --key-dir.
    func testCommittedSetRegeneratesByteForByte() throws {
        let output = try VectorGenerator.generate(VectorGenerator.Options())
        XCTAssertEqual(output.files.count, 4 * 2 + 16)
        for file in output.files {
            XCTAssertEqual(file.text, try Self.text("vectors/generated/" + file.path), "vectors/generated/\(file.path) is stale: regenerate it")
        }
        var fromKeys = VectorGenerator.Options(bits: [2048])
        fromKeys.keyDirectory = Self.path("vectors/generated/keys")
        for file in try VectorGenerator.generate(fromKeys).files {
            XCTAssertEqual(file.text, try Self.text("vectors/generated/" + file.path), "--key-dir: \(file.path)")
        }
        let listed = try FileManager.default.contentsOfDirectory(atPath: Self.path("vectors/generated")).filter { $0.hasSuffix(".json") }
        XCTAssertEqual(Set(listed), Set(output.files.map(\.path).filter { $0.hasSuffix(".json") }), "no extra files in vectors/generated")
    }

    func testGeneratedFileContents() throws {
        let file = try WycheproofFile.decode(Array(try Self.text("vectors/generated/xsig_rsa_oaep_2048_sha256_mgf1sha256_test.json").utf8))
        XCTAssertEqual(file.algorithm, "RSAES-OAEP")
        XCTAssertEqual(file.schema, "rsaes_oaep_decrypt_schema_v1.json")
        let group = try XCTUnwrap(file.testGroups.first)
        XCTAssertEqual(group.type, "RsaesOaepDecrypt")
        XCTAssertEqual(group.keySize, 2048)
        XCTAssertEqual([group.sha, group.mgf, group.mgfSha], ["SHA-256", "MGF1", "SHA-256"])
        XCTAssertEqual(group.n?.prefix(2), "00", "BigInt hex keeps the sign octet")
        XCTAssertEqual(group.e, "010001")
        let tests = group.tests
        XCTAssertEqual(tests.map(\.tcId), Array(1...tests.count))
        let lengths = tests.filter { $0.flags == ["Normal"] }.map { $0.msg.count / 2 }
        XCTAssertEqual(lengths.first, 0)
        XCTAssertEqual(lengths.last, 256 - 2 * 32 - 2)
        XCTAssertTrue(tests.contains { $0.flags.contains("LeadingZeroCiphertext") && $0.ct.hasPrefix("00") && $0.ct.count == 512 })
        XCTAssertEqual(tests.filter { $0.flags == ["EncryptionWithLabel"] }.map { $0.label!.count / 2 }, [1, 20, 200])
        let xsig = tests.filter { $0.flags.contains("XSignature") }
        XCTAssertEqual(xsig.filter { $0.result == .valid }.count, 6)
        XCTAssertEqual(xsig.filter { $0.result == .invalid }.map(\.comment), ["X-signature made with pkcs1 instead of oaep-sha256",
                                                                               "X-signature made with oaep-sha256-mgf1sha1 instead of oaep-sha256",
                                                                               "X-signature made with oaep-sha1 instead of oaep-sha256"])
        for test in xsig {
            XCTAssertEqual(test.signature, Base64.encode(try Hex.decode(test.ct)))
            XCTAssertEqual(test.payload.map { Hex.encode(Array($0.utf8)) }, test.msg)
        }
        XCTAssertTrue(xsig.contains { $0.timestamp == "18446744073709551615" && $0.nonce == "ffffffffffffffff" })
        // Every invalid family of RFC 8017 7.1.2 is there, each flag explained in notes.
        let families = Set(tests.filter { $0.result == .invalid }.flatMap(\.flags))
        XCTAssertEqual(families, ["InvalidCiphertext", "WrongCiphertextLength", "CiphertextNotReduced", "InvalidOaepPadding",
                                  "OaepFirstByteNotZero", "OaepLHashMismatch", "OaepNoSeparator", "OaepNonzeroPS",
                                  "XSignature", "WrongPaddingVariant"])
        XCTAssertEqual(Set(file.notes.keys), Set(tests.flatMap(\.flags)))
        let pkcs1 = try WycheproofFile.decode(Array(try Self.text("vectors/generated/xsig_rsa_pkcs1_1024_test.json").utf8))
        XCTAssertEqual(Set(pkcs1.testGroups[0].tests.filter { $0.result == .invalid }.flatMap(\.flags)),
                       ["InvalidCiphertextFormat", "WrongCiphertextLength", "CiphertextNotReduced", "InvalidPkcs1Padding",
                        "Pkcs1FirstByteNotZero", "Pkcs1WrongBlockType", "Pkcs1NoSeparator", "Pkcs1ShortPS",
                        "XSignature", "WrongPaddingVariant"])
        XCTAssertNil(pkcs1.testGroups[0].sha)
        XCTAssertTrue(pkcs1.testGroups[0].tests.allSatisfy { $0.label == nil })
    }

    func testConvertedKnownAnswersMatchTheCommittedFiles() throws {
        for (kat, padding, json, count) in [("pkcs1v15.kat", RSAEncryptionPadding.pkcs1v15, "rsa_labs_pkcs1_test.json", 300),
                                            ("oaep-sha1.kat", .oaepSHA1, "rsa_labs_oaep_sha1_mgf1sha1_test.json", 60)] {
            let file = try KnownAnswerConverter.convert(try Self.text("vectors/rsa-labs/" + kat), name: "vectors/rsa-labs/" + kat, padding: padding)
            XCTAssertEqual(file.numberOfTests, count)
            XCTAssertEqual(file.json.text, try Self.text("vectors/converted/" + json), "vectors/converted/\(json) is stale")
        }
        XCTAssertThrowsError(try KnownAnswerConverter.convert("Key = k\nN = 0f\nE = 03\nD = 05\nMsg = 00\nPS = 01\nCT = 02\n",
                                                              name: "bad", padding: .pkcs1v15))
    }
}

extension VectorGenerator.OutputFile: CustomStringConvertible {
    public var description: String { "\(path) (\(text.utf8.count) bytes)" }
}
