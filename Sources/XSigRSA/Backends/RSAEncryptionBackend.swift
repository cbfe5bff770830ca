/// The seam between the ``RSAEncryptor`` facade and an arithmetic engine. Two implementations
/// stand behind it: ``GMPBackend`` (the product) and ``OpenSSLBackend`` (the oracle and the
/// baseline). Both see the same validated key and the same encoded messages.
protocol RSAEncryptionBackend: Sendable {
    /// RSAEP (RFC 8017 section 5.1.1) on k-octet strings: output = I2OSP(OS2IP(input)^e mod n, k).
    /// Returns false when OS2IP(input) >= n ("message representative out of range").
    func rawEncrypt(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Bool

    /// The whole RSAES operation with the backend's own encoding and its own CSPRNG. Returns
    /// false when the backend has none, in which case xsig's encoders pad and call rawEncrypt.
    func nativeEncrypt(_ message: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                       label: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Bool
}
