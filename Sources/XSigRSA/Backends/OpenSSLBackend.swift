import COpenSSL

/// RSAEP and whole RSAES on OpenSSL libcrypto (EVP_PKEY_encrypt): the reference the GMP
/// backend is cross-checked against and the baseline it is benchmarked against.
///
/// EVP_PKEY_CTX set-up costs about as much as a 1024-bit encryption, so configured contexts are
/// pooled per padding and label and reused, as a careful OpenSSL caller would.
final class OpenSSLBackend: RSAEncryptionBackend, @unchecked Sendable {
    let key: OpenSSLKey
    let modulusOctets: Int
    private let modulus: [UInt8]
    private let pool = OpenSSLContextPool<PoolKey>()

    init(key: RSAPublicKey) throws {
        self.key = try OpenSSLKey(publicKey: key)
        self.modulusOctets = key.modulusOctets
        self.modulus = key.modulus
    }

    func rawEncrypt(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Bool {
        // OpenSSL reports "data too large for modulus" for input >= n; check first so that the
        // answer matches the GMP backend's instead of depending on OpenSSL's error text.
        guard lessThanModulus(input) else { return false }
        try run(padding: nil, label: UnsafeRawBufferPointer(start: nil, count: 0), input: input, output: output)
        return true
    }

    func nativeEncrypt(_ message: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                       label: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Bool {
        try run(padding: padding, label: label, input: message, output: output)
        return true
    }

    private func lessThanModulus(_ input: UnsafeRawBufferPointer) -> Bool {
        let offset = input.count - modulus.count
        for i in 0..<offset where input[i] != 0 { return false }
        for i in 0..<modulus.count where input[offset + i] != modulus[i] { return input[offset + i] < modulus[i] }
        return false
    }

    private func run(padding: RSAEncryptionPadding?, label: UnsafeRawBufferPointer,
                     input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws {
        // The key is the padding and the label octets (empty for X-signatures: no allocation).
        let poolKey = PoolKey(padding: padding, label: label.count == 0 ? [] : Array(label))
        let ctx = try checkout(poolKey, padding: padding, label: poolKey.label)
        var length = output.count
        let ok = EVP_PKEY_encrypt(ctx, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length,
                                  input.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1),
                                  input.count)
        guard ok == 1, length == modulusOctets else {
            EVP_PKEY_CTX_free(ctx)
            throw OpenSSLKey.lastError("in EVP_PKEY_encrypt")
        }
        pool.giveBack(ctx, for: poolKey)
    }

    private func checkout(_ poolKey: PoolKey, padding: RSAEncryptionPadding?, label: [UInt8]) throws -> OpaquePointer {
        try pool.checkout(poolKey) {
            guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
                throw OpenSSLKey.lastError("in EVP_PKEY_CTX_new_from_pkey")
            }
            guard EVP_PKEY_encrypt_init(ctx) == 1, OpenSSLKey.configure(ctx, padding: padding, label: label) else {
                EVP_PKEY_CTX_free(ctx)
                throw OpenSSLKey.lastError("configuring EVP_PKEY_encrypt")
            }
            return ctx
        }
    }
}

/// What a pooled context is configured for.
private struct PoolKey: Hashable {
    let padding: RSAEncryptionPadding?
    let label: [UInt8]
}

/// What OpenSSL libcrypto is linked at run time (for benchmark reports).
public enum OpenSSLLibrary {
    /// e.g. "OpenSSL 3.0.19 27 Jan 2026".
    public static var version: String { String(cString: OpenSSL_version(Int32(OPENSSL_VERSION))) }
}
