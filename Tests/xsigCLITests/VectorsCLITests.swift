import Foundation
import XCTest

/// `xsig vectors` end to end through the built binary. Sources of truth: the committed vector
/// files (checked independently by vectors/reproduce.py in CI) and the files the binary itself
/// wrote a moment earlier (determinism).
final class VectorsCLITests: XCTestCase {
    func files(_ directory: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            out[String(url.path.dropFirst(directory.path.count))] = try Data(contentsOf: url)
        }
        return out
    }

    func testGenerateIsDeterministicAndChecks() throws {
        let a = try CLIRunner.temporaryDirectory(self), b = try CLIRunner.temporaryDirectory(self)
        let arguments = ["vectors", "generate", "--bits", "1024", "--padding", "pkcs1,oaep-sha256-mgf1sha1", "--count", "3", "--seed", "00ff"]
        let first = try CLIRunner.run(arguments + ["--out", a.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stderr, "")
        XCTAssertEqual(first.stdout.split(separator: "\n").map { String($0.dropFirst(a.path.count + 1)) },
                       ["keys/rsa-1024.pem", "keys/rsa-1024.pub.pem", "xsig_rsa_pkcs1_1024_test.json (30 tests)",
                        "xsig_rsa_oaep_1024_sha256_mgf1sha1_test.json (31 tests)"])
        XCTAssertEqual(try CLIRunner.run(arguments + ["--out", b.path]).status, 0)
        let filesA = try files(a), filesB = try files(b)
        XCTAssertEqual(filesA.count, 4)
        XCTAssertEqual(filesA, filesB, "same arguments, byte-identical files")

        let check = try CLIRunner.run(["vectors", "check", a.appendingPathComponent("xsig_rsa_pkcs1_1024_test.json").path,
                                       a.appendingPathComponent("xsig_rsa_oaep_1024_sha256_mgf1sha1_test.json").path])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertEqual(check.stderr, "")
        XCTAssertTrue(check.stdout.contains("xsig_rsa_pkcs1_1024_test.json: RSAES-PKCS1-v1_5, 1 group, 30 tests (10 valid, 20 invalid, 0 acceptable)\n"
                                            + "  gmp:     30 passed (10 valid decrypted, 20 invalid rejected), 10 re-encrypted to ct, 0 failed\n"
                                            + "  openssl: 30 passed (10 valid decrypted, 20 invalid rejected), 10 re-encrypted to ct, 0 failed\n"
                                            + "  lanes:   30 passed (10 valid decrypted, 20 invalid rejected), 10 re-encrypted to ct, 0 failed\n"
                                            + "  X-signature: 9 payloads and Base64 signatures checked\n"), check.stdout)
        XCTAssertTrue(check.stdout.hasSuffix("vectors check: 2 files, 61 tests, 0 failures\n"), check.stdout)

        // --key-dir reads the keys instead of deriving them: same files.
        let c = try CLIRunner.temporaryDirectory(self)
        let fromKeys = try CLIRunner.run(arguments + ["--out", c.path, "--key-dir", a.appendingPathComponent("keys").path])
        XCTAssertEqual(fromKeys.status, 0, fromKeys.stderr)
        XCTAssertEqual(try files(c), filesA)
    }

    func testCommittedVectorsCheckOnBothBackends() throws {
        let directory = URL(fileURLWithPath: CLIRunner.path("vectors"))
        var paths: [String] = []
        for sub in ["generated", "wycheproof", "converted"] {
            paths += try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(sub).path)
                .filter { $0.hasSuffix(".json") }.sorted().map { directory.appendingPathComponent(sub).appendingPathComponent($0).path }
        }
        let r = try CLIRunner.run(["vectors", "check"] + paths)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertFalse(r.stdout.contains("FAIL"))
        XCTAssertTrue(r.stdout.contains("rsa_pkcs1_2048_test.json: RSAES-PKCS1-v1_5, 33 groups, 67 tests (42 valid, 25 invalid, 0 acceptable)\n"
                                        + "  gmp:     67 passed (42 valid decrypted, 25 invalid rejected), 0 failed\n"
                                        + "  openssl: 67 passed (42 valid decrypted, 25 invalid rejected), 0 failed\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("rsa_labs_pkcs1_test.json: RSAES-PKCS1-v1_5, 15 groups, 300 tests (300 valid, 0 invalid, 0 acceptable)\n"
                                        + "  gmp:     300 passed (300 valid decrypted, 0 invalid rejected), 300 re-encrypted to ct, 0 failed\n"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("vectors check: 22 files, 1172 tests, 0 failures\n"), r.stdout)
        print(r.stdout)
    }

    func testCheckFailsOnOneCorruptedOctet() throws {
        let source = CLIRunner.path("vectors/generated/xsig_rsa_oaep_2048_sha256_mgf1sha256_test.json")
        var text = try String(contentsOfFile: source, encoding: .utf8)
        // tcId 1's ciphertext, its last hex digit changed.
        let ct = try XCTUnwrap(text.range(of: "\"ct\": \""))
        let end = try XCTUnwrap(text[ct.upperBound...].firstIndex(of: "\""))
        let last = text.index(before: end)
        text.replaceSubrange(last...last, with: text[last] == "0" ? "1" : "0")
        let corrupted = try CLIRunner.temporaryDirectory(self).appendingPathComponent("corrupted.json")
        try text.write(to: corrupted, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["vectors", "check", corrupted.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("  FAIL tcId 1 [gmp]: valid case not decrypted: decryption error\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  FAIL tcId 1 [openssl]: valid case not decrypted: decryption error\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  FAIL tcId 1 [lanes]: valid case not decrypted: decryption error\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  FAIL tcId 1 [gmp]: re-encrypting msg with the case's padding bytes does not give ct\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  FAIL tcId 1 [lanes]: re-encrypting msg with the case's padding bytes does not give ct\n"), r.stdout)
        XCTAssertEqual(r.stderr, "xsig: vectors check: 1 file, 41 tests, 6 failures (in 1 file)\n")
        // One backend only.
        let gmp = try CLIRunner.run(["vectors", "check", "--backend", "gmp", corrupted.path])
        XCTAssertEqual(gmp.status, 1)
        XCTAssertFalse(gmp.stdout.contains("openssl"))
    }

    func testInputErrorsNameTheInput() throws {
        let missing = try CLIRunner.run(["vectors", "check", "/nonexistent/v.json"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stdout, "")
        XCTAssertEqual(missing.stderr, "xsig: vectors check /nonexistent/v.json: No such file or directory\n")

        let notVectors = try CLIRunner.temporaryDirectory(self).appendingPathComponent("x.json")
        try Data("{\"algorithm\":\"RSAES-OAEP\",\"numberOfTests\":1}".utf8).write(to: notVectors)
        let bad = try CLIRunner.run(["vectors", "check", notVectors.path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "xsig: vectors check \(notVectors.path): not a Wycheproof test-vector file: missing \"testGroups\"\n")

        let out = try CLIRunner.temporaryDirectory(self).path
        let bits = try CLIRunner.run(["vectors", "generate", "--out", out, "--bits", "1024,20x8"])
        XCTAssertEqual(bits.status, 2)
        XCTAssertEqual(bits.stderr, "xsig: --bits: '20x8' is not a key size in 1024...8192\n")
        let padding = try CLIRunner.run(["vectors", "generate", "--out", out, "--padding", "oaep-md5"])
        XCTAssertEqual(padding.status, 2)
        XCTAssertTrue(padding.stderr.hasPrefix("xsig: --padding: unknown padding 'oaep-md5'"), padding.stderr)
        let count = try CLIRunner.run(["vectors", "generate", "--out", out, "--count", "1"])
        XCTAssertEqual(count.status, 2)
        XCTAssertEqual(count.stderr, "xsig: vectors generate: --count must be at least 2 (the empty and the longest message)\n")
        let keyDir = try CLIRunner.run(["vectors", "generate", "--out", out, "--bits", "1024", "--key-dir", "/nonexistent"])
        XCTAssertEqual(keyDir.status, 2)
        XCTAssertEqual(keyDir.stderr, "xsig: --key-dir /nonexistent/rsa-1024.pem: cannot read the file\n")
    }

    func testConvertKATReproducesTheCommittedFiles() throws {
        let out = try CLIRunner.temporaryDirectory(self).appendingPathComponent("oaep.json")
        let r = try CLIRunner.run(["vectors", "convert-kat", "--padding", "oaep-sha1", "--out", out.path, CLIRunner.path("vectors/rsa-labs/oaep-sha1.kat")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "\(out.path) (60 tests)\n")
        XCTAssertEqual(try Data(contentsOf: out), try Data(contentsOf: URL(fileURLWithPath: CLIRunner.path("vectors/converted/rsa_labs_oaep_sha1_mgf1sha1_test.json"))))
    }

    func testHelp() throws {
        for arguments in [["vectors", "--help"], ["vectors", "generate", "--help"], ["vectors", "check", "--help"], ["vectors", "convert-kat", "--help"]] {
            let r = try CLIRunner.run(arguments)
            XCTAssertEqual(r.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(r.stdout.contains("Examples:"), arguments.joined(separator: " "))
        }
    }
}
