import Foundation
import XCTest
import XSigBigInt
@testable import XSigRSA

/// The optimised helpers around the engine against reference implementations: Base64 against
/// Foundation, the buffered CSPRNG's contract, and the OAEP/PKCS#1 encoders (with the cached
/// digests) against OpenSSL's decryption.
final class EncodingAndPaddingCrossCheckTests: XCTestCase {
    func testBase64MatchesFoundationOnRandomLengths() throws {
        var rng = MontgomeryCrossCheckTests.Rng(state: 0xb64)
        var lengths = Array(0...70) + [127, 128, 129, 255, 256, 257, 383, 384, 385, 511, 512, 513, 1024, 4096]
        for _ in 0..<40 { lengths.append(Int.random(in: 0...2000, using: &rng)) }
        for length in lengths {
            let bytes = rng.bytes(length)
            let reference = Data(bytes).base64EncodedString()
            XCTAssertEqual(Base64.encode(bytes), reference, "length \(length)")
            XCTAssertEqual(try Base64.decode(reference), bytes, "length \(length)")
            // The buffer form writes exactly encodedLength octets.
            var out = [UInt8](repeating: 0, count: Base64.encodedLength(length) + 3)
            let written = bytes.withUnsafeBytes { i in out.withUnsafeMutableBytes { Base64.encode(i, into: $0) } }
            XCTAssertEqual(written, Base64.encodedLength(length))
            XCTAssertEqual(String(decoding: out[0..<written], as: UTF8.self), reference)
            // URL-safe, unpadded (RFC 4648 section 5).
            let url = reference.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            XCTAssertEqual(Base64.encode(bytes, urlSafe: true), url, "url-safe length \(length)")
        }
    }

    func testSecureRandomNonzeroBytesAndFreshness() {
        var random = SecureRandom()
        var seen = Set<[UInt8]>()
        for length in [1, 8, 100, 413, 2000, 3000, 5000] {
            var out = [UInt8](repeating: 0, count: length)
            out.withUnsafeMutableBytes { random.nonzeroBytes(into: $0) }
            XCTAssertFalse(out.contains(0), "PS must be nonzero")
            XCTAssertTrue(seen.insert(out).inserted)
        }
        // Consecutive draws never repeat (the pool hands each octet out once), across refills.
        var previous = random.bytes(count: 32)
        for _ in 0..<400 {
            let next = random.bytes(count: 32)
            XCTAssertNotEqual(next, previous)
            previous = next
        }
        // Every byte value appears in a large draw (a crude sanity check of the source).
        let big = random.bytes(count: 20000)
        XCTAssertEqual(Set(big).count, 256)
    }

    /// The kernel serves a process's first octets, OpenSSL's DRBG the rest: draws on both sides of
    /// the switch, and across it, are fresh, and PS stays nonzero from either source.
    func testSecureRandomAcrossTheKernelToDRBGSwitch() {
        let saved = ThreadRandomPool.kernelOctetsRemaining
        defer { ThreadRandomPool.kernelOctetsRemaining = saved }
        // A thread of its own, so that its pool starts empty and the kernel is asked first.
        let box = DrawBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            ThreadRandomPool.kernelOctetsRemaining = 4000
            var random = SecureRandom()
            var draws: [[UInt8]] = []
            var remaining: [Int] = []
            for i in 0..<300 {
                if i % 3 == 0 {
                    var ps = [UInt8](repeating: 0, count: 61)
                    ps.withUnsafeMutableBytes { random.nonzeroBytes(into: $0) }
                    XCTAssertFalse(ps.contains(0), "PS must be nonzero")
                    draws.append(ps)
                } else {
                    draws.append(random.bytes(count: 32))
                }
                remaining.append(ThreadRandomPool.kernelOctetsRemaining)
            }
            XCTAssertLessThan(remaining.first!, 4000, "the first draw came from the kernel")
            XCTAssertLessThan(remaining.last!, 61, "the allowance ran out during the draws; the DRBG served the rest")
            box.add(draws)
        }
        thread.start()
        done.wait()
        let draws = box.all
        XCTAssertEqual(draws.count, 300)
        XCTAssertEqual(Set(draws).count, 300, "no draw repeats, on either side of the switch")
        XCTAssertEqual(Set(draws.flatMap { $0 }).count, 256, "every octet value appears")
    }

    func testSecureRandomPerThreadPoolsDoNotShareBytes() {
        let box = DrawBox()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            var random = SecureRandom()
            var local: [[UInt8]] = []
            for _ in 0..<200 { local.append(random.bytes(count: 16)) }
            box.add(local)
        }
        let draws = box.all
        XCTAssertEqual(draws.count, 800)
        XCTAssertEqual(Set(draws).count, draws.count)
    }

    /// Deterministic mode must keep its exact stream consumption (the published vectors).
    func testDeterministicNonzeroConsumptionIsUnchanged() {
        var a = DeterministicStream(seed: Array("seed".utf8), index: 3)
        var b = DeterministicStream(seed: Array("seed".utf8), index: 3)
        var fast = [UInt8](repeating: 0, count: 200)
        fast.withUnsafeMutableBytes { a.nonzeroBytes(into: $0) }
        // Reference: chunks of max(64, count) octets, zero octets skipped, rest of a chunk dropped.
        var reference: [UInt8] = []
        while reference.count < 200 {
            let chunk = b.bytes(count: 200)
            for byte in chunk where byte != 0 {
                reference.append(byte)
                if reference.count == 200 { break }
            }
        }
        XCTAssertEqual(fast, reference)
        XCTAssertEqual(a.bytes(count: 16), b.bytes(count: 16), "both streams are at the same position afterwards")
    }

    /// OAEP (every hash pairing, with and without label) and PKCS#1 v1.5 encrypted by the gmp
    /// backend decrypt with OpenSSL, on secure and deterministic randomness.
    func testGMPEncryptionsDecryptWithOpenSSL() throws {
        let pair = try OpenSSLKey.generateRSA(bits: 2048, publicExponent: [1, 0, 1])
        let key = try pair.publicKey()
        let gmp = try RSAEncryptor(key: key, backend: .gmp)
        var rng = MontgomeryCrossCheckTests.Rng(state: 0x0aef)
        let paddings: [RSAEncryptionPadding] = [.pkcs1v15] + DigestAlgorithm.allCases.flatMap { h in
            DigestAlgorithm.allCases.map { RSAEncryptionPadding.oaep(hash: h, mgf1: $0) }
        }
        for padding in paddings {
            let maximum = padding.maximumMessageLength(modulusOctets: key.modulusOctets)
            for length in [0, 1, 96, maximum] {
                let message = rng.bytes(length)
                for label in padding.isOAEP ? [[], Array("label".utf8)] : [[UInt8]()] {
                    let secure = try gmp.encrypt(message, padding: padding, label: label)
                    XCTAssertEqual(try pair.decrypt(secure, padding: padding, label: label), message, "\(padding.name) \(length)")
                    let deterministic = try gmp.encrypt(message, padding: padding, label: label,
                                                        randomness: .deterministic(seed: [1, 2, 3], index: UInt64(length)))
                    XCTAssertEqual(try pair.decrypt(deterministic, padding: padding, label: label), message)
                    let again = try gmp.encrypt(message, padding: padding, label: label,
                                                randomness: .deterministic(seed: [1, 2, 3], index: UInt64(length)))
                    XCTAssertEqual(deterministic, again)
                }
            }
        }
    }

    /// MGF1 with the cached digest (both the direct SHA entry points and the EVP fallback) equals
    /// MGF1 written with DigestAlgorithm.hash (one-shot EVP_Digest).
    func testMGF1MatchesOneShotDigests() {
        var rng = MontgomeryCrossCheckTests.Rng(state: 0x3f1)
        for hash in DigestAlgorithm.allCases {
            XCTAssertTrue(FastDigest(hash).usesDirectEntryPoints, "libcrypto 3 exports \(hash)'s direct functions")
            XCTAssertFalse(FastDigest(hash, direct: false).usesDirectEntryPoints)
            for length in [1, 31, 32, 33, 100, 479, 1000] {
                let seed = rng.bytes(hash.outputLength)
                var reference: [UInt8] = []
                var counter: UInt32 = 0
                while reference.count < length {
                    reference += hash.hash(seed + [UInt8(counter >> 24), UInt8(truncatingIfNeeded: counter >> 16),
                                                   UInt8(truncatingIfNeeded: counter >> 8), UInt8(truncatingIfNeeded: counter)])
                    counter += 1
                }
                for direct in [true, false] {
                    var fast = [UInt8](repeating: 0, count: length)
                    let digest = FastDigest(hash, direct: direct)
                    seed.withUnsafeBytes { s in fast.withUnsafeMutableBytes { OAEP.mgf1XOR(seed: s, digest: digest, into: $0) } }
                    XCTAssertEqual(fast, Array(reference.prefix(length)), "\(hash) \(length) direct \(direct)")
                }
                var viaHash = [UInt8](repeating: 0, count: length)
                seed.withUnsafeBytes { s in viaHash.withUnsafeMutableBytes { OAEP.mgf1XOR(seed: s, hash: hash, into: $0) } }
                XCTAssertEqual(viaHash, Array(reference.prefix(length)))
            }
            // Two-part input and the label hash.
            let a = rng.bytes(50), b = rng.bytes(77)
            for direct in [true, false] {
                var out = [UInt8](repeating: 0, count: hash.outputLength)
                a.withUnsafeBytes { x in b.withUnsafeBytes { y in out.withUnsafeMutableBytes { FastDigest(hash, direct: direct).hash(x, y, into: $0) } } }
                XCTAssertEqual(out, hash.hash(a + b))
                var lHash = [UInt8](repeating: 0, count: hash.outputLength)
                lHash.withUnsafeMutableBytes { FastDigest(hash, direct: direct).labelHash(UnsafeRawBufferPointer(start: nil, count: 0), into: $0) }
                XCTAssertEqual(lHash, hash.hash([UInt8]()))
            }
        }
    }
}

final class DrawBox: @unchecked Sendable {
    private let lock = NSLock()
    private var draws: [[UInt8]] = []
    func add(_ more: [[UInt8]]) { lock.lock(); draws += more; lock.unlock() }
    var all: [[UInt8]] { lock.lock(); defer { lock.unlock() }; return draws }
}
