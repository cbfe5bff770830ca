import XCTest
import XSigBigInt
@testable import XSigRSA

/// Sources of truth: GMP's `mpz_powm` for the raw lane arithmetic, OpenSSL 3's private-key
/// decryption for the padded batches, and the gmp/openssl engines' bytes for deterministic output.
/// Every case runs on the portable kernel and, where the CPU has AVX-512 IFMA, on the IFMA kernel.
final class LanesCrossCheckTests: XCTestCase {
    static let e2to64minus59 = TestKeys.eLarge

    /// Odd modulus of exactly `bits` bits (top bit set), from the test's seeded generator.
    static func modulus(bits: Int, rng: inout SplitMix64) -> [UInt8] {
        var n = rng.bytes((bits + 7) / 8)
        let top = (bits - 1) % 8
        n[0] &= UInt8(truncatingIfNeeded: (1 << (top + 1)) - 1)
        n[0] |= UInt8(1 << top)
        n[n.count - 1] |= 1
        return n
    }

    /// 0, 1, 2, n-1, n-2, 2^(b-1) (top bit alone), 2^(b-1)-1 (all ones), every 52-bit digit all ones mod n.
    static func edgeValues(_ n: GMPInteger, bits: Int) -> [GMPInteger] {
        let one = GMPInteger(bigEndian: [1])
        let two = GMPInteger(bigEndian: [2])
        func power(_ exponent: Int) -> GMPInteger { two.power(GMPInteger(bigEndian: bytes(of: exponent)), modulus: n * n) }
        let digits = (bits + 2 + 51) / 52
        let allOnesDigits = (power(52 * (digits - 1)) - one).modulo(n)
        return [GMPInteger(bigEndian: [0]), one, two, n - one, n - two, power(bits - 1), power(bits - 1) - one, allOnesDigits]
    }

    static func bytes(of value: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(value).bigEndian) { Array($0) }
    }

    /// Runs `inputs` in one batch through every lanes kernel and compares each lane with mpz_powm.
    func check(_ inputs: [GMPInteger], n: GMPInteger, e: GMPInteger, key: RSAPublicKey, context: String) throws -> Int {
        let k = key.modulusOctets
        let blocks = inputs.map { $0.bigEndianBytes(count: k)! }
        let expected = inputs.map { Hex.encode($0.power(e, modulus: n).bigEndianBytes(count: k)!) }
        var checked = 0
        for kernel in Engines.lanesKernels {
            let lanes = try RSAEncryptor(key: key, lanesKernel: kernel)
            let got = try lanes.rawEncrypt(batch: blocks).map(Hex.encode)
            for i in got.indices where got[i] != expected[i] {
                XCTFail("\(context) kernel \(kernel) lane \(i % 8) of group \(i / 8): differs from mpz_powm")
            }
            checked += got.count
        }
        return checked
    }

    func testRawLanesEqualMpzPowm() throws {
        var rng = SplitMix64(state: 0x1a9e5)
        let oddSize = 1024 + Int.random(in: 0..<3072, using: &rng) | 1
        var checked = 0
        for bits in [1024, 1025, 1536, 2047, 2048, 3072, 4096, 8192, oddSize] {
            let nBytes = Self.modulus(bits: bits, rng: &rng)
            let n = GMPInteger(bigEndian: nBytes)
            var exponents: [(String, [UInt8])] = [("3", TestKeys.e3), ("65537", TestKeys.e65537), ("2^64-59", Self.e2to64minus59)]
            if bits <= 4096 {
                var large = rng.bytes(125)   // a random 1000-bit odd e
                large[0] |= 0x80
                large[large.count - 1] |= 1
                exponents.append(("random 1000-bit", large))
            }
            for (eName, eBytes) in exponents {
                let key = try RSAPublicKey(modulus: nBytes, publicExponent: eBytes, policy: .allowingWeakKeys)
                let e = GMPInteger(bigEndian: eBytes)
                let context = "\(bits)-bit n, e=\(eName)"
                checked += try check(Self.edgeValues(n, bits: bits), n: n, e: e, key: key, context: context + " edge values")
                let random = (0..<8).map { _ in GMPInteger(bigEndian: rng.bytes(key.modulusOctets)).modulo(n) }
                checked += try check(random, n: n, e: e, key: key, context: context + " random")
                // Groups of 1 to 7 (unused lanes run on zeros), and 8 + 3 across two kernel calls.
                if eName == "65537" || eName == "3" {
                    for size in [1, 2, 3, 4, 5, 6, 7, 11] {
                        let group = (0..<size).map { i in i == size / 2 ? n - GMPInteger(bigEndian: [1])
                                                                        : GMPInteger(bigEndian: rng.bytes(key.modulusOctets)).modulo(n) }
                        checked += try check(group, n: n, e: e, key: key, context: context + " group of \(size)")
                    }
                }
            }
        }
        print("lanes raw cross-check: \(checked) lanes equal to mpz_powm (kernels: \(Engines.lanesKernels.map(\.rawValue)))")
        XCTAssertGreaterThan(checked, 500)
    }

    func testRepresentativeNotBelowModulusIsRefused() throws {
        var rng = SplitMix64(state: 7)
        let nBytes = Self.modulus(bits: 2048, rng: &rng)
        let key = try RSAPublicKey(modulus: nBytes, publicExponent: TestKeys.e65537)
        for kernel in Engines.lanesKernels {
            let lanes = try RSAEncryptor(key: key, lanesKernel: kernel)
            var group = (0..<5).map { _ in [UInt8](repeating: 0, count: 1) + rng.bytes(255) }
            group[3] = nBytes
            XCTAssertThrowsError(try lanes.rawEncrypt(batch: group), "\(kernel): n in lane 3") {
                XCTAssertEqual(($0 as? XSigError)?.code, .invalidArgument)
            }
            XCTAssertThrowsError(try lanes.rawEncrypt(nBytes), "\(kernel): n alone")
            XCTAssertEqual(try lanes.rawEncrypt(batch: Array(group[0..<3])).count, 3, "\(kernel): the valid lanes alone")
        }
    }

    /// Direction 1 for the lanes engine: its padded ciphertexts (CSPRNG padding, whole batches
    /// with mixed message lengths) decrypt with OpenSSL's private key.
    func testPaddedLanesBatchesDecryptWithOpenSSL() throws {
        var rng = SplitMix64(state: 0x0a5e)
        let paddings: [RSAEncryptionPadding] = [.pkcs1v15, .oaepSHA1, .oaepSHA256, .oaepSHA256MGF1SHA1, .oaep(hash: .sha512)]
        var decrypted = 0
        for (bits, e) in [(1024, TestKeys.e65537), (1025, TestKeys.e3), (2048, TestKeys.e65537), (2048, TestKeys.eLarge),
                          (3072, TestKeys.e65537), (4096, TestKeys.e65537)] {
            let pair = try TestKeys.pair(bits: bits, e: e)
            let key = try pair.publicKey(policy: .allowingWeakKeys)
            for padding in paddings {
                let maximum = padding.maximumMessageLength(modulusOctets: key.modulusOctets)
                guard maximum >= 0 else { continue }
                let lengths = [0, 1, maximum, maximum - 1, 96 <= maximum ? 96 : maximum / 2] + (0..<6).map { _ in Int.random(in: 0...maximum, using: &rng) }
                let messages = lengths.map { rng.bytes($0) }
                let label: [UInt8] = padding.isOAEP && bits == 2048 ? Array("xsig label".utf8) : []
                for kernel in Engines.lanesKernels {
                    let lanes = try RSAEncryptor(key: key, lanesKernel: kernel)
                    let ciphertexts = try lanes.encrypt(batch: messages, padding: padding, label: label)
                    XCTAssertEqual(ciphertexts.count, messages.count)
                    for (i, ct) in ciphertexts.enumerated() {
                        let context = "\(bits)-bit \(padding.name) \(kernel) message \(i) (\(messages[i].count) octets)"
                        XCTAssertEqual(ct.count, key.modulusOctets, context)
                        XCTAssertEqual(try pair.decrypt(ct, padding: padding, label: label), messages[i], context)
                        decrypted += 1
                    }
                }
            }
        }
        print("lanes -> OpenSSL: \(decrypted) batch ciphertexts decrypted")
        XCTAssertGreaterThan(decrypted, 250)
    }

    /// One kernel call may mix paddings and lengths: encoded messages of pkcs1 and three OAEP
    /// variants side by side in one group of eight, each decrypted by OpenSSL with its own padding.
    func testMixedPaddingsInOneGroupDecryptWithOpenSSL() throws {
        var rng = SplitMix64(state: 0x3177)
        let pair = try TestKeys.pair(bits: 2048)
        let key = try pair.publicKey()
        let k = key.modulusOctets
        let paddings: [RSAEncryptionPadding] = [.pkcs1v15, .oaepSHA256, .oaepSHA1, .oaepSHA256MGF1SHA1,
                                                .pkcs1v15, .oaep(hash: .sha512), .oaepSHA256, .pkcs1v15]
        var messages: [[UInt8]] = [], blocks: [[UInt8]] = []
        for padding in paddings {
            let message = rng.bytes(Int.random(in: 0...padding.maximumMessageLength(modulusOctets: k), using: &rng))
            var em = [UInt8](repeating: 0, count: k)
            var random = SecureRandom()
            message.withUnsafeBytes { m in
                em.withUnsafeMutableBytes { RSAEncryptor.encode(message: m, padding: padding, label: UnsafeRawBufferPointer(start: nil, count: 0), random: &random, into: $0) }
            }
            messages.append(message)
            blocks.append(em)
        }
        for kernel in Engines.lanesKernels {
            let ciphertexts = try RSAEncryptor(key: key, lanesKernel: kernel).rawEncrypt(batch: blocks)
            for i in paddings.indices {
                XCTAssertEqual(try pair.decrypt(ciphertexts[i], padding: paddings[i]), messages[i], "\(kernel) lane \(i) \(paddings[i].name)")
            }
        }
    }

    /// Deterministic padding: a batch gives, message by message, the bytes of the single-message
    /// path, on gmp, openssl and both lanes kernels alike.
    func testDeterministicBatchesAreByteIdenticalAcrossEngines() throws {
        var rng = SplitMix64(state: 0xde7)
        let seed = Array("lanes".utf8)
        for bits in [2048, 3072] {
            let key = try TestKeys.publicKey(bits: bits)
            for padding in [RSAEncryptionPadding.pkcs1v15, .oaepSHA256, .oaepSHA256MGF1SHA1] {
                let maximum = padding.maximumMessageLength(modulusOctets: key.modulusOctets)
                let messages = (0..<13).map { _ in rng.bytes(Int.random(in: 0...maximum, using: &rng)) }
                let gmp = try RSAEncryptor(key: key, backend: .gmp)
                let reference = try messages.enumerated().map { i, m in
                    Hex.encode(try gmp.encrypt(m, padding: padding, randomness: .deterministic(seed: seed, index: 40 + UInt64(i))))
                }
                for (engine, encryptor) in try Engines.encryptors(key) {
                    let batch = try encryptor.encrypt(batch: messages, padding: padding, randomness: .deterministic(seed: seed, index: 40))
                    XCTAssertEqual(batch.map(Hex.encode), reference, "\(bits)-bit \(padding.name) batch on \(engine)")
                }
            }
        }
    }

    func testAutoResolvesToLanesOnlyWithIFMA() throws {
        let key = try TestKeys.publicKey(bits: 2048)
        let auto = try RSAEncryptor(key: key, backend: .auto)
        // The kernel this process selects: XSIG_LANES_KERNEL=portable makes auto mean gmp here too.
        if try LanesKernel.selected() == .ifma {
            XCTAssertEqual(auto.backend, .lanes)
            XCTAssertEqual(auto.lanesKernel, .ifma)
        } else {
            XCTAssertEqual(auto.backend, .gmp)
            XCTAssertNil(auto.lanesKernel)
        }
        if !LanesKernel.ifmaSupported { XCTAssertThrowsError(try RSAEncryptor(key: key, lanesKernel: .ifma)) }
        XCTAssertEqual(try RSAEncryptor(key: key, backend: .gmp).backend, .gmp)
    }
}
