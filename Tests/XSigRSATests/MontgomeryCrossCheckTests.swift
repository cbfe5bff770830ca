import Foundation
import XCTest
import XSigBigInt
@testable import XSigRSA

/// The engine against two independent oracles, on random inputs and on the edges:
/// OpenSSL's RSAEP (EVP_PKEY_encrypt with RSA_NO_PADDING through the openssl backend) and GMP's
/// own `mpz_powm` (GMPInteger.power). Every kernel tuning is exercised, not only the preferred one.
/// No test here is timed: speed is measured by `xsig bench` and benchmarks/ only.
final class MontgomeryCrossCheckTests: XCTestCase {
    /// Deterministic generator so that a failure reproduces.
    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
    }

    static let tunings: [MontgomeryExponentiator.Tuning] = [
        .init(divisionEntry: true, redc: 1), .init(divisionEntry: true, redc: 2),
        .init(divisionEntry: false, redc: 1), .init(divisionEntry: false, redc: 2),
    ]

    /// A random odd modulus of exactly `bits` bits, big-endian.
    static func modulus(bits: Int, rng: inout Rng) -> [UInt8] {
        let k = (bits + 7) / 8
        var m = rng.bytes(k)
        let top = (bits - 1) % 8
        m[0] &= UInt8(truncatingIfNeeded: (1 << (top + 1)) - 1)
        m[0] |= UInt8(1 << top)
        m[k - 1] |= 1
        return m
    }

    /// Inputs: 0, 1, 2, n-1, n-2, leading-zero values, a value just under n, random values.
    static func inputs(modulus m: GMPInteger, k: Int, rng: inout Rng, randomCount: Int = 6) -> [[UInt8]] {
        var values: [GMPInteger] = [GMPInteger(0), GMPInteger(1), GMPInteger(2), m - GMPInteger(1), m - GMPInteger(2)]
        for zeros in [1, 2, 9] where zeros < k {
            values.append(GMPInteger(bigEndian: [UInt8](repeating: 0, count: zeros) + rng.bytes(k - zeros)))
        }
        for _ in 0..<randomCount { values.append(GMPInteger(bigEndian: rng.bytes(k)).modulo(m)) }
        return values.map { $0.bigEndianBytes(count: k)! }
    }

    func expectEngineMatchesPowm(bits: Int, exponent e: GMPInteger, rng: inout Rng, randomCount: Int = 6,
                                 file: StaticString = #filePath, line: UInt = #line) {
        let mBytes = Self.modulus(bits: bits, rng: &rng)
        let m = GMPInteger(bigEndian: mBytes)
        let k = mBytes.count
        let inputs = Self.inputs(modulus: m, k: k, rng: &rng, randomCount: randomCount)
        for tuning in Self.tunings {
            guard let engine = MontgomeryExponentiator(modulus: m, exponent: e, tuning: tuning) else {
                return XCTFail("engine refused a \(bits)-bit odd modulus", file: file, line: line)
            }
            XCTAssertEqual(engine.byteCount, k, file: file, line: line)
            for input in inputs {
                var output = [UInt8](repeating: 0xee, count: k)
                let ok = input.withUnsafeBytes { i in output.withUnsafeMutableBytes { engine.apply(input: i, output: $0) } }
                XCTAssertTrue(ok, file: file, line: line)
                let expected = GMPInteger(bigEndian: input).power(e, modulus: m).bigEndianBytes(count: k)!
                XCTAssertEqual(output, expected, "bits \(bits) e \(e.bitWidth) bits tuning \(tuning) x \(Hex.encode(input))",
                               file: file, line: line)
            }
            // x >= m is refused and nothing is written.
            for bad in [m, m + GMPInteger(1)] + (k * 8 > bits ? [] : []) {
                guard let badBytes = bad.bigEndianBytes(count: k) else { continue }
                var output = [UInt8](repeating: 0xee, count: k)
                let ok = badBytes.withUnsafeBytes { i in output.withUnsafeMutableBytes { engine.apply(input: i, output: $0) } }
                XCTAssertFalse(ok, file: file, line: line)
                XCTAssertEqual(output, [UInt8](repeating: 0xee, count: k), file: file, line: line)
            }
            let ones = [UInt8](repeating: 0xff, count: k)
            var output = [UInt8](repeating: 0, count: k)
            let ok = ones.withUnsafeBytes { i in output.withUnsafeMutableBytes { engine.apply(input: i, output: $0) } }
            XCTAssertEqual(ok, GMPInteger(bigEndian: ones) < m, file: file, line: line)
        }
    }

    func testAgainstMpzPowmAcrossSizesAndExponents() {
        var rng = Rng(state: 0x6d6f_6e74)
        let largePrime = GMPInteger(bigEndian: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc5]) // 2^64 - 59
        let thousandBit = GMPInteger(bigEndian: [0x80] + rng.bytes(124))   // 1000 bits
        let exponents: [GMPInteger] = [
            GMPInteger(1), GMPInteger(2), GMPInteger(3), GMPInteger(4), GMPInteger(17), GMPInteger(65537),
            GMPInteger(65536), largePrime, thousandBit, GMPInteger(bigEndian: rng.bytes(8)),
        ]
        for bits in [2, 3, 8, 63, 64, 65, 127, 128, 129, 512, 1024, 1025, 1536, 1537, 2048, 2560, 3072, 4096] {
            for e in exponents where !e.isZero {
                // The 1000-bit exponent is slow on big moduli; one size is enough for it there.
                if e.bitWidth > 64 && bits > 1537 && bits != 2048 { continue }
                expectEngineMatchesPowm(bits: bits, exponent: e, rng: &rng, randomCount: bits > 2048 ? 3 : 6)
            }
        }
    }

    func testRefusesEvenOrTrivialModuliAndZeroExponent() {
        XCTAssertNil(MontgomeryExponentiator(modulus: GMPInteger(1), exponent: GMPInteger(3)))
        XCTAssertNil(MontgomeryExponentiator(modulus: GMPInteger(0), exponent: GMPInteger(3)))
        XCTAssertNil(MontgomeryExponentiator(modulus: GMPInteger(1 << 40), exponent: GMPInteger(3)))
        XCTAssertNil(MontgomeryExponentiator(modulus: GMPInteger(101), exponent: GMPInteger(0)))
        XCTAssertNotNil(MontgomeryExponentiator(modulus: GMPInteger(3), exponent: GMPInteger(1)))
    }

    func testPreferredTuningIsReported() {
        var rng = Rng(state: 7)
        for bits in [1024, 2048, 3072, 4096] {
            let m = GMPInteger(bigEndian: Self.modulus(bits: bits, rng: &rng))
            let engine = MontgomeryExponentiator(modulus: m, exponent: GMPInteger(65537))!
            XCTAssertEqual(engine.tuning, .preferred(limbs: bits / 64))
        }
        let tiny = MontgomeryExponentiator(modulus: GMPInteger(0xffff_fffb), exponent: GMPInteger(3),
                                           tuning: .init(divisionEntry: false, redc: 2))!
        XCTAssertEqual(tiny.tuning.redc, 1, "one-limb moduli fall back to mpn_redc_1")
    }

    /// The gmp backend against OpenSSL's raw RSA on real and random moduli (RSAEP, no padding).
    func testGMPBackendRawMatchesOpenSSLRaw() throws {
        var rng = Rng(state: 0x0551)
        var checked = 0
        let exponents: [[UInt8]] = [[3], [1, 0, 1], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc5]]
        for bits in [1024, 1025, 1536, 1537, 2048, 3072, 4096] {
            for e in exponents {
                let mBytes = Self.modulus(bits: bits, rng: &rng)
                let key = try RSAPublicKey(modulus: mBytes, publicExponent: e, policy: .allowingWeakKeys)
                let gmp = try RSAEncryptor(key: key, backend: .gmp)
                let openssl = try RSAEncryptor(key: key, backend: .openssl)
                let m = GMPInteger(bigEndian: mBytes)
                for input in Self.inputs(modulus: m, k: key.modulusOctets, rng: &rng, randomCount: 8) {
                    XCTAssertEqual(try gmp.rawEncrypt(input), try openssl.rawEncrypt(input), "bits \(bits) e \(Hex.encode(e))")
                    checked += 1
                }
                // Both refuse m itself with the same error code.
                let mInput = m.bigEndianBytes(count: key.modulusOctets)!
                XCTAssertThrowsError(try gmp.rawEncrypt(mInput)) { XCTAssertEqual(($0 as? XSigError)?.code, .invalidArgument) }
                XCTAssertThrowsError(try openssl.rawEncrypt(mInput)) { XCTAssertEqual(($0 as? XSigError)?.code, .invalidArgument) }
            }
        }
        // A 1000-bit exponent: OpenSSL accepts it up to 3072-bit moduli.
        for bits in [1024, 2048, 3072] {
            let mBytes = Self.modulus(bits: bits, rng: &rng)
            var e = [0x80] + rng.bytes(124)
            e[124] |= 1
            let key = try RSAPublicKey(modulus: mBytes, publicExponent: e, policy: .allowingWeakKeys)
            let gmp = try RSAEncryptor(key: key, backend: .gmp)
            let openssl = try RSAEncryptor(key: key, backend: .openssl)
            for input in Self.inputs(modulus: GMPInteger(bigEndian: mBytes), k: key.modulusOctets, rng: &rng, randomCount: 2) {
                XCTAssertEqual(try gmp.rawEncrypt(input), try openssl.rawEncrypt(input), "bits \(bits) 1000-bit e")
                checked += 1
            }
        }
        // A real key from OpenSSL's generator.
        let pair = try OpenSSLKey.generateRSA(bits: 2048, publicExponent: [1, 0, 1])
        let key = try pair.publicKey()
        let gmp = try RSAEncryptor(key: key, backend: .gmp)
        let openssl = try RSAEncryptor(key: key, backend: .openssl)
        for input in Self.inputs(modulus: key.modulusInteger, k: key.modulusOctets, rng: &rng, randomCount: 16) {
            XCTAssertEqual(try gmp.rawEncrypt(input), try openssl.rawEncrypt(input))
            XCTAssertEqual(try pair.decrypt(try gmp.rawEncrypt(input), padding: nil), input)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 300)
    }

    /// Concurrent use of one engine from several threads (stack scratch only, no shared state).
    func testEngineIsThreadSafe() {
        var rng = Rng(state: 99)
        let mBytes = Self.modulus(bits: 2048, rng: &rng)
        let m = GMPInteger(bigEndian: mBytes)
        let engine = MontgomeryExponentiator(modulus: m, exponent: GMPInteger(65537))!
        let inputs = Self.inputs(modulus: m, k: 256, rng: &rng, randomCount: 16)
        let expected = inputs.map { GMPInteger(bigEndian: $0).power(GMPInteger(65537), modulus: m).bigEndianBytes(count: 256)! }
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for round in 0..<20 {
                let i = (t + round) % inputs.count
                var out = [UInt8](repeating: 0, count: 256)
                _ = inputs[i].withUnsafeBytes { x in out.withUnsafeMutableBytes { engine.apply(input: x, output: $0) } }
                if out != expected[i] { failures.increment() }
            }
        }
        XCTAssertEqual(failures.value, 0)
    }
}
