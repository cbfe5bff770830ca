import Foundation
import NIOCore
import NIOHTTP1
import NIOConcurrencyHelpers
import NIOPosix
import XCTest
import XSigHTTP
@testable import XSigSidecar
import XSignature

/// The sidecar's parts without HTTP: where tokens come from, the rotation, the header list and
/// the signing groups. Every signature is decrypted with the private half on both the GMP and
/// the OpenSSL backend and compared with the payload it should carry.
final class SidecarUnitTests: XCTestCase {
    static func repository(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(path).path
    }

    static let privateKey: RSAPrivateKey = {
        let pem = try! String(contentsOfFile: repository("vectors/keys/demo-rsa-2048.pem"), encoding: .utf8)
        return try! PrivateKeyDecoder().decode(Array(pem.utf8)).key
    }()

    /// The payload a signature decrypts to, on GMP and on OpenSSL (they must agree).
    static func decrypt(_ signature: String, padding: RSAEncryptionPadding = .oaepSHA256) throws -> String {
        let ciphertext = try Base64.decode(signature)
        let gmp = try RSADecryptor(privateKey: privateKey, backend: .gmp).decrypt(ciphertext, padding: padding)
        let openssl = try RSADecryptor(privateKey: privateKey, backend: .openssl).decrypt(ciphertext, padding: padding)
        XCTAssertEqual(gmp, openssl, "GMP and OpenSSL decrypt to the same bytes")
        return String(decoding: openssl, as: UTF8.self)
    }

    private func request(_ uri: String, headers: [(String, String)] = []) -> HTTPRequest {
        HTTPRequest(method: .GET, uri: uri, headers: HTTPHeaders(headers))
    }

    // MARK: - Tokens

    func testTokenComesFromTheQueryThenTheHeaderThenTheRotation() throws {
        let rotation = TokenRotation(tokens: ["r1", "r2"])
        func chosen(_ request: HTTPRequest) -> String? {
            try? SessionTokenSource.token(for: request, rotation: rotation).get().0
        }
        XCTAssertEqual(chosen(request("/sign?session_token=q1", headers: [("X-Session-Token", "h1")])), "q1")
        XCTAssertEqual(chosen(request("/sign?a=1&session_token=q%2Bx%3D&b=2")), "q+x=", "percent-decoded")
        XCTAssertEqual(chosen(request("/sign?session_token=a+b")), "a+b", "+ is a plus sign, not a space")
        XCTAssertEqual(chosen(request("/sign", headers: [("x-session-token", "h1")])), "h1")
        XCTAssertEqual(chosen(request("/sign?other=1")), "r1")
        XCTAssertEqual(chosen(request("/sign")), "r2")
        XCTAssertEqual(chosen(request("/sign")), "r1", "round robin starts again")
    }

    func testBadTokensAreRefusedWithoutRepeatingThem() {
        func code(_ request: HTTPRequest, rotation: TokenRotation? = nil) -> String? {
            if case let .failure(refusal) = SessionTokenSource.token(for: request, rotation: rotation) {
                XCTAssertFalse(refusal.message.contains("secret"), "a message never repeats the token")
                XCTAssertEqual(refusal.status, .badRequest)
                return refusal.code
            }
            return nil
        }
        XCTAssertEqual(code(request("/sign")), "missing_session_token")
        XCTAssertEqual(code(request("/sign?session_token=secret%26x")), "invalid_session_token", "& would split the payload")
        XCTAssertEqual(code(request("/sign?session_token=secret%20x")), "invalid_session_token")
        XCTAssertEqual(code(request("/sign?session_token=")), "invalid_session_token")
        XCTAssertEqual(code(request("/sign?session_token=secret%zz")), "malformed_query")
        XCTAssertEqual(code(request("/sign?session_token=secret%ff")), "malformed_query", "not UTF-8")
        XCTAssertEqual(code(request("/sign?session_token=secret1&session_token=secret2")), "duplicate_session_token")
        XCTAssertEqual(code(request("/sign", headers: [("X-Session-Token", "secret1"), ("X-Session-Token", "secret2")])),
                       "duplicate_session_token")
    }

    func testRotationIsRoundRobinUnderConcurrency() {
        let tokens = (0..<7).map { "t\($0)" }
        let rotation = TokenRotation(tokens: tokens)
        let seen = NIOLockedValueBox([String: Int]())
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<700 {
                let token = rotation.nextToken()
                seen.withLockedValue { $0[token, default: 0] += 1 }
            }
        }
        XCTAssertEqual(seen.withLockedValue { $0 }, Dictionary(uniqueKeysWithValues: tokens.map { ($0, 400) }))
        XCTAssertEqual((0..<14).map { _ in rotation.nextToken() }, tokens + tokens, "in file order")
    }

    // MARK: - Headers

    func testHeadersFollowTheLogoutRequestOrder() {
        let fields = LogoutHeaderFields([.domain: "idp.example", .clientID: "c", .deviceFingerprint: "f", .osVersion: "o",
                                         .agent: "a", .deviceIP: "10.0.0.1", .language: "en", .tenantID: "t"])
        let request = try! fields.request(signature: "SIG")
        let ours = SidecarHeaders.list(fields: fields, signature: "SIG")
        XCTAssertEqual(ours.map(\.name), request.headers.map(\.name))
        XCTAssertEqual(ours.map(\.value), request.headers.map(\.value))
        XCTAssertEqual(SidecarHeaders.list(fields: LogoutHeaderFields(), signature: "S").map(\.name), ["X-signature"])
    }

    // MARK: - Signing groups

    private func configuration(backend: RSAEncryptor.Backend, threads: Int = 1, offset: Int64 = 0,
                               clock: @escaping @Sendable () -> UInt64 = { Timestamp.now() }) throws -> SidecarConfiguration {
        let signer = try XSignatureSigner(key: Self.privateKey.publicKey, padding: .oaepSHA256, backend: backend)
        return SidecarConfiguration(signer: signer, clockOffsetMilliseconds: offset, signingThreads: threads, clock: clock)
    }

    func testTimestampIsTheClockPlusTheOffset() throws {
        let now: UInt64 = 1_628_496_895_102
        for offset: Int64 in [0, 1_500, -86_400_000] {
            let groups = SigningGroups(configuration: try configuration(backend: .gmp, offset: offset, clock: { now }))
            defer { groups.shutdown() }
            let loop = MultiThreadedEventLoopGroup.singleton.next()
            let signed = try groups.submit(token: "tok", on: loop).wait().get()
            let expected = UInt64(Int64(now) + offset)
            XCTAssertEqual(signed.payload.timestamp, expected)
            XCTAssertEqual(try Self.decrypt(signed.signature),
                           "session_token=tok&timestamp=\(expected)&nonce=\(String(expected, radix: 16))")
        }
    }

    /// Many concurrent requests on the lanes engine (the kernel the process selects: IFMA where
    /// the CPU has it, or the portable one with XSIG_LANES_KERNEL=portable): every one gets a
    /// distinct signature that decrypts to its own token, and the RSA calls took groups.
    func testConcurrentRequestsAreGroupedAndEachGetsItsOwnSignature() throws {
        let sizes = NIOLockedValueBox([Int]())
        let before = Timestamp.now()
        let groups = SigningGroups(configuration: try configuration(backend: .lanes, threads: 2)) { size, _ in
            sizes.withLockedValue { $0.append(size) }
        }
        defer { groups.shutdown() }
        XCTAssertEqual(groups.capacity, 8)
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? loops.syncShutdownGracefully() }
        let tokens = (0..<200).map { "concurrent-\($0)" }
        let futures = tokens.map { groups.submit(token: $0, on: loops.next()) }
        let results = try futures.map { try $0.wait().get() }
        let after = Timestamp.now()
        XCTAssertEqual(Set(results.map(\.signature)).count, tokens.count, "distinct signatures")
        for (token, signed) in zip(tokens, results) {
            XCTAssertEqual(signed.payload.sessionToken, token)
            XCTAssertTrue((before...after).contains(signed.payload.timestamp))
            XCTAssertEqual(try Self.decrypt(signed.signature), signed.payload.string)
        }
        let observed = sizes.withLockedValue { $0 }
        XCTAssertEqual(observed.reduce(0, +), tokens.count)
        XCTAssertTrue(observed.allSatisfy { (1...8).contains($0) })
        XCTAssertGreaterThan(observed.max() ?? 0, 1, "200 requests queued at once are signed in groups")
        XCTAssertLessThan(observed.count, tokens.count / 2, "mostly full groups: \(observed)")
    }

    func testARequestAloneIsSignedAtOnce() throws {
        let sizes = NIOLockedValueBox([Int]())
        // A window of a whole second: a request alone must not wait for it.
        var configuration = try configuration(backend: .lanes)
        configuration.groupWindowMicroseconds = 1_000_000
        let groups = SigningGroups(configuration: configuration) { size, _ in sizes.withLockedValue { $0.append(size) } }
        defer { groups.shutdown() }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        for i in 0..<3 {
            let started = Date()
            let signed = try groups.submit(token: "alone-\(i)", on: loop).wait().get()
            XCTAssertLessThan(Date().timeIntervalSince(started), 0.5, "not held for the window")
            XCTAssertEqual(try Self.decrypt(signed.signature), signed.payload.string)
        }
        XCTAssertEqual(sizes.withLockedValue { $0 }, [1, 1, 1])
    }

    func testOneBadRequestDoesNotSpoilItsGroup() throws {
        let groups = SigningGroups(configuration: try configuration(backend: .lanes))
        defer { groups.shutdown() }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        // 2048-bit OAEP-SHA-256 carries 190 octets: a 180-octet token does not fit with the rest.
        let long = String(repeating: "L", count: 180)
        let futures = ["good-1", long, "good-2"].map { groups.submit(token: $0, on: loop) }
        let outcomes = try futures.map { try $0.wait() }
        XCTAssertEqual(try Self.decrypt(try outcomes[0].get().signature), try outcomes[0].get().payload.string)
        XCTAssertEqual(try Self.decrypt(try outcomes[2].get().signature), try outcomes[2].get().payload.string)
        guard case let .failure(refusal) = outcomes[1] else { return XCTFail("the long token must be refused") }
        XCTAssertEqual(refusal.code, "payload_too_long")
        XCTAssertEqual(refusal.status, .badRequest)
        XCTAssertFalse(refusal.message.contains(long))
    }

    func testEveryEngineSignsWhatDecrypts() throws {
        for backend in RSAEncryptor.Backend.engines {
            let groups = SigningGroups(configuration: try configuration(backend: backend))
            defer { groups.shutdown() }
            XCTAssertEqual(groups.capacity, backend == .lanes ? 8 : 1)
            let loop = MultiThreadedEventLoopGroup.singleton.next()
            let signed = try groups.submit(token: "engine-\(backend)", on: loop).wait().get()
            XCTAssertEqual(try Self.decrypt(signed.signature), signed.payload.string, "\(backend)")
        }
    }

    func testAfterShutdownRequestsGet503() throws {
        let groups = SigningGroups(configuration: try configuration(backend: .gmp))
        groups.shutdown()
        let outcome = try groups.submit(token: "late", on: MultiThreadedEventLoopGroup.singleton.next()).wait()
        guard case let .failure(refusal) = outcome else { return XCTFail("must be refused") }
        XCTAssertEqual(refusal.status, .serviceUnavailable)
    }
}
