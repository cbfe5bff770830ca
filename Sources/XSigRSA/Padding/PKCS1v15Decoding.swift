/// EME-PKCS1-v1_5 decoding, RFC 8017 section 7.2.2 step 3.
enum PKCS1v15Decoding {
    /// Checks EM = 0x00 || 0x02 || PS || 0x00 || M with PS at least 8 octets.
    ///
    /// Every octet of EM is read and every check is evaluated, with masks instead of branches and
    /// no early exit, so that the time taken does not say which check failed (Bleichenbacher's
    /// oracle). The caller branches once, on `failures != 0`.
    static func check(_ em: UnsafeRawBufferPointer) -> PaddingCheckResult {
        let k = em.count
        guard k >= 11 else { return PaddingCheckResult(failures: ConstantTime.bit(UInt.max, .modulusTooSmall), messageOffset: k) }
        let firstBad = ConstantTime.isNonZero(UInt(em[0]))
        let typeBad = ConstantTime.isNonZero(UInt(em[1]) ^ 0x02)
        // The index of the first 0x00 after the block type, found without leaving the loop.
        var found: UInt = 0
        var zeroIndex: UInt = 0
        for i in 2..<k {
            let isZero = ConstantTime.isZero(UInt(em[i]))
            zeroIndex = ConstantTime.select(isZero & ~found, UInt(i), zeroIndex)
            found |= isZero
        }
        let separatorMissing = ~found
        // PS = EM[2..<zeroIndex] must hold at least 8 octets.
        let psShort = found & ConstantTime.lessThan(zeroIndex, 2 + 8)
        let failures = ConstantTime.bit(firstBad, .firstOctet) | ConstantTime.bit(typeBad, .blockType)
            | ConstantTime.bit(separatorMissing, .separator) | ConstantTime.bit(psShort, .paddingStringLength)
        return PaddingCheckResult(failures: failures, messageOffset: Int(zeroIndex) + 1)
    }
}
