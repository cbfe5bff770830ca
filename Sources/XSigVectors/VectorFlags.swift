import XSignature
/// The flags xsig's vector files use, with the `notes` entry that explains each one. Wycheproof's
/// own flags keep Wycheproof's names and meanings; the invalid cases carry Wycheproof's generic
/// flag (InvalidCiphertext / InvalidCiphertextFormat / InvalidOaepPadding / InvalidPkcs1Padding)
/// plus one xsig flag naming the single RFC 8017 check the case breaks.
public struct VectorFlag: Sendable, Hashable {
    public let name: String
    public let note: WycheproofNote

    init(_ name: String, _ bugType: String, _ description: String, effect: String? = nil) {
        self.name = name
        self.note = WycheproofNote(bugType: bugType, description: description, effect: effect)
    }

    public static let all: [VectorFlag] = [
        // Wycheproof's flags, Wycheproof's meanings.
        VectorFlag("Normal", "BASIC",
                   "The test vector contains a pseudorandomly generated, valid test case. Implementations are expected to pass this test."),
        VectorFlag("EncryptionWithLabel", "FUNCTIONALITY",
                   "RSA-OAEP allows an optional parameter label, that is associated with the message. This test vector contains a ciphertext that was encrypted with a non-empty label."),
        VectorFlag("InvalidCiphertext", "MISSING_STEP",
                   "The test vector contains an invalid ciphertext. The test vectors distinguish between InvalidOaepPadding (cases where returning information about the error can lead to Manger's attack) and InvalidCiphertext (cases where the ciphertext is malformed and a decryption should not even be attempted.)"),
        VectorFlag("InvalidCiphertextFormat", "CONFIDENTIALITY",
                   "This is a test vector with an invalid ciphertext. "),
        VectorFlag("InvalidOaepPadding", "CONFIDENTIALITY",
                   "The test vector contains an invalid OAEP padding. Implementations must ensure that different error conditions cannot be distinguished, since otherwise Manger's attack against OAEP may be possible. "),
        VectorFlag("InvalidPkcs1Padding", "CONFIDENTIALITY",
                   "This is a test vector with an invalid PKCS #1 padding. Implementations must ensure that test vectors with different modifications cannot be distinguished from each other. For example it is a mistake if invalid paddings lead to distinguishable exceptions (RFC 8017 Section 7.2.2). A recommended test is to collect the exceptions thrown by all test vectors with the InvalidPkcs1Padding flag and check that these exceptions are all exactly identical.",
                   effect: "An implementation that has a distinguishable reaction to different types of invalid PKCS #1 paddings frequently makes it easier to perform padding oracle attacks."),
        // xsig's flags.
        VectorFlag("LeadingZeroCiphertext", "EDGE_CASE",
                   "xsig: the ciphertext starts with a zero octet (c < 2^(8(k-1))). It is still exactly k octets (I2OSP, RFC 8017 4.1). An encryptor that converts c to bytes with a minimal encoding (e.g. Java's BigInteger.toByteArray without padding) emits k - 1 octets, which a strict decryptor rejects."),
        VectorFlag("XSignature", "FUNCTIONALITY",
                   "xsig: an X-signature. msg is the UTF-8 payload session_token=<sessionToken>&timestamp=<timestamp>&nonce=<nonce>, nonce is the lowercase hex of timestamp, and signature is the standard Base64 (with = padding) of ct. The case carries sessionToken, timestamp (decimal string), nonce, payload, signature, seed and index."),
        VectorFlag("WrongCiphertextLength", "MISSING_STEP",
                   "xsig: the ciphertext is not exactly k octets (RFC 8017 7.1.2 step 1b, 7.2.2 step 1). Includes k - 1 and k + 1 octets that encode the same integer as a valid ciphertext; a decryptor that converts to an integer first accepts them."),
        VectorFlag("CiphertextNotReduced", "MISSING_STEP",
                   "xsig: the ciphertext representative c is not below the modulus (c >= n), which RSADP must refuse (RFC 8017 5.1.2 step 1). Includes c = n, c = n + 1 and c + n for a valid c."),
        VectorFlag("OaepFirstByteNotZero", "CONFIDENTIALITY",
                   "xsig: the first octet Y of the OAEP encoded message is not zero (RFC 8017 7.1.2 step 3g)."),
        VectorFlag("OaepLHashMismatch", "CONFIDENTIALITY",
                   "xsig: the lHash' recovered from DB differs from Hash(L) (RFC 8017 7.1.2 step 3g): the ciphertext was made with another label, or lHash was altered."),
        VectorFlag("OaepNoSeparator", "CONFIDENTIALITY",
                   "xsig: no 0x01 octet separates PS from M in DB (RFC 8017 7.1.2 step 3g)."),
        VectorFlag("OaepNonzeroPS", "CONFIDENTIALITY",
                   "xsig: PS contains a nonzero octet, so the first nonzero octet after lHash' is not the 0x01 separator (RFC 8017 7.1.2 step 3g)."),
        VectorFlag("Pkcs1FirstByteNotZero", "CONFIDENTIALITY",
                   "xsig: the first octet of the PKCS #1 v1.5 encoded message is not 0x00 (RFC 8017 7.2.2 step 3)."),
        VectorFlag("Pkcs1WrongBlockType", "CONFIDENTIALITY",
                   "xsig: the second octet of the encoded message (the block type) is not 0x02 (RFC 8017 7.2.2 step 3); 0x01 is the signature block type."),
        VectorFlag("Pkcs1NoSeparator", "CONFIDENTIALITY",
                   "xsig: no 0x00 octet separates PS from M (RFC 8017 7.2.2 step 3)."),
        VectorFlag("Pkcs1ShortPS", "CONFIDENTIALITY",
                   "xsig: PS is shorter than 8 octets (RFC 8017 7.2.2 step 3)."),
        VectorFlag("WrongPaddingVariant", "FUNCTIONALITY",
                   "xsig: an X-signature made with another padding than the file's, as a client on another Java provider or library would send it (e.g. OAEP with MGF1-SHA-1, Java's default SunJCE reading of OAEPWithSHA-256AndMGF1Padding, where MGF1-SHA-256 is expected). The server must reject it; the comment names the padding used."),
        VectorFlag("RsaLabsKnownAnswer", "BASIC",
                   "xsig: an RSA Laboratories known-answer vector (PKCS #1 v2.1 test vectors), converted; ps or oaepSeed gives the padding bytes, so re-encrypting msg reproduces ct."),
    ]

    public static func named(_ name: String) -> VectorFlag? { all.first { $0.name == name } }
}
