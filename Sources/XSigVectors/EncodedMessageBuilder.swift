import XSignature
/// Builds encoded messages (EM, RFC 8017 7.1.1 / 7.2.1) byte by byte, well-formed or broken in
/// exactly one named way, and turns them into ciphertexts with the raw RSA primitive
/// (``RSAEncryptor/rawEncrypt(_:)``). This is how the invalid decryption cases are made: an
/// encryptor refuses to produce them, a decryptor must refuse to accept them.
///
/// Independent of xsig's encoders on purpose; a test checks that the well-formed EMs encrypt to
/// the same ciphertexts as ``RSAEncryptor`` with injected padding bytes.
struct EncodedMessageBuilder {
    let encryptor: RSAEncryptor
    var k: Int { encryptor.modulusOctets }

    init(encryptor: RSAEncryptor) { self.encryptor = encryptor }

    /// c = EM^e mod n, or nil when EM (as an integer) is not below n.
    func encrypt(_ em: [UInt8]) throws -> [UInt8]? {
        precondition(em.count == k)
        guard Self.lessThan(em, encryptor.key.modulus) else { return nil }
        return try encryptor.rawEncrypt(em)
    }

    static func lessThan(_ value: [UInt8], _ modulus: [UInt8]) -> Bool {
        let a = Array(value.drop(while: { $0 == 0 })), b = Array(modulus.drop(while: { $0 == 0 }))
        if a.count != b.count { return a.count < b.count }
        for (x, y) in zip(a, b) where x != y { return x < y }
        return false
    }

    // MARK: - EME-PKCS1-v1_5

    /// EM = first || blockType || ps || separator || M. With the defaults this is the RFC's
    /// 0x00 || 0x02 || PS || 0x00 || M; every argument can be changed to break one rule.
    /// `separator` nil leaves the separator out (PS runs straight into M).
    func pkcs1(message: [UInt8], ps: [UInt8], first: UInt8 = 0x00, blockType: UInt8 = 0x02, separator: UInt8? = 0x00) -> [UInt8] {
        let em = [first, blockType] + ps + (separator.map { [$0] } ?? []) + message
        precondition(em.count == k, "EM must be k octets: \(em.count) != \(k)")
        return em
    }

    // MARK: - EME-OAEP

    /// The parts of DB = lHash || PS || 0x01 || M, each replaceable.
    struct OAEPBlock {
        var lHash: [UInt8]
        var ps: [UInt8]
        var separator: [UInt8] = [0x01]
        var message: [UInt8]

        var bytes: [UInt8] { lHash + ps + separator + message }
    }

    /// The well-formed DB for `message` and `label`.
    func oaepBlock(message: [UInt8], label: [UInt8], hash: DigestAlgorithm) -> OAEPBlock {
        let hLen = hash.outputLength
        return OAEPBlock(lHash: hash.hash(label), ps: [UInt8](repeating: 0, count: k - message.count - 2 * hLen - 2),
                         message: message)
    }

    /// EM = Y || maskedSeed || maskedDB for the given DB (k - hLen - 1 octets) and seed (hLen).
    func oaep(block: [UInt8], seed: [UInt8], hash: DigestAlgorithm, mgf1: DigestAlgorithm, y: UInt8 = 0x00) -> [UInt8] {
        let hLen = hash.outputLength
        precondition(block.count == k - hLen - 1 && seed.count == hLen, "DB must be k - hLen - 1 octets, the seed hLen")
        let maskedDB = Self.xor(block, Self.mgf1(seed, length: block.count, hash: mgf1))
        let maskedSeed = Self.xor(seed, Self.mgf1(maskedDB, length: hLen, hash: mgf1))
        return [y] + maskedSeed + maskedDB
    }

    /// MGF1 (RFC 8017 B.2.1): Hash(seed || C) for C = 0, 1, ... as 4 octets, cut to `length`.
    static func mgf1(_ seed: [UInt8], length: Int, hash: DigestAlgorithm) -> [UInt8] {
        var out: [UInt8] = []
        var counter: UInt32 = 0
        while out.count < length {
            let c = (0..<4).map { UInt8(truncatingIfNeeded: counter >> (24 - 8 * UInt32($0))) }
            out += hash.hash(seed + c)
            counter += 1
        }
        return Array(out.prefix(length))
    }

    static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] { zip(a, b).map { $0 ^ $1 } }
}
