import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hashing for the OAEP encoder's inner loop (MGF1 and lHash): the same OpenSSL libcrypto
/// digests as ``DigestAlgorithm``, without its per-call costs.
///
/// `EVP_Digest` with the legacy `EVP_sha256()` handle fetches the implementation from the
/// provider and allocates a context on every call: about 1.4 us per 36-octet MGF1 block here,
/// ten times the hashing itself. This type uses libcrypto's direct SHA entry points
/// (`SHA256_Init/Update/Final` and siblings: the same assembly, no provider dispatch, context on
/// the stack, no allocation; about 0.15 us per block). OpenSSL 3 marks them deprecated, so they
/// are looked up once at run time (`dlsym`) rather than named in source, which would warn; if a
/// libcrypto lacks them (built with no-deprecated), the fallback is EVP with the algorithm fetched
/// once (EVP_MD_fetch) and one EVP_MD_CTX reused across the blocks of an encoding (about 0.3 us).
struct FastDigest: ~Copyable {
    let algorithm: DigestAlgorithm
    private let direct: DirectDigest?
    private let context: OpaquePointer?
    private let md: OpaquePointer?

    /// `direct: false` forces the EVP fallback (tests exercise both paths).
    init(_ algorithm: DigestAlgorithm, direct allowDirect: Bool = true) {
        self.algorithm = algorithm
        if allowDirect, let direct = DirectDigest.table[DigestIndex.of(algorithm)] {
            self.direct = direct
            self.context = nil
            self.md = nil
        } else {
            guard let context = EVP_MD_CTX_new() else { preconditionFailure("xsig: EVP_MD_CTX_new failed") }
            self.direct = nil
            self.context = context
            self.md = FetchedDigests.shared.md(algorithm)
        }
    }

    deinit { if let context { EVP_MD_CTX_free(context) } }

    /// Whether the direct SHA entry points are in use (false: the EVP fallback).
    var usesDirectEntryPoints: Bool { direct != nil }

    /// output = Hash(a || b); output holds at least hLen octets.
    func hash(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
              into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= algorithm.outputLength)
        let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        if let direct {
            withUnsafeTemporaryAllocation(byteCount: DirectDigest.contextBytes, alignment: 16) { ctx in
                let c = ctx.baseAddress!
                var ok = direct.initialize(c)
                if ok == 1, a.count > 0 { ok = direct.update(c, a.baseAddress, a.count) }
                if ok == 1, b.count > 0 { ok = direct.update(c, b.baseAddress, b.count) }
                if ok == 1 { ok = direct.final(out, c) }
                ctx.initializeMemory(as: UInt8.self, repeating: 0)
                precondition(ok == 1, "xsig: digest failed for \(algorithm.rawValue)")
            }
            return
        }
        var length: UInt32 = 0
        var ok = EVP_DigestInit_ex2(context, md, nil)
        if ok == 1, a.count > 0 { ok = EVP_DigestUpdate(context, a.baseAddress, a.count) }
        if ok == 1, b.count > 0 { ok = EVP_DigestUpdate(context, b.baseAddress, b.count) }
        if ok == 1 { ok = EVP_DigestFinal_ex(context, out, &length) }
        precondition(ok == 1 && Int(length) == algorithm.outputLength, "xsig: digest failed for \(algorithm.rawValue)")
    }

    /// lHash = Hash(label), cached per algorithm for the empty label (the only one xsig signs with).
    func labelHash(_ label: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        if label.count == 0 {
            FetchedDigests.shared.emptyHash(algorithm).withUnsafeBytes { output.copyMemory(from: $0) }
        } else {
            hash(label, into: output)
        }
    }
}

enum DigestIndex {
    static func of(_ algorithm: DigestAlgorithm) -> Int {
        switch algorithm {
        case .sha1: return 0
        case .sha224: return 1
        case .sha256: return 2
        case .sha384: return 3
        case .sha512: return 4
        }
    }
}

/// libcrypto's direct SHA functions for one algorithm (see ``FastDigest``).
struct DirectDigest: @unchecked Sendable {
    typealias Initialize = @convention(c) (UnsafeMutableRawPointer?) -> Int32
    typealias Update = @convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?, Int) -> Int32
    typealias Final = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutableRawPointer?) -> Int32

    let initialize: Initialize
    let update: Update
    let final: Final

    /// Room for SHA512_CTX (216 octets), the largest of SHA_CTX, SHA256_CTX and SHA512_CTX.
    static let contextBytes = 256

    /// Indexed by ``DigestIndex``; nil where libcrypto does not export the functions.
    static let table: [DirectDigest?] = {
        guard let handle = dlopen(nil, RTLD_NOW) else { return [DirectDigest?](repeating: nil, count: 5) }
        return DigestAlgorithm.allCases.map { algorithm in
            let prefix: String
            switch algorithm {
            case .sha1: prefix = "SHA1"
            case .sha224: prefix = "SHA224"
            case .sha256: prefix = "SHA256"
            case .sha384: prefix = "SHA384"
            case .sha512: prefix = "SHA512"
            }
            guard let i = dlsym(handle, prefix + "_Init"), let u = dlsym(handle, prefix + "_Update"),
                  let f = dlsym(handle, prefix + "_Final") else { return nil }
            return DirectDigest(initialize: unsafeBitCast(i, to: Initialize.self),
                                update: unsafeBitCast(u, to: Update.self),
                                final: unsafeBitCast(f, to: Final.self))
        }
    }()
}

/// The fetched EVP_MD of every ``DigestAlgorithm`` and the hash of the empty string under each.
final class FetchedDigests: @unchecked Sendable {
    static let shared = FetchedDigests()

    private let mds: [OpaquePointer]
    private let empty: [[UInt8]]

    private init() {
        mds = DigestAlgorithm.allCases.map { algorithm in
            guard let md = EVP_MD_fetch(nil, algorithm.openSSLName, nil) else {
                preconditionFailure("xsig: EVP_MD_fetch(\(algorithm.openSSLName)) failed")
            }
            return md
        }
        empty = DigestAlgorithm.allCases.map { $0.hash([UInt8]()) }
    }

    func md(_ algorithm: DigestAlgorithm) -> OpaquePointer { mds[DigestIndex.of(algorithm)] }
    func emptyHash(_ algorithm: DigestAlgorithm) -> [UInt8] { empty[DigestIndex.of(algorithm)] }
}
