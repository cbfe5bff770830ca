/// EME-OAEP decoding, RFC 8017 section 7.1.2 step 3.
enum OAEPDecoding {
    /// Unmasks EM in place (EM = Y || maskedSeed || maskedDB becomes Y || seed || DB) and checks
    /// Y = 0x00, DB = lHash' || PS || 0x01 || M with lHash' equal to the hash of the label.
    ///
    /// As for PKCS#1 v1.5, all checks are evaluated over the whole of DB with masks and no early
    /// exit (Manger's attack needs only to tell "Y != 0" from the other failures).
    static func check(_ em: UnsafeMutableRawBufferPointer, label: UnsafeRawBufferPointer,
                      hash: DigestAlgorithm, mgf1Hash: DigestAlgorithm) -> PaddingCheckResult {
        let k = em.count
        let hLen = hash.outputLength
        guard k >= 2 * hLen + 2 else {
            return PaddingCheckResult(failures: ConstantTime.bit(UInt.max, .modulusTooSmall), messageOffset: k)
        }
        let leadingBad = ConstantTime.isNonZero(UInt(em[0]))
        let seed = UnsafeMutableRawBufferPointer(rebasing: em[1..<(1 + hLen)])
        let db = UnsafeMutableRawBufferPointer(rebasing: em[(1 + hLen)...])
        // seed = maskedSeed xor MGF(maskedDB, hLen); DB = maskedDB xor MGF(seed, k - hLen - 1)
        OAEP.mgf1XOR(seed: UnsafeRawBufferPointer(db), hash: mgf1Hash, into: seed)
        OAEP.mgf1XOR(seed: UnsafeRawBufferPointer(seed), hash: mgf1Hash, into: db)
        let hashBad: UInt = withUnsafeTemporaryAllocation(byteCount: hLen, alignment: 8) { lHash in
            hash.hash(label, into: lHash)
            var difference: UInt = 0
            for i in 0..<hLen { difference |= UInt(db[i] ^ lHash[i]) }
            return ConstantTime.isNonZero(difference)
        }
        // The first nonzero octet after lHash' must be 0x01; find it without leaving the loop.
        var found: UInt = 0
        var oneIndex: UInt = 0
        var notOne: UInt = 0
        for i in hLen..<db.count {
            let octet = UInt(db[i])
            let nonzero = ConstantTime.isNonZero(octet)
            let first = nonzero & ~found
            oneIndex = ConstantTime.select(first, UInt(i), oneIndex)
            notOne |= first & ConstantTime.isNonZero(octet ^ 0x01)
            found |= nonzero
        }
        let oneMissing = ~found | notOne
        let failures = ConstantTime.bit(leadingBad, .leadingOctet) | ConstantTime.bit(hashBad, .labelHash)
            | ConstantTime.bit(oneMissing, .oneSeparator)
        return PaddingCheckResult(failures: failures, messageOffset: 1 + hLen + Int(oneIndex) + 1)
    }
}
