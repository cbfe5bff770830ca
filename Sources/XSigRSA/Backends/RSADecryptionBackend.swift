/// The seam between the ``RSADecryptor`` facade and an arithmetic engine, the private-key twin
/// of ``RSAEncryptionBackend``: ``GMPPrivateBackend``, ``LanesPrivateBackend`` (eight at once) and
/// ``OpenSSLPrivateBackend`` (the oracle and the baseline). The facade has already checked the ciphertext's length (k)
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

    /// RSADP on `count` ciphertexts at once (see the extension for the contract).
    func rawDecryptBatch<R: RandomSource>(_ input: UnsafeRawBufferPointer, count: Int, random: inout R,
                                          into output: UnsafeMutableRawBufferPointer) -> [XSigError?]
}

extension RSADecryptionBackend {
    /// RSADP on `count` k-octet ciphertexts (each c < n) into `count` x k octets: one entry per
    /// ciphertext, nil when it was decrypted, else the error (its k output octets are zero). One
    /// ciphertext's failure never touches its neighbours. Default: one `rawDecrypt` after another;
    /// the lanes backend runs eight per kernel call.
    func rawDecryptBatch<R: RandomSource>(_ input: UnsafeRawBufferPointer, count: Int, random: inout R,
                                          into output: UnsafeMutableRawBufferPointer) -> [XSigError?] {
        let k = input.count / max(count, 1)
        return (0..<count).map { i in
            let target = UnsafeMutableRawBufferPointer(rebasing: output[(i * k)..<((i + 1) * k)])
            do {
                try rawDecrypt(UnsafeRawBufferPointer(rebasing: input[(i * k)..<((i + 1) * k)]), random: &random, into: target)
                return nil
            } catch {
                target.initializeMemory(as: UInt8.self, repeating: 0)
                return error as? XSigError ?? XSigError(.invalidArgument, "\(error)")
            }
        }
    }
}
