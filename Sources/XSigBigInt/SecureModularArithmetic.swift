import CGMP

// Fixed-width modular arithmetic on GMP's side-channel-silent mpn_sec layer, for values that
// must not leak through timing or memory access patterns (RSA blinding factors, CRT halves).
//
// Operands are copied into zero-padded buffers of the modulus' limb count, so the work done
// depends on the sizes of the moduli only, never on the operands' values. What remains
// value-dependent is the final normalisation of a result into an mpz (the count of leading zero
// limbs), which is the same residue-independent leak as every mpz interface.

extension GMPInteger {
    /// Number of limbs in the magnitude (0 for zero).
    var usedLimbs: Int { withUnsafeMPZ { Int(xsig_mpz_size($0)) } }

    /// Copies the magnitude into `width` limbs, zero-extended. The caller guarantees it fits.
    func copyLimbs(into destination: UnsafeMutablePointer<mp_limb_t>, width: Int) {
        withUnsafeMPZ { z in
            let used = Int(xsig_mpz_size(z))
            precondition(used <= width, "operand has \(used) limbs, more than the \(width) reserved")
            if used > 0 { destination.update(from: xsig_mpz_limbs_read(z), count: used) }
            if width > used { (destination + used).update(repeating: 0, count: width - used) }
        }
    }

    /// A new integer from `count` little-endian limbs (normalised by mpz_limbs_finish).
    static func fromLimbs(_ limbs: UnsafePointer<mp_limb_t>, count: Int) -> GMPInteger {
        make { z in
            guard count > 0 else { return }
            let out = __gmpz_limbs_write(z, count)!
            out.update(from: limbs, count: count)
            __gmpz_limbs_finish(z, count)
        }
    }

    /// self * other mod m with `mpn_sec_mul` and `mpn_sec_div_r`. Both operands must fit in
    /// m's limb count (in RSA they are residues mod m); m must be positive.
    public func secureProduct(_ other: GMPInteger, modulo m: GMPInteger) -> GMPInteger {
        withSecureProduct(other, modulo: m) { product, n in GMPInteger.fromLimbs(product, count: n) }
    }

    /// Runs `body` on the n limbs of self * other mod m (mpn_sec_mul, then mpn_sec_div_r), n = m's
    /// limb count; the scratch is wiped afterwards.
    private func withSecureProduct<R>(_ other: GMPInteger, modulo m: GMPInteger,
                                      _ body: (UnsafeMutablePointer<mp_limb_t>, Int) -> R) -> R {
        let n = m.usedLimbs
        precondition(n > 0, "modulus must be positive")
        let scratch = max(Int(__gmpn_sec_mul_itch(n, n)), Int(__gmpn_sec_div_r_itch(2 * n, n)))
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: 4 * n + scratch) { buffer in
            let a = buffer.baseAddress!, b = a + n, product = a + 2 * n, tp = a + 4 * n
            copyLimbs(into: a, width: n)
            other.copyLimbs(into: b, width: n)
            __gmpn_sec_mul(product, a, n, b, n, tp)
            m.withUnsafeMPZ { mz in __gmpn_sec_div_r(product, 2 * n, xsig_mpz_limbs_read(mz), n, tp) }
            defer { buffer.update(repeating: 0) }
            return body(product, n)
        }
    }

    /// self * other mod m written as exactly `output.count` big-endian octets (I2OSP) straight
    /// from the fixed-width limb result, never normalised into an mpz: the time depends on the
    /// sizes only, not on how many leading zero octets the result has (the leak Manger's attack
    /// on OAEP feeds on). Returns false, writing zeros, when m does not fit in `output.count` octets.
    public func secureProduct(_ other: GMPInteger, modulo m: GMPInteger, bigEndianInto output: UnsafeMutableRawBufferPointer) -> Bool {
        precondition(m.usedLimbs > 0, "modulus must be positive")
        guard m.byteCount <= output.count else {
            output.initializeMemory(as: UInt8.self, repeating: 0)
            return false
        }
        return withSecureProduct(other, modulo: m) { product, n in
            // Octet j from the right is bits 8j..8j+7 of the n-limb remainder (zero past its end).
            let limbOctets = MemoryLayout<mp_limb_t>.size
            for j in 0..<output.count {
                let limb = j / limbOctets < n ? product[j / limbOctets] : 0
                output[output.count - 1 - j] = UInt8(truncatingIfNeeded: limb >> (8 * (j % limbOctets)))
            }
            return true
        }
    }
}
