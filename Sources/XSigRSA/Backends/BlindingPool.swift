import XSigBigInt

/// RSA base blinding factors (Kocher 1996; OpenSSL's BN_BLINDING): pairs A = r^e mod n and
/// A^-1 = r^-1 mod n for a secret random r. Decryption computes (c * A)^d = m * r and multiplies
/// by A^-1, so the exponentiation never sees the attacker's c itself.
///
/// A fresh pair costs an inversion and an exponentiation with e; like OpenSSL, a pair is reused
/// by squaring both members after each use (r becomes r^2) and replaced after ``usesPerPair``
/// uses. Pairs are checked out, so concurrent decryptions never share one.
final class BlindingPool: @unchecked Sendable {
    struct Pair {
        var factor: GMPInteger
        var inverse: GMPInteger
        var uses: Int
    }

    /// OpenSSL's BN_BLINDING_COUNTER.
    static let usesPerPair = 32
    /// Spare pairs kept for concurrent callers; more are simply dropped.
    static let maximumSpare = 16

    let modulus: GMPInteger
    let publicExponent: GMPInteger
    private let spare = LockedValue<[Pair]>([])

    init(modulus: GMPInteger, publicExponent: GMPInteger) {
        self.modulus = modulus
        self.publicExponent = publicExponent
    }

    /// A pair to use once: a spare one, or a fresh one drawn from `random`.
    func take<R: RandomSource>(random: inout R) -> Pair {
        if let pair = spare.withLock({ $0.popLast() }) { return pair }
        return fresh(random: &random)
    }

    /// Returns a used pair: squared for its next use, or dropped when worn out.
    func giveBack(_ pair: Pair) {
        guard pair.uses + 1 < Self.usesPerPair else { return }
        let next = Pair(factor: pair.factor.secureProduct(pair.factor, modulo: modulus),
                        inverse: pair.inverse.secureProduct(pair.inverse, modulo: modulus),
                        uses: pair.uses + 1)
        spare.withLock { if $0.count < Self.maximumSpare { $0.append(next) } }
    }

    private func fresh<R: RandomSource>(random: inout R) -> Pair {
        while true {
            let r = uniformResidue(random: &random)
            let v = uniformResidue(random: &random)
            // r^-1 = (r * v)^-1 * v: mpz_invert is not constant-time, so it only ever sees
            // r * v, which is uniform and independent of r while v stays secret (BoringSSL's
            // BN_mod_inverse_blinded); mpn_sec_invert would cost more than the decryption.
            guard let masked = r.secureProduct(v, modulo: modulus).inverse(modulo: modulus) else { continue }
            let inverse = masked.secureProduct(v, modulo: modulus)
            let factor = r.powerSecure(publicExponent, modulus: modulus)
            return Pair(factor: factor, inverse: inverse, uses: 0)
        }
    }

    /// A uniform integer in [1, n) by rejection sampling on the bit length of n.
    private func uniformResidue<R: RandomSource>(random: inout R) -> GMPInteger {
        let bits = modulus.bitWidth
        let octets = (bits + 7) / 8
        var bytes = [UInt8](repeating: 0, count: octets)
        defer { for i in bytes.indices { bytes[i] = 0 } }
        while true {
            bytes.withUnsafeMutableBytes { random.fill($0) }
            let excess = octets * 8 - bits
            bytes[0] &= UInt8(truncatingIfNeeded: 0xff >> excess)
            let candidate = GMPInteger(bigEndian: bytes)
            if !candidate.isZero && candidate < modulus { return candidate }
        }
    }
}
