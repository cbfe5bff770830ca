import Foundation
import XCTest
@testable import XSignature
@testable import XSigVectors

/// Sources of truth: the committed vector files (xsig's, upstream Wycheproof's verbatim copies
/// with their provenance in vectors/README.md, the converted RSA Laboratories answers) and
/// RFC 8017's decryption checks. The checker must pass them on both backends and must fail when
/// a file is tampered with.
final class VectorsCheckerTests: XCTestCase {
    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: VectorsGeneratorTests.root.appendingPathComponent(relative)))
    }

    static func files(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: VectorsGeneratorTests.path(directory))
            .filter { $0.hasSuffix(".json") }.sorted().map { directory + "/" + $0 }
    }

    func testCommittedFilesPassOnBothBackends() throws {
        let checker = VectorChecker()
        var summary: [String] = []
        for name in try Self.files(in: "vectors/generated") + Self.files(in: "vectors/wycheproof") + Self.files(in: "vectors/converted") {
            let report = try checker.check(bytes: try Self.bytes(name), name: name)
            XCTAssertTrue(report.passed, report.lines.joined(separator: "\n"))
            XCTAssertEqual(report.skipped, 0, name)
            XCTAssertGreaterThan(report.tests, 0, name)
            for backend in RSAEncryptor.Backend.engines {
                let c = report.counts[backend] ?? .init()
                // Every engine, lanes included, decrypts or rejects every case.
                XCTAssertEqual(c.validPassed + c.invalidRejected + c.acceptableAccepted + c.acceptableRejected, report.tests, "\(name) \(backend)")
                XCTAssertEqual(c.validPassed, report.byResult[.valid] ?? 0, "\(name) \(backend)")
                if name.hasPrefix("vectors/generated") || name.hasPrefix("vectors/converted") {
                    XCTAssertEqual(c.reencrypted, report.byResult[.valid], "every valid case re-encrypts: \(name) \(backend)")
                }
            }
            summary.append(report.lines[0])
        }
        XCTAssertEqual(summary.count, 16 + 4 + 2)
        print(summary.joined(separator: "\n"))
    }

    func testUpstreamCountsAreKnown() throws {
        let expected = ["rsa_oaep_2048_sha1_mgf1sha1_test.json": (36, 17, 19), "rsa_oaep_2048_sha256_mgf1sha1_test.json": (31, 13, 18),
                        "rsa_oaep_2048_sha256_mgf1sha256_test.json": (37, 18, 19), "rsa_pkcs1_2048_test.json": (67, 42, 25)]
        for (name, (tests, valid, invalid)) in expected {
            let report = try VectorChecker().check(bytes: try Self.bytes("vectors/wycheproof/" + name), name: name)
            XCTAssertEqual([report.tests, report.byResult[.valid], report.byResult[.invalid]], [tests, valid, invalid], name)
            XCTAssertTrue(report.passed, report.lines.joined(separator: "\n"))
        }
    }

    /// A one-octet change of a ciphertext makes the check fail: a valid case no longer decrypts,
    /// and an invalid case built to break one check then fails another (or none).
    func testCorruptedCiphertextsAreCaught() throws {
        let checker = VectorChecker()
        for name in ["vectors/generated/xsig_rsa_pkcs1_1024_test.json", "vectors/generated/xsig_rsa_oaep_1024_sha256_mgf1sha256_test.json"] {
            let file = try WycheproofFile.decode(try Self.bytes(name))
            var caught = 0, tried = 0
            for test in file.testGroups[0].tests where !test.ct.isEmpty {
                // Corruption cannot show in these families: the length stays wrong, c stays >= n
                // or the broken first octet stays broken.
                let immune = ["WrongCiphertextLength", "CiphertextNotReduced", "OaepFirstByteNotZero", "Pkcs1FirstByteNotZero",
                              "WrongPaddingVariant"]
                if test.flags.contains(where: immune.contains) { continue }
                var ct = try Hex.decode(test.ct)
                ct[ct.count / 2] ^= 0x01
                var single = file
                var corrupted = test
                corrupted.ct = Hex.encode(ct)
                single.testGroups[0].tests = [corrupted]
                single.numberOfTests = 1
                tried += 1
                let report = checker.check(single, name: name)
                if !report.passed { caught += 1 } else { XCTFail("\(name) tcId \(test.tcId) corrupted but passed: \(test.comment)") }
                if test.result == .valid {
                    XCTAssertEqual(Set(report.failures.compactMap(\.backend)), Set(RSAEncryptor.Backend.engines), "every engine notices")
                }
            }
            XCTAssertEqual(caught, tried)
            XCTAssertGreaterThan(tried, 20)
        }
    }

    func testCheckerFailsOnTamperedFields() throws {
        let name = "vectors/generated/xsig_rsa_pkcs1_1024_test.json"
        let original = try WycheproofFile.decode(try Self.bytes(name))
        let checker = VectorChecker()
        func failures(_ change: (inout WycheproofFile) -> Void) -> [String] {
            var file = original
            change(&file)
            return checker.check(file, name: name).failures.map(\.description)
        }
        XCTAssertEqual(failures { _ in }, [])
        XCTAssertEqual(failures { $0.numberOfTests += 1 }, ["file: numberOfTests is \(original.numberOfTests + 1) but the file has \(original.numberOfTests) tests"])
        // A valid case marked invalid is accepted by every engine: three failures.
        XCTAssertEqual(failures { $0.testGroups[0].tests[0].result = .invalid }.count, 3)
        // The message of a valid case.
        XCTAssertEqual(failures { file in
            let msg = file.testGroups[0].tests[1].msg
            file.testGroups[0].tests[1].msg = (msg.hasPrefix("00") ? "01" : "00") + msg.dropFirst(2)
        }.count, 6,
                       "decryption and re-encryption on gmp, openssl and lanes")
        // ... which is still one failed test per engine in the summary lines.
        var changed = original
        let msg = changed.testGroups[0].tests[1].msg
        changed.testGroups[0].tests[1].msg = (msg.hasPrefix("00") ? "01" : "00") + msg.dropFirst(2)
        let report = checker.check(changed, name: name)
        for backend in RSAEncryptor.Backend.engines {
            XCTAssertEqual(report.counts[backend]?.failed, 1, "\(backend): two checks of one test fail, one test counted")
            let line = try XCTUnwrap(report.lines.first { $0.hasPrefix("  \(backend.rawValue):") })
            XCTAssertTrue(line.hasSuffix(", 1 failed"), line)
        }
        // The deterministic index: re-encryption differs on every engine.
        XCTAssertEqual(failures { $0.testGroups[0].tests[2].index! += 1 }, ["tcId 3 [gmp]: re-encrypting msg with the case's padding bytes does not give ct",
                                                                            "tcId 3 [openssl]: re-encrypting msg with the case's padding bytes does not give ct",
                                                                            "tcId 3 [lanes]: re-encrypting msg with the case's padding bytes does not give ct"])
        let xsig = original.testGroups[0].tests.firstIndex { $0.flags == ["XSignature"] }!
        let id = original.testGroups[0].tests[xsig].tcId
        XCTAssertEqual(failures { $0.testGroups[0].tests[xsig].signature = Base64.encode([1, 2, 3]) },
                       ["tcId \(id): X-signature: signature is not the Base64 of ct"])
        XCTAssertEqual(failures { $0.testGroups[0].tests[xsig].timestamp = "1" }.count, 1)
        XCTAssertEqual(failures { $0.testGroups[0].tests[xsig].nonce = nil },
                       ["tcId \(id): X-signature case without all of sessionToken, timestamp, nonce, payload, signature"])
        // An invalid case flagged for another check than the one it breaks.
        let shortPS = original.testGroups[0].tests.firstIndex { $0.flags.contains("Pkcs1ShortPS") }!
        let wrongReason = failures { $0.testGroups[0].tests[shortPS].flags = ["InvalidPkcs1Padding", "Pkcs1WrongBlockType"] }
        XCTAssertEqual(wrongReason.count, 2, "gmp and openssl explain; lanes only rejects")
        XCTAssertTrue(wrongReason[0].contains("rejected, but for another reason: PKCS#1 v1.5: PS is shorter than 8 octets"), wrongReason[0])
        // The key fields must agree with each other.
        XCTAssertEqual(failures { $0.testGroups[0].e = "03" }.first, "file: group 1: cannot read the key: n, e or d disagree with the encoded private key")
        XCTAssertEqual(failures { $0.testGroups[0].keySize = 2048 }, ["file: group 1: keySize is 2048 but the key has 1024 bits"])
    }

    func testUnsupportedHashesAreSkippedNotFailed() throws {
        var file = try WycheproofFile.decode(try Self.bytes("vectors/wycheproof/rsa_oaep_2048_sha256_mgf1sha1_test.json"))
        file.testGroups[0].sha = "SHA-512/224"
        let report = VectorChecker().check(file, name: "x")
        XCTAssertTrue(report.passed)
        XCTAssertEqual(report.skipped, 31)
        XCTAssertEqual(report.notes, ["group 1: OAEP with SHA-512/224 and MGF1-SHA-1 is not supported by xsig (SHA-1, SHA-224, SHA-256, SHA-384, SHA-512) (31 tests skipped)"])
        XCTAssertTrue(report.lines[0].hasSuffix("31 tests (13 valid, 18 invalid, 0 acceptable, 31 skipped)"), report.lines[0])
    }

    /// Wycheproof's first schema generation: `keysize`, notes as strings, the key as n/e/d only
    /// (or a PKCS#1 `RSA PRIVATE KEY` PEM).
    func testVersionZeroFilesAreRead() throws {
        let text = String(decoding: try Self.bytes("vectors/generated/xsig_rsa_oaep_1024_sha1_mgf1sha1_test.json"), as: UTF8.self)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        object["schema"] = "rsaes_oaep_decrypt_schema.json"
        object["notes"] = (object["notes"] as! [String: [String: String]]).mapValues { $0["description"]! }
        var group = (object["testGroups"] as! [[String: Any]])[0]
        group["keysize"] = group.removeValue(forKey: "keySize")
        for member in ["privateKeyPem", "privateKeyPkcs8", "publicKeyPem"] { group.removeValue(forKey: member) }
        group["tests"] = (group["tests"] as! [[String: Any]]).map { test -> [String: Any] in
            var test = test.filter { !["seed", "index", "sessionToken", "timestamp", "nonce", "payload", "signature"].contains($0.key) }
            test["flags"] = (test["flags"] as! [String]).filter { $0 != "XSignature" }
            return test
        }
        object["testGroups"] = [group]
        let v0 = try JSONSerialization.data(withJSONObject: object)
        let report = try VectorChecker().check(bytes: Array(v0), name: "v0")
        XCTAssertTrue(report.passed, report.lines.joined(separator: "\n"))
        XCTAssertEqual(report.counts[.gmp]?.validPassed, 20)
        XCTAssertEqual(report.counts[.openssl]?.invalidRejected, 22)
        XCTAssertEqual(report.counts[.gmp]?.reencrypted, 0)
        XCTAssertEqual(report.xsignatures, 0)
        XCTAssertTrue(report.notes.contains { $0.contains("not decrypted on lanes") && $0.contains("CRT members") }, "\(report.notes)")
    }

    func testNotAVectorFile() {
        XCTAssertThrowsError(try WycheproofFile.decode(Array("{\"algorithm\":\"RSAES-OAEP\"}".utf8))) {
            XCTAssertEqual(($0 as? XSigError)?.message, "not a Wycheproof test-vector file: missing \"numberOfTests\"")
        }
        XCTAssertThrowsError(try WycheproofFile.decode(Array("[1,".utf8))) {
            XCTAssertEqual(($0 as? XSigError)?.message, "not valid JSON")
        }
        let report = VectorChecker().check(WycheproofFile(algorithm: "ECDSA", schema: nil, header: [], notes: [:], testGroups: [
            WycheproofTestGroup(type: "EcdsaVerify", source: VectorGenerator.source, keySize: 256, n: "", e: "", d: "",
                                privateKeyPem: "", privateKeyPkcs8: "", publicKeyPem: "", tests: [
                                    WycheproofTestCase(tcId: 1, comment: "", flags: [], msg: [], ct: [], label: nil, result: .valid)]),
        ]), name: "ecdsa")
        XCTAssertEqual(report.skipped, 1)
        XCTAssertEqual(report.notes, ["group 1: algorithm ECDSA is not RSAES-PKCS1-v1_5 or RSAES-OAEP (1 tests skipped)"])
    }
}
