import CGMP
import CXSigKernels

/// x^d mod n for a secret exponent d: the exponentiation inside RSADP (RFC 8017 section 5.1.2
/// step 2), in constant time.
///
/// With the CRT members (p, q, dp, dq, qInv) it computes, as in step 2b,
///   m1 = x^dp mod p,  m2 = x^dq mod q,  h = (m1 - m2) * qInv mod p,  m = m2 + q * h
/// in the C kernel `xsig_gmp_crt` (CXSigKernels' gmp_private_crt.c): Montgomery arithmetic on
/// GMP's mpn layer (`mpn_sec_mul`/`mpn_sec_sqr` products, REDC from `mpn_addmul_1` rows,
/// `mpn_sec_tabselect` for the window table, fixed windows over all bits of p and q), which never
/// divides by the secret primes: GMP's `mpn_sec_powm` and `mpn_sec_div_r` with a secret modulus
/// index tables with its bits (SECURITY.md, `scripts/ctgrind.sh`). The per-key constants are
/// made once, in `init`, with mpz arithmetic that is not constant time.
/// Without the CRT members (a key of only n, e, d) it runs one `mpn_sec_powm` with d modulo the
/// public n, about four times slower.
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
    private let nBits: Int
    /// Plain: n | d in one allocation, wiped in deinit. CRT: nil.
    private let storage: UnsafeMutablePointer<mp_limb_t>?
    private let storageCount: Int
    /// CRT: the kernel's per-key constants (`xsig_gmp_crt_key`), wiped and freed in deinit.
    private let crtKey: OpaquePointer?
    private let scratchLimbs: Int

    /// The plain form, m = x^d mod n. Returns nil unless n is odd and greater than 1 and
    /// 0 < d < n.
    public init?(modulus n: GMPInteger, privateExponent d: GMPInteger) {
        guard n.isOdd, n > GMPInteger(1), !d.isNegative, !d.isZero, d < n else { return nil }
        method = .plain
        nLimbs = n.usedLimbs
        nBits = n.bitWidth
        storageCount = 2 * nLimbs
        let storage = UnsafeMutablePointer<mp_limb_t>.allocate(capacity: storageCount)
        n.copyLimbs(into: storage, width: nLimbs)
        d.copyLimbs(into: storage + nLimbs, width: nLimbs)
        self.storage = storage
        crtKey = nil
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
        let (nn, pn, qn) = (n.usedLimbs, p.usedLimbs, q.usedLimbs)
        // The members in one wiped buffer for the kernel's set-up: p | q | dp | dq | qInv.
        let count = 3 * pn + 2 * qn
        let members = UnsafeMutablePointer<mp_limb_t>.allocate(capacity: count)
        defer {
            members.update(repeating: 0, count: count)
            members.deallocate()
        }
        var at = members
        for (value, width) in [(p, pn), (q, qn), (dp, pn), (dq, qn), (qInv, pn)] {
            value.copyLimbs(into: at, width: width)
            at += width
        }
        let (pl, ql) = (UnsafePointer(members), UnsafePointer(members + pn))
        let (dpl, dql, qil) = (UnsafePointer(members + pn + qn), UnsafePointer(members + 2 * pn + qn),
                               UnsafePointer(members + 2 * pn + 2 * qn))
        guard let key = xsig_gmp_crt_key_new(pl, pn, ql, qn, dpl, dql, qil, nn) else { return nil }
        method = .crt
        nLimbs = nn
        nBits = n.bitWidth
        storage = nil
        storageCount = 0
        crtKey = key
        scratchLimbs = Int(xsig_gmp_crt_scratch_limbs(key))
    }

    deinit {
        if let storage {
            storage.update(repeating: 0, count: storageCount)
            storage.deallocate()
        }
        xsig_gmp_crt_key_free(crtKey)
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
        let nn = nLimbs, n = UnsafePointer(storage!)
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: 2 * nn + scratchLimbs) { buffer in
            let base = buffer.baseAddress!, result = base + nn, tp = base + 2 * nn
            x.copyLimbs(into: base, width: nn)
            // n is public: mpn_sec_powm's binvert_limb and its reduction of the base by n
            // (mpn_sec_div_r) index tables with bits of n only.
            __gmpn_sec_powm(result, base, nn, n + nn, mp_bitcnt_t(nBits), n, nn, tp)
            let m = GMPInteger.fromLimbs(result, count: nn)
            buffer.update(repeating: 0)
            return m
        }
    }

    private func applyCRT(_ x: GMPInteger) -> GMPInteger {
        let nn = nLimbs
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: 2 * nn + scratchLimbs) { buffer in
            let base = buffer.baseAddress!, result = base + nn, tp = base + 2 * nn
            x.copyLimbs(into: base, width: nn)
            xsig_gmp_crt(crtKey, result, base, tp)     // wipes its scratch itself
            let m = GMPInteger.fromLimbs(result, count: nn)
            buffer.update(repeating: 0)
            return m
        }
    }
}
