import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A source of padding bytes: PS for EME-PKCS1-v1_5, the seed for EME-OAEP.
///
/// Randomness is an argument of the padding functions (as in Go's crypto/rsa) so that the
/// deterministic test-vector mode can substitute a reproducible stream.
public protocol RandomSource {
    /// Fills the buffer with the next bytes of the stream.
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer)

    /// Fills the buffer with nonzero bytes (PS of RFC 8017 7.2.1 step 2a). The default takes
    /// the next nonzero bytes of the stream in order, drawing it in chunks of max(64, count)
    /// octets; deterministic streams rely on exactly that consumption.
    mutating func nonzeroBytes(into output: UnsafeMutableRawBufferPointer)
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
        let chunkSize = max(64, output.count)
        withUnsafeTemporaryAllocation(byteCount: chunkSize, alignment: 8) { chunk in
            while filled < output.count {
                fill(chunk)
                for byte in chunk where byte != 0 {
                    output[filled] = byte
                    filled += 1
                    if filled == output.count { break }
                }
            }
            chunk.initializeMemory(as: UInt8.self, repeating: 0)
        }
    }
}

/// OpenSSL's CSPRNG (`RAND_bytes`, a per-thread DRBG seeded from the operating system).
/// This is the only source xsig uses for real padding.
///
/// Bytes are drawn from `RAND_bytes` in blocks of 4 KiB into a per-thread buffer and handed out
/// in order, each octet once (wiped as it is handed out); a fork discards the buffer in the child,
/// so parent and child never share padding. One `RAND_bytes` call per block instead of per
/// encryption removes most of the generator's per-call cost from a PKCS#1 v1.5 encryption.
public struct SecureRandom: RandomSource, Sendable {
    /// Never read. An empty struct has size zero, and Swift passes every `inout` zero-sized value
    /// at one shared sentinel address: ThreadSanitizer then reported two threads' independent
    /// `SecureRandom` instances as one "Swift access race" (RSADecryptor.decrypt, GMPPrivateBackend
    /// .rawDecrypt) and crashed on that address in its shadow memory. One stored octet gives each
    /// instance its own address; the generator's state is per thread (ThreadRandomPool) anyway.
    private var instanceAddress: UInt8 = 0

    public init() {}

    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count > 0 else { return }
        ThreadRandomPool.current().fill(buffer)
    }

    /// Uniform nonzero octets: every zero octet is replaced by a fresh draw until it is nonzero,
    /// the same distribution as skipping zero octets of the stream.
    public mutating func nonzeroBytes(into output: UnsafeMutableRawBufferPointer) {
        guard output.count > 0 else { return }
        let pool = ThreadRandomPool.current()
        pool.fill(output)
        for i in 0..<output.count where output[i] == 0 {
            var byte: UInt8 = 0
            while byte == 0 { byte = pool.nextByte() }
            output[i] = byte
        }
    }
}

/// The per-thread buffer behind ``SecureRandom``.
final class ThreadRandomPool {
    static let capacity = 4096

    private let buffer: UnsafeMutableRawBufferPointer
    private var position: Int
    private var generation: UInt64

    private init() {
        buffer = .allocate(byteCount: Self.capacity, alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        position = Self.capacity
        generation = Self.forkGeneration.load(ordering: .relaxed)
    }

    deinit {
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        buffer.deallocate()
    }

    /// Bumped in the child of every fork, invalidating the buffers copied into it.
    static let forkGeneration = Atomic<UInt64>(0)

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<ThreadRandomPool>.fromOpaque(pointer).release()
        }
        precondition(created == 0, "xsig: pthread_key_create failed")
        pthread_atfork(nil, nil) { ThreadRandomPool.forkGeneration.add(1, ordering: .relaxed) }
        return key
    }()

    static func current() -> ThreadRandomPool {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<ThreadRandomPool>.fromOpaque(pointer).takeUnretainedValue()
        }
        let pool = ThreadRandomPool()
        pthread_setspecific(key, Unmanaged.passRetained(pool).toOpaque())
        return pool
    }

    private func refill() {
        let ok = RAND_bytes(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(Self.capacity))
        // No fallback: without a working CSPRNG there is no safe padding.
        precondition(ok == 1, "xsig: OpenSSL RAND_bytes failed; refusing to pad without a secure random source")
        position = 0
    }

    private func checkFork() {
        let now = Self.forkGeneration.load(ordering: .relaxed)
        if now != generation {
            generation = now
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            position = Self.capacity
        }
    }

    func fill(_ output: UnsafeMutableRawBufferPointer) {
        checkFork()
        if output.count > Self.capacity / 2 {
            let ok = RAND_bytes(output.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(output.count))
            precondition(ok == 1, "xsig: OpenSSL RAND_bytes failed; refusing to pad without a secure random source")
            return
        }
        var done = 0
        while done < output.count {
            if position == Self.capacity { refill() }
            let n = min(output.count - done, Self.capacity - position)
            let source = buffer.baseAddress! + position
            (output.baseAddress! + done).copyMemory(from: source, byteCount: n)
            source.initializeMemory(as: UInt8.self, repeating: 0, count: n)
            position += n
            done += n
        }
    }

    func nextByte() -> UInt8 {
        checkFork()
        if position == Self.capacity { refill() }
        let byte = buffer[position]
        buffer[position] = 0
        position += 1
        return byte
    }
}
