/// EME-OAEP encoding, RFC 8017 section 7.1.1 step 2, and MGF1 (appendix B.2.1).
enum OAEP {
    /// EM = 0x00 || maskedSeed || maskedDB with DB = lHash || PS || 0x01 || M.
    static func encode(message: UnsafeRawBufferPointer, label: UnsafeRawBufferPointer,
                       hash: DigestAlgorithm, mgf1Hash: DigestAlgorithm,
                       seed: UnsafeRawBufferPointer, into em: UnsafeMutableRawBufferPointer) {
        let k = em.count
        let hLen = hash.outputLength
        precondition(seed.count == hLen && message.count <= k - 2 * hLen - 2, "lengths are checked by the caller")
        em.initializeMemory(as: UInt8.self, repeating: 0)
        let maskedSeed = UnsafeMutableRawBufferPointer(rebasing: em[1..<(1 + hLen)])
        let db = UnsafeMutableRawBufferPointer(rebasing: em[(1 + hLen)...])
        // DB = lHash || PS (zeros, already there) || 0x01 || M
        hash.hash(label, into: UnsafeMutableRawBufferPointer(rebasing: db[0..<hLen]))
        db[db.count - message.count - 1] = 0x01
        if message.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: db[(db.count - message.count)...]).copyMemory(from: message)
        }
        maskedSeed.copyMemory(from: seed)
        // maskedDB = DB xor MGF(seed, k - hLen - 1); maskedSeed = seed xor MGF(maskedDB, hLen)
        mgf1XOR(seed: UnsafeRawBufferPointer(maskedSeed), hash: mgf1Hash, into: db)
        mgf1XOR(seed: UnsafeRawBufferPointer(db), hash: mgf1Hash, into: maskedSeed)
    }

    /// Draws the hLen-octet seed from the random source and encodes.
    static func encode<R: RandomSource>(message: UnsafeRawBufferPointer, label: UnsafeRawBufferPointer,
                                        hash: DigestAlgorithm, mgf1Hash: DigestAlgorithm,
                                        random: inout R, into em: UnsafeMutableRawBufferPointer) {
        withUnsafeTemporaryAllocation(byteCount: hash.outputLength, alignment: 1) { seed in
            random.fill(seed)
            encode(message: message, label: label, hash: hash, mgf1Hash: mgf1Hash,
                   seed: UnsafeRawBufferPointer(seed), into: em)
            seed.initializeMemory(as: UInt8.self, repeating: 0)
        }
    }

    /// target ^= MGF1(seed, target.count): T = Hash(seed || C) for C = 0, 1, ... (4-octet counter).
    static func mgf1XOR(seed: UnsafeRawBufferPointer, hash: DigestAlgorithm, into target: UnsafeMutableRawBufferPointer) {
        let hLen = hash.outputLength
        withUnsafeTemporaryAllocation(byteCount: seed.count + 4 + hLen, alignment: 8) { scratch in
            let input = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<(seed.count + 4)])
            let digest = UnsafeMutableRawBufferPointer(rebasing: scratch[(seed.count + 4)...])
            UnsafeMutableRawBufferPointer(rebasing: input[0..<seed.count]).copyMemory(from: seed)
            var counter: UInt32 = 0
            var done = 0
            while done < target.count {
                input[seed.count] = UInt8(truncatingIfNeeded: counter >> 24)
                input[seed.count + 1] = UInt8(truncatingIfNeeded: counter >> 16)
                input[seed.count + 2] = UInt8(truncatingIfNeeded: counter >> 8)
                input[seed.count + 3] = UInt8(truncatingIfNeeded: counter)
                hash.hash(UnsafeRawBufferPointer(input), into: digest)
                let n = min(hLen, target.count - done)
                for i in 0..<n { target[done + i] ^= digest[i] }
                done += n
                counter += 1
            }
        }
    }
}
