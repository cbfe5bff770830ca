import FoundationEssentials
import XSigBigInt
import XSignature

/// The invalid cases of a file: one family per RFC 8017 decryption check, each flagged.
extension VectorCaseBuilder {
    // MARK: Invalid

    mutating func addInvalid(_ ct: [UInt8], msg: [UInt8], label: [UInt8] = [], comment: String, flags: [String]) {
        tests.append(WycheproofTestCase(tcId: nextID, comment: comment, flags: flags, msg: msg, ct: ct,
                                        label: padding.isOAEP ? label : nil, result: .invalid))
    }

    /// Encrypts a constructed EM and adds it; leaves the case out when EM is not below n.
    mutating func addConstructed(_ em: [UInt8], msg: [UInt8], label: [UInt8] = [], comment: String, flag: String) throws {
        guard let ct = try builder.encrypt(em) else { return }
        addInvalid(ct, msg: msg, label: label, comment: comment, flags: [paddingFlag, flag])
    }

    mutating func addInvalidCases() throws {
        guard let leadingZero else { preconditionFailure("valid cases first") }
        let reference = self.reference ?? leadingZero
        // RFC 8017 7.1.2 step 1b, 7.2.2 step 1: the ciphertext must be exactly k octets.
        let lengthFlags = [formatFlag, "WrongCiphertextLength"]
        addInvalid([], msg: reference.msg, comment: "empty ciphertext", flags: lengthFlags)
        addInvalid(Array(leadingZero.ct.dropFirst()), msg: leadingZero.msg,
                   comment: "leading zero octet removed: k - 1 octets, the same integer", flags: lengthFlags)
        addInvalid([0] + reference.ct, msg: reference.msg, comment: "zero octet prepended: k + 1 octets, the same integer", flags: lengthFlags)
        addInvalid(reference.ct + [0], msg: reference.msg, comment: "zero octet appended: k + 1 octets", flags: lengthFlags)
        addInvalid(Array(reference.ct.dropLast()), msg: reference.msg, comment: "last octet removed: k - 1 octets", flags: lengthFlags)
        // RFC 8017 5.1.2 step 1 (RSADP): the ciphertext representative must be below n.
        let rangeFlags = [formatFlag, "CiphertextNotReduced"]
        let n = GMPInteger(bigEndian: key.n)
        addInvalid(n.bigEndianBytes(count: k)!, msg: reference.msg, comment: "c = n", flags: rangeFlags)
        addInvalid((n + GMPInteger(1)).bigEndianBytes(count: k)!, msg: reference.msg, comment: "c = n + 1", flags: rangeFlags)
        if let added = (n + GMPInteger(bigEndian: reference.ct)).bigEndianBytes(count: k) {
            addInvalid(added, msg: reference.msg, comment: "c + n: the valid ciphertext plus the modulus, k octets", flags: rangeFlags)
        }
        addInvalid([UInt8](repeating: 0xff, count: k), msg: reference.msg, comment: "c = 2^(8k) - 1 (all octets 0xff)", flags: rangeFlags)
        if padding.isOAEP { try addOAEPPaddingCases() } else { try addPKCS1PaddingCases() }
        try addWrongVariantCases()
    }

    /// X-signatures made with one of the other vendor paddings: the interoperability failure
    /// the README's padding table is about (e.g. SunJCE's MGF1-SHA-1 where MGF1-SHA-256 is expected).
    mutating func addWrongVariantCases() throws {
        let payload = try SignaturePayload(sessionToken: "t", timestamp: 1628496895102)
        for other in VectorGenerator.defaultPaddings where other != padding {
            guard payload.byteCount <= other.maximumMessageLength(modulusOctets: k) else { continue }
            let ct = try encryptor.encrypt(payload.bytes, padding: other, randomness: .deterministic(seed: seed, index: UInt64(nextID)))
            // About 1 in 300 foreign ciphertexts happens to carry a well-formed PKCS#1 v1.5 block.
            guard (try? decryptor.decrypt(ct, padding: padding)) == nil else { continue }
            var test = WycheproofTestCase(tcId: nextID, comment: "X-signature made with \(other.name) instead of \(padding.name)",
                                          flags: ["XSignature", paddingFlag, "WrongPaddingVariant"], msg: payload.bytes, ct: ct,
                                          label: padding.isOAEP ? [] : nil, result: .invalid)
            test.sessionToken = payload.sessionToken
            test.timestamp = String(payload.timestamp)
            test.nonce = payload.nonce
            test.payload = payload.string
            test.signature = Base64.encode(ct)
            tests.append(test)
        }
    }

    mutating func addOAEPPaddingCases() throws {
        let hash = padding.oaepHash!, mgf1 = padding.mgf1Hash!
        let message = Array("xsig".utf8.prefix(maximum))
        let good = builder.oaepBlock(message: message, label: [], hash: hash)
        func em(_ block: EncodedMessageBuilder.OAEPBlock, y: UInt8 = 0) -> [UInt8] {
            builder.oaep(block: block.bytes, seed: bytes("oaep-seed", hash.outputLength), hash: hash, mgf1: mgf1, y: y)
        }
        // 7.1.2 step 3g: Y must be 0.
        for y: UInt8 in [0x01, 0x80] {
            try addConstructed(em(good, y: y), msg: message, comment: "first octet Y of EM is 0x\(Hex.encode([y]))",
                               flag: "OaepFirstByteNotZero")
        }
        // 3g: lHash' must equal Hash(L).
        let other = Array("xsig".utf8)
        let withLabel = try encryptor.encrypt(message, padding: padding, label: other, randomness: .deterministic(seed: seed, index: UInt64(nextID)))
        addInvalid(withLabel, msg: message, label: [], comment: "encrypted with label 78736967, decrypted with the empty label",
                   flags: [paddingFlag, "OaepLHashMismatch"])
        let withoutLabel = try encryptor.encrypt(message, padding: padding, label: [], randomness: .deterministic(seed: seed, index: UInt64(nextID)))
        addInvalid(withoutLabel, msg: message, label: other, comment: "encrypted with the empty label, decrypted with label 78736967",
                   flags: [paddingFlag, "OaepLHashMismatch"])
        var first = good
        first.lHash[0] ^= 0x01
        try addConstructed(em(first), msg: message, comment: "first octet of lHash changed", flag: "OaepLHashMismatch")
        var last = good
        last.lHash[last.lHash.count - 1] ^= 0x80
        try addConstructed(em(last), msg: message, comment: "last octet of lHash changed", flag: "OaepLHashMismatch")
        // 3g: a 0x01 octet must separate PS from M.
        var zeros = good
        zeros.ps = [UInt8](repeating: 0, count: good.ps.count + 1 + good.message.count)
        zeros.separator = []
        zeros.message = []
        try addConstructed(em(zeros), msg: [], comment: "DB is lHash followed by zero octets only: no 0x01 separator", flag: "OaepNoSeparator")
        var replaced = good
        replaced.separator = [0x00]
        try addConstructed(em(replaced), msg: message, comment: "separator 0x01 replaced by 0x00: the first nonzero octet after lHash is M's 0x78",
                           flag: "OaepNoSeparator")
        // 3g: PS must be zero octets up to the separator.
        guard good.ps.count >= 2 else { return }
        var psFirst = good
        psFirst.ps[0] = 0x02
        try addConstructed(em(psFirst), msg: message, comment: "first octet of PS is 0x02", flag: "OaepNonzeroPS")
        var psLast = good
        psLast.ps[psLast.ps.count - 1] = 0xff
        try addConstructed(em(psLast), msg: message, comment: "last octet of PS (just before the separator) is 0xff", flag: "OaepNonzeroPS")
    }

    mutating func addPKCS1PaddingCases() throws {
        let message = Array("xsig".utf8.prefix(maximum))
        func ps(_ count: Int) -> [UInt8] { bytes("ps", count, nonzero: true) }
        let psLength = k - message.count - 3
        // 7.2.2 step 3: the first octet of EM must be 0x00.
        for first: UInt8 in [0x01, 0x02] {
            try addConstructed(builder.pkcs1(message: message, ps: ps(psLength), first: first), msg: message,
                               comment: "first octet of EM is 0x\(Hex.encode([first]))", flag: "Pkcs1FirstByteNotZero")
        }
        // The second octet (block type) must be 0x02.
        for blockType: UInt8 in [0x00, 0x01, 0x03] {
            try addConstructed(builder.pkcs1(message: message, ps: ps(psLength), blockType: blockType), msg: message,
                               comment: "block type 0x\(Hex.encode([blockType])) instead of 0x02", flag: "Pkcs1WrongBlockType")
        }
        // A 0x00 octet must separate PS from M.
        try addConstructed(builder.pkcs1(message: message, ps: ps(psLength + 1), separator: nil), msg: message,
                           comment: "no zero octet after the block type: PS runs into M (all nonzero)", flag: "Pkcs1NoSeparator")
        // PS must be at least 8 octets.
        for length in [0, 1, 7] {
            let body = bytes("message", k - 3 - length)
            try addConstructed(builder.pkcs1(message: body, ps: ps(length)), msg: body,
                               comment: "PS of \(length) octet\(length == 1 ? "" : "s") (at least 8 are required)", flag: "Pkcs1ShortPS")
        }
    }
}
