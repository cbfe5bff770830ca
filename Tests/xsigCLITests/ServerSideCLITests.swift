import Foundation
import XCTest

/// `xsig decrypt`, `xsig verify` and `xsig keygen` through the built binary: the output and
/// exit-status contract of the server side (0 success, 1 a negative answer, 2 bad arguments or
/// keys), with the bundled demo keys (public test material) and keys generated per test.
final class ServerSideCLITests: XCTestCase {
    let publicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    let privateKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pem")
    let weakPrivateKey = CLIRunner.path("vectors/keys/demo-rsa-1024.pem")
    let weakPublicKey = CLIRunner.path("vectors/keys/demo-rsa-1024.pub.pem")
    let timestamp = "1628496895102"

    private func run(_ arguments: [String], stdin: Data? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        try CLIRunner.run(arguments, stdin: stdin)
    }

    private func encrypt(_ messageHex: String, padding: String, label: String? = nil, key: String? = nil, extra: [String] = []) throws -> String {
        var arguments = ["encrypt", "--key", key ?? publicKey, "--message-hex", messageHex, "--padding", padding] + extra
        if let label { arguments += ["--label-hex", label] }
        let r = try run(arguments)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.trimmingCharacters(in: .newlines)
    }

    private func sign(token: String = "tok-123", timestamp: String? = nil, key: String? = nil, extra: [String] = []) throws -> String {
        let r = try run(["sign", "--key", key ?? publicKey, "--session-token", token, "--timestamp", timestamp ?? self.timestamp] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.trimmingCharacters(in: .newlines)
    }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    // MARK: - decrypt

    func testDecryptPrintsTheMessageAsLowercaseHexOnBothBackends() throws {
        let message = "48656c6c6f2c20736572766572"
        for (padding, label) in [("pkcs1", nil), ("oaep-sha256", nil), ("oaep-sha1", "6c6162656c"), ("oaep-sha256-mgf1sha1", nil)] as [(String, String?)] {
            let ciphertext = try encrypt(message, padding: padding, label: label)
            let base64 = Data(try XCTUnwrap(hexBytes(ciphertext))).base64EncodedString()
            for backend in ["gmp", "openssl", "lanes", "auto"] {
                for input in [["--ciphertext-hex", ciphertext.uppercased()], ["--ciphertext-base64", base64]] {
                    var arguments = ["decrypt", "--private-key", privateKey, "--padding", padding, "--backend", backend] + input
                    if let label { arguments += ["--label-hex", label] }
                    let r = try run(arguments)
                    XCTAssertEqual(r.status, 0, "\(padding) \(backend): \(r.stderr)")
                    XCTAssertEqual(r.stdout, message + "\n", "\(padding) \(backend)")
                    XCTAssertEqual(r.stderr, "")
                }
            }
        }
    }

    func testInvalidCiphertextIsOneGenericLineAndExitOne() throws {
        let ciphertext = try encrypt("00ff00ff", padding: "oaep-sha256")
        var tampered = Array(ciphertext)
        tampered[40] = tampered[40] == "0" ? "1" : "0"
        let cases: [(String, [String], String)] = [
            ("tampered byte", ["--ciphertext-hex", String(tampered)], "OAEP"),
            ("one byte short", ["--ciphertext-hex", String(ciphertext.dropFirst(2))], "not k octets"),
            ("wrong padding", ["--ciphertext-hex", ciphertext, "--padding", "pkcs1"], "PKCS#1 v1.5"),
            ("wrong label", ["--ciphertext-hex", ciphertext, "--label-hex", "00"], "lHash"),
            ("c >= n", ["--ciphertext-hex", String(repeating: "ff", count: 256)], "not smaller than the modulus"),
        ]
        for (name, arguments, explanation) in cases {
            for backend in ["gmp", "openssl"] {
                let r = try run(["decrypt", "--private-key", privateKey, "--backend", backend] + arguments)
                XCTAssertEqual(r.status, 1, "\(name) \(backend): \(r.stderr)")
                XCTAssertEqual(r.stdout, "", name)
                XCTAssertEqual(r.stderr, "xsig: decryption error\n", "\(name) \(backend)")
                let explained = try run(["decrypt", "--private-key", privateKey, "--backend", backend, "--explain"] + arguments)
                XCTAssertEqual(explained.status, 1, name)
                let lines = explained.stderr.split(separator: "\n")
                XCTAssertEqual(lines.count, 2, explained.stderr)
                XCTAssertTrue(lines.first?.hasPrefix("xsig: explain: ") ?? false, explained.stderr)
                XCTAssertTrue(explained.stderr.contains(explanation), "\(name) \(backend): \(explained.stderr)")
                XCTAssertEqual(lines.last, "xsig: decryption error")
            }
        }
    }

    func testBadArgumentsAndKeysExitTwoWithOneLine() throws {
        let directory = try CLIRunner.temporaryDirectory(self)
        let ecKey = directory.appendingPathComponent("ec.pem")
        try """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNy80mYUIw7dUWQPH
        S69IRUW6+5cHQMo6d8j+RM17nfShRANCAAS0hUn8a/6FFyA7I4IkmjNFH2qmMZB1
        AoHLdo0kewL+vXQgbFHLgPCvOvcuGsBzAZA6AyaDgqhnKAhND2kgcpi6
        -----END PRIVATE KEY-----
        """.write(to: ecKey, atomically: true, encoding: .utf8)
        let ct = String(repeating: "00", count: 256)
        let cases: [([String], String)] = [
            (["decrypt", "--private-key", privateKey], "give the ciphertext with --ciphertext-hex HEX or --ciphertext-base64 B64"),
            (["decrypt", "--private-key", privateKey, "--ciphertext-hex", ct, "--ciphertext-base64", "AA=="], "not both"),
            (["decrypt", "--private-key", privateKey, "--ciphertext-hex", "0g"], "--ciphertext-hex: invalid hex digit at position 2"),
            (["decrypt", "--private-key", privateKey, "--ciphertext-base64", "@@@@"], "--ciphertext-base64: invalid Base64 character"),
            (["decrypt", "--private-key", privateKey, "--ciphertext-hex", ct, "--padding", "pkcs1", "--label-hex", "00"], "--label-hex applies to OAEP"),
            (["decrypt", "--private-key", privateKey, "--ciphertext-hex", ct, "--padding", "oaep-md5"], "--padding: unknown padding"),
            (["decrypt", "--private-key", publicKey, "--ciphertext-hex", ct], "this is a public key (PEM PUBLIC KEY)"),
            (["decrypt", "--private-key", ecKey.path, "--ciphertext-hex", ct], "EC (id-ecPublicKey) private key, not RSA"),
            (["decrypt", "--private-key", weakPrivateKey, "--ciphertext-hex", ct], "pass --allow-weak-key"),
            (["decrypt", "--private-key", directory.appendingPathComponent("missing.pem").path, "--ciphertext-hex", ct], "missing.pem"),
            (["verify", "--private-key", privateKey], "give --signature B64 or --input FILE"),
            (["verify", "--private-key", privateKey, "--signature", "AA==", "--now", "soon"], "--now: timestamp must be"),
            (["verify", "--private-key", privateKey, "--input", directory.appendingPathComponent("none.ndjson").path], "none.ndjson"),
            (["keygen", "--bits", "1024", "--out", directory.appendingPathComponent("weak").path], "pass --allow-weak-key"),
            (["keygen", "--bits", "2048", "--exponent", "4", "--out", directory.appendingPathComponent("even").path], "--exponent: '4' is not an odd integer"),
        ]
        for (arguments, fragment) in cases {
            let r = try run(arguments)
            let context = arguments.joined(separator: " ")
            XCTAssertEqual(r.status, 2, "\(context): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", context)
            XCTAssertTrue(r.stderr.hasPrefix("xsig: "), "\(context): \(r.stderr)")
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "\(context): one line: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(fragment), "\(context): '\(r.stderr)' lacks '\(fragment)'")
        }
        // The weak key works with the opt-in, on both backends.
        let message = "0102"
        let ciphertext = try encrypt(message, padding: "oaep-sha256", key: weakPublicKey, extra: ["--allow-weak-key"])
        for backend in ["gmp", "openssl"] {
            let r = try run(["decrypt", "--private-key", weakPrivateKey, "--allow-weak-key", "--backend", backend, "--ciphertext-hex", ciphertext])
            XCTAssertEqual(r.stdout, message + "\n", r.stderr)
        }
    }

    // MARK: - keygen

    func testKeygenWritesAKeyPairThatOpenSSLLoadsAndThatRoundTrips() throws {
        let directory = try CLIRunner.temporaryDirectory(self)
        let prefix = directory.appendingPathComponent("server").path
        let r = try run(["keygen", "--bits", "2048", "--out", prefix])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("wrote \(prefix).pem (2048-bit RSA private key, PKCS#8 PRIVATE KEY, mode 0600)"), r.stdout)
        let privatePEM = try String(contentsOfFile: prefix + ".pem", encoding: .utf8)
        let publicPEM = try String(contentsOfFile: prefix + ".pub.pem", encoding: .utf8)
        XCTAssertTrue(privatePEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        XCTAssertTrue(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        let attributes = try FileManager.default.attributesOfItem(atPath: prefix + ".pem")
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["server.pem", "server.pub.pem"])

        // Refuses to overwrite; --force replaces both with a new key.
        let again = try run(["keygen", "--bits", "2048", "--out", prefix])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("already exists; pass --force"), again.stderr)
        XCTAssertEqual(try String(contentsOfFile: prefix + ".pem", encoding: .utf8), privatePEM)
        let forced = try run(["keygen", "--bits", "2048", "--out", prefix, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertNotEqual(try String(contentsOfFile: prefix + ".pem", encoding: .utf8), privatePEM)
        let forcedAttributes = try FileManager.default.attributesOfItem(atPath: prefix + ".pem")
        XCTAssertEqual((forcedAttributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        // Sign with the public half, verify with the private half, each key on each backend
        // (--backend openssl loads the PEM into OpenSSL).
        for signBackend in ["gmp", "openssl"] {
            let signature = try sign(token: "keygen-\(signBackend)", key: prefix + ".pub.pem", extra: ["--backend", signBackend])
            for verifyBackend in ["gmp", "openssl"] {
                let v = try run(["verify", "--private-key", prefix + ".pem", "--backend", verifyBackend, "--signature", signature,
                                 "--session-token", "keygen-\(signBackend)"])
                XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
                XCTAssertEqual(try json(v.stdout)["valid"] as? Bool, true)
            }
        }
        // And the openssl command line, where there is one, agrees that the key is sound.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["pkey", "-in", prefix + ".pem", "-check", "-noout"]
            process.standardOutput = Pipe()
            process.standardError = Pipe()
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "openssl pkey -check")
        }
    }

    func testKeygenWithPassphraseWritesAnEncryptedKeyThatDecryptReadsWithIt() throws {
        let directory = try CLIRunner.temporaryDirectory(self)
        let prefix = directory.appendingPathComponent("sealed").path
        let passphrase = directory.appendingPathComponent("pass.txt").path
        try "open sesame\n".write(toFile: passphrase, atomically: true, encoding: .utf8)
        let r = try run(["keygen", "--bits", "1024", "--allow-weak-key", "--out", prefix, "--passphrase-file", passphrase])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOfFile: prefix + ".pem", encoding: .utf8).hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let ciphertext = try encrypt("abcdef", padding: "oaep-sha256", key: prefix + ".pub.pem", extra: ["--allow-weak-key"])
        let without = try run(["decrypt", "--private-key", prefix + ".pem", "--allow-weak-key", "--ciphertext-hex", ciphertext])
        XCTAssertEqual(without.status, 2)
        XCTAssertTrue(without.stderr.contains("encrypted PKCS#8 key (PEM encrypted PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY))"), without.stderr)
        let with = try run(["decrypt", "--private-key", prefix + ".pem", "--allow-weak-key", "--passphrase-file", passphrase, "--ciphertext-hex", ciphertext])
        XCTAssertEqual(with.status, 0, with.stderr)
        XCTAssertEqual(with.stdout, "abcdef\n")
    }

    // MARK: - verify

    func testVerifyAcceptsAFreshSignatureAndPrintsItsFields() throws {
        let signature = try sign()
        let r = try run(["verify", "--private-key", privateKey, "--signature", signature, "--now", "1628496955102",
                         "--max-skew-seconds", "60", "--session-token", "tok-123"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "{\"valid\":true,\"reason\":null,\"session_token\":\"tok-123\",\"timestamp\":\"1628496895102\",\"nonce\":\"17b29fa9c7e\"}\n")
        XCTAssertEqual(r.stderr, "")
        // Every vendor padding, when told which.
        for padding in ["pkcs1", "oaep-sha256-mgf1sha1", "oaep-sha1"] {
            let other = try sign(extra: ["--padding", padding])
            for backend in ["openssl", "lanes"] {
                let v = try run(["verify", "--private-key", privateKey, "--signature", other, "--padding", padding, "--backend", backend])
                XCTAssertEqual(v.status, 0, padding + backend + v.stdout + v.stderr)
            }
        }
    }

    func testVerifyRejects() throws {
        let directory = try CLIRunner.temporaryDirectory(self)
        let otherPrefix = directory.appendingPathComponent("other").path
        XCTAssertEqual(try run(["keygen", "--bits", "2048", "--out", otherPrefix]).status, 0)
        let good = try sign()
        var tampered = Array(try XCTUnwrap(Data(base64Encoded: good)))
        tampered[17] ^= 0x40
        func payloadSignature(_ payload: String) throws -> String {
            let hex = payload.utf8.map { String(format: "%02x", $0) }.joined()
            return try encrypt(hex, padding: "oaep-sha256", extra: ["--output", "base64"])
        }
        let cases: [(String, String, [String], String)] = [
            ("wrong key", try sign(key: otherPrefix + ".pub.pem"), [], "decryption_error"),
            ("tampered byte", Data(tampered).base64EncodedString(), [], "decryption_error"),
            ("truncated", String(good.dropLast(4)), [], "decryption_error"),
            ("not Base64", "%%%", [], "malformed_signature"),
            ("stale timestamp", good, ["--now", "1628497195103", "--max-skew-seconds", "300"], "stale_timestamp"),
            ("from the future", good, ["--now", "1628496595101", "--max-skew-seconds", "300"], "future_timestamp"),
            ("stale against the clock", good, ["--max-skew-seconds", "300"], "stale_timestamp"),
            ("nonce not matching", try sign(extra: ["--nonce", "abc"]), [], "nonce_mismatch"),
            ("nonce in uppercase", try payloadSignature("session_token=tok-123&timestamp=1628496895102&nonce=17B29FA9C7E"), [], "nonce_mismatch"),
            ("reordered fields", try payloadSignature("timestamp=1628496895102&session_token=tok-123&nonce=17b29fa9c7e"), [], "field_order"),
            ("extra field", try payloadSignature("session_token=tok-123&timestamp=1628496895102&nonce=17b29fa9c7e&admin=1"), [], "extra_fields"),
            ("missing field", try payloadSignature("session_token=tok-123&timestamp=1628496895102"), [], "missing_field"),
            ("timestamp not digits", try payloadSignature("session_token=tok-123&timestamp=0x17b29fa9c7e&nonce=17b29fa9c7e"), [], "invalid_timestamp"),
            ("wrong token", good, ["--session-token", "tok-124"], "session_token_mismatch"),
            ("wrong padding", good, ["--padding", "oaep-sha256-mgf1sha1"], "decryption_error"),
        ]
        for (name, signature, extra, reason) in cases {
            for backend in ["gmp", "openssl"] {
                let r = try run(["verify", "--private-key", privateKey, "--signature", signature, "--backend", backend] + extra)
                XCTAssertEqual(r.status, 1, "\(name) \(backend): \(r.stdout) \(r.stderr)")
                XCTAssertEqual(r.stderr, "", name)
                let object = try json(r.stdout)
                XCTAssertEqual(object["valid"] as? Bool, false, name)
                XCTAssertEqual(object["reason"] as? String, reason, "\(name) \(backend)")
                XCTAssertEqual(Array(object.keys).sorted(), ["nonce", "reason", "session_token", "timestamp", "valid"])
            }
        }
    }

    // MARK: - verify --input

    /// A batch output file of our own making, in the batch issue's NDJSON shape.
    private func signedRecords(count: Int) throws -> [[String: Any]] {
        try (0..<count).map { i in
            let r = try run(["sign", "--key", publicKey, "--session-token", "batch-\(i)", "--timestamp", String(1_700_000_000_000 + i), "--output", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            var record = try json(r.stdout)
            record["index"] = i
            record["headers"] = ["X-signature": record["signature"]!, "X-agent": "load, \"test\"/1.0"]
            return record
        }
    }

    func testVerifyInputReportsEachFailingRecordForNDJSONAndCSV() throws {
        var records = try signedRecords(count: 8)
        records[2]["signature"] = records[3]["signature"]            // token and timestamp of another record
        records[5]["timestamp"] = "1700000000000"                       // claims another timestamp
        var bytes = Array(try XCTUnwrap(Data(base64Encoded: records[6]["signature"] as! String)))
        bytes[0] ^= 0x01
        records[6]["signature"] = Data(bytes).base64EncodedString()    // tampered
        let directory = try CLIRunner.temporaryDirectory(self)

        let ndjsonLines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
        let ndjson = directory.appendingPathComponent("signed.ndjson")
        try (ndjsonLines.prefix(4).joined(separator: "\n") + "\n{broken\n" + ndjsonLines.dropFirst(4).joined(separator: "\n") + "\n")
            .write(to: ndjson, atomically: true, encoding: .utf8)

        func csvField(_ value: Any) -> String {
            let text: String
            if let object = value as? [String: Any] {
                text = String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\nsecond line"
            } else {
                text = "\(value)"
            }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        let columns = ["index", "session_token", "timestamp", "nonce", "signature", "headers"]
        let csvText = columns.joined(separator: ",") + "\r\n"
            + records.map { record in columns.map { csvField(record[$0]!) }.joined(separator: ",") + "\r\n" }.joined()
        let csv = directory.appendingPathComponent("signed.csv")
        try csvText.write(to: csv, atomically: true, encoding: .utf8)

        for (file, expected) in [(ndjson.path, [(2, "session_token_mismatch"), (4, "malformed_record"), (5, "timestamp_mismatch"), (6, "decryption_error")]),
                                 (csv.path, [(2, "session_token_mismatch"), (5, "timestamp_mismatch"), (6, "decryption_error")])] {
            for (threads, backend) in [("1", "auto"), ("2", "auto"), ("1", "lanes"), ("2", "lanes"), ("1", "gmp"), ("1", "openssl")] {
                let r = try run(["verify", "--private-key", privateKey, "--input", file, "--threads", threads, "--backend", backend])
                XCTAssertEqual(r.status, 1, "\(file): \(r.stderr)")
                XCTAssertEqual(r.stderr, "")
                let lines = r.stdout.split(separator: "\n").map(String.init)
                let failing = try lines.dropLast().map { try json($0) }
                XCTAssertEqual(failing.map { $0["index"] as? Int }, expected.map { $0.0 }, "\(file) threads \(threads) \(backend): \(r.stdout)")
                XCTAssertEqual(failing.map { $0["reason"] as? String }, expected.map { $0.1 }, file)
                XCTAssertTrue(failing.allSatisfy { $0["valid"] as? Bool == false })
                let summary = try json(try XCTUnwrap(lines.last))
                let total = file.hasSuffix("ndjson") ? 9 : 8
                XCTAssertEqual(summary["records"] as? Int, total, r.stdout)
                XCTAssertEqual(summary["invalid"] as? Int, expected.count)
                XCTAssertEqual(summary["valid"] as? Int, total - expected.count)
            }
        }
        // A clean file, from stdin: counts only, exit 0.
        let clean = try signedRecords(count: 3).map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
        let r = try run(["verify", "--private-key", privateKey, "--input", "-"], stdin: Data(clean.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "{\"records\":3,\"valid\":3,\"invalid\":0}\n")
        // Freshness applies to every record.
        let stale = try run(["verify", "--private-key", privateKey, "--input", "-", "--now", "1700000900000", "--max-skew-seconds", "60"], stdin: Data(clean.utf8))
        XCTAssertEqual(stale.status, 1)
        XCTAssertEqual(stale.stdout.split(separator: "\n").last.map(String.init), "{\"records\":3,\"valid\":0,\"invalid\":3}")
    }

    func testDemoDecryptsAndVerifiesOnTheServerSide() throws {
        let r = try run(["demo", "--seconds", "0.05"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Server side: 5 GMP CRT decryptions matched; xsig verify of the first signature: valid"), r.stdout)
    }

    private func hexBytes(_ hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
