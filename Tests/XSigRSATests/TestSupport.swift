import Foundation
import XCTest
import XSigBigInt
@testable import XSigRSA

/// Key pairs from OpenSSL's generator, made once per (bits, e) per test run.
enum TestKeys {
    private static let cache = NSCacheBox()

    static let e3: [UInt8] = [3]
    static let e65537: [UInt8] = [1, 0, 1]
    /// 2^64 - 59, the largest 64-bit prime: a "large odd e" that OpenSSL still accepts above
    /// 3072 bits (it refuses exponents over 64 bits there).
    static let eLarge: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc5]

    static func pair(bits: Int, e: [UInt8] = e65537) throws -> OpenSSLKey {
        try cache.get("\(bits)-\(Hex.encode(e))") { try OpenSSLKey.generateRSA(bits: bits, publicExponent: e) }
    }

    static func publicKey(bits: Int, e: [UInt8] = e65537) throws -> RSAPublicKey {
        try pair(bits: bits, e: e).publicKey(policy: .allowingWeakKeys)
    }
}

/// Every engine this CPU runs, lanes kernels separately, named for failure messages.
enum Engines {
    static var lanesKernels: [LanesKernel] { LanesKernel.ifmaSupported ? [.ifma, .portable] : [.portable] }

    static func encryptors(_ key: RSAPublicKey) throws -> [(String, RSAEncryptor)] {
        var list = [("gmp", try RSAEncryptor(key: key, backend: .gmp)), ("openssl", try RSAEncryptor(key: key, backend: .openssl))]
        for kernel in lanesKernels { list.append(("lanes-\(kernel.rawValue)", try RSAEncryptor(key: key, lanesKernel: kernel))) }
        return list
    }
}

final class NSCacheBox: @unchecked Sendable {
    private var values: [String: OpenSSLKey] = [:]
    private let lock = NSLock()

    func get(_ key: String, make: () throws -> OpenSSLKey) throws -> OpenSSLKey {
        lock.lock()
        defer { lock.unlock() }
        if let value = values[key] { return value }
        let value = try make()
        values[key] = value
        return value
    }
}

enum Repository {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }
}

/// An independent RSADP + EME decoder written for the tests from RFC 8017 7.1.2 / 7.2.2, on
/// GMPInteger.power (mpz_powm) with the full private exponent: it shares no code with xsig's
/// encoders or its Montgomery engine, so it can check OpenSSL's ciphertexts against xsig's view.
enum ReferenceDecryptor {
    static func rsadp(_ ciphertext: [UInt8], key: OpenSSLKey) -> [UInt8] {
        let n = GMPInteger(bigEndian: key.member("n"))
        let d = GMPInteger(bigEndian: key.member("d"))
        let k = n.byteCount
        return GMPInteger(bigEndian: ciphertext).power(d, modulus: n).bigEndianBytes(count: k)!
    }

    static func decode(_ em: [UInt8], padding: RSAEncryptionPadding, label: [UInt8] = []) -> [UInt8]? {
        guard em.first == 0 else { return nil }
        if let hash = padding.oaepHash, let mgf = padding.mgf1Hash {
            let hLen = hash.outputLength
            var seed = Array(em[1..<(1 + hLen)])
            var db = Array(em[(1 + hLen)...])
            let dbMask = mgf1(Array(db), length: hLen, hash: mgf)
            for i in 0..<hLen { seed[i] ^= dbMask[i] }
            let mask = mgf1(seed, length: db.count, hash: mgf)
            for i in 0..<db.count { db[i] ^= mask[i] }
            guard Array(db[0..<hLen]) == hash.hash(label) else { return nil }
            guard let one = db[hLen...].firstIndex(where: { $0 != 0 }), db[one] == 1 else { return nil }
            return Array(db[(one + 1)...])
        }
        guard em.count > 11, em[1] == 2, let separator = em[2...].firstIndex(of: 0), separator - 2 >= 8 else { return nil }
        return Array(em[(separator + 1)...])
    }

    private static func mgf1(_ seed: [UInt8], length: Int, hash: DigestAlgorithm) -> [UInt8] {
        var out: [UInt8] = []
        var counter: UInt32 = 0
        while out.count < length {
            out += hash.hash(seed + [UInt8(counter >> 24), UInt8(counter >> 16 & 255), UInt8(counter >> 8 & 255), UInt8(counter & 255)])
            counter += 1
        }
        return Array(out.prefix(length))
    }
}

/// A reproducible non-cryptographic generator for choosing test messages (never for padding).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
}

/// A failure count that concurrent test threads share.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
