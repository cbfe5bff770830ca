import Foundation
import XCTest

/// `xsig mock` under bad input and load: limits with their status codes, malformed HTTP, the
/// connection limit, timeouts, and SIGTERM with requests in flight.
final class MockLimitsTests: XCTestCase {
    private func logoutRequest(_ signature: String, close: Bool = true) -> String {
        var text = "GET /api/v2/sdk/logout HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in MockSigning.headers(signature: signature) { text += "\(name): \(value)\r\n" }
        return text + (close ? "Connection: close\r\n" : "") + "\r\n"
    }

    /// A port in use is one line in the operating system's words, for both servers.
    func testBusyPortIsOneClearLine() throws {
        let server = try MockServerProcess.start([], test: self)
        let address = "127.0.0.1:\(server.port)"
        for arguments in [["mock", "--private-key", MockServerProcess.demoKey, "--listen", address],
                          ["sidecar", "--key", MockServerProcess.demoPublicKey, "--listen", address]] {
            let r = try CLIRunner.run(arguments, timeout: 30)
            XCTAssertFalse(r.timedOut, arguments[0])
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertEqual(r.stderr, "xsig: --listen \(address): address already in use\n", arguments[0])
        }
    }

    /// Pipelined requests (several in one write) each get their answer in order, on both servers,
    /// including signed ones whose answer takes a decryption (they were dropped: the connection hung).
    func testPipelinedRequestsAreAllAnswered() throws {
        func statuses(port: Int, _ requests: [String]) throws -> [Int] {
            let connection = try RawHTTPConnection(port: port, timeout: 20)
            XCTAssertTrue(connection.send(requests.joined()))
            let text = String(decoding: connection.readToEnd().bytes, as: UTF8.self)
            return text.components(separatedBy: "HTTP/1.1 ").dropFirst().compactMap { Int($0.prefix(3)) }
        }
        let healthzClose = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        let mock = try MockServerProcess.start(["--threads", "1"], test: self)
        let signed = try (0..<3).map { logoutRequest(try MockSigning.xsig(token: "pipelined-\($0)"), close: false) }
        XCTAssertEqual(try statuses(port: mock.port, signed + [healthzClose]), [200, 200, 200, 200])
        XCTAssertEqual(try statuses(port: mock.port, ["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                                                      logoutRequest(try MockSigning.xsig(token: "pipelined-after-healthz"), close: false),
                                                      healthzClose]), [200, 200, 200])
        let sidecar = try MockServerProcess.startSidecar(["--domain", "idp.example.com", "--client-id", "c", "--device-fingerprint", "f",
                                                          "--os-version", "1", "--agent", "a"], test: self)
        let signs = (0..<3).map { "GET /sign?session_token=p\($0) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" }
        XCTAssertEqual(try statuses(port: sidecar.port, signs + [healthzClose]), [200, 200, 200, 200])
    }

    /// `/healthz` and `/metrics` answer GET only, and their 405 says so, as the SDK routes' do.
    func testBuiltInRoutesName405Allow() throws {
        let server = try MockServerProcess.start([], test: self)
        for path in ["/healthz", "/metrics"] {
            let response = try RawHTTPClient.exchange(port: server.port, Array("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
            XCTAssertEqual(response.status, 405, path)
            XCTAssertEqual(response.header("Allow"), "GET", path)
            XCTAssertEqual(response.errorCode, "method_not_allowed", path)
        }
    }

    func testHeaderAndBodyLimits() throws {
        let server = try MockServerProcess.start(["--max-header-bytes", "2048", "--max-body-bytes", "100", "--allow-replay"], test: self)
        let big = try RawHTTPClient.request(port: server.port, path: "/healthz", headers: [("X-padding", String(repeating: "a", count: 3000))])
        XCTAssertEqual(big.status, 431)
        XCTAssertEqual(big.errorCode, "header_too_large")
        let longLine = try RawHTTPClient.request(port: server.port, path: "/healthz?" + String(repeating: "q", count: 3000))
        XCTAssertEqual(longLine.status, 431)
        let fits = try RawHTTPClient.request(port: server.port, path: "/healthz", headers: [("X-padding", String(repeating: "a", count: 1500))])
        XCTAssertEqual(fits.status, 200)

        let signature = try MockSigning.xsig(token: "body-limit")
        let declared = try RawHTTPClient.request(port: server.port, method: "POST", path: "/api/v2/sdk/profile/update",
                                                 headers: MockSigning.headers(signature: signature), body: String(repeating: "b", count: 101))
        XCTAssertEqual(declared.status, 413)
        XCTAssertEqual(declared.errorCode, "body_too_large")
        let chunk = String(repeating: "c", count: 60)
        var chunked = "POST /api/v2/sdk/profile/update HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
        for (name, value) in MockSigning.headers(signature: signature) { chunked += "\(name): \(value)\r\n" }
        chunked += "\r\n3c\r\n\(chunk)\r\n3c\r\n\(chunk)\r\n0\r\n\r\n"
        XCTAssertEqual(try RawHTTPClient.exchange(port: server.port, Array(chunked.utf8)).status, 413)
        // A client that sends a large body anyway still reads its 413 (and the cut-off body is no 400).
        let bulky = "POST /api/v2/sdk/profile/update HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n" + String(repeating: "d", count: 200_000)
        XCTAssertEqual(try RawHTTPClient.exchange(port: server.port, Array(bulky.utf8)).status, 413)
        let small = try RawHTTPClient.request(port: server.port, method: "POST", path: "/api/v2/sdk/profile/update",
                                              headers: MockSigning.headers(signature: signature), body: String(repeating: "b", count: 100))
        XCTAssertEqual(small.status, 200, small.body)
        let metrics = try RawHTTPClient.request(port: server.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("xsig_http_protocol_errors_total{status=\"431\"} 2"), metrics)
        XCTAssertTrue(metrics.contains("xsig_http_protocol_errors_total{status=\"413\"} 3"), metrics)
        XCTAssertFalse(metrics.contains("xsig_http_protocol_errors_total{status=\"400\"}"), metrics)
        XCTAssertEqual(server.stop(), 0)
    }

    func testExpectContinue() throws {
        let server = try MockServerProcess.start([], test: self)
        let connection = try RawHTTPConnection(port: server.port)
        var head = "POST /api/v2/sdk/profile/update HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n"
        for (name, value) in MockSigning.headers(signature: try MockSigning.xsig(token: "continue")) { head += "\(name): \(value)\r\n" }
        connection.send(head + "\r\n")
        XCTAssertTrue(connection.readable(withinMilliseconds: 5000), "an interim answer before the body")
        var interim = [UInt8](repeating: 0, count: 256)
        let n = interim.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
        XCTAssertTrue(String(decoding: interim.prefix(max(0, n)), as: UTF8.self).hasPrefix("HTTP/1.1 100 Continue\r\n"))
        connection.send("{}")
        XCTAssertEqual(RawHTTPClient.parse(connection.readToEnd().bytes, requireWhole: false)?.status, 200)
        XCTAssertEqual(server.stop(), 0)
    }

    func testSlowAndIdleClientsAreTimedOut() throws {
        let server = try MockServerProcess.start(["--request-timeout", "1", "--idle-timeout", "1"], test: self)
        // Half a request line, then nothing: 408 within the request timeout, then the close.
        let slow = try RawHTTPConnection(port: server.port)
        let started = Date()
        slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
        let (bytes, closed) = slow.readToEnd()
        XCTAssertTrue(closed)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        let response = try XCTUnwrap(RawHTTPClient.parse(bytes, requireWhole: false))
        XCTAssertEqual(response.status, 408)
        XCTAssertEqual(response.errorCode, "request_timeout")
        // A trickling client (a byte every 300 ms, so never idle) is cut at the deadline too. It
        // stops sending once the answer is there: writing to the closed socket would reset it.
        let trickle = try RawHTTPConnection(port: server.port)
        let trickleStart = Date()
        for byte in "GET /healthz HTTP/1.1\r\nHost: x\r\n".utf8 where !trickle.readable() {
            trickle.send([byte])
            if trickle.readable(withinMilliseconds: 300) { break }
        }
        XCTAssertEqual(RawHTTPClient.parse(trickle.readToEnd().bytes, requireWhole: false)?.status, 408)
        XCTAssertLessThan(Date().timeIntervalSince(trickleStart), 5, "the deadline runs from the first byte")
        // A whole head but only part of the body: 408 too, through the HTTP codec.
        let body = try RawHTTPConnection(port: server.port)
        body.send("POST /api/v2/sdk/profile/update HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        let partial = RawHTTPClient.parse(body.readToEnd().bytes, requireWhole: false)
        XCTAssertEqual(partial?.status, 408)
        XCTAssertEqual(partial?.errorCode, "request_timeout")
        // An idle keep-alive connection is closed silently.
        let idle = try RawHTTPConnection(port: server.port)
        idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(idle.readResponse()?.status, 200)
        let rest = idle.readToEnd()
        XCTAssertTrue(rest.closed)
        XCTAssertEqual(rest.bytes, [])
        XCTAssertEqual(server.stop(), 0)
    }

    func testConnectionLimit() throws {
        let server = try MockServerProcess.start(["--max-connections", "2"], test: self)
        var first: RawHTTPConnection? = try RawHTTPConnection(port: server.port)
        let second = try RawHTTPConnection(port: server.port)
        first?.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        second.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(first?.readResponse()?.status, 200)
        XCTAssertEqual(second.readResponse()?.status, 200)
        let third = try RawHTTPClient.request(port: server.port, path: "/healthz")
        XCTAssertEqual(third.status, 503)
        XCTAssertEqual(third.errorCode, "too_many_connections")
        first = nil
        // Once they close, new connections are served again.
        let deadline = Date().addingTimeInterval(10)
        var status = 0
        while Date() < deadline {
            status = try RawHTTPClient.request(port: server.port, path: "/healthz").status
            if status == 200 { break }
            usleep(50_000)
        }
        XCTAssertEqual(status, 200)
        withExtendedLifetime(second) {}
        XCTAssertEqual(server.stop(), 0)
    }

    /// Malformed HTTP of many kinds, each answered 400 (or closed) without disturbing the server,
    /// then a valid logout that gets 200.
    func testMalformedBurstThenValidRequest() throws {
        let server = try MockServerProcess.start([], test: self)
        let garbage: [[UInt8]] = [
            Array("GARBAGE\r\n\r\n".utf8),
            Array("GET / HTTP/9.9\r\n\r\n".utf8),
            Array("GET /healthz HTTP/1.1\r\nHost x\r\n\r\n".utf8),
            Array("GET /healthz HTTP/1.1\r\nBad Header: v\r\n\r\n".utf8),
            Array("GET /healthz HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello".utf8),
            Array("POST /api/v2/sdk/profile/update HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".utf8),
            Array("GET /\u{1}\u{2} HTTP/1.1\r\n\r\n".utf8),
            [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03],  // a TLS ClientHello
            [UInt8](repeating: 0, count: 64),
            Array("GET /healthz HTTP/1.1\r\nHost: x\r\nX: \u{0}\r\n\r\n".utf8),
        ]
        var statuses: Set<Int> = []
        for round in 0..<5 {
            for bytes in garbage {
                let response = try RawHTTPClient.exchange(port: server.port, bytes, timeout: 10)
                statuses.insert(response.status)
                XCTAssertTrue(response.status == 400 || response.status == 0, "round \(round): \(response.status) \(response.body)")
            }
        }
        XCTAssertTrue(statuses.contains(400))
        let signature = try MockSigning.xsig(token: "after-the-burst")
        let valid = try RawHTTPClient.exchange(port: server.port, Array(logoutRequest(signature).utf8))
        XCTAssertEqual(valid.status, 200, valid.body)
        let metrics = try RawHTTPClient.request(port: server.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("xsig_http_protocol_errors_total{status=\"400\"}"), metrics)
        XCTAssertEqual(server.stop(), 0)
    }

    /// SIGTERM while requests are being decrypted: each gets its answer, the exit status is 0,
    /// and stderr has the one-line summary. Slow on purpose: a 4096-bit key on one GMP thread,
    /// and five paddings tried per request, the right one last.
    func testSIGTERMDrainsRequestsInFlight() throws {
        let directory = try CLIRunner.temporaryDirectory(self)
        let prefix = directory.appendingPathComponent("big").path
        let keygen = try CLIRunner.run(["keygen", "--bits", "4096", "--out", prefix], timeout: 120)
        XCTAssertEqual(keygen.status, 0, keygen.stderr)
        let server = try MockServerProcess.start(["--threads", "1", "--backend", "gmp",
                                                  "--padding", "oaep-sha1,oaep-sha384,oaep-sha512,pkcs1,oaep-sha256"],
                                                 key: prefix + ".pem", test: self)
        let count = 16
        let signatures = try (0..<count).map { try MockSigning.xsig(token: "drain-\($0)", key: prefix + ".pub.pem") }
        let connections = try signatures.map { signature -> RawHTTPConnection in
            let connection = try RawHTTPConnection(port: server.port, timeout: 60)
            connection.send(logoutRequest(signature))
            return connection
        }
        usleep(300_000)  // let the server read every request before the signal
        let results = ResultsBox(count: count)
        let group = DispatchGroup()
        for (index, connection) in connections.enumerated() {
            DispatchQueue.global().async(group: group) {
                results.set(index, RawHTTPClient.parse(connection.readToEnd().bytes, requireWhole: false)?.status ?? 0)
            }
        }
        let status = server.stop(signal: SIGTERM, timeout: 60)
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(results.values, Array(repeating: 200, count: count))
        let summary = server.stderr
        XCTAssertTrue(summary.hasPrefix("xsig mock: stopped on SIGTERM after "), summary)
        XCTAssertEqual(summary.split(separator: "\n").count, 1, summary)
        XCTAssertTrue(summary.contains("\(count) requests (2xx \(count), 4xx 0, 5xx 0)"), summary)
        let inFlight = summary.components(separatedBy: "; ").last?.split(separator: " ").first.flatMap { Int($0) } ?? 0
        XCTAssertGreaterThan(inFlight, 0, "requests were in flight at the signal: \(summary)")
    }
}

final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int]
    init(count: Int) { storage = Array(repeating: -1, count: count) }
    func set(_ index: Int, _ value: Int) { lock.lock(); storage[index] = value; lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return storage }
}
