/// The seam between the ``RSAEncryptor`` facade and an arithmetic engine. Three implementations
/// stand behind it: ``GMPBackend`` (one operation at a time), ``LanesBackend`` (eight at once)
/// and ``OpenSSLBackend`` (the oracle and the baseline). All see the same validated key and the
/// same encoded messages.
protocol RSAEncryptionBackend: Sendable {
    /// RSAEP (RFC 8017 section 5.1.1) on k-octet strings: output = I2OSP(OS2IP(input)^e mod n, k).
    /// Returns false when OS2IP(input) >= n ("message representative out of range").
    func rawEncrypt(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Bool

    /// The whole RSAES operation with the backend's own encoding and its own CSPRNG. Returns
    /// false when the backend has none, in which case xsig's encoders pad and call rawEncrypt.
    func nativeEncrypt(_ message: UnsafeRawBufferPointer, padding: RSAEncryptionPadding,
                       label: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Bool

    /// RSAEP on `count` k-octet strings laid end to end in `input`, results end to end in
    /// `output`. Returns false when any representative is not below n (then no output is valid).
    func rawEncryptBatch(count: Int, _ input: UnsafeRawBufferPointer,
                         into output: UnsafeMutableRawBufferPointer) throws -> Bool
}

extension RSAEncryptionBackend {
    /// One operation after another: the engines without lanes.
    func rawEncryptBatch(count: Int, _ input: UnsafeRawBufferPointer,
                         into output: UnsafeMutableRawBufferPointer) throws -> Bool {
        guard count > 0 else { return true }
        let k = input.count / count
        for i in 0..<count {
            let range = i * k..<(i + 1) * k
            guard try rawEncrypt(UnsafeRawBufferPointer(rebasing: input[range]),
                                 into: UnsafeMutableRawBufferPointer(rebasing: output[range])) else { return false }
        }
        return true
    }
}
