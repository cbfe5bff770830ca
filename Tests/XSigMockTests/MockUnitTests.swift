import Foundation
import XCTest
import XSigHTTP
@testable import XSigMock
import XSignature

final class MockUnitTests: XCTestCase {
    func testReplayCacheExpiresWithTheWindow() {
        let cache = ReplayCache(windowSeconds: 10)
        let t: UInt64 = 1_700_000_000_000
        XCTAssertTrue(cache.insert(ciphertext: [1, 2, 3], timestamp: t, now: t))
        XCTAssertFalse(cache.insert(ciphertext: [1, 2, 3], timestamp: t, now: t + 9_000))
        XCTAssertTrue(cache.insert(ciphertext: [4], timestamp: t, now: t + 1))
        XCTAssertEqual(cache.count, 2)
        // Past t + window the entries are swept (and could not pass the skew check anyway).
        XCTAssertTrue(cache.insert(ciphertext: [9], timestamp: t + 12_000, now: t + 12_000))
        XCTAssertEqual(cache.count, 1)
        XCTAssertTrue(cache.insert(ciphertext: [1, 2, 3], timestamp: t + 12_000, now: t + 12_001))
        // A clock jump far ahead sweeps everything.
        XCTAssertTrue(cache.insert(ciphertext: [7], timestamp: t + 1_000_000_000, now: t + 1_000_000_000))
        XCTAssertEqual(cache.count, 1)
    }

    func testReplayCacheIsThreadSafe() {
        let cache = ReplayCache(windowSeconds: 300)
        let t: UInt64 = 1_700_000_000_000
        let accepted = NIOLockedCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<2_000 where cache.insert(ciphertext: [UInt8(i & 0xff), UInt8(i >> 8)], timestamp: t, now: t + UInt64(worker)) {
                accepted.add()
            }
        }
        XCTAssertEqual(accepted.value, 2_000, "each ciphertext is accepted exactly once")
    }

    func testTokenStore() throws {
        let store = try TokenStore.parse(Array("# comment\nalice\r\n\nbob\n".utf8))
        XCTAssertEqual(store.status(of: "alice"), .active)
        XCTAssertEqual(store.status(of: "carol"), .unknown)
        XCTAssertEqual(store.logout("alice"), .active)
        XCTAssertEqual(store.logout("alice"), .loggedOut)
        XCTAssertEqual(store.status(of: "alice"), .loggedOut)
        XCTAssertEqual(store.counts.active, 1)
        XCTAssertThrowsError(try TokenStore.parse(Array("good\nbad token\n".utf8))) { error in
            let message = (error as? XSigError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("line 2: "), message)
            XCTAssertFalse(message.contains("bad token"))
        }
        XCTAssertThrowsError(try TokenStore.parse(Array("\n# none\n".utf8)))
    }

    func testMetricsTextFormat() {
        let metrics = MetricsRegistry()
        metrics.describe("x_total", .counter, help: "Things.")
        metrics.describe("x_seconds", .histogram, help: "Times.", buckets: [0.1, 1])
        metrics.increment("x_total", [("route", "/a\"b")])
        metrics.increment("x_total", [("route", "/a\"b")], by: 2)
        metrics.observe("x_seconds", [], 0.05)
        metrics.observe("x_seconds", [], 0.5)
        metrics.observe("x_seconds", [], 5)
        XCTAssertEqual(metrics.render(), """
        # HELP x_total Things.
        # TYPE x_total counter
        x_total{route="/a\\"b"} 3
        # HELP x_seconds Times.
        # TYPE x_seconds histogram
        x_seconds_bucket{le="0.1"} 1
        x_seconds_bucket{le="1"} 2
        x_seconds_bucket{le="+Inf"} 3
        x_seconds_sum 5.55
        x_seconds_count 3

        """)
    }

    func testChecksInOrderWithAFixedClock() throws {
        let key = try Self.demoKey()
        let now: UInt64 = 1_628_496_895_102
        let checks = try SignatureChecks(privateKey: key, configuration: MockConfiguration(clock: { now }))
        let signer = try XSignatureSigner(key: key.publicKey, padding: .oaepSHA256)
        let good = try signer.sign(SignaturePayload(sessionToken: "abc", timestamp: now - 1000))
        var headers = ["X-operating-sys-version": "1", "X-device-fingerprint": "f", "X-agent": "a", "X-client-id": "c", "X-signature": good]
        XCTAssertEqual(try checks.check(header: { headers[$0] }, purpose: .logout).get().sessionToken, "abc")
        XCTAssertEqual(Self.code(checks.check(header: { headers[$0] }, purpose: .logout)), .replayedSignature)
        headers["X-signature"] = try signer.sign(SignaturePayload(sessionToken: "abc", timestamp: now - 301_000))
        XCTAssertEqual(Self.code(checks.check(header: { headers[$0] }, purpose: .logout)), .staleTimestamp)
        headers["X-agent"] = ""
        XCTAssertEqual(Self.code(checks.check(header: { headers[$0] }, purpose: .logout)), .missingHeader)
    }

    static func code(_ result: Result<SignaturePayload, MockRejection>) -> MockErrorCode? {
        if case let .failure(rejection) = result { return rejection.code }
        return nil
    }

    /// The repository's 2048-bit demo private key (public test material).
    static func demoKey() throws -> RSAPrivateKey {
        let pem = try String(contentsOfFile: repository("vectors/keys/demo-rsa-2048.pem"), encoding: .utf8)
        return try PrivateKeyDecoder().decode(Array(pem.utf8)).key
    }

    static func repository(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(relative).path
    }
}

private final class NIOLockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
