import COpenSSL

/// A source of padding bytes: PS for EME-PKCS1-v1_5, the seed for EME-OAEP.
///
/// Randomness is an argument of the padding functions (as in Go's crypto/rsa) so that the
/// deterministic test-vector mode can substitute a reproducible stream.
public protocol RandomSource {
    /// Fills the buffer with the next bytes of the stream.
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer)
}

extension RandomSource {
    public mutating func bytes(count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { fill($0) }
        return out
    }

    /// The next `count` nonzero bytes of the stream, in order, zero bytes skipped
    /// (PS of RFC 8017 7.2.1 step 2a; the deterministic spec relies on this exact order).
    public mutating func nonzeroBytes(into output: UnsafeMutableRawBufferPointer) {
        var filled = 0
        var chunk = [UInt8](repeating: 0, count: max(64, output.count))
        while filled < output.count {
            chunk.withUnsafeMutableBytes { fill($0) }
            for byte in chunk where byte != 0 {
                output[filled] = byte
                filled += 1
                if filled == output.count { break }
            }
        }
    }
}

/// OpenSSL's CSPRNG (`RAND_bytes`, a per-thread DRBG seeded from the operating system).
/// This is the only source xsig uses for real padding.
public struct SecureRandom: RandomSource, Sendable {
    public init() {}

    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let ok = RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count))
        // No fallback: without a working CSPRNG there is no safe padding.
        precondition(ok == 1, "xsig: OpenSSL RAND_bytes failed; refusing to pad without a secure random source")
    }
}
