import CGMP

/// Modular exponentiation x^e mod m for one fixed odd modulus and public exponent, on GMP's
/// mpn layer with Montgomery constants computed once per key.
///
/// `mpz_powm` recomputes -1/m mod B and converts its operands by division on every call; for the
/// RSA public operation with e = 65537 that set-up costs as much as the 17 multiplications
/// themselves. Here the constants live with the key and each call only squares, multiplies and
/// reduces (GMP's `mpn_sqr`, `mpn_mul_n` and `mpn_redc_1`), on stack scratch with no allocation.
/// The exponent is public, so the square-and-multiply schedule may depend on it.
public final class MontgomeryExponentiator: @unchecked Sendable {
    public let modulus: GMPInteger
    public let exponent: GMPInteger
    /// k, the modulus length in octets: inputs and outputs are k-octet big-endian strings.
    public let byteCount: Int

    private let limbCount: Int
    private let modulusLimbs: UnsafeMutablePointer<mp_limb_t>
    /// R^2 mod m, R = B^limbCount: multiplying by it and reducing enters Montgomery form.
    private let rSquared: UnsafeMutablePointer<mp_limb_t>
    /// -1/m mod B for mpn_redc_1.
    private let negativeInverse: mp_limb_t
    /// Exponent bits after the leading one, most significant first.
    private let exponentTail: [Bool]

    /// Returns nil unless m is odd and greater than 1 and e >= 1.
    public init?(modulus: GMPInteger, exponent: GMPInteger) {
        guard modulus.isOdd, modulus > GMPInteger(1), !exponent.isNegative, !exponent.isZero else { return nil }
        self.modulus = modulus
        self.exponent = exponent
        self.byteCount = modulus.byteCount
        let n = modulus.withUnsafeMPZ { Int(xsig_mpz_size($0)) }
        self.limbCount = n
        let limbs = UnsafeMutablePointer<mp_limb_t>.allocate(capacity: n)
        modulus.withUnsafeMPZ { z in limbs.initialize(from: xsig_mpz_limbs_read(z), count: n) }
        modulusLimbs = limbs
        let squared = UnsafeMutablePointer<mp_limb_t>.allocate(capacity: n)
        squared.initialize(repeating: 0, count: n)
        rSquared = squared
        let r2 = GMPInteger.make { z in
            __gmpz_set_ui(z, 1)
            __gmpz_mul_2exp(z, z, mp_bitcnt_t(2 * n * Int(xsig_gmp_limb_bits())))
        }.modulo(modulus)
        r2.withUnsafeMPZ { z in
            squared.update(from: xsig_mpz_limbs_read(z), count: Int(xsig_mpz_size(z)))
        }
        // Newton iteration for 1/m0 mod 2^64: each step doubles the correct low bits (m0 odd).
        let m0 = limbs[0]
        var inverse: mp_limb_t = m0
        for _ in 0..<6 { inverse = inverse &* (2 &- m0 &* inverse) }
        negativeInverse = 0 &- inverse
        let bits = exponent.bitWidth
        exponentTail = exponent.withUnsafeMPZ { z in
            (0..<(bits - 1)).reversed().map { __gmpz_tstbit(z, mp_bitcnt_t($0)) != 0 }
        }
    }

    deinit {
        modulusLimbs.deallocate()
        rSquared.deallocate()
    }

    /// output = input^e mod m. `input` and `output` are k-octet big-endian strings (I2OSP form,
    /// leading zero octets kept). Returns false, writing nothing, when input >= m.
    public func apply(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> Bool {
        precondition(input.count == byteCount && output.count == byteCount, "operands must be k octets")
        let n = limbCount
        // Scratch: x, xR, acc (n limbs each) and a 2n-limb product.
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: 5 * n) { scratch in
            let base = scratch.baseAddress!
            let x = base, xR = base + n, acc = base + 2 * n, product = base + 3 * n
            Self.loadBigEndian(input, into: x, limbs: n)
            guard Self.compare(x, modulusLimbs, n) < 0 else {
                scratch.update(repeating: 0)
                return false
            }
            // xR = x * R^2 / R mod m
            __gmpn_mul_n(product, x, rSquared, n)
            reduce(product, into: xR)
            acc.update(from: xR, count: n)
            for bit in exponentTail {
                __gmpn_sqr(product, acc, n)
                reduce(product, into: acc)
                if bit {
                    __gmpn_mul_n(product, acc, xR, n)
                    reduce(product, into: acc)
                }
            }
            // Leave Montgomery form: acc / R mod m, then the one final subtraction.
            product.update(from: acc, count: n)
            (product + n).initialize(repeating: 0, count: n)
            reduce(product, into: acc)
            if Self.compare(acc, modulusLimbs, n) >= 0 { _ = __gmpn_sub_n(acc, acc, modulusLimbs, n) }
            Self.storeBigEndian(acc, limbs: n, into: output)
            scratch.update(repeating: 0)
            return true
        }
    }

    /// rp = up / R mod m for a 2n-limb up (destroyed); the result is < B^n after the carry fix.
    @inline(__always)
    private func reduce(_ up: UnsafeMutablePointer<mp_limb_t>, into rp: UnsafeMutablePointer<mp_limb_t>) {
        let carry = __gmpn_redc_1(rp, up, modulusLimbs, limbCount, negativeInverse)
        if carry != 0 { _ = __gmpn_sub_n(rp, rp, modulusLimbs, limbCount) }
    }

    @inline(__always)
    static func compare(_ a: UnsafePointer<mp_limb_t>, _ b: UnsafePointer<mp_limb_t>, _ n: Int) -> Int {
        var i = n - 1
        while i >= 0 {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i -= 1
        }
        return 0
    }

    /// OS2IP into little-endian limbs (the octet string may be shorter or longer than n limbs;
    /// octets beyond n limbs must be zero, which the caller's length check guarantees).
    @inline(__always)
    static func loadBigEndian(_ bytes: UnsafeRawBufferPointer, into limbs: UnsafeMutablePointer<mp_limb_t>, limbs n: Int) {
        limbs.initialize(repeating: 0, count: n)
        let count = bytes.count
        var i = 0
        while i < count {
            let limb = i >> 3
            if limb >= n { break }
            limbs[limb] |= mp_limb_t(bytes[count - 1 - i]) << mp_limb_t((i & 7) << 3)
            i += 1
        }
    }

    /// I2OSP of n limbs into exactly output.count octets (high limbs beyond it must be zero).
    @inline(__always)
    static func storeBigEndian(_ limbs: UnsafePointer<mp_limb_t>, limbs n: Int, into output: UnsafeMutableRawBufferPointer) {
        let count = output.count
        var i = 0
        while i < count {
            let limb = i >> 3
            output[count - 1 - i] = limb < n ? UInt8(truncatingIfNeeded: limbs[limb] >> mp_limb_t((i & 7) << 3)) : 0
            i += 1
        }
    }
}
