import CGMP

/// x^d mod n for a secret exponent d: the exponentiation inside RSADP (RFC 8017 section 5.1.2
/// step 2), on GMP's side-channel-silent `mpn_sec` layer.
///
/// With the CRT members (p, q, dp, dq, qInv) it computes, as in step 2b,
///   m1 = x^dp mod p,  m2 = x^dq mod q,  h = (m1 - m2) * qInv mod p,  m = m2 + q * h
/// with `mpn_sec_powm` for both exponentiations and `mpn_sec_mul`, `mpn_sec_div_r`,
/// `mpn_cnd_add_n` for the recombination; without them (a key of only n, e, d) it runs one
/// `mpn_sec_powm` with d, about four times slower.
///
/// Every operand lives in a buffer of its modulus' limb count and every loop runs over those
/// counts, so time and memory accesses depend on the key's sizes, never on x or the secrets.
/// The caller blinds x (see XSigRSA's GMP private backend): this type is the bare exponentiation.
public final class SecretExponentiator: @unchecked Sendable {
    /// Which formula `apply` uses.
    public enum Method: String, Sendable { case crt, plain }

    public let method: Method
    /// Limb count of n: inputs and outputs are residues mod n.
    private let nLimbs: Int
    private let pLimbs: Int
    private let qLimbs: Int
    private let pBits: Int
    private let qBits: Int
    private let nBits: Int
    /// One allocation holding n and the secret members, wiped in deinit.
    /// Plain: n | d.  CRT: n | p | q | dp (pLimbs) | dq (qLimbs) | qInv (pLimbs).
    private let storage: UnsafeMutablePointer<mp_limb_t>
    private let storageCount: Int
    private let scratchLimbs: Int

    private var n: UnsafePointer<mp_limb_t> { UnsafePointer(storage) }

    /// The plain form, m = x^d mod n. Returns nil unless n is odd and greater than 1 and
    /// 0 < d < n.
    public init?(modulus n: GMPInteger, privateExponent d: GMPInteger) {
        guard n.isOdd, n > GMPInteger(1), !d.isNegative, !d.isZero, d < n else { return nil }
        method = .plain
        nLimbs = n.usedLimbs
        nBits = n.bitWidth
        (pLimbs, qLimbs, pBits, qBits) = (0, 0, 0, 0)
        storageCount = 2 * nLimbs
        storage = .allocate(capacity: storageCount)
        n.copyLimbs(into: storage, width: nLimbs)
        d.copyLimbs(into: storage + nLimbs, width: nLimbs)
        scratchLimbs = Int(__gmpn_sec_powm_itch(nLimbs, mp_bitcnt_t(nBits), nLimbs))
    }

    /// The CRT form (RFC 8017 3.2, two primes). Returns nil unless p and q are odd, greater
    /// than 1, p * q == n, 0 < dp < p, 0 < dq < q and 0 < qInv < p. Whether they belong to the
    /// same key as e and d is the caller's check (XSigRSA validates the whole key).
    public init?(modulus n: GMPInteger, p: GMPInteger, q: GMPInteger, dp: GMPInteger, dq: GMPInteger, qInv: GMPInteger) {
        let one = GMPInteger(1)
        guard p.isOdd, q.isOdd, p > one, q > one, p * q == n,
              !dp.isZero, !dp.isNegative, dp < p, !dq.isZero, !dq.isNegative, dq < q,
              !qInv.isZero, !qInv.isNegative, qInv < p else { return nil }
        method = .crt
        nLimbs = n.usedLimbs
        pLimbs = p.usedLimbs
        qLimbs = q.usedLimbs
        nBits = n.bitWidth
        pBits = p.bitWidth
        qBits = q.bitWidth
        storageCount = nLimbs + 3 * pLimbs + 2 * qLimbs
        storage = .allocate(capacity: storageCount)
        var at = storage
        for (value, width) in [(n, nLimbs), (p, pLimbs), (q, qLimbs), (dp, pLimbs), (dq, qLimbs), (qInv, pLimbs)] {
            value.copyLimbs(into: at, width: width)
            at += width
        }
        let (large, small) = (max(pLimbs, qLimbs), min(pLimbs, qLimbs))
        let pieces = [
            Int(__gmpn_sec_powm_itch(nLimbs, mp_bitcnt_t(pBits), pLimbs)),
            Int(__gmpn_sec_powm_itch(nLimbs, mp_bitcnt_t(qBits), qLimbs)),
            Int(__gmpn_sec_div_r_itch(qLimbs, pLimbs)),
            Int(__gmpn_sec_mul_itch(pLimbs, pLimbs)),
            Int(__gmpn_sec_div_r_itch(2 * pLimbs, pLimbs)),
            Int(__gmpn_sec_mul_itch(large, small)),
        ]
        scratchLimbs = pieces.max()!
    }

    deinit {
        storage.update(repeating: 0, count: storageCount)
        storage.deallocate()
    }

    /// x^d mod n for 0 <= x < n.
    public func apply(_ x: GMPInteger) -> GMPInteger {
        precondition(x.usedLimbs <= nLimbs && !x.isNegative, "input must be a residue mod n")
        switch method {
        case .plain: return applyPlain(x)
        case .crt: return applyCRT(x)
        }
    }

    private func applyPlain(_ x: GMPInteger) -> GMPInteger {
        let nn = nLimbs
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: 2 * nn + scratchLimbs) { buffer in
            let base = buffer.baseAddress!, result = base + nn, tp = base + 2 * nn
            x.copyLimbs(into: base, width: nn)
            __gmpn_sec_powm(result, base, nn, storage + nn, mp_bitcnt_t(nBits), n, nn, tp)
            let m = GMPInteger.fromLimbs(result, count: nn)
            buffer.update(repeating: 0)
            return m
        }
    }

    private func applyCRT(_ x: GMPInteger) -> GMPInteger {
        let (nn, pn, qn) = (nLimbs, pLimbs, qLimbs)
        let p = n + nn, q = p + pn, dp = q + qn, dq = dp + pn, qInv = dq + qn
        let wide = pn + qn
        // base | m1 (pn) | m2 (qn) | m2 mod p (max) | diff (pn) | h*.. (2pn) | m (wide) | m2 wide | scratch
        let layout = [nn, pn, qn, max(pn, qn), pn, 2 * pn, wide, wide]
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: layout.reduce(0, +) + scratchLimbs) { buffer in
            var cursor = buffer.baseAddress!
            func take(_ count: Int) -> UnsafeMutablePointer<mp_limb_t> { defer { cursor += count }; return cursor }
            let base = take(nn), m1 = take(pn), m2 = take(qn), m2p = take(max(pn, qn)), diff = take(pn)
            let product = take(2 * pn), m = take(wide), m2Wide = take(wide), tp = take(scratchLimbs)
            x.copyLimbs(into: base, width: nn)
            // m1 = x^dp mod p, m2 = x^dq mod q (mpn_sec_powm reduces the base itself).
            __gmpn_sec_powm(m1, base, nn, dp, mp_bitcnt_t(pBits), p, pn, tp)
            __gmpn_sec_powm(m2, base, nn, dq, mp_bitcnt_t(qBits), q, qn, tp)
            // m2 mod p: only when q has at least p's limb count can m2 reach p (sizes are public).
            m2p.update(from: m2, count: qn)
            if qn >= pn {
                __gmpn_sec_div_r(m2p, qn, p, pn, tp)
            } else {
                (m2p + qn).update(repeating: 0, count: pn - qn)
            }
            // diff = m1 - m2 mod p: subtract, then add p back under the borrow, branch-free.
            let borrow = __gmpn_sub_n(diff, m1, m2p, pn)
            __gmpn_cnd_add_n(borrow, diff, diff, p, pn)
            // h = diff * qInv mod p
            __gmpn_sec_mul(product, diff, pn, qInv, pn, tp)
            __gmpn_sec_div_r(product, 2 * pn, p, pn, tp)
            // m = m2 + q * h  (< n, so it fits in nn <= pn + qn limbs)
            if qn >= pn {
                __gmpn_sec_mul(m, q, qn, product, pn, tp)
            } else {
                __gmpn_sec_mul(m, product, pn, q, qn, tp)
            }
            m2Wide.update(from: m2, count: qn)
            (m2Wide + qn).update(repeating: 0, count: wide - qn)
            _ = __gmpn_add_n(m, m, m2Wide, wide)
            let result = GMPInteger.fromLimbs(m, count: min(nn, wide))
            buffer.update(repeating: 0)
            return result
        }
    }
}
