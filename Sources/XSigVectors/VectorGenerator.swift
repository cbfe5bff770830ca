import FoundationEssentials
import XSigBigInt
import XSignature

/// `xsig vectors generate`: Wycheproof-format test vectors for RSA decryption and X-signature
/// verification, one file per (key size, padding), fully deterministic: the same options give
/// byte-identical files. Each file holds, under one key:
///
/// - valid encryptions of messages from empty to the maximum length, each with the `seed` and
///   `index` of the deterministic stream that padded it;
/// - a ciphertext with a leading zero octet; OAEP encryptions with labels;
/// - X-signature cases (session token, timestamp, nonce, payload, Base64 signature);
/// - invalid ciphertexts, one family per check of RFC 8017's decryption (7.1.2, 7.2.2), each
///   family with its own flag explained in the file's `notes`.
public enum VectorGenerator {
    public struct Options: Sendable {
        public var bits: [Int]
        public var paddings: [RSAEncryptionPadding]
        /// Valid message-length cases per file (lengths spread over 0...max, both ends included).
        public var count: Int
        public var seed: [UInt8]
        /// Read `rsa-<bits>.pem` private keys from here instead of deriving them from the seed.
        public var keyDirectory: String?

        public init(bits: [Int] = VectorGenerator.defaultBits, paddings: [RSAEncryptionPadding] = VectorGenerator.defaultPaddings,
                    count: Int = VectorGenerator.defaultCount, seed: [UInt8] = VectorGenerator.defaultSeed,
                    keyDirectory: String? = nil) {
            self.bits = bits
            self.paddings = paddings
            self.count = count
            self.seed = seed
            self.keyDirectory = keyDirectory
        }
    }

    public static let defaultBits = [1024, 2048, 3072, 4096]
    public static let defaultPaddings: [RSAEncryptionPadding] = [.pkcs1v15, .oaepSHA256, .oaepSHA256MGF1SHA1, .oaepSHA1]
    public static let defaultCount = 10
    /// "xsig test vectors" in ASCII.
    public static let defaultSeed = Array("xsig test vectors".utf8)
    public static let source = WycheproofSource(name: "xsig", version: "vectors-1")

    /// `xsig_rsa_pkcs1_2048_test.json`, `xsig_rsa_oaep_2048_sha256_mgf1sha1_test.json`
    /// (upstream Wycheproof's names with an `xsig_` prefix).
    public static func fileName(bits: Int, padding: RSAEncryptionPadding) -> String {
        guard let hash = padding.oaepHash, let mgf1 = padding.mgf1Hash else { return "xsig_rsa_pkcs1_\(bits)_test.json" }
        return "xsig_rsa_oaep_\(bits)_\(hash.rawValue)_mgf1\(mgf1.rawValue)_test.json"
    }

    public static func privateKeyFileName(bits: Int) -> String { "rsa-\(bits).pem" }
    public static func publicKeyFileName(bits: Int) -> String { "rsa-\(bits).pub.pem" }

    /// One output file: a path relative to the output directory and its text.
    public struct OutputFile: Sendable, Hashable {
        public let path: String
        public let text: String
        public let numberOfTests: Int
    }

    public struct Output: Sendable {
        public var files: [OutputFile] = []
        /// (bits, padding) combinations left out because the key is too small for the padding.
        public var skipped: [String] = []
    }

    /// Everything `generate` writes, in memory: `keys/rsa-<bits>.pem`, `keys/rsa-<bits>.pub.pem`
    /// and one JSON file per (bits, padding).
    public static func generate(_ options: Options, readFile: (String) throws -> String = VectorGenerator.readTextFile) throws -> Output {
        guard options.count >= 2 else { throw XSigError(.invalidArgument, "--count must be at least 2 (the empty and the longest message)") }
        guard !options.bits.isEmpty, !options.paddings.isEmpty else { throw XSigError(.invalidArgument, "no key sizes or no paddings given") }
        var output = Output()
        for bits in options.bits {
            let key = try self.key(bits: bits, options: options, readFile: readFile)
            output.files.append(OutputFile(path: "keys/" + privateKeyFileName(bits: bits), text: key.privateKeyPEM, numberOfTests: 0))
            output.files.append(OutputFile(path: "keys/" + publicKeyFileName(bits: bits), text: key.publicKeyPEM, numberOfTests: 0))
            for padding in options.paddings {
                guard padding.maximumMessageLength(modulusOctets: key.modulusOctets) >= 0 else {
                    output.skipped.append("\(padding.name) with \(bits)-bit keys: \(padding.name) needs at least \(padding.minimumModulusBits) bits")
                    continue
                }
                let file = try makeFile(key: key, padding: padding, seed: options.seed, count: options.count)
                output.files.append(OutputFile(path: fileName(bits: bits, padding: padding), text: file.json.text,
                                               numberOfTests: file.numberOfTests))
            }
        }
        return output
    }

    public static func readTextFile(_ path: String) throws -> String {
        do {
            return String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        } catch {
            throw XSigError(.io, "\(path): cannot read the file")
        }
    }

    /// Writes `output` under `directory` (created if missing).
    public static func write(_ output: Output, to directory: String) throws {
        let base = URL(fileURLWithPath: directory)
        for file in output.files {
            try writeTextFile(file.text, to: base.appendingPathComponent(file.path).path)
        }
    }

    /// Writes one file, creating its directory if missing.
    public static func writeTextFile(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        } catch {
            throw XSigError(.io, "\(path): cannot write the file")
        }
    }

    static func key(bits: Int, options: Options, readFile: (String) throws -> String) throws -> VectorKey {
        guard let directory = options.keyDirectory else {
            return try DeterministicKeyGenerator.generate(seed: options.seed, bits: bits)
        }
        let path = URL(fileURLWithPath: directory).appendingPathComponent(privateKeyFileName(bits: bits)).path
        let text: String
        do { text = try readFile(path) } catch { throw XSigError(.io, "--key-dir \(path): cannot read the file") }
        let key: VectorKey
        do {
            key = try VectorKey(privateKeyPEM: text)
        } catch let error as XSigError {
            throw error.prefixed("--key-dir \(path)")
        }
        guard key.bits == bits else {
            throw XSigError(.invalidKey, "--key-dir \(path): the key has \(key.bits) bits, not \(bits)")
        }
        return key
    }

    // MARK: - One file

    public static func makeFile(key: VectorKey, padding: RSAEncryptionPadding, seed: [UInt8], count: Int) throws -> WycheproofFile {
        var cases = try CaseBuilder(key: key, padding: padding, seed: seed, encryptor: try RSAEncryptor(key: key.publicKey, backend: .gmp))
        try cases.addValidCases(count: count)
        try cases.addXSignatureCases()
        try cases.addInvalidCases()
        let group = WycheproofTestGroup(
            type: padding.isOAEP ? "RsaesOaepDecrypt" : "RsaesPkcs1Decrypt", source: source, keySize: key.bits,
            n: WycheproofBigInt.encode(key.n), e: WycheproofBigInt.encode(key.e), d: WycheproofBigInt.encode(key.d),
            privateKeyPem: key.privateKeyPEM, privateKeyPkcs8: Hex.encode(key.privateKeyPKCS8), publicKeyPem: key.publicKeyPEM,
            sha: padding.oaepHash.map(wycheproofHashName), mgf: padding.isOAEP ? "MGF1" : nil,
            mgfSha: padding.mgf1Hash.map(wycheproofHashName), tests: cases.tests)
        let usedFlags = Set(cases.tests.flatMap(\.flags))
        let notes = VectorFlag.all.filter { usedFlags.contains($0.name) }
        let scheme = padding.isOAEP
            ? "RSAES-OAEP with \(wycheproofHashName(padding.oaepHash!)) and MGF1-\(wycheproofHashName(padding.mgf1Hash!))"
            : "RSAES-PKCS1-v1_5"
        return WycheproofFile(
            algorithm: padding.isOAEP ? WycheproofFile.oaepAlgorithm : WycheproofFile.pkcs1Algorithm,
            schema: padding.isOAEP ? "rsaes_oaep_decrypt_schema_v1.json" : "rsaes_pkcs1_decrypt_schema_v1.json",
            header: [
                "xsig test vectors: \(scheme) decryption and X-signature verification, \(key.bits)-bit key (xsig padding name \(padding.name)).",
                "Generated by `xsig vectors generate` with seed \(Hex.encode(seed)); deterministic: the same arguments give the same bytes.",
                "Valid cases carry the seed and index of xsig's deterministic padding stream; X-signature cases add sessionToken, timestamp, nonce, payload and signature (Base64 of ct).",
                "The key is public test material. Fields beyond Wycheproof's schema are documented in xsig's vectors/README.md.",
            ],
            notes: Dictionary(uniqueKeysWithValues: notes.map { ($0.name, $0.note) }),
            testGroups: [group])
    }

    /// Wycheproof's hash names: SHA-1, SHA-224, SHA-256, SHA-384, SHA-512.
    public static func wycheproofHashName(_ hash: DigestAlgorithm) -> String {
        switch hash {
        case .sha1: return "SHA-1"
        case .sha224: return "SHA-224"
        case .sha256: return "SHA-256"
        case .sha384: return "SHA-384"
        case .sha512: return "SHA-512"
        }
    }

    /// The message lengths of the valid cases: `count` lengths spread evenly over 0...maximum,
    /// both ends included (all of them when count > maximum).
    public static func messageLengths(count: Int, maximum: Int) -> [Int] {
        guard maximum > 0 else { return [0] }
        if count > maximum { return Array(0...maximum) }
        return Array(Set((0..<count).map { $0 * maximum / (count - 1) })).sorted()
    }
}

/// Accumulates the cases of one file, numbering them.
private struct CaseBuilder {
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
