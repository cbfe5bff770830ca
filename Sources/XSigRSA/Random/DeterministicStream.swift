import COpenSSL

/// The deterministic padding stream of xsig's test-vector mode. FOR TEST VECTORS ONLY: anyone who
/// knows the seed can recompute the padding, so ciphertexts made this way are not confidential.
///
/// Spec (implemented independently in `vectors/reproduce.py`):
/// K = SHA-256(seed); for record index i the stream is the ChaCha20 keystream (RFC 8439) under
/// key K, 96-bit nonce = 0x00000000 || i as 8 octets big-endian, initial block counter 0.
public struct DeterministicStream: RandomSource {
    private var keystream: ChaCha20Keystream

    public init(seed: [UInt8], index: UInt64 = 0) {
        let key = DigestAlgorithm.sha256.hash(seed)
        var nonce = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { nonce[4 + i] = UInt8(truncatingIfNeeded: index >> (56 - 8 * UInt64(i))) }
        keystream = ChaCha20Keystream(key: key, nonce: nonce, counter: 0)
    }

    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        keystream.fill(buffer)
    }
}

/// The ChaCha20 keystream of RFC 8439 section 2.4, from OpenSSL's EVP_chacha20 applied to zeros.
public struct ChaCha20Keystream: RandomSource {
    private final class Context {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { EVP_CIPHER_CTX_free(pointer) }
    }
    private let context: Context

    /// key: 32 octets; nonce: 12 octets; counter: the initial 32-bit block counter.
    public init(key: [UInt8], nonce: [UInt8], counter: UInt32) {
        precondition(key.count == 32 && nonce.count == 12, "ChaCha20 needs a 32-octet key and a 12-octet nonce")
        // OpenSSL's 16-octet IV is the block counter (little-endian) followed by the nonce.
        var iv = [UInt8](repeating: 0, count: 16)
        for i in 0..<4 { iv[i] = UInt8(truncatingIfNeeded: counter >> (8 * UInt32(i))) }
        iv.replaceSubrange(4..<16, with: nonce)
        guard let ctx = EVP_CIPHER_CTX_new() else { preconditionFailure("EVP_CIPHER_CTX_new failed") }
        let ok = EVP_EncryptInit_ex(ctx, EVP_chacha20(), nil, key, iv)
        precondition(ok == 1, "EVP_chacha20 initialisation failed")
        context = Context(ctx)
    }

    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        base.initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count)
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var outLength: Int32 = 0
        let ok = EVP_EncryptUpdate(context.pointer, bytes, &outLength, bytes, Int32(buffer.count))
        precondition(ok == 1 && Int(outLength) == buffer.count, "ChaCha20 keystream failed")
    }
}
