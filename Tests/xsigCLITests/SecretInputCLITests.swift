import Foundation
import XCTest

/// Secrets off the command line and the warnings of the one input rule: every way of giving a
/// session token (argv, `--session-token -`, `--session-token-file`, `XSIG_SESSION_TOKEN`) signs
/// the same bytes; passphrases come from a file, stdin or `XSIG_KEY_PASSPHRASE`; timestamps that
/// look like seconds and stale server-date bodies are signed but warned about; `inspect-key
/// --output json` carries the fingerprint OpenSSL computes. (Refusals are rows of
/// ``BadInputMatrixTests``.)
final class SecretInputCLITests: XCTestCase {
    let publicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    let privateKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pem")
    let weakPublicKey = CLIRunner.path("vectors/keys/demo-rsa-1024.pub.pem")
    let timestamp = "1628496895102"
    let seedWarning = "xsig: warning: --seed makes the padding deterministic; the output is for test vectors only, never for real traffic\n"
    var dir: URL!

    override func setUpWithError() throws { dir = try CLIRunner.temporaryDirectory(self) }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XSIG_SESSION_TOKEN"] = nil
        environment["XSIG_KEY_PASSPHRASE"] = nil
        return environment.merging(extra) { $1 }
    }

    func testEveryTokenSourceSignsTheSameBytes() throws {
        let token = "tok-\(UUID().uuidString)"
        let sign = ["sign", "--key", publicKey, "--timestamp", timestamp, "--seed", "00", "--output", "json"]
        let plain = try write("plain.txt", token)
        let lf = try write("lf.txt", token + "\n")
        let crlf = try write("crlf.txt", token + "\r\n")
        let runs = [
            ("argv", try CLIRunner.run(sign + ["--session-token", token], environment: environment([:]))),
            ("--session-token - (stdin)", try CLIRunner.run(sign + ["--session-token", "-"], stdin: Data((token + "\n").utf8), environment: environment([:]))),
            ("--session-token-file - (stdin)", try CLIRunner.run(sign + ["--session-token-file", "-"], stdin: Data(token.utf8), environment: environment([:]))),
            ("file without newline", try CLIRunner.run(sign + ["--session-token-file", plain], environment: environment([:]))),
            ("file with LF", try CLIRunner.run(sign + ["--session-token-file", lf], environment: environment([:]))),
            ("file with CRLF", try CLIRunner.run(sign + ["--session-token-file", crlf], environment: environment([:]))),
            ("XSIG_SESSION_TOKEN", try CLIRunner.run(sign, environment: environment(["XSIG_SESSION_TOKEN": token]))),
            ("a flag beats the environment", try CLIRunner.run(sign + ["--session-token-file", lf], environment: environment(["XSIG_SESSION_TOKEN": "other"]))),
        ]
        let expected = runs[0].1.stdout
        XCTAssertTrue(expected.contains("\"session_token\":\"\(token)\""), expected)
        XCTAssertTrue(expected.contains("\"payload\":\"session_token=\(token)&timestamp=\(timestamp)&nonce=17b29fa9c7e\""), expected)
        for (name, r) in runs {
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            XCTAssertEqual(r.stdout, expected, name)
            XCTAssertEqual(r.stderr, seedWarning, name)
        }
    }

    func testHeadersAndVerifyReadTheTokenFromAFile() throws {
        let token = "tok-\(UUID().uuidString)"
        let file = try write("token.txt", token + "\n")
        let other = try write("other.txt", "someone-else\n")
        let headers = try CLIRunner.run(["headers", "--key", publicKey, "--session-token-file", file, "--timestamp", timestamp, "--format", "json",
                                         "--domain", "idp.example", "--client-id", "c", "--device-fingerprint", "f", "--os-version", "1", "--agent", "a"],
                                        environment: environment([:]))
        XCTAssertEqual(headers.status, 0, headers.stderr)
        XCTAssertTrue(headers.stdout.contains("\"session_token\":\"\(token)\""), headers.stdout)

        let signature = try CLIRunner.run(["sign", "--key", publicKey, "--session-token-file", file, "--timestamp", timestamp], environment: environment([:]))
        XCTAssertEqual(signature.status, 0, signature.stderr)
        let sig = signature.stdout.trimmingCharacters(in: .newlines)
        let verify = ["verify", "--private-key", privateKey, "--signature", sig]
        let same = try CLIRunner.run(verify + ["--session-token-file", file], environment: environment([:]))
        XCTAssertEqual(same.status, 0, same.stdout + same.stderr)
        XCTAssertTrue(same.stdout.hasPrefix("{\"valid\":true"), same.stdout)
        let mismatch = try CLIRunner.run(verify + ["--session-token-file", other], environment: environment([:]))
        XCTAssertEqual(mismatch.status, 1, mismatch.stdout)
        XCTAssertTrue(mismatch.stdout.contains("\"reason\":\"session_token_mismatch\""), mismatch.stdout)
        let viaStdin = try CLIRunner.run(verify + ["--session-token", "-"], stdin: Data("someone-else\n".utf8), environment: environment([:]))
        XCTAssertEqual(viaStdin.status, 1, viaStdin.stdout)
        // verify does not read XSIG_SESSION_TOKEN: a token left there must not switch the check on.
        let ambient = try CLIRunner.run(verify, environment: environment(["XSIG_SESSION_TOKEN": "someone-else"]))
        XCTAssertEqual(ambient.status, 0, ambient.stdout + ambient.stderr)
    }

    func testPassphraseFromEnvironmentOrStdin() throws {
        let key = try write("encrypted.pem", BadInputMatrixTests.encryptedWeakKey)
        let plaintext = "session_token=x&timestamp=1&nonce=1"
        let hex = plaintext.utf8.map { String(format: "%02x", $0) }.joined()
        let encrypted = try CLIRunner.run(["encrypt", "--key", weakPublicKey, "--allow-weak-key", "--message-hex", hex])
        XCTAssertEqual(encrypted.status, 0, encrypted.stderr)
        let ciphertext = encrypted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let decrypt = ["decrypt", "--private-key", key, "--allow-weak-key", "--ciphertext-hex", ciphertext]
        let runs = [
            ("XSIG_KEY_PASSPHRASE", try CLIRunner.run(decrypt, environment: environment(["XSIG_KEY_PASSPHRASE": "pw"]))),
            ("--passphrase-file - (stdin)", try CLIRunner.run(decrypt + ["--passphrase-file", "-"], stdin: Data("pw\n".utf8), environment: environment([:]))),
            ("the file beats the environment", try CLIRunner.run(decrypt + ["--passphrase-file", try write("pw.txt", "pw\n")],
                                                                 environment: environment(["XSIG_KEY_PASSPHRASE": "wrong"]))),
        ]
        for (name, r) in runs {
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stdout.contains(plaintext) || r.stdout.contains(hex), "\(name): \(r.stdout)")
        }
        let wrong = try CLIRunner.run(decrypt, environment: environment(["XSIG_KEY_PASSPHRASE": "wrong-\(UUID().uuidString)"]))
        XCTAssertEqual(wrong.status, 2, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("wrong passphrase"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("wrong-"), "the passphrase is never echoed: \(wrong.stderr)")
    }

    func testTimestampThatLooksLikeSecondsWarns() throws {
        let seconds = "1628496895"
        let warning = "xsig: warning: --timestamp: timestamp \(seconds) is under 10^11 and looks like epoch seconds"
        let sign = try CLIRunner.run(["sign", "--key", publicKey, "--session-token", "t", "--timestamp", seconds, "--output", "json"])
        XCTAssertEqual(sign.status, 0, sign.stderr)
        XCTAssertTrue(sign.stderr.hasPrefix(warning), sign.stderr)
        XCTAssertEqual(sign.stderr.split(separator: "\n").count, 1, sign.stderr)
        XCTAssertTrue(sign.stdout.contains("\"timestamp\":\"\(seconds)\""), "signed as given: \(sign.stdout)")

        let input = try write("tokens.txt", "a\nb\n")
        let batch = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", "-", "--timestamp", seconds, "--quiet"])
        XCTAssertEqual(batch.status, 0, batch.stderr)
        XCTAssertTrue(batch.stderr.hasPrefix(warning), batch.stderr)

        let verify = try CLIRunner.run(["verify", "--private-key", privateKey, "--signature", "AA==", "--now", seconds, "--max-skew-seconds", "5"])
        XCTAssertTrue(verify.stderr.hasPrefix("xsig: warning: --now: timestamp \(seconds) is under 10^11"), verify.stderr)

        // 10^11 itself is milliseconds (1973-03-03): no warning.
        let edge = try CLIRunner.run(["sign", "--key", publicKey, "--session-token", "t", "--timestamp", "100000000000"])
        XCTAssertEqual(edge.status, 0, edge.stderr)
        XCTAssertEqual(edge.stderr, "")
        let below = try CLIRunner.run(["sign", "--key", publicKey, "--session-token", "t", "--timestamp", "99999999999"])
        XCTAssertTrue(below.stderr.hasPrefix("xsig: warning: --timestamp: timestamp 99999999999 is under 10^11"), below.stderr)
    }

    func testStaleServerTimeWarns() throws {
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        func sign(_ milliseconds: UInt64) throws -> CLIResult {
            let body = try write("now-\(milliseconds).json", #"{"timestamp":"\#(milliseconds)"}"#)
            return try CLIRunner.run(["sign", "--key", publicKey, "--session-token", "t", "--server-time", body])
        }
        let fresh = try sign(now - 60_000)
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        XCTAssertEqual(fresh.stderr, "", "a minute old is fine")
        let twoHours = try sign(now - 2 * 3_600_000 - 60_000)
        XCTAssertEqual(twoHours.status, 0, twoHours.stderr)
        XCTAssertTrue(twoHours.stderr.hasPrefix("xsig: warning: --server-time "), twoHours.stderr)
        XCTAssertTrue(twoHours.stderr.contains("the server time is 2 h 1 min older than the local clock"), twoHours.stderr)
        XCTAssertEqual(twoHours.stdout.split(separator: "\n").count, 1, "still signed")
        let years = try sign(1_628_496_895_102)
        XCTAssertTrue(years.stderr.contains(" days older than the local clock"), years.stderr)
    }

    func testOnErrorSkipExitsOneWhenRecordsWereSkipped() throws {
        let good = try write("good.txt", "a\nb\n")
        let mixed = try write("mixed.txt", "a\nb&c\nd\n")
        let base = ["batch", "--key", publicKey, "--timestamp", timestamp, "--on-error", "skip"]
        let clean = try CLIRunner.run(base + ["--input", good, "--output", dir.appendingPathComponent("good.ndjson").path])
        XCTAssertEqual(clean.status, 0, clean.stderr)
        let output = dir.appendingPathComponent("mixed.ndjson").path
        let skipped = try CLIRunner.run(base + ["--input", mixed, "--output", output])
        XCTAssertEqual(skipped.status, 1, skipped.stderr)
        XCTAssertTrue(skipped.stderr.contains("3 records in = 2 out + 1 error (skipped)"), skipped.stderr)
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count, 2, "the good records are written")
        let help = try CLIRunner.run(["batch", "--help"])
        XCTAssertTrue(help.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
            .contains("the exit status is 1 when any record was skipped"), help.stdout)
    }

    func testInspectKeyJSONFingerprintIsOpenSSLsSHA256OfTheSPKI() throws {
        for (key, extra, bits) in [(publicKey, [String](), 2048), (weakPublicKey, ["--allow-weak-key"], 1024)] {
            let r = try CLIRunner.run(["inspect-key", "--key", key, "--output", "json"] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(object["form"] as? String, "pem-spki")
            XCTAssertEqual(object["modulus_bits"] as? Int, bits)
            let k = bits / 8
            XCTAssertEqual(object["modulus_octets"] as? Int, k)
            XCTAssertEqual(object["public_exponent"] as? String, "65537")
            let maxima = try XCTUnwrap(object["max_message_bytes"] as? [String: Any])
            XCTAssertEqual(maxima["pkcs1"] as? Int, k - 11)                      // RFC 8017 7.2.1
            XCTAssertEqual(maxima["oaep-sha256"] as? Int, k - 2 * 32 - 2)        // RFC 8017 7.1.1
            XCTAssertEqual(maxima["oaep-sha1"] as? Int, k - 2 * 20 - 2)
            if bits == 1024 { XCTAssertTrue(maxima["oaep-sha512"] is NSNull, "130 > 128: unusable") }

            let openssl = try CLIRunner.run(["-c", "openssl pkey -pubin -in \"$1\" -outform DER | sha256sum", "sh", key],
                                            executable: URL(fileURLWithPath: "/bin/sh"))
            XCTAssertEqual(openssl.status, 0, openssl.stderr)
            let expected = String(openssl.stdout.prefix(64))
            XCTAssertEqual(expected.count, 64)
            XCTAssertEqual(object["fingerprint_sha256"] as? String, expected)
            let text = try CLIRunner.run(["inspect-key", "--key", key] + extra)
            XCTAssertTrue(text.stdout.contains("fingerprint: sha256:\(expected) "), text.stdout)
        }
        // The same key in another form has the same fingerprint.
        let der = dir.appendingPathComponent("pub.der").path
        let converted = try CLIRunner.run(["-c", "openssl rsa -pubin -in \"$1\" -RSAPublicKey_out -outform DER -out \"$2\"", "sh", publicKey, der],
                                          executable: URL(fileURLWithPath: "/bin/sh"))
        XCTAssertEqual(converted.status, 0, converted.stderr)
        let fromPEM = try CLIRunner.run(["inspect-key", "--key", publicKey, "--output", "json"]).stdout
        let fromDER = try CLIRunner.run(["inspect-key", "--key", der, "--output", "json"]).stdout
        XCTAssertTrue(fromDER.contains("\"form\":\"der-pkcs1\""), fromDER)
        func fingerprint(_ json: String) -> Substring? { json.split(separator: "\"").drop { $0 != "fingerprint_sha256" }.dropFirst(2).first }
        XCTAssertNotNil(fingerprint(fromPEM))
        XCTAssertEqual(fingerprint(fromDER), fingerprint(fromPEM))
    }

    func testSignHelpTeachesTheSecretSources() throws {
        let help = try CLIRunner.run(["sign", "--help"])
        for fragment in ["--session-token-file", "XSIG_SESSION_TOKEN", "ps and shell history"] {
            XCTAssertTrue(help.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ").contains(fragment), fragment)
        }
        let decrypt = try CLIRunner.run(["decrypt", "--help"])
        XCTAssertTrue(decrypt.stdout.contains("XSIG_KEY_PASSPHRASE"), decrypt.stdout)
    }
}
