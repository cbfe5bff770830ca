import XCTest
@testable import XSigRSA

/// The deterministic test-vector stream (spec in the core issue and vectors/reproduce.py).
final class DeterministicStreamTests: XCTestCase {
    /// RFC 8439 section 2.4.2: key 00..1f, nonce 00000000 0000004a 00000000, counter 1; the
    /// keystream is the ciphertext XOR the "Ladies and Gentlemen..." plaintext.
    func testChaCha20KeystreamMatchesRFC8439() throws {
        let key = (0..<32).map { UInt8($0) }
        let nonce: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0]
        var stream = ChaCha20Keystream(key: key, nonce: nonce, counter: 1)
        let plaintext = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
        let expected = try Hex.decode(
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d")
        let keystream = stream.bytes(count: plaintext.count)
        XCTAssertEqual(zip(plaintext, keystream).map { $0 ^ $1 }, expected)
    }

    /// Stream for (seed, index) = ChaCha20 under SHA-256(seed) with nonce 0^4 || BE64(index),
    /// counter 0: checked here against the primitive directly, so a change of either breaks it.
    func testStreamIsChaCha20UnderHashedSeedAndIndexNonce() {
        let seed = Array("xsig".utf8)
        for index: UInt64 in [0, 1, 0x0102_0304_0506_0708, .max] {
            var stream = DeterministicStream(seed: seed, index: index)
            let nonce = [0, 0, 0, 0] + (0..<8).map { UInt8(truncatingIfNeeded: index >> (56 - 8 * UInt64($0))) }
            var reference = ChaCha20Keystream(key: DigestAlgorithm.sha256.hash(seed), nonce: nonce, counter: 0)
            // Reading in odd-sized pieces gives the same bytes as one read.
            let a = stream.bytes(count: 7) + stream.bytes(count: 130) + stream.bytes(count: 1)
            XCTAssertEqual(a, reference.bytes(count: 138), "index \(index)")
        }
        var s0 = DeterministicStream(seed: seed, index: 0)
        var s1 = DeterministicStream(seed: seed, index: 1)
        XCTAssertNotEqual(s0.bytes(count: 32), s1.bytes(count: 32))
    }

    /// PS takes the stream's nonzero bytes in order, skipping zeros.
    func testNonzeroBytesSkipZerosInOrder() {
        struct Scripted: RandomSource {
            var bytes: [UInt8]
            var position = 0
            mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
                for i in 0..<buffer.count { buffer[i] = bytes[(position + i) % bytes.count] }
                position += buffer.count
            }
        }
        var source = Scripted(bytes: [0, 5, 0, 0, 7, 9, 0, 1])
        var out = [UInt8](repeating: 0, count: 6)
        out.withUnsafeMutableBytes { source.nonzeroBytes(into: $0) }
        XCTAssertEqual(out, [5, 7, 9, 1, 5, 7])
    }

    func testSecureRandomIsNotConstant() {
        var random = SecureRandom()
        let a = random.bytes(count: 32), b = random.bytes(count: 32)
        XCTAssertNotEqual(a, b)
        XCTAssertNotEqual(a, [UInt8](repeating: 0, count: 32))
    }
}
