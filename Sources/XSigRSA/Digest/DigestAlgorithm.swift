import COpenSSL

/// The hash functions RSAES-OAEP may use for its label hash and for MGF1 (RFC 8017 appendix B.1).
/// Hashing is OpenSSL's (EVP); xsig writes no hash function of its own.
public enum DigestAlgorithm: String, CaseIterable, Sendable, Hashable {
    case sha1, sha224, sha256, sha384, sha512

    /// hLen, the output length in octets.
    public var outputLength: Int {
        switch self {
        case .sha1: return 20
        case .sha224: return 28
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// The name OpenSSL's EVP_MD_fetch and the OAEP parameter setters use.
    public var openSSLName: String {
        switch self {
        case .sha1: return "SHA1"
        case .sha224: return "SHA224"
        case .sha256: return "SHA256"
        case .sha384: return "SHA384"
        case .sha512: return "SHA512"
        }
    }

    var evpMD: OpaquePointer {
        switch self {
        case .sha1: return EVP_sha1()
        case .sha224: return EVP_sha224()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    /// Hash of `data` into `output` (at least outputLength octets).
    public func hash(_ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= outputLength)
        var length: UInt32 = 0
        let ok = EVP_Digest(data.baseAddress ?? UnsafeRawPointer(bitPattern: 1), data.count,
                            output.baseAddress!.assumingMemoryBound(to: UInt8.self), &length, evpMD, nil)
        precondition(ok == 1 && Int(length) == outputLength, "EVP_Digest failed for \(rawValue)")
    }

    public func hash<Bytes: Collection>(_ data: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let input = Array(data)
        var output = [UInt8](repeating: 0, count: outputLength)
        input.withUnsafeBytes { i in output.withUnsafeMutableBytes { hash(i, into: $0) } }
        return output
    }
}
