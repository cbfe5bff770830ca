/// An RSA encryption scheme of RFC 8017: RSAES-PKCS1-v1_5 (section 7.2) or RSAES-OAEP
/// (section 7.1) with its label hash and MGF1 hash chosen independently.
///
/// A struct over an internal enum, so schemes can be added without breaking callers.
///
/// | name | scheme | typical producer |
/// |---|---|---|
/// | `pkcs1` | RSAES-PKCS1-v1_5 | JSEncrypt, `Cipher.getInstance("RSA/ECB/PKCS1Padding")`, `openssl pkeyutl` default |
/// | `oaep-sha256` | OAEP, SHA-256, MGF1-SHA-256 | Java + BouncyCastle `OAEPWithSHA-256AndMGF1Padding`, WebCrypto |
/// | `oaep-sha256-mgf1sha1` | OAEP, SHA-256, MGF1-SHA-1 | Java default provider (SunJCE), same string |
/// | `oaep-sha1` | OAEP, SHA-1, MGF1-SHA-1 | `RSA/ECB/OAEPWithSHA-1AndMGF1Padding`, OpenSSL `-pkeyopt rsa_padding_mode:oaep` |
public struct RSAEncryptionPadding: Hashable, Sendable, CustomStringConvertible {
    enum Scheme: Hashable, Sendable {
        case pkcs1v15
        case oaep(hash: DigestAlgorithm, mgf1: DigestAlgorithm)
    }

    let scheme: Scheme

    init(scheme: Scheme) { self.scheme = scheme }

    public static let pkcs1v15 = RSAEncryptionPadding(scheme: .pkcs1v15)
    /// OAEP SHA-256 with MGF1-SHA-256 (BouncyCastle's reading of the vendor's Java sample).
    public static let oaepSHA256 = RSAEncryptionPadding.oaep(hash: .sha256)
    /// OAEP SHA-256 with MGF1-SHA-1 (Java SunJCE's reading of the same string).
    public static let oaepSHA256MGF1SHA1 = RSAEncryptionPadding.oaep(hash: .sha256, mgf1: .sha1)
    public static let oaepSHA1 = RSAEncryptionPadding.oaep(hash: .sha1)

    public static func oaep(hash: DigestAlgorithm, mgf1: DigestAlgorithm? = nil) -> RSAEncryptionPadding {
        RSAEncryptionPadding(scheme: .oaep(hash: hash, mgf1: mgf1 ?? hash))
    }

    /// Every padding xsig accepts, in the order `--help` lists them.
    public static let all: [RSAEncryptionPadding] = [.pkcs1v15] + DigestAlgorithm.allCases.flatMap { hash in
        [RSAEncryptionPadding.oaep(hash: hash)]
            + DigestAlgorithm.allCases.filter { $0 != hash }.map { RSAEncryptionPadding.oaep(hash: hash, mgf1: $0) }
    }

    /// Parses `pkcs1`, `oaep-<hash>` or `oaep-<hash>-mgf1<hash>` (hashes: sha1, sha224, sha256,
    /// sha384, sha512), case-insensitively.
    public init(name: String) throws {
        let lower = name.lowercased()
        if lower == "pkcs1" || lower == "pkcs1v15" || lower == "pkcs1-v1_5" {
            self = .pkcs1v15
            return
        }
        let parts = lower.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "oaep", parts.count == 2 || parts.count == 3,
           let hash = DigestAlgorithm(rawValue: parts[1]) {
            if parts.count == 2 {
                self = .oaep(hash: hash)
                return
            }
            if parts[2].hasPrefix("mgf1"), let mgf = DigestAlgorithm(rawValue: String(parts[2].dropFirst(4))) {
                self = .oaep(hash: hash, mgf1: mgf)
                return
            }
        }
        throw XSigError(.invalidPadding,
            "unknown padding \(Self.quoted(name)); use pkcs1, oaep-<hash> or oaep-<hash>-mgf1<hash> with hash in sha1, sha224, sha256, sha384, sha512 (e.g. oaep-sha256, oaep-sha256-mgf1sha1)")
    }

    /// The canonical name (`pkcs1`, `oaep-sha256`, `oaep-sha256-mgf1sha1`).
    public var name: String {
        switch scheme {
        case .pkcs1v15: return "pkcs1"
        case let .oaep(hash, mgf1):
            return hash == mgf1 ? "oaep-\(hash.rawValue)" : "oaep-\(hash.rawValue)-mgf1\(mgf1.rawValue)"
        }
    }

    public var description: String { name }

    public var isOAEP: Bool { if case .oaep = scheme { return true } else { return false } }

    /// The OAEP label hash, nil for PKCS#1 v1.5.
    public var oaepHash: DigestAlgorithm? { if case let .oaep(h, _) = scheme { return h } else { return nil } }
    /// The OAEP MGF1 hash, nil for PKCS#1 v1.5.
    public var mgf1Hash: DigestAlgorithm? { if case let .oaep(_, m) = scheme { return m } else { return nil } }

    /// Octets of padding randomness one encryption consumes: hLen for OAEP (the seed), and for
    /// PKCS#1 v1.5 the PS length k - mLen - 3.
    public func randomByteCount(modulusOctets k: Int, messageLength: Int) -> Int {
        switch scheme {
        case .pkcs1v15: return k - messageLength - 3
        case let .oaep(hash, _): return hash.outputLength
        }
    }

    /// The largest message this padding carries under a k-octet modulus: k - 11 for
    /// RSAES-PKCS1-v1_5 (RFC 8017 7.2.1), k - 2hLen - 2 for RSAES-OAEP (7.1.1); negative when
    /// the key is too small for the padding at all.
    public func maximumMessageLength(modulusOctets k: Int) -> Int {
        switch scheme {
        case .pkcs1v15: return k - 11
        case let .oaep(hash, _): return k - 2 * hash.outputLength - 2
        }
    }

    /// The smallest modulus, in bits, that can carry any message with this padding.
    public var minimumModulusBits: Int {
        switch scheme {
        case .pkcs1v15: return 11 * 8 - 7
        case let .oaep(hash, _): return (2 * hash.outputLength + 2) * 8 - 7
        }
    }
}

extension RSAEncryptionPadding {
    /// The EME encoding alone (RFC 8017 7.1.1 step 2 / 7.2.1 step 2): EM of `em.count` = k octets,
    /// padding bytes drawn from `random`. For benchmarks and tests of the encoders; encryption
    /// goes through ``RSAEncryptor``, which checks lengths the same way.
    public func encode<R: RandomSource>(message: UnsafeRawBufferPointer, label: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                                        random: inout R, into em: UnsafeMutableRawBufferPointer) throws {
        let maximum = maximumMessageLength(modulusOctets: em.count)
        guard maximum >= 0, message.count <= maximum else {
            throw XSigError(.messageTooLong, "message of \(message.count) bytes does not fit \(name) with k = \(em.count)")
        }
        switch scheme {
        case .pkcs1v15:
            PKCS1v15.encode(message: message, random: &random, into: em)
        case let .oaep(hash, mgf1):
            OAEP.encode(message: message, label: label, hash: hash, mgf1Hash: mgf1, random: &random, into: em)
        }
    }
}

extension RSAEncryptionPadding {
    /// The name as given when it is short printable ASCII; otherwise only its length, so that a
    /// value pasted into the wrong flag (a token, a key) is not echoed whole.
    static func quoted(_ name: String) -> String {
        name.utf8.count <= 40 && name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) ? "'\(name)'" : "(\(name.utf8.count) bytes)"
    }
}
