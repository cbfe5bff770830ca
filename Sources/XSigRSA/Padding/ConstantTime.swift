/// Branch-free helpers for the padding checks of RSA decryption. A mask is `UInt.max` for true
/// and 0 for false; comparisons are computed with arithmetic, not `if`, so that the work done
/// does not depend on the secret decrypted octets (RFC 8017 7.1.2 note, Manger and Bleichenbacher).
///
/// This is constant-time *style* in Swift: the source has no secret-dependent branch or index,
/// but the compiler is not bound to keep it that way; see docs/server-side.md for what is and is
/// not guaranteed.
enum ConstantTime {
    /// All ones when x == 0.
    @inline(__always)
    static func isZero(_ x: UInt) -> UInt {
        // The top bit of ~x & (x - 1) is set exactly when x == 0.
        0 &- ((~x & (x &- 1)) >> (UInt.bitWidth - 1))
    }

    @inline(__always)
    static func isNonZero(_ x: UInt) -> UInt { ~isZero(x) }

    @inline(__always)
    static func equal(_ a: UInt, _ b: UInt) -> UInt { isZero(a ^ b) }

    /// All ones when a < b (unsigned).
    @inline(__always)
    static func lessThan(_ a: UInt, _ b: UInt) -> UInt {
        0 &- ((a ^ ((a ^ b) | ((a &- b) ^ b))) >> (UInt.bitWidth - 1))
    }

    /// a where mask is all ones, b where it is zero.
    @inline(__always)
    static func select(_ mask: UInt, _ a: UInt, _ b: UInt) -> UInt { (mask & a) | (~mask & b) }

    /// 1 in bit `bit` when mask is all ones: turns a check's mask into its failure bit.
    @inline(__always)
    static func bit(_ mask: UInt, _ bit: DecryptionCheck) -> UInt { (mask & 1) << UInt(bit.rawValue) }
}
