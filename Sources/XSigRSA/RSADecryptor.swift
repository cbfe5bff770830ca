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
    public let backend: Backend
    private let backing: any RSADecryptionBackend

    /// `backend: .auto` decrypts on OpenSSL, today the faster of the two private-key engines
    /// (both constant time); the lanes engine has no private-key kernel yet and is refused.
    public init(privateKey: RSAPrivateKey, backend: Backend = .gmp) throws {
        self.privateKey = privateKey
        self.backend = backend == .auto ? .openssl : backend
        switch self.backend {
        case .gmp: backing = try GMPPrivateBackend(key: privateKey)
        case .openssl, .auto: backing = try OpenSSLPrivateBackend(key: privateKey)
        case .lanes:
            throw XSigError(.invalidArgument, "the lanes engine has no private-key (decryption) kernel yet; use --backend gmp, openssl or auto")
        }
    }

    public var publicKey: RSAPublicKey { privateKey.publicKey }

    /// k, the length of every valid ciphertext in octets.
    public var modulusOctets: Int { privateKey.modulusOctets }

    /// The one answer for every invalid ciphertext.
    public static var decryptionError: XSigError { XSigError(.decryptionError, "decryption error") }

    /// RSAES decryption of a k-octet ciphertext; blinding randomness from OpenSSL's CSPRNG.
    public func decrypt(_ ciphertext: [UInt8], padding: RSAEncryptionPadding, label: [UInt8] = []) throws -> [UInt8] {
        var random = SecureRandom()
        return try ciphertext.withUnsafeBytes { c in
            try label.withUnsafeBytes { l in try decrypt(ciphertext: c, padding: padding, label: l, random: &random) }
        }
    }

    /// RSAES decryption with the blinding factors drawn from `random` (GMP backend; OpenSSL
    /// blinds with its own generator). The result never depends on `random`.
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
