import COpenSSL
import CXSigKernels
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

/// The operating system's CSPRNG and OpenSSL's, each where it is cheaper. This is the only source
/// xsig uses for real padding.
///
/// A process's first ``ThreadRandomPool/kernelAllowance`` octets come straight from the kernel
/// (`getrandom(2)`): no set-up, about 3 ns an octet. Everything after comes from OpenSSL's
/// `RAND_bytes` (a per-thread DRBG seeded from the kernel), about 0.5 ns an octet, drawn in blocks
/// of 4 KiB into a per-thread buffer and handed out in order, each octet once (wiped as it is
/// handed out). The DRBG's first use costs about 2 ms (configuration, providers, seeding), more
/// than a whole `xsig sign`, so a process that signs a few payloads never pays it and one that
/// signs thousands pays it once (docs/startup.md). A fork discards the buffer in the child, so
/// parent and child never share padding. Neither source has a fallback: if one fails, xsig stops.
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

    /// One page the kernel zeroes in a child (`MADV_WIPEONFORK`, Linux 4.14+), holding a 1 while
    /// no fork has happened. `pthread_atfork` handlers run for `fork()` only; a child made by
    /// glibc's `_Fork()` or a raw `clone` skips them, and would otherwise hand out the octets its
    /// parent still holds. Where the page cannot be had, the atfork handler alone remains.
    private nonisolated(unsafe) static let forkSentinel: UnsafeMutablePointer<UInt8>? = {
        #if os(Linux)
        let size = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let page = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), page != MAP_FAILED else { return nil }
        guard madvise(page, size, 18 /* MADV_WIPEONFORK */) == 0 else {
            munmap(page, size)
            return nil
        }
        let sentinel = page.assumingMemoryBound(to: UInt8.self)
        sentinel.pointee = 1
        return sentinel
        #else
        return nil
        #endif
    }()

    /// True when the fork sentinel is in place (tests: a `_Fork` child is detected only then).
    static var detectsForkWithoutHandlers: Bool { forkSentinel != nil }

    private static let key: pthread_key_t = {
        _ = forkSentinel
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
        drawFromOpenSSL(buffer)
        position = 0
    }

    /// The octets the kernel still supplies directly in this process (fork children inherit the count).
    static let kernelAllowance = 16 * 1024
    private static let kernelOctetsLeft = Atomic<Int>(kernelAllowance)

    /// What is left of the allowance; tests set it to walk the switch from one source to the other.
    static var kernelOctetsRemaining: Int {
        get { kernelOctetsLeft.load(ordering: .relaxed) }
        set { kernelOctetsLeft.store(newValue, ordering: .relaxed) }
    }

    /// Takes `count` octets from the kernel's allowance; false once it cannot cover them.
    private static func claimKernelOctets(_ count: Int) -> Bool {
        var left = kernelOctetsLeft.load(ordering: .relaxed)
        while left >= count {
            let (exchanged, original) = kernelOctetsLeft.compareExchange(
                expected: left, desired: left - count, ordering: .relaxed)
            if exchanged { return true }
            left = original
        }
        return false
    }

    private func drawFromKernel(_ output: UnsafeMutableRawBufferPointer) {
        // No fallback: without a working CSPRNG there is no safe padding.
        precondition(xsig_os_random(output.baseAddress!, output.count) == 0,
                     "xsig: the kernel's random source failed; refusing to pad without a secure random source")
    }

    private func drawFromOpenSSL(_ output: UnsafeMutableRawBufferPointer) {
        let ok = RAND_bytes(output.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(output.count))
        precondition(ok == 1, "xsig: OpenSSL RAND_bytes failed; refusing to pad without a secure random source")
    }

    private func checkFork() {
        if let sentinel = Self.forkSentinel, sentinel.pointee == 0 {
            // A child that no atfork handler saw: the kernel wiped the page. (It has one thread.)
            sentinel.pointee = 1
            Self.forkGeneration.add(1, ordering: .relaxed)
        }
        let now = Self.forkGeneration.load(ordering: .relaxed)
        if now != generation {
            generation = now
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            position = Self.capacity
        }
    }

    func fill(_ output: UnsafeMutableRawBufferPointer) {
        checkFork()
        if position == Self.capacity, Self.claimKernelOctets(output.count) {
            drawFromKernel(output)
            return
        }
        if output.count > Self.capacity / 2 {
            drawFromOpenSSL(output)
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
        if position == Self.capacity {
            var byte: UInt8 = 0
            if Self.claimKernelOctets(1) {
                withUnsafeMutableBytes(of: &byte) { drawFromKernel($0) }
                return byte
            }
            refill()
        }
        let byte = buffer[position]
        buffer[position] = 0
        position += 1
        return byte
    }
}
