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
        let digest = FastDigest(hash)
        digest.labelHash(label, into: UnsafeMutableRawBufferPointer(rebasing: db[0..<hLen]))
        db[db.count - message.count - 1] = 0x01
        if message.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: db[(db.count - message.count)...]).copyMemory(from: message)
        }
        maskedSeed.copyMemory(from: seed)
        // maskedDB = DB xor MGF(seed, k - hLen - 1); maskedSeed = seed xor MGF(maskedDB, hLen)
        if mgf1Hash == hash {
            mgf1XOR(seed: UnsafeRawBufferPointer(maskedSeed), digest: digest, into: db)
            mgf1XOR(seed: UnsafeRawBufferPointer(db), digest: digest, into: maskedSeed)
        } else {
            let mgf = FastDigest(mgf1Hash)
            mgf1XOR(seed: UnsafeRawBufferPointer(maskedSeed), digest: mgf, into: db)
            mgf1XOR(seed: UnsafeRawBufferPointer(db), digest: mgf, into: maskedSeed)
        }
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
        let digest = FastDigest(hash)
        mgf1XOR(seed: seed, digest: digest, into: target)
    }

    static func mgf1XOR(seed: UnsafeRawBufferPointer, digest: borrowing FastDigest, into target: UnsafeMutableRawBufferPointer) {
        let hLen = digest.algorithm.outputLength
        withUnsafeTemporaryAllocation(byteCount: 4 + 64, alignment: 8) { scratch in
            let counterBytes = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<4])
            let block = UnsafeMutableRawBufferPointer(rebasing: scratch[4..<(4 + hLen)])
            var counter: UInt32 = 0
            var done = 0
            while done < target.count {
                counterBytes.storeBytes(of: counter.bigEndian, as: UInt32.self)
                digest.hash(seed, UnsafeRawBufferPointer(counterBytes), into: block)
                let n = min(hLen, target.count - done)
                let t = target.baseAddress! + done
                let b = block.baseAddress!
                var i = 0
                while i + 8 <= n {
                    t.storeBytes(of: t.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: i, as: UInt64.self),
                                 toByteOffset: i, as: UInt64.self)
                    i += 8
                }
                while i < n { t.storeBytes(of: t.load(fromByteOffset: i, as: UInt8.self) ^ b.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self); i += 1 }
                done += n
                counter += 1
            }
            scratch.initializeMemory(as: UInt8.self, repeating: 0)
        }
    }
}
