import CGMP

/// A non-negative or signed arbitrary-precision integer backed by GMP's `mpz_t`.
///
/// Value semantics over an immutable storage object: every operation returns a new integer, so
/// an instance can be shared between threads. The `mpz_t` lives inline in a final class that
/// frees it in `deinit`, the same shape as swift-crypto's `ArbitraryPrecisionInteger`.
public struct GMPInteger: @unchecked Sendable {
    /// The `mpz_t` lives at a fixed heap address owned by this object, so that reading the same
    /// integer twice in one expression (`x == x`) takes two plain pointers instead of two
    /// overlapping inout accesses.
    @usableFromInline
    final class Storage {
        @usableFromInline let value: UnsafeMutablePointer<__mpz_struct>

        @usableFromInline init() {
            value = .allocate(capacity: 1)
            value.initialize(to: __mpz_struct())
            __gmpz_init(value)
        }

        deinit {
            // Secret values (private exponents, primes) pass through here: wipe the limbs first.
            let limbs = Int(value.pointee._mp_alloc)
            if limbs > 0, let data = value.pointee._mp_d {
                data.update(repeating: 0, count: limbs)
            }
            __gmpz_clear(value)
            value.deallocate()
        }
    }

    @usableFromInline let storage: Storage

    @usableFromInline init(storage: Storage) { self.storage = storage }

    /// Creates a new integer by letting `body` write into a fresh `mpz_t`.
    @inlinable
    static func make(_ body: (UnsafeMutablePointer<__mpz_struct>) -> Void) -> GMPInteger {
        let storage = Storage()
        body(storage.value)
        return GMPInteger(storage: storage)
    }

    /// Read-only access to the underlying `mpz_t` for the engine's own kernels (not public: no
    /// C type crosses the module boundary).
    @inlinable
    func withUnsafeMPZ<R>(_ body: (UnsafePointer<__mpz_struct>) throws -> R) rethrows -> R {
        try body(UnsafePointer(storage.value))
    }

    public init(_ value: UInt) {
        self = .make { __gmpz_set_ui($0, value) }
    }

    /// OS2IP (RFC 8017 section 4.2): interprets big-endian octets as a non-negative integer.
    public init(bigEndian bytes: UnsafeRawBufferPointer) {
        self = .make { z in
            if let base = bytes.baseAddress, bytes.count > 0 {
                __gmpz_import(z, bytes.count, 1, 1, 1, 0, base)
            }
        }
    }

    public init<Bytes: Collection>(bigEndian bytes: Bytes) where Bytes.Element == UInt8 {
        let array = Array(bytes)
        self = array.withUnsafeBytes { GMPInteger(bigEndian: $0) }
    }

    /// Parses hexadecimal digits (no prefix); nil when the string is not hex.
    public init?(hex: String) {
        guard !hex.isEmpty, hex.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        var ok: Int32 = 0
        let made = GMPInteger.make { z in ok = __gmpz_set_str(z, hex, 16) }
        guard ok == 0 else { return nil }
        self = made
    }

    // MARK: - Properties

    public var isZero: Bool { withUnsafeMPZ { xsig_mpz_sgn($0) == 0 } }
    public var isNegative: Bool { withUnsafeMPZ { xsig_mpz_sgn($0) < 0 } }
    public var isOdd: Bool { withUnsafeMPZ { xsig_mpz_odd_p($0) != 0 } }

    /// Number of significant bits (0 for zero).
    public var bitWidth: Int {
        withUnsafeMPZ { xsig_mpz_sgn($0) == 0 ? 0 : Int(__gmpz_sizeinbase($0, 2)) }
    }

    /// Number of octets needed to represent the magnitude (0 for zero).
    public var byteCount: Int { (bitWidth + 7) / 8 }

    /// The value as a machine word, when it fits.
    public var uintValue: UInt? {
        withUnsafeMPZ { z in
            guard xsig_mpz_sgn(z) >= 0, __gmpz_sizeinbase(z, 2) <= UInt.bitWidth else { return nil }
            return UInt(__gmpz_get_ui(z))
        }
    }

    // MARK: - Octet strings

    /// I2OSP (RFC 8017 section 4.1) into a caller-provided buffer of exactly xLen octets.
    /// Returns false ("integer too large") when the value needs more than `output.count` octets.
    @inlinable
    public func write(bigEndianInto output: UnsafeMutableRawBufferPointer) -> Bool {
        withUnsafeMPZ { z in
            let needed = xsig_mpz_sgn(z) == 0 ? 0 : (Int(__gmpz_sizeinbase(z, 2)) + 7) / 8
            guard xsig_mpz_sgn(z) >= 0, needed <= output.count else { return false }
            guard let base = output.baseAddress else { return needed == 0 }
            let pad = output.count - needed
            if pad > 0 { base.initializeMemory(as: UInt8.self, repeating: 0, count: pad) }
            if needed > 0 {
                var written = 0
                __gmpz_export(base + pad, &written, 1, 1, 1, 0, z)
            }
            return true
        }
    }

    /// I2OSP with an explicit length; nil when the value does not fit in `count` octets.
    public func bigEndianBytes(count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBytes { write(bigEndianInto: $0) }
        return ok ? out : nil
    }

    /// The minimal big-endian magnitude (empty for zero).
    public var bigEndianBytes: [UInt8] { bigEndianBytes(count: byteCount) ?? [] }

    /// Lowercase hexadecimal, no prefix.
    public var hexString: String { digits(base: 16) }

    /// The value's digits in `base` (mpz_get_str), with a leading '-' when negative.
    func digits(base: Int32) -> String {
        withUnsafeMPZ { z in
            let size = Int(__gmpz_sizeinbase(z, base)) + 2
            var buffer = [CChar](repeating: 0, count: size)
            __gmpz_get_str(&buffer, base, z)
            return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

// MARK: - Arithmetic

extension GMPInteger {
    public static func + (a: GMPInteger, b: GMPInteger) -> GMPInteger {
        a.withUnsafeMPZ { x in b.withUnsafeMPZ { y in make { __gmpz_add($0, x, y) } } }
    }

    public static func - (a: GMPInteger, b: GMPInteger) -> GMPInteger {
        a.withUnsafeMPZ { x in b.withUnsafeMPZ { y in make { __gmpz_sub($0, x, y) } } }
    }

    public static func * (a: GMPInteger, b: GMPInteger) -> GMPInteger {
        a.withUnsafeMPZ { x in b.withUnsafeMPZ { y in make { __gmpz_mul($0, x, y) } } }
    }

    /// Least non-negative residue of self modulo m (m > 0).
    public func modulo(_ m: GMPInteger) -> GMPInteger {
        withUnsafeMPZ { x in m.withUnsafeMPZ { y in GMPInteger.make { __gmpz_mod($0, x, y) } } }
    }

    /// self^e mod m with GMP's variable-time `mpz_powm` (public values only).
    public func power(_ e: GMPInteger, modulus m: GMPInteger) -> GMPInteger {
        withUnsafeMPZ { b in e.withUnsafeMPZ { x in m.withUnsafeMPZ { n in
            GMPInteger.make { __gmpz_powm($0, b, x, n) }
        } } }
    }

    /// self^e mod m with `mpz_powm_sec`, whose time and memory access pattern do not depend on
    /// the exponent's value (m must be odd, e > 0). Use for secret exponents.
    public func powerSecure(_ e: GMPInteger, modulus m: GMPInteger) -> GMPInteger {
        withUnsafeMPZ { b in e.withUnsafeMPZ { x in m.withUnsafeMPZ { n in
            GMPInteger.make { __gmpz_powm_sec($0, b, x, n) }
        } } }
    }

    /// The inverse of self modulo m, or nil when gcd(self, m) != 1.
    public func inverse(modulo m: GMPInteger) -> GMPInteger? {
        var ok: Int32 = 0
        let r = withUnsafeMPZ { x in m.withUnsafeMPZ { n in GMPInteger.make { ok = __gmpz_invert($0, x, n) } } }
        return ok != 0 ? r : nil
    }

    public func gcd(_ other: GMPInteger) -> GMPInteger {
        withUnsafeMPZ { x in other.withUnsafeMPZ { y in GMPInteger.make { __gmpz_gcd($0, x, y) } } }
    }

    /// Probabilistic primality (GMP's Baillie-PSW plus `reps` Miller-Rabin rounds).
    public func isProbablePrime(rounds: Int32 = 25) -> Bool {
        withUnsafeMPZ { __gmpz_probab_prime_p($0, rounds) > 0 }
    }
}

extension GMPInteger: Comparable, Hashable, CustomStringConvertible {
    public static func == (a: GMPInteger, b: GMPInteger) -> Bool {
        a.withUnsafeMPZ { x in b.withUnsafeMPZ { y in __gmpz_cmp(x, y) == 0 } }
    }

    public static func < (a: GMPInteger, b: GMPInteger) -> Bool {
        a.withUnsafeMPZ { x in b.withUnsafeMPZ { y in __gmpz_cmp(x, y) < 0 } }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(bigEndianBytes) }

    public var description: String { digits(base: 10) }
}

extension UInt8 {
    @usableFromInline var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
