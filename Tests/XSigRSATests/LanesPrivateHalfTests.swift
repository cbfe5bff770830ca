import CXSigKernels
import XCTest
import XSigBigInt
@testable import XSigRSA

/// The private-key building block of the lanes engine (not yet behind `RSADecryptor`): eight
/// exponentiations x_i^d mod p under one prime, fixed windows, constant-time table selection.
/// Source of truth: GMP's `mpz_powm`, and a whole CRT decryption (Garner in GMP) that must
/// re-encrypt to the ciphertext under OpenSSL's key.
final class LanesPrivateHalfTests: XCTestCase {
    /// out_i = in_i^d mod p through one kernel; in: count values of in_len octets each.
    static func half(_ prime: [UInt8], kernel: LanesKernel, inputs: [[UInt8]], d: [UInt8]) throws -> [[UInt8]] {
        let handle = try XCTUnwrap(prime.withUnsafeBufferPointer { xsig_lanes_half_new($0.baseAddress, $0.count) })
        defer { xsig_lanes_key_free(handle) }
        let kp = xsig_lanes_modulus_bytes(handle)
        let inLength = inputs[0].count
        let input = inputs.flatMap { $0 }
        var output = [UInt8](repeating: 0, count: inputs.count * kp)
        let status = withUnsafeTemporaryAllocation(byteCount: xsig_lanes_private_workspace_bytes(handle), alignment: 64) { ws in
            input.withUnsafeBufferPointer { i in
                d.withUnsafeBufferPointer { dd in
                    output.withUnsafeMutableBufferPointer { o in
                        xsig_lanes_private_half(handle, kernel.cValue, inputs.count, i.baseAddress, inLength,
                                                dd.baseAddress, dd.count, o.baseAddress, ws.baseAddress)
                    }
                }
            }
        }
        XCTAssertEqual(status, 0)
        return (0..<inputs.count).map { Array(output[$0 * kp..<($0 + 1) * kp]) }
    }

    func testHalfExponentiationsEqualMpzPowm() throws {
        var rng = SplitMix64(state: 0x9417)
        var checked = 0
        for bits in [1024, 1536, 2048] {
            let pair = try TestKeys.pair(bits: bits * 2)
            for (primeName, dName) in [("rsa-factor1", "rsa-exponent1"), ("rsa-factor2", "rsa-exponent2")] {
                let prime = pair.member(primeName), d = pair.member(dName)
                let p = GMPInteger(bigEndian: prime)
                let kp = prime.count
                for count in [1, 5, 8] {
                    let values = (0..<count).map { i -> GMPInteger in
                        i == 0 ? p - GMPInteger(bigEndian: [1]) : GMPInteger(bigEndian: rng.bytes(kp)).modulo(p)
                    }
                    let expected = values.map { Hex.encode($0.power(GMPInteger(bigEndian: d), modulus: p).bigEndianBytes(count: kp)!) }
                    for kernel in Engines.lanesKernels {
                        let got = try Self.half(prime, kernel: kernel, inputs: values.map { $0.bigEndianBytes(count: kp)! }, d: d)
                        XCTAssertEqual(got.map(Hex.encode), expected, "\(bits)-bit \(primeName), \(count) lanes, \(kernel)")
                        checked += count
                    }
                }
            }
        }
        print("lanes private halves: \(checked) lanes equal to mpz_powm")
    }

    /// Whole ciphertexts (k octets) reduced mod p inside the lanes, both halves, Garner in GMP:
    /// the recombined m re-encrypts to c, and equals OpenSSL's raw decryption.
    func testCRTFromWholeCiphertextsMatchesOpenSSL() throws {
        var rng = SplitMix64(state: 0xc27)
        for bits in [2048, 3072] {
            let pair = try TestKeys.pair(bits: bits)
            let n = GMPInteger(bigEndian: pair.member("n")), e = GMPInteger(bigEndian: pair.member("e"))
            let p = GMPInteger(bigEndian: pair.member("rsa-factor1")), q = GMPInteger(bigEndian: pair.member("rsa-factor2"))
            let qInv = GMPInteger(bigEndian: pair.member("rsa-coefficient1"))
            let k = pair.member("n").count
            let ciphertexts = (0..<8).map { _ in GMPInteger(bigEndian: rng.bytes(k)).modulo(n).bigEndianBytes(count: k)! }
            for kernel in Engines.lanesKernels {
                let mp = try Self.half(pair.member("rsa-factor1"), kernel: kernel, inputs: ciphertexts, d: pair.member("rsa-exponent1"))
                let mq = try Self.half(pair.member("rsa-factor2"), kernel: kernel, inputs: ciphertexts, d: pair.member("rsa-exponent2"))
                for i in 0..<8 {
                    let a = GMPInteger(bigEndian: mp[i]), b = GMPInteger(bigEndian: mq[i])
                    // Garner: m = b + q * (qInv * (a - b) mod p)
                    let h = (qInv * ((a + p - b.modulo(p)).modulo(p))).modulo(p)
                    let m = b + q * h
                    let c = GMPInteger(bigEndian: ciphertexts[i])
                    XCTAssertEqual(m.power(e, modulus: n), c, "\(bits)-bit lane \(i) \(kernel): m^e != c")
                    XCTAssertEqual(m.bigEndianBytes(count: k)!, try pair.decrypt(ciphertexts[i], padding: nil), "\(bits)-bit lane \(i) \(kernel)")
                }
            }
        }
    }
}
