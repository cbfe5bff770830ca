/// The checks of RSA decryption (RFC 8017 5.1.2, 7.1.2, 7.2.2), each of which ends in the same
/// generic `decryption error`. Which one failed is reported only by ``RSADecryptor/explain(_:padding:label:)``,
/// a debugging aid: never send it, or anything that depends on it, to the party that sent the
/// ciphertext (that would rebuild the padding oracle the generic error removes).
public enum DecryptionCheck: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// C is not k octets (7.1.2 step 1b, 7.2.2 step 1).
    case ciphertextLength
    /// c >= n (RSADP, 5.1.2 step 1).
    case ciphertextRange
    /// k is too small for the padding: k < 11 (7.2.2 step 1) or k < 2hLen + 2 (7.1.2 step 1c).
    case modulusTooSmall
    /// PKCS#1 v1.5: the first octet of EM is not 0x00 (7.2.2 step 3).
    case firstOctet
    /// PKCS#1 v1.5: the second octet of EM (block type) is not 0x02.
    case blockType
    /// PKCS#1 v1.5: no 0x00 octet separates PS from M.
    case separator
    /// PKCS#1 v1.5: PS is shorter than 8 octets.
    case paddingStringLength
    /// OAEP: the leading octet Y is not 0x00 (7.1.2 step 3g).
    case leadingOctet
    /// OAEP: lHash' in DB differs from the hash of the label (7.1.2 step 3g).
    case labelHash
    /// OAEP: no 0x01 octet after the zero octets of PS (7.1.2 step 3g).
    case oneSeparator

    public var description: String {
        switch self {
        case .ciphertextLength: return "ciphertext is not k octets long (RFC 8017 7.1.2 step 1b / 7.2.2 step 1)"
        case .ciphertextRange: return "ciphertext representative is not smaller than the modulus (RSADP, RFC 8017 5.1.2 step 1)"
        case .modulusTooSmall: return "modulus too small for this padding (RFC 8017 7.1.2 step 1c / 7.2.2 step 1)"
        case .firstOctet: return "PKCS#1 v1.5: first octet of EM is not 0x00 (RFC 8017 7.2.2 step 3)"
        case .blockType: return "PKCS#1 v1.5: block type octet is not 0x02 (RFC 8017 7.2.2 step 3)"
        case .separator: return "PKCS#1 v1.5: no 0x00 octet separates PS from M (RFC 8017 7.2.2 step 3)"
        case .paddingStringLength: return "PKCS#1 v1.5: PS is shorter than 8 octets (RFC 8017 7.2.2 step 3)"
        case .leadingOctet: return "OAEP: leading octet Y is not 0x00 (RFC 8017 7.1.2 step 3g)"
        case .labelHash: return "OAEP: lHash' in DB does not match the hash of the label (wrong label or hash; RFC 8017 7.1.2 step 3g)"
        case .oneSeparator: return "OAEP: no 0x01 octet after PS (RFC 8017 7.1.2 step 3g)"
        }
    }

    /// The first failed check, in RFC order, of a failure bit set (bit i = rawValue i).
    static func first(in failures: UInt) -> DecryptionCheck? {
        guard failures != 0 else { return nil }
        return DecryptionCheck(rawValue: failures.trailingZeroBitCount)
    }
}

/// What a padding decoder found: a bit per failed check (0 when EM is valid) and where M starts.
struct PaddingCheckResult {
    let failures: UInt
    /// Offset of M in EM; meaningful only when `failures == 0`.
    let messageOffset: Int
}
