/// RSA decryption (RSAES-OAEP and RSAES-PKCS1-v1_5, RFC 8017 sections 7.1.2 and 7.2.2) under one
/// private key, on the chosen backend: the server side of the X-signature. Per-key set-up
/// happens once, here; `decrypt` is thread-safe.
///
/// ```swift
/// let key = try PrivateKeyDecoder().decode(pemBytes).key
/// let rsa = try RSADecryptor(privateKey: key)               // GMP backend
/// let message = try rsa.decrypt(ciphertext, padding: .oaepSHA256)
/// ```
///
/// Every failure of an invalid ciphertext, whichever check caught it, is the same
/// `XSigError(.decryptionError, "decryption error")`. The checks on secret data run to the end
/// without branching; only the checks on public data (length, c < n) may stop early.
public struct RSADecryptor: Sendable {
    public typealias Backend = RSAEncryptor.Backend

    public let privateKey: RSAPrivateKey
    /// The engine in use (`auto` already resolved).
    public let backend: Backend
    /// The lanes kernel when `backend` is `lanes`.
    public let lanesKernel: LanesKernel?
    private let backing: any RSADecryptionBackend

    /// `backend: .auto` resolves with ``autoChoice(for:batches:)``: for a caller that decrypts in
    /// groups (`batches: true`, e.g. `xsig verify --input`) the lanes engine where the IFMA kernel
    /// runs and the key suits it, else OpenSSL; for one ciphertext at a time always OpenSSL (one
    /// ciphertext fills one lane of eight). Throws, like `.lanes`, when `XSIG_LANES_KERNEL` names
    /// no kernel this CPU runs: no silent fallback.
    public init(privateKey: RSAPrivateKey, backend: Backend = .gmp, batches: Bool = false) throws {
        self.privateKey = privateKey
        let chosen = backend == .auto ? try Self.autoChoice(for: privateKey, batches: batches).backend : backend
        self.backend = chosen
        switch chosen {
        case .gmp:
            backing = try GMPPrivateBackend(key: privateKey)
            lanesKernel = nil
        case .openssl, .auto:
            backing = try OpenSSLPrivateBackend(key: privateKey)
            lanesKernel = nil
        case .lanes:
            let kernel = try LanesKernel.selected()
            backing = try LanesPrivateBackend(key: privateKey, kernel: kernel)
            lanesKernel = kernel
        }
    }

    /// The lanes engine on the named kernel, whatever `XSIG_LANES_KERNEL` says (tests and
    /// benchmarks compare the two kernels this way).
    public init(privateKey: RSAPrivateKey, lanesKernel: LanesKernel) throws {
        guard lanesKernel != .ifma || LanesKernel.ifmaSupported else {
            throw XSigError(.invalidArgument, "the ifma lanes kernel needs AVX-512 IFMA, which this CPU lacks")
        }
        self.privateKey = privateKey
        backend = .lanes
        self.lanesKernel = lanesKernel
        backing = try LanesPrivateBackend(key: privateKey, kernel: lanesKernel)
    }

    /// What `backend: .auto` decrypts on for `key`, and why (for `--help` and reports):
    ///
    /// | caller, machine and key | auto picks |
    /// |---|---|
    /// | one ciphertext at a time (`batches: false`: `xsig decrypt`, `verify --signature`, `mock`) | `openssl`: a lone ciphertext would fill one lane of eight |
    /// | groups (`batches: true`), lanes kernel `ifma`, two-prime key with CRT members and balanced primes | `lanes` |
    /// | groups, lanes kernel `portable` (no IFMA, or `XSIG_LANES_KERNEL=portable`) | `openssl`: the portable kernel decrypts slower than OpenSSL (benchmarks/RESULTS.md) |
    /// | groups, a key without CRT members or with unbalanced primes | `openssl`: the lanes engine cannot take it |
    public static func autoChoice(for key: RSAPrivateKey, batches: Bool = true) throws -> (backend: Backend, reason: String) {
        let kernel = try LanesKernel.selected()
        guard batches else {
            return (.openssl, "one ciphertext at a time: the lanes engine pays off on groups of eight only")
        }
        guard kernel == .ifma else {
            return (.openssl, "the lanes kernel here is portable, which decrypts slower than OpenSSL")
        }
        do {
            _ = try LanesPrivateBackend(key: key, kernel: kernel)
        } catch let error as XSigError {
            return (.openssl, "the lanes engine cannot take this key (\(error.message))")
        }
        return (.lanes, "the ifma lanes kernel decrypts eight ciphertexts per pass")
    }

    public var publicKey: RSAPublicKey { privateKey.publicKey }

    /// k, the length of every valid ciphertext in octets.
    public var modulusOctets: Int { privateKey.modulusOctets }

    /// The one answer for every invalid ciphertext.
    public static var decryptionError: XSigError { XSigError(.decryptionError, "decryption error") }

    /// RSAES decryption of a k-octet ciphertext; blinding randomness from ``SecureRandom``.
    public func decrypt(_ ciphertext: [UInt8], padding: RSAEncryptionPadding, label: [UInt8] = []) throws -> [UInt8] {
        var random = SecureRandom()
        return try ciphertext.withUnsafeBytes { c in
            try label.withUnsafeBytes { l in try decrypt(ciphertext: c, padding: padding, label: l, random: &random) }
        }
    }

    /// RSAES decryption of many ciphertexts, one result per ciphertext in order: the message, or
    /// the error (the generic `decryption error` for every invalid ciphertext, as `decrypt`). On the
    /// lanes engine eight ciphertexts share one kernel pass; one bad ciphertext never disturbs its
    /// neighbours, and the padding checks stay constant time per ciphertext.
    public func decrypt(batch ciphertexts: [[UInt8]], padding: RSAEncryptionPadding,
                        label: [UInt8] = []) -> [Result<[UInt8], XSigError>] {
        var random = SecureRandom()
        return label.withUnsafeBytes { l in decrypt(batch: ciphertexts, padding: padding, label: l, random: &random) }
    }

    /// The batch decryption with the blinding factors drawn from `random`.
    public func decrypt<R: RandomSource>(batch ciphertexts: [[UInt8]], padding: RSAEncryptionPadding,
                                         label: UnsafeRawBufferPointer, random: inout R) -> [Result<[UInt8], XSigError>] {
        var results = [Result<[UInt8], XSigError>](repeating: .failure(Self.decryptionError), count: ciphertexts.count)
        guard backend == .lanes else {
            for (i, c) in ciphertexts.enumerated() {
                results[i] = Result { try c.withUnsafeBytes { try decrypt(ciphertext: $0, padding: padding, label: label, random: &random) } }
                    .mapError { $0 as? XSigError ?? Self.decryptionError }
            }
            return results
        }
        // The public checks (length, c < n) pick the ciphertexts that go to the lanes.
        let accepted = ciphertexts.indices.filter { i in ciphertexts[i].withUnsafeBytes { publicCheck($0, padding: padding) == nil } }
        let k = modulusOctets
        var input = [UInt8](repeating: 0, count: accepted.count * k)
        for (slot, i) in accepted.enumerated() { input.replaceSubrange((slot * k)..<((slot + 1) * k), with: ciphertexts[i]) }
        var em = [UInt8](repeating: 0, count: accepted.count * k)
        defer { for i in em.indices { em[i] = 0 } }
        let failures = input.withUnsafeBytes { i in
            em.withUnsafeMutableBytes { o in backing.rawDecryptBatch(i, count: accepted.count, random: &random, into: o) }
        }
        em.withUnsafeMutableBytes { all in
            for (slot, i) in accepted.enumerated() {
                if let failure = failures[slot] { results[i] = .failure(failure); continue }
                let one = UnsafeMutableRawBufferPointer(rebasing: all[(slot * k)..<((slot + 1) * k)])
                let result = Self.decode(one, padding: padding, label: label)
                // The one branch on the secret checks, taken after all of them have run.
                results[i] = result.failures == 0
                    ? .success(Array(UnsafeRawBufferPointer(rebasing: one[result.messageOffset...])))
                    : .failure(Self.decryptionError)
            }
        }
        return results
    }

    /// RSAES decryption with the blinding factors drawn from `random` (GMP and lanes backends;
    /// OpenSSL blinds with its own generator). The result never depends on `random`.
    public func decrypt<R: RandomSource>(ciphertext: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                                         label: UnsafeRawBufferPointer, random: inout R) throws -> [UInt8] {
        guard publicCheck(ciphertext, padding: padding) == nil else { throw Self.decryptionError }
        if let message = try backing.nativeDecrypt(ciphertext, padding: padding, label: label) { return message }
        return try withUnsafeTemporaryAllocation(byteCount: modulusOctets, alignment: 8) { em in
            defer { em.initializeMemory(as: UInt8.self, repeating: 0) }
            try backing.rawDecrypt(ciphertext, random: &random, into: em)
            let result = Self.decode(em, padding: padding, label: label)
            // The one branch on the secret checks, taken after all of them have run.
            guard result.failures == 0 else { throw Self.decryptionError }
            return Array(UnsafeRawBufferPointer(rebasing: em[result.messageOffset...]))
        }
    }

    /// Which check an invalid ciphertext fails (the first in RFC order), nil when it decrypts.
    /// FOR DEBUGGING ONLY (`--explain`): the answer is exactly the padding oracle that the
    /// generic error hides, so it must never reach the sender of the ciphertext. Both backends
    /// answer with xsig's decoder applied to their raw RSADP output.
    public func explain(_ ciphertext: [UInt8], padding: RSAEncryptionPadding, label: [UInt8] = []) throws -> DecryptionCheck? {
        try ciphertext.withUnsafeBytes { c in
            if let failed = publicCheck(c, padding: padding) { return failed }
            var em = [UInt8](repeating: 0, count: modulusOctets)
            defer { for i in em.indices { em[i] = 0 } }
            var random = SecureRandom()
            try em.withUnsafeMutableBytes { try backing.rawDecrypt(c, random: &random, into: $0) }
            let failures = em.withUnsafeMutableBytes { em in
                label.withUnsafeBytes { Self.decode(em, padding: padding, label: $0).failures }
            }
            return DecryptionCheck.first(in: failures)
        }
    }

    /// RSADP alone (RFC 8017 5.1.2): the k-octet encoded message EM = I2OSP(c^d mod n, k), no
    /// padding check. For test vectors and debugging; never expose EM to the ciphertext's sender.
    public func rawDecrypt(_ ciphertext: [UInt8]) throws -> [UInt8] {
        guard ciphertext.count == modulusOctets else {
            throw XSigError(.invalidArgument, "raw RSA input must be exactly \(modulusOctets) bytes (k), got \(ciphertext.count)")
        }
        var output = [UInt8](repeating: 0, count: modulusOctets)
        try ciphertext.withUnsafeBytes { c in
            guard lessThanModulus(c) else {
                throw XSigError(.invalidArgument, "ciphertext representative out of range: input is not smaller than the modulus")
            }
            var random = SecureRandom()
            try output.withUnsafeMutableBytes { try backing.rawDecrypt(c, random: &random, into: $0) }
        }
        return output
    }

    // MARK: - Checks

    /// The checks on public data, which may exit early: length k, c < n, k large enough.
    private func publicCheck(_ ciphertext: UnsafeRawBufferPointer, padding: RSAEncryptionPadding) -> DecryptionCheck? {
        let k = modulusOctets
        guard ciphertext.count == k else { return .ciphertextLength }
        guard lessThanModulus(ciphertext) else { return .ciphertextRange }
        guard padding.maximumMessageLength(modulusOctets: k) >= 0 else { return .modulusTooSmall }
        return nil
    }

    /// OS2IP(c) < n for a k-octet c, compared octet by octet (both are public).
    private func lessThanModulus(_ c: UnsafeRawBufferPointer) -> Bool {
        let n = publicKey.modulus
        precondition(c.count == n.count)
        for i in 0..<n.count where c[i] != n[i] { return c[i] < n[i] }
        return false
    }

    private static func decode(_ em: UnsafeMutableRawBufferPointer, padding: RSAEncryptionPadding,
                               label: UnsafeRawBufferPointer) -> PaddingCheckResult {
        switch padding.scheme {
        case .pkcs1v15:
            return PKCS1v15Decoding.check(UnsafeRawBufferPointer(em))
        case let .oaep(hash, mgf1):
            return OAEPDecoding.check(em, label: label, hash: hash, mgf1Hash: mgf1)
        }
    }
}
