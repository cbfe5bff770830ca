/// How strictly the length of a ciphertext is read. RFC 8017 (7.1.2 step 1, 7.2.2 step 1) and
/// xsig refuse a ciphertext that is not exactly k octets. Java's SunJCE and BouncyCastle, Node's
/// `crypto` and `openssl pkeyutl` accept one that is shorter, as if its leading zero octets had
/// been dropped (old JSEncrypt/BigInteger clients send about 1 in 256 signatures that way), so a
/// server built on them accepts what a strict one refuses. `lenient` reproduces them.
public enum CiphertextLength: Sendable, Hashable {
    case strict
    /// A ciphertext shorter than k octets is left-padded with zeros to k; longer stays refused.
    case lenient

    /// The octets to decrypt under a key of `modulusOctets` octets.
    public func normalize(_ ciphertext: [UInt8], modulusOctets k: Int) -> [UInt8] {
        guard self == .lenient, !ciphertext.isEmpty, ciphertext.count < k else { return ciphertext }
        return [UInt8](repeating: 0, count: k - ciphertext.count) + ciphertext
    }
}

extension XSignatureVerifier {
    /// ``verify(signature:expecting:)`` with a choice of length policy.
    public func verify(signature: String, length: CiphertextLength, expecting expectations: Expectations = Expectations()) -> VerificationResult {
        guard let ciphertext = try? Base64.decode(signature) else { return VerificationResult(failure: .malformedSignature) }
        return verify(ciphertext: length.normalize(ciphertext, modulusOctets: decryptor.modulusOctets), expecting: expectations)
    }
}
