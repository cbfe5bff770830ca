/// The batch entry point: many messages under one key in one call, so that the lanes engine can
/// run eight RSAEP operations per kernel call. Every backend takes it; gmp and openssl run the
/// messages one after another, with results identical to ``RSAEncryptor/encrypt(_:padding:label:randomness:)``
/// for the same padding bytes.
extension RSAEncryptor {
    /// Pads message i with `random[i]` (or every message with `random[0]` when there is one
    /// source) and encrypts them all; ciphertext i lands at `output[i*k ..< (i+1)*k]`.
    ///
    /// With the OpenSSL backend and ``SecureRandom`` sources, OpenSSL pads with its own generator,
    /// as in the single-message path.
    public func encrypt<R: RandomSource>(messages: [UnsafeRawBufferPointer], padding: RSAEncryptionPadding,
                                         label: UnsafeRawBufferPointer, random: inout [R],
                                         into output: UnsafeMutableRawBufferPointer) throws {
        let k = key.modulusOctets
        precondition(output.count == messages.count * k, "output must be messages.count x k octets")
        precondition(random.count == 1 || random.count == messages.count, "one random source, or one per message")
        guard !messages.isEmpty else { return }
        for message in messages { try checkLength(message.count, padding: padding) }
        if R.self == SecureRandom.self, backend == .openssl {
            for (i, message) in messages.enumerated() {
                let slot = UnsafeMutableRawBufferPointer(rebasing: output[i * k..<(i + 1) * k])
                _ = try backing.nativeEncrypt(message, padding: padding, label: label, into: slot)
            }
            return
        }
        try withUnsafeTemporaryAllocation(byteCount: messages.count * k, alignment: 64) { ems in
            defer { ems.initializeMemory(as: UInt8.self, repeating: 0) }
            for (i, message) in messages.enumerated() {
                let em = UnsafeMutableRawBufferPointer(rebasing: ems[i * k..<(i + 1) * k])
                Self.encode(message: message, padding: padding, label: label,
                            random: &random[random.count == 1 ? 0 : i], into: em)
            }
            // Every EM starts with 0x00, so EM < 2^(8(k-1)) <= n always holds.
            guard try backing.rawEncryptBatch(count: messages.count, UnsafeRawBufferPointer(ems), into: output) else {
                throw XSigError(.invalidArgument, "encoded message is not smaller than the modulus")
            }
        }
    }

    /// The batch path for messages that are written rather than held: message i takes at most
    /// `capacity(i)` octets and `write(i, slot)` writes it and returns its length. The messages
    /// share one scratch buffer, wiped once the ciphertexts exist (they carry session tokens).
    public func encrypt<R: RandomSource>(count: Int, capacity: (Int) -> Int,
                                         write: (Int, UnsafeMutableRawBufferPointer) -> Int,
                                         padding: RSAEncryptionPadding, label: UnsafeRawBufferPointer,
                                         random: inout [R], into output: UnsafeMutableRawBufferPointer) throws {
        let total = (0..<count).reduce(0) { $0 + capacity($1) }
        try withUnsafeTemporaryAllocation(byteCount: max(total, 1), alignment: 8) { storage in
            defer { storage.initializeMemory(as: UInt8.self, repeating: 0) }
            var messages: [UnsafeRawBufferPointer] = []
            messages.reserveCapacity(count)
            var offset = 0
            for i in 0..<count {
                let slot = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<offset + capacity(i)])
                messages.append(UnsafeRawBufferPointer(rebasing: slot[0..<write(i, slot)]))
                offset += slot.count
            }
            try encrypt(messages: messages, padding: padding, label: label, random: &random, into: output)
        }
    }

    /// Encrypts every message of `messages`; message i uses `.deterministic(seed, index + i)`
    /// when `randomness` is `.deterministic(seed, index)`. Injected padding bytes belong to one
    /// message and are refused here.
    public func encrypt(batch messages: [[UInt8]], padding: RSAEncryptionPadding, label: [UInt8] = [],
                        randomness: PaddingRandomness = .secure) throws -> [[UInt8]] {
        let k = key.modulusOctets
        var flat = [UInt8](repeating: 0, count: messages.count * k)
        try label.withUnsafeBytes { l in
            try flat.withUnsafeMutableBytes { out in
                func run<S: RandomSource>(_ random: inout [S]) throws {
                    try encrypt(count: messages.count, capacity: { messages[$0].count }, write: { i, slot in
                        messages[i].withUnsafeBytes { slot.copyMemory(from: $0) }
                        return messages[i].count
                    }, padding: padding, label: l, random: &random, into: out)
                }
                switch randomness {
                case .secure:
                    var random = [SecureRandom()]
                    try run(&random)
                case let .deterministic(seed, index):
                    var random = (0..<UInt64(messages.count)).map { DeterministicStream(seed: seed, index: index &+ $0) }
                    try run(&random)
                case .injected:
                    throw XSigError(.invalidArgument, "injected padding bytes belong to one message; encrypt each message on its own")
                }
            }
        }
        return (0..<messages.count).map { Array(flat[$0 * k..<($0 + 1) * k]) }
    }

    /// RSAEP alone on `blocks` (each exactly k octets), in one batch.
    public func rawEncrypt(batch blocks: [[UInt8]]) throws -> [[UInt8]] {
        let k = key.modulusOctets
        for block in blocks where block.count != k {
            throw XSigError(.invalidArgument, "raw RSA input must be exactly \(k) bytes (k), got \(block.count)")
        }
        let input = blocks.flatMap { $0 }
        var output = [UInt8](repeating: 0, count: input.count)
        let ok = try input.withUnsafeBytes { i in
            try output.withUnsafeMutableBytes { o in try backing.rawEncryptBatch(count: blocks.count, i, into: o) }
        }
        guard ok else { throw XSigError(.invalidArgument, "message representative out of range: an input is not smaller than the modulus") }
        return (0..<blocks.count).map { Array(output[$0 * k..<($0 + 1) * k]) }
    }
}
