import Foundation
import XCTest

/// `xsig mock` end to end: the real binary on 127.0.0.1:0, spoken to over HTTP.
final class MockRoutesTests: XCTestCase {
    private func tokensFile(_ tokens: [String]) throws -> String {
        let url = try CLIRunner.temporaryDirectory(self).appendingPathComponent("tokens.txt")
        try ("# test tokens\n" + tokens.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func logout(_ server: MockServerProcess, signature: String?, clientID: String = "app1", omit: String? = nil) throws -> RawHTTPResponse {
        try RawHTTPClient.request(port: server.port, path: "/api/v2/sdk/logout",
                                  headers: MockSigning.headers(signature: signature, clientID: clientID, omit: omit))
    }

    func testEveryRoute() throws {
        let server = try MockServerProcess.start([], test: self)
        let before = MockSigning.nowMillis
        let date = try RawHTTPClient.request(port: server.port, path: "/api/v2/sdk/server-date")
        XCTAssertEqual(date.status, 200)
        let object = try JSONSerialization.jsonObject(with: Data(date.body.utf8)) as? [String: Any]
        let stamp = try XCTUnwrap(object?["timestamp"] as? String, "timestamp is a string")
        XCTAssertLessThanOrEqual(before, try XCTUnwrap(UInt64(stamp)))
        XCTAssertLessThan(UInt64(stamp)! - before, 5_000)

        let key = try RawHTTPClient.request(port: server.port, path: "/api/v2/sdk/public-key")
        XCTAssertEqual(key.status, 200)
        let pem = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(key.body.utf8)) as? [String: String])?["public_key"])
        XCTAssertEqual(pem, try String(contentsOfFile: MockServerProcess.demoPublicKey, encoding: .utf8))

        let signature = try MockSigning.xsig(token: "route-token")
        XCTAssertEqual(try logout(server, signature: signature).status, 200)
        XCTAssertEqual(try logout(server, signature: signature).body.isEmpty, false)
        let update = try RawHTTPClient.request(port: server.port, method: "POST", path: "/api/v2/sdk/profile/update",
                                               headers: MockSigning.headers(signature: try MockSigning.xsig(token: "route-token")),
                                               body: #"{"nickname":"x"}"#)
        XCTAssertEqual(update.status, 200, update.body)

        let health = try RawHTTPClient.request(port: server.port, path: "/healthz")
        XCTAssertEqual(health.status, 200)
        let metrics = try RawHTTPClient.request(port: server.port, path: "/metrics")
        XCTAssertEqual(metrics.status, 200)
        for line in ["xsig_http_requests_total{route=\"/api/v2/sdk/logout\",status=\"200\"} 1",
                     "xsig_http_requests_total{route=\"/api/v2/sdk/logout\",status=\"400\"} 1",
                     "xsig_mock_rejections_total{error_code=\"replayed_signature\"} 1",
                     "xsig_mock_accepted_total{route=\"/api/v2/sdk/profile/update\"} 1",
                     "xsig_http_request_duration_seconds_bucket{route=\"/api/v2/sdk/logout\",le=\"+Inf\"} 2",
                     "# TYPE xsig_http_request_duration_seconds histogram", "xsig_mock_replay_cache_entries 2"] {
            XCTAssertTrue(metrics.body.contains(line), "metrics lack \(line)")
        }

        XCTAssertEqual(try RawHTTPClient.request(port: server.port, path: "/api/v2/sdk/nothing").errorCode, "not_found")
        let wrongMethod = try RawHTTPClient.request(port: server.port, method: "POST", path: "/api/v2/sdk/logout", body: "")
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.header("Allow"), "GET")
        XCTAssertEqual(server.stop(), 0)
    }

    func testValidSignaturesFromXsigAndPythonCryptography() throws {
        let server = try MockServerProcess.start(["--client-id", "app1"], test: self)
        let fromPython = try MockSigning.python(token: "py-token_=.")
        let response = try logout(server, signature: fromPython)
        XCTAssertEqual(response.status, 200, response.body)
        XCTAssertEqual(response.body, "success")
        let fromXsig = try MockSigning.xsig(token: "xsig-token")
        XCTAssertEqual(try logout(server, signature: fromXsig).status, 200)
        XCTAssertEqual(server.stop(), 0)
    }

    /// One request per error_code, in the order of the checks; no message echoes a token or signature.
    func testEveryErrorCode() throws {
        let tokens = try tokensFile(["known-1", "known-2"])
        let server = try MockServerProcess.start(["--client-id", "app1", "--tokens", tokens], test: self)
        let now = MockSigning.nowMillis
        let nonce = String(now, radix: 16)
        func payload(_ text: String) throws -> String { try MockSigning.encrypt(Array(text.utf8)) }
        let valid = try MockSigning.xsig(token: "known-1")
        let cases: [(String, () throws -> RawHTTPResponse)] = [
            ("missing_header", { try self.logout(server, signature: valid, omit: "X-agent") }),
            ("client_id_mismatch", { try self.logout(server, signature: valid, clientID: "someone-else") }),
            ("malformed_signature", { try self.logout(server, signature: "not*base64!") }),
            ("decryption_error", { try self.logout(server, signature: MockSigning.xsig(token: "known-1", padding: "pkcs1")) }),
            ("payload_not_utf8", { try self.logout(server, signature: MockSigning.encrypt([0xff, 0xfe, 0x26])) }),
            ("missing_field", { try self.logout(server, signature: payload("session_token=known-1&timestamp=\(now)")) }),
            ("extra_fields", { try self.logout(server, signature: payload("session_token=known-1&timestamp=\(now)&nonce=\(nonce)&x=1")) }),
            ("field_order", { try self.logout(server, signature: payload("timestamp=\(now)&session_token=known-1&nonce=\(nonce)")) }),
            ("malformed_field", { try self.logout(server, signature: payload("session_token=known-1&timestamp&nonce=\(nonce)")) }),
            ("invalid_session_token", { try self.logout(server, signature: payload("session_token=&timestamp=\(now)&nonce=\(nonce)")) }),
            ("invalid_timestamp", { try self.logout(server, signature: payload("session_token=known-1&timestamp=0\(now)&nonce=\(nonce)")) }),
            ("nonce_mismatch", { try self.logout(server, signature: payload("session_token=known-1&timestamp=\(now)&nonce=\(nonce.uppercased())")) }),
            ("stale_timestamp", { try self.logout(server, signature: MockSigning.xsig(token: "known-1", timestamp: now - 400_000)) }),
            ("future_timestamp", { try self.logout(server, signature: MockSigning.xsig(token: "known-1", timestamp: now + 400_000)) }),
            ("unknown_session_token", { try self.logout(server, signature: MockSigning.xsig(token: "stranger")) }),
        ]
        for (code, send) in cases {
            let response = try send()
            XCTAssertEqual(response.status, 400, code)
            XCTAssertEqual(response.errorCode, code, response.body)
            for secret in ["known-1", "stranger", valid] { XCTAssertFalse(response.body.contains(secret), "\(code) echoes a secret") }
        }
        // replayed_signature and session_logged_out
        XCTAssertEqual(try logout(server, signature: valid).status, 200)
        let replay = try logout(server, signature: valid)
        XCTAssertEqual(replay.errorCode, "replayed_signature")
        let again = try logout(server, signature: MockSigning.xsig(token: "known-1"))
        XCTAssertEqual(again.errorCode, "session_logged_out")
        XCTAssertFalse(again.body.contains("known-1"))
        XCTAssertEqual(server.stop(), 0)
    }

    func testTokensLogoutEndsTheSessionAndProfileUpdateNeedsIt() throws {
        let tokens = try tokensFile(["alice", "bob"])
        let server = try MockServerProcess.start(["--tokens", tokens], test: self)
        func update(_ token: String) throws -> RawHTTPResponse {
            try RawHTTPClient.request(port: server.port, method: "POST", path: "/api/v2/sdk/profile/update",
                                      headers: MockSigning.headers(signature: try MockSigning.xsig(token: token)), body: "{}")
        }
        XCTAssertEqual(try update("alice").status, 200)
        XCTAssertEqual(try update("alice").status, 200, "a profile update does not end the session")
        XCTAssertEqual(try logout(server, signature: MockSigning.python(token: "alice")).status, 200)
        XCTAssertEqual(try logout(server, signature: MockSigning.xsig(token: "alice")).errorCode, "session_logged_out")
        XCTAssertEqual(try update("alice").errorCode, "session_logged_out")
        XCTAssertEqual(try logout(server, signature: MockSigning.xsig(token: "bob")).status, 200)
        let metrics = try RawHTTPClient.request(port: server.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("xsig_mock_tokens{state=\"logged_out\"} 2"), metrics)
        XCTAssertEqual(server.stop(), 0)
    }

    func testReplayAndAllowReplay() throws {
        let strict = try MockServerProcess.start([], test: self)
        let signature = try MockSigning.xsig(token: "replayed")
        XCTAssertEqual(try logout(strict, signature: signature).status, 200)
        XCTAssertEqual(try logout(strict, signature: signature).errorCode, "replayed_signature")
        // The same ciphertext spelled in URL-safe Base64 is the same signature.
        let urlSafe = signature.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        XCTAssertEqual(try logout(strict, signature: urlSafe).errorCode, "replayed_signature")
        XCTAssertEqual(strict.stop(), 0)

        let lenient = try MockServerProcess.start(["--allow-replay"], test: self)
        XCTAssertEqual(try logout(lenient, signature: signature).status, 200)
        XCTAssertEqual(try logout(lenient, signature: signature).status, 200)
        XCTAssertEqual(lenient.stop(), 0)
    }

    func testPaddingListAndBackends() throws {
        let server = try MockServerProcess.start(["--padding", "oaep-sha256,oaep-sha256-mgf1sha1,pkcs1", "--backend", "gmp"], test: self)
        for padding in ["oaep-sha256", "oaep-sha256-mgf1sha1", "pkcs1"] {
            XCTAssertEqual(try logout(server, signature: MockSigning.xsig(token: "t-\(padding)", padding: padding)).status, 200, padding)
        }
        let other = try logout(server, signature: MockSigning.xsig(token: "t", padding: "oaep-sha1"))
        XCTAssertEqual(other.errorCode, "decryption_error")
        XCTAssertTrue(other.body.contains("oaep-sha256, oaep-sha256-mgf1sha1, pkcs1"), other.body)
        let taken = try CLIRunner.run(["mock", "--private-key", MockServerProcess.demoKey, "--listen", "127.0.0.1:\(server.port)"], timeout: 30)
        XCTAssertEqual(taken.status, 2)
        XCTAssertTrue(taken.stderr.hasPrefix("xsig: --listen 127.0.0.1:\(server.port): "), taken.stderr)
        XCTAssertEqual(taken.stdout, "", "no ready line when the bind fails")
        XCTAssertEqual(server.stop(), 0)

        // The lanes decryption engine serves as well: a request alone, and concurrent requests,
        // which share eight-lane passes (the group-size histogram of /metrics says so).
        let lanes = try MockServerProcess.start(["--backend", "lanes", "--threads", "1", "--group-window-us", "20000"], test: self)
        XCTAssertEqual(try logout(lanes, signature: MockSigning.xsig(token: "t-lanes", padding: "oaep-sha256")).status, 200)
        XCTAssertEqual(try logout(lanes, signature: MockSigning.xsig(token: "t", padding: "oaep-sha1")).errorCode, "decryption_error")
        let signatures = try (0..<16).map { try MockSigning.xsig(token: "c\($0)") } + [try MockSigning.xsig(token: "x", padding: "oaep-sha1")]
        let statuses = ResultsBox(count: signatures.count)
        let port = lanes.port
        let done = DispatchGroup()
        for (i, signature) in signatures.enumerated() {  // a thread per request: all of them in flight together
            done.enter()
            Thread {
                let response = try? RawHTTPClient.request(port: port, path: "/api/v2/sdk/logout",
                                                          headers: MockSigning.headers(signature: signature, clientID: "app1", omit: nil))
                statuses.set(i, response?.status ?? 0)
                done.leave()
            }.start()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(statuses.values, Array(repeating: 200, count: 16) + [400])
        let metrics = try RawHTTPClient.request(port: lanes.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("xsig_mock_decryption_plan{plan=\"lanes ("), metrics)
        func value(_ name: String) -> Double? {
            metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
        }
        let groups = try XCTUnwrap(value("xsig_mock_group_size_count")), requests = try XCTUnwrap(value("xsig_mock_group_size_sum"))
        XCTAssertEqual(requests, 19, "every signed request went through a group")
        XCTAssertLessThan(groups, requests, "concurrent requests shared passes: \(Int(groups)) groups for 19 requests")
        XCTAssertEqual(lanes.stop(), 0)
        let badListen = try CLIRunner.run(["mock", "--private-key", MockServerProcess.demoKey, "--listen", "127.0.0.1"], timeout: 30)
        XCTAssertEqual(badListen.status, 2)
        XCTAssertTrue(badListen.stderr.hasPrefix("xsig: --listen must be HOST:PORT"), badListen.stderr)
    }

    /// A ciphertext whose leading octet is zero, sent without it (255 octets under a 2048-bit key),
    /// as clients that drop leading zeros do: refused by default, accepted with --lenient-length,
    /// by `xsig mock` and by `xsig verify` alike.
    func testLenientLength() throws {
        let directory = try CLIRunner.temporaryDirectory(self)
        let input = directory.appendingPathComponent("tokens.txt")
        try (0..<3000).map { "lenient-\($0)" }.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("signed.ndjson")
        let batch = try CLIRunner.run(["batch", "--key", MockServerProcess.demoPublicKey, "--input", input.path, "--output", output.path, "--quiet"])
        XCTAssertEqual(batch.status, 0, batch.stderr)
        var short: String?
        for line in try String(contentsOf: output, encoding: .utf8).split(separator: "\n") {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let bytes = Data(base64Encoded: record["signature"] as! String)!
            if bytes.first == 0 {
                short = bytes.dropFirst().base64EncodedString()
                break
            }
        }
        let signature = try XCTUnwrap(short, "no leading-zero ciphertext in 3000 (probability about 1e-5)")

        let strict = try MockServerProcess.start([], test: self)
        let refused = try logout(strict, signature: signature)
        XCTAssertEqual(refused.errorCode, "decryption_error")
        XCTAssertTrue(refused.body.contains("255 octets, the key needs 256; see --lenient-length"), refused.body)
        XCTAssertEqual(strict.stop(), 0)
        let lenient = try MockServerProcess.start(["--lenient-length"], test: self)
        XCTAssertEqual(try logout(lenient, signature: signature).status, 200)
        XCTAssertEqual(lenient.stop(), 0)

        let verifyStrict = try CLIRunner.run(["verify", "--private-key", MockServerProcess.demoKey, "--signature", signature])
        XCTAssertEqual(verifyStrict.status, 1)
        XCTAssertTrue(verifyStrict.stdout.contains("\"reason\":\"decryption_error\""))
        let verifyLenient = try CLIRunner.run(["verify", "--private-key", MockServerProcess.demoKey, "--signature", signature, "--lenient-length"])
        XCTAssertEqual(verifyLenient.status, 0, verifyLenient.stdout + verifyLenient.stderr)
        XCTAssertTrue(verifyLenient.stdout.contains("\"valid\":true"))
    }
}
