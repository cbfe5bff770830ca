import CXSigKernels
import XCTest
import XSigBigInt
@testable import XSigRSA

/// Whole CRT decryption on the lanes engine (`RSADecryptor` with `.lanes`, `xsig_lanes_crt`),
/// on the kernel the process selects (`XSIG_LANES_KERNEL`; CI reruns this class with `portable`)
/// and, where the CPU has IFMA, on both. Source of truth: OpenSSL's encryptor and its decryptor,
/// and xsig's GMP decryptor.
final class LanesDecryptionTests: XCTestCase {
    static func decryptors(_ key: RSAPrivateKey) throws -> [(String, RSADecryptor)] {
        var kernels = [try LanesKernel.selected()]
        for other in Engines.lanesKernels where !kernels.contains(other) { kernels.append(other) }
        return try kernels.map { ("lanes-\($0.rawValue)", try RSADecryptor(privateKey: key, lanesKernel: $0)) }
    }

    /// OpenSSL ciphertexts of random messages, for 1024..8192-bit keys and odd sizes, one key per
    /// size: every lane decrypts to the message, through the batch and one at a time.
    func testRandomRoundTripsAgainstOpenSSLForEverySize() throws {
        var rng = SplitMix64(state: 0x1a2e5)
        var checked = 0
        for bits in [1024, 1031, 1536, 2047, 2048, 3072, 3073, 4096, 8192] {
            // 8192: the suite's fixture key (a fresh 8192-bit keygen would dominate the run)
            let key = bits == 8192 ? try PrivateKeyDecoder().decode(Array(DecryptionFixtures.rsa8192PEM.utf8)).key
                                   : try DecryptionKeys.privateKey(bits: bits)
            let encryptor = try RSAEncryptor(key: key.publicKey, backend: .openssl)
            let padding: RSAEncryptionPadding = bits % 2 == 0 ? .oaepSHA256 : .pkcs1v15
            let maximum = padding.maximumMessageLength(modulusOctets: key.modulusOctets)
            let count = bits >= 8192 ? 3 : 8
            let messages = (0..<count).map { i in rng.bytes(i == 0 ? 0 : min(maximum, 1 + i * 7)) }
            let ciphertexts = try messages.map { try encryptor.encrypt($0, padding: padding) }
            for (name, decryptor) in try Self.decryptors(key) {
                let results = decryptor.decrypt(batch: ciphertexts, padding: padding)
                XCTAssertEqual(results.map { try? $0.get() }, messages.map { Optional($0) }, "\(bits)-bit \(name) batch")
                XCTAssertEqual(try decryptor.decrypt(ciphertexts[count - 1], padding: padding), messages[count - 1], "\(bits)-bit \(name) single")
                checked += count
            }
        }
        print("lanes decryption: \(checked) OpenSSL ciphertexts decrypted, all equal")
    }

    /// RSADP alone on random c < n equals OpenSSL's raw decryption, batch sizes 1..8 and 11.
    func testRawDecryptionEqualsOpenSSLForGroupsOfOneToEight() throws {
        var rng = SplitMix64(state: 0x77)
        for bits in [2048, 3072] {
            let pair = try TestKeys.pair(bits: bits)
            let key = try DecryptionKeys.privateKey(bits: bits)
            let n = GMPInteger(bigEndian: key.publicKey.modulus), k = key.modulusOctets
            for (name, decryptor) in try Self.decryptors(key) {
                for count in [1, 2, 3, 5, 7, 8, 11] {
                    let cs = (0..<count).map { _ in GMPInteger(bigEndian: rng.bytes(k)).modulo(n).bigEndianBytes(count: k)! }
                    for c in cs.prefix(2) {
                        XCTAssertEqual(try decryptor.rawDecrypt(c), try pair.decrypt(c, padding: nil), "\(bits) \(name) raw")
                    }
                    var random = SecureRandom()
                    let raw = decryptor.decrypt(batch: cs, padding: .pkcs1v15, label: UnsafeRawBufferPointer(start: nil, count: 0), random: &random)
                    XCTAssertEqual(raw.count, count)
                }
            }
        }
    }

    /// Groups of 1..8 (and 13) with valid and invalid ciphertexts mixed: every valid one decrypts,
    /// every invalid one gets the one generic error, whatever its neighbours are.
    func testMixedGroupsKeepNeighboursApart() throws {
        for (bits, padding) in [(2048, RSAEncryptionPadding.oaepSHA256), (2048, .pkcs1v15), (3072, .oaepSHA1)] {
            let key = try DecryptionKeys.privateKey(bits: bits)
            let encryptor = try RSAEncryptor(key: key.publicKey, backend: .openssl)
            let invalid = try InvalidCiphertexts.cases(padding: padding, key: key.publicKey)
            let gmp = try RSADecryptor(privateKey: key, backend: .gmp)
            for (name, decryptor) in try Self.decryptors(key) {
                for count in [1, 2, 3, 4, 5, 6, 7, 8, 13] {
                    var ciphertexts: [[UInt8]] = [], expected: [[UInt8]?] = []
                    for i in 0..<count {
                        if (i * 5 + count) % 3 == 0 {
                            let bad = invalid[(i + count) % invalid.count]
                            guard bad.label.isEmpty else { continue }
                            ciphertexts.append(bad.ciphertext); expected.append(nil)
                        } else {
                            let message = Array("session_token=t\(i)&timestamp=1628496895102&nonce=\(count)".utf8)
                            ciphertexts.append(try encryptor.encrypt(message, padding: padding)); expected.append(message)
                        }
                    }
                    let results = decryptor.decrypt(batch: ciphertexts, padding: padding)
                    let reference = gmp.decrypt(batch: ciphertexts, padding: padding)
                    for i in ciphertexts.indices {
                        switch results[i] {
                        case let .success(m): XCTAssertEqual(m, expected[i], "\(name) \(padding.name) group \(count) item \(i)")
                        case let .failure(e):
                            XCTAssertNil(expected[i], "\(name) group \(count) item \(i): \(e.message)")
                            XCTAssertEqual(e, RSADecryptor.decryptionError, "\(name) group \(count) item \(i): not the generic error")
                        }
                        XCTAssertEqual(try? results[i].get(), try? reference[i].get(), "\(name) vs gmp, group \(count) item \(i)")
                    }
                }
            }
        }
    }

    /// Every invalid-ciphertext case of the suite is rejected on lanes with the generic error, and
    /// `explain` names the same failed check as on gmp.
    func testInvalidCiphertextsAreRejectedAsOnGMP() throws {
        let key = try DecryptionKeys.privateKey(bits: 2048)
        let gmp = try RSADecryptor(privateKey: key, backend: .gmp)
        for padding in [RSAEncryptionPadding.pkcs1v15, .oaepSHA256, .oaepSHA256MGF1SHA1] {
            let cases = try InvalidCiphertexts.cases(padding: padding, key: key.publicKey)
            for (name, decryptor) in try Self.decryptors(key) {
                for bad in cases {
                    XCTAssertThrowsError(try decryptor.decrypt(bad.ciphertext, padding: padding, label: bad.label), "\(name) \(bad.name)") { error in
                        XCTAssertEqual(error as? XSigError, RSADecryptor.decryptionError, "\(name) \(bad.name)")
                    }
                    XCTAssertEqual(try decryptor.explain(bad.ciphertext, padding: padding, label: bad.label),
                                   try gmp.explain(bad.ciphertext, padding: padding, label: bad.label), "\(name) \(bad.name)")
                }
            }
        }
    }

    /// A fault injected into one lane's p-half (test builds only) is caught by the m^e == c check:
    /// that lane gets the consistency error and no output, its neighbours decrypt correctly.
    func testInjectedFaultIsCaughtAndNeverReturned() throws {
        let key = try DecryptionKeys.privateKey(bits: 2048)
        let encryptor = try RSAEncryptor(key: key.publicKey, backend: .openssl)
        let messages = (0..<8).map { Array("fault probe \($0)".utf8) }
        let ciphertexts = try messages.map { try encryptor.encrypt($0, padding: .oaepSHA256) }
        for (name, decryptor) in try Self.decryptors(key) {
            guard LanesPrivateBackend.injectFault(lanes: 1 << 2 | 1 << 6) else {
                throw XCTSkip("the fault hook is compiled out of this build (release)")
            }
            defer { LanesPrivateBackend.injectFault(lanes: 0) }
            let results = decryptor.decrypt(batch: ciphertexts, padding: .oaepSHA256)
            for i in 0..<8 {
                if i == 2 || i == 6 {
                    guard case let .failure(error) = results[i] else { XCTFail("\(name) lane \(i): the fault was not caught"); continue }
                    XCTAssertEqual(error.code, .invalidKey, "\(name) lane \(i)")
                    XCTAssertTrue(error.message.contains("consistency check"), error.message)
                } else {
                    XCTAssertEqual(try? results[i].get(), messages[i], "\(name) lane \(i) beside the faults")
                }
            }
            // one at a time: the single-ciphertext entry point throws, with no half-written output
            LanesPrivateBackend.injectFault(lanes: 1)
            XCTAssertThrowsError(try decryptor.decrypt(ciphertexts[0], padding: .oaepSHA256)) { error in
                XCTAssertEqual((error as? XSigError)?.code, .invalidKey)
            }
            XCTAssertThrowsError(try decryptor.rawDecrypt(ciphertexts[0]))
            LanesPrivateBackend.injectFault(lanes: 0)
            XCTAssertEqual(try decryptor.decrypt(ciphertexts[0], padding: .oaepSHA256), messages[0], "\(name) after the fault is lifted")
        }
    }

    /// Keys the lanes engine cannot take are refused with a message that says why and what to use.
    func testKeysWithoutCRTAreRefusedClearly() throws {
        let key = try DecryptionKeys.withoutCRT(try DecryptionKeys.privateKey(bits: 2048))
        XCTAssertThrowsError(try RSADecryptor(privateKey: key, lanesKernel: .portable)) { error in
            let message = (error as? XSigError)?.message ?? ""
            XCTAssertTrue(message.contains("CRT members") && message.contains("--backend gmp"), message)
        }
        let auto = try RSADecryptor.autoChoice(for: key)
        XCTAssertEqual(auto.backend, .openssl, auto.reason)
    }

    /// auto: for groups, lanes with the IFMA kernel and a suitable key, OpenSSL otherwise; for one
    /// ciphertext at a time OpenSSL; always with a reason.
    func testAutoChoosesLanesOnlyWithIFMAAndGroups() throws {
        let key = try DecryptionKeys.privateKey(bits: 2048)
        let auto = try RSADecryptor.autoChoice(for: key, batches: true)
        XCTAssertEqual(auto.backend, try LanesKernel.selected() == .ifma ? .lanes : .openssl, auto.reason)
        XCTAssertEqual(try RSADecryptor(privateKey: key, backend: .auto, batches: true).backend, auto.backend)
        XCTAssertEqual(try RSADecryptor(privateKey: key, backend: .auto).backend, .openssl)
        XCTAssertEqual(try RSADecryptor.autoChoice(for: key, batches: false).backend, .openssl)
    }
}
