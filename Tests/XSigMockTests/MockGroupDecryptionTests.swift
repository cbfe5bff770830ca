import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import XCTest
import XSigHTTP
@testable import XSigMock
import XSignature

/// The mock's checks on groups of requests (the lanes engine) must answer exactly what the checks
/// one request at a time answer on OpenSSL: every error code and message, in order, with the
/// replay cache and the token store seeing the requests in arrival order inside a group.
final class MockGroupDecryptionTests: XCTestCase {
    let now: UInt64 = 1_628_496_895_102

    func key() throws -> RSAPrivateKey { try MockUnitTests.demoKey() }

    /// Fresh state (replay cache, tokens) for each run, so that every run sees the same history.
    func configuration() -> MockConfiguration {
        let now = self.now
        return MockConfiguration(paddings: [.oaepSHA256, .oaepSHA256MGF1SHA1], maximumSkewSeconds: 300,
                                 tokens: TokenStore(tokens: ["t1", "t2", "t3", "t4", "t5"]), clock: { now })
    }

    /// Requests covering every outcome a group can mix: accepted under either padding, a padding
    /// not accepted, a ciphertext of random octets, stale and future timestamps, a replay of an
    /// earlier request of the same group, a logout followed by a use of the ended session, an
    /// unknown token, a short ciphertext, a signature that is not Base64.
    func requests(_ key: RSAPrivateKey) throws -> [[String: String]] {
        let public_ = key.publicKey
        func sign(_ token: String, _ padding: RSAEncryptionPadding, at time: UInt64) throws -> String {
            try XSignatureSigner(key: public_, padding: padding).sign(SignaturePayload(sessionToken: token, timestamp: time))
        }
        var random = SecureRandom()
        let noise = Base64.encode([0] + random.bytes(count: public_.modulusOctets - 1))
        let first = try sign("t1", .oaepSHA256, at: now - 1000)
        let signatures = [
            first,
            try sign("t2", .oaepSHA256MGF1SHA1, at: now),
            try sign("t3", .pkcs1v15, at: now),
            noise,
            try sign("t3", .oaepSHA256, at: now - 301_000),
            try sign("t3", .oaepSHA256, at: now + 301_000),
            first,                                          // replayed inside the group
            try sign("t1", .oaepSHA256, at: now - 2000),    // t1 was logged out by the first
            try sign("nobody", .oaepSHA256, at: now),
            Base64.encode(Array(random.bytes(count: 100))),
            "not base64 !",
            try sign("t4", .oaepSHA256MGF1SHA1, at: now - 5),
            try sign("t5", .oaepSHA256, at: now + 5),
        ]
        return signatures.map {
            ["X-operating-sys-version": "1", "X-device-fingerprint": "f", "X-agent": "a", "X-client-id": "c", "X-signature": $0]
        }
    }

    /// What a run answered, as text (the rejection's code and message, or the accepted token).
    func describe(_ results: [Result<SignaturePayload, MockRejection>]) -> [String] {
        results.map {
            switch $0 {
            case let .success(payload): return "ok \(payload.sessionToken) \(payload.timestamp)"
            case let .failure(rejection): return "\(rejection.code.rawValue): \(rejection.message)"
            }
        }
    }

    /// Runs the requests through `checks` in groups of the given sizes (cycled), in order.
    func run(_ checks: SignatureChecks, _ requests: [[String: String]], groups sizes: [Int]) -> [String] {
        var answers: [Result<SignaturePayload, MockRejection>] = []
        var index = 0
        var turn = 0
        while index < requests.count {
            let size = min(sizes[turn % sizes.count], requests.count - index)
            turn += 1
            var pending: [SignatureChecks.Pending] = []
            var slots: [Int] = []
            var group = [Result<SignaturePayload, MockRejection>?](repeating: nil, count: size)
            for (slot, headers) in requests[index..<index + size].enumerated() {
                switch checks.precheck(header: { headers[$0] }, purpose: .logout) {
                case let .success(item): pending.append(item); slots.append(slot)
                case let .failure(rejection): group[slot] = .failure(rejection)
                }
            }
            for (slot, result) in zip(slots, checks.finish(pending)) { group[slot] = result }
            answers += group.map { $0! }
            index += size
        }
        return describe(answers)
    }

    func testGroupsAnswerWhatOneAtATimeAnswers() throws {
        let key = try key()
        let requests = try requests(key)
        let reference = try SignatureChecks(privateKey: key, configuration: { var c = configuration(); c.backend = .openssl; return c }())
        let expected = describe(requests.map { headers in reference.check(header: { headers[$0] }, purpose: .logout) })
        // The history is what the requests say it is.
        XCTAssertTrue(expected[0].hasPrefix("ok t1"), expected[0])
        XCTAssertTrue(expected[1].hasPrefix("ok t2"), "second accepted padding: \(expected[1])")
        XCTAssertTrue(expected[2].hasPrefix("decryption_error"), expected[2])
        XCTAssertTrue(expected[3].hasPrefix("decryption_error"), expected[3])
        XCTAssertTrue(expected[4].hasPrefix("stale_timestamp"), expected[4])
        XCTAssertTrue(expected[5].hasPrefix("future_timestamp"), expected[5])
        XCTAssertTrue(expected[6].hasPrefix("replayed_signature"), expected[6])
        XCTAssertTrue(expected[7].hasPrefix("session_logged_out"), expected[7])
        XCTAssertTrue(expected[8].hasPrefix("unknown_session_token"), expected[8])
        XCTAssertTrue(expected[9].hasPrefix("decryption_error"), expected[9])
        XCTAssertTrue(expected[10].hasPrefix("malformed_signature"), expected[10])
        XCTAssertTrue(expected[11].hasPrefix("ok t4"), expected[11])
        XCTAssertTrue(expected[12].hasPrefix("ok t5"), expected[12])

        for kernel in [LanesKernel.portable] + (LanesKernel.ifmaSupported ? [.ifma] : []) {
            for sizes in [[8], [1], [3, 5], [2, 7, 4], [13]] {
                let config = configuration()
                let paddings = config.paddings
                let lanes = SignatureChecks(configuration: config, decryption: try MockDecryption(
                    privateKey: key, paddings: paddings, lanesKernel: kernel, lanesFromGroupSize: 1))
                XCTAssertEqual(run(lanes, requests, groups: sizes), expected, "lanes \(kernel) groups \(sizes)")
            }
            // auto's two paths: groups below the threshold on openssl, the others on lanes.
            for threshold in [2, 4, 9] {
                let config = configuration()
                let hybrid = SignatureChecks(configuration: config, decryption: try MockDecryption(
                    privateKey: key, paddings: config.paddings, lanesKernel: kernel, lanesFromGroupSize: threshold))
                XCTAssertEqual(run(hybrid, requests, groups: [1, 3, 8, 2]), expected, "auto \(kernel) from \(threshold)")
            }
        }
    }

    func testPlans() throws {
        let key = try key()
        let lanes = try MockDecryption(privateKey: key, paddings: [.oaepSHA256], backend: .lanes)
        XCTAssertEqual(lanes.groupCapacity, 8)
        XCTAssertEqual(lanes.lanesFromGroupSize, 1)
        XCTAssertTrue(lanes.plan.hasPrefix("lanes ("), lanes.plan)
        for backend in [RSADecryptor.Backend.gmp, .openssl] {
            let one = try MockDecryption(privateKey: key, paddings: [.oaepSHA256], backend: backend)
            XCTAssertEqual(one.groupCapacity, 1)
            XCTAssertEqual(one.plan, "\(backend.rawValue), one request at a time")
        }
        // auto measures; whatever it finds, its plan says it and the capacity follows it.
        let auto = try MockDecryption(privateKey: key, paddings: [.oaepSHA256], backend: .auto)
        XCTAssertTrue(auto.plan.hasPrefix("auto: ") || auto.plan.hasPrefix("openssl"), auto.plan)
        XCTAssertEqual(auto.groupCapacity == 8, auto.plan.contains("lanes (ifma) for groups of \(auto.lanesFromGroupSize) "), auto.plan)
    }

    /// Concurrent requests through the responder's queue: groups form, every answer is right.
    func testConcurrentRequestsShareLanesPasses() throws {
        let key = try key()
        let now = self.now
        let requests = try (0..<32).map { i -> [String: String] in
            let signature = try XSignatureSigner(key: key.publicKey).sign(SignaturePayload(sessionToken: "c\(i)", timestamp: now))
            return ["X-operating-sys-version": "1", "X-device-fingerprint": "f", "X-agent": "a", "X-client-id": "c", "X-signature": signature]
        }
        let config = MockConfiguration(clock: { now })
        let checks = SignatureChecks(configuration: config, decryption: try MockDecryption(
            privateKey: key, paddings: config.paddings, lanesKernel: .portable, lanesFromGroupSize: 1))
        let sizes = NIOLockedValueBox([Int]())
        let groups = WorkGroups<SignatureChecks.Pending, Result<SignaturePayload, MockRejection>>(
            capacity: 8, windowMicroseconds: 20_000, threads: 1, refuseAfterShutdown: { _ in .failure(MockRejection(.decryptionError, "stopped")) },
            process: { checks.finish($0) }, observeGroup: { size, _ in sizes.withLockedValue { $0.append(size) } })
        defer { groups.shutdown() }
        let loops = MultiThreadedEventLoopGroup.singleton
        let futures = requests.map { headers in
            groups.submit(try! checks.precheck(header: { headers[$0] }, purpose: .logout).get(), on: loops.next())
        }
        let tokens = try futures.map { try $0.wait().get().sessionToken }
        XCTAssertEqual(tokens, (0..<32).map { "c\($0)" })
        let observed = sizes.withLockedValue { $0 }
        XCTAssertEqual(observed.reduce(0, +), 32)
        XCTAssertGreaterThan(observed.max() ?? 0, 1, "concurrent requests shared a pass: \(observed)")
    }
}
