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
        /// The engine that computes the ciphertexts (every engine gives the same bytes).
        public var backend: RSAEncryptor.Backend

        public init(bits: [Int] = VectorGenerator.defaultBits, paddings: [RSAEncryptionPadding] = VectorGenerator.defaultPaddings,
                    count: Int = VectorGenerator.defaultCount, seed: [UInt8] = VectorGenerator.defaultSeed,
                    keyDirectory: String? = nil, backend: RSAEncryptor.Backend = .gmp) {
            self.bits = bits
            self.paddings = paddings
            self.count = count
            self.seed = seed
            self.keyDirectory = keyDirectory
            self.backend = backend
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
                let file = try makeFile(key: key, padding: padding, seed: options.seed, count: options.count, backend: options.backend)
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

    public static func makeFile(key: VectorKey, padding: RSAEncryptionPadding, seed: [UInt8], count: Int,
                                backend: RSAEncryptor.Backend = .gmp) throws -> WycheproofFile {
        var cases = try VectorCaseBuilder(key: key, padding: padding, seed: seed, encryptor: try RSAEncryptor(key: key.publicKey, backend: backend))
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
