import Foundation
import XCTest

/// The bad-input matrix (issue 7): for every kind of input a user pastes into xsig, several
/// malformed values, each run through the built binary with a timeout. Every row asserts
///
/// - the exact exit status (2 bad input, 1 a negative answer such as `decryption error`);
/// - stderr is exactly one line `xsig: ...` (batch rows: every line starts `xsig: `, the first is
///   the error, then batch's own "stopped at the first bad record" note) that contains the row's
///   fragments, which name the input (`--key k.pem`, `--input x.csv: line 3`, ...);
/// - stdout is empty;
/// - no crash report: no "Fatal error", "Stack dump", backtrace or signal;
/// - the run finishes within ``timeout`` seconds;
/// - the distinctive session token ``secret`` (present in every row that can carry a token, on
///   the command line or in the input) and private key material never appear in stderr.
final class BadInputMatrixTests: XCTestCase {
    static let secret = "s3cr3t-TOKEN-9f8e7d"
    static let timeout: TimeInterval = 20

    struct Row {
        var name: String
        var arguments: [String]
        var stdin: Data? = nil
        var status: Int32 = 2
        /// Substrings of the (first) stderr line; the first names the input.
        var fragments: [String]
        /// Lines on stderr: 1, or 2 for batch runs stopped by a bad record.
        var lines = 1
        /// Added to the test's environment (XSIG_SESSION_TOKEN, XSIG_KEY_PASSPHRASE).
        var environment: [String: String] = [:]
        /// `arguments[0]` is a /bin/sh script run with `$0` = the xsig binary and the other
        /// arguments as `$1`...: the way to give xsig bytes that are not valid UTF-8.
        var shell = false
    }

    var dir: URL!
    let publicKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pub.pem")
    let privateKey = CLIRunner.path("vectors/keys/demo-rsa-2048.pem")
    let weakPublicKey = CLIRunner.path("vectors/keys/demo-rsa-1024.pub.pem")
    let weakPrivateKey = CLIRunner.path("vectors/keys/demo-rsa-1024.pem")
    let timestamp = "1628496895102"

    override func setUpWithError() throws {
        dir = try CLIRunner.temporaryDirectory(self)
    }

    /// Writes a fixture into the temporary directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        try file(name, Data(text.utf8))
    }

    func file(_ name: String, _ data: Data) throws -> String {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    /// Lines of the private keys' PEM bodies: none may ever show up in an error.
    lazy var privateKeyMaterial: [String] = {
        [privateKey, weakPrivateKey].flatMap { path -> [String] in
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { !$0.hasPrefix("-----") && $0.count >= 40 }.map { String($0.prefix(24)) }
        }
    }()

    func check(_ rows: [Row], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertFalse(rows.isEmpty, file: file, line: line)
        for row in rows {
            let environment = row.environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(row.environment) { $1 }
            let r = row.shell
                ? try CLIRunner.run(["-c", row.arguments[0], CLIRunner.binary.path] + row.arguments.dropFirst(), stdin: row.stdin,
                                    environment: environment, currentDirectory: dir, timeout: Self.timeout, executable: URL(fileURLWithPath: "/bin/sh"))
                : try CLIRunner.run(row.arguments, stdin: row.stdin, environment: environment, currentDirectory: dir, timeout: Self.timeout)
            let label = "[\(row.name)] \(row.arguments.joined(separator: " ").prefix(300)) -> status \(r.status), stderr: \(r.stderr.prefix(600))"
            XCTAssertFalse(r.timedOut, "hung for \(Self.timeout) s: \(label)", file: file, line: line)
            XCTAssertEqual(r.status, row.status, label, file: file, line: line)
            XCTAssertEqual(r.stdout, "", "stdout must stay empty on failure: \(label)", file: file, line: line)
            XCTAssertTrue(r.stderr.hasSuffix("\n"), label, file: file, line: line)
            let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            XCTAssertEqual(lines.count, row.lines, "stderr line count: \(label)", file: file, line: line)
            for text in lines {
                XCTAssertTrue(text.hasPrefix("xsig: "), "every stderr line starts with 'xsig: ': \(label)", file: file, line: line)
            }
            let first = lines.first.map(String.init) ?? ""
            for fragment in row.fragments {
                XCTAssertTrue(first.contains(fragment), "missing '\(fragment)': \(label)", file: file, line: line)
            }
            for crash in ["Fatal error", "Stack dump", "backtrace", "Backtrace", "Illegal instruction", "Segmentation", "Thread 0", "at /"] {
                XCTAssertFalse(r.stderr.contains(crash), "crash report (\(crash)): \(label)", file: file, line: line)
            }
            XCTAssertFalse(r.stderr.contains(Self.secret), "the session token leaked into stderr: \(label)", file: file, line: line)
            for material in privateKeyMaterial {
                XCTAssertFalse(r.stderr.contains(material), "private key material leaked into stderr: \(label)", file: file, line: line)
            }
        }
    }

    // MARK: - Public key (--key)

    func sign(key: String, extra: [String] = []) -> [String] {
        ["sign", "--key", key, "--session-token", Self.secret, "--timestamp", timestamp] + extra
    }

    func testPublicKey() throws {
        let pem = try String(contentsOfFile: publicKey, encoding: .utf8)
        let pemLines = pem.split(separator: "\n")
        let truncated = try file("truncated.pem", pemLines.prefix(3).joined(separator: "\n") + "\n")
        let corrupt = try file("corrupt.pem", pem.replacingOccurrences(of: "MIIB", with: "M!!B"))
        let shortBody = try file("short-body.pem", "-----BEGIN PUBLIC KEY-----\n" + pemLines[1] + "\n-----END PUBLIC KEY-----\n")
        let ec = try file("ec.pem", """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEA5DOKUgCu/uVCF+rIIBLN4yAGdfq
            FzTxcgoGHWkdb/jIQxbtZCFi1mQQtlb/CJwlKRaeSPJMb2mG/lXlXeCMSA==
            -----END PUBLIC KEY-----

            """)
        let ed25519 = try file("ed25519.pem", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAQB3hhw9I16/GlCwtiqcyGtAPNNsMov5/f0fgdqAoK/k=\n-----END PUBLIC KEY-----\n")
        let oddModulus = Self.base64url([0xC1] + [UInt8](repeating: 0x5A, count: 254) + [0x01])
        let evenModulus = Self.base64url([0xC1] + [UInt8](repeating: 0x5A, count: 254) + [0x02])
        let rows = [
            Row(name: "missing file", arguments: sign(key: "no-such-key.pem"), fragments: ["--key no-such-key.pem", "No such file"]),
            Row(name: "directory", arguments: sign(key: dir.path), fragments: ["--key \(dir.path)", "directory"]),
            Row(name: "empty", arguments: sign(key: try file("empty.pem", "")), fragments: ["--key ", "empty"]),
            Row(name: "prose", arguments: sign(key: try file("prose.txt", "paste your key here\n")), fragments: ["--key ", "Base64"]),
            Row(name: "punctuation", arguments: sign(key: try file("punct.txt", "key: <none>\n")), fragments: ["--key ", "not PEM, DER, JSON"]),
            Row(name: "binary", arguments: sign(key: try file("binary.bin", Data([0xff, 0xfe, 0x00, 0x01]))), fragments: ["--key ", "neither DER"]),
            Row(name: "truncated DER", arguments: sign(key: try file("truncated.der", Data([0x30, 0x82, 0x01, 0x22, 0x30]))), fragments: ["--key ", "malformed or truncated"]),
            Row(name: "truncated PEM", arguments: sign(key: truncated), fragments: ["--key \(truncated)", "truncated"]),
            Row(name: "corrupt PEM Base64", arguments: sign(key: corrupt), fragments: ["--key \(corrupt)", "Base64"]),
            Row(name: "PEM body cut short", arguments: sign(key: shortBody), fragments: ["--key \(shortBody)", "SubjectPublicKeyInfo"]),
            Row(name: "private key given", arguments: sign(key: privateKey), fragments: ["--key \(privateKey)", "private key", "-pubout"]),
            Row(name: "EC key", arguments: sign(key: ec), fragments: ["--key \(ec)", "EC"]),
            Row(name: "Ed25519 key", arguments: sign(key: ed25519), fragments: ["--key \(ed25519)", "Ed25519"]),
            Row(name: "weak key", arguments: sign(key: weakPublicKey), fragments: ["--key \(weakPublicKey)", "--allow-weak-key"]),
            Row(name: "even modulus", arguments: sign(key: try file("even.jwk", #"{"kty":"RSA","n":"\#(evenModulus)","e":"AQAB"}"#)),
                fragments: ["--key ", "even"]),
            Row(name: "exponent 1", arguments: sign(key: try file("e1.jwk", #"{"kty":"RSA","n":"\#(oddModulus)","e":"AQ"}"#)),
                fragments: ["--key ", "at least 3"]),
            Row(name: "even exponent", arguments: sign(key: try file("e4.jwk", #"{"kty":"RSA","n":"\#(oddModulus)","e":"BA"}"#)),
                fragments: ["--key ", "must be odd"]),
            Row(name: "JWK not base64url", arguments: sign(key: try file("bad.jwk", #"{"kty":"RSA","n":"@@@@","e":"AQAB"}"#)),
                fragments: ["--key ", "base64url"]),
            Row(name: "JWK set of two", arguments: sign(key: try file("set.jwk", #"{"keys":[{"kty":"RSA"},{"kty":"RSA"}]}"#)),
                fragments: ["--key ", "2 keys"]),
            Row(name: "JWK with d", arguments: sign(key: try file("d.jwk", #"{"kty":"RSA","n":"\#(oddModulus)","e":"AQAB","d":"AQ"}"#)),
                fragments: ["--key ", "private key"]),
            Row(name: "broken JSON", arguments: sign(key: try file("broken.json", #"{"public_key": "-----BEGIN"#)), fragments: ["--key ", "not a valid JSON"]),
            Row(name: "JSON without key", arguments: sign(key: try file("other.json", #"{"status":"ok"}"#)), fragments: ["--key ", "public_key"]),
            Row(name: "stdin garbage", arguments: sign(key: "-"), stdin: Data("garbage!\n".utf8), fragments: ["--key (stdin)"]),
            Row(name: "PEM label with a line break", arguments: sign(key: try file("label.pem", "-----BEGIN PUBLIC\nKEY " + Self.secret + "\n-----END x-----\n")),
                fragments: ["--key "]),
        ]
        try check(rows)
    }

    // MARK: - Private key (--private-key)

    func decrypt(key: String, extra: [String] = []) -> [String] {
        ["decrypt", "--private-key", key, "--ciphertext-hex", "00"] + extra
    }

    func testPrivateKey() throws {
        let pem = try String(contentsOfFile: privateKey, encoding: .utf8)
        let pemLines = pem.split(separator: "\n")
        let truncated = try file("truncated.pem", pemLines.prefix(pemLines.count / 2).joined(separator: "\n") + "\n")
        let cut = try file("cut.pem", "-----BEGIN PRIVATE KEY-----\n" + pemLines[1...4].joined(separator: "\n") + "\n-----END PRIVATE KEY-----\n")
        let encrypted = try file("encrypted.pem", Self.encryptedWeakKey)
        let wrongPass = try file("wrong.txt", "not-the-passphrase\n")
        let oddModulus = Self.base64url([0xC1] + [UInt8](repeating: 0x5A, count: 254) + [0x01])
        let rows = [
            Row(name: "missing file", arguments: decrypt(key: "nope.pem"), fragments: ["--private-key nope.pem", "No such file"]),
            Row(name: "empty", arguments: decrypt(key: try file("empty.pem", "")), fragments: ["--private-key ", "empty"]),
            Row(name: "public key given", arguments: decrypt(key: publicKey), fragments: ["--private-key \(publicKey)", "public key"]),
            Row(name: "truncated PEM", arguments: decrypt(key: truncated), fragments: ["--private-key \(truncated)", "truncated"]),
            Row(name: "PEM body cut short", arguments: decrypt(key: cut), fragments: ["--private-key \(cut)", "PKCS#8"]),
            Row(name: "encrypted, no passphrase", arguments: decrypt(key: encrypted, extra: ["--allow-weak-key"]),
                fragments: ["--private-key \(encrypted)", "--passphrase-file"]),
            Row(name: "encrypted, wrong passphrase", arguments: decrypt(key: encrypted, extra: ["--allow-weak-key", "--passphrase-file", wrongPass]),
                fragments: ["--private-key \(encrypted)"]),
            Row(name: "weak key", arguments: decrypt(key: weakPrivateKey), fragments: ["--private-key \(weakPrivateKey)", "--allow-weak-key"]),
            Row(name: "JWK without d", arguments: decrypt(key: try file("pub.jwk", #"{"kty":"RSA","n":"\#(oddModulus)","e":"AQAB"}"#)),
                fragments: ["--private-key ", "public key"]),
            Row(name: "JWK, incomplete CRT", arguments: decrypt(key: try file("crt.jwk", #"{"kty":"RSA","n":"\#(oddModulus)","e":"AQAB","d":"AQAB","p":"Aw"}"#)),
                fragments: ["--private-key ", "incomplete"]),
            Row(name: "JWK, d does not invert e", arguments: decrypt(key: try file("d.jwk", #"{"kty":"RSA","n":"\#(oddModulus)","e":"AQAB","d":"AQAB"}"#)),
                fragments: ["--private-key ", "does not invert"]),
            Row(name: "EC private key", arguments: decrypt(key: try file("ec.pem", "-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n")),
                fragments: ["--private-key ", "EC"]),
            Row(name: "OpenSSH key", arguments: decrypt(key: try file("id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\nMAA=\n-----END OPENSSH PRIVATE KEY-----\n")),
                fragments: ["--private-key ", "OpenSSH"]),
            Row(name: "stdin garbage", arguments: decrypt(key: "-"), stdin: Data("%%%".utf8), fragments: ["--private-key (stdin)"]),
        ]
        try check(rows)
    }

    // MARK: - Server-time JSON (--server-time)

    func testServerTimeJSON() throws {
        func row(_ name: String, _ body: String, _ fragment: String) throws -> Row {
            let path = try file("now-\(name.filter(\.isLetter)).json", body)
            return Row(name: name, arguments: ["sign", "--key", publicKey, "--session-token", Self.secret, "--server-time", path],
                       fragments: ["--server-time \(path)", fragment])
        }
        let rows = [
            try row("empty", "", "not JSON"),
            try row("prose", "<html>502 Bad Gateway</html>", "not JSON"),
            try row("array", "[1628496895102]", "not JSON"),
            try row("wrong field", #"{"time":"1628496895102"}"#, "timestamp"),
            try row("letters", #"{"timestamp":"16284968951O2"}"#, "digits only"),
            try row("negative number", #"{"timestamp":-1628496895102}"#, "not JSON"),
            try row("fraction", #"{"timestamp":1628496895102.5}"#, "not JSON"),
            try row("too many digits", #"{"timestamp":"123456789012345678901234567890"}"#, "64 bits"),
            try row("empty string", #"{"timestamp":""}"#, "empty"),
            try row("null", #"{"timestamp":null}"#, "not JSON"),
            try row("token in body", #"{"timestamp":"\#(Self.secret)"}"#, "digits only"),
            Row(name: "missing file", arguments: ["sign", "--key", publicKey, "--session-token", Self.secret, "--server-time", "nope.json"],
                fragments: ["--server-time nope.json", "No such file"]),
            Row(name: "stdin", arguments: ["sign", "--key", publicKey, "--session-token", Self.secret, "--server-time", "-"],
                stdin: Data("{}".utf8), fragments: ["--server-time (stdin)"]),
        ]
        try check(rows)
    }

    // MARK: - Session token (--session-token)

    func testSessionToken() throws {
        func row(_ name: String, _ token: String, _ fragment: String, command: String = "sign") -> Row {
            var arguments = [command, "--key", publicKey, "--session-token", token, "--timestamp", timestamp]
            if command == "headers" {
                arguments += ["--domain", "idp.example", "--client-id", "c", "--device-fingerprint", "f", "--os-version", "1", "--agent", "a"]
            }
            return Row(name: name, arguments: arguments, fragments: ["--session-token", fragment])
        }
        let s = Self.secret
        let rows = [
            row("ampersand", s + "&timestamp=1", "'&'"),
            row("space", s + " x", "whitespace"),
            row("tab", s + "\tx", "control character"),
            row("newline", s + "\nx", "control character"),
            row("NUL-like control", s + "\u{1}", "control character"),
            row("DEL", s + "\u{7f}", "control character"),
            row("non-breaking space", s + "\u{a0}x", "whitespace"),
            row("empty", "", "empty"),
            row("over the limit", String(repeating: s, count: 300), "limit"),
            row("headers: ampersand", s + "&x", "'&'", command: "headers"),
            Row(name: "verify: token is compared, never echoed",
                arguments: ["verify", "--private-key", privateKey, "--signature", "!!", "--session-token", s, "--padding", "nope"],
                fragments: ["--padding"]),
        ]
        try check(rows)
    }

    // MARK: - Session token sources and the one UTF-8 rule

    /// A token that is not valid UTF-8 gets the same message from every command and every source
    /// (argv, file, stdin, environment, a batch line), instead of being signed with U+FFFD in its
    /// place. The bad byte follows the secret, so the offset is the secret's length.
    func testSessionTokenSourcesAndInvalidUTF8() throws {
        let s = Self.secret
        let sameMessage = "session token is not valid UTF-8 (first bad byte at offset \(s.utf8.count))"
        let headerFlags = "--domain idp.example --client-id c --device-fingerprint f --os-version 1 --agent a"
        func shell(_ name: String, _ script: String, _ fragments: [String], lines: Int = 1) -> Row {
            Row(name: name, arguments: [script, publicKey, s, privateKey, dir.path], fragments: fragments, lines: lines, shell: true)
        }
        let badToken = #""$(printf '%s\377x' "$2")""#
        var invalid = Array(s.utf8) + [0xFF, 0x78]
        let invalidFile = try file("bad-token.txt", Data(invalid + [0x0A]))
        invalid.append(0x0A)
        let batchInput = try file("bad-line.txt", Data(Array("ok-token\n".utf8) + invalid))
        let ndjsonInput = try file("bad-record.ndjson", Data(Array("{\"session_token\":\"ok-token\"}\n{\"session_token\":\"".utf8)
            + Array(s.utf8) + [0xFF, 0x78] + Array("\"}\n".utf8)))
        let twoNewlines = try file("two-newlines.txt", s + "\n\n")
        let tokenFile = try file("token.txt", s + "\n")
        let rows = [
            shell("sign, argv", #"exec "$0" sign --key "$1" --session-token "# + badToken + " --timestamp \(timestamp)", ["--session-token", sameMessage]),
            shell("sign, --session-token=", #"exec "$0" sign --key "$1" --session-token="# + badToken, ["--session-token", sameMessage]),
            shell("headers, argv", #"exec "$0" headers --key "$1" --session-token "# + badToken + " " + headerFlags, ["--session-token", sameMessage]),
            shell("verify, argv", #"exec "$0" verify --private-key "$3" --signature AA== --session-token "# + badToken, ["--session-token", sameMessage]),
            shell("sign, environment", #"XSIG_SESSION_TOKEN="# + badToken + #" exec "$0" sign --key "$1""#, ["XSIG_SESSION_TOKEN", sameMessage]),
            Row(name: "batch, text line", arguments: ["batch", "--key", publicKey, "--input", batchInput, "--output", "out.ndjson", "--quiet"],
                fragments: ["--input \(batchInput)", "line 2", sameMessage], lines: 2),
            Row(name: "batch, NDJSON record", arguments: ["batch", "--key", publicKey, "--input", ndjsonInput, "--output", "out.ndjson", "--quiet"],
                fragments: ["--input \(ndjsonInput)", "line 2", sameMessage], lines: 2),
            Row(name: "sign, --session-token-file", arguments: ["sign", "--key", publicKey, "--session-token-file", invalidFile],
                fragments: ["--session-token-file \(invalidFile)", sameMessage]),
            Row(name: "sign, --session-token - (stdin)", arguments: ["sign", "--key", publicKey, "--session-token", "-"], stdin: Data(invalid),
                fragments: ["--session-token (stdin)", sameMessage]),
            Row(name: "verify, --session-token-file - (stdin)", arguments: ["verify", "--private-key", privateKey, "--signature", "AA==", "--session-token-file", "-"],
                stdin: Data(invalid), fragments: ["--session-token-file (stdin)", sameMessage]),
            shell("another argument", #"exec "$0" sign --key "$1" --session-token "$2" --nonce "$(printf 'n\377')""#, ["--nonce", "not valid UTF-8"]),
            Row(name: "only one newline is dropped", arguments: ["sign", "--key", publicKey, "--session-token-file", twoNewlines],
                fragments: ["--session-token-file \(twoNewlines)", "control character"]),
            Row(name: "environment token with '&'", arguments: ["sign", "--key", publicKey], fragments: ["XSIG_SESSION_TOKEN", "'&'"],
                environment: ["XSIG_SESSION_TOKEN": s + "&x=1"]),
            Row(name: "token file missing", arguments: ["sign", "--key", publicKey, "--session-token-file", "nope.txt"],
                fragments: ["--session-token-file nope.txt", "No such file"]),
            Row(name: "both flags", arguments: ["sign", "--key", publicKey, "--session-token", s, "--session-token-file", tokenFile],
                fragments: ["--session-token or --session-token-file, not both"]),
            Row(name: "no token at all", arguments: ["sign", "--key", publicKey], fragments: ["no session token", "--session-token-file", "XSIG_SESSION_TOKEN"]),
            Row(name: "key and token on stdin", arguments: ["sign", "--key", "-", "--session-token", "-"], stdin: Data((s + "\n").utf8),
                fragments: ["--key and --session-token both read stdin"]),
            Row(name: "token and server time on stdin", arguments: ["headers", "--key", publicKey, "--session-token-file", "-", "--server-time", "-"],
                stdin: Data((s + "\n").utf8), fragments: ["--session-token-file and --server-time both read stdin"]),
            Row(name: "verify: token and input on stdin", arguments: ["verify", "--private-key", privateKey, "--session-token", "-", "--input", "-"],
                stdin: Data((s + "\n").utf8), fragments: ["--session-token and --input both read stdin"]),
            Row(name: "key and passphrase on stdin", arguments: ["decrypt", "--private-key", "-", "--passphrase-file", "-", "--ciphertext-hex", "00"],
                stdin: Data("pw\n".utf8), fragments: ["--private-key and --passphrase-file both read stdin"]),
        ]
        try check(rows)
    }

    // MARK: - PBKDF2 iteration cap

    /// The DER inside an `ENCRYPTED PRIVATE KEY` PEM, and back.
    static func der(ofPEM pem: String) -> [UInt8] {
        [UInt8](Data(base64Encoded: pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined())!)
    }

    static func encryptedKeyPEM(_ der: [UInt8]) -> String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN ENCRYPTED PRIVATE KEY-----\n\(base64)\n-----END ENCRYPTED PRIVATE KEY-----\n"
    }

    /// ``encryptedWeakKey`` with its PBKDF2 iteration count (2048, `02 02 08 00`) replaced by a
    /// 4-octet INTEGER; the five enclosing SEQUENCE lengths grow by the 2 octets.
    static func encryptedWeakKey(iterations: UInt32) throws -> String {
        var der = der(ofPEM: encryptedWeakKey)
        let count: [UInt8] = [0x02, 0x02, 0x08, 0x00]
        guard let at = (0...(der.count - 4)).first(where: { Array(der[$0..<($0 + 4)]) == count }), at < 80 else {
            throw XCTSkip("fixture layout changed")
        }
        der.replaceSubrange(at..<(at + 4), with: [0x02, 0x04] + withUnsafeBytes(of: iterations.bigEndian, Array.init))
        // 30 82 02 dd (EncryptedPrivateKeyInfo), 30 57 (AlgorithmIdentifier), 30 4a (PBES2-params),
        // 30 29 (keyDerivationFunc), 30 1c (PBKDF2-params).
        let lengths: [(offset: Int, old: [UInt8], new: [UInt8])] = [(0, [0x30, 0x82, 0x02, 0xdd], [0x30, 0x82, 0x02, 0xdf]), (4, [0x30, 0x57], [0x30, 0x59]),
                                                                   (17, [0x30, 0x4a], [0x30, 0x4c]), (19, [0x30, 0x29], [0x30, 0x2b]), (32, [0x30, 0x1c], [0x30, 0x1e])]
        for item in lengths {
            XCTAssertEqual(Array(der[item.offset..<(item.offset + item.old.count)]), item.old, "fixture layout at \(item.offset)")
            der.replaceSubrange(item.offset..<(item.offset + item.old.count), with: item.new)
        }
        return encryptedKeyPEM(der)
    }

    func testPBKDF2IterationCap() throws {
        let overByOne = try file("over-by-one.pem", Self.encryptedWeakKey(iterations: 10_000_001))
        let huge = try file("huge.pem", Self.encryptedWeakKey(iterations: UInt32(Int32.max)))
        func row(_ name: String, _ path: String, _ count: String) -> Row {
            Row(name: name, arguments: ["decrypt", "--private-key", path, "--allow-weak-key", "--ciphertext-hex", "00"],
                fragments: ["--private-key \(path)", "\(count) key-derivation iterations", "cap of 10000000"], environment: ["XSIG_KEY_PASSPHRASE": "pw"])
        }
        try check([row("10^7 + 1", overByOne, "10000001"), row("2^31 - 1", huge, "2147483647")])
    }

    /// The cap is read from exactly the octets OpenSSL gets: the over-the-cap key with one octet
    /// after its DER (which OpenSSL alone would ignore, running all 2^31 - 1 iterations) is refused.
    func testTrailingOctetsCannotHideTheIterationCount() throws {
        let der = Self.der(ofPEM: try Self.encryptedWeakKey(iterations: UInt32(Int32.max))) + [0x00]
        let padded = try file("trailing.pem", Self.encryptedKeyPEM(der))
        try check([Row(name: "trailing octet after the DER", arguments: ["decrypt", "--private-key", padded, "--allow-weak-key", "--ciphertext-hex", "00"],
                       fragments: ["--private-key \(padded)", "not one DER EncryptedPrivateKeyInfo", "trailing octets"],
                       environment: ["XSIG_KEY_PASSPHRASE": "pw"])])
    }

    /// scrypt's time grows with N·r·p (OpenSSL bounds only its memory): a key written by
    /// `openssl pkcs8 -scrypt` (N = 16384, r = 8, p = 1) decrypts, the same key with p = 127
    /// (N·r·p = 16,646,144 > 2^23) is refused before any derivation.
    func testScryptWorkCap() throws {
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        guard FileManager.default.isExecutableFile(atPath: openssl.path) else { throw XCTSkip("no openssl command line") }
        let sealed = dir.appendingPathComponent("scrypt.pem").path
        let made = try CLIRunner.run(["pkcs8", "-topk8", "-in", privateKey, "-out", sealed, "-scrypt", "-passout", "pass:pw"],
                                     timeout: Self.timeout, executable: openssl)
        XCTAssertEqual(made.status, 0, made.stderr)
        let plain = Data("session_token=scrypt&timestamp=1700000000000&nonce=18bcfe56800".utf8)
        let payload = try file("payload.bin", plain)
        let ciphertext = dir.appendingPathComponent("ct.bin").path
        let enc = try CLIRunner.run(["pkeyutl", "-encrypt", "-pubin", "-inkey", publicKey, "-in", payload, "-out", ciphertext,
                                     "-pkeyopt", "rsa_padding_mode:pkcs1"], timeout: Self.timeout, executable: openssl)
        XCTAssertEqual(enc.status, 0, enc.stderr)
        let hex = try Data(contentsOf: URL(fileURLWithPath: ciphertext)).map { String(format: "%02x", $0) }.joined()
        let environment = ProcessInfo.processInfo.environment.merging(["XSIG_KEY_PASSPHRASE": "pw"]) { $1 }
        let ok = try CLIRunner.run(["decrypt", "--private-key", sealed, "--padding", "pkcs1", "--ciphertext-hex", hex],
                                   environment: environment, timeout: Self.timeout)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stdout.trimmingCharacters(in: .whitespacesAndNewlines), plain.map { String(format: "%02x", $0) }.joined(),
                       "the scrypt key decrypts what OpenSSL encrypted")

        // scrypt-params: salt, N = 16384 (02 02 40 00), r = 8 (02 01 08), p = 1 (02 01 01).
        var der = Self.der(ofPEM: try String(contentsOfFile: sealed, encoding: .utf8))
        let parameters: [UInt8] = [0x02, 0x02, 0x40, 0x00, 0x02, 0x01, 0x08, 0x02, 0x01, 0x01]
        guard let at = (0...(der.count - parameters.count)).first(where: { Array(der[$0..<($0 + parameters.count)]) == parameters }) else {
            return XCTFail("openssl wrote other scrypt parameters than N = 16384, r = 8, p = 1")
        }
        der[at + parameters.count - 1] = 0x7f
        let heavy = try file("scrypt-heavy.pem", Self.encryptedKeyPEM(der))
        try check([Row(name: "scrypt p = 127", arguments: ["decrypt", "--private-key", heavy, "--ciphertext-hex", hex],
                       fragments: ["--private-key \(heavy)", "N·r·p = 16646144", "cap of 8388608"], environment: ["XSIG_KEY_PASSPHRASE": "pw"])])
    }

    // MARK: - Outputs that would destroy an input, options that do not apply, hosts

    /// Found by a new user's review: each of these once exited 0 (or after a whole run) having
    /// done the wrong thing.
    func testOutputsOptionsAndHostsThatCannotWork() throws {
        let tokens = try file("tokens.txt", Self.secret + "\n")
        let keyCopy = try file("pub.pem", try String(contentsOfFile: publicKey, encoding: .utf8))
        let link = dir.appendingPathComponent("alias.txt").path
        XCTAssertEqual(symlink(tokens, link), 0)
        let signed = try file("signed.ndjson", "{}\n")
        func batch(_ extra: [String]) -> [String] { ["batch", "--key", keyCopy, "--input", tokens, "--timestamp", "1700000000000"] + extra }
        try check([
            Row(name: "--output is the input", arguments: batch(["--output", tokens]),
                fragments: ["--output \(tokens) is the same file as --input", "would replace it"]),
            Row(name: "--output is the input through a link", arguments: batch(["--output", link]),
                fragments: ["--output \(link) is the same file as --input"]),
            Row(name: "--errors is the key", arguments: batch(["--output", "out.ndjson", "--errors", keyCopy]),
                fragments: ["--errors \(keyCopy) is the same file as --key"]),
            Row(name: "verify --input with --lenient-length", arguments: ["verify", "--private-key", privateKey, "--input", signed, "--lenient-length"],
                status: 64, fragments: ["--lenient-length applies to --signature only"]),
            Row(name: "--domain with port 99999", arguments: ["headers", "--key", publicKey, "--session-token", Self.secret, "--domain", "idp.example.com:99999",
                                                              "--client-id", "c", "--device-fingerprint", "f", "--os-version", "1", "--agent", "a"],
                fragments: ["domain", "port '99999' is not a number in 1...65535"]),
            Row(name: "--domain with an empty port", arguments: ["headers", "--key", publicKey, "--session-token", Self.secret, "--domain", "idp.example.com:",
                                                                 "--client-id", "c", "--device-fingerprint", "f", "--os-version", "1", "--agent", "a"],
                fragments: ["domain", "port '' is not a number"]),
            Row(name: "keygen with an empty passphrase file", arguments: ["keygen", "--out", "sealed", "--passphrase-file", try file("empty-pass.txt", "\n")],
                fragments: ["--passphrase-file", "empty-pass.txt: the passphrase is empty"]),
            Row(name: "bench --json into a missing directory", arguments: ["bench", "--bits", "2048", "--seconds", "600", "--json", "/nonexistent-dir/x.json"],
                fragments: ["--json", "/nonexistent-dir/x.json", "No such file or directory"]),
        ])
        XCTAssertEqual(try String(contentsOfFile: tokens, encoding: .utf8), Self.secret + "\n", "the input is intact")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.ndjson").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("sealed.pem").path))
    }

    // MARK: - Timestamp (--timestamp, --now)

    func testTimestamp() throws {
        func row(_ value: String, _ fragment: String, command: String = "sign") -> Row {
            // `--flag=VALUE`, so that a value starting with '-' reaches xsig instead of the argument parser.
            func option(_ flag: String) -> [String] { value.hasPrefix("-") ? ["\(flag)=\(value)"] : [flag, value] }
            switch command {
            case "verify":
                return Row(name: "verify --now \(value)", arguments: ["verify", "--private-key", privateKey, "--signature", "AA==", "--session-token", Self.secret] + option("--now"),
                           fragments: ["--now", fragment])
            case "batch":
                return Row(name: "batch --timestamp \(value)",
                           arguments: ["batch", "--key", publicKey, "--input", "-", "--output", "out.ndjson"] + option("--timestamp"),
                           stdin: Data((Self.secret + "\n").utf8), fragments: ["--timestamp", fragment])
            default:
                return Row(name: "--timestamp \(value)", arguments: ["sign", "--key", publicKey, "--session-token", Self.secret] + option("--timestamp"),
                           fragments: ["--timestamp", fragment])
            }
        }
        let rows = [
            row("", "empty"),
            row("-1", "digits only"),
            row("+1628496895102", "digits only"),
            row("1628496895102.0", "digits only"),
            row("1.6e12", "digits only"),
            row("0x17b29fa9c7e", "digits only"),
            row(" 1628496895102", "digits only"),
            row("1628496895102\n", "digits only"),
            row("١٦٢٨", "digits only"),
            row("18446744073709551616", "64 bits"),
            row("99999999999999999999999999999999999999", "64 bits"),
            row("yesterday", "digits only", command: "verify"),
            row("18446744073709551616", "64 bits", command: "verify"),
            row("-5", "digits only", command: "batch"),
            row("foo", "(digits only), now or clock", command: "batch"),
        ]
        try check(rows)
    }

    // MARK: - CSV lines (batch --input x.csv)

    func testCSVLine() throws {
        let s = Self.secret
        func row(_ name: String, _ text: String, _ fragments: [String], lines: Int = 2, extra: [String] = []) throws -> Row {
            let path = try file("in-\(name.filter(\.isLetter)).csv", text)
            return Row(name: name, arguments: ["batch", "--key", publicKey, "--input", path, "--output", "out.ndjson", "--quiet"] + extra,
                       fragments: ["--input \(path)"] + fragments, lines: lines)
        }
        let rows = [
            try row("bad timestamp", "session_token,timestamp\n\(s),1628496895102\n\(s),16284968951O2\n", ["line 3", "digits only"]),
            try row("stray quote", "session_token\n\(s)\nab\"\(s)\n", ["line 3", "quote"]),
            try row("text after closing quote", "session_token,nonce\n\"\(s)\"x,1\n", ["line 2", "closing quote"]),
            try row("too many fields", "session_token,nonce\n\(s),1,2\n", ["line 2", "3 fields"]),
            try row("too few fields", "session_token,nonce,timestamp\n\(s),1\n", ["line 2", "2 fields"]),
            try row("unclosed quote", "session_token\n\(s)\n\"\(s)\n\(s)\n", ["line 3", "not closed"]),
            try row("token with ampersand", "session_token\n\(s)&a=b\n", ["line 2", "'&'"]),
            try row("token with space", "session_token\n\"\(s) x\"\n", ["line 2", "whitespace"]),
            try row("empty token", "session_token,nonce\n,1\n", ["line 2", "empty"]),
            try row("NUL in token", "session_token\n\(s)\u{0}\n", ["line 2", "control character"]),
            try row("bad request field", "session_token,domain\n\(s),https://idp.example/x\n", ["line 2", "domain"],
                        extra: ["--client-id", "c", "--device-fingerprint", "f", "--os-version", "1", "--agent", "a"]),
            try row("header without session_token", "token,timestamp\n\(s),1\n", ["session_token"], lines: 1),
            try row("duplicate column", "session_token,session_token\n\(s),\(s)\n", ["twice"], lines: 1),
        ]
        // An invalid UTF-8 byte, not expressible in a Swift string literal.
        var bytes = Data("session_token\n".utf8)
        bytes.append(contentsOf: Array(s.utf8) + [0xC3, 0x28, 0x0A])
        let invalidUTF8 = try file("in-utf8.csv", bytes)
        let utf8Row = Row(name: "invalid UTF-8 byte", arguments: ["batch", "--key", publicKey, "--input", invalidUTF8, "--output", "out.ndjson", "--quiet"],
                          fragments: ["--input \(invalidUTF8)", "line 2", "session token is not valid UTF-8 (first bad byte at offset \(s.utf8.count))"], lines: 2)
        try check(rows + [utf8Row])
    }

    // MARK: - NDJSON lines (batch --input x.ndjson)

    func testNDJSONLine() throws {
        let s = Self.secret
        func row(_ name: String, _ text: String, _ fragments: [String], lines: Int = 2) throws -> Row {
            let path = try file("in-\(name.filter(\.isLetter)).ndjson", text)
            return Row(name: name, arguments: ["batch", "--key", publicKey, "--input", path, "--output", "out.ndjson", "--quiet"],
                       fragments: ["--input \(path)"] + fragments, lines: lines)
        }
        let good = #"{"session_token":"\#(s)"}"# + "\n"
        let rows = [
            try row("truncated JSON", good + #"{"session_token":"\#(s)""# + "\n", ["line 2", "invalid JSON"]),
            try row("not an object", good + "[\"\(s)\"]\n", ["line 2", "not a JSON object"]),
            try row("no session_token", good + #"{"token":"\#(s)"}"# + "\n", ["line 2", "session_token"]),
            try row("duplicate field", #"{"session_token":"\#(s)","session_token":"x"}"# + "\n", ["line 1", "twice"]),
            try row("token not a string", #"{"session_token":12345}"# + "\n", ["line 1", "string"]),
            try row("timestamp a boolean", #"{"session_token":"\#(s)","timestamp":true}"# + "\n", ["line 1", "timestamp"]),
            try row("timestamp with letters", #"{"session_token":"\#(s)","timestamp":"12a"}"# + "\n", ["line 1", "digits only"]),
            try row("timestamp negative", #"{"session_token":"\#(s)","timestamp":-1}"# + "\n", ["line 1", "timestamp"]),
            try row("token with ampersand", good + #"{"session_token":"\#(s)&x=1"}"# + "\n", ["line 2", "'&'"]),
            try row("token with escaped newline", #"{"session_token":"\#(s)\nx"}"# + "\n", ["line 1", "control character"]),
            try row("trailing garbage", #"{"session_token":"\#(s)"} x"# + "\n", ["line 1", "invalid JSON"]),
            try row("lone surrogate", #"{"session_token":"\#(s)\ud800"}"# + "\n", ["line 1"]),
            try row("deep nesting", #"{"session_token":"\#(s)","x":"# + String(repeating: "[", count: 100_000) + "\n", ["line 1"]),
        ]
        try check(rows)
    }

    // MARK: - Ciphertext (decrypt --ciphertext-hex / --ciphertext-base64)

    func testCiphertext() throws {
        func row(_ name: String, hex: String? = nil, base64: String? = nil, status: Int32 = 2, _ fragments: [String]) -> Row {
            var arguments = ["decrypt", "--private-key", privateKey]
            if let hex { arguments += ["--ciphertext-hex", hex] }
            if let base64 { arguments += ["--ciphertext-base64", base64] }
            return Row(name: name, arguments: arguments, status: status, fragments: fragments)
        }
        let k = 256
        let rows = [
            row("odd hex", hex: "abc", ["--ciphertext-hex", "odd number"]),
            row("not hex", hex: "zz", ["--ciphertext-hex", "hex digit"]),
            row("token as hex", hex: Self.secret, ["--ciphertext-hex", "odd number"]),
            row("token as even hex", hex: Self.secret + "x", ["--ciphertext-hex", "hex digit"]),
            row("bad Base64 characters", base64: "@@@@", ["--ciphertext-base64", "Base64"]),
            row("Base64 truncated", base64: "AAAAA", ["--ciphertext-base64"]),
            row("Base64 misplaced padding", base64: "A=AA", ["--ciphertext-base64"]),
            row("token as Base64", base64: Self.secret + "!", ["--ciphertext-base64"]),
            row("neither", ["--ciphertext-hex"]),
            // Well-formed octets that are not a ciphertext: the one generic answer of RFC 8017, exit 1.
            row("too short", hex: "00", status: 1, ["decryption error"]),
            row("empty", hex: "", status: 1, ["decryption error"]),
            row("one octet too long", hex: String(repeating: "01", count: k + 1), status: 1, ["decryption error"]),
            row("c >= n", hex: String(repeating: "ff", count: k), status: 1, ["decryption error"]),
            row("zero", hex: String(repeating: "00", count: k), status: 1, ["decryption error"]),
            row("one", hex: String(repeating: "00", count: k - 1) + "01", status: 1, ["decryption error"]),
            row("random", base64: Data((0..<k).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }).base64EncodedString().replacingOccurrences(of: "+", with: "+"),
                status: 1, ["decryption error"]),
            Row(name: "pkcs1 random", arguments: ["decrypt", "--private-key", privateKey, "--padding", "pkcs1", "--backend", "openssl",
                                                  "--ciphertext-hex", "01" + String(repeating: "23", count: k - 1)],
                status: 1, fragments: ["decryption error"]),
        ]
        try check(rows)
    }

    // MARK: - Padding names (--padding)

    func testPaddingName() throws {
        func row(_ name: String, _ fragments: [String], command: String = "sign", extra: [String] = [], status: Int32 = 2) -> Row {
            let arguments: [String]
            switch command {
            case "decrypt": arguments = ["decrypt", "--private-key", privateKey, "--ciphertext-hex", "00", "--padding", name] + extra
            case "verify": arguments = ["verify", "--private-key", privateKey, "--signature", "AA==", "--session-token", Self.secret, "--padding", name] + extra
            case "batch": arguments = ["batch", "--key", publicKey, "--input", "-", "--output", "out.ndjson", "--padding", name] + extra
            default: arguments = ["sign", "--key", publicKey, "--session-token", Self.secret, "--padding", name] + extra
            }
            return Row(name: "\(command) --padding \(name)", arguments: arguments, stdin: Data((Self.secret + "\n").utf8), status: status,
                       fragments: fragments)
        }
        let rows = [
            row("", ["--padding"]),
            row("oaep", ["--padding"]),
            row("oaep-md5", ["--padding"]),
            row("oaep-sha256-mgf1", ["--padding"]),
            row("oaep-sha256-mgf1sha3", ["--padding"]),
            row("pkcs1v2", ["--padding"]),
            row("pkcs1 ", ["--padding"]),
            row(String(repeating: "oaep-", count: 2000), ["--padding", "(10000 bytes)"]),
            row("rsa-oaep", ["--padding"], command: "decrypt"),
            row("oaep-sha3", ["--padding"], command: "verify"),
            row("none", ["--padding"], command: "batch"),
            row("oaep-sha512", ["oaep-sha512", "1033 bits", "1024"], extra: ["--key", weakPublicKey, "--allow-weak-key"]),
            Row(name: "label with pkcs1", arguments: ["encrypt", "--key", publicKey, "--message-hex", "00", "--padding", "pkcs1", "--label-hex", "00"],
                fragments: ["--label-hex", "OAEP"]),
        ]
        try check(rows)
    }

    // MARK: - Hex and Base64 arguments

    func testHexAndBase64Arguments() throws {
        func encrypt(_ extra: [String]) -> [String] { ["encrypt", "--key", publicKey] + extra }
        let rows = [
            Row(name: "message odd", arguments: encrypt(["--message-hex", "abc"]), fragments: ["--message-hex", "odd number"]),
            Row(name: "message not hex", arguments: encrypt(["--message-hex", "0g"]), fragments: ["--message-hex", "position 2"]),
            Row(name: "message with a separator", arguments: encrypt(["--message-hex", "ab:d"]), fragments: ["--message-hex", "position 3"]),
            Row(name: "message 0x only half", arguments: encrypt(["--message-hex", "0x0"]), fragments: ["--message-hex"]),
            Row(name: "message too long", arguments: encrypt(["--message-hex", String(repeating: "00", count: 300)]),
                fragments: ["--message-hex", "too long"]),
            Row(name: "label not hex", arguments: encrypt(["--message-hex", "00", "--label-hex", "xyz"]), fragments: ["--label-hex"]),
            Row(name: "PS wrong length", arguments: encrypt(["--message-hex", "00", "--padding", "pkcs1", "--ps-hex", "0101"]),
                fragments: ["--ps-hex"]),
            Row(name: "PS with a zero", arguments: encrypt(["--message-hex", "00", "--padding", "pkcs1", "--ps-hex", String(repeating: "01", count: 252) + "00"]),
                fragments: ["--ps-hex"]),
            Row(name: "OAEP seed wrong length", arguments: encrypt(["--message-hex", "00", "--oaep-seed-hex", "0011"]), fragments: ["--oaep-seed-hex"]),
            Row(name: "OAEP seed not hex", arguments: encrypt(["--message-hex", "00", "--oaep-seed-hex", "q"]), fragments: ["--oaep-seed-hex"]),
            Row(name: "seed not hex", arguments: ["sign", "--key", publicKey, "--session-token", Self.secret, "--seed", "not-hex"], fragments: ["--seed"]),
            Row(name: "seed is the token", arguments: ["sign", "--key", publicKey, "--session-token", "x", "--seed", Self.secret], fragments: ["--seed"]),
            Row(name: "decrypt label not hex", arguments: ["decrypt", "--private-key", privateKey, "--ciphertext-hex", "00", "--label-hex", "g"],
                fragments: ["--label-hex"]),
            Row(name: "Base64 URL and standard mixed", arguments: ["decrypt", "--private-key", privateKey, "--ciphertext-base64", "ab+_"],
                fragments: ["--ciphertext-base64", "alphabets"]),
        ]
        try check(rows)
    }

    // MARK: - Secrets in skipped-record reports

    /// `--on-error skip`: every bad record is reported with its line, on stderr or in the --errors
    /// file, and neither names the token; the good records are all signed (none lost).
    func testSkippedRecordsAreReportedByLineWithoutTheirTokens() throws {
        let s = Self.secret
        let input = try file("mixed.txt", "\(s)-1\n\(s)&bad\n\(s) bad\n\(s)-4\n\n\(s)\u{7}\n\(s)-7\n")
        let output = dir.appendingPathComponent("out.ndjson").path
        let errors = dir.appendingPathComponent("errors.ndjson").path
        for viaFile in [false, true] {
            let r = try CLIRunner.run(["batch", "--key", publicKey, "--input", input, "--output", output, "--on-error", "skip"]
                                      + (viaFile ? ["--errors", errors] : []), currentDirectory: dir, timeout: Self.timeout)
            XCTAssertFalse(r.timedOut)
            XCTAssertEqual(r.status, 1, "records were skipped: exit 1, not success. \(r.stderr)")
            XCTAssertFalse(r.stderr.contains(s), r.stderr)
            let report = viaFile ? try String(contentsOfFile: errors, encoding: .utf8) : r.stderr
            XCTAssertFalse(report.contains(s), report)
            for line in [2, 3, 5, 6] {
                XCTAssertTrue(report.contains(viaFile ? "\"line\":\(line)" : "line \(line):"), "line \(line): \(report)")
            }
            let signed = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(signed.count, 3)
            for suffix in ["-1", "-4", "-7"] { XCTAssertTrue(signed.contains { $0.contains("\"\(s)\(suffix)\"") }, suffix) }
        }
    }

    // MARK: - Argument-parser errors

    /// Errors of the argument parser itself (a value that looks like a flag, an unknown flag, a
    /// non-number for a number) are one `xsig: ` line with status 64 (EX_USAGE), like every other
    /// bad input; they too must not echo the token given elsewhere on the line, crash or hang.
    func testArgumentParserErrorsExit64WithoutLeakingTheToken() throws {
        let cases: [[String]] = [
            ["sign", "--key", publicKey, "--session-token", Self.secret, "--timestamp", "-1"],
            ["sign", "--key", publicKey, "--session-token", Self.secret, "--no-such-flag"],
            ["sign", "--key", publicKey, "--session-token", Self.secret, "--backend", "gpu"],
            ["batch", "--key", publicKey, "--input", "-", "--output", "-", "--threads", "many"],
            ["verify", "--private-key", privateKey, "--signature", "AA==", "--max-skew-seconds", "-5"],
        ]
        for arguments in cases {
            let r = try CLIRunner.run(arguments, currentDirectory: dir, timeout: Self.timeout)
            let label = "\(arguments.joined(separator: " ")): \(r.stderr.prefix(300))"
            XCTAssertFalse(r.timedOut, label)
            XCTAssertEqual(r.status, 64, label)
            XCTAssertEqual(r.stdout, "", label)
            XCTAssertTrue(r.stderr.hasPrefix("xsig: "), label)
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, label)
            XCTAssertFalse(r.stderr.contains("Usage:"), label)
            XCTAssertFalse(r.stderr.contains(Self.secret), label)
            XCTAssertFalse(r.stderr.contains("Fatal error"), label)
        }
    }

    // MARK: - Fixtures

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// vectors/keys/demo-rsa-1024.pem (public test material) as encrypted PKCS#8, passphrase "pw":
    /// `openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:pw`.
    static let encryptedWeakKey = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIIC3TBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIwzfbXJnuRIgCAggA
        MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAEqBBD4mCAUMhyusDuB+NFcYZnjBIIC
        gHqFxwK3pmhCvscsEqlPz4cGUZR7UNAXc9sB28eThSdwjT/AVmjMGC9399s5BPR5
        NFQ5INHIHV4N5iL2bGQr7n3XKM+eaE/YIdBbwoJxZJLPJMlZGXqWiQpFmP/paHO6
        VphNerAdZBsH/wc61bYxbgLX4GO9o0mTgWE7oqPYdWFpI0aiaNibDeemnBYVRvA4
        /a99A7Pabj8izEdm8acAoq94EMaG0hALwlu8MCHlxzVaOk1V5SvzdpRmaxj/iEzF
        H2V7xjN+/h/wDFpQOrg7Pxw7yjZ7jHuzFeQrsZGBMT4PWTBw9Sb95xx//OXt3VvR
        UkP0H1pgbRh1kwCBXt/0KIyDPLRtxSkmjMHFnFxnT8QqsxhWoesaHZACD0BARHy5
        96471dYTZ/PnfA0aFtZ7EpOHQ8sKHGS7xGo80m1JysQXzk3dMjEeySFocb0ESEQJ
        3+ZJQPhkHiSP1FmY4xO81UKLYaJ04fg4E3FG2Dm37CQXERlJvzqkk3NY9ASEMfFq
        OAvHfvlX7Y0NLedAdtCVRlshHwib0lqIJXCrpLxmyR1AwuZrpUnCvo5M+gdlCShI
        o5vH8G0w8HroQev0fk2adjpIe1iudYn+MI2INGMIV/gdwkWyldzFvgRSraJQrXfe
        LcAyl9Xi3j1FEWdTTBcHOruH/2r9tmuLFhKcxMLCTGSZYBl7s42qUsSelU+JNp77
        7ybMFhLtzTNhocT9jbMUTrieoWdA/TEmZ4N8Q6NjJB2UJmTSiQWnG73854wlQUZD
        WsRvytxTN/EivFkew0dFK2MyTYg570k6EEEd8qHtVV8DYPBlfa2Ef6n/uzYImKvD
        v2H/486Dp8heM2hz3zxNsdY=
        -----END ENCRYPTED PRIVATE KEY-----

        """
}
