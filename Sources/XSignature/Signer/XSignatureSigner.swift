/// Computes X-signature header values: RSAES encryption of the ``SignaturePayload`` under the
/// application's public key, Base64 (standard alphabet, `=` padding, one line).
///
/// ```swift
/// let key = try PublicKeyDecoder().decode(Array(pem.utf8)).key
/// let signer = try XSignatureSigner(key: key, padding: .oaepSHA256)
/// let payload = try SignaturePayload(sessionToken: token, timestamp: 1628496895102)
/// let header = try signer.sign(payload)          // "X-signature: <header>"
/// ```
public struct XSignatureSigner: Sendable {
    public let encryptor: RSAEncryptor
    public let padding: RSAEncryptionPadding

    /// The padding of the vendor's Java sample under BouncyCastle (see the README's table).
    public static let defaultPadding = RSAEncryptionPadding.oaepSHA256

    public init(key: RSAPublicKey, padding: RSAEncryptionPadding = defaultPadding, backend: RSAEncryptor.Backend = .gmp) throws {
        try self.init(encryptor: try RSAEncryptor(key: key, backend: backend), padding: padding)
    }

    /// A signer over an encryptor already made (for instance on a chosen lanes kernel).
    public init(encryptor: RSAEncryptor, padding: RSAEncryptionPadding = defaultPadding) throws {
        self.encryptor = encryptor
        self.padding = padding
        let key = encryptor.key
        // Fail at set-up, not per record, when the key cannot carry this padding at all.
        let maximum = padding.maximumMessageLength(modulusOctets: key.modulusOctets)
        if maximum < 0 { try encryptor.checkLength(0, padding: padding) }
    }

    public var key: RSAPublicKey { encryptor.key }

    /// The raw ciphertext (k octets).
    public func ciphertext(_ payload: SignaturePayload, randomness: PaddingRandomness = .secure) throws -> [UInt8] {
        try encryptor.encrypt(payload.bytes, padding: padding, randomness: randomness)
    }

    /// The X-signature header value.
    public func sign(_ payload: SignaturePayload, randomness: PaddingRandomness = .secure) throws -> String {
        Base64.encode(try ciphertext(payload, randomness: randomness))
    }

    /// Signs with any random source, allocation-free apart from the returned string.
    public func sign<R: RandomSource>(_ payload: SignaturePayload, random: inout R) throws -> String {
        let k = encryptor.modulusOctets
        return try withUnsafeTemporaryAllocation(byteCount: payload.byteCount + k, alignment: 8) { scratch in
            let message = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<payload.byteCount])
            let ciphertext = UnsafeMutableRawBufferPointer(rebasing: scratch[payload.byteCount...])
            let length = payload.write(into: message)
            try encryptor.encrypt(message: UnsafeRawBufferPointer(rebasing: message[0..<length]), padding: padding,
                                  label: UnsafeRawBufferPointer(start: nil, count: 0), random: &random, into: ciphertext)
            return String(unsafeUninitializedCapacity: Base64.encodedLength(k)) { out in
                Base64.encode(UnsafeRawBufferPointer(ciphertext), into: UnsafeMutableRawBufferPointer(out))
            }
        }
    }

    /// Signs several payloads in one RSA batch (eight per kernel call on the lanes engine):
    /// payload i is padded with `random[i]`, or every payload with `random[0]` when there is one
    /// source. Header values in payload order.
    public func sign<R: RandomSource>(_ payloads: [SignaturePayload], random: inout [R]) throws -> [String] {
        let k = encryptor.modulusOctets
        return try withUnsafeTemporaryAllocation(byteCount: max(1, payloads.count * k), alignment: 64) { ciphertexts in
            try encryptor.encrypt(count: payloads.count, capacity: { payloads[$0].byteCount }, write: { payloads[$0].write(into: $1) },
                                  padding: padding, label: UnsafeRawBufferPointer(start: nil, count: 0), random: &random,
                                  into: UnsafeMutableRawBufferPointer(rebasing: ciphertexts[0..<payloads.count * k]))
            return (0..<payloads.count).map { i in
                let ciphertext = UnsafeRawBufferPointer(rebasing: ciphertexts[i * k..<(i + 1) * k])
                return String(unsafeUninitializedCapacity: Base64.encodedLength(k)) { out in
                    Base64.encode(ciphertext, into: UnsafeMutableRawBufferPointer(out))
                }
            }
        }
    }
}
