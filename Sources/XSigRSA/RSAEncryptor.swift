/// Where the padding bytes of one encryption come from.
public enum PaddingRandomness: Sendable, Hashable {
    /// ``SecureRandom`` (the kernel's CSPRNG, then OpenSSL's DRBG). The only choice for real traffic.
    case secure
    /// xsig's deterministic test-vector stream (see ``DeterministicStream``): FOR TEST VECTORS ONLY.
    case deterministic(seed: [UInt8], index: UInt64)
    /// Exactly these bytes: PS for pkcs1 (k - mLen - 3 nonzero octets), the seed for OAEP
    /// (hLen octets). For replaying published known-answer vectors byte for byte.
    case injected([UInt8])
}

/// RSA public-key encryption (RSAES-PKCS1-v1_5 and RSAES-OAEP, RFC 8017 section 7) under one key,
/// on the chosen backend. Per-key set-up happens once, here; `encrypt` is thread-safe.
///
/// ```swift
/// let key = try PublicKeyDecoder().decode(pemBytes).key
/// let rsa = try RSAEncryptor(key: key)                 // GMP backend
/// let ct = try rsa.encrypt(Array("hello".utf8), padding: .oaepSHA256)
/// ```
public struct RSAEncryptor: Sendable {
    public enum Backend: String, CaseIterable, Sendable {
        /// xsig's GMP engine with xsig's encoders: one operation at a time.
        case gmp
        /// OpenSSL's EVP_PKEY_encrypt, its own encoders and CSPRNG for `.secure`.
        case openssl
        /// xsig's lanes engine with xsig's encoders: eight operations per kernel call (AVX-512
        /// IFMA where the CPU has it, else the portable kernel; see ``LanesKernel``). Pays off in
        /// batches (``RSAEncryptor/encrypt(messages:padding:label:random:into:)``).
        case lanes
        /// `lanes` when the IFMA kernel runs on this CPU, otherwise `gmp`.
        case auto

        /// The engines themselves (every case but `auto`).
        public static let engines: [Backend] = [.gmp, .openssl, .lanes]

        /// The engine this case stands for on this machine: `auto` is `lanes` when the kernel
        /// selected here (``LanesKernel/selected()``) is `ifma`, else `gmp`. Throws, like `lanes`
        /// itself, when `XSIG_LANES_KERNEL` names no kernel this CPU runs: no silent fallback.
        public func resolved() throws -> Backend {
            guard self == .auto else { return self }
            return try LanesKernel.selected() == .ifma ? .lanes : .gmp
        }
    }

    public let key: RSAPublicKey
    /// The engine in use (`auto` already resolved).
    public let backend: Backend
    /// The lanes kernel when `backend` is `lanes`.
    public let lanesKernel: LanesKernel?
    let backing: any RSAEncryptionBackend

    public init(key: RSAPublicKey, backend: Backend = .gmp) throws {
        self.key = key
        self.backend = try backend.resolved()
        switch self.backend {
        case .gmp, .auto:
            backing = try GMPBackend(key: key)
            lanesKernel = nil
        case .openssl:
            backing = try OpenSSLBackend(key: key)
            lanesKernel = nil
        case .lanes:
            let kernel = try LanesKernel.selected()
            backing = try LanesBackend(key: key, kernel: kernel)
            lanesKernel = kernel
        }
    }

    /// The lanes engine on the named kernel, whatever `XSIG_LANES_KERNEL` says (tests and
    /// benchmarks compare the two kernels this way). Throws when `ifma` is asked for on a CPU
    /// without it.
    public init(key: RSAPublicKey, lanesKernel: LanesKernel) throws {
        guard lanesKernel != .ifma || LanesKernel.ifmaSupported else {
            throw XSigError(.invalidArgument, "the ifma lanes kernel needs AVX-512 IFMA, which this CPU lacks")
        }
        self.key = key
        backend = .lanes
        self.lanesKernel = lanesKernel
        backing = try LanesBackend(key: key, kernel: lanesKernel)
    }

    /// k, the length of every ciphertext in octets.
    public var modulusOctets: Int { key.modulusOctets }

    /// Checks that a message of `length` octets fits `padding` under this key.
    public func checkLength(_ length: Int, padding: RSAEncryptionPadding) throws {
        let maximum = padding.maximumMessageLength(modulusOctets: key.modulusOctets)
        guard maximum >= 0 else {
            throw XSigError(.keyTooSmallForPadding,
                "\(padding.name) needs a modulus of at least \(padding.minimumModulusBits) bits; the key has \(key.modulusBits)")
        }
        guard length <= maximum else {
            throw XSigError(.messageTooLong,
                "message too long: \(length) bytes > \(maximum) allowed by \(padding.name) with a \(key.modulusBits)-bit key")
        }
    }

    /// RSAES encryption of `message`; returns the k-octet ciphertext.
    public func encrypt(_ message: [UInt8], padding: RSAEncryptionPadding, label: [UInt8] = [],
                        randomness: PaddingRandomness = .secure) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: key.modulusOctets)
        try message.withUnsafeBytes { m in
            try label.withUnsafeBytes { l in
                try output.withUnsafeMutableBytes { out in
                    switch randomness {
                    case .secure:
                        var random = SecureRandom()
                        try encrypt(message: m, padding: padding, label: l, random: &random, into: out)
                    case let .deterministic(seed, index):
                        var random = DeterministicStream(seed: seed, index: index)
                        try encrypt(message: m, padding: padding, label: l, random: &random, into: out)
                    case let .injected(bytes):
                        try encryptInjected(message: m, padding: padding, label: l, bytes: bytes, into: out)
                    }
                }
            }
        }
        return output
    }

    /// The allocation-free path the batch signer uses: pads with `random` and writes the k-octet
    /// ciphertext into `output`. With the OpenSSL backend and a ``SecureRandom`` source, OpenSSL
    /// pads with its own generator; any other source is honoured byte for byte on both backends.
    public func encrypt<R: RandomSource>(message: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                                         label: UnsafeRawBufferPointer, random: inout R,
                                         into output: UnsafeMutableRawBufferPointer) throws {
        precondition(output.count == key.modulusOctets, "output must be k octets")
        try checkLength(message.count, padding: padding)
        if R.self == SecureRandom.self,
           try backing.nativeEncrypt(message, padding: padding, label: label, into: output) {
            return
        }
        try withUnsafeTemporaryAllocation(byteCount: key.modulusOctets, alignment: 8) { em in
            Self.encode(message: message, padding: padding, label: label, random: &random, into: em)
            defer { em.initializeMemory(as: UInt8.self, repeating: 0) }
            // EM starts with 0x00, so EM < 2^(8(k-1)) <= n always holds.
            guard try backing.rawEncrypt(UnsafeRawBufferPointer(em), into: output) else {
                throw XSigError(.invalidArgument, "encoded message is not smaller than the modulus")
            }
        }
    }

    /// EME encoding (RFC 8017 7.1.1 step 2, 7.2.1 step 2) of `message` into the k-octet `em`.
    static func encode<R: RandomSource>(message: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                                        label: UnsafeRawBufferPointer, random: inout R,
                                        into em: UnsafeMutableRawBufferPointer) {
        switch padding.scheme {
        case .pkcs1v15:
            PKCS1v15.encode(message: message, random: &random, into: em)
        case let .oaep(hash, mgf1):
            OAEP.encode(message: message, label: label, hash: hash, mgf1Hash: mgf1, random: &random, into: em)
        }
    }

    private func encryptInjected(message: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                                 label: UnsafeRawBufferPointer, bytes: [UInt8],
                                 into output: UnsafeMutableRawBufferPointer) throws {
        try checkLength(message.count, padding: padding)
        let k = key.modulusOctets
        let expected = padding.randomByteCount(modulusOctets: k, messageLength: message.count)
        guard bytes.count == expected else {
            let what = padding.isOAEP ? "OAEP seed" : "PS"
            throw XSigError(.invalidArgument,
                "\(what) must be \(expected) bytes for a \(message.count)-byte message with \(padding.name) and a \(key.modulusBits)-bit key, got \(bytes.count)")
        }
        if !padding.isOAEP, let zero = bytes.firstIndex(of: 0) {
            throw XSigError(.invalidArgument, "PS must be nonzero octets (RFC 8017 7.2.1); octet \(zero + 1) is 0x00")
        }
        var em = [UInt8](repeating: 0, count: k)
        bytes.withUnsafeBytes { injected in
            em.withUnsafeMutableBytes { em in
                switch padding.scheme {
                case .pkcs1v15:
                    PKCS1v15.encode(message: message, ps: injected, into: em)
                case let .oaep(hash, mgf1):
                    OAEP.encode(message: message, label: label, hash: hash, mgf1Hash: mgf1, seed: injected, into: em)
                }
            }
        }
        _ = try rawEncrypt(em, into: output)
    }

    /// RSAEP alone (RFC 8017 5.1.1) on a k-octet block: the raw m^e mod n, no padding.
    public func rawEncrypt(_ block: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: key.modulusOctets)
        try output.withUnsafeMutableBytes { try rawEncrypt(block, into: $0) }
        return output
    }

    private func rawEncrypt(_ block: [UInt8], into output: UnsafeMutableRawBufferPointer) throws {
        guard block.count == key.modulusOctets else {
            throw XSigError(.invalidArgument, "raw RSA input must be exactly \(key.modulusOctets) bytes (k), got \(block.count)")
        }
        let ok = try block.withUnsafeBytes { try backing.rawEncrypt($0, into: output) }
        guard ok else { throw XSigError(.invalidArgument, "message representative out of range: input is not smaller than the modulus") }
    }
}
