/// The seam between the ``RSADecryptor`` facade and an arithmetic engine, the private-key twin
/// of ``RSAEncryptionBackend``: ``GMPPrivateBackend`` (the product) and ``OpenSSLPrivateBackend``
/// (the oracle and the baseline). The facade has already checked the ciphertext's length (k)
/// and range (c < n), which depend on public data only.
protocol RSADecryptionBackend: Sendable {
    /// RSADP (RFC 8017 section 5.1.2) on a k-octet c < n: output = I2OSP(c^d mod n, k).
    /// `random` feeds the backend's blinding where it takes its randomness from the caller.
    func rawDecrypt<R: RandomSource>(_ input: UnsafeRawBufferPointer, random: inout R,
                                     into output: UnsafeMutableRawBufferPointer) throws

    /// The whole RSAES decryption with the backend's own padding checks; nil when the backend has
    /// none (xsig's decoders then check the output of rawDecrypt). Any padding failure throws
    /// the generic `decryption error`.
    func nativeDecrypt(_ ciphertext: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                       label: UnsafeRawBufferPointer) throws -> [UInt8]?
}
