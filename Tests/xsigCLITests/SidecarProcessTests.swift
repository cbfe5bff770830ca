import Foundation
import XCTest

/// `xsig sidecar` end to end: the real binary on 127.0.0.1:0, asked over HTTP as nginx or a
/// load tool would. Signatures are decrypted by Python's `cryptography` (independent of xsig)
/// and by `xsig decrypt` on the GMP and the OpenSSL backend.
final class SidecarProcessTests: XCTestCase {
    static let fields = ["--client-id", "app1", "--device-fingerprint", "fp-1", "--os-version", "Android 14", "--agent", "xsig-tests/1.0",
                         "--device-ip", "192.0.2.7", "--lang", "en", "--tenant-id", "t-9"]

    struct Answer {
        let response: RawHTTPResponse
        let json: [String: Any]
        var token: String { json["session_token"] as? String ?? "" }
        var timestamp: UInt64 { UInt64(json["timestamp"] as? String ?? "") ?? 0 }
        var signature: String { json["signature"] as? String ?? "" }
        var headers: [String: String] { json["headers"] as? [String: String] ?? [:] }
    }

    private func sign(_ server: MockServerProcess, query: String = "", headers: [(String, String)] = []) throws -> Answer {
        let response = try RawHTTPClient.request(port: server.port, path: "/sign" + query, headers: headers)
        XCTAssertEqual(response.status, 200, response.body)
        let json = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any] ?? [:]
        return Answer(response: response, json: json)
    }

    private func file(_ name: String, _ text: String) throws -> String {
        let url = try CLIRunner.temporaryDirectory(self).appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let pythonDecryptor = """
    import base64, sys
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), password=None)
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    for line in sys.stdin:
        print(key.decrypt(base64.b64decode(line.strip()), oaep).decode())
    """

    /// The payloads that Python's `cryptography` decrypts the signatures to (OAEP-SHA-256).
    static func pythonDecrypt(_ signatures: [String]) throws -> [String] {
        try MockSigning.runPython(pythonDecryptor, [MockServerProcess.demoKey], input: signatures.joined(separator: "\n") + "\n")
            .split(separator: "\n").map(String.init)
    }

    static func payload(_ answer: Answer) -> String {
        "session_token=\(answer.token)&timestamp=\(answer.timestamp)&nonce=\(String(answer.timestamp, radix: 16))"
    }

    func testSignAnswersDecryptAndCarryTheHeadersOfXsigHeaders() throws {
        let server = try MockServerProcess.startSidecar(Self.fields, test: self)
        let before = MockSigning.nowMillis
        let answer = try sign(server, query: "?session_token=route-token")
        let after = MockSigning.nowMillis
        XCTAssertEqual(answer.token, "route-token")
        XCTAssertTrue((before...after).contains(answer.timestamp), "the clock at signing")
        XCTAssertEqual(answer.json["nonce"] as? String, String(answer.timestamp, radix: 16))
        XCTAssertEqual(answer.response.header("X-signature"), answer.signature)
        XCTAssertEqual(answer.response.header("Cache-Control"), "no-store")
        XCTAssertEqual(try Self.pythonDecrypt([answer.signature]), [Self.payload(answer)])
        for backend in ["gmp", "openssl"] {
            let decrypted = try CLIRunner.run(["decrypt", "--private-key", MockServerProcess.demoKey, "--backend", backend,
                                               "--ciphertext-base64", answer.signature])
            XCTAssertEqual(decrypted.status, 0, decrypted.stderr)
            XCTAssertEqual(decrypted.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                           Array(Self.payload(answer).utf8).map { String(format: "%02x", $0) }.joined(), backend)
        }

        // The same X- headers, names and values, as `xsig headers` prints for the same flags.
        let headers = try CLIRunner.run(["headers", "--key", MockServerProcess.demoPublicKey, "--session-token", "route-token",
                                         "--domain", "idp.example", "--format", "json"] + Self.fields)
        XCTAssertEqual(headers.status, 0, headers.stderr)
        let reference = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(headers.stdout.utf8)) as? [String: Any])?["headers"]
                                      as? [String: String])
        XCTAssertEqual(Set(answer.headers.keys), Set(reference.keys))
        for (name, value) in reference where name != "X-signature" {
            XCTAssertEqual(answer.headers[name], value, name)
            XCTAssertEqual(answer.response.header(name), value, name)
        }
        // JSON key order is the vendor's header order, as in xsig headers.
        let order = { (text: String) in reference.keys.sorted { text.range(of: "\"\($0)\":")!.lowerBound < text.range(of: "\"\($1)\":")!.lowerBound } }
        XCTAssertEqual(order(answer.response.body), order(headers.stdout))
        XCTAssertEqual(server.stop(), 0)
    }

    func testTheRouteFlagsGiveTheMethodAndURL() throws {
        let server = try MockServerProcess.startSidecar(["--base-url", "http://127.0.0.1:8080", "--path", "/api/v2/sdk/profile/update",
                                                         "--method", "POST"] + Self.fields, test: self)
        let answer = try sign(server, query: "?session_token=t")
        XCTAssertEqual(answer.json["method"] as? String, "POST")
        XCTAssertEqual(answer.json["url"] as? String, "http://127.0.0.1:8080/api/v2/sdk/profile/update")
        XCTAssertNil(answer.headers["Host"], "only X- headers")
        XCTAssertEqual(server.stop(), 0)
        let bad = try CLIRunner.run(["sidecar", "--key", MockServerProcess.demoPublicKey, "--method", "get"], timeout: 30)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.hasPrefix("xsig: --method"), bad.stderr)
    }

    func testTokensRotateRoundRobinAndTheOffsetMovesTheClock() throws {
        let tokens = try file("tokens.txt", "# three sessions\nalpha\r\nbravo\n\ncharlie\n")
        let server = try MockServerProcess.startSidecar(["--tokens", tokens, "--clock-offset-ms", "60000"], test: self)
        var answers: [Answer] = []
        for _ in 0..<7 {
            let before = MockSigning.nowMillis
            let answer = try sign(server)
            XCTAssertLessThanOrEqual(before + 60_000, answer.timestamp)
            XCTAssertLessThan(answer.timestamp, MockSigning.nowMillis + 60_000 + 1_000, "within a second of the request, plus the offset")
            answers.append(answer)
        }
        XCTAssertEqual(answers.map(\.token), ["alpha", "bravo", "charlie", "alpha", "bravo", "charlie", "alpha"])
        XCTAssertEqual(try Self.pythonDecrypt(answers.map(\.signature)), answers.map(Self.payload))
        // A token of the request itself does not advance the rotation.
        XCTAssertEqual(try sign(server, headers: [("X-Session-Token", "own")]).token, "own")
        XCTAssertEqual(try sign(server).token, "bravo")
        XCTAssertEqual(server.stop(), 0)
    }

    func testServerTimeFileGivesTheOffsetAtItsModificationTime() throws {
        // A server an hour behind: the body's timestamp is an hour before the file was written.
        let path = try file("now.json", "{\"timestamp\":\"\(MockSigning.nowMillis - 3_600_000)\"}")
        let server = try MockServerProcess.startSidecar(["--server-time", path], test: self)
        let before = MockSigning.nowMillis
        let answer = try sign(server, query: "?session_token=t")
        XCTAssertLessThanOrEqual(before - 3_600_000 - 1_000, answer.timestamp)
        XCTAssertLessThanOrEqual(answer.timestamp, MockSigning.nowMillis - 3_600_000 + 1_000)
        XCTAssertEqual(server.stop(), 0)
    }

    /// Many connections at once, on the lanes engine (IFMA or the portable kernel, whichever
    /// this CPU runs): every answer is a distinct signature of its own token, and /metrics shows
    /// that RSA calls took more than one request.
    func testConcurrentRequestsGetDistinctValidSignaturesInGroups() throws {
        let server = try MockServerProcess.startSidecar(["--backend", "lanes", "--threads", "2"], test: self)
        let connections = 24, perConnection = 10
        let results = NIOLockedList()
        DispatchQueue.concurrentPerform(iterations: connections) { c in
            guard let connection = try? RawHTTPConnection(port: server.port) else { return }
            for i in 0..<perConnection {
                let token = "c\(c)-r\(i)"
                connection.send("GET /sign?session_token=\(token) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                guard let response = connection.readResponse() else { return }
                results.append((token, response))
            }
        }
        let all = results.items
        XCTAssertEqual(all.count, connections * perConnection)
        var signatures: [String] = []
        var expected: [String] = []
        for (token, response) in all {
            XCTAssertEqual(response.status, 200, response.body)
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
            let answer = Answer(response: response, json: json)
            XCTAssertEqual(answer.token, token)
            signatures.append(answer.signature)
            expected.append(Self.payload(answer))
        }
        XCTAssertEqual(Set(signatures).count, signatures.count, "distinct signatures")
        XCTAssertEqual(try Self.pythonDecrypt(signatures), expected)
        let metrics = try RawHTTPClient.request(port: server.port, path: "/metrics").body
        let calls = try XCTUnwrap(metrics.split(separator: "\n").first { $0.hasPrefix("xsig_sidecar_group_size_count ") })
        let count = try XCTUnwrap(Int(calls.split(separator: " ")[1]))
        XCTAssertLessThan(count, connections * perConnection, "some RSA calls signed several requests: \(count) calls")
        XCTAssertTrue(metrics.contains("xsig_sidecar_signatures_total{source=\"query\"} \(connections * perConnection)"))
        XCTAssertEqual(server.stop(), 0)
    }

    func testBadRequestsGetTheRight4xxAndTheSidecarKeepsServing() throws {
        let tokens = try file("tokens.txt", "secret-token-1\n")
        let server = try MockServerProcess.startSidecar(["--padding", "oaep-sha256"], test: self)
        let cases: [(String, String, [(String, String)], Int, String)] = [
            ("GET", "/sign", [], 400, "missing_session_token"),
            ("GET", "/sign?session_token=has%20space", [], 400, "invalid_session_token"),
            ("GET", "/sign?session_token=a%26b", [], 400, "invalid_session_token"),
            ("GET", "/sign?session_token=%zz", [], 400, "malformed_query"),
            ("GET", "/sign?session_token=a&session_token=b", [], 400, "duplicate_session_token"),
            ("GET", "/sign?session_token=" + String(repeating: "L", count: 180), [], 400, "payload_too_long"),
            ("POST", "/sign", [], 405, "method_not_allowed"),
            ("GET", "/api/v2/sdk/logout", [], 404, "not_found"),
        ]
        for (method, path, headers, status, code) in cases {
            let response = try RawHTTPClient.request(port: server.port, method: method, path: path, headers: headers,
                                                     body: method == "POST" ? "" : nil)
            XCTAssertEqual(response.status, status, "\(method) \(path.prefix(40))")
            XCTAssertEqual(response.errorCode, code, "\(method) \(path.prefix(40))")
        }
        let huge = try RawHTTPClient.request(port: server.port, path: "/sign", headers: [("X-Session-Token", String(repeating: "h", count: 20_000))])
        XCTAssertEqual(huge.status, 431)
        XCTAssertEqual(try sign(server, headers: [("X-Session-Token", "secret-token-2")]).token, "secret-token-2", "still serving")
        XCTAssertEqual(try RawHTTPClient.request(port: server.port, path: "/healthz").status, 200)
        let metrics = try RawHTTPClient.request(port: server.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("xsig_sidecar_refusals_total{error_code=\"missing_session_token\"} 1"))
        XCTAssertFalse(metrics.contains("secret-token"), "no token in the metrics")
        XCTAssertEqual(server.stop(), 0)
        XCTAssertFalse(server.stderr.contains("secret-token"), "no token in the log")
        _ = tokens
    }

    func testArgumentErrors() throws {
        let key = MockServerProcess.demoPublicKey
        // Status 2 for a bad value, 64 for flags that cannot go together (a usage error).
        let refusals: [([String], String, Int32)] = [
            (["--listen", "0.0.0.0:0"], "loopback only", 2),
            (["--listen", "192.0.2.1:8081"], "loopback only", 2),
            (["--listen", "127.\u{BD}.0.1:0"], "loopback only", 2),          // '½' is a Unicode number, not a digit (it crashed)
            (["--listen", "127.\u{660}.\u{660}.\u{661}:0"], "loopback only", 2),    // Arabic-Indic digits
            (["--clock-offset-ms", "5", "--server-time", "x.json"], "not both", 64),
            (["--tokens", try file("empty.txt", "# nothing\n")], "no tokens found", 2),
            (["--tokens", try file("bad.txt", "good\nbad token\n")], "line 2", 2),
            (["--group-window-us", "200000"], "--group-window-us", 2),
            (["--padding", "oaep-md5"], "--padding", 2),
        ]
        for (arguments, message, status) in refusals {
            let result = try CLIRunner.run(["sidecar", "--key", key] + arguments, timeout: 30)
            XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("xsig: "), result.stderr)
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("bad token"), "the message never repeats a token")
        }
    }
}

/// Results collected from several threads.
final class NIOLockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [(String, RawHTTPResponse)] = []
    func append(_ item: (String, RawHTTPResponse)) { lock.lock(); list.append(item); lock.unlock() }
    var items: [(String, RawHTTPResponse)] { lock.lock(); defer { lock.unlock() }; return list }
}
