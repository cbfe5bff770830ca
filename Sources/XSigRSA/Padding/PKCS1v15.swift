/// EME-PKCS1-v1_5 encoding, RFC 8017 section 7.2.1 step 2.
enum PKCS1v15 {
    /// EM = 0x00 || 0x02 || PS || 0x00 || M, with PS exactly k - mLen - 3 nonzero octets.
    static func encode(message: UnsafeRawBufferPointer, ps: UnsafeRawBufferPointer, into em: UnsafeMutableRawBufferPointer) {
        let k = em.count
        precondition(ps.count == k - message.count - 3 && ps.count >= 8, "PS length is checked by the caller")
        em[0] = 0x00
        em[1] = 0x02
        UnsafeMutableRawBufferPointer(rebasing: em[2..<(2 + ps.count)]).copyMemory(from: ps)
        em[2 + ps.count] = 0x00
        if message.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: em[(k - message.count)...]).copyMemory(from: message)
        }
    }

    /// Draws PS from the random source (nonzero octets, in stream order) and encodes.
    static func encode<R: RandomSource>(message: UnsafeRawBufferPointer, random: inout R, into em: UnsafeMutableRawBufferPointer) {
        let psLength = em.count - message.count - 3
        withUnsafeTemporaryAllocation(byteCount: psLength, alignment: 1) { ps in
            random.nonzeroBytes(into: ps)
            encode(message: message, ps: UnsafeRawBufferPointer(ps), into: em)
            ps.initializeMemory(as: UInt8.self, repeating: 0)
        }
    }
}
