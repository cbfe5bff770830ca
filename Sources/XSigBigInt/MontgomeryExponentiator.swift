import CGMP
import CXSigKernels

/// Modular exponentiation x^e mod m for one fixed odd modulus and public exponent, on GMP's
/// mpn layer with Montgomery constants computed once per key.
///
/// `mpz_powm` recomputes -1/m mod B and converts its operands by division on every call; for the
/// RSA public operation with e = 65537 that set-up costs as much as the 17 multiplications
/// themselves. Here the constants live with the key and each call runs the C kernel
/// `xsig_mpn_rsaep` (CXSigKernels, rsaep.c): GMP's `mpn_sqr`, `mpn_mul_n`, `mpn_redc_1`/`mpn_redc_2`
/// and one `mpn_tdiv_qr`, on stack scratch with no allocation. The exponent is public, so the
/// square-and-multiply schedule may depend on it.
///
/// Per call, for e = 65537: x*R mod m by one division (half the cost of a product by R^2 mod m and
/// a reduction), 16 Montgomery squarings, and one Montgomery product with x itself, which leaves
/// Montgomery form without the usual final reduction (see rsaep.c).
public final class MontgomeryExponentiator: @unchecked Sendable {
    public let modulus: GMPInteger
    public let exponent: GMPInteger
    /// k, the modulus length in octets: inputs and outputs are k-octet big-endian strings.
    public let byteCount: Int

    /// How the kernel enters Montgomery form and which reduction it uses (for measurements).
    public struct Tuning: Sendable, Hashable {
        /// Enter Montgomery form by one division instead of a product by R^2 and a reduction.
        public var divisionEntry: Bool
        /// 1: mpn_redc_1; 2: mpn_redc_2 (two limbs of the quotient per pass).
        public var redc: Int

        public init(divisionEntry: Bool, redc: Int) {
            precondition(redc == 1 || redc == 2, "redc must be 1 or 2")
            self.divisionEntry = divisionEntry
            self.redc = redc
        }

        /// The choice measured fastest on x86_64 with Debian's generic libgmp (benchmarks/RESULTS.md).
        public static func preferred(limbs: Int) -> Tuning {
            Tuning(divisionEntry: true, redc: limbs >= 40 ? 2 : 1)
        }
    }

    public let tuning: Tuning
    private let limbCount: Int
    private let modulusLimbs: UnsafeMutablePointer<mp_limb_t>
    /// R^2 mod m, R = B^limbCount (used when tuning.divisionEntry is false).
    private let rSquared: UnsafeMutablePointer<mp_limb_t>
    /// -1/m mod B^2, low limb first (the low limb alone is -1/m mod B).
    private let negativeInverse: UnsafeMutablePointer<mp_limb_t>
    /// Exponent bits after the leading one, most significant first, one per octet.
    private let exponentTail: UnsafeMutablePointer<UInt8>
    private let exponentTailCount: Int

    /// Returns nil unless m is odd and greater than 1 and e >= 1.
    public convenience init?(modulus: GMPInteger, exponent: GMPInteger) {
        self.init(modulus: modulus, exponent: exponent, tuning: nil)
    }

    /// As above with an explicit kernel tuning (nil: ``Tuning/preferred(limbs:)``).
    public init?(modulus: GMPInteger, exponent: GMPInteger, tuning: Tuning?) {
        guard modulus.isOdd, modulus > GMPInteger(1), !exponent.isNegative, !exponent.isZero else { return nil }
        self.modulus = modulus
        self.exponent = exponent
        self.byteCount = modulus.byteCount
        let n = modulus.withUnsafeMPZ { Int(xsig_mpz_size($0)) }
        self.limbCount = n
        var chosen = tuning ?? .preferred(limbs: n)
        if n < 2 { chosen.redc = 1 }  // mpn_redc_2 needs two limbs
        self.tuning = chosen
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
        // Newton iteration for 1/m mod 2^128: each step doubles the correct low bits (m odd).
        let m0 = limbs[0]
        let m1: mp_limb_t = n > 1 ? limbs[1] : 0
        let m = UInt128(m1) << 64 | UInt128(m0)
        var inverse = UInt128(m0)
        for _ in 0..<7 { inverse = inverse &* (2 &- m &* inverse) }
        let negative = 0 &- inverse
        negativeInverse = .allocate(capacity: 2)
        negativeInverse[0] = mp_limb_t(truncatingIfNeeded: negative)
        negativeInverse[1] = mp_limb_t(truncatingIfNeeded: negative >> 64)
        let bits = exponent.bitWidth
        exponentTailCount = bits - 1
        exponentTail = .allocate(capacity: max(1, bits - 1))
        exponent.withUnsafeMPZ { z in
            for i in 0..<(bits - 1) {
                exponentTail[i] = __gmpz_tstbit(z, mp_bitcnt_t(bits - 2 - i)) != 0 ? 1 : 0
            }
        }
    }

    deinit {
        modulusLimbs.deallocate()
        rSquared.deallocate()
        negativeInverse.deallocate()
        exponentTail.deallocate()
    }

    /// output = input^e mod m. `input` and `output` are k-octet big-endian strings (I2OSP form,
    /// leading zero octets kept). Returns false, writing nothing, when input >= m.
    public func apply(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> Bool {
        precondition(input.count == byteCount && output.count == byteCount, "operands must be k octets")
        // One C call: load, range check, exponentiation, store and wipe, with scratch on the C
        // stack (Swift's temporary allocations over 1 KiB may go to the heap).
        return xsig_mpn_rsaep(output.baseAddress!.assumingMemoryBound(to: UInt8.self), output.count,
                              input.baseAddress!.assumingMemoryBound(to: UInt8.self), input.count,
                              modulusLimbs, limbCount, negativeInverse, Int32(tuning.redc),
                              tuning.divisionEntry ? nil : UnsafePointer(rSquared),
                              exponentTail, exponentTailCount) != 0
    }
}

extension MontgomeryExponentiator {
    /// The version of the GMP library linked at run time (`gmp_version`).
    public static var gmpVersion: String { String(cString: __gmp_version) }
}
