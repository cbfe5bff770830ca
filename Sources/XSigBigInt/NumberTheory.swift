import CGMP

/// The few number-theoretic operations RSA key generation and key recovery need, on GMP.
/// A namespace rather than `GMPInteger` methods so that it cannot collide with other extensions.
public enum NumberTheory {
    /// The smallest probable prime greater than `x` (GMP's `mpz_nextprime`: a sieve, then
    /// Baillie-PSW and Miller-Rabin rounds; deterministic for a given input).
    public static func nextProbablePrime(after x: GMPInteger) -> GMPInteger {
        x.withUnsafeMPZ { z in GMPInteger.make { __gmpz_nextprime($0, z) } }
    }

    /// lcm(a, b), non-negative.
    public static func leastCommonMultiple(_ a: GMPInteger, _ b: GMPInteger) -> GMPInteger {
        a.withUnsafeMPZ { x in b.withUnsafeMPZ { y in GMPInteger.make { __gmpz_lcm($0, x, y) } } }
    }

    /// a / b for a divisor b that is known to divide a exactly (`mpz_divexact`).
    public static func exactQuotient(_ a: GMPInteger, _ b: GMPInteger) -> GMPInteger {
        precondition(!b.isZero, "division by zero")
        return a.withUnsafeMPZ { x in b.withUnsafeMPZ { y in GMPInteger.make { __gmpz_divexact($0, x, y) } } }
    }

    /// floor(x / 2^bits) for non-negative x.
    public static func shiftRight(_ x: GMPInteger, by bits: Int) -> GMPInteger {
        precondition(bits >= 0)
        return x.withUnsafeMPZ { z in GMPInteger.make { __gmpz_fdiv_q_2exp($0, z, mp_bitcnt_t(bits)) } }
    }

    /// x with bit `bit` (0 = least significant) set.
    public static func settingBit(_ x: GMPInteger, _ bit: Int) -> GMPInteger {
        precondition(bit >= 0)
        return x.withUnsafeMPZ { z in
            GMPInteger.make { r in
                __gmpz_set(r, z)
                __gmpz_setbit(r, mp_bitcnt_t(bit))
            }
        }
    }

    /// Whether bit `bit` of non-negative x is set.
    public static func testBit(_ x: GMPInteger, _ bit: Int) -> Bool {
        x.withUnsafeMPZ { __gmpz_tstbit($0, mp_bitcnt_t(bit)) != 0 }
    }

    /// The number of trailing zero bits of a positive x (the 2-adic valuation).
    public static func trailingZeroBits(_ x: GMPInteger) -> Int {
        precondition(!x.isZero && !x.isNegative)
        return x.withUnsafeMPZ { Int(__gmpz_scan1($0, 0)) }
    }

    /// Recovers the primes of an RSA modulus from (n, e, d) (NIST SP 800-56B rev. 2, appendix C):
    /// with k = de - 1 = 2^s t, t odd, some small base g gives a nontrivial square root x of 1
    /// modulo n among g^t, g^2t, ..., and then p = gcd(x - 1, n). Deterministic: the bases are
    /// tried in order. Returns (p, q) with p > q, or nil when (n, e, d) is not an RSA key.
    public static func factorModulus(n: GMPInteger, e: GMPInteger, d: GMPInteger) -> (p: GMPInteger, q: GMPInteger)? {
        let one = GMPInteger(1)
        guard n > GMPInteger(3), n.isOdd else { return nil }
        let k = d * e - one
        guard !k.isZero, !k.isNegative, !k.isOdd else { return nil }
        let s = trailingZeroBits(k)
        let t = shiftRight(k, by: s)
        let nMinusOne = n - one
        let two = GMPInteger(2)
        for base in [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97] as [UInt] {
            var x = GMPInteger(base).power(t, modulus: n)
            if x == one || x == nMinusOne { continue }
            for _ in 0..<s {
                let y = x.power(two, modulus: n)
                if y == one {
                    let p = (x - one).gcd(n)
                    guard p > one, p < n else { return nil }
                    let q = exactQuotient(n, p)
                    return p > q ? (p, q) : (q, p)
                }
                if y == nMinusOne { break }
                x = y
            }
        }
        return nil
    }
}
