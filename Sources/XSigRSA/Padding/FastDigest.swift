import CXSigKernels

/// Hashing for the OAEP encoder's inner loop (MGF1 and lHash): the same OpenSSL libcrypto
/// digests as ``DigestAlgorithm``, without its per-call costs.
///
/// `EVP_Digest` with the legacy `EVP_sha256()` handle fetches the implementation from the
/// provider and allocates a context on every call: about 0.45 us per 36-octet MGF1 block here,
/// several times the hashing itself. The C kernel `xsig_digest2` (CXSigKernels, digest.c) calls
/// libcrypto's direct SHA entry points with their context on the C stack (about 0.06 us), or, in
/// a libcrypto built without deprecated APIs, an EVP_MD fetched once with a reused per-thread
/// EVP_MD_CTX (about 0.12 us); digest.c has the measurements behind that choice.
struct FastDigest: ~Copyable {
    let algorithm: DigestAlgorithm
    private let direct: Bool

    /// `direct: false` forces the EVP path (tests exercise both).
    init(_ algorithm: DigestAlgorithm, direct allowDirect: Bool = true) {
        self.algorithm = algorithm
        self.direct = allowDirect && xsig_digest_direct_available() == 1
    }

    /// Whether the direct SHA entry points are in use (false: the EVP path).
    var usesDirectEntryPoints: Bool { direct }

    /// output = Hash(a || b); output holds at least hLen octets.
    func hash(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
              into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= algorithm.outputLength)
        let ok = xsig_digest2(Int32(DigestIndex.of(algorithm)), direct ? 1 : 0, a.baseAddress, a.count, b.baseAddress, b.count,
                              output.baseAddress!.assumingMemoryBound(to: UInt8.self))
        precondition(ok == 1, "xsig: digest failed for \(algorithm.rawValue)")
    }

    /// lHash = Hash(label), cached per algorithm for the empty label (the only one xsig signs with).
    func labelHash(_ label: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        if label.count == 0 {
            EmptyLabelHashes.value[DigestIndex.of(algorithm)].withUnsafeBytes { output.copyMemory(from: $0) }
        } else {
            hash(label, into: output)
        }
    }
}

/// Index of an algorithm in the C kernel's numbering (XSIG_SHA1 ... XSIG_SHA512).
enum DigestIndex {
    static func of(_ algorithm: DigestAlgorithm) -> Int {
        switch algorithm {
        case .sha1: return Int(XSIG_SHA1)
        case .sha224: return Int(XSIG_SHA224)
        case .sha256: return Int(XSIG_SHA256)
        case .sha384: return Int(XSIG_SHA384)
        case .sha512: return Int(XSIG_SHA512)
        }
    }
}

/// The hash of the empty string under every ``DigestAlgorithm``, indexed by ``DigestIndex``.
/// Computed by ``FastDigest`` rather than `EVP_Digest`: the EVP path's first call initialises
/// OpenSSL (configuration, providers), about 2 ms that a one-shot `xsig sign` would otherwise pay
/// (docs/startup.md).
enum EmptyLabelHashes {
    static let value: [[UInt8]] = DigestAlgorithm.allCases.map { algorithm in
        var output = [UInt8](repeating: 0, count: algorithm.outputLength)
        output.withUnsafeMutableBytes { FastDigest(algorithm).hash(UnsafeRawBufferPointer(start: nil, count: 0), into: $0) }
        return output
    }
}
