import COpenSSL

/// RSADP and whole RSAES decryption on OpenSSL libcrypto (EVP_PKEY_decrypt), with OpenSSL's own
/// blinding, CRT and padding checks: the oracle the GMP backend is cross-checked against and the
/// baseline it is benchmarked against. Configured contexts are pooled as for encryption.
///
/// OpenSSL 3.2 and later answer bad PKCS#1 v1.5 padding with "implicit rejection": a synthetic
/// message derived from the key and the ciphertext instead of an error. xsig's contract is an
/// explicit `decryption error`, so the backend switches implicit rejection off on every PKCS#1
/// context and, where OpenSSL knows the parameter, reads it back to make sure.
final class OpenSSLPrivateBackend: RSADecryptionBackend, @unchecked Sendable {
    let key: OpenSSLKey
    let modulusOctets: Int
    private let pool = OpenSSLContextPool<String>()

    /// OpenSSL 3.2.0, the first release with OSSL_ASYM_CIPHER_PARAM_IMPLICIT_REJECTION.
    static let implicitRejectionVersion: UInt = 0x3020_0000
    /// The parameter's name; a static C string because OSSL_PARAM keeps the pointer.
    private static let implicitRejectionName: StaticString = "implicit-rejection"

    init(key privateKey: RSAPrivateKey) throws {
        key = try privateKey.withMemberOctets { m in
            try OpenSSLKey.fromMembers(n: m.n, e: m.e, d: m.d, p: m.p, q: m.q, dp: m.dp, dq: m.dq, qInv: m.qInv)
        }
        modulusOctets = privateKey.modulusOctets
    }

    func rawDecrypt<R: RandomSource>(_ input: UnsafeRawBufferPointer, random: inout R,
                                     into output: UnsafeMutableRawBufferPointer) throws {
        let length = try run(padding: nil, label: UnsafeRawBufferPointer(start: nil, count: 0), input: input, output: output)
        guard length == modulusOctets else { throw XSigError(.openSSL, "OpenSSL raw RSA decryption returned \(length) octets, expected \(modulusOctets)") }
    }

    func nativeDecrypt(_ ciphertext: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                       label: UnsafeRawBufferPointer) throws -> [UInt8]? {
        try withUnsafeTemporaryAllocation(byteCount: modulusOctets, alignment: 8) { out in
            defer { out.initializeMemory(as: UInt8.self, repeating: 0) }
            let length = try run(padding: padding, label: label, input: ciphertext, output: out)
            return Array(UnsafeRawBufferPointer(rebasing: out[0..<length]))
        }
    }

    /// Returns the output length; a padding or range failure throws the generic error.
    private func run(padding: RSAEncryptionPadding?, label: UnsafeRawBufferPointer,
                     input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws -> Int {
        let poolKey = (padding?.name ?? "raw") + ":" + Hex.encode(label)
        let ctx = try checkout(poolKey, padding: padding, label: Array(label))
        var length = output.count
        let ok = EVP_PKEY_decrypt(ctx, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length,
                                  input.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1),
                                  input.count)
        // A failed decryption leaves the context reusable; the error queue is cleared either way
        // so that nothing about the failure lingers for a later, unrelated OpenSSL call.
        ERR_clear_error()
        pool.giveBack(ctx, for: poolKey)
        guard ok == 1 else { throw XSigError(.decryptionError, "decryption error") }
        return length
    }

    private func checkout(_ poolKey: String, padding: RSAEncryptionPadding?, label: [UInt8]) throws -> OpaquePointer {
        try pool.checkout(poolKey) { try makeContext(padding: padding, label: label) }
    }

    private func makeContext(padding: RSAEncryptionPadding?, label: [UInt8]) throws -> OpaquePointer {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
            throw OpenSSLKey.lastError("in EVP_PKEY_CTX_new_from_pkey")
        }
        guard EVP_PKEY_decrypt_init(ctx) == 1, OpenSSLKey.configure(ctx, padding: padding, label: label) else {
            EVP_PKEY_CTX_free(ctx)
            throw OpenSSLKey.lastError("configuring EVP_PKEY_decrypt")
        }
        if padding == .pkcs1v15 {
            do { try Self.disableImplicitRejection(ctx) } catch {
                EVP_PKEY_CTX_free(ctx)
                throw error
            }
        }
        return ctx
    }

    /// Sets "implicit-rejection" to 0. OpenSSL before 3.2 ignores the unknown parameter (it has
    /// no implicit rejection); 3.2 and later must then report 0 back, else xsig refuses.
    private static func disableImplicitRejection(_ ctx: OpaquePointer) throws {
        let name = UnsafeRawPointer(implicitRejectionName.utf8Start).assumingMemoryBound(to: CChar.self)
        // OSSL_PARAM keeps the data pointer, so the values live in storage that outlasts the calls.
        let values = UnsafeMutablePointer<UInt32>.allocate(capacity: 2)
        defer { values.deallocate() }
        values.initialize(repeating: 0, count: 2)
        values[1] = 1
        var params = [OSSL_PARAM_construct_uint(name, values), OSSL_PARAM_construct_end()]
        let set = params.withUnsafeMutableBufferPointer { EVP_PKEY_CTX_set_params(ctx, $0.baseAddress) }
        guard OpenSSL_version_num() >= implicitRejectionVersion else {
            ERR_clear_error()
            return
        }
        var query = [OSSL_PARAM_construct_uint(name, values + 1), OSSL_PARAM_construct_end()]
        let read = query.withUnsafeMutableBufferPointer { buffer in
            EVP_PKEY_CTX_get_params(ctx, buffer.baseAddress) == 1 && OSSL_PARAM_modified(buffer.baseAddress) == 1
        }
        guard set == 1, read, values[1] == 0 else {
            ERR_clear_error()
            throw XSigError(.openSSL, "this OpenSSL provider does not let xsig turn off PKCS#1 v1.5 implicit rejection; use --backend gmp")
        }
    }
}
