import Foundation
import XCTest
import XSignature

/// End-to-end through the built binary. Source of truth for every signature: OpenSSL decrypting
/// it with the demo private key (vectors/keys/demo-rsa-2048.pem, public test material).
final class CoreCLITests: XCTestCase {
    let publicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    let privateKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pem")
    let weakKey = CLIRunner.path("vectors/keys/demo-rsa-1024.pub.pem")

    func decrypt(_ base64: String, padding: RSAEncryptionPadding) throws -> String {
        let key = try OpenSSLKey.fromPEM(String(contentsOfFile: privateKey, encoding: .utf8), isPrivate: true)
        return String(decoding: try key.decrypt(try Base64.decode(base64), padding: padding), as: UTF8.self)
    }

    func testSignProducesADecryptableHeaderForEveryVendorPadding() throws {
        for name in ["oaep-sha256", "oaep-sha256-mgf1sha1", "oaep-sha1", "pkcs1"] {
            for backend in ["gmp", "openssl"] {
                let r = try CLIRunner.run(["sign", "--key", publicKey, "--session-token", "tok-123", "--timestamp", "1628496895102",
                                           "--padding", name, "--backend", backend])
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertEqual(r.stderr, "")
                let line = r.stdout.trimmingCharacters(in: .newlines)
                XCTAssertFalse(line.contains("\n"))
                XCTAssertEqual(line.count, 344)
                XCTAssertEqual(try decrypt(line, padding: try RSAEncryptionPadding(name: name)),
                               "session_token=tok-123&timestamp=1628496895102&nonce=17b29fa9c7e", "\(name) \(backend)")
            }
        }
    }

    func testSignDefaultsAndJSONOutput() throws {
        let before = Timestamp.now()
        let r = try CLIRunner.run(["sign", "--key", publicKey, "--session-token", "abc", "--output", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: String])
        XCTAssertEqual(Set(object.keys), ["session_token", "timestamp", "nonce", "payload", "padding", "signature"])
        let ts = try XCTUnwrap(UInt64(object["timestamp"]!))
        XCTAssertGreaterThanOrEqual(ts, before)
        XCTAssertLessThan(ts, before + 60_000)
        XCTAssertEqual(object["nonce"], String(ts, radix: 16))
        XCTAssertEqual(object["padding"], "oaep-sha256")
        XCTAssertEqual(try decrypt(object["signature"]!, padding: .oaepSHA256), object["payload"])
    }

    /// `--timestamp now` is the default spelt out, on the fast path and through the parser
    /// (`headers`), as `batch --timestamp now` already was.
    func testTimestampNowIsTheDefaultSpeltOut() throws {
        for arguments in [["sign", "--key", publicKey, "--session-token", "abc", "--timestamp", "now", "--output", "json"],
                          ["headers", "--key", publicKey, "--session-token", "abc", "--timestamp", "now", "--format", "json",
                           "--domain", "idp.example.com", "--client-id", "c", "--device-fingerprint", "f", "--os-version", "1", "--agent", "a"]] {
            let before = Timestamp.now()
            let r = try CLIRunner.run(arguments)
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
            let ts = try XCTUnwrap(UInt64(try XCTUnwrap(object["timestamp"] as? String)))
            XCTAssertGreaterThanOrEqual(ts, before, arguments[0])
            XCTAssertLessThan(ts, before + 60_000, arguments[0])
            XCTAssertEqual(r.stderr, "", "no warning for now")
        }
    }

    func testServerTimeFileAndStdinKey() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let body = dir.appendingPathComponent("server-date.json")
        try Data(#"{"timestamp":"1628496895102"}"#.utf8).write(to: body)
        let keyJSON = "{\"public_key\":\"\(try String(contentsOfFile: publicKey, encoding: .utf8).replacingOccurrences(of: "\n", with: "\\n"))\"}"
        let r = try CLIRunner.run(["sign", "--key", "-", "--session-token", "abc", "--server-time", body.path, "--output", "json"],
                                  stdin: Data(keyJSON.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains(#""timestamp":"1628496895102","nonce":"17b29fa9c7e""#), r.stdout)
    }

    func testSeedIsDeterministicAcrossBackendsAndWarns() throws {
        let args = ["sign", "--key", publicKey, "--session-token", "abc", "--timestamp", "1628496895102", "--seed", "00", "--index", "7"]
        let a = try CLIRunner.run(args + ["--backend", "gmp"])
        let b = try CLIRunner.run(args + ["--backend", "openssl"])
        XCTAssertEqual(a.status, 0)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertTrue(a.stderr.hasPrefix("xsig: warning: --seed makes the padding deterministic"), a.stderr)
        let c = try CLIRunner.run(Array(args.dropLast(2)) + ["--index", "8"])
        XCTAssertNotEqual(a.stdout, c.stdout)
        // And it matches the library with the same spec.
        let key = try PublicKeyDecoder().decode(Array(try Data(contentsOf: URL(fileURLWithPath: publicKey)))).key
        let payload = try SignaturePayload(sessionToken: "abc", timestamp: 1628496895102)
        XCTAssertEqual(a.stdout, try XSignatureSigner(key: key).sign(payload, randomness: .deterministic(seed: [0], index: 7)) + "\n")
    }

    /// RSA Laboratories pkcs1v15crypt-vectors.txt Example 1.1, replayed through --ps-hex.
    func testEncryptReplaysRSALabsVector() throws {
        let text = try String(contentsOfFile: CLIRunner.path("vectors/rsa-labs/pkcs1v15.kat"), encoding: .utf8)
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if fields[parts[0]] != nil { break }
            fields[parts[0]] = parts[1]
        }
        let key = try RSAPublicKey(modulus: try Hex.decode(fields["N"]!), publicExponent: try Hex.decode(fields["E"]!), policy: .allowingWeakKeys)
        let dir = try CLIRunner.temporaryDirectory(self)
        let keyFile = dir.appendingPathComponent("k.pem")
        try key.pkcs1PEMRepresentation.write(to: keyFile, atomically: true, encoding: .utf8)
        for backend in ["gmp", "openssl"] {
            let r = try CLIRunner.run(["encrypt", "--key", keyFile.path, "--allow-weak-key", "--padding", "pkcs1",
                                       "--message-hex", fields["Msg"]!, "--ps-hex", fields["PS"]!, "--backend", backend])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, fields["CT"]! + "\n")
        }
        let refused = try CLIRunner.run(["encrypt", "--key", keyFile.path, "--padding", "pkcs1", "--message-hex", "00"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("pass --allow-weak-key"), refused.stderr)
    }

    func testEncryptEmptyAndMaximumMessages() throws {
        let key = try OpenSSLKey.fromPEM(String(contentsOfFile: privateKey, encoding: .utf8), isPrivate: true)
        for (padding, maximum) in [("oaep-sha256", 190), ("pkcs1", 245)] {
            for length in [0, maximum] {
                let message = [UInt8](repeating: 0xa5, count: length)
                let r = try CLIRunner.run(["encrypt", "--key", publicKey, "--padding", padding, "--message-hex", Hex.encode(message),
                                           "--output", "base64"])
                XCTAssertEqual(r.status, 0, r.stderr)
                let ct = try Base64.decode(r.stdout.trimmingCharacters(in: .newlines))
                XCTAssertEqual(try key.decrypt(ct, padding: try RSAEncryptionPadding(name: padding)), message)
            }
        }
        let label = try CLIRunner.run(["encrypt", "--key", publicKey, "--padding", "oaep-sha256", "--message-hex", "01", "--label-hex", "6c6162656c"])
        XCTAssertEqual(try key.decrypt(try Hex.decode(label.stdout.trimmingCharacters(in: .newlines)), padding: .oaepSHA256, label: Array("label".utf8)), [1])
    }

    /// Bad input: one line on stderr starting `xsig: ` that names the input, exit 2, stdout empty,
    /// and the session token never echoed.
    func testBadInputMatrix() throws {
        let dir = try CLIRunner.temporaryDirectory(self)
        let corrupt = dir.appendingPathComponent("corrupt.pem")
        try Data("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----\n".utf8).write(to: corrupt)
        let badDate = dir.appendingPathComponent("date.json")
        try Data(#"{"timestamp":"yesterday"}"#.utf8).write(to: badDate)
        let secret = "s3cr3t-T0KEN"
        let sign = ["sign", "--key", publicKey, "--timestamp", "1"]
        let cases: [([String], String)] = [
            (["sign", "--key", privateKey, "--session-token", secret], "--key \(privateKey): this is a private key"),
            (["sign", "--key", "/nonexistent/key.pem", "--session-token", secret], "--key /nonexistent/key.pem: No such file"),
            (["sign", "--key", corrupt.path, "--session-token", secret], "--key \(corrupt.path): PEM PUBLIC KEY body is not a valid SubjectPublicKeyInfo"),
            (["sign", "--key", weakKey, "--session-token", secret], "under 2048 bits; pass --allow-weak-key"),
            (["sign", "--key", dir.path, "--session-token", secret], "is a directory"),
            (sign + ["--session-token", ""], "--session-token: session token is empty"),
            (sign + ["--session-token", "s3cr3t&x"], "--session-token: session token contains '&' at character 7"),
            (sign + ["--session-token", "s3cr3t x"], "contains whitespace at character 7"),
            (sign + ["--session-token", "s3cr3t\u{1}"], "contains a control character (U+1)"),
            (["sign", "--key", publicKey, "--session-token", secret, "--timestamp=-5"], "--timestamp: timestamp must be a non-negative integer"),
            (["sign", "--key", publicKey, "--session-token", secret, "--timestamp", "12.5"], "--timestamp: timestamp must be a non-negative integer"),
            (["sign", "--key", publicKey, "--session-token", secret, "--server-time", badDate.path], "--server-time \(badDate.path): timestamp must be"),
            (["sign", "--key", publicKey, "--session-token", secret, "--padding", "oaep-md5"], "--padding: unknown padding 'oaep-md5'"),
            (["sign", "--key", publicKey, "--session-token", secret, "--seed", "0g"], "--seed: invalid hex digit at position 2"),
            (["encrypt", "--key", publicKey, "--message-hex", "abc"], "--message-hex: hex string has an odd number of digits (3)"),
            (["encrypt", "--key", publicKey, "--message-hex", String(repeating: "00", count: 191)], "--message-hex: message too long: 191 bytes > 190 allowed by oaep-sha256 with a 2048-bit key"),
            (["encrypt", "--key", weakKey, "--allow-weak-key", "--padding", "oaep-sha256", "--message-hex", String(repeating: "00", count: 96)], "96 bytes > 62 allowed by oaep-sha256 with a 1024-bit key"),
            (["encrypt", "--key", publicKey, "--padding", "pkcs1", "--message-hex", "00", "--ps-hex", "0101"], "--ps-hex: PS must be 252 bytes"),
            (["encrypt", "--key", publicKey, "--padding", "pkcs1", "--message-hex", "00", "--oaep-seed-hex", "01"], "--oaep-seed-hex applies to OAEP paddings"),
        ]
        for (arguments, fragment) in cases {
            let r = try CLIRunner.run(arguments)
            let context = arguments.joined(separator: " ")
            XCTAssertEqual(r.status, 2, context)
            XCTAssertEqual(r.stdout, "", context)
            XCTAssertTrue(r.stderr.hasPrefix("xsig: "), "\(context): \(r.stderr)")
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "\(context): one line: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(fragment), "\(context): '\(r.stderr)' lacks '\(fragment)'")
            XCTAssertFalse(r.stderr.contains("s3cr3t"), "\(context): token leaked: \(r.stderr)")
        }
    }

    func testDemoRunsAndCrossChecks() throws {
        let r = try CLIRunner.run(["demo", "--seconds", "0.05"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("cross-checks against OpenSSL passed"), r.stdout)
        XCTAssertTrue(r.stdout.contains("X-signature: "))
        XCTAssertTrue(r.stdout.contains("signatures/s"))
    }

    func testBundledDemoKeyMatchesVectorsFiles() throws {
        let r = try CLIRunner.run(["inspect-key", "--key", publicKey])
        XCTAssertEqual(r.status, 0)
        let demo = try CLIRunner.run(["demo", "--seconds", "0.01"])
        let fingerprint = r.stdout.split(separator: "\n").first { $0.hasPrefix("fingerprint:") }!
            .split(separator: " ")[1]
        XCTAssertTrue(demo.stdout.contains("fingerprint \(fingerprint)"), "demo key differs from vectors/keys/demo-rsa-2048.pub.pem")
    }

    func testHelpTeaches() throws {
        let r = try CLIRunner.run(["sign", "--help"])
        XCTAssertEqual(r.status, 0)
        for fragment in ["--session-token", "--server-time", "oaep-sha256-mgf1sha1", "Examples:"] {
            XCTAssertTrue(r.stdout.contains(fragment), fragment)
        }
    }
}
