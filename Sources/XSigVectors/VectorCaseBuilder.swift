import FoundationEssentials
import XSigBigInt
import XSignature

/// Accumulates the cases of one file, numbering them.
struct VectorCaseBuilder {
    let key: VectorKey
    let padding: RSAEncryptionPadding
    let seed: [UInt8]
    let encryptor: RSAEncryptor
    let builder: EncodedMessageBuilder
    /// Only to make sure a case meant to be invalid is: never to build one.
    let decryptor: RSADecryptor
    var tests: [WycheproofTestCase] = []
    /// A valid case with a nonempty message and one whose ciphertext starts with 0x00.
    var reference: (msg: [UInt8], ct: [UInt8])?
    var leadingZero: (msg: [UInt8], ct: [UInt8])?

    init(key: VectorKey, padding: RSAEncryptionPadding, seed: [UInt8], encryptor: RSAEncryptor) throws {
        self.key = key
        self.padding = padding
        self.seed = seed
        self.encryptor = encryptor
        self.builder = EncodedMessageBuilder(encryptor: encryptor)
        let privateKey = try PrivateKeyDecoder(policy: .allowingWeakKeys).decode(key.privateKeyPKCS8).key
        self.decryptor = try RSADecryptor(privateKey: privateKey, backend: .gmp)
    }

    var k: Int { key.modulusOctets }
    var maximum: Int { padding.maximumMessageLength(modulusOctets: k) }
    var nextID: Int { tests.count + 1 }
    var label: [UInt8]? { padding.isOAEP ? [] : nil }
    /// Wycheproof's generic flags for the two kinds of invalid case.
    var formatFlag: String { padding.isOAEP ? "InvalidCiphertext" : "InvalidCiphertextFormat" }
    var paddingFlag: String { padding.isOAEP ? "InvalidOaepPadding" : "InvalidPkcs1Padding" }

    /// Deterministic filler bytes for messages and constructed padding, by purpose and case.
    func bytes(_ purpose: String, _ count: Int, nonzero: Bool = false) -> [UInt8] {
        var stream = DeterministicStream(seed: Array("xsig-vectors-\(purpose)".utf8) + seed, index: UInt64(nextID))
        guard nonzero else { return stream.bytes(count: count) }
        var out: [UInt8] = []
        while out.count < count { out += stream.bytes(count: 64).filter { $0 != 0 }.prefix(count - out.count) }
        return out
    }

    // MARK: Valid

    @discardableResult
    mutating func addValid(_ message: [UInt8], label: [UInt8] = [], index: UInt64? = nil, comment: String,
                           flags: [String]) throws -> WycheproofTestCase {
        let index = index ?? UInt64(nextID)
        let ct = try encryptor.encrypt(message, padding: padding, label: label, randomness: .deterministic(seed: seed, index: index))
        var test = WycheproofTestCase(tcId: nextID, comment: comment, flags: flags, msg: message, ct: ct,
                                      label: padding.isOAEP ? label : nil, result: .valid)
        test.seed = Hex.encode(seed)
        test.index = index
        tests.append(test)
        return test
    }

    /// The first stream index from `UInt64(tcId) << 32` whose ciphertext starts with a zero octet.
    func leadingZeroIndex(_ message: [UInt8]) throws -> UInt64 {
        let base = UInt64(nextID) << 32
        for j in 0..<UInt64(1 << 20) {
            let ct = try encryptor.encrypt(message, padding: padding, randomness: .deterministic(seed: seed, index: base + j))
            if ct[0] == 0 { return base + j }
        }
        throw XSigError(.invalidArgument, "no ciphertext with a leading zero octet in 2^20 tries")
    }

    mutating func addValidCases(count: Int) throws {
        let bound = padding.isOAEP ? "k - 2hLen - 2" : "k - 11"
        for length in VectorGenerator.messageLengths(count: count, maximum: maximum) {
            var comment = "message of \(length) bytes"
            if length == 0 { comment += " (empty)" }
            if length == maximum { comment += " (the longest: \(bound))" }
            let message = bytes("message", length)
            let test = try addValid(message, comment: comment, flags: ["Normal"])
            if reference == nil && length > 0 { reference = (message, try Hex.decode(test.ct)) }
        }
        let message = Array("xsig leading zero".prefix(maximum).utf8)
        let test = try addValid(message, index: try leadingZeroIndex(message),
                                comment: "ciphertext starts with a zero octet; it is still k octets long", flags: ["LeadingZeroCiphertext"])
        leadingZero = (message, try Hex.decode(test.ct))
        guard padding.isOAEP else { return }
        for (length, what) in [(1, "a 1-byte label"), (20, "a 20-byte label"), (200, "a 200-byte label (longer than hLen)")] {
            let label = bytes("label", length)
            try addValid(Array("xsig".utf8.prefix(maximum)), label: label, comment: "OAEP with \(what)", flags: ["EncryptionWithLabel"])
        }
    }

    // MARK: X-signature

    mutating func addXSignature(token: String, timestamp: UInt64, comment: String, leadingZero: Bool = false) throws {
        let payload = try SignaturePayload(sessionToken: token, timestamp: timestamp)
        guard payload.byteCount <= maximum else { return }
        let index = leadingZero ? try leadingZeroIndex(payload.bytes) : UInt64(nextID)
        var test = try addValid(payload.bytes, index: index, comment: "X-signature: " + comment,
                                flags: leadingZero ? ["XSignature", "LeadingZeroCiphertext"] : ["XSignature"])
        test.sessionToken = token
        test.timestamp = String(timestamp)
        test.nonce = payload.nonce
        test.payload = payload.string
        test.signature = Base64.encode(try Hex.decode(test.ct))
        tests[tests.count - 1] = test
    }

    mutating func addXSignatureCases() throws {
        let example: UInt64 = 1628496895102
        try addXSignature(token: "demo-session-token-0001", timestamp: example, comment: "the README's example token and timestamp")
        try addXSignature(token: "t", timestamp: 0, comment: "one-character token, timestamp 0 (nonce \"0\")")
        try addXSignature(token: "t", timestamp: UInt64.max, comment: "timestamp 2^64 - 1 (nonce \"ffffffffffffffff\")")
        try addXSignature(token: "jeton-\u{E9}t\u{E9}-\u{6771}\u{4EAC}", timestamp: example, comment: "non-ASCII token, encrypted as UTF-8")
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let room = maximum - (try SignaturePayload(sessionToken: "x", timestamp: example).byteCount - 1)
        if room >= 1 {
            let token = String(bytes("token", room).map { alphabet[Int($0 & 63)] })
            try addXSignature(token: token, timestamp: example, comment: "payload of the longest length the key and padding allow (\(maximum) bytes)")
        }
        try addXSignature(token: "lz", timestamp: example, comment: "signature whose ciphertext starts with a zero octet", leadingZero: true)
    }
}
